package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

const (
	tableNet  = "DeviceNetworkEvents"
	tableProc = "DeviceProcessEvents"
	packQuery = "pack"
)

type config struct {
	repo    string
	dataDir string
	size    int64
	rows    int
	seed    int64
	engines []string
	runs    int
	workers []int // worker counts; every query and engine runs at each
	queries []string
	now     time.Time
	out     string
	rmmhunt string
	// rmmhuntHS is the rmmhunt binary built with -tags hyperscan, for the
	// rmmhunt-hs engine ("" when that engine is not run).
	rmmhuntHS string
	procFrac  int
	timeout   time.Duration
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "duckdb-exec" {
		if err := duckdbChild(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "duckdb-exec:", err)
			os.Exit(2)
		}
		return
	}
	code, err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
	}
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "0.5GB", "size of the network-events file to generate (e.g. 100MB, 0.5GB, 2GB)")
	rows := fs.Int("rows", 0, "rows of DeviceNetworkEvents (overrides --size)")
	seed := fs.Int64("seed", 1, "generator seed")
	engines := fs.String("engines", "rmmhunt,duckdb", "engines: rmmhunt, rmmhunt-hs (built with -tags hyperscan: cgo and libhs), rmmhunt-nopushdown, duckdb")
	runs := fs.Int("runs", 3, "timed runs per query and engine (the median is reported)")
	workers := fs.String("workers", strconv.Itoa(runtime.NumCPU()), "worker threads for every engine; a list (1,2) runs each query at each count, interleaved, and reports the speed-up")
	queries := fs.String("queries", "all", "comma-separated query names (queries/NAME.kql|sql, and 'pack'), or all")
	now := fs.String("now", "2026-03-08T00:00:00Z", "value of now() for the queries (the generator's data ends here)")
	out := fs.String("out", "", "also write the results as JSON to this file")
	repo := fs.String("repo", "..", "root of the rmmhunt repository")
	dataDir := fs.String("data", "data", "folder for generated data and binaries (git-ignored)")
	rmmhunt := fs.String("rmmhunt", "", "rmmhunt binary to use (default: build ./cmd/rmmhunt of --repo)")
	rmmhuntHS := fs.String("rmmhunt-hs", "", "rmmhunt binary built with -tags hyperscan for the rmmhunt-hs engine (default: build it)")
	procFrac := fs.Int("proc-ratio", 10, "DeviceProcessEvents rows = network rows / this")
	timeout := fs.Duration("timeout", 20*time.Minute, "give up on one run of one engine after this long")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() > 0 {
		return 2, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := config{timeout: *timeout, rows: *rows, seed: *seed, runs: *runs, out: *out, rmmhunt: *rmmhunt, procFrac: *procFrac}
	var err error
	for _, w := range strings.Split(*workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 || slices.Contains(cfg.workers, n) {
			return 2, fmt.Errorf("--workers %q: want distinct counts >= 1, separated by commas", *workers)
		}
		cfg.workers = append(cfg.workers, n)
	}
	if cfg.size, err = parseSize(*size); err != nil {
		return 2, err
	}
	if cfg.now, err = time.Parse(time.RFC3339, *now); err != nil {
		return 2, fmt.Errorf("--now: %w", err)
	}
	if cfg.runs < 1 || cfg.procFrac < 1 {
		return 2, errors.New("--runs and --proc-ratio must be >= 1")
	}
	for _, e := range strings.Split(*engines, ",") {
		e = strings.TrimSpace(e)
		switch e {
		case "rmmhunt", "rmmhunt-hs", "rmmhunt-nopushdown", "duckdb":
			cfg.engines = append(cfg.engines, e)
		case "":
		default:
			return 2, fmt.Errorf("unknown engine %q (want rmmhunt, rmmhunt-hs, rmmhunt-nopushdown or duckdb)", e)
		}
	}
	if cfg.repo, err = filepath.Abs(*repo); err != nil {
		return 2, err
	}
	if *rmmhuntHS != "" {
		if !slices.Contains(cfg.engines, "rmmhunt-hs") {
			return 2, errors.New("--rmmhunt-hs is for the rmmhunt-hs engine: add it to --engines")
		}
		if cfg.rmmhuntHS, err = filepath.Abs(*rmmhuntHS); err != nil {
			return 2, err
		}
	}
	if cfg.dataDir, err = filepath.Abs(*dataDir); err != nil {
		return 2, err
	}
	all, err := listQueries("queries")
	if err != nil {
		return 2, err
	}
	if *queries == "all" {
		cfg.queries = all
	} else {
		for _, q := range strings.Split(*queries, ",") {
			if q = strings.TrimSpace(q); !slices.Contains(all, q) {
				return 2, fmt.Errorf("unknown query %q (have %s)", q, strings.Join(all, ", "))
			}
			cfg.queries = append(cfg.queries, q)
		}
	}
	return bench(cfg, stdout, stderr)
}

// listQueries returns the names of queries/NAME.kql files plus "pack".
func listQueries(dir string) ([]string, error) {
	kqls, err := filepath.Glob(filepath.Join(dir, "*.kql"))
	if err != nil || len(kqls) == 0 {
		return nil, fmt.Errorf("no queries in %s (run the harness from the bench folder): %v", dir, err)
	}
	var names []string
	for _, k := range kqls {
		names = append(names, strings.TrimSuffix(filepath.Base(k), ".kql"))
	}
	slices.Sort(names)
	return append(names, packQuery), nil
}

// parseSize reads sizes like 500MB, 0.5GB, 2GB, 1e9 (decimal units).
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	for _, suf := range []struct {
		s string
		m float64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(u, suf.s) {
			u, mult = strings.TrimSuffix(u, suf.s), suf.m
			break
		}
	}
	f, err := strconv.ParseFloat(u, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("--size %q: want a positive size such as 500MB or 2GB", s)
	}
	return int64(f * mult), nil
}

// measurement is one engine's numbers for one query.
type measurement struct {
	Query      string    `json:"query"`
	Engine     string    `json:"engine"`
	Workers    int       `json:"workers"`
	Runs       []float64 `json:"runs_seconds"`
	Median     float64   `json:"median_seconds"`
	InputRows  int64     `json:"input_rows"`
	InputBytes int64     `json:"input_bytes"`
	RowsPerSec float64   `json:"rows_per_second"`
	MBPerCore  float64   `json:"mb_per_second_per_core"`
	CPUPercent float64   `json:"cpu_percent"`
	PeakRSSMB  float64   `json:"peak_rss_mb"`
	ResultRows int       `json:"result_rows"`
	Speedup    float64   `json:"rmmhunt_speed_vs_duckdb,omitempty"`
	Error      string    `json:"error,omitempty"`
	Checked    string    `json:"checked,omitempty"`
}

func bench(cfg config, stdout, stderr io.Writer) (int, error) {
	if err := os.MkdirAll(filepath.Join(cfg.dataDir, "bin"), 0o755); err != nil {
		return 1, err
	}
	rmmhuntBin := cfg.rmmhunt
	var rmmhuntErr error
	if rmmhuntBin == "" {
		rmmhuntBin, rmmhuntErr = buildRmmhunt(cfg)
	}
	if rmmhuntErr != nil {
		return 1, fmt.Errorf("rmmhunt unavailable (it generates the data and is an engine): %w", rmmhuntErr)
	}
	if slices.Contains(cfg.engines, "rmmhunt-hs") {
		if cfg.rmmhuntHS == "" {
			var err error
			if cfg.rmmhuntHS, err = buildRmmhuntHS(cfg); err != nil {
				return 1, fmt.Errorf("rmmhunt-hs: %w", err)
			}
		}
		// A binary without the tag would time the pure-Go engine under
		// the Hyperscan name.
		tags, cgo, err := builtWith(cfg.rmmhuntHS)
		if err != nil {
			return 1, fmt.Errorf("rmmhunt-hs: %w", err)
		}
		if !hasTag(tags, hyperscanTag) || !cgo {
			return 1, fmt.Errorf("rmmhunt-hs: %s was built with tags %q, CGO_ENABLED=%v; want -tags %s with cgo", cfg.rmmhuntHS, tags, cgo, hyperscanTag)
		}
	}
	data, err := ensureData(cfg, rmmhuntBin, rmmhuntErr, stderr)
	if err != nil {
		return 1, err
	}
	self, err := os.Executable()
	if err != nil {
		return 1, err
	}
	printMachine(stdout, cfg, data)

	var results []measurement
	failed := false
	for _, q := range cfg.queries {
		tables, kqlPath, sqlText, err := loadQuery(q, cfg)
		if err != nil {
			return 1, err
		}
		var inRows, inBytes int64
		for _, t := range tables {
			inRows += data.rows[t]
			inBytes += data.bytes[t]
		}
		answers := map[string]Normalised{}
		// Runs interleave the engines (run 1 of each, then run 2 of each …)
		// so that load from other processes on a shared machine falls on
		// every engine alike.
		type job struct {
			m     measurement
			argv  []string
			sets  map[string]bool
			first []byte
		}
		var jobs []*job
		for _, eng := range cfg.engines {
			for _, workers := range cfg.workers {
				j := &job{m: measurement{Query: q, Engine: eng, Workers: workers, InputRows: inRows, InputBytes: inBytes}}
				switch {
				case eng == "duckdb" && sqlText == "":
					continue // the pack has no SQL side
				case eng == "duckdb":
					sqlFile := filepath.Join(cfg.dataDir, q+".run.sql")
					if err := os.WriteFile(sqlFile, []byte(strings.ReplaceAll(sqlText, "{{NOW}}", duckdbTime(cfg.now))), 0o644); err != nil {
						return 1, err
					}
					j.argv = []string{self, "duckdb-exec", "--threads", strconv.Itoa(workers), "--sql", sqlFile}
					for _, t := range tables {
						j.argv = append(j.argv, "--table", t+"="+data.files[t])
					}
				case eng == "rmmhunt-hs":
					j.argv = rmmhuntArgs(cfg.rmmhuntHS, eng, q, kqlPath, cfg, workers, tables, data)
				default:
					j.argv = rmmhuntArgs(rmmhuntBin, eng, q, kqlPath, cfg, workers, tables, data)
				}
				j.sets = setColumns(sqlText)
				jobs = append(jobs, j)
			}
		}
		for r := 0; r < cfg.runs; r++ {
			for _, j := range jobs {
				m := &j.m
				if m.Error != "" {
					continue
				}
				outp, wall, cpu, rss, err := measure(j.argv, cfg.timeout)
				if err != nil {
					m.Error = err.Error()
					continue
				}
				if r == 0 {
					j.first = outp
				}
				m.Runs = append(m.Runs, wall.Seconds())
				m.CPUPercent = max(m.CPUPercent, 100*cpu.Seconds()/wall.Seconds())
				m.PeakRSSMB = max(m.PeakRSSMB, float64(rss)/1024)
			}
		}
		for _, j := range jobs {
			m := j.m
			if m.Error == "" {
				m.Median = median(m.Runs)
				m.RowsPerSec = float64(inRows) / m.Median
				m.MBPerCore = float64(inBytes) / 1e6 / m.Median / float64(m.Workers)
				if q == packQuery {
					m.ResultRows = -1
				} else if res, err := decodeResult(j.first); err != nil {
					m.Error = err.Error()
				} else if n, err := normalise(res, j.sets); err != nil {
					m.Error = err.Error()
				} else {
					m.ResultRows = len(n.Rows)
					answers[m.label()] = n
				}
			}
			if m.Error == "" {
				fmt.Fprintf(stderr, "bench: %-14s %-22s median %.3fs of %v\n", q, m.label(), m.Median, m.Runs)
			} else {
				failed = true
				fmt.Fprintf(stderr, "bench: %s on %s failed: %s\n", m.label(), q, m.Error)
			}
			results = append(results, m)
		}
		// Every engine, at every worker count, must give DuckDB's answer
		// (DuckDB's at the first count).
		refLabel := measurement{Engine: "duckdb", Workers: cfg.workers[0]}.label()
		if ref, ok := answers[refLabel]; ok {
			for i := range results {
				m := &results[i]
				if m.Query != q || m.label() == refLabel || m.Error != "" {
					continue
				}
				if d := diff(m.label(), answers[m.label()], "duckdb", ref); d != "" {
					failed = true
					m.Checked = "DIFFERS"
					fmt.Fprintf(stderr, "bench: %s and duckdb disagree on %s: %s\n", m.label(), q, d)
				} else {
					m.Checked = "same"
				}
			}
		}
	}
	// Speed ratios against DuckDB.
	for i := range results {
		m := &results[i]
		if !strings.HasPrefix(m.Engine, "rmmhunt") || m.Median == 0 {
			continue
		}
		for _, d := range results {
			if d.Query == m.Query && d.Engine == "duckdb" && d.Workers == m.Workers && d.Median > 0 {
				m.Speedup = d.Median / m.Median
			}
		}
	}
	printTable(stdout, results)
	printScaling(stdout, results)
	if cfg.out != "" {
		b, _ := json.MarshalIndent(map[string]any{"machine": machineInfo(cfg, data), "results": results}, "", "  ")
		if err := os.WriteFile(cfg.out, append(b, '\n'), 0o644); err != nil {
			return 1, err
		}
	}
	if failed {
		return 1, errors.New("some engines failed or disagreed (see above)")
	}
	return 0, nil
}

// loadQuery returns the tables a query reads, its KQL file and its SQL text
// ("" for the pack, which DuckDB does not run).
func loadQuery(name string, cfg config) ([]string, string, string, error) {
	if name == packQuery {
		return []string{tableNet, tableProc}, "", "", nil
	}
	kqlPath, err := filepath.Abs(filepath.Join("queries", name+".kql"))
	if err != nil {
		return nil, "", "", err
	}
	kql, err := os.ReadFile(kqlPath)
	if err != nil {
		return nil, "", "", err
	}
	sqlText, err := os.ReadFile(filepath.Join("queries", name+".sql"))
	if err != nil && slices.Contains(cfg.engines, "duckdb") {
		return nil, "", "", fmt.Errorf("query %s has no SQL twin: %w", name, err)
	}
	tables := []string{tableNet}
	if strings.Contains(string(kql), tableProc) {
		tables = append(tables, tableProc)
	}
	return tables, kqlPath, string(sqlText), nil
}

func rmmhuntArgs(bin, eng, q, kqlPath string, cfg config, workers int, tables []string, data *dataset) []string {
	var argv []string
	if q == packQuery {
		argv = []string{bin, "hunt", "--format", "json"}
	} else {
		argv = []string{bin, "query", "--format", "json", "-f", kqlPath}
	}
	argv = append(argv, "--now", cfg.now.Format(time.RFC3339))
	if supportsFlag(bin, argv[1], "--workers") {
		argv = append(argv, "--workers", strconv.Itoa(workers))
	}
	if eng == "rmmhunt-nopushdown" {
		argv = append(argv, "--no-pushdown")
	}
	for _, t := range tables {
		argv = append(argv, data.files[t])
	}
	return argv
}

var flagCache = map[string]bool{}

// supportsFlag reports whether `bin sub --help` mentions flag, so that the
// harness works with rmmhunt builds from before a flag existed.
func supportsFlag(bin, sub, flag string) bool {
	key := bin + " " + sub + " " + flag
	if v, ok := flagCache[key]; ok {
		return v
	}
	out, _ := exec.Command(bin, sub, "--help").CombinedOutput()
	v := bytes.Contains(out, []byte(flag))
	if !v {
		fmt.Fprintf(os.Stderr, "bench: note: %s %s has no %s flag; running without it\n", filepath.Base(bin), sub, flag)
	}
	flagCache[key] = v
	return v
}

// measure runs argv and returns its stdout, wall time, CPU time and peak RSS
// in KiB (wait4 rusage ru_maxrss of the child).
func measure(argv []string, timeout time.Duration) ([]byte, time.Duration, time.Duration, int64, error) {
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if ctx.Err() != nil {
		return nil, 0, 0, 0, fmt.Errorf("%s: timed out after %s (--timeout)", strings.Join(argv, " "), timeout)
	}
	if err != nil {
		return nil, 0, 0, 0, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, strings.TrimSpace(errb.String()))
	}
	st := cmd.ProcessState
	var rss int64
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return out.Bytes(), wall, st.UserTime() + st.SystemTime(), rss, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printTable(w io.Writer, results []measurement) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tengine\tworkers\tmedian s\trows/s\tMB/s/core\tCPU %\tpeak RSS MB\tresult rows\tspeed vs DuckDB\tanswer\t")
	for _, m := range results {
		if m.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\t%d\tFAILED\t\t\t\t\t\t\t\t\n", m.Query, m.Engine, m.Workers)
			continue
		}
		ratio, res := "", strconv.Itoa(m.ResultRows)
		if m.Speedup > 0 {
			ratio = fmt.Sprintf("%.2fx", m.Speedup)
		}
		if m.ResultRows < 0 {
			res = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%s\t%.1f\t%.0f\t%.0f\t%s\t%s\t%s\t\n",
			m.Query, m.Engine, m.Workers, m.Median, human(m.RowsPerSec), m.MBPerCore, m.CPUPercent, m.PeakRSSMB, res, ratio, m.Checked)
	}
	tw.Flush()
}

// label names an engine at a worker count ("rmmhunt/2").
func (m measurement) label() string { return m.Engine + "/" + strconv.Itoa(m.Workers) }

// printScaling prints, for each query and engine measured at more than one
// worker count, the speed at each count relative to the smallest (the
// runs were interleaved, so load on the machine falls on all alike).
func printScaling(w io.Writer, results []measurement) {
	type key struct{ q, e string }
	base := map[key]measurement{}
	for _, m := range results {
		k := key{m.Query, m.Engine}
		if b, ok := base[k]; m.Error == "" && m.Median > 0 && (!ok || m.Workers < b.Workers) {
			base[k] = m
		}
	}
	for _, m := range results {
		b, ok := base[key{m.Query, m.Engine}]
		if !ok || m.Error != "" || m.Workers == b.Workers {
			continue
		}
		fmt.Fprintf(w, "scaling: %-14s %-18s %d -> %d workers: %.2fx\n", m.Query, m.Engine, b.Workers, m.Workers, b.Median/m.Median)
	}
}

func human(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	default:
		return fmt.Sprintf("%.0f", x)
	}
}
