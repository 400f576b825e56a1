package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/catalog"
	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

func TestCatalogShow(t *testing.T) {
	code, out, errs := run(t, "catalog", "show", "anydesk")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	testutil.Golden(t, filepath.Join("testdata", "catalog", "show_anydesk.txt"), []byte(out))

	code, out, _ = run(t, "catalog", "show", "AnyDesk", "--format", "json")
	var v toolView
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != ExitOK {
		t.Fatalf("exit %d, %v", code, err)
	}
	if v.ID != "anydesk" || len(v.Rules) != 3 || v.Rules[0].ID != catalog.RuleID("anydesk", catalog.KindNetwork) {
		t.Errorf("json: %+v", v)
	}

	code, _, errs = run(t, "catalog", "show", "desk")
	if code != ExitUsage || !strings.Contains(errs, `no tool has the id or name "desk"; did you mean anydesk,`) {
		t.Errorf("unknown tool: exit %d, %s", code, errs)
	}
}

func TestCatalogList(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "catalog", "list", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var views []toolView
	if err := json.Unmarshal([]byte(out), &views); err != nil {
		t.Fatal(err)
	}
	nRules := 0
	for _, v := range views {
		nRules += len(v.Rules)
	}
	if len(views) != len(c.Tools) || nRules != len(catalog.GenerateRules(c))/2 {
		t.Errorf("%d tools, %d rules; the catalog has %d tools and generates %d rules", len(views), nRules, len(c.Tools), len(catalog.GenerateRules(c))/2)
	}
	// The same rules from the catalog file (GenerateRules) as from the built-in pack.
	code, out2, _ := run(t, "catalog", "list", "--format", "json", "--catalog", "catalog/tools.yaml")
	var views2 []toolView
	if err := json.Unmarshal([]byte(out2), &views2); err != nil || code != ExitOK {
		t.Fatal(code, err)
	}
	for i := range views {
		a, b := views[i].Rules, views2[i].Rules
		if len(a) != len(b) {
			t.Fatalf("%s: %d rules in the pack, %d generated", views[i].ID, len(a), len(b))
		}
		for j := range a {
			if a[j].ID != b[j].ID || a[j].Kind != b[j].Kind || a[j].File != "builtin/catalog/"+b[j].File {
				t.Errorf("%s: %+v vs %+v", views[i].ID, a[j], b[j])
			}
		}
	}
	code, out, _ = run(t, "catalog", "list")
	if code != ExitOK || !strings.Contains(out, "\nanydesk ") || !strings.HasPrefix(out, "ID ") {
		t.Errorf("text list: exit %d\n%.300s", code, out)
	}
}

// TestCatalogImport imports the reference copies of the public catalogs and
// gets the committed catalog, rule pack and import report back.
func TestCatalogImport(t *testing.T) {
	ref := testutil.SharedDir(t, "reference")
	tmp := t.TempDir()
	out, rulesOut := filepath.Join(tmp, "cat"), filepath.Join(tmp, "rules")
	code, report, errs := run(t, "catalog", "import",
		"--lolrmm", filepath.Join(ref, "lolrmm", "rmm_tools.json"),
		"--lolrmm-certs", filepath.Join(ref, "lolrmm", "rmm_certificates.json"),
		"--lolrmm-domains", filepath.Join(ref, "lolrmm", "rmm_domains.csv"),
		"--jischell", filepath.Join(ref, "jischell-rmm"),
		"--out", out, "--rules-out", rulesOut)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	root := testutil.RepoRoot()
	same := func(a, b string) {
		t.Helper()
		x, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		if string(x) != string(y) {
			t.Errorf("%s differs from %s", a, b)
		}
	}
	same(filepath.Join(out, "tools.yaml"), filepath.Join(root, "catalog", "tools.yaml"))
	files, _ := filepath.Glob(filepath.Join(root, "rules", "builtin", "catalog", "*", "*.yaml"))
	got, _ := filepath.Glob(filepath.Join(rulesOut, "*", "*.yaml"))
	if len(files) != len(got) || len(files) == 0 {
		t.Fatalf("%d rule files written, %d committed", len(got), len(files))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join(root, "rules", "builtin", "catalog"), f)
		same(filepath.Join(rulesOut, rel), f)
	}
	if !strings.Contains(report, "tools: ") || strings.Contains(report, "stale correction:") || strings.Contains(report, "unknown tool:") {
		t.Errorf("report:\n%.500s", report)
	}
	if !strings.Contains(errs, "wrote "+filepath.Join(out, "tools.yaml")) {
		t.Errorf("stderr: %s", errs)
	}

	// Usage errors.
	if code, _, errs := run(t, "catalog", "import"); code != ExitUsage || !strings.Contains(errs, "--lolrmm FILE") {
		t.Errorf("no --lolrmm: exit %d, %s", code, errs)
	}
	if code, _, _ := run(t, "catalog", "import", "--lolrmm", filepath.Join(tmp, "missing.json"), "--out", out, "--rules-out", ""); code != ExitUsage {
		t.Errorf("missing input: exit %d", code)
	}
}
