// Command harness (the bench module's main package) benchmarks rmmhunt
// against DuckDB on generated Defender telemetry and checks that both return
// the same answers.
//
//	cd bench && go run . --size 0.5GB
//	cd bench && go run . --size 2GB --engines rmmhunt,duckdb --runs 3
//	cd bench && go run . --size 0.5GB --engines duckdb   # DuckDB alone
//	cd bench && go run . --size 2GB --engines rmmhunt,rmmhunt-hs,duckdb --workers 1
//
// The rmmhunt-hs engine is ./cmd/rmmhunt built with -tags hyperscan (cgo,
// linking libhs: apt-get install libhyperscan-dev), whose prefilter finds
// candidate lines with Hyperscan; the harness refuses a binary whose
// `go version -m` does not show that tag and cgo.
//
// It builds ./cmd/rmmhunt, generates the data once under bench/data/
// (git-ignored) with `rmmhunt gen`; then, for each query in queries/ (NAME.kql for
// rmmhunt, NAME.sql for DuckDB) and the built-in rule pack (`rmmhunt hunt`,
// rmmhunt only), runs every engine in a child process --runs times, measures
// wall time and peak RSS (wait4 rusage), compares the answers and prints a
// table. It exits 1 when the engines disagree or an engine fails.
//
// This is a separate Go module so that DuckDB's cgo bindings never reach the
// main module: the rmmhunt binary stays pure Go. It must not import packages of
// the main module (they are internal); it talks to rmmhunt only through its
// command line.
package main
