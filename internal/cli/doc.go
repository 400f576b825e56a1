// Package cli builds rmmhunt's command tree: one file per command, each with
// an options struct and a run function. All I/O goes through Streams so
// tests see exactly what a user sees.
//
// It wires the other packages together and holds no domain logic.
package cli
