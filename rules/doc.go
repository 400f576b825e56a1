// Package rules is the Sentinel / Defender XDR hunting-rule model of rmmhunt:
// the Rule type, a strict loader for rule files (Sentinel YAML, Markdown with
// fenced KQL blocks, plain .kql/.csl/.txt files) that reports every problem as a
// file:line:col diagnostic instead of skipping files, the built-in rule pack
// embedded in the binary, and rule tests kept as data (<rule>.tests.yaml) with
// their comparison logic and text/JSON/JUnit reports.
//
// The package knows nothing about how a query runs: rule tests execute through
// the small Runner interface, which the caller implements on top of the KQL
// engine.
//
// It must never import the KQL engine (kql/...), ingest, report or internal/cli:
// rules are data, and the engine, the readers and the command line depend on
// this package, never the reverse.
package rules
