package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

// kustoHas is the reference has (kql-semantics §3.2): case-insensitive, an
// occurrence counts when it is not glued to a letter or digit on a side where
// the needle itself starts or ends with one.
func kustoHas(h, n string) bool {
	hr, nr := []rune(h), []rune(n)
	if len(nr) == 0 {
		return true
	}
	term := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	eq := func(a, b rune) bool {
		if a == b {
			return true
		}
		for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
			if f == b {
				return true
			}
		}
		return false
	}
outer:
	for p := 0; p+len(nr) <= len(hr); p++ {
		for i := range nr {
			if !eq(hr[p+i], nr[i]) {
				continue outer
			}
		}
		if term(nr[0]) && p > 0 && term(hr[p-1]) {
			continue
		}
		if e := p + len(nr); term(nr[len(nr)-1]) && e < len(hr) && term(hr[e]) {
			continue
		}
		return true
	}
	return false
}

func openDuck(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	return db
}

// The DuckDB regex must agree with Kusto's has on term boundaries, case,
// Unicode letters and separators.
func TestHasRegexAgreesWithKustoHas(t *testing.T) {
	db := openDuck(t)
	needles := [][]string{
		{"rm.mspbackups.com"},
		{"CloudBerry", "MSP360"},
		{"mspbackups.com", "anydesk.com"},
		{"34"},
		{"naïve"},
		{"alpha"},
		{"привет"},
	}
	hays := []string{
		"rm.mspbackups.com", "RM.MSPBACKUPS.COM", "https://rm.mspbackups.com:443/x", "farm.mspbackups.com",
		"rm.mspbackups.community", "client.rmm.mspbackups.com", "xrm.mspbackups.com", "rm.mspbackups.com_x",
		"CloudBerry Lab", "CloudBerryLab", "cloudberry", "MSP360", "MSP3600", "(MSP360)", "boot.net.anydesk.com",
		"12.34.56", "1234", "NAÏVE text", "naive", "alpha_beta", "alphabet", "ПРИВЕТ мир", "приветствие", "", "é-alpha",
	}
	for _, ns := range needles {
		pat := hasRegex(ns)
		for _, h := range hays {
			want := false
			for _, n := range ns {
				want = want || kustoHas(h, n)
			}
			var got bool
			if err := db.QueryRow("SELECT regexp_matches(?, ?)", h, pat).Scan(&got); err != nil {
				t.Fatalf("%q: %v", pat, err)
			}
			if got != want {
				t.Errorf("has_any(%q, %q): DuckDB regex %v, Kusto %v", h, ns, got, want)
			}
		}
	}
}

var reQuoted = regexp.MustCompile(`'([^']*)'`)

// Each SQL twin must use the has regex built from terms that its KQL query
// names, so the two sides cannot drift apart.
func TestQueriesInSync(t *testing.T) {
	names, err := listQueries("queries")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if name == packQuery {
			continue
		}
		kql, err := os.ReadFile(filepath.Join("queries", name+".kql"))
		if err != nil {
			t.Fatal(err)
		}
		sqlText, err := os.ReadFile(filepath.Join("queries", name+".sql"))
		if err != nil {
			t.Fatalf("%s has no SQL twin: %v", name, err)
		}
		quoted := map[string]bool{}
		for _, m := range reQuoted.FindAllStringSubmatch(string(kql), -1) {
			quoted[m[1]] = true
		}
		terms, ok := sqlHasTerms(string(sqlText))
		total := 0
		for i, ts := range terms {
			if !ok[i] {
				t.Errorf("%s.sql: regexp_matches #%d is not hasRegex(terms)", name, i+1)
			}
			for _, term := range ts {
				if !quoted[term] {
					t.Errorf("%s.sql: term %q is not in %s.kql", name, term, name)
				}
			}
			total += len(ts)
		}
		if name == "domains200" && total != 200 {
			t.Errorf("domains200.sql has %d terms, want 200", total)
		}
		if name == "domains200" && len(quoted) != 200 {
			t.Errorf("domains200.kql has %d distinct quoted strings, want 200", len(quoted))
		}
	}
}

func TestNormaliseAndDiff(t *testing.T) {
	a := Result{
		Columns: []Column{{"D", "string"}, {"T", "datetime"}, {"S", "dynamic"}, {"N", "long"}},
		Rows: [][]any{
			{"b", "2026-03-03T01:02:03.1234567Z", []any{json.Number("3"), json.Number("1")}, json.Number("2")},
			{nil, "2026-03-03T01:02:03Z", []any{}, json.Number("1")},
		},
	}
	b := Result{
		Columns: []Column{{"D", "string"}, {"T", "datetime"}, {"S", "dynamic"}, {"N", "long"}},
		Rows: [][]any{
			{"", "2026-03-03T01:02:03.0000000Z", []any{}, json.Number("1")},
			{"b", "2026-03-03T01:02:03.1234567+00:00", []any{json.Number("1"), json.Number("3"), json.Number("1")}, json.Number("2")},
		},
	}
	sets := map[string]bool{"S": true}
	na, err := normalise(a, sets)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := normalise(b, sets)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff("a", na, "b", nb); d != "" {
		t.Fatalf("equal results reported as different: %s", d)
	}
	// Without the set rule the arrays differ; a changed count differs.
	nb2, _ := normalise(b, nil)
	if diff("a", na, "b", nb2) == "" {
		t.Error("arrays in different order compared equal without the set rule")
	}
	b.Rows[0][3] = json.Number("5")
	nb3, _ := normalise(b, sets)
	if d := diff("a", na, "b", nb3); !strings.Contains(d, "1 rows only in a, 1 rows only in b") {
		t.Errorf("diff = %q", d)
	}
	c := a
	c.Columns = []Column{{"D", "string"}, {"T", "datetime"}, {"S", "dynamic"}, {"Count", "long"}}
	nc, _ := normalise(c, sets)
	if d := diff("a", na, "c", nc); !strings.Contains(d, "columns differ") {
		t.Errorf("column rename not reported: %q", d)
	}
	if _, err := normalise(Result{Columns: []Column{{"T", "datetime"}}, Rows: [][]any{{"yesterday"}}}, nil); err == nil {
		t.Error("a bad datetime was accepted")
	}
}

func TestDecodeResult(t *testing.T) {
	for _, c := range []struct {
		in   string
		fail bool
	}{
		{`{"columns":[{"name":"a","type":"long"}],"rows":[[1],[2]]}`, false},
		{`{"columns":[{"name":"a","type":"long"}],"rows":[[1,2]]}`, true},
		{`{"columns":[],"rows":[]} {}`, true},
		{`not json`, true},
	} {
		_, err := decodeResult([]byte(c.in))
		if (err != nil) != c.fail {
			t.Errorf("decodeResult(%s): err = %v, want failure %v", c.in, err, c.fail)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		fail bool
	}{
		{"0.5GB", 500_000_000, false},
		{"2GB", 2_000_000_000, false},
		{"100mb", 100_000_000, false},
		{"1500", 1500, false},
		{"-1GB", 0, true},
		{"big", 0, true},
	} {
		got, err := parseSize(c.in)
		if (err != nil) != c.fail || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v", c.in, got, err)
		}
	}
}

// The views read the generator's JSON types: 7-digit datetimes, numbers,
// nulls and AdditionalFields objects; the child renders them as Kusto does.
func TestViewsAndChildOutput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "DeviceNetworkEvents.jsonl")
	rows := `{"Timestamp":"2026-03-03T01:02:03.1234567Z","DeviceId":"a","RemotePort":443,"RemoteUrl":null,"ReportId":7,"AdditionalFields":{"query":"x"},"Extra":1}
{"Timestamp":"2026-03-04T00:00:00.0000001Z","DeviceId":"a","RemotePort":80,"RemoteUrl":"rm.mspbackups.com","ReportId":9,"AdditionalFields":null}
`
	if err := os.WriteFile(file, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	v, err := viewSQL("DeviceNetworkEvents", file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(v); err != nil {
		t.Fatal(err)
	}
	res, err := runSQL(db, `SELECT DeviceId, max("Timestamp") AS Last, list(DISTINCT ReportId ORDER BY ReportId) AS R, count(*) AS N, min(RemotePort) AS P, any_value(RemoteUrl) FILTER (WHERE RemoteUrl IS NULL) AS U FROM DeviceNetworkEvents GROUP BY DeviceId`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	want := `{"columns":[{"name":"DeviceId","type":"string"},{"name":"Last","type":"datetime"},{"name":"R","type":"dynamic"},{"name":"N","type":"long"},{"name":"P","type":"int"},{"name":"U","type":"string"}],"rows":[["a","2026-03-04T00:00:00.0000001Z",[7,9],2,80,null]]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if _, err := viewSQL("DeviceEvents", file); err == nil {
		t.Error("viewSQL accepted a table without a column list")
	}
	if got := duckdbTime(time.Date(2026, 3, 8, 0, 0, 0, 100, time.UTC)); got != "TIMESTAMP_NS '2026-03-08 00:00:00.0000001'" {
		t.Errorf("duckdbTime = %s", got)
	}
}

func TestSetColumns(t *testing.T) {
	got := setColumns("-- sets: Report, Hosts\nSELECT 1\n-- sets: X")
	if len(got) != 3 || !got["Report"] || !got["Hosts"] || !got["X"] {
		t.Errorf("setColumns = %v", got)
	}
}

// TestBuildSettings reads the tags and cgo setting of `go version -m`
// output, which the rmmhunt-hs engine checks before timing a binary.
func TestBuildSettings(t *testing.T) {
	for _, tc := range []struct {
		name, out string
		tags      string
		cgo, hs   bool
	}{
		{"hyperscan build", "/x/rmmhunt-hs: go1.26.0\n\tpath\tgithub.com/rmmhunt/rmmhunt/cmd/rmmhunt\n\tbuild\t-buildmode=exe\n\tbuild\t-tags=hyperscan\n\tbuild\tCGO_ENABLED=1\n\tbuild\tCGO_CFLAGS=\n", "hyperscan", true, true},
		{"pure Go build", "/x/rmmhunt: go1.26.0\n\tbuild\t-buildmode=exe\n\tbuild\tCGO_ENABLED=0\n", "", false, false},
		{"several tags", "\tbuild\t-tags=netgo,hyperscan\n\tbuild\tCGO_ENABLED=1\n", "netgo,hyperscan", true, true},
		{"a tag that only starts with hyperscan", "\tbuild\t-tags=hyperscanx\n\tbuild\tCGO_ENABLED=1\n", "hyperscanx", true, false},
		{"tag without cgo", "\tbuild\t-tags=hyperscan\n\tbuild\tCGO_ENABLED=0\n", "hyperscan", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tags, cgo := buildSettings([]byte(tc.out))
			if tags != tc.tags || cgo != tc.cgo || hasTag(tags, hyperscanTag) != tc.hs {
				t.Errorf("got tags %q cgo %v hyperscan %v, want %q %v %v", tags, cgo, hasTag(tags, hyperscanTag), tc.tags, tc.cgo, tc.hs)
			}
		})
	}
}
