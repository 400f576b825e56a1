// Package catalog is rmmhunt's own catalog of remote monitoring and management
// (RMM) and remote-access tools, and the rule pack generated from it.
//
// The catalog lives in tools.yaml beside this file (embedded in the binary, see
// Embedded). It is built by Import from the public LOLRMM exports and the
// jischell-msft rule repository, with the hand-written corrections.yaml applied
// on every import, so a re-import keeps the project's own decisions. Each tool
// lists its domains (exact hosts, "*." wildcards, in-label globs, IPv4
// addresses), binary names, install paths, signer, company and product names
// and ports.
//
// GenerateRules turns the catalog into Sentinel-style YAML hunting rules (one
// per tool and kind: network, process, signature) plus one test-data file per
// rule; WriteRules writes them under rules/builtin/catalog. NormalizeHost and
// Tool.MatchHost are the pure-Go meaning of the network rules, shared by the
// engine's tests and this package's own.
//
// The package must never import the KQL engine (kql/...), ingest, report or
// internal/cli: it is data plus text generation, and the engine proves the
// generated text through the rule tests it emits.
package catalog
