// Package exclusions implements rmmhunt's "safe exclusions": version-controlled
// YAML files that suppress known-benign events before a rule aggregates them,
// written in the small `when` language of the seed document's false-positive
// scenarios (field == "value" and … or …) or as raw KQL.
//
// The package
//   - loads exclusion files strictly, reporting problems as file:line:col
//     (Parse, LoadFile, Load, NewSet);
//   - parses `when` expressions with standard precedence (not > and > or) and
//     prints them back, as written or fully parenthesized (ParseWhen, Format,
//     FormatParenthesized);
//   - resolves field aliases per table (process.name → InitiatingProcessFileName
//     on DeviceNetworkEvents, → FileName on DeviceProcessEvents, …) and
//     translates an exclusion into a KQL boolean expression over that table
//     (Exclusion.Compile, Set.ForRule), which the engine evaluates per event;
//     the fields url and destination.domain compare the host cut from
//     RemoteUrl (HostOf), the column by its own name its raw text;
//   - lints exclusions (Linter.Lint, LintMatches) and renders findings as text
//     or JSON;
//   - writes the ledger of suppressed events as JSON lines (LedgerWriter).
//
// Column types come through the small Schema interface (ProjectSchema adapts
// the project's table registry, package schema, the only project package this
// one imports) and rule facts through RuleInfo, so the package does not depend
// on the rules package. It must never import the KQL engine (kql/...), rules,
// ingest, report, internal/cli or cmd: the engine consumes the KQL text this
// package produces, not the other way round.
package exclusions
