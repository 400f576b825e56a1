package rules

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// fakeRunner understands "Table", "| where Col == value" and "| project A, B",
// renders nil as "" and other values with fmt, and records the now it was given.
type fakeRunner struct{ nows []time.Time }

func (f *fakeRunner) Run(query string, now time.Time, tables map[string][]map[string]any) ([]string, [][]string, error) {
	f.nows = append(f.nows, now)
	stages := strings.Split(query, "|")
	name := strings.TrimSpace(stages[0])
	rows, ok := tables[name]
	if !ok {
		return nil, nil, fmt.Errorf("unknown table %q", name)
	}
	var cols []string
	for _, st := range stages[1:] {
		st = strings.TrimSpace(st)
		switch {
		case strings.HasPrefix(st, "where "):
			col, val, _ := strings.Cut(strings.TrimPrefix(st, "where "), "==")
			col, val = strings.TrimSpace(col), strings.TrimSpace(val)
			var kept []map[string]any
			for _, r := range rows {
				if fmt.Sprint(r[col]) == val {
					kept = append(kept, r)
				}
			}
			rows = kept
		case strings.HasPrefix(st, "project "):
			cols = nil
			for _, c := range strings.Split(strings.TrimPrefix(st, "project "), ",") {
				cols = append(cols, strings.TrimSpace(c))
			}
		default:
			return nil, nil, fmt.Errorf("fake runner: unsupported stage %q", st)
		}
	}
	var out [][]string
	for _, r := range rows {
		var cells []string
		for _, c := range cols {
			if r[c] == nil {
				cells = append(cells, "")
			} else {
				cells = append(cells, fmt.Sprint(r[c]))
			}
		}
		out = append(out, cells)
	}
	return cols, out, nil
}

func runTestdata(t *testing.T) (*TestReport, *fakeRunner) {
	t.Helper()
	p, ds := Load("testdata/pack")
	if ds.HasErrors() || len(p.Rules) != 2 {
		t.Fatalf("pack: %d rules\n%s", len(p.Rules), ds)
	}
	files, ds := FindTests(p)
	if len(ds) > 0 || len(files) != 2 {
		t.Fatalf("FindTests: %d files\n%s", len(files), ds)
	}
	orphan, ds := LoadTests("testdata/orphan.tests.yaml")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	files = append(files, orphan)
	f := &fakeRunner{}
	rep := RunTests(p, files, f)
	for i := range rep.Suites {
		for j := range rep.Suites[i].Cases {
			rep.Suites[i].Cases[j].Duration = 0
		}
	}
	return rep, f
}

func TestRunTests(t *testing.T) {
	rep, f := runTestdata(t)
	var got []string
	for _, s := range rep.Suites {
		for _, c := range s.Cases {
			got = append(got, filepath.Base(s.File)+"/"+c.Name+": "+c.Status)
		}
	}
	want := []string{
		"hunts.tests.yaml/null column renders as empty: pass",
		"relay.tests.yaml/positive - one relay row: pass",
		"relay.tests.yaml/negative - no relay rows: pass",
		"relay.tests.yaml/two rows, expected in another order: pass",
		"relay.tests.yaml/fails - wrong host expected: fail",
		"relay.tests.yaml/fails - one row cannot meet two expectations: fail",
		"relay.tests.yaml/fails - column not in the result: fail",
		"relay.tests.yaml/errors - table the runner does not know: error",
		"orphan.tests.yaml/any: error",
	}
	if !slices.Equal(got, want) {
		t.Errorf("outcomes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Passed != 4 || rep.Failed != 5 || rep.OK() {
		t.Errorf("passed %d failed %d", rep.Passed, rep.Failed)
	}
	pinned := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	for _, n := range f.nows {
		if !n.Equal(pinned) {
			t.Errorf("runner got now %v, want %v", n, pinned)
		}
	}
	for _, format := range []string{"text", "json", "junit"} {
		var b bytes.Buffer
		if err := rep.Write(&b, format); err != nil {
			t.Fatal(err)
		}
		testutil.Golden(t, "testdata/golden/report."+format, b.Bytes())
	}
	if err := rep.Write(&bytes.Buffer{}, "yaml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestJUnitIsXML(t *testing.T) {
	rep, _ := runTestdata(t)
	var b bytes.Buffer
	if err := rep.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 9 || doc.Failures != 3 || doc.Errors != 2 || len(doc.Suites) != 3 {
		t.Errorf("junit totals: tests %d failures %d errors %d suites %d", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
}

func TestCompareRows(t *testing.T) {
	cols := []string{"A", "B"}
	tests := []struct {
		name   string
		expect []map[string]string
		rows   [][]string
		want   []string // substrings of the message; nil means a match
	}{
		{name: "exact", expect: []map[string]string{{"A": "1", "B": "x"}}, rows: [][]string{{"1", "x"}}},
		{name: "subset of columns", expect: []map[string]string{{"B": "x"}}, rows: [][]string{{"1", "x"}}},
		{name: "no rows expected, none returned", expect: []map[string]string{}, rows: nil},
		{name: "order does not matter", expect: []map[string]string{{"A": "2"}, {"A": "1"}}, rows: [][]string{{"1", "x"}, {"2", "y"}}},
		{name: "greedy trap: the wider row must go to the narrower expectation",
			expect: []map[string]string{{"A": "1"}, {"A": "1", "B": "x"}}, rows: [][]string{{"1", "x"}, {"1", "y"}}},
		{name: "extra row", expect: []map[string]string{{"A": "1"}}, rows: [][]string{{"1", "x"}, {"2", "y"}},
			want: []string{"want 1 row(s), got 2", `unexpected result row 2: {A: "2", B: "y"}`, "result (2 row(s)):"}},
		{name: "missing row", expect: []map[string]string{{"A": "1"}, {"A": "3"}}, rows: [][]string{{"1", "x"}},
			want: []string{"want 2 row(s), got 1", `expected row 2 {A: "3"} matches no result row`}},
		{name: "same row twice", expect: []map[string]string{{"A": "1"}, {"A": "1"}}, rows: [][]string{{"1", "x"}, {"2", "x"}},
			want: []string{`expected row 2 {A: "1"} matches only result rows already paired`, "unexpected"}},
		{name: "value differs", expect: []map[string]string{{"B": "X"}}, rows: [][]string{{"1", "x"}},
			want: []string{`expected row 1 {B: "X"} matches no result row`}},
		{name: "column absent", expect: []map[string]string{{"C": "1"}}, rows: [][]string{{"1", "x"}},
			want: []string{"expected column(s) C not in the result (columns: A, B)"}},
		{name: "rows expected, none returned", expect: []map[string]string{{"A": "1"}}, rows: nil,
			want: []string{"want 1 row(s), got 0", "result (0 row(s)):\n  A | B"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := CompareRows(tc.expect, cols, tc.rows)
			if tc.want == nil {
				if msg != "" {
					t.Errorf("unexpected mismatch:\n%s", msg)
				}
				return
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

func TestParseTests(t *testing.T) {
	const head = "rule: r\nnow: 2026-03-08T00:00:00Z\n"
	tests := []struct {
		name  string
		src   string
		diags []string // "line:col code"; nil means valid
		check func(t *testing.T, tf *TestFile)
	}{
		{name: "valid", src: head + "cases:\n  - name: c\n    rows: {T: [{A: 1, B: x, C: ~, D: [1, 2], E: 2026-03-07T10:00:00Z}]}\n    expect: [{A: 1, B: 'x', C: ~, D: [1, 2], F: {k: v}}]\n",
			check: func(t *testing.T, tf *TestFile) {
				c := tf.Cases[0]
				row := c.Rows["T"][0]
				if row["A"] != 1 || row["B"] != "x" || row["C"] != nil || len(row["D"].([]any)) != 2 {
					t.Errorf("row %#v", row)
				}
				if _, ok := row["E"].(time.Time); !ok {
					t.Errorf("unquoted timestamp is %T", row["E"])
				}
				want := map[string]string{"A": "1", "B": "x", "C": "", "D": "[1,2]", "F": `{"k":"v"}`}
				for k, v := range want {
					if c.Expect[0][k] != v {
						t.Errorf("expect %s = %q, want %q", k, c.Expect[0][k], v)
					}
				}
				if tf.Rule != "r" || !tf.Now.Equal(time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)) || c.Line != 4 || c.Name != "c" {
					t.Errorf("file %+v", tf)
				}
			}},
		{name: "expect missing", src: head + "cases:\n  - name: c\n    rows: {}\n", diags: []string{"4:5 test-syntax"}},
		{name: "misspelt expect", src: head + "cases:\n  - name: c\n    rows: {}\n    expcet: []\n", diags: []string{"6:5 test-unknown-key", "4:5 test-syntax"}},
		{name: "no now", src: "rule: r\ncases:\n  - {name: c, rows: {}, expect: []}\n", diags: []string{"1:1 test-syntax"}},
		{name: "bad now", src: "rule: r\nnow: yesterday\ncases:\n  - {name: c, rows: {}, expect: []}\n", diags: []string{"2:6 test-syntax"}},
		{name: "no cases", src: head + "cases: []\n", diags: []string{"3:8 test-syntax"}},
		{name: "duplicate case names", src: head + "cases:\n  - {name: c, rows: {}, expect: []}\n  - {name: c, rows: {}, expect: []}\n", diags: []string{"5:12 test-syntax"}},
		{name: "rows not a mapping", src: head + "cases:\n  - {name: c, rows: [], expect: []}\n", diags: []string{"4:21 test-syntax"}},
		{name: "row not a mapping", src: head + "cases:\n  - {name: c, rows: {T: [1]}, expect: []}\n", diags: []string{"4:26 test-syntax"}},
		{name: "duplicate column", src: head + "cases:\n  - {name: c, rows: {T: [{A: 1, A: 2}]}, expect: []}\n", diags: []string{"4:33 test-syntax"}},
		{name: "expect not a list", src: head + "cases:\n  - {name: c, rows: {}, expect: {A: 1}}\n", diags: []string{"4:33 test-syntax"}},
		{name: "not yaml", src: "rule: [\n", diags: []string{"1:1 test-syntax"}},
		{name: "not yaml, line 3", src: "rule: r1\nnow: 2026-01-01\ncases: [a, b\nx: 1\n", diags: []string{"3:1 test-syntax"}},
		{name: "not a mapping", src: "- 1\n", diags: []string{"0:0 test-syntax"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tf, ds := ParseTests("x.tests.yaml", []byte(tc.src))
			var got []string
			for _, d := range ds {
				got = append(got, itoa(d.Line)+":"+itoa(d.Col)+" "+d.Code)
			}
			if !slices.Equal(got, tc.diags) {
				t.Errorf("diagnostics %q, want %q\n%s", got, tc.diags, ds)
			}
			if (tf == nil) != (tc.diags != nil) {
				t.Errorf("test file %v with diagnostics %v", tf, ds)
			}
			if tc.check != nil && tf != nil {
				tc.check(t, tf)
			}
		})
	}
}
