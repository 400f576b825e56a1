package engine

import (
	"cmp"
	"slices"
	"strconv"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Partial aggregation: a summarize whose input is a scan (through where
// filters only) and whose aggregates merge exactly asks the source to hand
// rows to per-goroutine sinks (source.Spec.Partial). Each sink filters and
// aggregates its rows into groups that remember the position of their first
// row; at the end the groups of all sinks are merged and put in the order of
// their first row, which is the order the serial summarize gives. Rows are
// never collected, and the work runs in the reader's workers.
//
// Only aggregates whose merged result does not depend on how the rows were
// split are used (count, countif, dcount, sums and averages of integers,
// min and max of types whose equal values are identical). The others —
// make_set and make_list (element order), take_any and arg_max (ties),
// sums of reals (rounding) — keep the serial path. NoPushdown turns partial
// aggregation off, so a run without pushdown is the reference.

// partialPlan is what a partial summarize runs: the scan below it and the
// filters between them (innermost first).
type partialPlan struct {
	scan  *scanNode
	preds []*expr
}

// partialPlan returns the plan when the summarize can aggregate in the
// source's workers, or nil.
func (s *summarizeNode) partialPlan(opts Options) *partialPlan {
	if opts.NoPushdown {
		return nil
	}
	for _, a := range s.aggs {
		if !mergeable(a) {
			return nil
		}
	}
	var preds []*expr
	for n := s.in; ; {
		switch x := n.(type) {
		case *filterNode:
			preds = append(preds, x.pred)
			n = x.in
		case *scanNode:
			slices.Reverse(preds)
			return &partialPlan{scan: x, preds: preds}
		default:
			return nil
		}
	}
}

// mergeable reports whether an aggregate's partial states merge into the
// state a single pass over the same rows would give, whatever the split.
func mergeable(a aggSpec) bool {
	argType := func() types.Type {
		if len(a.args) == 0 {
			return types.Long
		}
		return a.args[0].t
	}
	switch a.agg.Name {
	case "count", "countif", "dcount", "dcountif", "count_distinct":
		return true
	case "sum", "sumif", "avg", "avgif":
		// integers add exactly (wrapping alike in any order); reals,
		// decimals and averaged datetimes go through float64 sums
		t := argType()
		return t == types.Int || t == types.Long || (t == types.TimeSpan && (a.agg.Name == "sum" || a.agg.Name == "sumif"))
	case "min", "max", "minif", "maxif":
		// equal values of these types are identical, so which of two
		// equal values is kept does not show
		switch argType() {
		case types.Int, types.Long, types.DateTime, types.TimeSpan, types.Bool, types.String, types.Guid:
			return true
		}
	}
	return false
}

// runPartial runs the summarize with partial aggregation in the source.
func (s *summarizeNode) runPartial(rc *runCtx, p *partialPlan, emit func([]types.Row) error) error {
	var mu sync.Mutex
	var sinks []*aggSink
	// rows the source emits instead (a source that ignores Partial) are
	// aggregated in order on this goroutine
	var direct *aggSink
	err := p.scan.scanPartial(rc, func() source.PartialSink {
		k := s.newSink(p.preds, p.scan.eventFilter)
		mu.Lock()
		sinks = append(sinks, k)
		mu.Unlock()
		return k
	}, func(rows []types.Row) error {
		if direct == nil {
			direct = s.newSink(p.preds, p.scan.eventFilter)
		}
		return direct.addRows(rows)
	})
	if err != nil {
		return err
	}
	mu.Lock()
	all := sinks
	mu.Unlock()
	if direct != nil {
		if len(all) > 0 {
			return runtimeErr("internal error: the source both emitted rows and aggregated them in its workers")
		}
		all = []*aggSink{direct}
	}
	return s.emitGroups(mergeSinks(all), emit)
}

// emitGroups emits one row per group (key values, then aggregate results),
// in the given order; a summarize without keys gives one row even over no
// input.
func (s *summarizeNode) emitGroups(order []*pgroup, emit func([]types.Row) error) error {
	if len(s.keys) == 0 && len(order) == 0 {
		order = append(order, &pgroup{states: s.newStates()})
	}
	if len(order) == 0 {
		return nil
	}
	out := make([]types.Row, 0, len(order))
	for _, g := range order {
		row := make(types.Row, 0, len(s.cols))
		row = append(row, g.key...)
		for _, st := range g.states {
			row = append(row, st.Result()...)
		}
		out = append(out, row)
	}
	return emit(out)
}

// newSink returns an empty sink that keeps the rows passing evf (nil:
// none) and preds.
func (s *summarizeNode) newSink(preds []*expr, evf *expr) *aggSink {
	k := &aggSink{s: s, preds: preds, evf: evf, groups: map[string]*pgroup{},
		keyVals: make(types.Row, len(s.keys)), args: make([][]types.Value, len(s.aggs))}
	for i, a := range s.aggs {
		k.args[i] = make([]types.Value, len(a.args))
	}
	return k
}

func (s *summarizeNode) newStates() []funcs.AggState {
	states := make([]funcs.AggState, len(s.aggs))
	for i, a := range s.aggs {
		states[i] = a.newState()
	}
	return states
}

// mergeSinks merges the groups of all sinks and returns them in the order
// of their first row.
func mergeSinks(sinks []*aggSink) []*pgroup {
	var order []*pgroup
	if len(sinks) == 1 {
		order = sinks[0].order
	} else {
		order = mergeGroups(sinks)
	}
	slices.SortFunc(order, func(a, b *pgroup) int { return cmp.Compare(a.pos, b.pos) })
	return order
}

// mergeGroups merges the groups of several sinks (in no particular order).
func mergeGroups(sinks []*aggSink) []*pgroup {
	merged := map[string]*pgroup{}
	var order []*pgroup
	for _, k := range sinks {
		for _, g := range k.order {
			m := merged[g.ks]
			if m == nil {
				merged[g.ks] = g
				order = append(order, g)
				continue
			}
			if g.pos < m.pos {
				m.pos, m.key = g.pos, g.key
			}
			for i, st := range m.states {
				st.Merge(g.states[i])
			}
		}
	}
	return order
}

// pgroup is one group of a sink.
type pgroup struct {
	ks     string    // the grouping key (keyString of the key values)
	pos    uint64    // position of the group's first row
	key    types.Row // the key values of the first row
	states []funcs.AggState
}

// aggSink aggregates the rows of one reader goroutine (or, in order, all
// the rows of a serial summarize).
type aggSink struct {
	s       *summarizeNode
	preds   []*expr
	evf     *expr // the scan's event filter (nil: none)
	groups  map[string]*pgroup
	order   []*pgroup // in order of first row within this sink
	kb      []byte
	keyVals types.Row
	args    [][]types.Value
	next    uint64 // position of the next row addRows takes
}

// addRows adds rows that arrive in order on one goroutine (the serial
// summarize, or a source that emits rows instead of aggregating them).
func (k *aggSink) addRows(rows []types.Row) error {
	for _, r := range rows {
		k.Add(k.next, r)
		k.next++
	}
	return nil
}

// Add implements source.PartialSink.
func (k *aggSink) Add(pos uint64, r types.Row) {
	if k.evf != nil {
		if v := k.evf.eval(r); !v.Valid || v.I == 0 {
			return
		}
	}
	for _, p := range k.preds {
		if v := p.eval(r); !v.Valid || v.I == 0 {
			return
		}
	}
	kb := k.kb[:0]
	for i, e := range k.s.keys {
		v := e.eval(r)
		k.keyVals[i] = v
		kb = appendKeyString(kb, v)
		kb = append(kb, 0)
	}
	k.kb = kb
	g := k.groups[string(kb)]
	if g == nil {
		g = &pgroup{ks: string(kb), pos: pos, key: slices.Clone(k.keyVals), states: k.s.newStates()}
		k.groups[g.ks] = g
		k.order = append(k.order, g)
	} else if pos < g.pos {
		// positions normally grow within a goroutine; keep the earliest
		g.pos, g.key = pos, slices.Clone(k.keyVals)
	}
	for i, a := range k.s.aggs {
		args := k.args[i]
		for j, e := range a.args {
			args[j] = e.eval(r)
		}
		g.states[i].Add(args)
	}
}

// appendKeyString appends funcs.KeyString(v) without allocating for the
// common key types.
func appendKeyString(b []byte, v types.Value) []byte {
	if !v.Valid {
		return append(b, "\x00null"...)
	}
	switch v.T {
	case types.String, types.Guid:
		return append(append(b, 's'), v.S...)
	case types.Real, types.Decimal, types.Dynamic:
		return append(b, funcs.KeyString(v)...)
	}
	if c := 'a' + rune(v.T); c < 0x80 {
		return strconv.AppendInt(append(b, byte(c)), v.I, 10)
	}
	return append(b, funcs.KeyString(v)...)
}
