package ruletest

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/rules"
)

// TestBuiltinPack runs every built-in rule's tests on the engine: the proof
// that the generated queries mean what the catalog says.
func TestBuiltinPack(t *testing.T) {
	pack, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	files, ds := rules.FindTests(pack)
	if ds.HasErrors() {
		t.Fatalf("loading the rule tests:\n%s", ds)
	}
	rep := rules.RunTests(pack, files, &Runner{})
	if !rep.OK() {
		var b strings.Builder
		shown := 0
		for _, s := range rep.Suites {
			for _, c := range s.Cases {
				if c.Status != rules.StatusPass && shown < 20 {
					shown++
					b.WriteString(s.File + ": " + c.Name + ":\n" + c.Message + "\n")
				}
			}
		}
		t.Errorf("%d of %d cases failed; first ones:\n%s", rep.Failed, rep.Passed+rep.Failed, b.String())
	}
	tested := map[string]bool{}
	for _, s := range rep.Suites {
		tested[s.Rule] = true
	}
	t.Logf("%d rules, %d with tests, %d cases passed, %d failed", len(pack.Rules), len(tested), rep.Passed, rep.Failed)
	// Every catalog rule has tests; only the seed rule may have none.
	for _, r := range pack.Rules {
		if !tested[r.ID] && strings.HasPrefix(r.File, rules.BuiltinPrefix+"catalog/") {
			t.Errorf("%s: rule %s has no tests", r.File, r.ID)
		}
	}
}

// TestBuiltinTestsCanFail: the same cases fail when a rule is weakened or
// broken, so the pass above means something.
func TestBuiltinTestsCanFail(t *testing.T) {
	pack, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := rules.FindTests(pack)
	pick := func(suffix string) *rules.TestFile {
		for _, f := range files {
			if strings.HasSuffix(f.File, suffix) {
				return f
			}
		}
		t.Fatalf("no test file %s", suffix)
		return nil
	}
	tests := []struct {
		name     string
		file     string
		old, new string
		status   string
	}{
		// Without the exact host test, the lookalikes pass the has_any prefilter.
		{"term match only", "anydesk/anydesk_netconn.tests.yaml", "| where RemoteHost in", "| where true or RemoteHost in", rules.StatusFail},
		// A dropped domain loses its positives.
		{"domain dropped", "anydesk/anydesk_netconn.tests.yaml", `, "api.playanext.com")`, ")", rules.StatusFail},
		// endswith without the dot matches notanydesk.com.
		{"suffix without label boundary", "anydesk/anydesk_netconn.tests.yaml", `endswith ".anydesk.com"`, `endswith "anydesk.com"`, rules.StatusFail},
		// A company test by substring matches the glued lookalike.
		{"company by contains", "anydesk/anydesk_createproc.tests.yaml", "ProcessVersionInfoCompanyName has_any (RmmCompanies)", "ProcessVersionInfoCompanyName contains \"anydesk\"", rules.StatusFail},
		// A query that does not bind is an error, not a pass.
		{"unknown column", "anydesk/anydesk_filesig.tests.yaml", "Signer has_any", "SignerName has_any", rules.StatusError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tf := pick(tc.file)
			orig := pack.Rule(tf.Rule)
			if !strings.Contains(orig.Query, tc.old) {
				t.Fatalf("rule %s has no %q:\n%s", orig.ID, tc.old, orig.Query)
			}
			mutated := *orig
			mutated.Query = strings.Replace(orig.Query, tc.old, tc.new, 1)
			p := &rules.Pack{}
			p.Add(&mutated)
			rep := rules.RunTests(p, []*rules.TestFile{tf}, &Runner{})
			if rep.OK() {
				t.Fatalf("every case passed with the mutated query:\n%s", mutated.Query)
			}
			found := false
			for _, c := range rep.Suites[0].Cases {
				found = found || c.Status == tc.status
			}
			if !found {
				t.Errorf("no case has status %s; report: %+v", tc.status, rep.Suites[0].Cases)
			}
		})
	}
}
