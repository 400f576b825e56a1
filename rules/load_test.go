package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// diagKeys renders diagnostics as "line:col severity code" for comparison.
func diagKeys(ds Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, itoa(d.Line)+":"+itoa(d.Col)+" "+string(d.Severity)+" "+d.Code)
	}
	return out
}

func TestLoadBytes(t *testing.T) {
	const good = "id: r1\nname: Rule one\nquery: |\n  DeviceEvents\n  | take 1\n"
	tests := []struct {
		name   string
		file   string
		src    string
		ids    []string
		query  string // of the first rule, when set
		qline  int    // of the first rule, when set
		qind   int
		diags  []string
		check  func(t *testing.T, rs []*Rule)
		inText string // a diagnostic message must contain this
	}{
		{name: "plain rule", file: "a.yaml", src: good, ids: []string{"r1"}, query: "DeviceEvents\n| take 1\n", qline: 4, qind: 2},
		{name: "crlf and bom", file: "a.yaml", src: "\uFEFF" + strings.ReplaceAll(good, "\n", "\r\n"), ids: []string{"r1"}, query: "DeviceEvents\n| take 1\n", qline: 4, qind: 2},
		{name: "lists and extras", file: "a.yml",
			src: "id: r2\nname: n\ntactics: [Persistence, CommandAndControl]\nrelevantTechniques:\n  - T1219\n  - T1105\nseverity: High\nkind: Scheduled\nqueryFrequency: 1h\nversion: 1.0.2\nrequiredDataConnectors:\n  - connectorId: A\n    dataTypes: [DeviceNetworkEvents, DeviceProcessEvents]\n  - connectorId: B\n    dataTypes: [DeviceNetworkEvents]\nentityMappings:\n  - entityType: Host\n    fieldMappings:\n      - identifier: HostName\n        columnName: DeviceName\nquery: 'DeviceEvents | take 1'\n",
			ids: []string{"r2"}, query: "DeviceEvents | take 1\n", qline: 21, qind: 8,
			check: func(t *testing.T, rs []*Rule) {
				r := rs[0]
				if !slices.Equal(r.Tactics, []string{"Persistence", "CommandAndControl"}) || !slices.Equal(r.Techniques, []string{"T1219", "T1105"}) {
					t.Errorf("tactics %v techniques %v", r.Tactics, r.Techniques)
				}
				if !slices.Equal(r.DataTypes, []string{"DeviceNetworkEvents", "DeviceProcessEvents"}) {
					t.Errorf("data types %v", r.DataTypes)
				}
				if r.Kind != "Scheduled" || r.Severity != "High" || r.Extra["queryFrequency"] != "1h" || r.Extra["version"] != "1.0.2" {
					t.Errorf("kind %q severity %q extra %v", r.Kind, r.Severity, r.Extra)
				}
				if len(r.EntityMappings) != 1 || r.EntityMappings[0].FieldMappings[0] != (FieldMapping{"HostName", "DeviceName"}) {
					t.Errorf("entity mappings %+v", r.EntityMappings)
				}
			}},
		{name: "missing query", file: "a.yaml", src: "id: r1\nname: x\n", diags: []string{"1:0 error missing-query"}},
		{name: "empty query", file: "a.yaml", src: "id: r1\nname: x\nquery: |\n\nother: 1\n", diags: []string{"3:8 error missing-query", "5:1 info unknown-key"}},
		{name: "misspelt query key", file: "a.yaml", src: "id: r1\nname: x\nquerry: |\n  T\n",
			diags: []string{"1:0 error missing-query", "3:1 warning unknown-key"}, inText: "did you mean query?"},
		{name: "duplicate key", file: "a.yaml", src: "id: r1\nname: x\nid: r2\nquery: T\n", diags: []string{"3:1 error duplicate-key"}},
		{name: "tactics as mapping", file: "a.yaml", src: "id: r1\nname: x\ntactics: {a: b}\nquery: T\n", diags: []string{"3:10 error bad-value"}},
		{name: "top-level list", file: "a.yaml", src: "- id: r1\n", diags: []string{"1:1 error bad-value"}},
		{name: "empty file", file: "a.yaml", src: "# nothing\n", diags: []string{"1:0 error missing-query"}},
		{name: "no id no name", file: "dir/my_rule.yaml", src: "query: |\n  T\n", ids: []string{"my_rule"},
			diags: []string{"1:0 warning missing-id", "1:0 warning missing-name"}},
		{name: "two documents", file: "a.yaml", src: good + "---\nid: r9\nname: n\nquery: T | count\n", ids: []string{"r1", "r9"}},
		{name: "kusto fence in query", file: "a.yaml", src: "id: r1\nname: x\nquery: |\n  ```kusto\n  T\n  | count\n  ```\n",
			ids: []string{"r1"}, query: "T\n| count\n", qline: 5, qind: 2, diags: []string{"4:3 warning query-fence"}},
		{name: "folded query", file: "a.yaml", src: "id: r1\nname: x\nquery: >\n  T\n  | count\n", ids: []string{"r1"}, query: "T | count\n",
			diags: []string{"3:8 warning folded-query"}},
		{name: "indentation indicator", file: "a.yaml", src: "id: r1\nname: x\nquery: |4\n      T\n    | count\n", ids: []string{"r1"},
			query: "  T\n| count\n", qline: 4, qind: 4},
		{name: "jischell defect repaired", file: "a.yaml",
			src: "id: r1\nname: x\nrequiredDataConnectors:\n    - connectorId: MicrosoftThreatProtection\n    dataTypes:\n        - DeviceNetworkEvents\ntactics: CommandAndControl\nquery: |\n  T\n",
			ids: []string{"r1"}, query: "T\n", qline: 9, qind: 2, diags: []string{"5:5 warning yaml-indentation"},
			check: func(t *testing.T, rs []*Rule) {
				if !slices.Equal(rs[0].DataTypes, []string{"DeviceNetworkEvents"}) {
					t.Errorf("data types %v", rs[0].DataTypes)
				}
			}},
		// Invalid YAML is an error at the construct's line, with a hint; the
		// file is not loaded. yaml.v3 names parser errors one line early:
		// the positions here are the true ones.
		{name: "invalid YAML: bad indentation", file: "a.yaml",
			src:   "id: r1\nname: x\ndescription: |\n  fine\n bad indentation: [\ntactics: CommandAndControl\nquery: |\n  T\n  | count\n",
			diags: []string{"5:2 error yaml-syntax"}, inText: "this line is indented differently"},
		{name: "invalid YAML: unclosed flow list", file: "a.yaml",
			src:   "id: r1\nname: x\nquery: |\n  T\ntags: [a, b\nseverity: High\n",
			diags: []string{"5:1 error yaml-syntax"}, inText: "not valid YAML: did not find expected ',' or ']'; the file was not loaded (a bracket or quote opened here is not closed)"},
		{name: "invalid YAML: list item among keys", file: "a.yaml", src: "id: r1\nname: x\n- a\nquery: T\n",
			diags: []string{"3:1 error yaml-syntax"}},
		{name: "invalid YAML: key indented under a scalar", file: "a.yaml", src: "id: r1\n  name: x\nquery: T\n",
			diags: []string{"2:3 error yaml-syntax"}, inText: `a value holding ": " must be quoted`},
		{name: "invalid YAML: unclosed quote", file: "a.yaml", src: "id: r1\nname: \"x\nquery: T\n",
			diags: []string{"2:1 error yaml-syntax"}},
		{name: "invalid YAML: tab in the query block", file: "a.yaml",
			src:   "id: r1\nname: [x\nquery: |\n  T\n\t| count\n",
			diags: []string{"3:1 error yaml-syntax"}},
		{name: "garbage", file: "a.yaml", src: "{[}\n", diags: []string{"1:1 error yaml-syntax"}, inText: "not valid YAML"},
		{name: "markdown tagged blocks", file: "x/Hunts.md",
			src: "# Title\n\n## First\n```kql\nT | count\n```\n\n## First\n~~~kusto\nU\n| take 1\n~~~\n\n### Notes\n```yaml\na: 1\n```\n```\nT | where x\n```\n",
			ids: []string{"Hunts#first", "Hunts#first-2", "Hunts#notes"}, query: "T | count\n", qline: 5, qind: 0,
			diags: []string{"15:1 info not-kql-block"},
			check: func(t *testing.T, rs []*Rule) {
				names := []string{rs[0].Name, rs[1].Name, rs[2].Name}
				if !slices.Equal(names, []string{"Hunts - First #1", "Hunts - First #2", "Hunts - Notes"}) {
					t.Errorf("names %v", names)
				}
			}},
		{name: "markdown ids stay unique", file: "a.md", src: "## A\n```kql\nT\n```\n## A\n```kql\nT\n```\n## A 2\n```kql\nT\n```\n",
			ids: []string{"a#a", "a#a-2", "a#a-2-2"}},
		{name: "markdown indented fence", file: "a.md", src: "- item\n\n   ```\n   let x = 1;\n   T\n   ```\n", ids: []string{"a#query"}, query: "let x = 1;\nT\n", qline: 4, qind: 3},
		{name: "markdown blank", file: "a.md", src: "# X\r\n-- Intentionally blank", diags: []string{"2:0 warning no-query"}},
		{name: "markdown prose block", file: "a.md", src: "### P\n```\nToo broad for use\n```\n", diags: []string{"0:0 warning no-query", "2:1 warning not-kql-block"}},
		{name: "markdown empty block", file: "a.md", src: "### P\n```\n\n```\n### Q\n```kql\nT\n```\n", ids: []string{"a#q"}, diags: []string{"2:1 warning empty-block"}},
		{name: "markdown unclosed fence", file: "a.md", src: "```kql\nT\n", diags: []string{"1:1 error unclosed-fence"}},
		{name: "kql file", file: "q.kql", src: "T\n| count\n\n\n", ids: []string{"q"}, query: "T\n| count\n", qline: 1},
		{name: "empty csl", file: "q.csl", src: "  \n", diags: []string{"0:0 warning no-query"}},
		{name: "txt file", file: "q.txt", src: "T", ids: []string{"q"}, query: "T\n"},
		{name: "unknown extension", file: "q.json", src: "{}", diags: []string{"0:0 error unknown-file-type"}},
		{name: "tests file is not a rule file", file: "q.tests.yaml", src: "rule: x", diags: []string{"0:0 error unknown-file-type"}},
		{name: "not utf-8", file: "q.kql", src: "T\xff", diags: []string{"0:0 error read-error"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, ds := LoadBytes(tc.file, []byte(tc.src))
			var ids []string
			for _, r := range rs {
				ids = append(ids, r.ID)
				if r.File != tc.file {
					t.Errorf("rule file %q", r.File)
				}
			}
			if !slices.Equal(ids, tc.ids) {
				t.Errorf("ids %v, want %v\n%s", ids, tc.ids, ds)
			}
			if tc.diags != nil || len(ds) > 0 && tc.inText == "" {
				if got := diagKeys(ds); !slices.Equal(got, tc.diags) {
					t.Errorf("diagnostics %q, want %q\n%s", got, tc.diags, ds)
				}
			}
			if tc.inText != "" && !strings.Contains(ds.String(), tc.inText) {
				t.Errorf("diagnostics do not mention %q:\n%s", tc.inText, ds)
			}
			if len(rs) == 0 && len(ds) == 0 {
				t.Error("no rule and no diagnostic")
			}
			if len(rs) > 0 {
				r := rs[0]
				if tc.query != "" && r.Query != tc.query {
					t.Errorf("query %q, want %q", r.Query, tc.query)
				}
				if tc.qline != 0 && (r.QueryLine != tc.qline || r.QueryIndent != tc.qind) {
					t.Errorf("query at line %d indent %d, want %d, %d", r.QueryLine, r.QueryIndent, tc.qline, tc.qind)
				}
				for _, r := range rs {
					checkPositions(t, tc.name, normaliseText([]byte(tc.src)), r)
				}
			}
			if tc.check != nil && len(rs) > 0 {
				tc.check(t, rs)
			}
		})
	}
}

func TestFilePos(t *testing.T) {
	r := &Rule{QueryLine: 13, QueryIndent: 2}
	tests := []struct{ ql, qc, l, c int }{
		{1, 1, 13, 3},
		{11, 34, 23, 36},
		{0, 0, 13, 3},
	}
	for _, tc := range tests {
		if l, c := r.FilePos(tc.ql, tc.qc); l != tc.l || c != tc.c {
			t.Errorf("FilePos(%d,%d) = %d:%d, want %d:%d", tc.ql, tc.qc, l, c, tc.l, tc.c)
		}
	}
}

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "a.yaml", Line: 8, Col: 5, Severity: SeverityWarning, Message: "m", Hint: "h"}, "a.yaml:8:5: warning: m (h)"},
		{Diagnostic{File: "a.yaml", Line: 8, Severity: SeverityError, Message: "m"}, "a.yaml:8: error: m"},
		{Diagnostic{File: "a.md", Severity: SeverityInfo, Message: "m"}, "a.md: info: m"},
	}
	for _, tc := range tests {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	ds := Diagnostics{tests[2].d, tests[1].d, tests[0].d}
	ds.Sort()
	if ds[0].File != "a.md" || ds[1].Severity != SeverityError || !ds.HasErrors() || ds.Err() == nil {
		t.Errorf("sorted %v", ds)
	}
	if (Diagnostics{tests[0].d}).Err() != nil {
		t.Error("warnings are not errors")
	}
}

func TestLoadFolders(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a/one.yaml", "id: same\nname: one\nquery: T\n")
	b := write("b/two.yml", "id: same\nname: two\nquery: U\n")
	write("b/two.tests.yaml", "rule: same\n")
	write("b/notes.txt", "remember the milk\n")
	write("b/q.txt", "T | count\n")
	write("b/data.csv", "a,b\n")
	write(".git/x.yaml", "broken: [\n")
	p, ds := Load(dir, a) // a twice: loaded once
	var ids []string
	for _, r := range p.Rules {
		ids = append(ids, r.ID+"@"+filepath.Base(r.File))
	}
	if !slices.Equal(ids, []string{"same@one.yaml", "q@q.txt"}) {
		t.Errorf("rules %v", ids)
	}
	var dup *Diagnostic
	for i, d := range ds {
		if d.Code == CodeDuplicateID {
			dup = &ds[i]
		}
	}
	if dup == nil || dup.File != b || dup.Line != 1 || !strings.Contains(dup.Message, a+":1") {
		t.Errorf("duplicate-id diagnostic %v\n%s", dup, ds)
	}
	infos := ds.Filter(SeverityInfo)
	if len(infos) != 2 || !strings.HasSuffix(infos[0].File, "data.csv") || !strings.HasSuffix(infos[1].File, "notes.txt") {
		t.Errorf("infos:\n%s", infos)
	}
	if _, ds := Load(filepath.Join(dir, "missing")); !ds.HasErrors() {
		t.Error("a missing path is not reported")
	}
	if _, ds := Load(filepath.Join(dir, "b/data.csv")); !ds.HasErrors() {
		t.Error("an explicit non-rule file is not an error")
	}
	if rs, ds := LoadFile(a); len(rs) != 1 || len(ds) != 0 {
		t.Errorf("LoadFile: %v %v", rs, ds)
	}
}

func TestLooksLikeKQL(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"DeviceEvents\n| where x == 1", true},
		{"let a = 1;\na", true},
		{"print 1", true},
		{"datatable(a:int)[1]", true},
		{"requiredDataConnectors:\n  - connectorId: X", false},
		{"Too broad for use", false},
		{"a | b", false},
	}
	for _, tc := range tests {
		if got := LooksLikeKQL(tc.text); got != tc.want {
			t.Errorf("LooksLikeKQL(%q) = %v", tc.text, got)
		}
	}
}
