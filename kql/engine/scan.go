package engine

import (
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// scanNode reads one table from the run's source.
type scanNode struct {
	table *schema.Table
	cols  []types.Column // the row layout: the columns the query needs
	all   bool           // every column of the table is in the layout
	// eventFilter is Options.EventFilters[table], compiled in the scan's scope
	eventFilter *expr
	// pushdown, from the filters applied directly to the scan
	preds   []*expr
	terms   []string
	termsOK bool // terms is a valid necessary condition
	// comp and lazy resolve placeholder terms of lists computed at run
	// time (lazyterms.go).
	comp    *compiler
	lazy    []*inListInfo
	hasTime bool
	timeCol string
	minT    int64
	maxT    int64
}

func (s *scanNode) schema() []types.Column { return s.cols }

func (c *compiler) newScan(t *schema.Table, id *syntax.Ident) *scanNode {
	s := &scanNode{table: t, comp: c}
	all := c.allColumns || c.passThrough[id]
	for _, col := range t.Columns {
		typ, ok := types.ParseType(col.Type)
		if !ok {
			typ = types.String
		}
		if all || c.usedIdents[col.Name] || c.aliasUsed(t, col.Name) {
			s.cols = append(s.cols, types.Column{Name: col.Name, Type: typ})
		}
	}
	s.all = all
	if f, ok := c.opts.EventFilters[t.Name]; ok && f != "" {
		s.eventFilter = c.eventFilter(f, s)
	}
	c.scans = append(c.scans, s)
	return s
}

// aliasUsed reports whether the query names col through the
// Timestamp/TimeGenerated alias.
func (c *compiler) aliasUsed(t *schema.Table, col string) bool {
	for name := range map[string]bool{"Timestamp": true, "TimeGenerated": true} {
		if c.usedIdents[name] {
			if rc, aliased, ok := t.Resolve(name); ok && aliased && rc.Name == col {
				return true
			}
		}
	}
	return false
}

func (s *scanNode) spec(opts Options) source.Spec {
	sp := source.Spec{Table: s.table.Name, Workers: opts.Workers}
	for _, c := range s.cols {
		sp.Columns = append(sp.Columns, c.Name)
		sp.Types = append(sp.Types, c.Type)
	}
	if opts.NoPushdown {
		return sp
	}
	if s.termsOK && len(s.terms) > 0 {
		if terms, ok := s.expandTerms(s.terms); ok {
			sp.AnyTerms = terms
		}
	}
	if s.hasTime {
		sp.TimeColumn, sp.MinTicks, sp.MaxTicks, sp.HasTimeRange = s.timeCol, s.minT, s.maxT, true
	}
	if len(s.preds) > 0 {
		preds := s.preds
		sp.Filter = func(r types.Row) bool {
			for _, p := range preds {
				v := p.eval(r)
				if !v.Valid || v.I == 0 {
					return false
				}
			}
			return true
		}
	}
	return sp
}

func (s *scanNode) run(rc *runCtx, emit func([]types.Row) error) error {
	if rc.src == nil || !rc.src.HasTable(s.table.Name) {
		return nil
	}
	sp := s.spec(rc.opts)
	filter := s.eventFilter
	return rc.src.Scan(rc.ctx, sp, func(rows []types.Row) error {
		if filter != nil {
			kept := rows[:0:0]
			for _, r := range rows {
				if v := filter.eval(r); v.Valid && v.I != 0 {
					kept = append(kept, r)
				}
			}
			rows = kept
		}
		if len(rows) == 0 {
			return nil
		}
		return emit(rows)
	})
}

// scanPartial scans with Spec.Partial set: rows go to the sinks newSink
// returns, or, from a source that does not aggregate, to emit (without the
// event filter, which the sinks apply).
func (s *scanNode) scanPartial(rc *runCtx, newSink func() source.PartialSink, emit func([]types.Row) error) error {
	if rc.src == nil || !rc.src.HasTable(s.table.Name) {
		return nil
	}
	sp := s.spec(rc.opts)
	sp.Partial = newSink
	return rc.src.Scan(rc.ctx, sp, emit)
}

// pushFilter records a predicate applied directly to the scan: its terms
// and time range go to the source.
func (s *scanNode) pushFilter(p *expr) {
	s.preds = append(s.preds, p)
	if terms, ok := termsOf(p.node, s); ok {
		if !s.termsOK || betterTerms(terms, s.terms) {
			s.terms, s.termsOK = terms, true
		}
	}
}

// betterTerms prefers fewer, longer terms (a more selective prefilter).
func betterTerms(a, b []string) bool {
	score := func(t []string) int {
		if len(t) == 0 {
			return 1 << 30
		}
		min, n := 1<<30, len(t)
		for _, s := range t {
			if len(s) < min {
				min = len(s)
			}
			if isLazyTerm(s) {
				n += 63 // a run-time list: likely many terms
			}
		}
		return n*16 - min
	}
	return score(a) < score(b)
}

// termsOf derives, from a predicate over the scan's columns, a set of
// strings at least one of which any matching record's raw text must
// contain (case-insensitively). ok=false when no such set can be proven.
func termsOf(n syntax.Expr, s *scanNode) ([]string, bool) {
	switch x := n.(type) {
	case *syntax.ParenExpr:
		return termsOf(x.X, s)
	case *syntax.BinaryExpr:
		switch x.Op {
		case "and":
			a, okA := termsOf(x.X, s)
			b, okB := termsOf(x.Y, s)
			switch {
			case okA && okB:
				if betterTerms(b, a) {
					return b, true
				}
				return a, true
			case okA:
				return a, true
			case okB:
				return b, true
			}
			return nil, false
		case "or":
			a, okA := termsOf(x.X, s)
			b, okB := termsOf(x.Y, s)
			if okA && okB {
				return append(append([]string(nil), a...), b...), true
			}
			return nil, false
		case "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs",
			"contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "==", "=~":
			if !s.isStringColumn(x.X) {
				return nil, false
			}
			lit, ok := stringLit(x.Y)
			if !ok || !usableTerm(lit) {
				return nil, false
			}
			return []string{lit}, true
		}
	case *syntax.InExpr:
		switch x.Op {
		case "has_any", "in", "in~", "has_all":
			if !s.isStringColumn(x.X) {
				return nil, false
			}
			var out []string
			for _, el := range x.List {
				lit, ok := stringLit(el)
				if !ok || !usableTerm(lit) {
					if t, ok := s.lazyListTerm(x); ok {
						// every value of the list, literals included
						return []string{t}, true
					}
					if arr, ok := dynStrings(el); ok {
						for _, a := range arr {
							if !usableTerm(a) {
								return nil, false
							}
						}
						out = append(out, arr...)
						continue
					}
					return nil, false
				}
				out = append(out, lit)
			}
			if len(out) == 0 {
				return nil, false
			}
			if x.Op == "has_all" {
				return out[:1], true
			}
			return out, true
		}
	}
	return nil, false
}

// usableTerm: non-empty, ASCII (so byte-level case-insensitive search is
// exact), and free of characters that formats escape.
func usableTerm(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= utf8.RuneSelf || c < 0x20 || c == '"' || c == '\\' || c == '\'' || c == ',' {
			return false
		}
	}
	return true
}

func stringLit(e syntax.Expr) (string, bool) {
	if p, ok := e.(*syntax.ParenExpr); ok {
		return stringLit(p.X)
	}
	l, ok := e.(*syntax.Literal)
	if !ok || l.Kind != syntax.LitString {
		return "", false
	}
	return l.Str, true
}

func dynStrings(e syntax.Expr) ([]string, bool) {
	d, ok := e.(*syntax.DynamicLit)
	if !ok {
		return nil, false
	}
	arr, ok := d.Value.(*syntax.DynArray)
	if !ok {
		return nil, false
	}
	var out []string
	for _, el := range arr.Elems {
		sc, ok := el.(*syntax.DynScalar)
		if !ok || sc.Lit.Kind != syntax.LitString {
			return nil, false
		}
		out = append(out, sc.Lit.Str)
	}
	return out, true
}

// isStringColumn reports whether e names a string or dynamic column of the
// scanned table directly.
func (s *scanNode) isStringColumn(e syntax.Expr) bool {
	id, ok := e.(*syntax.Ident)
	if !ok {
		return false
	}
	col, _, ok := s.table.Resolve(id.Name)
	if !ok {
		return false
	}
	return col.Type == "string" || col.Type == "dynamic"
}

func (s *scanNode) narrow(col string, lo, hi int64) {
	if !s.hasTime {
		s.hasTime, s.timeCol, s.minT, s.maxT = true, col, lo, hi
		return
	}
	if col != s.timeCol {
		return
	}
	if lo > s.minT {
		s.minT = lo
	}
	if hi < s.maxT {
		s.maxT = hi
	}
}
