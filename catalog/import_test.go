package catalog

import (
	"path/filepath"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// sharedImportOptions points Import at the reference copies in ../shared.
func sharedImportOptions(t *testing.T) ImportOptions {
	t.Helper()
	ref := testutil.SharedDir(t, "reference")
	return ImportOptions{
		LOLRMMTools:   filepath.Join(ref, "lolrmm", "rmm_tools.json"),
		LOLRMMCerts:   filepath.Join(ref, "lolrmm", "rmm_certificates.json"),
		LOLRMMDomains: filepath.Join(ref, "lolrmm", "rmm_domains.csv"),
		JischellDir:   filepath.Join(ref, "jischell-rmm"),
		Corrections:   "corrections.yaml",
	}
}

// TestImportMatchesCommitted re-imports the public catalogs and checks that
// the committed tools.yaml is exactly the result (run with -update after
// changing corrections.yaml or the importer).
func TestImportMatchesCommitted(t *testing.T) {
	c, rep, err := Import(sharedImportOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Save(c)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "tools.yaml", out)
	testutil.Golden(t, "testdata/import_report.txt", []byte(rep.String()))
}
