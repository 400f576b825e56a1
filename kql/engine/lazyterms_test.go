package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// recordingSource is a specSource that remembers the AnyTerms it was given.
type recordingSource struct {
	specSource
	terms map[string][]string
}

func (s *recordingSource) Scan(ctx context.Context, spec source.Spec, emit source.Emit) error {
	s.terms[spec.Table] = spec.AnyTerms
	return s.specSource.Scan(ctx, spec, emit)
}

// TestLazyListTerms: lists of datatable or subquery values become
// prefilter terms once the run has computed them, without changing answers.
func TestLazyListTerms(t *testing.T) {
	now := types.TicksFromTime(mustTime("2026-03-08T00:00:00Z"))
	mem := &source.Memory{Tables: map[string]*source.MemoryTable{"DeviceNetworkEvents": networkEvents(t, now)}}
	domains := `let D = datatable(Domain:string) ['rm.mspbackups.com', 'CLIENT.rmm.mspbackups.com', 'connect.ra.msp360.com',
  'foris.cloudberrylab.com', 'a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'];
`
	cases := []struct {
		q         string
		wantTerms int // terms handed to the source during the run (0: none)
	}{
		{domains + `DeviceNetworkEvents | where RemoteUrl has_any (D) | summarize count() by RemoteUrl`, 10},
		{domains + `DeviceNetworkEvents | where RemoteUrl in~ (D) | summarize count() by RemoteUrl`, 10},
		{domains + `DeviceNetworkEvents | where RemoteUrl has_any (D) and InitiatingProcessVersionInfoCompanyName has "msp360" | summarize count() by RemoteUrl`, 1},
		{domains + `DeviceNetworkEvents | where RemoteUrl has_any (D, 'example.org') | summarize count() by RemoteUrl`, 11},
		{`let D = datatable(Domain:string) ['mspbackups.com', 'a,b']; DeviceNetworkEvents | where RemoteUrl has_any (D) | summarize count() by RemoteUrl`, 0},
		{`let D = DeviceNetworkEvents | where InitiatingProcessVersionInfoCompanyName == "Zoho" | distinct RemoteUrl | where isnotempty(RemoteUrl);
DeviceNetworkEvents | where RemoteUrl in (D) | summarize count() by RemoteUrl`, -1},
		{domains + `DeviceNetworkEvents | where RemoteUrl has_all (D) | count`, 0},
	}
	for _, c := range cases {
		var outs [2]string
		for i, np := range []bool{false, true} {
			cq, err := Compile(c.q, Options{Now: now, NoPushdown: np})
			if err != nil {
				t.Fatalf("compile %q: %v", c.q, err)
			}
			if sp := cq.Specs(); len(sp) > 0 && strings.Contains(strings.Join(sp[len(sp)-1].AnyTerms, ","), "\x00") {
				t.Fatalf("a placeholder term reached the spec: %q", sp[len(sp)-1].AnyTerms)
			}
			src := &recordingSource{specSource: specSource{mem}, terms: map[string][]string{}}
			res, err := cq.Run(context.Background(), src)
			if err != nil {
				t.Fatalf("run %q: %v", c.q, err)
			}
			outs[i] = canonical(res)
			got := len(src.terms["DeviceNetworkEvents"])
			if !np && c.wantTerms >= 0 && got != c.wantTerms {
				t.Errorf("%s\nterms during the run: %d %q, want %d", c.q, got, src.terms["DeviceNetworkEvents"], c.wantTerms)
			}
		}
		if outs[0] != outs[1] {
			t.Errorf("pushdown changed the answer of\n%s\nwith pushdown:\n%s\nwithout:\n%s", c.q, outs[0], outs[1])
		}
	}
}
