package ingest

import (
	"bytes"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// refScanString is the byte-at-a-time string scanner scanString must agree
// with.
func refScanString(b []byte, i int) (int, bool, bool) {
	esc := false
	for i++; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return 0, false, false
					}
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return 0, false, false
			}
			i += size
		default:
			i++
		}
	}
	return 0, false, false
}

func TestScanStringSWAR(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	alpha := []byte("ab\"\\u0F/n\x1f\x00\x7f\x80\xff !~\x20\x21\x5b\x5d\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80")
	for iter := 0; iter < 20000; iter++ {
		b := make([]byte, 1+r.Intn(40))
		b[0] = '"'
		for i := 1; i < len(b); i++ {
			if r.Intn(3) == 0 {
				b[i] = alpha[r.Intn(len(alpha))]
			} else {
				b[i] = byte(0x20 + r.Intn(0x60))
			}
		}
		e1, s1, ok1 := scanString(b, 0)
		e2, s2, ok2 := refScanString(b, 0)
		if e1 != e2 || s1 != s2 || ok1 != ok2 {
			t.Fatalf("%q: got %d %v %v, want %d %v %v", b, e1, s1, ok1, e2, s2, ok2)
		}
	}
}

func FuzzScanString(f *testing.F) {
	f.Add([]byte(`"abc\"def\u00e9\\" x`))
	f.Fuzz(func(t *testing.T, b []byte) {
		b = append([]byte{'"'}, b...)
		e1, s1, ok1 := scanString(b, 0)
		e2, s2, ok2 := refScanString(b, 0)
		if e1 != e2 || s1 != s2 || ok1 != ok2 {
			t.Fatalf("%q: got %d %v %v, want %d %v %v", b, e1, s1, ok1, e2, s2, ok2)
		}
	})
}

// benchLines is the first MiB of a generated Defender export when the
// benchmark data exists (bench/data), else generated test lines.
func benchLines(b *testing.B) []byte {
	b.Helper()
	matches, _ := filepath.Glob("../bench/data/net*/DeviceNetworkEvents.jsonl")
	for _, m := range matches {
		f, err := os.Open(m)
		if err != nil {
			continue
		}
		buf := make([]byte, 1<<20)
		n, _ := io.ReadFull(f, buf)
		f.Close()
		buf = buf[:n]
		return buf[:bytes.LastIndexByte(buf, '\n')+1]
	}
	return genLines(4000)
}

// BenchmarkObject splits lines into key/value spans as the fast decoder
// and the census do.
func BenchmarkObject(b *testing.B) {
	data := benchLines(b)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte{'\n'}), []byte{'\n'})
	var sp []span
	var lay keyLayout
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			var ok bool
			sp, ok = object(l, sp, lay.hint())
			if !ok || !lay.check(sp) {
				b.Fatal("not an object")
			}
		}
	}
}

// BenchmarkFastDecode decodes lines into rows of three columns (the full
// scan aggregation's) with the fast decoder.
func BenchmarkFastDecode(b *testing.B) {
	data := benchLines(b)
	dir := b.TempDir()
	p := filepath.Join(dir, "DeviceNetworkEvents.jsonl")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	s, err := Open([]string{p}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	sp := source.Spec{Table: "DeviceNetworkEvents", Columns: []string{"RemotePort", "ActionType"}, Types: []types.Type{types.Int, types.String}}
	st := &scanState{set: s, spec: sp}
	ty, _ := typerFor(sp.Table)
	st.ty = ty
	st.want = make([]bool, len(ty.types))
	st.proj = []int{ty.tab.Index("RemotePort"), ty.tab.Index("ActionType")}
	for _, j := range st.proj {
		st.want[j] = true
	}
	st.want[ty.timeIdx] = true
	n := 0
	st.spec.Partial = func() source.PartialSink { return countSink{&n} }
	w := st.newWorker(s.inputs[0])
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.process(&unit{data: data, firstLine: 1, in: s.inputs[0]})
	}
	if n == 0 {
		b.Fatal("no rows")
	}
}

type countSink struct{ n *int }

func (c countSink) Add(uint64, types.Row) { *c.n++ }

// TestFastPathRejectsInvalidUTF8: the fast path finds invalid UTF-8 in
// keys, values and nested values itself (decodeText no longer checks
// first), so the answers equal the simple path's.
func TestFastPathRejectsInvalidUTF8(t *testing.T) {
	lines := []string{
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"caf` + "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" + `","RemotePort":1}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"` + "\xff" + `","RemotePort":2}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"x` + "\xed\xa0\x80" + `","RemotePort":3}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","Remote` + "\xc3" + `Url":"x","RemotePort":4}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","AdditionalFields":{"a":["` + "\xc0\xaf" + `"]},"RemotePort":5}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"ok` + "\xf4\x90\x80\x80" + `","RemotePort":6}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"ok","RemotePort":7}` + " \xa0",
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"` + "\xe2\x82" + `","RemotePort":8}`,
	}
	var data []byte
	for i := 0; i < 3; i++ { // the layout is learned: later lines take the hint path
		for _, l := range lines {
			data = append(data, l+"\n"...)
		}
	}
	p := writeFile(t, t.TempDir(), "DeviceNetworkEvents.jsonl", data)
	fast, simple := scanAll(t, []string{p}, false, 2), scanAll(t, []string{p}, true, 2)
	if fast != simple {
		t.Errorf("fast and simple paths differ\n%s", firstDiff(fast, simple))
	}
	if n := strings.Count(fast, "invalid UTF-8"); n != 21 {
		t.Errorf("%d invalid UTF-8 rejections, want 21:\n%s", n, fast)
	}
}

// checkMatchLayout: matchLayout accepts b exactly when object splits it
// into the layout's keys, in order, and then gives the same values.
func checkMatchLayout(t *testing.T, keys []string, b []byte) {
	need := make([]bool, len(keys))
	for i := range need {
		need[i] = i%2 == 0
	}
	vals := make([][]byte, len(keys))
	got := matchLayout(b, keys, need, vals)
	sp, ok := object(b, nil, nil)
	want := ok && len(sp) == len(keys)
	for i := 0; want && i < len(sp); i++ {
		want = string(sp[i].key) == keys[i]
	}
	if got != want {
		t.Fatalf("%q: matchLayout %v, object %v (%d spans)", b, got, ok, len(sp))
	}
	for i := 0; got && i < len(keys); i++ {
		if need[i] && string(vals[i]) != string(sp[i].val) {
			t.Fatalf("%q: value %d %q, object %q", b, i, vals[i], sp[i].val)
		}
	}
}

func TestMatchLayout(t *testing.T) {
	keys := []string{"Timestamp", "A", "RemotePort", "Nested"}
	for _, l := range []string{
		`{"Timestamp":"x","A":null,"RemotePort":443,"Nested":{"a":[1,"\u00e9"]}}`,
		` { "Timestamp" : "x" , "A" : true ,"RemotePort":-1.5e3, "Nested":[] } `,
		`{"Timestamp":"x","A":null,"RemotePort":443}`,
		`{"Timestamp":"x","A":null,"RemotePort":443,"Nested":1,"B":2}`,
		`{"Timestamp":"x","A":null,"RemotePort":443,"Nested":1,}`,
		`{"Timestamp":"x","A":null,"RemotePort":443,"Nested":1} x`,
		`{"Timestamp":"x","B":null,"RemotePort":443,"Nested":1}`,
		`{"Timestamp":"x","A":nul,"RemotePort":443,"Nested":1}`,
		`{"Timestamp":"x","A\u0041":1,"RemotePort":443,"Nested":1}`,
		`{"Timestamp":"x` + "\xff" + `","A":1,"RemotePort":443,"Nested":1}`,
		`{"Timestamp":"x""A":1,"RemotePort":443,"Nested":1}`,
		`{"Timestamp":"x","A":1,"RemotePort":443,"Nested":1`,
		`{}`, ``, `[]`,
	} {
		checkMatchLayout(t, keys, []byte(l))
	}
	checkMatchLayout(t, nil, []byte(` {  } `))
	checkMatchLayout(t, nil, []byte(`{"a":1}`))
}

func FuzzMatchLayout(f *testing.F) {
	f.Add([]byte(`{"Timestamp":"x","A":null,"RemotePort":443,"Nested":{"a":[1,"\u00e9"]}}`))
	f.Add([]byte(` { "Timestamp" : "x" , "A" : true ,"RemotePort":-1.5e3, "Nested":[] } `))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkMatchLayout(t, []string{"Timestamp", "A", "RemotePort", "Nested"}, b)
	})
}
