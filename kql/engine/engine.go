package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// Options configure compilation and execution of one query.
type Options struct {
	// Now is the value of now() in ticks (types.TicksFromTime); one clock
	// for the whole query.
	Now int64
	// Tables resolves a table name to its schema. Nil means the built-in
	// schema package.
	Tables func(name string) (*schema.Table, bool)
	// Lenient accepts a trailing comma in lists (with a warning).
	Lenient bool
	// NoPushdown disables prefilter terms, time ranges and column pruning in
	// the Scan specs handed to sources (answers must not change).
	NoPushdown bool
	// Workers is the number of decode workers sources may use.
	Workers int
	// ExternalData resolves an externaldata URL to rows of the declared
	// columns (read from a local copy the user named); ok=false when the
	// URL has no local copy. format is the with(format=…) property ("" if
	// absent).
	ExternalData func(url string, cols []types.Column, format string) (rows []types.Row, ok bool, err error)
	// Watchlists maps a watchlist alias to a loader of its rows.
	Watchlists func(name string) (*source.MemoryTable, bool)
	// EventFilters maps a table name to a KQL boolean expression over that
	// table's columns; every scan of the table keeps only the rows for which
	// it is true (exclusions run a rule over kept or suppressed events).
	EventFilters map[string]string
	// EventLevel compiles only the event-level part of the final query:
	// its last pipeline is cut before the first aggregating operator
	// (summarize, count, distinct, top-nested, make-series), so the result
	// rows are the events that feed the aggregation.
	EventLevel bool
}

// Result is a query's output table.
type Result struct {
	Columns []types.Column
	Rows    []types.Row
	// Ordered reports whether the row order is fixed by the query (its last
	// operator is sort, top or serialize).
	Ordered bool
	// Ties, when the final operator is a sort or top, gives each row the
	// index of the first row of its tie block (rows equal on every sort
	// key, whose relative order Kusto does not fix). Nil otherwise.
	Ties []int
}

// Query is a compiled query, ready to run against sources.
type Query struct {
	src      string
	root     node
	ordered  bool
	scans    []*scanNode
	warnings syntax.ErrorList
	opts     Options
	prepares []func(rc *runCtx) error
}

// Warnings returns non-fatal problems found while parsing and binding.
func (q *Query) Warnings() syntax.ErrorList { return q.warnings }

// Columns returns the result schema.
func (q *Query) Columns() []types.Column { return q.root.schema() }

// Tables returns the names of the tables the query scans, sorted.
func (q *Query) Tables() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range q.scans {
		if !seen[s.table.Name] {
			seen[s.table.Name] = true
			out = append(out, s.table.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Specs returns the scan specs the query will hand its sources (for tests
// and diagnostics).
func (q *Query) Specs() []source.Spec {
	out := make([]source.Spec, len(q.scans))
	for i, s := range q.scans {
		out[i] = s.spec(q.opts)
	}
	return out
}

// TimeWindows returns, per scanned table, the time range the query's
// leading filters restrict it to (for "no row falls in the window" hints).
func (q *Query) TimeWindows() []TimeWindow {
	var out []TimeWindow
	for _, s := range q.scans {
		if s.hasTime {
			out = append(out, TimeWindow{Table: s.table.Name, Column: s.timeCol, Min: s.minT, Max: s.maxT})
		}
	}
	return out
}

// TimeWindow is a time restriction found in a query.
type TimeWindow struct {
	Table, Column string
	Min, Max      int64
}

// Compile parses and binds a query. The returned error is a
// syntax.ErrorList with line:col positions when the query is invalid.
func Compile(src string, opts Options) (*Query, error) {
	if opts.Tables == nil {
		opts.Tables = schema.Lookup
	}
	ast, errs := syntax.Parse(src, syntax.Options{Lenient: opts.Lenient})
	if len(errs) > 0 {
		return nil, errs
	}
	c := newCompiler(src, opts)
	q, err := c.compileQuery(ast)
	if err != nil {
		return nil, err
	}
	q.warnings = append(ast.Warnings, q.warnings...)
	return q, nil
}

// Run executes the query over src and collects the result.
func (q *Query) Run(ctx context.Context, src source.Source) (*Result, error) {
	rc := &runCtx{ctx: ctx, src: src, opts: q.opts}
	if err := q.prepare(rc); err != nil {
		return nil, err
	}
	res := &Result{Columns: q.root.schema(), Ordered: q.ordered}
	if s, ok := q.root.(*sortNode); ok {
		rc.tieNode = s
	}
	err := q.root.run(rc, func(rows []types.Row) error {
		res.Rows = append(res.Rows, rows...)
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if rc.ties != nil && len(rc.ties) == len(res.Rows) {
		res.Ties = rc.ties
	}
	return res, nil
}

// Stream executes the query and passes result batches to emit.
func (q *Query) Stream(ctx context.Context, src source.Source, emit func([]types.Row) error) error {
	rc := &runCtx{ctx: ctx, src: src, opts: q.opts}
	if err := q.prepare(rc); err != nil {
		return err
	}
	err := q.root.run(rc, emit)
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// runCtx is the state of one run.
type runCtx struct {
	ctx  context.Context
	src  source.Source
	opts Options
	// tieNode is the final sort, which reports its tie blocks in ties
	// (see Result.Ties).
	tieNode node
	ties    []int
}

var errStop = errors.New("stop")

// RuntimeError is an error raised while running (not binding) a query.
type RuntimeError struct{ Msg string }

func (e *RuntimeError) Error() string { return e.Msg }

func runtimeErr(format string, a ...any) error { return &RuntimeError{fmt.Sprintf(format, a...)} }

// node is a compiled tabular operator. It pushes batches of rows downstream.
type node interface {
	schema() []types.Column
	run(rc *runCtx, emit func([]types.Row) error) error
}

func (q *Query) prepare(rc *runCtx) error {
	for _, p := range q.prepares {
		if err := p(rc); err != nil {
			return err
		}
	}
	return nil
}
