package engine

import (
	"sync/atomic"

	"github.com/rmmhunt/rmmhunt/kql/textmatch"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// anyTermsMin is the list size from which has_any compiles its needles
// into one textmatch.AnyTerms.
const anyTermsMin = 8

// anyTermsCache is a listSet's compiled needles, for the values they were
// built from.
type anyTermsCache struct {
	n     int
	first *types.Value
	m     *textmatch.AnyTerms // nil: not usable (a non-ASCII needle)
}

// fastHasAny returns the compiled needles of a list without per-row
// elements, built once (again when the subquery values change); nil when
// the list is short, per-row, or holds a non-ASCII needle.
func (ls *listSet) fastHasAny(cache *atomic.Pointer[anyTermsCache]) *textmatch.AnyTerms {
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
	ls.each(nil, func(k types.Value) bool { // no per-row elements
		needles = append(needles, strOf(k))
		return true
	})
	c := &anyTermsCache{n: len(tab), first: first, m: textmatch.NewAnyTerms(needles)}
	cache.Store(c)
	return c.m
}

// hasAny is has_any of h over ls, through textmatch.AnyTerms when it
// applies.
func (ls *listSet) hasAny(row types.Row, h string, cache *atomic.Pointer[anyTermsCache]) bool {
	if m := ls.fastHasAny(cache); m != nil {
		return m.Has(h)
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
