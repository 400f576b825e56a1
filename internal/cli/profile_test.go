package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCPUProfileWrittenOnFailure: --cpuprofile leaves a complete profile
// whether the command succeeds or fails.
func TestCPUProfileWrittenOnFailure(t *testing.T) {
	for _, tt := range []struct {
		query string
		code  int
	}{
		{"print 1", ExitOK},
		{"DeviceNetworkEvents | project NoSuchColumn", ExitUsage},
	} {
		p := filepath.Join(t.TempDir(), "cpu.prof")
		if code, _, errs := run(t, "query", "--cpuprofile", p, tt.query); code != tt.code {
			t.Fatalf("%q: exit %d, want %d (%s)", tt.query, code, tt.code, errs)
		}
		data, err := os.ReadFile(p)
		// a stopped profile is a gzip stream; an unstopped one is empty
		if err != nil || len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%q: profile not written (%d bytes, %v)", tt.query, len(data), err)
		}
	}
}
