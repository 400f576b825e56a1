package hunt

import (
	"context"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// The whole pack in one pass: rules whose query scans one table once
// subscribe to a shared scan of that table. Each table is read and decoded
// once, with the union of the subscribers' columns and a prefilter that is
// the union of their terms (only when every subscriber has terms, since a
// subscriber without terms needs every record). Each subscriber gets the
// rows in its own column layout and applies its own filter, so its answer
// is the one it would get alone.

// The union prefilter has no size cap: the readers' matcher costs about
// the same for 5 terms as for 500 (ingest/match.go).

// subscriber is one query's view of a shared table scan.
type subscriber struct {
	spec  source.Spec
	ch    chan []types.Row
	index []int // position of each of spec.Columns in the merged layout
}

// sharedSource is the source one subscribed query runs against.
type sharedSource struct {
	real source.Source
	subs map[string]*subscriber
}

func (s *sharedSource) HasTable(name string) bool { return s.real.HasTable(name) }

func (s *sharedSource) Scan(ctx context.Context, spec source.Spec, emit source.Emit) error {
	sub, ok := s.subs[spec.Table]
	if !ok {
		return s.real.Scan(ctx, spec, emit)
	}
	var err error
	for batch := range sub.ch {
		if err != nil {
			continue // drain so the broadcaster never blocks
		}
		var out []types.Row
		scratch := make(types.Row, len(sub.index))
		for _, r := range batch {
			// project into a scratch row first: most rows fail the
			// subscriber's filter and need no allocation
			for i, j := range sub.index {
				scratch[i] = r[j]
			}
			if spec.Filter != nil && !spec.Filter(scratch) {
				continue
			}
			out = append(out, scratch)
			scratch = make(types.Row, len(sub.index))
		}
		if len(out) > 0 {
			err = emit(out)
		}
	}
	return err
}

// sharedRun runs the given compiled queries with one scan per table; it
// returns each query's result or error, by position.
func sharedRun(ctx context.Context, qs []*engine.Query, src source.Source, workers int) ([]*engine.Result, []error) {
	results := make([]*engine.Result, len(qs))
	errs := make([]error, len(qs))
	type tableGroup struct {
		subs []*subscriber
	}
	groups := map[string]*tableGroup{}
	var order []string
	sources := make([]*sharedSource, len(qs))
	for i, q := range qs {
		ss := &sharedSource{real: src, subs: map[string]*subscriber{}}
		sources[i] = ss
		for _, sp := range q.Specs() {
			if !src.HasTable(sp.Table) {
				continue
			}
			sub := &subscriber{spec: sp, ch: make(chan []types.Row, 4)}
			ss.subs[sp.Table] = sub
			g := groups[sp.Table]
			if g == nil {
				g = &tableGroup{}
				groups[sp.Table] = g
				order = append(order, sp.Table)
			}
			g.subs = append(g.subs, sub)
		}
	}
	var wg sync.WaitGroup
	for i, q := range qs {
		wg.Add(1)
		go func(i int, q *engine.Query) {
			defer wg.Done()
			results[i], errs[i] = q.Run(ctx, sources[i])
			// a query that stopped early (take) leaves rows unread
			for _, sub := range sources[i].subs {
				go func(ch chan []types.Row) {
					for range ch {
					}
				}(sub.ch)
			}
		}(i, q)
	}
	for _, table := range order {
		g := groups[table]
		merged := mergeSpecs(table, g.subs, workers)
		err := src.Scan(ctx, merged, func(rows []types.Row) error {
			for _, sub := range g.subs {
				select {
				case sub.ch <- rows:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
		for _, sub := range g.subs {
			close(sub.ch)
		}
		if err != nil {
			for i := range qs {
				if errs[i] == nil {
					errs[i] = err
				}
			}
		}
	}
	wg.Wait()
	return results, errs
}

// mergeSpecs builds the spec of a shared scan and sets each subscriber's
// column index into it.
func mergeSpecs(table string, subs []*subscriber, workers int) source.Spec {
	m := source.Spec{Table: table, Workers: workers}
	pos := map[string]int{}
	allTerms := true
	allTime := true
	var lo, hi int64
	var timeCol string
	seenTerm := map[string]bool{}
	for k, sub := range subs {
		for i, c := range sub.spec.Columns {
			if _, ok := pos[c]; !ok {
				pos[c] = len(m.Columns)
				m.Columns = append(m.Columns, c)
				m.Types = append(m.Types, sub.spec.Types[i])
			}
		}
		if len(sub.spec.AnyTerms) == 0 {
			allTerms = false
		}
		for _, t := range sub.spec.AnyTerms {
			if !seenTerm[t] {
				seenTerm[t] = true
				m.AnyTerms = append(m.AnyTerms, t)
			}
		}
		if !sub.spec.HasTimeRange || (timeCol != "" && sub.spec.TimeColumn != timeCol) {
			allTime = false
		} else {
			timeCol = sub.spec.TimeColumn
			if k == 0 || sub.spec.MinTicks < lo {
				lo = sub.spec.MinTicks
			}
			if k == 0 || sub.spec.MaxTicks > hi {
				hi = sub.spec.MaxTicks
			}
		}
	}
	if !allTerms {
		m.AnyTerms = nil
	}
	if allTime && timeCol != "" {
		m.TimeColumn, m.MinTicks, m.MaxTicks, m.HasTimeRange = timeCol, lo, hi, true
	}
	for _, sub := range subs {
		sub.index = make([]int, len(sub.spec.Columns))
		for i, c := range sub.spec.Columns {
			sub.index[i] = pos[c]
		}
	}
	return m
}
