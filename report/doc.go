// Package report writes query results and hunt findings for people (aligned
// tables) and machines (JSON, JSON lines, CSV) with Kusto's value renderings:
// datetimes with seven fraction digits and Z, timespans as Kusto text,
// dynamic values as JSON, nulls as null.
//
// It imports kql/types only; it knows nothing of files, flags or the engine.
package report
