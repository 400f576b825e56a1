package hunt

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

func findingsText(res *Result) string {
	var sb strings.Builder
	for _, f := range res.Findings {
		sb.WriteString(f.Rule.ID)
		for _, v := range f.Row {
			sb.WriteString("|" + types.ToString(v))
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// TestSharedScanSameAnswers runs part of the built-in pack over the example
// incident with one shared pass and with one pass per rule, with and without
// pushdown: the findings must be identical.
func TestSharedScanSameAnswers(t *testing.T) {
	pack, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sub := &rules.Pack{}
	for i, r := range pack.Rules {
		if i%5 == 0 || r.Tool == "MSP360" || r.Tool == "AnyDesk" {
			sub.Add(r)
		}
	}
	now, _ := types.ParseDateTime("2026-03-08T00:00:00Z")
	dir := filepath.Join(testutil.RepoRoot(), "examples", "incident")
	var want string
	for i, opts := range []Options{{Now: now}, {Now: now, NoSharedScan: true}, {Now: now, NoPushdown: true}, {Now: now, Workers: 2}} {
		set, err := ingest.Open([]string{dir}, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), sub, set, opts)
		set.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Failed()) > 0 {
			t.Fatalf("rules failed: %s", res.Failed()[0].ErrText)
		}
		got := findingsText(res)
		if i == 0 {
			want = got
			if len(res.Findings) == 0 {
				t.Fatal("no findings on the example incident")
			}
			continue
		}
		if got != want {
			t.Errorf("options %+v change the findings:\n%s\nvs\n%s", opts, got, want)
		}
	}
}
