package ingest

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// parRun is one way of reading: parallel reads or the reading goroutine,
// a chunk size, a worker count, and partial aggregation or emitted rows.
type parRun struct {
	parallel bool
	chunk    int64
	workers  int
	partial  bool
}

func (r parRun) String() string {
	return fmt.Sprintf("parallel=%v chunk=%d workers=%d partial=%v", r.parallel, r.chunk, r.workers, r.partial)
}

// withReads sets the package's reading knobs for the duration of f.
func withReads(parallel bool, chunk int64, f func()) {
	oldP, oldC := parallelReads, parChunk
	parallelReads, parChunk = parallel, chunk
	defer func() { parallelReads, parChunk = oldP, oldC }()
	f()
}

// posSink records the rows a worker hands over, with their positions.
type posSink struct {
	mu   *sync.Mutex
	rows *[]posRow
}

type posRow struct {
	pos uint64
	row types.Row
}

func (p posSink) Add(pos uint64, row types.Row) {
	p.mu.Lock()
	*p.rows = append(*p.rows, posRow{pos, slices.Clone(row)})
	p.mu.Unlock()
}

// scanRendered renders, for each spec, the rows in emit order (with
// partial aggregation: in position order), then the rejections reported
// and the summary.
func scanRendered(t *testing.T, paths []string, opts Options, specs []source.Spec, run parRun, prefilterAll bool) string {
	t.Helper()
	var b strings.Builder
	withReads(run.parallel, run.chunk, func() {
		var rej []string
		opts.OnReject = func(r Rejection) { rej = append(rej, r.String()+" raw="+r.Raw) }
		s, err := Open(paths, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if prefilterAll {
			s.prefilterMin = 0
		}
		for _, sp := range specs {
			sp.Workers = run.workers
			var rows []types.Row
			var got []posRow
			var mu sync.Mutex
			if run.partial {
				sp.Partial = func() source.PartialSink { return posSink{&mu, &got} }
			}
			err := s.Scan(context.Background(), sp, func(rs []types.Row) error {
				rows = append(rows, rs...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if run.partial {
				if len(rows) > 0 {
					t.Fatalf("%s: %d rows emitted with Partial set", run, len(rows))
				}
				slices.SortFunc(got, func(a, b posRow) int {
					switch {
					case a.pos < b.pos:
						return -1
					case a.pos > b.pos:
						return 1
					}
					t.Fatalf("%s: two rows at position %x", run, a.pos)
					return 0
				})
				for _, g := range got {
					rows = append(rows, g.row)
				}
			}
			fmt.Fprintf(&b, "== %s %d rows\n", sp.Table, len(rows))
			for _, r := range rows {
				for i, v := range r {
					fmt.Fprintf(&b, "%s=%s:%s|", sp.Columns[i], v.T, str(v))
				}
				b.WriteByte('\n')
			}
		}
		b.WriteString(strings.Join(rej, "\n"))
		for _, f := range s.Summary().Files {
			fmt.Fprintf(&b, "\n%s rec=%d skipped=%d rej=%d blank=%d err=%q unrouted=%v unknown=%v ex=%v",
				f.File, f.Records, f.Skipped, f.Rejected, f.Blank, f.Err, f.Unrouted, f.UnknownKeys, f.Examples)
			for _, n := range f.TableNames() {
				ts := f.Tables[n]
				fmt.Fprintf(&b, " %s:%d/%d/%d/%d/%v/%d-%d", n, ts.Records, ts.Rows, ts.FieldRejects, ts.RejectedRecords, ts.HasTime, ts.MinTicks, ts.MaxTicks)
			}
		}
	})
	return b.String()
}

// sysmonLines is flat Sysmon JSON (network connections and process
// creations), mapped on the collector.
func sysmonLines(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			fmt.Fprintf(&b, `{"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"h%d.corp","UtcTime":"2024-03-01 10:00:%02d.000","Image":"C:\\x\\AnyDesk%d.exe","CommandLine":"a b","ProcessId":"%d","ProcessGuid":"{%08d-0000-0000-0000-000000000000}"}`+"\n", i%5, i%60, i%4, 100+i, i)
			continue
		}
		fmt.Fprintf(&b, `{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"h%d.corp","UtcTime":"2024-03-01 10:00:%02d.000","Image":"C:\\x\\AnyDesk.exe","Initiated":"true","DestinationIp":"198.51.100.%d","DestinationPort":"%d","SourceIp":"10.0.0.1","SourcePort":"1","Protocol":"tcp"}`+"\n", i%5, i%60, i%200, 7000+i%50)
	}
	return []byte(b.String())
}

// TestParallelReadsAgree compares parallel reading (with chunks so small
// that lines cross many of them) and partial aggregation with the reading
// goroutine and emitted rows: the same rows in the same order, the same
// rejections with the same line numbers, the same summary.
func TestParallelReadsAgree(t *testing.T) {
	dir := t.TempDir()
	rnd := rand.New(rand.NewSource(8))
	gen := genLines(2000)
	// blank lines, CRLF, spaces, bad lines scattered through
	var mixed []byte
	odd := strings.Split(strings.TrimSuffix(string(oddLines()), "\n"), "\r\n")
	for i, l := range strings.SplitAfter(string(gen), "\n") {
		mixed = append(mixed, l...)
		switch rnd.Intn(40) {
		case 0:
			mixed = append(mixed, "\n"...)
		case 1:
			mixed = append(mixed, "  \t \r\n"...)
		case 2:
			mixed = append(mixed, odd[i%len(odd)]+"\r\n"...)
		}
	}
	// Windows events and flat records in one file (mapped on the collector
	// and decoded in the workers, interleaved)
	var sysMixed []byte
	sl, gl := strings.SplitAfter(string(sysmonLines(300)), "\n"), strings.SplitAfter(string(genLines(300)), "\n")
	for i := range sl {
		sysMixed = append(sysMixed, sl[i]...)
		if i%2 == 1 {
			sysMixed = append(sysMixed, gl[i]...)
		}
	}
	noNL := append(genLines(50), `{"Timestamp":"2024-01-01T00:00:00Z","RemotePort":1}`...)
	files := map[string][]byte{
		"gen":        gen,
		"mixed":      mixed,
		"nonl":       noNL,
		"blanks":     []byte("\n\n  \n" + string(genLines(3)) + "\n\n"),
		"empty":      nil,
		"one":        []byte(`{"Timestamp":"2024-01-01T00:00:00Z","RemotePort":1}`),
		"sysmon":     sysmonLines(400),
		"sysmixed":   sysMixed,
		"bad-utf8":   append(append(genLines(20), "{\"RemoteUrl\":\"\xff\"}\n"...), genLines(20)...),
		"only-bad":   []byte("{\"RemotePort\":1}\nx\ny\n{\n"),
		"odd":        oddLines(),
		"streaming":  []byte(strings.Repeat(`{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":2,"RemoteUrl":"anydesk.com"},"tenantId":"t1","time":"2024-01-01T00:00:00Z"}`+"\n", 30)),
		"long-lines": []byte(strings.Repeat(`{"RemoteUrl":"`+strings.Repeat("a", 3000)+`","RemotePort":5}`+"\n", 20)),
	}
	net := fullSpec(t, "DeviceNetworkEvents")
	proc := fullSpec(t, "DeviceProcessEvents")
	prefiltered := net
	prefiltered.AnyTerms = []string{"anydesk"}
	timed := net
	timed.TimeColumn, timed.HasTimeRange = "Timestamp", true
	timed.MinTicks, _ = types.ParseDateTime("2024-01-01T00:00:10Z")
	timed.MaxTicks, _ = types.ParseDateTime("2024-01-01T00:00:40Z")
	timed.Filter = func(r types.Row) bool { return r[5].I%2 == 0 }
	for name, data := range files {
		ext := ".jsonl"
		if name == "streaming" {
			ext = ".json"
		}
		p := writeFile(t, dir, name+"/DeviceNetworkEvents"+ext, data)
		if strings.HasPrefix(name, "sys") {
			p = writeFile(t, dir, name+"/events"+ext, data)
		}
		for _, specs := range [][]source.Spec{{net, proc}, {prefiltered}, {timed}} {
			ref := scanRendered(t, []string{p}, Options{}, specs, parRun{parallel: false, chunk: chunkBytes, workers: 1}, true)
			tiny, small := int64(1), int64(7)
			if len(data) > 8192 {
				tiny, small = 211, 997 // thousands of chunks already
			}
			for _, run := range []parRun{
				{true, chunkBytes, 1, false}, {true, tiny, 2, false}, {true, small, 3, true}, {true, 100, 1, true},
				{true, 4096, 2, false}, {true, 4096, 4, true}, {false, chunkBytes, 3, true},
			} {
				if got := scanRendered(t, []string{p}, Options{}, specs, run, true); got != ref {
					t.Errorf("%s %s %s: differs from the reading goroutine\n%s", name, specs[0].Table, run, firstDiff(got, ref))
				}
			}
		}
	}
}

// firstDiff shows the first differing line of two renderings.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got  %.300s\n want %.300s", i+1, a, b)
		}
	}
	return ""
}

// TestParallelReadsLongRecords: a line longer than the record limit is
// rejected at its line, in the middle of a file and at its end without a
// newline (a read failure), as the reading goroutine does.
func TestParallelReadsLongRecords(t *testing.T) {
	dir := t.TempDir()
	maxRec := chunkBytes + 10
	long := `{"RemoteUrl":"` + strings.Repeat("b", maxRec) + `"}`
	exact := strings.Repeat(" ", maxRec-len(`{"RemotePort":9}`)) + `{"RemotePort":9}`
	files := map[string][]byte{
		"middle":   []byte(string(genLines(30)) + long + "\n" + string(genLines(30))),
		"end":      []byte(string(genLines(30)) + long),
		"exact":    []byte(string(genLines(3)) + exact + "\n" + exact + "\n" + string(genLines(3)) + exact),
		"two":      []byte(long + "\n" + long + "\n\n" + string(genLines(2))),
		"endnl":    []byte(string(genLines(2)) + long + "\n"),
		"justover": []byte(exact + " \n" + string(genLines(2))),
	}
	specs := []source.Spec{fullSpec(t, "DeviceNetworkEvents")}
	for name, data := range files {
		p := writeFile(t, dir, name+"/DeviceNetworkEvents.jsonl", data)
		opts := Options{MaxRecordBytes: maxRec}
		ref := scanRendered(t, []string{p}, opts, specs, parRun{parallel: false, chunk: chunkBytes, workers: 1}, false)
		if name != "exact" && !strings.Contains(ref, fmt.Sprintf("record longer than %d bytes", maxRec)) {
			t.Fatalf("%s: the reference does not reject the long line:\n%.2000s", name, ref)
		}
		for _, run := range []parRun{{true, chunkBytes, 1, false}, {true, 4096, 3, true}, {true, 65536, 2, false}} {
			if got := scanRendered(t, []string{p}, opts, specs, run, false); got != ref {
				t.Errorf("%s %s: differs from the reading goroutine\n%s", name, run, firstDiff(got, ref))
			}
		}
	}
}

// TestPartialPositionsSeveralInputs: positions order rows across inputs
// as the inputs are read.
func TestPartialPositionsSeveralInputs(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a/DeviceNetworkEvents.jsonl", genLines(300))
	b := writeFile(t, dir, "b/DeviceNetworkEvents.jsonl.gz", gz(genLines(200)))
	c := writeFile(t, dir, "c/DeviceNetworkEvents.jsonl", genLines(100))
	specs := []source.Spec{fullSpec(t, "DeviceNetworkEvents")}
	ref := scanRendered(t, []string{a, b, c}, Options{}, specs, parRun{parallel: false, chunk: chunkBytes, workers: 1}, false)
	for _, run := range []parRun{{true, 333, 3, true}, {false, chunkBytes, 2, true}} {
		if got := scanRendered(t, []string{a, b, c}, Options{}, specs, run, false); got != ref {
			t.Errorf("%s: differs\n%s", run, firstDiff(got, ref))
		}
	}
}
