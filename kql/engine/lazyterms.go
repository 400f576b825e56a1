package engine

import (
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Prefilter terms from lists known only when the query runs: in
// `where RemoteUrl has_any (Domains)` with Domains a datatable or a
// subquery, the values are computed by a prepare step. termsOf stands a
// placeholder term in for such a list; spec() replaces it with the values
// once they are filled, or hands the source no terms (for example when
// Specs is asked before a run).

// lazyTermPrefix starts a placeholder term; real terms never hold control
// characters (usableTerm).
const lazyTermPrefix = "\x00list#"

// inListInfo is what termsOf needs of a compiled in/has_any list.
type inListInfo struct {
	ls     *listSet
	filled atomic.Bool // the subquery values are computed (a run prepared them)
}

// registerInList remembers the compiled list of x for termsOf, and marks it
// filled after its subqueries ran.
func (c *compiler) registerInList(x *syntax.InExpr, ls *listSet) {
	if ls.tabVals == nil {
		return
	}
	if c.inLists == nil {
		c.inLists = map[*syntax.InExpr]*inListInfo{}
	}
	info := &inListInfo{ls: ls}
	c.inLists[x] = info
	c.prepare(func(rc *runCtx) error {
		info.filled.Store(true)
		return nil
	})
}

// lazyListTerm returns the placeholder for the values of x's list, when
// they are constants and subquery values (no per-row elements).
func (s *scanNode) lazyListTerm(x *syntax.InExpr) (string, bool) {
	if s.comp == nil || x.Op == "has_all" {
		return "", false
	}
	info, ok := s.comp.inLists[x]
	if !ok || len(info.ls.dyn) > 0 {
		return "", false
	}
	for i, l := range s.lazy {
		if l == info {
			return lazyTermPrefix + strconv.Itoa(i), true
		}
	}
	s.lazy = append(s.lazy, info)
	return lazyTermPrefix + strconv.Itoa(len(s.lazy)-1), true
}

// expandTerms replaces placeholders by their lists' values; ok is false
// when a list is not filled yet or holds a value that cannot be a term.
func (s *scanNode) expandTerms(terms []string) ([]string, bool) {
	var out []string
	for _, t := range terms {
		rest, lazy := strings.CutPrefix(t, lazyTermPrefix)
		if !lazy {
			out = append(out, t)
			continue
		}
		i, err := strconv.Atoi(rest)
		if err != nil || i < 0 || i >= len(s.lazy) || !s.lazy[i].filled.Load() {
			return nil, false
		}
		usable := true
		s.lazy[i].ls.each(nil, func(v types.Value) bool { // no per-row elements (lazyListTerm)
			if usable = v.Valid && v.T == types.String && usableTerm(v.S); usable {
				out = append(out, v.S)
			}
			return usable
		})
		if !usable {
			return nil, false
		}
	}
	if len(out) == 0 {
		return nil, false
	}
	return out, true
}

// isLazyTerm reports whether t is a placeholder term.
func isLazyTerm(t string) bool { return strings.HasPrefix(t, lazyTermPrefix) }
