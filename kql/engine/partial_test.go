package engine

import (
	"context"
	"math"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// partialSource honours Spec.Partial the way a parallel reader does: it
// cuts the rows into chunks of random size, hands the chunks to several
// goroutines in a shuffled order, and each goroutine gives its rows (those
// that pass Filter) to its own sink with the row's position. Without
// Partial it emits the rows.
type partialSource struct {
	mem     *source.Memory
	workers int
	seed    int64
	sinks   *atomic.Int32 // sinks asked for
}

func (s partialSource) HasTable(name string) bool { return s.mem.HasTable(name) }

func (s partialSource) Scan(ctx context.Context, spec source.Spec, emit source.Emit) error {
	if spec.Partial == nil {
		return s.mem.Scan(ctx, spec, emit)
	}
	var rows []types.Row
	// the Memory source projects the columns (and applies Filter)
	noFilter := spec
	noFilter.Filter = nil
	if err := s.mem.Scan(ctx, noFilter, func(rs []types.Row) error { rows = append(rows, rs...); return nil }); err != nil {
		return err
	}
	rnd := rand.New(rand.NewSource(s.seed))
	type chunk struct{ lo, hi int }
	var chunks []chunk
	for lo := 0; lo < len(rows); {
		hi := min(len(rows), lo+1+rnd.Intn(40))
		chunks = append(chunks, chunk{lo, hi})
		lo = hi
	}
	rnd.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
	work := make(chan chunk)
	var wg sync.WaitGroup
	for w := 0; w < s.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sink source.PartialSink
			scratch := make(types.Row, len(spec.Columns))
			for c := range work {
				for i := c.lo; i < c.hi; i++ {
					copy(scratch, rows[i])
					if spec.Filter != nil && i%2 == 0 && !spec.Filter(scratch) {
						continue // a reader may apply the filter, or not
					}
					if sink == nil {
						sink = spec.Partial()
						s.sinks.Add(1)
					}
					sink.Add(uint64(i)<<8|7, scratch)
					// the reader reuses its row
					for j := range scratch {
						scratch[j] = types.NewString("garbage")
					}
				}
			}
		}()
	}
	for _, c := range chunks {
		work <- c
	}
	close(work)
	wg.Wait()
	return nil
}

// TestPartialAggregationKeepsAnswers: summarize over a reader that
// aggregates in its workers gives the serial answer, rows in the same
// order, for every worker count; aggregates that do not merge exactly keep
// the serial path.
func TestPartialAggregationKeepsAnswers(t *testing.T) {
	now := types.TicksFromTime(mustTime("2026-03-08T00:00:00Z"))
	mem := &source.Memory{Tables: map[string]*source.MemoryTable{"DeviceNetworkEvents": networkEvents(t, now)}}
	cases := []struct {
		q       string
		partial bool
	}{
		{`DeviceNetworkEvents | summarize Count=count() by RemotePort, ActionType`, true},
		{`DeviceNetworkEvents | summarize count()`, true},
		{`DeviceNetworkEvents | where RemoteUrl == "no such url" | summarize count(), max(Timestamp)`, true},
		{`DeviceNetworkEvents | where RemoteUrl == "no such url" | summarize count() by RemoteUrl`, true},
		{`DeviceNetworkEvents | where RemoteUrl has "mspbackups" | summarize n=count(), f=min(Timestamp), l=max(Timestamp), r=sum(ReportId), a=avg(ReportId) by DeviceName, RemoteUrl`, true},
		{`DeviceNetworkEvents | where Timestamp > ago(3d) | where ActionType == "ConnectionSuccess" | summarize dcount(RemoteUrl), countif(RemotePort == 443), maxif(RemoteUrl, RemotePort == 80), min(DeviceId) by bin(Timestamp, 1d)`, true},
		{`DeviceNetworkEvents | summarize sum(RemotePort), minif(ReportId, RemotePort > 80), count_distinct(DeviceName), dcountif(ReportId, isnotempty(RemoteUrl)) by tolower(DeviceName), RemotePort % 2`, true},
		{`DeviceNetworkEvents | summarize n=count() by Timestamp`, true},
		{`DeviceNetworkEvents | summarize Report=make_set(ReportId), count() by DeviceId`, false},
		{`DeviceNetworkEvents | summarize arg_max(Timestamp, RemoteUrl) by DeviceId`, false},
		{`DeviceNetworkEvents | summarize avg(todouble(RemotePort)) by DeviceId`, false},
		{`DeviceNetworkEvents | extend p = RemotePort * 2 | summarize count() by p`, false},
		{`DeviceNetworkEvents | summarize c=count() by DeviceId | where c > 10`, true},
	}
	for _, tc := range cases {
		ref, err := Compile(tc.q, Options{Now: now, NoPushdown: true})
		if err != nil {
			t.Fatalf("compile %q: %v", tc.q, err)
		}
		want, err := ref.Run(context.Background(), mem)
		if err != nil {
			t.Fatal(err)
		}
		wantText := render(want)
		if !strings.Contains(wantText, "\n") && !strings.Contains(tc.q, "no such url") {
			t.Fatalf("no rows, so nothing is tested: %s", tc.q)
		}
		for _, opts := range []Options{{Now: now}, {Now: now, EventFilters: map[string]string{"DeviceNetworkEvents": `DeviceName != "srv1"`}}} {
			if opts.EventFilters != nil {
				ref, _ := Compile(tc.q, Options{Now: now, NoPushdown: true, EventFilters: opts.EventFilters})
				w, err := ref.Run(context.Background(), mem)
				if err != nil {
					t.Fatal(err)
				}
				wantText = render(w)
			}
			for workers := 1; workers <= 4; workers++ {
				cq, err := Compile(tc.q, opts)
				if err != nil {
					t.Fatal(err)
				}
				var sinks atomic.Int32
				got, err := cq.Run(context.Background(), partialSource{mem: mem, workers: workers, seed: int64(workers), sinks: &sinks})
				if err != nil {
					t.Fatalf("%s: %v", tc.q, err)
				}
				if g := render(got); g != wantText {
					t.Errorf("%s (workers %d, event filter %v): partial aggregation changed the answer\ngot:\n%s\nwant:\n%s", tc.q, workers, opts.EventFilters != nil, g, wantText)
				}
				if used := sinks.Load() > 0; used != tc.partial {
					t.Errorf("%s: partial aggregation used = %v, want %v", tc.q, used, tc.partial)
				}
				// a source that ignores Partial gives the same answer
				got, err = cq.Run(context.Background(), mem)
				if err != nil {
					t.Fatal(err)
				}
				if g := render(got); g != wantText {
					t.Errorf("%s: emitted rows aggregated in order differ\ngot:\n%s\nwant:\n%s", tc.q, g, wantText)
				}
			}
		}
	}
}

// TestAppendKeyString: the allocation-free key equals funcs.KeyString.
func TestAppendKeyString(t *testing.T) {
	vals := []types.Value{
		types.Null(types.String), types.Null(types.Long), types.NewString(""), types.NewString("a\x00b"),
		types.NewLong(-42), types.NewInt(7), types.NewBool(true), types.NewDateTime(638000000000000000),
		types.NewTimeSpan(-1), types.NewReal(1.5), types.NewReal(math.Copysign(0, -1)), types.NewDecimal(2.25),
		types.NewDynamic(map[string]any{"a": []any{int64(1)}}), {T: types.Guid, Valid: true, S: "0000"},
	}
	for _, v := range vals {
		if got, want := string(appendKeyString(nil, v)), funcs.KeyString(v); got != want {
			t.Errorf("%v: %q, want %q", v, got, want)
		}
	}
}
