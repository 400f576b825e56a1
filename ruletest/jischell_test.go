package ruletest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/rules"
)

type refDefect struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Defect string `json:"defect"`
	Detail string `json:"detail"`
}

// queryDefects are the defects.json kinds that make a query fail in Kusto
// (the others are YAML layout, comments that Kusto accepts, empty files).
var queryDefects = map[string]bool{"unknown-column": true, "trailing-comma": true, "missing-operator": true}

// missedByReference are query defects of the reference rules that
// defects.json does not list; the engine finds them too.
var missedByReference = []struct {
	file, line, why string
}{
	{"RMM/JumpCloud/RMM_AHQ_JumpCloud.md", "17", "the '( ProcessVersionInfoCompanyName has …' group of the process block is never closed"},
	{"RMM/Level/rmm_Level_createproc.yaml", "19", "'FolderPath has_all has_any (…)': two operators in a row"},
}

var didYouMean = regexp.MustCompile(`did you mean (\w+)\?`)

// TestJischellCompile compiles every rule of the reference repository with the
// engine: each one compiles or fails with errors at file:line naming the
// defect, and the failures are exactly those of defects.json (a defect after
// the first error of the same query is not reached) plus missedByReference.
func TestJischellCompile(t *testing.T) {
	dir := testutil.SharedDir(t, "reference/jischell-rmm")
	data, err := os.ReadFile(filepath.Join(dir, "defects.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Defects []refDefect }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	pack, lds := rules.Load(dir)
	if lds.HasErrors() {
		t.Fatalf("loader errors:\n%s", lds.Filter(rules.SeverityError))
	}
	rel := func(f string) string {
		r, err := filepath.Rel(dir, f)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(r)
	}

	type ruleErrs struct {
		rule *rules.Rule
		errs rules.Diagnostics
	}
	var all []ruleErrs
	byFileLine := map[string][]rules.Diagnostic{}
	fileState := map[string][]string{}
	for _, r := range pack.Rules {
		errs := LintRule(r, LintOptions{}).Filter(rules.SeverityError)
		all = append(all, ruleErrs{r, errs})
		f := rel(r.File)
		if len(errs) == 0 {
			fileState[f] = append(fileState[f], "ok")
			continue
		}
		for _, e := range errs {
			if e.File != r.File || e.Line <= 0 || e.Col <= 0 || e.Message == "" {
				t.Errorf("%s: error without file:line:col and message: %+v", f, e)
			}
			key := fmt.Sprintf("%s:%d", f, e.Line)
			byFileLine[key] = append(byFileLine[key], e)
			fileState[f] = append(fileState[f], fmt.Sprintf("error %d:%d %s", e.Line, e.Col, e.Message))
		}
	}

	// The table, in the test log.
	files := make([]string, 0, len(fileState))
	for f := range fileState {
		files = append(files, f)
	}
	sort.Strings(files)
	var table strings.Builder
	failed := 0
	for _, f := range files {
		state := "ok"
		for _, s := range fileState[f] {
			if s != "ok" {
				state = "ERROR"
			}
		}
		if state == "ERROR" {
			failed++
		}
		fmt.Fprintf(&table, "%-60s %-5s %s\n", f, state, strings.Join(fileState[f], "; "))
	}
	t.Logf("rule files of %s (%d rules):\n%s", dir, len(pack.Rules), table.String())

	// Which rule holds a file line.
	ruleAt := func(file string, line int) *ruleErrs {
		for i := range all {
			r := all[i].rule
			n := strings.Count(strings.TrimSuffix(r.Query, "\n"), "\n") + 1
			if rel(r.File) == file && line >= r.QueryLine && line < r.QueryLine+n {
				return &all[i]
			}
		}
		return nil
	}
	reported, masked := 0, 0
	wantFiles := map[string]bool{}
	explained := map[string]bool{}
	for _, d := range doc.Defects {
		if !queryDefects[d.Defect] {
			continue
		}
		wantFiles[d.File] = true
		key := fmt.Sprintf("%s:%d", d.File, d.Line)
		got := byFileLine[key]
		if names(d, got) {
			explained[key] = true
			reported++
			continue
		}
		// Not reported: the engine must have stopped at an earlier error of
		// the same query. A parse error stops it before any name is bound;
		// binding stops at the first unknown name.
		re := ruleAt(d.File, d.Line)
		switch {
		case re == nil:
			t.Errorf("%s: %s: no rule holds this line", key, d.Defect)
		case len(re.errs) == 0:
			t.Errorf("%s: %s (%s) not reported: the rule compiles", key, d.Defect, d.Detail)
		case d.Defect == "unknown-column" && parseFails(re.rule.Query), re.errs[0].Line < d.Line:
			masked++
		default:
			t.Errorf("%s: %s (%s) not reported; errors of the rule: %v", key, d.Defect, d.Detail, re.errs)
		}
	}
	for _, m := range missedByReference {
		key := m.file + ":" + m.line
		if len(byFileLine[key]) == 0 {
			t.Errorf("%s: expected an error (%s)", key, m.why)
		}
		explained[key] = true
		wantFiles[m.file] = true
	}
	for key, es := range byFileLine {
		if !explained[key] {
			t.Errorf("%s: error not in defects.json: %v", key, es)
		}
	}
	if failed != len(wantFiles) {
		t.Errorf("%d files fail, want %d (defects.json files with query defects, plus %d it misses)", failed, len(wantFiles), len(missedByReference))
	}
	t.Logf("%d files fail; %d query defects of defects.json reported at their line, %d behind an earlier error of the same query", failed, reported, masked)

	// The named expectations.
	for _, c := range []struct {
		file string
		line int
		text string
	}{
		{"RMM/MSP360_CloudBerry/rmm_MSP360_CloudBerry_netconn.yaml", 23, "remove the trailing comma"},
		{"RMM/ZohoAssist/rmm_ZohoAssist_netconn.yaml", 36, "remove the trailing comma"},
		{"RMM/Action1/rmm_Action1_netconn.yaml", 23, "did you mean InitiatingProcessAccountUpn?"},
		{"Network Indicators/rmm__all_netconn.yaml", 212, "did you mean InitiatingProcessAccountUpn?"},
		{"RMM/DWService/rmm_DWService_createproc.yaml", 25, "unknown tabular operator 'Sha1'"},
		{"RMM/DWService/RMM_AHQ_DWService.md", 17, "a filter needs 'where'"},
		{"RMM/DWService/rmm_DWService_netconn.yaml", 21, "did you mean SHA1?"},
	} {
		es := byFileLine[fmt.Sprintf("%s:%d", c.file, c.line)]
		if len(es) == 0 || !strings.Contains(es[0].String(), c.text) {
			t.Errorf("%s:%d: errors %v, want one saying %q", c.file, c.line, es, c.text)
		}
	}
}

// names reports whether one of the errors reported at a defect's line names
// that defect.
func names(d refDefect, errs rules.Diagnostics) bool {
	for _, e := range errs {
		switch d.Defect {
		case "unknown-column":
			col := strings.Trim(strings.Fields(d.Detail)[0], "'")
			m := didYouMean.FindStringSubmatch(d.Detail)
			if strings.Contains(e.Message, "'"+col+"'") && strings.Contains(e.Message, "does not refer to any known column") && m != nil && e.Hint == m[0] {
				return true
			}
		case "trailing-comma":
			if strings.Contains(e.Message, "Missing expression") && strings.Contains(e.Hint, "trailing comma") {
				return true
			}
		case "missing-operator":
			if strings.Contains(e.Message, "unknown tabular operator 'Sha1'") && strings.Contains(e.Hint, "needs 'where'") {
				return true
			}
		}
	}
	return false
}

func parseFails(query string) bool {
	_, errs := syntax.Parse(query, syntax.Options{})
	return len(errs) > 0
}
