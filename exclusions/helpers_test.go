package exclusions

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// fakeRule is a RuleInfo for tests.
type fakeRule struct {
	id, name, table string
	requires        map[string]requirement
}

type requirement struct {
	op     string
	values []string
}

func (r fakeRule) ID() string    { return r.id }
func (r fakeRule) Name() string  { return r.name }
func (r fakeRule) Table() string { return r.table }
func (r fakeRule) RequiredValues(col string) (string, []string, bool) {
	q, ok := r.requires[col]
	return q.op, q.values, ok
}

// seedRule describes the seed rule as the rules package would: its table and
// the two has_any requirements of its where clause.
var seedRule = fakeRule{
	id:    "3a4d43d5-2326-467c-a22a-4f1f1f3e2890",
	name:  "Remote Management and Monitoring tool - MSP360_CloudBerry - Network Connection",
	table: "DeviceNetworkEvents",
	requires: map[string]requirement{
		"RemoteUrl": {"has_any", []string{"rm.mspbackups.com", "client.rmm.mspbackups.com",
			"settings.services.mspbackups.com", "connect.ra.msp360.com", "foris.cloudberrylab.com"}},
		"InitiatingProcessVersionInfoCompanyName": {"has_any", []string{"CloudBerry", "MSP360"}},
	},
}

// fileSigRule is the built-in pack's MSP360 file-signature rule
// (rules/builtin/catalog/msp360/msp360_filesig.yaml).
var fileSigRule = fakeRule{
	id:    "76db8eaa-0750-5a2f-bc3d-20c2fc64c413",
	name:  "MSP360 - file signed by the tool's vendor",
	table: "DeviceFileCertificateInfo",
	requires: map[string]requirement{
		"Signer": {"has_any", []string{"MSPBytes", "Trichilia Consultants"}},
	},
}

// testNow is the fixed clock of the tests: before the examples expire.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// loadExample loads an example file, failing the test on load errors. The
// file is named as from the repository root, as a user running rmmhunt there
// would see it.
func loadExample(t *testing.T, name string) *Set {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "examples", "exclusions", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("examples/exclusions/"+name, data)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	s, err := NewSet(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
