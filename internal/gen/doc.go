// Package gen writes deterministic synthetic Defender XDR telemetry: rows of
// DeviceNetworkEvents, DeviceProcessEvents and DeviceFileCertificateInfo with
// the real column names and JSON types, as flat advanced-hunting API rows
// (JSON lines), Event Hub messages or storage-blob PT1H.json files.
//
// The data mixes benign traffic (browsers, svchost, Teams, OneDrive, Defender,
// updaters) with activity of RMM tools (MSP360/CloudBerry, AnyDesk,
// ScreenConnect, TeamViewer, Atera, Splashtop) and a few near misses that a
// correct engine must not match. The same Options always produce the same
// bytes. It feeds the `rmmhunt gen` command, the bundled example incident in
// examples/incident and the benchmark harness in bench/.
//
// It must never import the KQL engine, ingest or CLI packages: it only writes
// bytes, so it can be used to test all of them.
package gen
