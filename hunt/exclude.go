package hunt

import (
	"context"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/exclusions"
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
)

// Suppressed is a finding that exclusions removed: the rule's result over
// the suppressed events, with the exclusions responsible.
type Suppressed struct {
	Finding
	Exclusions []string
}

// excluded runs a rule whose tables have active exclusions: once over the
// kept events (findings), once over the suppressed events (suppressed
// findings), and once per exclusion at event level, to name the exclusions
// responsible and to write the ledger.
func excluded(ctx context.Context, r *rules.Rule, plans map[string]*exclusions.RulePlan, src source.Source, opts Options, res *Result, run *RuleRun) error {
	base := opts.engineOptions()
	keep := map[string]string{}
	supp := map[string]string{}
	for t, p := range plans {
		keep[t] = p.KeepExpr()
		supp[t] = p.SuppressExpr()
	}
	runWith := func(filters map[string]string, eventLevel bool) (*engine.Result, error) {
		o := base
		o.EventFilters = filters
		o.EventLevel = eventLevel
		q, err := engine.Compile(r.Query, o)
		if err != nil {
			return nil, err
		}
		return q.Run(ctx, src)
	}
	kept, err := runWith(keep, false)
	if err != nil {
		return err
	}
	run.Findings = len(kept.Rows)
	for _, row := range kept.Rows {
		res.Findings = append(res.Findings, &Finding{Rule: r, Columns: kept.Columns, Row: row})
	}
	suppressed, err := runWith(supp, false)
	if err != nil {
		return err
	}
	// Per exclusion: the events it suppresses, at event level.
	type evSet struct {
		id     string
		keys   map[string]bool
		events *engine.Result
	}
	var sets []evSet
	var eventCols []types.Column
	for t, p := range plans {
		for _, c := range p.Active {
			f := map[string]string{}
			for t2 := range plans {
				f[t2] = "false"
			}
			f[t] = "iff(" + c.KQL + ", true, false)"
			ev, err := runWith(f, true)
			if err != nil {
				return err
			}
			eventCols = ev.Columns
			sets = append(sets, evSet{id: c.Exclusion.ID, events: ev})
		}
	}
	keyIdx := sharedColumns(suppressed.Columns, eventCols)
	for i := range sets {
		sets[i].keys = map[string]bool{}
		// the event key lists the same columns in the same order as keyIdx
		evKey := sameColumns(sets[i].events.Columns, suppressed.Columns, keyIdx)
		for _, row := range sets[i].events.Rows {
			sets[i].keys[keyOf(row, evKey)] = true
		}
	}
	named := map[string]int{}
	for _, row := range suppressed.Rows {
		k := keyOf(row, keyIdx)
		var ids []string
		for _, s := range sets {
			if s.keys[k] {
				ids = append(ids, s.id)
				named[s.id]++
			}
		}
		sort.Strings(ids)
		res.Suppressed = append(res.Suppressed, &Suppressed{Finding: Finding{Rule: r, Columns: suppressed.Columns, Row: row}, Exclusions: ids})
	}
	for _, s := range sets {
		res.Matches = append(res.Matches, exclusions.MatchCount{Exclusion: s.id, Rule: r.ID, Events: len(s.events.Rows),
			Findings: named[s.id], RuleFindings: len(kept.Rows) + len(suppressed.Rows)})
	}
	if opts.Ledger != nil {
		// Events are matched across the per-exclusion runs by the columns
		// every run returned (their layouts can differ: each exclusion's
		// filter adds the columns it reads).
		common := map[string]int{}
		for _, s := range sets {
			for _, c := range s.events.Columns {
				if c.Type != types.Dynamic {
					common[c.Name]++
				}
			}
		}
		var evs []*ledgerEvent
		byRow := map[string]*ledgerEvent{}
		for _, s := range sets {
			var idx []int
			for i, c := range s.events.Columns {
				if common[c.Name] == len(sets) && c.Type != types.Dynamic {
					idx = append(idx, i)
				}
			}
			for _, row := range s.events.Rows {
				k := keyOf(row, idx)
				ev := byRow[k]
				if ev == nil {
					ev = &ledgerEvent{cols: s.events.Columns, row: row}
					byRow[k] = ev
					evs = append(evs, ev)
				}
				ev.ids = append(ev.ids, s.id)
			}
		}
		for _, ev := range evs {
			sort.Strings(ev.ids)
		}
		writeLedger(opts.Ledger, r, evs)
	}
	return nil
}

type ledgerEvent struct {
	cols []types.Column
	row  types.Row
	ids  []string
}

// sameColumns returns the index in cols of each column that ref[idx[k]]
// names, in that order (-1 when cols lacks it), so keys built from either
// side compare column by column.
func sameColumns(cols, ref []types.Column, idx []int) []int {
	out := make([]int, len(idx))
	for k, i := range idx {
		out[k] = -1
		for j, c := range cols {
			if c.Name == ref[i].Name {
				out[k] = j
				break
			}
		}
	}
	return out
}

// sharedColumns returns, for each column of a that b also has (by name), its
// index in a, in a's order.
func sharedColumns(a, b []types.Column) []int {
	names := map[string]bool{}
	for _, c := range b {
		names[c.Name] = true
	}
	var out []int
	for i, c := range a {
		if names[c.Name] && c.Type != types.Dynamic {
			out = append(out, i)
		}
	}
	return out
}

func keyOf(row types.Row, idx []int) string {
	var sb strings.Builder
	for _, i := range idx {
		if i >= 0 {
			sb.WriteString(types.ToString(row[i]))
		}
		sb.WriteByte(0)
	}
	return sb.String()
}

func writeLedger(w *exclusions.LedgerWriter, r *rules.Rule, evs []*ledgerEvent) {
	for _, ev := range evs {
		e := exclusions.LedgerEntry{Rule: r.ID, RuleName: r.Name, Exclusions: ev.ids, Columns: map[string]any{}}
		for i, c := range ev.cols {
			v := ev.row[i]
			switch c.Name {
			case "ReportId":
				e.ReportID = report.Text(v)
			case "DeviceName":
				e.DeviceName = report.Text(v)
			case "Timestamp", "TimeGenerated":
				e.Timestamp = report.Text(v)
			}
			if v.Valid && c.Type != types.Dynamic {
				e.Columns[c.Name] = report.Text(v)
			}
		}
		w.Write(e)
	}
}
