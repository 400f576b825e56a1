package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// dataset is the generated input: one file per table.
type dataset struct {
	dir       string
	files     map[string]string
	rows      map[string]int64
	bytes     map[string]int64
	generator string
}

type meta struct {
	Seed      int64            `json:"seed"`
	Rows      map[string]int64 `json:"rows"`
	Bytes     map[string]int64 `json:"bytes"`
	Generator string           `json:"generator"`
}

// buildRmmhunt builds the repository's rmmhunt command into the data folder.
func buildRmmhunt(cfg config) (string, error) {
	if _, err := os.Stat(filepath.Join(cfg.repo, "cmd", "rmmhunt")); err != nil {
		return "", fmt.Errorf("%s/cmd/rmmhunt not found: %w", cfg.repo, err)
	}
	bin := filepath.Join(cfg.dataDir, "bin", "rmmhunt")
	if err := goBuild(cfg.repo, bin, "./cmd/rmmhunt", ""); err != nil {
		return "", err
	}
	return bin, nil
}

// hyperscanTag is the build tag of rmmhunt's Hyperscan prefilter engine
// (cgo, libhs); the rmmhunt-hs engine is rmmhunt built with it.
const hyperscanTag = "hyperscan"

// buildRmmhuntHS builds ./cmd/rmmhunt with -tags hyperscan (cgo, linking
// libhs: apt-get install libhyperscan-dev) into the data folder.
func buildRmmhuntHS(cfg config) (string, error) {
	bin := filepath.Join(cfg.dataDir, "bin", "rmmhunt-hs")
	if err := goBuild(cfg.repo, bin, "./cmd/rmmhunt", hyperscanTag); err != nil {
		return "", fmt.Errorf("%w\n(the rmmhunt-hs engine needs a C compiler and libhs: apt-get install libhyperscan-dev)", err)
	}
	return bin, nil
}

// goBuild builds pkg of the module in dir into out: pure Go (CGO_ENABLED=0)
// without tags, with cgo when tags are given (the tagged engines link C
// libraries).
func goBuild(dir, out, pkg, tags string) error {
	args := []string{"build", "-o", out}
	cgo := "CGO_ENABLED=0"
	if tags != "" {
		args = append(args, "-tags", tags)
		cgo = "CGO_ENABLED=1"
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), cgo)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(append(args, pkg), " "), err, b)
	}
	return nil
}

// builtWith reports the build tags and CGO_ENABLED setting recorded in a Go
// binary (`go version -m`).
func builtWith(bin string) (tags string, cgo bool, err error) {
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		return "", false, fmt.Errorf("go version -m %s: %v\n%s", bin, err, out)
	}
	tags, cgo = buildSettings(out)
	return tags, cgo, nil
}

// buildSettings reads the -tags and CGO_ENABLED lines of `go version -m`
// output.
func buildSettings(out []byte) (tags string, cgo bool) {
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 || f[0] != "build" {
			continue
		}
		k, v, _ := strings.Cut(f[1], "=")
		switch k {
		case "-tags":
			tags = v
		case "CGO_ENABLED":
			cgo = v == "1"
		}
	}
	return tags, cgo
}

// hasTag reports whether the comma-separated tags hold tag.
func hasTag(tags, tag string) bool {
	for _, t := range strings.Split(tags, ",") {
		if strings.TrimSpace(t) == tag {
			return true
		}
	}
	return false
}

// generator returns the command that writes data: `rmmhunt gen`, which
// calls internal/gen's Write.
func generator(rmmhuntBin string, rmmhuntErr error) ([]string, error) {
	if rmmhuntErr != nil {
		return nil, fmt.Errorf("generating data needs rmmhunt gen: %w", rmmhuntErr)
	}
	if out, err := exec.Command(rmmhuntBin, "gen", "--help").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s gen --help: %v\n%s", rmmhuntBin, err, out)
	}
	return []string{rmmhuntBin, "gen"}, nil
}

func generate(gen []string, table string, rows int64, seed int64, out string) error {
	argv := append(append([]string{}, gen...), "--table", table, "--rows", strconv.FormatInt(rows, 10), "--seed", strconv.FormatInt(seed, 10), "-o", out)
	cmd := exec.Command(argv[0], argv[1:]...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, b)
	}
	return nil
}

// ensureData generates the network and process files once per (rows, seed)
// and reuses them while their sizes match what was recorded.
func ensureData(cfg config, rmmhuntBin string, rmmhuntErr error, log io.Writer) (*dataset, error) {
	gen, err := generator(rmmhuntBin, rmmhuntErr)
	if err != nil {
		return nil, err
	}
	rows := int64(cfg.rows)
	if rows == 0 {
		// Rows for --size: measure the generator's bytes per row on a sample.
		sample := filepath.Join(cfg.dataDir, "sample.jsonl")
		if err := generate(gen, tableNet, 5000, cfg.seed, sample); err != nil {
			return nil, err
		}
		fi, err := os.Stat(sample)
		if err != nil {
			return nil, err
		}
		rows = max(1, cfg.size*5000/fi.Size())
		os.Remove(sample)
	}
	want := map[string]int64{tableNet: rows, tableProc: max(1, rows/int64(cfg.procFrac))}
	d := &dataset{
		dir:       filepath.Join(cfg.dataDir, fmt.Sprintf("net%d-seed%d", rows, cfg.seed)),
		files:     map[string]string{},
		rows:      want,
		bytes:     map[string]int64{},
		generator: strings.Join(gen, " "),
	}
	for _, t := range []string{tableNet, tableProc} {
		d.files[t] = filepath.Join(d.dir, t+".jsonl")
	}
	metaPath := filepath.Join(d.dir, "meta.json")
	if b, err := os.ReadFile(metaPath); err == nil {
		var m meta
		if json.Unmarshal(b, &m) == nil && m.Seed == cfg.seed && sameSizes(d.files, m.Rows, m.Bytes, want) {
			d.bytes = m.Bytes
			fmt.Fprintf(log, "bench: reusing data in %s\n", d.dir)
			return d, nil
		}
	}
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return nil, err
	}
	for _, t := range []string{tableNet, tableProc} {
		start := time.Now()
		fmt.Fprintf(log, "bench: generating %d rows of %s ...\n", want[t], t)
		if err := generate(gen, t, want[t], cfg.seed, d.files[t]); err != nil {
			return nil, err
		}
		fi, err := os.Stat(d.files[t])
		if err != nil {
			return nil, err
		}
		d.bytes[t] = fi.Size()
		fmt.Fprintf(log, "bench: %s: %.1f MB in %.1fs\n", t, float64(fi.Size())/1e6, time.Since(start).Seconds())
	}
	b, _ := json.MarshalIndent(meta{Seed: cfg.seed, Rows: want, Bytes: d.bytes, Generator: d.generator}, "", "  ")
	return d, os.WriteFile(metaPath, b, 0o644)
}

func sameSizes(files map[string]string, rows, sizes, want map[string]int64) bool {
	for t, f := range files {
		fi, err := os.Stat(f)
		if err != nil || rows[t] != want[t] || fi.Size() != sizes[t] {
			return false
		}
	}
	return true
}

// machineInfo describes where the numbers were taken.
func machineInfo(cfg config, d *dataset) map[string]string {
	info := map[string]string{
		"cores":      strconv.Itoa(runtime.NumCPU()),
		"workers":    joinInts(cfg.workers),
		"go":         runtime.Version(),
		"data":       d.dir,
		"generator":  d.generator,
		"runs":       strconv.Itoa(cfg.runs),
		"now":        cfg.now.Format(time.RFC3339),
		"input":      fmt.Sprintf("%s %d rows %.1f MB; %s %d rows %.1f MB", tableNet, d.rows[tableNet], float64(d.bytes[tableNet])/1e6, tableProc, d.rows[tableProc], float64(d.bytes[tableProc])/1e6),
		"started_at": time.Now().UTC().Format(time.RFC3339),
	}
	if cfg.rmmhuntHS != "" {
		v := "libhs version unknown (no pkg-config libhs)"
		if out, err := exec.Command("pkg-config", "--modversion", "libhs").Output(); err == nil {
			v = "libhs " + strings.TrimSpace(string(out))
		}
		info["hyperscan"] = v + "; rmmhunt-hs = " + cfg.rmmhuntHS
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				info["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				f := strings.Fields(l)
				if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
					info["memory"] = fmt.Sprintf("%.1f GiB", kb/1024/1024)
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		info["loadavg"] = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	if db, err := sql.Open("duckdb", ""); err == nil {
		var v string
		if db.QueryRow("SELECT version()").Scan(&v) == nil {
			info["duckdb"] = v
		}
		db.Close()
	}
	return info
}

func printMachine(w io.Writer, cfg config, d *dataset) {
	info := machineInfo(cfg, d)
	var b bytes.Buffer
	for _, k := range []string{"cpu", "cores", "memory", "loadavg", "go", "duckdb", "hyperscan", "workers", "runs", "now", "input", "generator"} {
		if k == "hyperscan" && info[k] == "" {
			continue
		}
		fmt.Fprintf(&b, "%-10s %s\n", k+":", info[k])
	}
	fmt.Fprintln(w, b.String())
}

// joinInts renders counts as the --workers flag takes them: "1,2".
func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}
