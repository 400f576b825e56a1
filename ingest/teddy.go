package ingest

import (
	"bytes"
	"math/bits"
	"slices"

	"github.com/rmmhunt/rmmhunt/ingest/internal/simdscan"
)

// The pure-Go engine's second matcher, after Teddy (the SIMD literal
// matcher of Hyperscan and of Rust's aho-corasick crate): every term is
// represented by a window of three of its bytes, and the distinct windows
// are put in at most eight buckets. For each byte of a window position,
// two 16-entry tables map the byte's low and high nibble to the buckets
// that accept that nibble there. A text position is a candidate when, for
// some bucket, all six lookups accept it: with AVX2 that is 32 positions
// per step (package simdscan), and the same tables decide it one position
// at a time in Go (the tail of a chunk, and the tests). At a candidate,
// each window of its buckets that is there is checked like an anchor of
// the anchor matcher: a key of the bytes around it, then whole terms.
//
// The same step finds the backslashes that may start an escape hiding a
// term (\u, and \/ when a term holds a slash), so one pass over a chunk
// replaces the anchor matcher's several (one per anchor byte and case,
// then one for escapes). Letters match both cases: a term byte that is a
// letter accepts the high nibble of either case.
//
// The windows: with eight or fewer the tables are exact (a bucket is one
// window); with more, buckets share windows and candidates multiply. So
// the windows are chosen as a small cover of the terms (greedy weighted
// set cover over the terms' trigrams, weighed by their counts in a sample
// of the data plus a cost per window): two terms get their two rarest
// windows, 200 domains a few windows that many of them share. newGoScanner
// uses Teddy only when the sample says it is the cheaper matcher.

// teddyWidth is the number of bytes in a term's window.
const teddyWidth = simdscan.Width

// teddyMaxWindows is the most windows a Teddy matcher is built with
// (beyond, its buckets would accept nearly everything).
const teddyMaxWindows = 16

// teddyWindow is one distinct window and the terms that use it.
type teddyWindow struct {
	g uint32       // the window's trigram (lower case)
	a *matchAnchor // the terms, anchored at their window's start
}

// teddy is a compiled term set.
type teddy struct {
	tab     simdscan.Tables
	m       *matcher // the terms (for hitAt); no anchors of its own
	buckets [8][]teddyWindow
	slash   bool // \/ may hide a term
	simd    bool // use the AVX2 kernel (simdscan.Available)
}

// newTeddy compiles lower-cased ASCII terms with the given window starts
// (see termGrams.cover). slash: a backslash-slash escape may hide a term.
// Without terms it finds only the escapes.
func newTeddy(terms [][]byte, starts []int, slash bool) *teddy {
	td := &teddy{m: &matcher{terms: terms}, slash: slash, simd: simdscan.Available}
	// Distinct windows, sorted so that neighbours (which share buckets
	// when there are more than eight) share bytes.
	byWin := map[uint32]*teddyWindow{}
	var wins []uint32
	for i, t := range terms {
		g := trigram(t, starts[i])
		tw := byWin[g]
		if tw == nil {
			tw = &teddyWindow{g: g, a: &matchAnchor{}}
			byWin[g] = tw
			wins = append(wins, g)
		}
		tw.a.add(t, i, starts[i], teddyWidth)
	}
	slices.Sort(wins) // the byte order of the windows
	tabs := [teddyWidth][2]*[32]byte{{&td.tab.Lo0, &td.tab.Hi0}, {&td.tab.Lo1, &td.tab.Hi1}, {&td.tab.Lo2, &td.tab.Hi2}}
	for i, g := range wins {
		b := i * 8 / len(wins)
		td.buckets[b] = append(td.buckets[b], *byWin[g])
		bit := byte(1) << b
		for j := 0; j < teddyWidth; j++ {
			c := byte(g >> (8 * (teddyWidth - 1 - j)))
			lo, hi := tabs[j][0], tabs[j][1]
			lo[c&15] |= bit
			lo[16+c&15] |= bit
			for _, cc := range byteCases[c] {
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

// trigram is the key of a lower-cased three-byte window.
func trigram(b []byte, i int) uint32 {
	return uint32(lowerTable[b[i]])<<16 | uint32(lowerTable[b[i+1]])<<8 | uint32(lowerTable[b[i+2]])
}

// termGrams is what a cover is chosen from: the distinct trigrams of a
// term set, with their counts in a sample of the data.
type termGrams struct {
	terms   [][]byte
	grams   []uint32  // sorted (ties in a cover go to the smallest)
	count   []float64 // per gram: occurrences in the sample
	holders [][]int32 // per gram: the terms holding it
	ofTerm  [][]int32 // per term: its distinct grams
}

// newTermGrams indexes the trigrams of terms and counts them in sample; nil
// when a term is shorter than a window.
func newTermGrams(terms [][]byte, sample []byte) *termGrams {
	tg := &termGrams{terms: terms, ofTerm: make([][]int32, len(terms))}
	index := map[uint32]int32{}
	for _, t := range terms {
		if len(t) < teddyWidth {
			return nil
		}
		for i := 0; i+teddyWidth <= len(t); i++ {
			index[trigram(t, i)] = 0
		}
	}
	for g := range index {
		tg.grams = append(tg.grams, g)
	}
	slices.Sort(tg.grams)
	for i, g := range tg.grams {
		index[g] = int32(i)
	}
	tg.count = make([]float64, len(tg.grams))
	tg.holders = make([][]int32, len(tg.grams))
	for ti, t := range terms {
		for i := 0; i+teddyWidth <= len(t); i++ {
			gi := index[trigram(t, i)]
			if h := tg.holders[gi]; len(h) == 0 || h[len(h)-1] != int32(ti) {
				tg.holders[gi] = append(h, int32(ti))
				tg.ofTerm[ti] = append(tg.ofTerm[ti], gi)
			}
		}
	}
	for i := 0; i+teddyWidth <= len(sample); i++ {
		if gi, ok := index[trigram(sample, i)]; ok {
			tg.count[gi]++
		}
	}
	return tg
}

// cover chooses a window for each term: greedily, the trigram with the
// most terms not yet covered per (count in the sample + perWindow), until
// every term is covered. It returns the start of each term's window, or
// nil when more than teddyMaxWindows windows would be needed.
func (tg *termGrams) cover(perWindow float64) []int {
	open := make([]int, len(tg.grams)) // terms not yet covered, by gram
	for gi, h := range tg.holders {
		open[gi] = len(h)
	}
	starts := make([]int, len(tg.terms))
	for i := range starts {
		starts[i] = -1
	}
	for left, windows := len(tg.terms), 0; left > 0; windows++ {
		best, bestScore, most := -1, 0.0, 0
		for gi, n := range open {
			if n == 0 {
				continue
			}
			most = max(most, n)
			if score := float64(n) / (tg.count[gi] + perWindow); score > bestScore {
				best, bestScore = gi, score
			}
		}
		if best < 0 || left > most*(teddyMaxWindows-windows) {
			return nil // no window left, or too many needed
		}
		g := tg.grams[best]
		for _, ti := range tg.holders[best] {
			if starts[ti] >= 0 {
				continue
			}
			t := tg.terms[ti]
			for i := 0; starts[ti] < 0; i++ {
				if trigram(t, i) == g {
					starts[ti] = i
				}
			}
			for _, gi := range tg.ofTerm[ti] {
				open[gi]--
			}
			left--
		}
	}
	return starts
}

// bestTeddy builds Teddy matchers from covers with several costs per
// window and returns the cheapest on sample with its cost, or nil when
// none can be built.
func bestTeddy(terms [][]byte, sample []byte, slash bool) (*teddy, float64) {
	tg := newTermGrams(terms, sample)
	if tg == nil {
		return nil, 0
	}
	var best *teddy
	bestCost := 0.0
	var tried [][]int
	for _, per := range []float64{1, 16, 256, 4096} {
		starts := tg.cover(per)
		if starts == nil || slices.ContainsFunc(tried, func(s []int) bool { return slices.Equal(s, starts) }) {
			continue
		}
		tried = append(tried, starts)
		td := newTeddy(terms, starts, slash)
		if c := teddyCost(td, sample); best == nil || c < bestCost {
			best, bestCost = td, c
		}
	}
	return best, bestCost
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
		for _, w := range td.buckets[bits.TrailingZeros8(bs)] {
			if trigram(data, p) == w.g && td.m.hitAt(data, p, w.a) {
				return true
			}
		}
	}
	return false
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
