package ingest

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func goodLine(i int) string {
	return `{"Timestamp":"2024-01-0` + string(rune('1'+i%9)) + `T00:00:00Z","ActionType":"ConnectionSuccess","RemoteIP":"10.0.0.` +
		string(rune('1'+i%9)) + `","RemotePort":443,"InitiatingProcessFileName":"AnyDesk.exe"}`
}

func TestMalformedInput(t *testing.T) {
	long := strings.Repeat("a", 2<<20)
	lines := []string{
		goodLine(1), // 1
		`{"Timestamp":"2024-01-01T00:00:00Z","Actio`, // 2 truncated
		goodLine(3),        // 3
		"\x00\x00\x00\x00", // 4 NUL bytes
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"a` + "\xff" + `b"}`, // 5 invalid UTF-8
		`{"Timestamp":"2024-01-02T00:00:00Z","RemoteUrl":"` + long + `"}`,     // 6 a 2 MB record
		long,      // 7 a 2 MB line of garbage
		`[1,2,3]`, // 8 an array where an object belongs
		`{"Timestamp":"yesterday","RemotePort":"x","RemoteIP":"1.2.3.4"}`, // 9 field rejections
		"",           // 10 empty line
		goodLine(11), // 11
	}
	data := strings.Join(lines, "\n") + "\n"
	dir := t.TempDir()
	p := writeFile(t, dir, "DeviceNetworkEvents.jsonl", []byte(data))
	var got []Rejection
	for _, workers := range []int{1, 3} {
		got = nil
		s := openT(t, Options{OnReject: func(r Rejection) { got = append(got, r) }}, p)
		spec := fullSpec(t, "DeviceNetworkEvents")
		spec.Workers = workers
		rows := tableRows(t, s, spec)
		if len(rows) != 5 {
			t.Fatalf("workers=%d: %d rows, want 5", workers, len(rows))
		}
		if n := len(rows[2]["RemoteUrl"].S); n != 2<<20 {
			t.Errorf("2 MB record: RemoteUrl has %d bytes", n)
		}
		if v := rows[3]["Timestamp"]; v.Valid {
			t.Errorf("unparseable timestamp not null: %v", str(v))
		}
		if v := rows[3]["RemoteIP"]; v.S != "1.2.3.4" {
			t.Errorf("record with a bad field not kept: RemoteIP=%q", v.S)
		}
		f := s.Summary().Files[0]
		if f.Rejected != 5 || f.Blank != 1 {
			t.Errorf("rejected %d blank %d, want 5 and 1: %v", f.Rejected, f.Blank, f.Examples)
		}
		if ts := f.Tables["DeviceNetworkEvents"]; ts.FieldRejects != 2 || ts.Rows != 5 {
			t.Errorf("table summary %+v", ts)
		}
	}
	want := []struct {
		line          int
		column, check string
	}{
		{2, "", "truncated JSON"},
		{4, "", "NUL byte"},
		{5, "", "invalid UTF-8"},
		{7, "", "invalid JSON"},
		{8, "", "JSON array where an object belongs"},
		{9, "Timestamp", `"yesterday" is not a datetime`},
		{9, "RemotePort", `"x" is not a int`},
	}
	if len(got) != len(want) {
		t.Fatalf("rejections: %v", got)
	}
	for i, w := range want {
		r := got[i]
		if r.Line != w.line || r.Column != w.column || !strings.Contains(r.Reason, w.check) || r.File != p {
			t.Errorf("rejection %d = %s, want line %d column %q containing %q", i, r, w.line, w.column, w.check)
		}
	}
}

func TestTruncatedGzip(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		b.WriteString(goodLine(i))
		b.WriteByte('\n')
	}
	z := gz([]byte(b.String()))
	z = z[:len(z)*2/3]
	p := writeFile(t, t.TempDir(), "DeviceNetworkEvents.jsonl.gz", z)
	var rej []Rejection
	s := openT(t, Options{OnReject: func(r Rejection) { rej = append(rej, r) }}, p)
	rows := tableRows(t, s, fullSpec(t, "DeviceNetworkEvents"))
	if len(rows) < 100 || len(rows) >= 2000 {
		t.Fatalf("%d rows read before the truncation", len(rows))
	}
	last := rej[len(rej)-1]
	if !strings.Contains(last.Reason, "truncated gzip stream") || last.Line < len(rows) {
		t.Errorf("last rejection %s", last)
	}
	if f := s.Summary().Files[0]; f.Err == "" || f.Format != "gzip+jsonl" {
		t.Errorf("summary: format %s err %q", f.Format, f.Err)
	}
}

// TestStreamingBoundedMemory reads a 64 MB input (plain and gzip) and
// checks that the live heap stays far below the input size, in the census
// and in a scan.
func TestStreamingBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 64 MB")
	}
	block := genLines(2000)
	var b strings.Builder
	for b.Len() < 64<<20 {
		b.Write(block)
	}
	data := []byte(b.String())
	dir := t.TempDir()
	plain := writeFile(t, dir, "export.jsonl", data)
	zipped := writeFile(t, dir, "export.jsonl.gz", gz(data))
	data = nil
	b.Reset()
	for _, p := range []string{plain, zipped} {
		runtime.GC()
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		rows := 0
		s := openT(t, Options{}, p)
		err := s.Scan(context.Background(), source.Spec{Table: "DeviceNetworkEvents", Columns: []string{"RemotePort"}, Types: []types.Type{types.Int}, Workers: 4},
			func(r []types.Row) error { rows += len(r); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if rows == 0 || int64(rows) != s.Summary().Files[0].Records {
			t.Errorf("%s: %d rows, %d records", p, rows, s.Summary().Files[0].Records)
		}
		close(stop)
		<-done
		t.Logf("%s: peak heap %d MB", p, peak.Load()>>20)
		if peak.Load() > 40<<20 {
			t.Errorf("%s: heap reached %d MB while streaming a 64 MB input", p, peak.Load()>>20)
		}
	}
}
