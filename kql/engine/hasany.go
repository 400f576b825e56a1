package engine

import (
	"sync/atomic"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/textmatch"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// anyTerms answers has_any over many ASCII needles in one pass over the
// haystack instead of one search per needle. It gives exactly
// textmatch.HasTerm(h, n, Has, false) for some n, for an ASCII haystack:
// an occurrence of a needle counts when a needle that starts (ends) with a
// letter or digit does not continue a term before (after) it.
type anyTerms struct {
	always bool // an empty needle: every haystack matches
	// needles by their first min(4, len) lower-cased bytes and length
	// class; atStart: needles whose first byte is a term byte, which can
	// only start where a term starts.
	atStart, anywhere map[uint32][]string
	shortLens         [4]bool // needle lengths < 4 present
	anyAnywhere       bool
}

// anyTermsMin is the list size from which has_any uses anyTerms.
const anyTermsMin = 8

func isTermByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// prefixKey packs the first n (≤ 4) lower-cased bytes of s with n.
func prefixKey(s string, n int) uint32 {
	k := uint32(n)
	for i := 0; i < n; i++ {
		k = k<<8 | uint32(lowerByte(s[i]))
	}
	if n < 4 {
		k |= 0x80000000 // short needles never collide with 4-byte keys of ASCII text
	}
	return k
}

// newAnyTerms compiles needles; nil when one is not ASCII.
func newAnyTerms(needles []string) *anyTerms {
	m := &anyTerms{atStart: map[uint32][]string{}, anywhere: map[uint32][]string{}}
	for _, n := range needles {
		for i := 0; i < len(n); i++ {
			if n[i] >= utf8.RuneSelf {
				return nil
			}
		}
		if n == "" {
			m.always = true
			continue
		}
		l := min(len(n), 4)
		if l < 4 {
			m.shortLens[l] = true
		}
		k := prefixKey(n, l)
		if isTermByte(n[0]) {
			m.atStart[k] = append(m.atStart[k], n)
		} else {
			m.anywhere[k] = append(m.anywhere[k], n)
			m.anyAnywhere = true
		}
	}
	return m
}

// has reports whether the ASCII haystack h has one of the needles.
func (m *anyTerms) has(h string) bool {
	if m.always {
		return true
	}
	for p := 0; p < len(h); p++ {
		start := p == 0 || !isTermByte(h[p-1])
		if !start && !m.anyAnywhere {
			continue
		}
		if start && !isTermByte(h[p]) && !m.anyAnywhere {
			continue
		}
		for l := 1; l <= 4; l++ {
			if l < 4 && !m.shortLens[l] || p+l > len(h) {
				continue
			}
			k := prefixKey(h[p:], l)
			if start {
				if m.matchAt(h, p, m.atStart[k]) {
					return true
				}
			}
			if m.anyAnywhere && m.matchAt(h, p, m.anywhere[k]) {
				return true
			}
		}
	}
	return false
}

// matchAt reports whether one of needles occurs at h[p:] and ends where a
// needle ending in a term byte may end.
func (m *anyTerms) matchAt(h string, p int, needles []string) bool {
	for _, n := range needles {
		end := p + len(n)
		if end > len(h) {
			continue
		}
		same := true
		for i := 0; i < len(n); i++ {
			if lowerByte(h[p+i]) != lowerByte(n[i]) {
				same = false
				break
			}
		}
		if !same {
			continue
		}
		if isTermByte(n[len(n)-1]) && end < len(h) && isTermByte(h[end]) {
			continue
		}
		return true
	}
	return false
}

// anyTermsCache is a listSet's compiled needles, for the values they were
// built from.
type anyTermsCache struct {
	n     int
	first *types.Value
	m     *anyTerms // nil: not usable (a non-ASCII needle)
}

// fastHasAny returns the compiled needles of a list without per-row
// elements, built once (again when the subquery values change); nil when
// the list is short, per-row, or holds a non-ASCII needle.
func (ls *listSet) fastHasAny(cache *atomic.Pointer[anyTermsCache]) *anyTerms {
	if len(ls.dyn) > 0 {
		return nil
	}
	var tab []types.Value
	if ls.tabVals != nil {
		tab = *ls.tabVals
	}
	if len(ls.consts)+len(tab) < anyTermsMin {
		return nil
	}
	var first *types.Value
	if len(tab) > 0 {
		first = &tab[0]
	}
	if c := cache.Load(); c != nil && c.n == len(tab) && c.first == first {
		return c.m
	}
	var needles []string
	for _, k := range ls.consts {
		needles = append(needles, strOf(k))
	}
	for _, k := range tab {
		needles = append(needles, strOf(k))
	}
	c := &anyTermsCache{n: len(tab), first: first, m: newAnyTerms(needles)}
	cache.Store(c)
	return c.m
}

// hasAny is has_any of h over ls, through anyTerms when it applies.
func (ls *listSet) hasAny(row types.Row, h string, cache *atomic.Pointer[anyTermsCache]) bool {
	if m := ls.fastHasAny(cache); m != nil && isASCIIString(h) {
		return m.has(h)
	}
	found := false
	ls.each(row, func(k types.Value) bool {
		if textmatch.HasTerm(h, strOf(k), textmatch.Has, false) {
			found = true
			return false
		}
		return true
	})
	return found
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
