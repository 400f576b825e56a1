// Package ruletest runs and checks hunting rules with the KQL engine: Runner
// implements rules.Runner, so the rule tests kept as data (<rule>.tests.yaml)
// run on the real query text with Kusto's semantics, and Lint reports what is
// wrong or risky in a rule file (loader problems, parse and bind errors as
// file:line:col, term matches on domain names, now()-relative windows,
// missing metadata).
//
// It sits between the rules model and the engine: it imports rules, schema,
// report and kql/... . It must never import ingest, hunt, catalog or
// internal/cli: the command line depends on it, not the reverse, and rule
// tests must not depend on how exports are read.
package ruletest
