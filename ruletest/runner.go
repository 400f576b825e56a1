package ruletest

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
)

// Runner runs rule-test cases on the KQL engine. It implements rules.Runner.
//
// The zero value is ready: it uses the built-in table schemas, strict list
// syntax and no time limit.
type Runner struct {
	// Tables resolves a table name to its schema; nil means schema.Lookup.
	Tables func(name string) (*schema.Table, bool)
	// Lenient accepts a trailing comma in lists, as engine.Options.Lenient.
	Lenient bool
	// Timeout bounds one case's run; 0 means no limit.
	Timeout time.Duration
}

var _ rules.Runner = (*Runner)(nil)

// Source builds the in-memory tables of one case: for each table named in
// rows, every column of its schema (see Table). A table the schemas do not
// know is an error.
func (r *Runner) Source(tables map[string][]map[string]any) (*source.Memory, error) {
	lookup := r.lookup()
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	mem := &source.Memory{Tables: map[string]*source.MemoryTable{}}
	for _, n := range names {
		t, ok := lookup(n)
		if !ok {
			msg := fmt.Sprintf("rows: unknown table %q", n)
			if s := schema.SuggestTable(n); s != "" {
				msg += "; did you mean " + s + "?"
			}
			return nil, fmt.Errorf("%s", msg)
		}
		cols, rows, err := Table(t, tables[n])
		if err != nil {
			return nil, fmt.Errorf("rows: %w", err)
		}
		mem.Tables[t.Name] = &source.MemoryTable{Columns: cols, Rows: rows}
	}
	return mem, nil
}

func (r *Runner) lookup() func(string) (*schema.Table, bool) {
	if r.Tables != nil {
		return r.Tables
	}
	return schema.Lookup
}

// Run compiles query with now() pinned to now, runs it over the tables and
// renders every cell with report.Text (Kusto's tostring(); null is empty).
func (r *Runner) Run(query string, now time.Time, tables map[string][]map[string]any) ([]string, [][]string, error) {
	mem, err := r.Source(tables)
	if err != nil {
		return nil, nil, err
	}
	q, err := engine.Compile(query, engine.Options{Now: types.TicksFromTime(now.UTC()), Tables: r.Tables, Lenient: r.Lenient})
	if err != nil {
		return nil, nil, err
	}
	ctx := context.Background()
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	res, err := q.Run(ctx, mem)
	if err != nil {
		return nil, nil, err
	}
	cols := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		cols[i] = c.Name
	}
	rows := make([][]string, len(res.Rows))
	for i, row := range res.Rows {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = report.Text(v)
		}
		rows[i] = cells
	}
	return cols, rows, nil
}
