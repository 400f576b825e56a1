package simdscan

import (
	"math/rand"
	"testing"
)

// candidateAt is the obviously right answer for one position.
func candidateAt(t *Tables, data []byte, p int) bool {
	if p+1 < len(data) && data[p] == t.Esc0[0] && (data[p+1] == t.Esc1[0] || data[p+1] == t.Esc2[0]) {
		return true
	}
	if p+Width > len(data) {
		return false
	}
	a, b, c := data[p], data[p+1], data[p+2]
	return t.Lo0[a&15]&t.Hi0[a>>4]&t.Lo1[b&15]&t.Hi1[b>>4]&t.Lo2[c&15]&t.Hi2[c>>4] != 0
}

// tables builds Tables from seed bytes: each 16-entry table from 16 of
// them, masked to few bits so that candidates are neither everywhere nor
// nowhere.
func tables(seed []byte, esc [3]byte) *Tables {
	t := &Tables{}
	for i, tab := range []*[32]byte{&t.Lo0, &t.Hi0, &t.Lo1, &t.Hi1, &t.Lo2, &t.Hi2} {
		for j := 0; j < 16; j++ {
			var v byte
			if k := i*16 + j; k < len(seed) {
				v = seed[k]
			}
			tab[j], tab[16+j] = v, v
		}
	}
	for i := range t.Nibble {
		t.Nibble[i], t.Esc0[i], t.Esc1[i], t.Esc2[i] = 0x0f, esc[0], esc[1], esc[2]
	}
	return t
}

// check compares Find, called from every start, with candidateAt.
func check(t *testing.T, tab *Tables, data []byte) {
	t.Helper()
	if !Available {
		t.Skip("no AVX2 kernel in this build or on this CPU")
	}
	for from := 0; from+Span <= len(data); from++ {
		// Find examines blocks of 32 positions from from on, while a
		// block's loads stay within data.
		stop := from + 32*((len(data)-Span-from)/32+1)
		p, found := Find(data, from, tab)
		want := from
		for want < stop && !candidateAt(tab, data, want) {
			want++
		}
		if want == stop {
			if found || p != stop {
				t.Fatalf("from %d: Find = %d, %v; want %d, false", from, p, found, stop)
			}
			continue
		}
		if !found || p != want {
			t.Fatalf("from %d: Find = %d, %v; want %d, true", from, p, found, want)
		}
	}
}

func TestFindAgreesWithScalar(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for iter := 0; iter < 200; iter++ {
		seed := make([]byte, 96)
		for i := range seed {
			// few bits set: the AND of three random bytes
			seed[i] = byte(r.Intn(256))
			seed[i] &= byte(r.Intn(256))
			seed[i] &= byte(r.Intn(256))
		}
		data := make([]byte, Span+r.Intn(300))
		for i := range data {
			data[i] = "\\u/ab\x00\xff\x0f\xf0"[r.Intn(9)]
			if r.Intn(4) == 0 {
				data[i] = byte(r.Intn(256))
			}
		}
		check(t, tables(seed, [3]byte{'\\', 'u', '/'}), data)
	}
	// No buckets at all: only escapes are candidates, and none at all.
	data := []byte("a long line without a single escape in it, and then one: \\u0041 and more text after it")
	check(t, tables(nil, [3]byte{'\\', 'u', 'u'}), data)
	check(t, tables(nil, [3]byte{'#', '#', '#'}), data)
}

func FuzzFind(f *testing.F) {
	f.Add(make([]byte, 96), []byte("0123456789012345678901234567890123456789\\u"), byte('\\'), byte('u'), byte('/'))
	f.Fuzz(func(t *testing.T, seed, data []byte, e0, e1, e2 byte) {
		if len(data) > 4096 {
			return
		}
		check(t, tables(seed, [3]byte{e0, e1, e2}), data)
	})
}

func BenchmarkFind(b *testing.B) {
	if !Available {
		b.Skip("no AVX2 kernel in this build or on this CPU")
	}
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte('a' + i%26)
	}
	tab := tables(nil, [3]byte{'\\', 'u', '/'})
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, found := Find(data, 0, tab); found {
			b.Fatal("candidate in data without one")
		}
	}
}
