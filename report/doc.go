// Package report writes query results and hunt reports for people and
// machines with Kusto's value renderings (datetimes with seven fraction
// digits and Z, timespans as Kusto text, dynamic values as JSON, nulls as
// null):
//
//   - result tables: aligned text (fitted to a width, long values elided),
//     JSON, JSON lines, CSV;
//   - hunt reports (Hunt): the terminal report (findings grouped by rule and
//     tool, severity-coloured on a terminal, and a run summary), JSON with
//     entities, suppressed findings, lint and the run manifest, JSON lines,
//     CSV, and one self-contained HTML page (html/template, no scripts, no
//     external resources);
//   - entities of a finding (Entities), typed like Microsoft Sentinel's, from
//     the rule's entityMappings or well-known columns;
//   - the run manifest's file digests and rule-pack hash.
//
// It imports kql/types and rules (the rule metadata a report shows) only; it
// must never import hunt, ingest, exclusions, the engine or internal/cli: the
// command line turns their results into a Hunt, so that the writers can be
// tested on plain values.
package report
