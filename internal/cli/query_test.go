package cli

import (
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/ingest"
)

// TestQueryNotes: query tells, like hunt, when a now()-relative time filter
// misses the data (with the --now to pin) and when there is no telemetry.
func TestQueryNotes(t *testing.T) {
	q := "DeviceNetworkEvents | where Timestamp > ago(1d) | take 3"
	code, _, errs := run(t, "query", q, "examples/incident/")
	if code != 0 || !strings.Contains(errs, "note: no row of DeviceNetworkEvents falls in the query's time window (Timestamp from ") ||
		!strings.Contains(errs, "the data covers 2026-03-01T00:09:36.0809763Z .. 2026-03-08T05:51:41.4420853Z; pin the clock with --now (e.g. --now 2026-03-08T05:51:42Z)") {
		t.Errorf("window note: exit %d\n%s", code, errs)
	}
	// Pinned inside the data: rows, no note.
	code, out, errs := run(t, "query", "--now", "2026-03-08T00:00:00Z", "--format", "csv", q, "examples/incident/")
	if code != 0 || strings.Contains(errs, "note:") || strings.Count(out, "\n") != 4 {
		t.Errorf("pinned: exit %d\n%s\n%s", code, out, errs)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"query", "DeviceNetworkEvents | count"}, "warning: no input given"},
		{[]string{"query", "DeviceNetworkEvents | count", t.TempDir()}, "warning: no telemetry was read: "},
		{[]string{"hunt", "--now", "2026-03-08T00:00:00Z", t.TempDir()}, "warning: no telemetry was read: "},
	} {
		code, _, errs := run(t, tt.args...)
		if code != 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr lacks %q:\n%s", tt.args, code, tt.want, errs)
		}
	}
	// A query that reads no table needs no input.
	if _, _, errs := run(t, "query", "print 1"); errs != "" {
		t.Errorf("print: stderr %q", errs)
	}
	// --quiet is accepted (progress shows only on a terminal; see
	// TestProgressOnlyOnTerminal).
	if code, _, errs := run(t, "query", "--quiet", "--now", "2026-03-08T00:00:00Z", "DeviceNetworkEvents | count", "examples/incident/"); code != 0 || errs != "" {
		t.Errorf("--quiet: exit %d %q", code, errs)
	}
}

// TestOutputFailsFast: -o into a folder that does not exist fails before
// the run, for hunt and query.
func TestOutputFailsFast(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "out.json")
	for _, args := range [][]string{
		{"hunt", "--now", "2026-03-08T00:00:00Z", "--format", "json", "-o", missing, "examples/incident/"},
		{"query", "-o", missing, "DeviceNetworkEvents | count", "examples/incident/"},
		{"hunt", "-o", t.TempDir(), "examples/incident/"},
	} {
		code, out, errs := run(t, args...)
		if code != ExitUsage || out != "" || !strings.Contains(errs, "-o ") || strings.Contains(errs, "findings") {
			t.Errorf("%v: exit %d, out %q, err %q", args, code, out, errs)
		}
	}
}

func TestVersionText(t *testing.T) {
	pf := ingest.PrefilterDescription() + "\n"
	stamped := &debug.BuildInfo{GoVersion: "go1.26.0", Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "c016175e2a1b00112233445566778899aabbccdd"},
		{Key: "vcs.time", Value: "2026-03-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tt := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "rmmhunt " + Version + "\nprefilter " + pf},
		{&debug.BuildInfo{GoVersion: "go1.26.0"}, "rmmhunt " + Version + "\ngo       go1.26.0\nprefilter " + pf},
		{stamped, "rmmhunt " + Version + "\ncommit   c016175e2a1b00112233445566778899aabbccdd (with uncommitted changes)\ntime     2026-03-01T10:00:00Z\ngo       go1.26.0\nprefilter " + pf},
	} {
		if got := versionText(tt.bi); got != tt.want {
			t.Errorf("versionText = %q, want %q", got, tt.want)
		}
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "rmmhunt "+Version+"\n") {
		t.Errorf("version: %d %q", code, out)
	}
}
