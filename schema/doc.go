// Package schema holds the table schemas that rmmhunt binds KQL against and
// types ingested records by: the Microsoft Defender XDR advanced-hunting tables
// and the Microsoft Sentinel / Log Analytics tables, each with every documented
// column, in documented order, with its Kusto scalar type.
//
// The data is plain Go literals, one file per group of tables
// (defender_device.go, defender_email.go, defender_identity.go,
// defender_alert.go, defender_tvm.go, defender_other.go, sentinel_entra.go,
// sentinel_hosts.go, sentinel_security.go, sentinel_workspace.go), each table
// carrying the URL of the page that documents it. Never give a data file a
// GOOS or GOARCH suffix (such as _windows.go): the go tool would silently
// leave it out of other builds; TestRequiredTables catches that.
//
// Defender tables also carry the columns that Microsoft Sentinel adds when the
// Defender XDR connector streams them into Log Analytics (TenantId, Type,
// SourceSystem, MachineGroup and columns documented only there). Timestamp and
// TimeGenerated are aliases of each other: see [Table.Resolve].
//
// Lookups are exact and case-sensitive, like Kusto's binder; [Suggest] and
// [SuggestTable] give the "did you mean" hint for a name that does not resolve.
//
// This package is a leaf: it must never import any other rmmhunt package
// (kql, ingest, engine, cli), so that every stage can depend on it.
package schema
