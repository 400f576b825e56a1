package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// seedQueries returns the two copies of the query in the seed document: the
// "KQL Query" section and the "query: |" key, each as its lines.
func seedQueries(t *testing.T) (section, key []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.SharedDir(t, "seed"), "000_c7f9563738213dc3.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	between := func(start func(string) bool, stop func(string) bool) []string {
		i := slices.IndexFunc(lines, start)
		if i < 0 {
			t.Fatal("seed document: start marker not found")
		}
		var out []string
		for _, l := range lines[i+1:] {
			if stop(l) {
				return out
			}
			out = append(out, l)
		}
		t.Fatal("seed document: end marker not found")
		return nil
	}
	section = between(func(l string) bool { return l == "KQL Query" }, func(l string) bool { return strings.HasPrefix(l, "id: ") })
	key = between(func(l string) bool { return l == "query: |" }, func(l string) bool { return strings.HasPrefix(l, "| Sentinel Table") })
	return section, key
}

func TestSeedRule(t *testing.T) {
	section, key := seedQueries(t)
	if !slices.Equal(section, key) {
		t.Fatalf("the seed's two query copies differ:\n%q\n%q", section, key)
	}
	want := strings.Join(key, "\n") + "\n"

	p, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r := p.Rule("3a4d43d5-2326-467c-a22a-4f1f1f3e2890")
	if r == nil {
		t.Fatal("seed rule not in the built-in pack")
	}
	if r.Name != "Remote Management and Monitoring tool - MSP360_CloudBerry - Network Connection" {
		t.Errorf("name %q", r.Name)
	}
	if r.Query != want {
		t.Errorf("query differs from the seed's\n got: %q\nwant: %q", r.Query, want)
	}
	if r.File != "builtin/seed/msp360_cloudberry_netconn.yaml" {
		t.Errorf("file %q", r.File)
	}
	if !slices.Equal(r.Tactics, []string{"CommandAndControl"}) || !slices.Equal(r.Techniques, []string{"T1219"}) ||
		!slices.Equal(r.DataTypes, []string{"DeviceNetworkEvents"}) || r.Severity != "Medium" || r.Tool != "MSP360" || r.Kind != "Hunting" {
		t.Errorf("metadata: %+v", r)
	}
	if !strings.HasPrefix(r.Description, "Remote Monitoring and Management (RMM) programs") || !strings.HasSuffix(r.Description, "RemoteManagementMonitoringTools\n") {
		t.Errorf("description %q", r.Description)
	}
	data, err := builtinFS.ReadFile(r.File)
	if err != nil {
		t.Fatal(err)
	}
	checkPositions(t, r.File, normaliseText(data), r)
}

// TestBuiltinClean: the built-in pack loads without any diagnostic, and
// its rule tests parse and name rules of the pack.
func TestBuiltinClean(t *testing.T) {
	for _, d := range BuiltinDiagnostics() {
		t.Errorf("%s", d)
	}
	p, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) == 0 {
		t.Fatal("empty built-in pack")
	}
	files, ds := FindTests(p)
	if ds.HasErrors() {
		t.Errorf("built-in rule tests:\n%s", ds)
	}
	for _, tf := range files {
		if p.Rule(tf.Rule) == nil {
			t.Errorf("%s: rule %q is not in the built-in pack", tf.File, tf.Rule)
		}
	}
}
