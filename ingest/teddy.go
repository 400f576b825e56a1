package ingest

import (
	"bytes"
	"math/bits"
	"slices"

	"github.com/rmmhunt/rmmhunt/ingest/internal/simdscan"
)

// The pure-Go engine's second matcher, after Teddy (the SIMD literal
// matcher of Hyperscan and of Rust's aho-corasick crate): every term is
// represented by a window of three of its bytes (the rarest in a sample of
// the data, see rarestWindows), and the windows are put in at most eight
// buckets. For each byte of a window position, two 16-entry tables map the
// byte's low and high nibble to the buckets that accept that nibble there.
// A text position is a candidate when, for some bucket, all six lookups
// accept it: with AVX2 that is 32 positions per step (package simdscan), and
// the same tables decide it one position at a time in Go (the tail of a
// chunk, and the tests). Only candidates are checked against the terms of
// their buckets.
//
// The same step finds the backslashes that may start an escape hiding a
// term (\u, and \/ when a term holds a slash), so one pass over a chunk
// replaces the anchor matcher's several (one per anchor byte and case,
// then one for escapes). Letters match both cases: a term byte that is a
// letter accepts the high nibble of either case. With eight or fewer
// distinct windows the tables are exact (each bucket is one window); with
// more, buckets share windows and candidates become more frequent, so
// newGoScanner uses Teddy only when a sample of the data says it is the
// cheaper of the two matchers.

// teddyWidth is the number of bytes in a term's window.
const teddyWidth = simdscan.Width

// teddyEntry is one term whose window starts off bytes into it.
type teddyEntry struct {
	term int32
	off  int32
}

// teddy is a compiled term set.
type teddy struct {
	tab     simdscan.Tables
	terms   [][]byte
	buckets [8][]teddyEntry
	slash   bool // \/ may hide a term
	simd    bool // use the AVX2 kernel (simdscan.Available)
}

// newTeddy compiles lower-cased ASCII terms; it returns nil when a term is
// shorter than a window. slash: a backslash-slash escape may hide a term.
func newTeddy(terms [][]byte, sample []byte, slash bool) *teddy {
	for _, t := range terms {
		if len(t) < teddyWidth {
			return nil
		}
	}
	td := &teddy{terms: terms, slash: slash, simd: simdscan.Available}
	starts := rarestWindows(terms, sample, teddyWidth)
	// Distinct windows, sorted so that neighbours (which share buckets
	// when there are more than eight) share bytes.
	var wins []string
	for i, t := range terms {
		wins = append(wins, string(t[starts[i]:starts[i]+teddyWidth]))
	}
	distinct := slices.Clone(wins)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	bucketOf := map[string]int{}
	for i, w := range distinct {
		bucketOf[w] = i * 8 / len(distinct)
	}
	tabs := [teddyWidth][2]*[32]byte{{&td.tab.Lo0, &td.tab.Hi0}, {&td.tab.Lo1, &td.tab.Hi1}, {&td.tab.Lo2, &td.tab.Hi2}}
	for i, w := range wins {
		b := bucketOf[w]
		td.buckets[b] = append(td.buckets[b], teddyEntry{int32(i), int32(starts[i])})
		bit := byte(1) << b
		for j := 0; j < teddyWidth; j++ {
			c := w[j]
			lo, hi := tabs[j][0], tabs[j][1]
			lo[c&15] |= bit
			lo[16+c&15] |= bit
			for _, cc := range casesOfByte(c) {
				hi[cc>>4] |= bit
				hi[16+cc>>4] |= bit
			}
		}
	}
	for i := range td.tab.Nibble {
		td.tab.Nibble[i] = 0x0f
		td.tab.Esc0[i] = '\\'
		td.tab.Esc1[i] = 'u'
		td.tab.Esc2[i] = 'u'
		if slash {
			td.tab.Esc2[i] = '/'
		}
	}
	return td
}

// casesOfByte returns c and, for a letter, its other case.
func casesOfByte(c byte) []byte {
	if isLetter(c) {
		return []byte{c, c ^ 0x20}
	}
	return []byte{c}
}

// bucketsAt returns the buckets whose window may start at data[p]; p+2
// must be within data.
func (td *teddy) bucketsAt(data []byte, p int) byte {
	t := &td.tab
	a, b, c := data[p], data[p+1], data[p+2]
	return t.Lo0[a&15] & t.Hi0[a>>4] & t.Lo1[b&15] & t.Hi1[b>>4] & t.Lo2[c&15] & t.Hi2[c>>4]
}

// escapeAt reports whether data[p] is a backslash followed by a byte that
// makes an escape that may hide a term (not whether it starts an escape).
func (td *teddy) escapeAt(data []byte, p int) bool {
	return data[p] == '\\' && p+1 < len(data) && (data[p+1] == 'u' || td.slash && data[p+1] == '/')
}

// next returns the first candidate position at or after from: a position
// where a bucket's window may start, or an escape may.
func (td *teddy) next(data []byte, from int) (int, bool) {
	if td.simd && from+simdscan.Span <= len(data) {
		p, ok := simdscan.Find(data, from, &td.tab)
		if ok {
			return p, true
		}
		from = p
	}
	for p := from; p < len(data); p++ {
		if p+teddyWidth <= len(data) && td.bucketsAt(data, p) != 0 || td.escapeAt(data, p) {
			return p, true
		}
	}
	return len(data), false
}

// confirm reports whether a term occurs in data with its window at p, or
// an escape that may hide a term starts at p.
func (td *teddy) confirm(data []byte, p int) bool {
	if td.escapeAt(data, p) {
		// A backslash starts an escape when an even number of
		// backslashes precede it (C:\\users holds no \u escape).
		q := p
		for q > 0 && data[q-1] == '\\' {
			q--
		}
		if (p-q)%2 == 0 {
			return true
		}
	}
	if p+teddyWidth > len(data) {
		return false
	}
	for bs := td.bucketsAt(data, p); bs != 0; bs &= bs - 1 {
		for _, e := range td.buckets[bits.TrailingZeros8(bs)] {
			t := td.terms[e.term]
			s := p - int(e.off)
			if s >= 0 && s+len(t) <= len(data) && equalFold(data[s:s+len(t)], t) {
				return true
			}
		}
	}
	return false
}

// equalFold reports whether s, ASCII-lower-cased, is t.
func equalFold(s, t []byte) bool {
	for i, c := range t {
		if lowerTable[s[i]] != c {
			return false
		}
	}
	return true
}

// scan marks in hits the lines of data that hold a term or an escape that
// may hide one.
func (td *teddy) scan(data []byte, li *lineIndex, hits []bool) {
	for i := 0; ; {
		p, ok := td.next(data, i)
		if !ok {
			return
		}
		if td.confirm(data, p) {
			ln := li.lineOf(p)
			hits[ln] = true
			i = li.next(ln)
			continue
		}
		i = p + 1
	}
}

// candidates counts the candidate positions of data, for the choice
// between the matchers.
func (td *teddy) candidates(data []byte) int {
	n := 0
	for i := 0; ; n++ {
		p, ok := td.next(data, i)
		if !ok {
			return n
		}
		i = p + 1
	}
}

// anchorCost and teddyCost estimate, in nanoseconds, the time the two
// matchers need for sample. A pass of bytes.IndexByte costs ~0.1 ns a
// byte, the AVX2 step ~0.3 ns; a hit to check, ~15 ns either way.
func anchorCost(m *matcher, sample []byte) float64 {
	cost := 0.0
	for _, a := range m.anchors {
		for _, c := range a.cases {
			cost += 0.1*float64(len(sample)) + 15*float64(bytes.Count(sample, []byte{c}))
		}
	}
	// The escape scan stops at every backslash.
	return cost + 0.1*float64(len(sample)) + 5*float64(bytes.Count(sample, []byte{'\\'}))
}

func teddyCost(td *teddy, sample []byte) float64 {
	return 0.3*float64(len(sample)) + 15*float64(td.candidates(sample))
}

// PrefilterDescription names the prefilter engine (PrefilterEngine) and
// says whether the Teddy matcher's AVX2 kernel runs here, for `rmmhunt
// version`.
func PrefilterDescription() string {
	if simdscan.Available {
		return PrefilterEngine + " (AVX2 kernel)"
	}
	return PrefilterEngine + " (no AVX2 kernel: not amd64, -tags purego, or a CPU without AVX2)"
}
