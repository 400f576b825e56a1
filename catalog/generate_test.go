package catalog

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// packDir is the committed rule pack, relative to this package.
const packDir = "../rules/builtin/catalog"

// TestCommittedRulePack checks that rules/builtin/catalog holds exactly what
// GenerateRules makes from the embedded catalog (-update rewrites it).
func TestCommittedRulePack(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if *testutil.Update {
		if _, err := WriteRules(packDir, c); err != nil {
			t.Fatal(err)
		}
	}
	files := GenerateRules(c)
	want := map[string][]byte{}
	for _, f := range files {
		want[filepath.FromSlash(f.Path)] = f.Data
	}
	var got []string
	err = filepath.Walk(packDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(packDir, p)
		got = append(got, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	for _, rel := range got {
		data, ok := want[rel]
		if !ok {
			t.Errorf("%s: not generated from the catalog (stale; run go test ./catalog -run TestCommittedRulePack -update)", rel)
			continue
		}
		disk, _ := os.ReadFile(filepath.Join(packDir, rel))
		if string(disk) != string(data) {
			t.Errorf("%s: differs from the generated text (run with -update)", rel)
		}
		delete(want, rel)
	}
	for rel := range want {
		t.Errorf("%s: generated but not committed (run with -update)", rel)
	}
}
