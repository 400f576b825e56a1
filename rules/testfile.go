package rules

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rmmhunt/rmmhunt/internal/yamlpos"
)

// TestFile is a rule-test file (<rule>.tests.yaml): cases that run one rule
// over small in-memory tables and say which rows it must return.
//
//	rule: <rule id>
//	now: 2026-03-08T00:00:00Z
//	cases:
//	  - name: positive - relay subdomain
//	    rows:
//	      DeviceNetworkEvents:
//	        - {Timestamp: "2026-03-07T10:00:00Z", DeviceName: host1, RemoteUrl: "https://relay-1.net.anydesk.com:443/x"}
//	    expect:
//	      - {DeviceName: host1, RemoteHost: relay-1.net.anydesk.com}
//	  - name: negative
//	    rows: {DeviceNetworkEvents: []}
//	    expect: []
type TestFile struct {
	// File is the path of the test file.
	File string `json:"file"`
	// Rule is the id of the rule under test.
	Rule string `json:"rule"`
	// Now is the instant now() returns while the cases run.
	Now time.Time `json:"now"`
	// Cases are the cases, in file order.
	Cases []TestCase `json:"cases"`
}

// TestCase is one case of a rule-test file.
type TestCase struct {
	// Name names the case; names are unique within a file.
	Name string `json:"name"`
	// Line is the line of the case in the file.
	Line int `json:"line"`
	// Rows are the input tables: table name -> rows, each row a column -> value
	// map with values as YAML gives them (string, int, float64, bool, nil,
	// time.Time for unquoted timestamps, []any, map[string]any).
	Rows map[string][]map[string]any `json:"rows"`
	// Expect are the rows the rule must return, each a subset of the result's
	// columns with the text each cell must render as (a YAML null is "";
	// a list or mapping is its compact JSON).
	Expect []map[string]string `json:"expect"`
}

// LoadTests reads a rule-test file. It returns nil with error diagnostics when
// the file is malformed; unknown keys are errors too, so a misspelt "expect"
// cannot turn a case into one that always passes.
func LoadTests(path string) (*TestFile, Diagnostics) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Diagnostics{{File: path, Severity: SeverityError, Code: CodeRead, Message: err.Error()}}
	}
	return ParseTests(path, data)
}

// ParseTests parses the bytes of a rule-test file named name.
func ParseTests(name string, data []byte) (*TestFile, Diagnostics) {
	p := &testParser{file: name}
	tf := p.parse(normaliseText(data))
	if p.ds.HasErrors() {
		return nil, p.ds
	}
	return tf, p.ds
}

type testParser struct {
	file string
	ds   Diagnostics
}

func (p *testParser) errf(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	p.ds.add(p.file, line, col, SeverityError, CodeTestSyntax, "", format, args...)
}

// fields checks a mapping's keys against the allowed ones and returns them by name.
func (p *testParser) fields(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			p.errf(k, "%s: keys must be plain names", what)
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.ds.add(p.file, k.Line, k.Column, SeverityError, CodeDuplicateKey, "", "%s: key %q is given twice", what, k.Value)
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		if !ok {
			hint := "allowed: " + strings.Join(allowed, ", ")
			if near := nearest(k.Value, allowed); near != "" {
				hint = "did you mean " + near + "?"
			}
			p.ds.add(p.file, k.Line, k.Column, SeverityError, CodeTestUnknownKey, hint, "%s: unknown key %q", what, k.Value)
			continue
		}
		out[k.Value] = n.Content[i+1]
	}
	return out
}

func (p *testParser) parse(text string) *TestFile {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		line, col, msg := yamlpos.Position(err, text)
		p.ds.add(p.file, line, col, SeverityError, CodeTestSyntax, yamlHint(msg), "not valid YAML: %s", msg)
		return nil
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.errf(nil, "a rule-test file is a mapping with rule, now and cases")
		return nil
	}
	root := doc.Content[0]
	f := p.fields(root, "test file", "rule", "now", "cases")
	tf := &TestFile{File: p.file}
	if n := f["rule"]; n == nil || n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
		p.errf(orNode(n, root), "rule: the id of the rule under test is required")
	} else {
		tf.Rule = n.Value
	}
	if n := f["now"]; n == nil || n.Kind != yaml.ScalarNode {
		p.errf(orNode(n, root), "now: an RFC 3339 instant (2026-03-08T00:00:00Z) is required so that now() is fixed")
	} else if t, err := time.Parse(time.RFC3339Nano, n.Value); err != nil {
		p.errf(n, "now: %q is not an RFC 3339 instant such as 2026-03-08T00:00:00Z", n.Value)
	} else {
		tf.Now = t.UTC()
	}
	cases := f["cases"]
	if cases == nil || cases.Kind != yaml.SequenceNode || len(cases.Content) == 0 {
		p.errf(orNode(cases, root), "cases: a list of at least one case is required")
		return tf
	}
	names := map[string]int{}
	for _, c := range cases.Content {
		if c.Kind != yaml.MappingNode {
			p.errf(c, "a case is a mapping with name, rows and expect")
			continue
		}
		tc := TestCase{Line: c.Line}
		cf := p.fields(c, "case", "name", "rows", "expect")
		if n := cf["name"]; n == nil || n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
			p.errf(orNode(n, c), "case: name is required")
		} else {
			tc.Name = n.Value
			if first, dup := names[tc.Name]; dup {
				p.errf(n, "case name %q is used twice (first at line %d)", tc.Name, first)
			}
			names[tc.Name] = n.Line
		}
		tc.Rows = p.rows(cf["rows"], c)
		tc.Expect = p.expect(cf["expect"], c)
		tf.Cases = append(tf.Cases, tc)
	}
	return tf
}

func orNode(n, parent *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return parent
}

func (p *testParser) rows(n, c *yaml.Node) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	if n == nil {
		p.errf(c, "case: rows is required (a mapping of table name to a list of rows; {} for none)")
		return out
	}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "rows: a mapping of table name to a list of rows is required, found %s", kindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			p.errf(k, "rows: table names must be plain names")
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.errf(k, "rows: table %q is given twice", k.Value)
			continue
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			out[k.Value] = []map[string]any{}
			continue
		}
		if v.Kind != yaml.SequenceNode {
			p.errf(v, "rows: %s must be a list of rows, found %s", k.Value, kindName(v))
			continue
		}
		list := []map[string]any{}
		for _, r := range v.Content {
			if r.Kind != yaml.MappingNode {
				p.errf(r, "rows: a row of %s is a mapping of column to value, found %s", k.Value, kindName(r))
				continue
			}
			row := map[string]any{}
			for j := 0; j+1 < len(r.Content); j += 2 {
				ck, cv := r.Content[j], r.Content[j+1]
				if ck.Kind != yaml.ScalarNode || ck.Value == "" {
					p.errf(ck, "rows: column names must be plain names")
					continue
				}
				if _, dup := row[ck.Value]; dup {
					p.errf(ck, "rows: column %q is given twice", ck.Value)
					continue
				}
				var x any
				if err := cv.Decode(&x); err != nil {
					p.errf(cv, "rows: %s: %v", ck.Value, err)
					continue
				}
				row[ck.Value] = x
			}
			list = append(list, row)
		}
		out[k.Value] = list
	}
	return out
}

func (p *testParser) expect(n, c *yaml.Node) []map[string]string {
	if n == nil {
		p.errf(c, "case: expect is required; write expect: [] for a case that must return no rows")
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errf(n, "expect: a list of rows is required (expect: [] for none), found %s", kindName(n))
		return nil
	}
	out := []map[string]string{}
	for _, r := range n.Content {
		if r.Kind != yaml.MappingNode {
			p.errf(r, "expect: a row is a mapping of column to value, found %s", kindName(r))
			continue
		}
		row := map[string]string{}
		for j := 0; j+1 < len(r.Content); j += 2 {
			ck, cv := r.Content[j], r.Content[j+1]
			if ck.Kind != yaml.ScalarNode || ck.Value == "" {
				p.errf(ck, "expect: column names must be plain names")
				continue
			}
			if _, dup := row[ck.Value]; dup {
				p.errf(ck, "expect: column %q is given twice", ck.Value)
				continue
			}
			s, err := cellText(cv)
			if err != nil {
				p.errf(cv, "expect: %s: %v", ck.Value, err)
				continue
			}
			row[ck.Value] = s
		}
		out = append(out, row)
	}
	return out
}

// cellText is the text an expected cell must render as: a scalar as written
// (without quotes), null as "", a list or mapping as compact JSON.
func cellText(n *yaml.Node) (string, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return "", nil
		}
		return n.Value, nil
	}
	var x any
	if err := n.Decode(&x); err != nil {
		return "", err
	}
	b, err := json.Marshal(jsonable(x))
	return string(b), err
}

// jsonable turns YAML's map[string]any/[]any trees into values json can encode.
func jsonable(x any) any {
	switch v := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonable(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			b, _ := json.Marshal(k)
			out[strings.Trim(string(b), `"`)] = jsonable(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonable(e)
		}
		return out
	}
	return x
}

// FindTests finds the rule-test files beside the pack's rule files (for a rule
// file x.yaml or x.md, the file x.tests.yaml in the same folder) and loads them.
// Built-in rules find their tests in the embedded pack.
func FindTests(p *Pack) ([]*TestFile, Diagnostics) {
	var out []*TestFile
	var ds Diagnostics
	if p == nil {
		return nil, nil
	}
	done := map[string]bool{}
	for _, r := range p.Rules {
		if done[r.File] {
			continue
		}
		done[r.File] = true
		name := r.File
		if i := strings.LastIndexByte(name, '.'); i > 0 && !strings.ContainsAny(name[i:], `/\`) {
			name = name[:i]
		}
		name += ".tests.yaml"
		read := p.read[r.File]
		if read == nil {
			read = os.ReadFile
		}
		data, err := read(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			ds.add(name, 0, 0, SeverityError, CodeRead, "", "%v", err)
			continue
		}
		tf, tds := ParseTests(name, data)
		ds = append(ds, tds...)
		if tf != nil {
			out = append(out, tf)
		}
	}
	return out, ds
}
