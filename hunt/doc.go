// Package hunt runs a rule pack over a source: it compiles every rule,
// reports rules that do not bind with file:line:col, runs the rest, and turns
// result rows into findings ordered deterministically (severity, rule,
// device, first seen).
//
// It wires rules, the engine and (later) exclusions together; it knows
// nothing of files, formats or flags.
package hunt
