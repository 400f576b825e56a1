// Package types holds Kusto's scalar types and values: the type names, the
// Value representation (datetime and timespan as 100 ns ticks, dynamic as an
// ordered JSON-like tree, null per type), parsing of datetime and timespan
// text, and rendering identical to Kusto's tostring().
//
// It is the bottom of the engine: it must never import any other package of
// this module.
package types
