package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/rules"
)

const ruleFixture = "internal/cli/testdata/rules/fixture"

// TestRulesListJSON: one entry per built-in rule; the first few are golden.
func TestRulesListJSON(t *testing.T) {
	code, out, errs := run(t, "rules", "list", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var list []ruleSummary
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	pack, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(pack.Rules) {
		t.Fatalf("%d rules listed, the pack has %d", len(list), len(pack.Rules))
	}
	for i, r := range list {
		if r.ID != pack.Rules[i].ID || len(r.Tables) == 0 || r.File == "" {
			t.Errorf("entry %d: %+v", i, r)
		}
	}
	var b strings.Builder
	if err := writeJSON(&b, list[:4]); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "rules", "list_first4.json"), []byte(b.String()))
}

func TestRulesTest(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string // stdout golden file, if any
		errHas string
	}{
		{"fixture folder, one failing case", []string{ruleFixture}, ExitFindings, "test_fixture.txt", "2 test files for 2 rules; 0 rules have no tests"},
		{"fixture folder as JSON", []string{ruleFixture, "--format", "json"}, ExitFindings, "test_fixture.json", "3 passed, 1 failed"},
		{"one test file", []string{ruleFixture + "/example_netconn.tests.yaml"}, ExitOK, "", "1 test files for 1 rules"},
		{"one rule file finds its tests", []string{ruleFixture + "/weak_netconn.kql"}, ExitFindings, "", "1 test files for 1 rules"},
		{"no tests", []string{"internal/cli/testdata/rules/lint"}, ExitUsage, "", "no rule tests found"},
		{"bad format", []string{"--format", "xml"}, ExitUsage, "", "--format must be one of text, json, junit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, append([]string{"rules", "test"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			if !strings.Contains(errs, tc.errHas) {
				t.Errorf("stderr %q does not say %q", errs, tc.errHas)
			}
			if tc.golden != "" {
				testutil.Golden(t, filepath.Join("testdata", "rules", tc.golden), []byte(out))
			}
		})
	}
}

// TestRulesTestBuiltin: the default run is the built-in pack, all passing,
// and JUnit output counts every case.
func TestRulesTestBuiltin(t *testing.T) {
	code, out, errs := run(t, "rules", "test", "--format", "junit")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests < 1000 || doc.Failures != 0 || doc.Errors != 0 || len(doc.Suites) < 500 {
		t.Errorf("junit: %d tests, %d failures, %d errors, %d suites", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
	if !strings.Contains(errs, "1 rules have no tests") {
		t.Errorf("stderr: %s", errs)
	}
}

func TestRulesLint(t *testing.T) {
	code, out, errs := run(t, "rules", "lint", "internal/cli/testdata/rules/lint")
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2: %s", code, errs)
	}
	testutil.Golden(t, filepath.Join("testdata", "rules", "lint.txt"), []byte(out))

	code, out, _ = run(t, "rules", "lint", "--format", "json", "--min-severity", "error", "internal/cli/testdata/rules/lint")
	var doc struct {
		Rules, Errors, Warnings int
		Diagnostics             []rules.Diagnostic
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if code != ExitUsage || doc.Rules != 2 || doc.Errors != 2 || doc.Warnings != 3 || len(doc.Diagnostics) != 2 {
		t.Errorf("json lint: exit %d, %+v", code, doc)
	}

	// The built-in pack has no errors; the fixture of passing tests neither.
	for _, args := range [][]string{{"rules", "lint"}, {"rules", "lint", ruleFixture}} {
		if code, out, _ := run(t, args...); code != ExitOK || !strings.Contains(out, " 0 errors") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
}

func TestRulesShow(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		has   []string
		count int // rules shown (text: "id:" lines)
	}{
		{"by id", []string{"efbd0d78-8390-5cc5-852e-70794571f6cf"}, ExitOK, []string{"name:       AnyDesk - network connection to tool domains", "query:\n  DeviceNetworkEvents\n"}, 1},
		{"by name, any case", []string{"anydesk - PROCESS of the tool"}, ExitOK, []string{"tables:     DeviceProcessEvents"}, 1},
		{"by id prefix", []string{"efbd0d78"}, ExitOK, []string{"tool:       AnyDesk"}, 1},
		{"every rule of a tool", []string{"AnyDesk"}, ExitOK, []string{"anydesk_netconn.yaml", "anydesk_createproc.yaml", "anydesk_filesig.yaml"}, 3},
		{"from files", []string{"--rules", ruleFixture, "weak_netconn"}, ExitOK, []string{"file:       " + ruleFixture + "/weak_netconn.kql (query at line 1)"}, 1},
		{"unknown", []string{"no-such-rule-anywhere"}, ExitUsage, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, append([]string{"rules", "show"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errs)
			}
			spaces := regexp.MustCompile(` +`)
			flat := spaces.ReplaceAllString(out, " ")
			for _, h := range tc.has {
				if !strings.Contains(flat, spaces.ReplaceAllString(h, " ")) {
					t.Errorf("output does not contain %q:\n%s", h, out)
				}
			}
			if n := strings.Count(out, "\nid:") + strings.Count(out[:min(len(out), 3)], "id:"); n != tc.count {
				t.Errorf("%d rules shown, want %d", n, tc.count)
			}
		})
	}
}

// TestRuleSetErrors: a rule file that is not valid YAML is an error with
// file:line:col and a hint (never a warning with exit 0), and a rule set
// with no rule fails hunt, rules lint and rules test instead of passing
// silently.
func TestRuleSetErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("just notes, not KQL\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: r1\nname: x\nquery: |\n  DeviceNetworkEvents\n  | take 1\ntags: [a, b\nseverity: High\n"), 0o644)
	both := filepath.Join(dir, "both")
	os.Mkdir(both, 0o755)
	b, _ := os.ReadFile(bad)
	os.WriteFile(filepath.Join(both, "bad.yaml"), b, 0o644)
	seed, _ := os.ReadFile(filepath.Join(testutil.RepoRoot(), "rules/builtin/seed/msp360_cloudberry_netconn.yaml"))
	os.WriteFile(filepath.Join(both, "seed.yaml"), seed, 0o644)

	yamlErr := bad + ":6:1: error: not valid YAML: did not find expected ',' or ']'; the file was not loaded (a bracket or quote opened here is not closed)"
	for _, tt := range []struct {
		args      []string
		out, errs string
	}{
		{[]string{"rules", "lint", bad}, yamlErr, "no rule could be loaded from " + bad},
		{[]string{"rules", "lint", empty}, "0 rules in 0 files", "no rules found in " + empty},
		{[]string{"rules", "test", empty}, "", "no rules found in " + empty},
		{[]string{"hunt", "--now", "2026-03-08T00:00:00Z", "--rules", empty, "examples/incident/"}, "", "no rules found in " + empty},
		{[]string{"hunt", "--now", "2026-03-08T00:00:00Z", "--rules", bad, "examples/incident/"}, "", yamlErr},
		{[]string{"exclusions", "lint", "--rules", empty, "examples/exclusions/msp360-recommended.yaml"}, "", "no rules found in " + empty},
		// The good rule runs; the bad file is reported and the exit code is 2.
		{[]string{"hunt", "--now", "2026-03-08T00:00:00Z", "--rules", both, "examples/incident/"}, "11 findings from 1 rules", "some rule files could not be loaded"},
	} {
		code, out, errs := run(t, tt.args...)
		if code != ExitUsage || !strings.Contains(out, tt.out) || !strings.Contains(errs+out, tt.errs) {
			t.Errorf("%v: exit %d (want 2)\nstdout:\n%s\nstderr:\n%s\nwant %q and %q", tt.args, code, out, errs, tt.out, tt.errs)
		}
	}
}

// TestRuleLintLocations: the hunt report's rule lint says file:line:col,
// leaving out a line or column the diagnostic does not know (never ":0").
func TestRuleLintLocations(t *testing.T) {
	diags := rules.Diagnostics{
		{File: "a.yaml", Line: 3, Col: 7, Severity: rules.SeverityWarning, Code: "x", Message: "m"},
		{File: "b.yaml", Line: 4, Severity: rules.SeverityWarning, Code: "y", Message: "m"},
		{File: "c.yaml", Severity: rules.SeverityWarning, Code: "z", Message: "m"},
	}
	var got []string
	for _, it := range ruleLint(&rules.Pack{}, diags, true) {
		got = append(got, it.Location)
	}
	if want := []string{"a.yaml:3:7", "b.yaml:4", "c.yaml"}; !slices.Equal(got, want) {
		t.Errorf("locations %q, want %q", got, want)
	}
}
