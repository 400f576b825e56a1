package syntax

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// cutQueryBlock returns the `query: |` block scalar of a rule file (lines
// de-indented, original line ends kept), the 1-based file line of its first
// line and the indentation removed.
func cutQueryBlock(text string) (query string, firstLine, indent int, ok bool) {
	lines := strings.SplitAfter(text, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimRight(l, "\r\n") == "query: |" {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return "", 0, 0, false
	}
	indent = -1
	var b strings.Builder
	for _, l := range lines[start:] {
		body := strings.TrimRight(l, "\r\n")
		if strings.TrimSpace(body) == "" {
			b.WriteString(l[len(body):])
			continue
		}
		n := len(body) - len(strings.TrimLeft(body, " "))
		if indent < 0 {
			indent = n
		}
		if n < indent || indent == 0 {
			break
		}
		b.WriteString(l[indent:])
	}
	return b.String(), start + 1, indent, indent > 0
}

// TestRMMRules parses the query of every jischell RMM rule file (CRLF line
// ends, tabs, comments in lists) and checks the known defects: the trailing
// commas of the MSP360 and ZohoAssist network rules and the `| Sha1 in`
// line of the DWService process rule fail at the right file line, and so
// does `has_all has_any (` in the Level process rule; all other rules parse.
func TestRMMRules(t *testing.T) {
	dir := testutil.SharedDir(t, "reference/jischell-rmm/RMM")
	files, err := filepath.Glob(filepath.Join(dir, "*", "rmm_*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files in %s: %v", dir, err)
	}
	type want struct {
		line int
		msg  string
	}
	expected := map[string]want{
		"MSP360_CloudBerry/rmm_MSP360_CloudBerry_netconn.yaml": {23, "Missing expression"},
		"ZohoAssist/rmm_ZohoAssist_netconn.yaml":               {36, "Missing expression"},
		"DWService/rmm_DWService_createproc.yaml":              {25, "unknown tabular operator 'Sha1'"},
		// Not in the reference's defects.json, but a real syntax error:
		// `FolderPath has_all has_any (` .
		"Level/rmm_Level_createproc.yaml": {19, "expected '(' after 'has_all'"},
	}
	crlf := regexp.MustCompile("\r\n")
	parsed := 0
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		query, first, indent, ok := cutQueryBlock(string(data))
		if !ok {
			t.Errorf("%s: no query: | block", rel)
			continue
		}
		if !crlf.MatchString(query) && strings.Contains(string(data), "\r\n") {
			t.Errorf("%s: CRLF line ends lost while cutting the query", rel)
		}
		q, errs := Parse(query, Options{})
		w, isDefect := expected[rel]
		switch {
		case isDefect && len(errs) == 0:
			t.Errorf("%s: parsed, want %q at line %d", rel, w.msg, w.line)
		case isDefect:
			e := errs[0]
			if got := e.Line + first - 1; got != w.line || !strings.Contains(e.Msg, w.msg) {
				t.Errorf("%s: first error at file line %d: %s; want line %d: %s", rel, got, e.Detail(), w.line, w.msg)
			} else {
				t.Logf("%s:%d:%d: %s", rel, e.Line+first-1, e.Col+indent, e.Detail())
			}
			// Lenient mode accepts the trailing comma (but not the missing where).
			_, lerrs := Parse(query, Options{Lenient: true})
			if isTrailing := w.msg == "Missing expression"; isTrailing != (len(lerrs) == 0) {
				t.Errorf("%s: lenient parse errors: %v", rel, lerrs)
			}
		case len(errs) > 0:
			t.Errorf("%s: %s", rel, errs.String())
		default:
			parsed++
			checkRoundTrip(t, rel, query, q)
		}
	}
	t.Logf("%d rule files, %d parse, %d known defects", len(files), parsed, len(expected))
}
