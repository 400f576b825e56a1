// Package ingest reads the telemetry exports that users bring — Defender
// XDR Streaming API records (Event Hub messages and storage-blob PT1H.json
// files), Advanced Hunting portal CSV and API JSON exports, Sentinel / Log
// Analytics query results and JSON-lines exports, and Sysmon events (EVTX,
// rendered XML and the common JSON shapes) — detects each file's format by
// content, routes every record to its table, types every field by the table
// schema, and streams rows to the KQL engine through the kql/source
// contract.
//
// Nothing is lost silently: every record becomes rows, a record rejection
// (file:line:reason), or an unrouted record counted in the run summary;
// every field that does not fit its column's Kusto type becomes null and is
// reported as a field rejection (file:line:column:reason).
//
// Reading is streaming with bounded memory: inputs are read in line-aligned
// chunks decoded by parallel workers and emitted in input order.
//
// This package imports kql/source, kql/types and schema. It must never
// import the KQL engine (kql/syntax, kql/bind, kql/plan, kql/exec), rules,
// report or internal/cli: it knows nothing of KQL beyond the Scan spec.
package ingest
