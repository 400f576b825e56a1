package ingest_test

// End-to-end checks of ingestion through `rmmhunt hunt`: the same events in
// every Defender / Sentinel export shape give byte-identical findings, and
// the input handling flags (--strict, --rejects, compression, folders,
// globs, standard input) behave as docs/ingest.md says.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/internal/cli"
	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

const huntNow = "2026-03-08T00:00:00Z"

// hunt runs `rmmhunt hunt` in process, with the built-in rules of the
// tools the incident example holds (a small pack keeps the tests fast),
// and returns the exit code, stdout and stderr.
func hunt(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	pre := []string{"hunt", "--quiet", "--now", huntNow}
	for _, r := range []string{"catalog/anydesk", "catalog/msp360", "seed"} {
		pre = append(pre, "--rules", filepath.Join(testutil.RepoRoot(), "rules", "builtin", r))
	}
	code := cli.Main(append(pre, args...), &cli.Streams{In: bytes.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// findings returns the findings of a `hunt --format json` run as JSON text.
func findings(t *testing.T, stdin []byte, args ...string) string {
	t.Helper()
	code, out, errs := hunt(t, stdin, append([]string{"--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("hunt %v: exit %d: %s", args, code, errs)
	}
	var rep struct {
		Findings json.RawMessage `json:"findings"`
		Summary  struct {
			Rejections int `json:"rejections"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("hunt %v: %v", args, err)
	}
	if rep.Summary.Rejections != 0 {
		t.Errorf("hunt %v: %d rejections: %s", args, rep.Summary.Rejections, errs)
	}
	return string(rep.Findings)
}

// incident returns the flat records of examples/incident by table, each
// given a TenantId (every shape can then carry the same value): a subset
// that keeps every line naming an RMM tool and one line in four of the
// others.
func incident(t *testing.T) (tables []string, recs map[string][]*types.Bag) {
	t.Helper()
	dir := filepath.Join(testutil.RepoRoot(), "examples", "incident")
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no incident example in %s: %v", dir, err)
	}
	recs = map[string][]*types.Bag{}
	for _, f := range files {
		table := strings.TrimSuffix(filepath.Base(f), ".jsonl")
		tables = append(tables, table)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			l := strings.ToLower(line)
			if i%4 != 0 && !strings.Contains(l, "anydesk") && !strings.Contains(l, "mspbackups") && !strings.Contains(l, "cloudberry") && !strings.Contains(l, "cbb") {
				continue
			}
			v, err := types.ParseJSON(line)
			if err != nil {
				t.Fatal(err)
			}
			b := v.(*types.Bag)
			b.Set("TenantId", "7f3c1a52-0000-4000-8000-000000000001")
			recs[table] = append(recs[table], b)
		}
	}
	sort.Strings(tables)
	return tables, recs
}

// columns lists the keys of records in first-seen order.
func columns(rs []*types.Bag) []string {
	seen := map[string]bool{}
	var cols []string
	for _, r := range rs {
		for _, k := range r.Keys {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	return cols
}

// exportShapes writes the records in every shape and returns shape name →
// hunt arguments (files or folders).
func exportShapes(t *testing.T, tables []string, recs map[string][]*types.Bag) map[string][]string {
	dir := t.TempDir()
	out := map[string][]string{}
	add := func(shape, path string, data []byte) {
		out[shape] = append(out[shape], ingest.WriteFile(t, dir, filepath.Join(shape, path), data))
	}
	const tenant = "7f3c1a52-0000-4000-8000-000000000001"
	var ehRecords []string
	var mixed bytes.Buffer
	for ti, table := range tables {
		rs := recs[table]
		cols := columns(rs)
		var flat, blob, sentinel []string
		for _, r := range rs {
			flat = append(flat, ingest.JSONText(r))
			env := types.NewBag()
			env.Set("time", r.Vals["Timestamp"])
			env.Set("tenantId", tenant)
			env.Set("operationName", "Publish")
			env.Set("category", "AdvancedHunting-"+table)
			env.Set("properties", r)
			blob = append(blob, ingest.JSONText(env))
			s := types.NewBag()
			for _, k := range r.Keys {
				if k == "Timestamp" {
					s.Set("TimeGenerated", r.Vals[k])
				} else {
					s.Set(k, r.Vals[k])
				}
			}
			s.Set("Type", table)
			sentinel = append(sentinel, ingest.JSONText(s))
		}
		ehRecords = append(ehRecords, blob...)
		// Flat JSON lines: named by table, and one unnamed file per table.
		add("jsonl-named", table+".jsonl", []byte(strings.Join(flat, "\n")+"\n"))
		add("jsonl-unnamed", fmt.Sprintf("export-%d.jsonl", ti), []byte(strings.Join(flat, "\n")+"\n"))
		mixed.WriteString(strings.Join(sentinel, "\n") + "\n")
		// Storage-blob layout: one container per table, CRLF lines.
		add("blob-folders", "insights-logs-advancedhunting-"+strings.ToLower(table)+"/tenantId="+tenant+"/y=2026/m=03/d=07/h=10/m=00/PT1H.json",
			[]byte(strings.Join(blob, "\r\n")+"\r\n"))
		// Sentinel (Log Analytics) JSON lines with TimeGenerated, Type, TenantId.
		add("sentinel-jsonl", fmt.Sprintf("la-%d.json", ti), []byte(strings.Join(sentinel, "\n")+"\n"))
		// Advanced Hunting API (runHuntingQuery) result.
		api := types.NewBag()
		var schemaCols []any
		for _, c := range cols {
			sc := types.NewBag()
			sc.Set("Name", c)
			sc.Set("Type", "String")
			schemaCols = append(schemaCols, sc)
		}
		api.Set("Schema", schemaCols)
		var results []any
		for _, r := range rs {
			results = append(results, r)
		}
		api.Set("Results", results)
		add("ah-api", table+".json", []byte(ingest.JSONText(api)))
		// Log Analytics query API result, routed by a Type column.
		var laCols []any
		for _, c := range append(append([]string(nil), cols...), "Type") {
			cb := types.NewBag()
			cb.Set("name", c)
			cb.Set("type", "string")
			laCols = append(laCols, cb)
		}
		var rows []any
		for _, r := range rs {
			var row []any
			for _, c := range cols {
				row = append(row, r.Vals[c])
			}
			rows = append(rows, append(row, table))
		}
		lt := types.NewBag()
		lt.Set("name", "PrimaryResult")
		lt.Set("columns", laCols)
		lt.Set("rows", rows)
		doc := types.NewBag()
		doc.Set("tables", []any{lt})
		add("la-api", fmt.Sprintf("query-%d.json", ti), []byte(ingest.JSONText(doc)))
		// Portal CSV, with and without " [UTC]" on the time column.
		for _, utc := range []bool{false, true} {
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			hdr := append([]string(nil), cols...)
			for i := range hdr {
				if utc && hdr[i] == "Timestamp" {
					hdr[i] += " [UTC]"
				}
			}
			w.Write(hdr)
			for _, r := range rs {
				var cells []string
				for _, c := range cols {
					cells = append(cells, ingest.CellText(r.Vals[c]))
				}
				w.Write(cells)
			}
			w.Flush()
			shape := "csv"
			if utc {
				shape = "csv-utc"
			}
			add(shape, table+".csv", buf.Bytes())
		}
	}
	add("eventhub", "message.json", []byte("{\"records\":[\n"+strings.Join(ehRecords, ",\n")+"\n]}\n"))
	add("sentinel-mixed", "export.json", mixed.Bytes())
	return out
}

func TestHuntFindingsSameEveryShape(t *testing.T) {
	tables, recs := incident(t)
	shapes := exportShapes(t, tables, recs)
	want := findings(t, nil, shapes["jsonl-named"]...)
	if n := strings.Count(want, `"rule":`); n < 5 {
		t.Fatalf("the events give %d findings: %s", n, want)
	} else {
		t.Logf("%d findings", n)
	}
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "jsonl-named" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			args := shapes[name]
			if name == "blob-folders" {
				args = []string{filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(args[0]))))))))}
			}
			if got := findings(t, nil, args...); got != want {
				t.Errorf("findings differ from the flat JSON lines':\n%s", firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows where two texts start to differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return fmt.Sprintf("at byte %d:\n got …%s…\nwant …%s…", i, a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
}

func zipBytes(t *testing.T, files map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHuntContainersGlobsStdin(t *testing.T) {
	tables, recs := incident(t)
	dir := t.TempDir()
	plain := map[string][]byte{}
	var plainPaths []string
	for _, table := range tables {
		var lines []string
		for _, r := range recs[table] {
			lines = append(lines, ingest.JSONText(r))
		}
		plain[table+".jsonl"] = []byte(strings.Join(lines, "\n") + "\n")
		plainPaths = append(plainPaths, ingest.WriteFile(t, dir, filepath.Join("plain", table+".jsonl"), plain[table+".jsonl"]))
	}
	want := findings(t, nil, plainPaths...)
	var gz []string
	for _, table := range tables {
		name := table + ".jsonl"
		gz = append(gz, ingest.WriteFile(t, dir, filepath.Join("gz", name+".gz"), ingest.Gz(plain[name])))
		ingest.WriteFile(t, dir, filepath.Join("zst", "deep", "er", name+".zst"), ingest.Zst(plain[name]))
	}
	// A hidden folder's records would add a finding.
	hidden := `{"Timestamp":"2026-03-07T10:00:00Z","DeviceId":"hidden","DeviceName":"hidden","ActionType":"ConnectionSuccess","RemoteUrl":"relay-1.net.anydesk.com","RemotePort":443,"InitiatingProcessFileName":"AnyDesk.exe"}`
	ingest.WriteFile(t, dir, filepath.Join("zst", ".hidden", "DeviceNetworkEvents.jsonl"), []byte(hidden+"\n"))
	if f := findings(t, nil, filepath.Join(dir, "zst", ".hidden", "DeviceNetworkEvents.jsonl")); !strings.Contains(f, `"hidden"`) {
		t.Fatalf("the hidden record gives no finding: %s", f)
	}
	zipped := ingest.WriteFile(t, dir, filepath.Join("zip", "export.zip"), zipBytes(t, plain))
	// One stream of every table on standard input (records name their
	// table through Type).
	var stdin bytes.Buffer
	for _, table := range tables {
		for _, r := range recs[table] {
			s := types.NewBag()
			for _, k := range r.Keys {
				s.Set(k, r.Vals[k])
			}
			s.Set("Type", table)
			stdin.WriteString(ingest.JSONText(s) + "\n")
		}
	}
	cases := []struct {
		name  string
		stdin []byte
		args  []string
	}{
		{"gzip", nil, gz},
		{"zstd, recursive folder, hidden entries skipped", nil, []string{filepath.Join(dir, "zst")}},
		{"zip", nil, []string{zipped}},
		{"glob", nil, []string{filepath.Join(dir, "plain", "Device*.jsonl")}},
		{"stdin", stdin.Bytes(), []string{"-"}},
		{"stdin gzip", ingest.Gz(stdin.Bytes()), []string{"-"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := findings(t, c.stdin, c.args...); got != want {
				t.Errorf("findings differ from the plain files':\n%s", firstDiff(got, want))
			}
		})
	}
}

func TestHuntStrictAndRejects(t *testing.T) {
	good := `{"Timestamp":"2026-03-07T10:00:00Z","DeviceId":"d1","DeviceName":"h1","ActionType":"ConnectionSuccess","RemoteUrl":"relay-1.net.anydesk.com","RemotePort":443,"InitiatingProcessFileName":"AnyDesk.exe"}`
	lines := []string{
		good,
		`{"Timestamp":"2026-03-07T10:00:00Z","Devi`, // 2: truncated JSON
		"", // 3: empty line (not a rejection)
		`{"Timestamp":"someday","DeviceId":"d2","ActionType":"ConnectionSuccess","RemotePort":"x"}`, // 4: two field rejections
		`[1]`, // 5: array
		strings.Replace(good, "d1", "d3", 1),
	}
	dir := t.TempDir()
	in := ingest.WriteFile(t, dir, filepath.Join("DeviceNetworkEvents.jsonl"), []byte(strings.Join(lines, "\n")+"\n"))
	clean := ingest.WriteFile(t, dir, filepath.Join("clean", "DeviceNetworkEvents.jsonl"), []byte(good+"\n"))
	rejects := filepath.Join(dir, "rejects.jsonl")

	if code, _, errs := hunt(t, nil, "--strict", clean); code != 0 {
		t.Errorf("--strict on clean input: exit %d: %s", code, errs)
	}
	code, _, errs := hunt(t, nil, "--strict", "--rejects", rejects, in)
	if code != 2 {
		t.Errorf("--strict with rejections: exit %d, want 2: %s", code, errs)
	}
	for _, want := range []string{in + ":2:", in + ":5:", "4 input records or fields were rejected"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	f, err := os.Open(rejects)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("rejects line %q: %v", sc.Text(), err)
		}
		col, _ := r["column"].(string)
		got = append(got, fmt.Sprintf("%v:%s:%v", r["line"], col, r["reason"] != ""))
	}
	want := []string{"2::true", "5::true", "4:Timestamp:true", "4:RemotePort:true"}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("--rejects wrote %v, want %v (line:column:has reason)", got, want)
	}
	// Without --strict the run succeeds and still finds both good records.
	code, out, _ := hunt(t, nil, "--format", "jsonl", in)
	if code != 0 || strings.Count(out, "\n") < 1 || !strings.Contains(out, "AnyDesk") {
		t.Errorf("without --strict: exit %d, findings %q", code, out)
	}
}
