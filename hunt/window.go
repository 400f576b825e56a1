package hunt

import (
	"context"
	"fmt"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// WindowNotes explains empty results caused by a time window the data does
// not reach — typically now()-relative rules over an old export without
// --now. For each table read by a rule that found nothing inside a window,
// it measures the table's time range with one extra min/max query.
func WindowNotes(ctx context.Context, res *Result, src source.Source, wallClock bool) []string {
	type miss struct {
		run *RuleRun
		w   engine.TimeWindow
	}
	var cands []miss
	tables := map[string]bool{}
	for _, run := range res.Runs {
		if run.Err != nil || run.Findings > 0 {
			continue
		}
		for _, w := range run.Windows {
			cands = append(cands, miss{run, w})
			tables[w.Table] = true
		}
	}
	ranges := map[string][2]int64{}
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		if !src.HasTable(t) {
			continue
		}
		tab, ok := schema.Lookup(t)
		if !ok || tab.TimeColumn == "" {
			continue
		}
		q, err := engine.Compile(fmt.Sprintf("%s | summarize lo = min(%s), hi = max(%s)", t, tab.TimeColumn, tab.TimeColumn), engine.Options{})
		if err != nil {
			continue
		}
		out, err := q.Run(ctx, src)
		if err != nil || len(out.Rows) != 1 || !out.Rows[0][0].Valid {
			continue
		}
		ranges[t] = [2]int64{out.Rows[0][0].I, out.Rows[0][1].I}
	}
	missed := 0
	var example string
	var latest int64
	for _, c := range cands {
		r, ok := ranges[c.w.Table]
		if !ok {
			continue
		}
		if r[1] > latest {
			latest = r[1]
		}
		if c.w.Max < r[0] || c.w.Min > r[1] {
			missed++
			if example == "" {
				example = fmt.Sprintf("rule %q looks at %s %s .. %s, but the data covers %s .. %s", c.run.Rule.Name, c.w.Table,
					types.FormatDateTime(c.w.Min), types.FormatDateTime(c.w.Max), types.FormatDateTime(r[0]), types.FormatDateTime(r[1]))
			}
		}
	}
	if missed == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d rules found nothing because no input row falls in their time window; %s", missed, example)
	if wallClock {
		msg += "; pin the clock with --now (e.g. --now " + types.FormatDateTime(latest + types.TicksPerSecond)[:19] + "Z)"
	}
	return []string{msg}
}
