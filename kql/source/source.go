// Package source is the contract between the KQL engine and the readers of
// input data: the engine hands a Source a Spec (which table, which columns,
// which raw-text terms and time range a record needs to be of interest) and
// receives typed rows.
//
// Readers may use the Spec to skip work, but only when a record provably
// cannot satisfy the query: the engine always evaluates the full predicate
// on the rows it receives. This package imports only kql/types.
package source

import (
	"context"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Spec describes what a query needs from one table.
type Spec struct {
	// Table is the table name (e.g. "DeviceNetworkEvents").
	Table string
	// Columns are the columns the query reads, in the order the emitted rows
	// hold them. Each row has exactly len(Columns) values.
	Columns []string
	// Types are the Kusto types of Columns (from the table schema), same order.
	Types []types.Type
	// AnyTerms, when non-empty, are case-insensitive strings of which a
	// record's raw text must contain at least one for the record to possibly
	// match. A reader may skip a record that contains none of them — but
	// only when the raw text could not hide a term (for example behind a JSON
	// escape sequence); when unsure, it must not skip.
	AnyTerms []string
	// TimeColumn, MinTicks and MaxTicks give an inclusive time range that
	// the TimeColumn value must fall in (HasTimeRange false: no range). A
	// reader may skip records outside it; null times are never skipped.
	TimeColumn   string
	MinTicks     int64
	MaxTicks     int64
	HasTimeRange bool
	// Filter, when non-nil, is a goroutine-safe predicate over a decoded row
	// (in Columns order) that readers may evaluate in their workers to drop
	// rows early. Rows for which it returns false need not be emitted.
	Filter func(types.Row) bool
	// Workers is the number of parallel decode workers a reader may use
	// (0 or 1: serial).
	Workers int
	// Partial, when non-nil, lets a reader hand rows to sinks in its
	// workers instead of emitting them, so that an aggregation over the
	// scan runs in parallel without the rows being collected (the engine
	// sets it for a summarize whose input is the scan and whose aggregates
	// can be merged exactly). A reader may ignore it and emit every row.
	// A reader that uses it calls Partial once per goroutine that produces
	// rows, passes every row of the scan that it would have emitted (after
	// Filter, if it applies Filter) to that goroutine's sink, emits no
	// rows, and returns from Scan only once no sink is in use.
	Partial func() PartialSink
}

// PartialSink receives the rows of one reader goroutine (see Spec.Partial).
// Its methods are called from one goroutine at a time.
type PartialSink interface {
	// Add takes one row, in Columns order. pos is the row's place in the
	// order in which the reader would have emitted it: over one Scan,
	// positions are unique, and a row emitted earlier has a smaller
	// position, whatever the number of workers. The sink must not keep
	// row: the reader may reuse it.
	Add(pos uint64, row types.Row)
}

// Emit receives a batch of rows. It is always called from one goroutine at
// a time and in input order, so results are deterministic. The callee may
// keep the rows; the reader must not reuse them.
type Emit func(rows []types.Row) error

// Source provides the tables of one run's inputs.
type Source interface {
	// HasTable reports whether any input holds rows of the table.
	HasTable(name string) bool
	// Scan streams the rows of spec.Table to emit.
	Scan(ctx context.Context, spec Spec, emit Emit) error
}

// Memory is a Source over in-memory tables, used by tests and by rule unit
// tests. Rows are held in the full column order of Columns.
type Memory struct {
	Tables map[string]*MemoryTable
}

// MemoryTable is one in-memory table.
type MemoryTable struct {
	Columns []types.Column
	Rows    []types.Row
}

// HasTable implements Source.
func (m *Memory) HasTable(name string) bool { _, ok := m.Tables[name]; return ok }

// Scan implements Source.
func (m *Memory) Scan(ctx context.Context, spec Spec, emit Emit) error {
	t, ok := m.Tables[spec.Table]
	if !ok {
		return nil
	}
	idx := make([]int, len(spec.Columns))
	for i, c := range spec.Columns {
		idx[i] = -1
		for j, tc := range t.Columns {
			if tc.Name == c {
				idx[i] = j
			}
		}
	}
	const batch = 1024
	out := make([]types.Row, 0, batch)
	for _, r := range t.Rows {
		row := make(types.Row, len(idx))
		for i, j := range idx {
			if j >= 0 && j < len(r) {
				row[i] = r[j]
			} else {
				row[i] = types.Null(spec.Types[i])
			}
		}
		if spec.Filter != nil && !spec.Filter(row) {
			continue
		}
		out = append(out, row)
		if len(out) == batch {
			if err := emit(out); err != nil {
				return err
			}
			out = make([]types.Row, 0, batch)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if len(out) > 0 {
		return emit(out)
	}
	return nil
}
