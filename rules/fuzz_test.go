package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addSeeds adds the files matching the patterns (under testdata and the seed
// folder) to a fuzz corpus.
func addSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
}

// checkLoaded holds for every load, whatever the input.
func checkLoaded(t *testing.T, name string, data []byte, rules []*Rule, ds Diagnostics) {
	t.Helper()
	if len(rules) == 0 && len(ds) == 0 {
		t.Fatalf("no rule and no diagnostic for %q", data)
	}
	for _, d := range ds {
		if d.File != name || d.Message == "" || d.Code == "" {
			t.Fatalf("bad diagnostic %+v", d)
		}
		switch d.Severity {
		case SeverityError, SeverityWarning, SeverityInfo:
		default:
			t.Fatalf("bad severity %+v", d)
		}
		if d.Line < 0 || d.Col < 0 || d.Line > strings.Count(string(data), "\n")+strings.Count(string(data), "\r")+1 {
			t.Fatalf("diagnostic outside the file: %+v", d)
		}
	}
	if len(rules) > 0 && ds.HasErrors() && !strings.HasSuffix(name, ".md") {
		// A YAML file with errors yields no rule from the document that has them;
		// other documents may still load.
		for _, r := range rules {
			if r.ID == "" {
				t.Fatalf("rule without id alongside errors")
			}
		}
	}
	text := normaliseText(data)
	ids := map[string]bool{}
	for _, r := range rules {
		if ids[r.ID] && strings.HasSuffix(name, ".md") {
			t.Fatalf("id %q twice in one Markdown file", r.ID)
		}
		ids[r.ID] = true
		if r.ID == "" || r.Name == "" || r.Kind == "" || r.File != name {
			t.Fatalf("incomplete rule %+v", r)
		}
		if strings.TrimSpace(r.Query) == "" || !strings.HasSuffix(r.Query, "\n") || strings.HasSuffix(r.Query, "\n\n") {
			t.Fatalf("query %q not normalised", r.Query)
		}
		if r.QueryLine < 1 || r.QueryIndent < 0 {
			t.Fatalf("query position %d/%d", r.QueryLine, r.QueryIndent)
		}
		if utf8.ValidString(text) {
			checkPositions(t, name, text, r)
		}
	}
}

func FuzzLoadYAML(f *testing.F) {
	addSeeds(f, "builtin/seed/*.yaml", "testdata/pack/*.yaml")
	for _, s := range []string{
		"id: r1\nname: x\nrequiredDataConnectors:\n    - connectorId: M\n    dataTypes:\n        - T\nquery: |\n  T\n",
		"id: r1\ndescription: |\n  a\n b: [\nquery: |\n  T\n  | count\n",
		"query: |\n  ```kusto\n  T\n  ```\n",
		"query: >\n  T\n  | count\n",
		"query: |2-\n    T\n  | x\n",
		"id: a\n---\nid: b\nquery: T\n",
		"- a\n",
		"id: [\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, ds := LoadBytes("f.yaml", data)
		checkLoaded(t, "f.yaml", data, rules, ds)
	})
}

func FuzzLoadMarkdown(f *testing.F) {
	addSeeds(f, "testdata/pack/md/*.md")
	for _, s := range []string{
		"### A\n```\nlet x = 1;\nx\n```\n",
		"# X\n-- Intentionally blank",
		"   ~~~~kql\n   T\n  | count\n   ~~~~\n",
		"```kql\nT\n",
		"```\n```\n```yaml\na: 1\n```\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, ds := LoadBytes("f.md", data)
		checkLoaded(t, "f.md", data, rules, ds)
	})
}

func FuzzParseTests(f *testing.F) {
	addSeeds(f, "testdata/pack/*.tests.yaml", "testdata/pack/md/*.tests.yaml", "testdata/*.tests.yaml")
	f.Add([]byte("rule: r\nnow: 2026-03-08T00:00:00Z\ncases:\n  - {name: c, rows: {T: [{A: 1}]}, expect: [{A: [1]}]}\n"))
	f.Add([]byte("rule: r\nnow: 2026-03-08T00:00:00Z\ncases:\n  - {name: c, rows: {}, expcet: []}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tf, ds := ParseTests("f.tests.yaml", data)
		if (tf == nil) != ds.HasErrors() {
			t.Fatalf("file %v with diagnostics %v", tf, ds)
		}
		if tf == nil {
			return
		}
		if tf.Rule == "" || tf.Now.IsZero() || len(tf.Cases) == 0 {
			t.Fatalf("incomplete test file %+v", tf)
		}
		seen := map[string]bool{}
		for _, c := range tf.Cases {
			if c.Name == "" || seen[c.Name] || c.Rows == nil || c.Expect == nil {
				t.Fatalf("bad case %+v", c)
			}
			seen[c.Name] = true
			// Every parsed case can be compared without panicking.
			CompareRows(c.Expect, []string{"A"}, [][]string{{"1"}})
		}
	})
}
