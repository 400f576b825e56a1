package ingest

import (
	"bytes"
	"math"
	"slices"
	"sync"

	"github.com/rmmhunt/rmmhunt/ingest/internal/simdscan"
)

// The prefilter's matcher finds, in a chunk of raw lines, the lines that
// hold at least one of a scan's terms (ASCII case-insensitively). Its cost
// grows with the chunk, not with the number of terms:
//
//   - Every term gets an anchor: one of its bytes, chosen so that the
//     anchor bytes of all terms are few and rare in the data (byte and
//     bigram frequencies come from a sample of the first chunk scanned).
//   - Each anchor byte (both cases for a letter) is found with
//     bytes.IndexByte, which is vectorised.
//   - At a hit, the two bytes after (or before) the anchor are looked up in
//     a 64 Ki-bit table of the keys of the terms anchored there; only on a
//     table hit are those terms compared with the text.
//
// The answer does not depend on the anchors chosen: a line is a hit exactly
// when it contains a term, or a JSON escape that could hide one.
//
// That is the pure-Go engine, the only one in the default build (no cgo).
// Built with -tags hyperscan (cgo, libhs from Hyperscan 5.x or Vectorscan),
// the lines are found by Hyperscan instead (match_hyperscan.go), with the
// same answer: the tests and FuzzLineHits compare both engines with the
// same reference. PrefilterEngine says which one a binary uses.

// matchEntry is one term anchored at term[off].
type matchEntry struct {
	term int32
	off  int32
}

// keyTable holds the terms of one anchor whose key is the width bytes
// (2 or 4, case-folded) at rel from the anchor.
type keyTable struct {
	rel, width int
	bits       []uint64 // 64 Ki bits, by hash of the key
	entries    map[uint32][]matchEntry
}

func (kt *keyTable) key(b []byte, p int) (uint32, bool) {
	s := p + kt.rel
	if s < 0 || s+kt.width > len(b) {
		return 0, false
	}
	k := uint32(lowerTable[b[s]])<<8 | uint32(lowerTable[b[s+1]])
	if kt.width == 4 {
		k = k<<16 | uint32(lowerTable[b[s+2]])<<8 | uint32(lowerTable[b[s+3]])
	}
	return k, true
}

func keyHash(k uint32) uint32 { return (k * 0x9E3779B1) >> 16 }

// matchAnchor is the terms anchored at one (case-folded) byte value.
type matchAnchor struct {
	cases  []byte       // the bytes searched: the value, and its upper case for a letter
	always []matchEntry // terms too short for a key: verified at every hit
	tables []*keyTable
}

func (a *matchAnchor) table(rel, width int) *keyTable {
	for _, kt := range a.tables {
		if kt.rel == rel && kt.width == width {
			return kt
		}
	}
	kt := &keyTable{rel: rel, width: width, bits: make([]uint64, 1024), entries: map[uint32][]matchEntry{}}
	a.tables = append(a.tables, kt)
	return kt
}

// add files term ti (t) under a, anchored at t[k]; a hit of the anchor
// checks skip bytes from k on (1 for a byte anchor, a Teddy window's
// width). The key: 4 bytes right after those or right before the anchor if
// the term has them, else any 4 bytes of it, else 2; the rarer the
// anchor position's neighbourhood the better, so callers anchor a byte at
// its first occurrence.
func (a *matchAnchor) add(t []byte, ti, k, skip int) {
	rel, width := 0, 0
	for _, w := range []int{4, 2} {
		if len(t) < w {
			continue
		}
		switch {
		case k+skip+w <= len(t):
			rel = skip
		case k-w >= 0:
			rel = -w
		default:
			rel = -k // the term's first w bytes
		}
		width = w
		break
	}
	e := matchEntry{int32(ti), int32(k)}
	if width == 0 {
		a.always = append(a.always, e)
		return
	}
	kt := a.table(rel, width)
	key, _ := kt.key(t, k)
	kt.entries[key] = append(kt.entries[key], e)
	h := keyHash(key)
	kt.bits[h>>6] |= 1 << (h & 63)
}

// matcher is a compiled prefilter term set; build it once per scan.
type matcher struct {
	terms   [][]byte
	anchors []*matchAnchor
}

// sampleBytes is how much of the first chunk is used to learn byte
// frequencies.
const sampleBytes = 256 << 10

// passCost is the cost of one IndexByte pass over the data, in hits per
// byte: a pass over 1 MiB costs about as much as a few thousand hits.
const passCost = 0.004

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// newMatcher compiles lower-cased ASCII terms, using sample to estimate
// how often bytes occur.
func newMatcher(terms [][]byte, sample []byte) *matcher {
	if len(sample) > sampleBytes {
		sample = sample[:sampleBytes]
	}
	var f1 [256]float64
	for _, c := range sample {
		f1[c]++
	}
	n := float64(len(sample) + 256)
	byteCost := func(c byte) float64 {
		x := 0.0
		for _, cc := range byteCases[c] {
			x += (f1[cc] + 1) / n
		}
		return x
	}
	m := &matcher{terms: terms}
	// Shorter terms first: they have fewer bytes to choose from.
	order := make([]int, len(terms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(terms[a]) - len(terms[b]) })
	chosen := map[byte]*matchAnchor{}
	var anchorOrder []byte
	for _, ti := range order {
		t := terms[ti]
		best, bestCost := byte(0), -1.0
		for _, c := range t {
			cost := byteCost(c)
			if _, ok := chosen[c]; ok {
				cost *= 0.01 // already searched: only the verification is new
			} else {
				cost += passCost * float64(len(byteCases[c]))
			}
			if bestCost < 0 || cost < bestCost {
				best, bestCost = c, cost
			}
		}
		a := chosen[best]
		if a == nil {
			a = &matchAnchor{cases: byteCases[best]}
			chosen[best] = a
			anchorOrder = append(anchorOrder, best)
		}
		a.add(t, ti, bytes.IndexByte(t, best), 1)
	}
	for _, c := range anchorOrder {
		m.anchors = append(m.anchors, chosen[c])
	}
	return m
}

// rarestWindows returns, for each term, the start of its window: the
// width bytes (or the whole term, if shorter) whose case-folded bigrams
// have the least sum of log counts in sample, so the rarest in the data.
func rarestWindows(terms [][]byte, sample []byte, width int) []int {
	if len(sample) > sampleBytes {
		sample = sample[:sampleBytes]
	}
	f := make([]uint32, 1<<16)
	for i := 0; i+1 < len(sample); i++ {
		f[uint16(lowerTable[sample[i]])<<8|uint16(lowerTable[sample[i+1]])]++
	}
	logf := func(a, b byte) float64 { return math.Log(float64(f[uint16(a)<<8|uint16(b)]) + 1) }
	starts := make([]int, len(terms))
	for ti, t := range terms {
		if len(t) <= width {
			continue
		}
		best, bestCost := 0, math.Inf(1)
		for a := 0; a+width <= len(t); a++ {
			cost := 0.0
			for i := a; i+1 < a+width; i++ {
				cost += logf(t[i], t[i+1])
			}
			if cost < bestCost {
				best, bestCost = a, cost
			}
		}
		starts[ti] = best
	}
	return starts
}

// verify reports whether term e.term occurs in data with its anchor at p.
func (m *matcher) verify(data []byte, p int, e matchEntry) bool {
	t := m.terms[e.term]
	start := p - int(e.off)
	if start < 0 || start+len(t) > len(data) {
		return false
	}
	s := data[start : start+len(t)]
	for i, c := range t {
		if lowerTable[s[i]] != c {
			return false
		}
	}
	return true
}

// lineIndex maps offsets of a chunk to its lines.
type lineIndex struct {
	starts []int // offset of each line
	end    int   // len(data)
}

func (li *lineIndex) reset(data []byte) {
	li.starts = li.starts[:0]
	li.end = len(data)
	if len(data) == 0 {
		return
	}
	li.starts = appendLineStarts(append(li.starts, 0), data)
	if n := len(li.starts); li.starts[n-1] == len(data) {
		li.starts = li.starts[:n-1] // a final '\n' ends the last line
	}
}

// lineOf returns the line holding offset off.
func (li *lineIndex) lineOf(off int) int {
	lo, hi := 0, len(li.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if li.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// next returns the offset after line ln.
func (li *lineIndex) next(ln int) int {
	if ln+1 < len(li.starts) {
		return li.starts[ln+1]
	}
	return li.end
}

// scan marks in hits the lines of data that hold a term.
func (m *matcher) scan(data []byte, li *lineIndex, hits []bool) {
	for _, a := range m.anchors {
		for _, b := range a.cases {
			for i := 0; i < len(data); {
				j := bytes.IndexByte(data[i:], b)
				if j < 0 {
					break
				}
				p := i + j
				if m.hitAt(data, p, a) {
					ln := li.lineOf(p)
					hits[ln] = true
					i = li.next(ln)
					continue
				}
				i = p + 1
			}
		}
	}
}

// hitAt reports whether a term anchored at a has its anchor at data[p].
func (m *matcher) hitAt(data []byte, p int, a *matchAnchor) bool {
	for _, e := range a.always {
		if m.verify(data, p, e) {
			return true
		}
	}
	for _, kt := range a.tables {
		key, ok := kt.key(data, p)
		if !ok {
			continue
		}
		if h := keyHash(key); kt.bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, e := range kt.entries[key] {
			if m.verify(data, p, e) {
				return true
			}
		}
	}
	return false
}

// escapeScan marks the lines that hold a JSON escape that could hide a
// term: \u always; \/ when slash is set; any escape when all is set.
// Escapes are parsed from each line's start, so an escaped backslash
// followed by a u (C:\\users) is no \u escape.
func escapeScan(data []byte, li *lineIndex, hits []bool, slash, all bool) {
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return
		}
		p := i + j
		var nx byte
		if p+1 < len(data) {
			nx = data[p+1]
		}
		if all || nx == 'u' || slash && nx == '/' {
			ln := li.lineOf(p)
			hits[ln] = true
			i = li.next(ln)
			continue
		}
		if nx == '\n' {
			i = p + 1
		} else {
			i = p + 2
		}
	}
}

// prefilter skips raw lines that contain none of a scan's terms
// (case-insensitively). It is conservative: a line that might hide a term
// behind a JSON escape is never skipped.
type prefilter struct {
	terms [][]byte // lower-cased
	// slash: a term holds '/', which JSON may write as \/. all: a term
	// holds a character JSON must escape (quote, backslash, control), so
	// any line with a backslash is kept.
	slash, all bool
	// folds: non-ASCII text whose characters fold to an ASCII letter of a
	// term (U+212A KELVIN SIGN to k, U+017F LONG S to s): lines holding it
	// are kept, since has/contains fold case by Unicode simple folding.
	folds [][]byte
	once  sync.Once
	eng   lineScanner // built from the first chunk scanned
}

// lineScanner marks in hits (one per line of li) the lines of data that
// may hold a term of its prefilter: lineHits' answer. The pure-Go engine
// (goScanner) is in every build; a build tag may choose another one (see
// newLineScanner and PrefilterEngine).
type lineScanner interface {
	scanLines(data []byte, li *lineIndex, hits []bool)
	name() string // as PrefilterEngine
}

// goScanner is the pure-Go engine: the anchored matcher then the escape
// scan, or the Teddy matcher (teddy.go), which finds both in one pass;
// then the fold scan.
type goScanner struct {
	pf *prefilter
	m  *matcher // nil when td is set
	td *teddy
}

// newGoScanner compiles pf's terms, using sample to learn byte
// frequencies. It uses Teddy when its AVX2 kernel can run and, on sample,
// it costs less than the anchors.
func newGoScanner(pf *prefilter, sample []byte) *goScanner {
	m := newMatcher(pf.terms, sample)
	if simdscan.Available && !pf.all {
		s := sample[:min(len(sample), sampleBytes)]
		if td, cost := bestTeddy(pf.terms, s, pf.slash); td != nil && cost < anchorCost(m, s) {
			return &goScanner{pf: pf, td: td}
		}
	}
	return &goScanner{pf: pf, m: m}
}

func (g *goScanner) name() string { return "go" }

func (g *goScanner) scanLines(data []byte, li *lineIndex, hits []bool) {
	if g.td != nil {
		g.td.scan(data, li, hits)
	} else {
		g.m.scan(data, li, hits)
		escapeScan(data, li, hits, g.pf.slash, g.pf.all)
	}
	foldScan(data, li, hits, g.pf.folds)
}

// newPrefilter returns nil when terms cannot be used (none, an empty term,
// a non-ASCII term whose case folding bytes cannot decide, or a term with
// a line break).
func newPrefilter(terms []string) *prefilter {
	if len(terms) == 0 {
		return nil
	}
	pf := &prefilter{}
	seen := map[string]bool{}
	for _, t := range terms {
		if t == "" {
			return nil
		}
		low := make([]byte, len(t))
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c >= 0x80 || c == '\n' || c == '\r' {
				return nil
			}
			switch {
			case c == '/':
				pf.slash = true
			case c == '\\' || c == '"' || c < 0x20:
				pf.all = true
			}
			low[i] = lowerTable[c]
		}
		if bytes.IndexByte(low, 'k') >= 0 && !slices.ContainsFunc(pf.folds, func(b []byte) bool { return string(b) == kelvin }) {
			pf.folds = append(pf.folds, []byte(kelvin))
		}
		if bytes.IndexByte(low, 's') >= 0 && !slices.ContainsFunc(pf.folds, func(b []byte) bool { return string(b) == longS }) {
			pf.folds = append(pf.folds, []byte(longS))
		}
		if !seen[string(low)] {
			seen[string(low)] = true
			pf.terms = append(pf.terms, low)
		}
	}
	return pf
}

// The only non-ASCII characters whose simple case folding orbit holds an
// ASCII letter.
const (
	kelvin = "\u212a" // K
	longS  = "\u017f" // s
)

// foldScan marks the lines that hold one of seqs.
func foldScan(data []byte, li *lineIndex, hits []bool, seqs [][]byte) {
	for _, seq := range seqs {
		for i := 0; i < len(data); {
			j := bytes.Index(data[i:], seq)
			if j < 0 {
				break
			}
			ln := li.lineOf(i + j)
			hits[ln] = true
			i = li.next(ln)
		}
	}
}

// byteCases[c] is c and, for an ASCII letter, its other case (shared:
// read only).
var byteCases = func() (t [256][]byte) {
	for i := range t {
		c := byte(i)
		t[i] = []byte{c}
		if isLetter(c) {
			t[i] = append(t[i], c^0x20)
		}
	}
	return
}()

var lowerTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		t[i] = c
	}
	return
}()

// lineHits reports, for each line of data (split at '\n'; a final '\n'
// ends the last line), whether it may hold a term. li receives the line
// starts.
func (pf *prefilter) lineHits(data []byte, li *lineIndex) []bool {
	pf.prepare(data)
	return scanWith(pf.eng, data, li)
}

// prepare builds the engine, learning byte frequencies from sample, unless
// it is built already. The readers call it with the start of the first
// input they prefilter, before their workers start, so that the engine
// chosen does not depend on which chunk a worker reaches first.
func (pf *prefilter) prepare(sample []byte) {
	pf.once.Do(func() { pf.eng = newLineScanner(pf, sample) })
}

// scanWith runs one engine over data.
func scanWith(eng lineScanner, data []byte, li *lineIndex) []bool {
	li.reset(data)
	hits := make([]bool, len(li.starts))
	if len(hits) > 0 {
		eng.scanLines(data, li, hits)
	}
	return hits
}
