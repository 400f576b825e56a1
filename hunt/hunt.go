package hunt

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

// Options configure a hunt.
type Options struct {
	Now        int64 // ticks; now() of every rule
	Workers    int
	NoPushdown bool
	Lenient    bool
}

// Finding is one result row of one rule.
type Finding struct {
	Rule    *rules.Rule
	Columns []types.Column
	Row     types.Row
}

// Value returns the finding's value of a column (and whether it exists).
func (f *Finding) Value(name string) (types.Value, bool) {
	for i, c := range f.Columns {
		if c.Name == name {
			return f.Row[i], true
		}
	}
	return types.Value{}, false
}

// RuleRun is the outcome of one rule.
type RuleRun struct {
	Rule     *rules.Rule
	Err      error  // compile or run error (rule skipped)
	ErrText  string // Err rendered with file:line:col
	Findings int
	Windows  []engine.TimeWindow
	Tables   []string
}

// Result is a hunt's outcome.
type Result struct {
	Findings []*Finding
	Runs     []*RuleRun
}

// Failed returns the runs whose rule could not run.
func (r *Result) Failed() []*RuleRun {
	var out []*RuleRun
	for _, run := range r.Runs {
		if run.Err != nil {
			out = append(out, run)
		}
	}
	return out
}

// Run executes every rule of pack over src.
func Run(ctx context.Context, pack *rules.Pack, src source.Source, opts Options) (*Result, error) {
	res := &Result{}
	for _, r := range pack.Rules {
		run := &RuleRun{Rule: r}
		res.Runs = append(res.Runs, run)
		q, err := engine.Compile(r.Query, engine.Options{Now: opts.Now, Workers: opts.Workers, NoPushdown: opts.NoPushdown, Lenient: opts.Lenient})
		if err != nil {
			run.Err = err
			run.ErrText = RuleError(r, err)
			continue
		}
		run.Windows = q.TimeWindows()
		run.Tables = q.Tables()
		out, err := q.Run(ctx, src)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil, err
			}
			run.Err = err
			run.ErrText = fmt.Sprintf("%s: %v", r.File, err)
			continue
		}
		run.Findings = len(out.Rows)
		for _, row := range out.Rows {
			res.Findings = append(res.Findings, &Finding{Rule: r, Columns: out.Columns, Row: row})
		}
	}
	SortFindings(res.Findings)
	return res, nil
}

// RuleError renders a compile error at its position in the rule file.
func RuleError(r *rules.Rule, err error) string {
	var el syntax.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		var parts []string
		for _, e := range el {
			line, col := r.FilePos(e.Line, e.Col)
			msg := fmt.Sprintf("%s:%d:%d: %s", r.File, line, col, e.Msg)
			if e.Hint != "" {
				msg += " (hint: " + e.Hint + ")"
			}
			parts = append(parts, msg)
		}
		return strings.Join(parts, "\n")
	}
	return fmt.Sprintf("%s: %v", r.File, err)
}

// SeverityRank orders severities, most severe first.
func SeverityRank(s string) int {
	switch strings.ToLower(s) {
	case "high":
		return 0
	case "medium":
		return 1
	case "low":
		return 2
	case "informational":
		return 3
	}
	return 4
}

// SortFindings orders findings by severity, rule name, device, first seen
// and finally the full row text, so output is deterministic.
func SortFindings(fs []*Finding) {
	key := func(f *Finding, names ...string) string {
		for _, n := range names {
			if v, ok := f.Value(n); ok {
				return types.ToString(v)
			}
		}
		return ""
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := SeverityRank(a.Rule.Severity), SeverityRank(b.Rule.Severity); ra != rb {
			return ra < rb
		}
		if a.Rule.Name != b.Rule.Name {
			return a.Rule.Name < b.Rule.Name
		}
		if a.Rule.ID != b.Rule.ID {
			return a.Rule.ID < b.Rule.ID
		}
		if da, db := key(a, "DeviceName"), key(b, "DeviceName"); da != db {
			return da < db
		}
		if fa, fb := key(a, "FirstSeen", "Timestamp", "TimeGenerated"), key(b, "FirstSeen", "Timestamp", "TimeGenerated"); fa != fb {
			return fa < fb
		}
		return rowText(a.Row) < rowText(b.Row)
	})
}

func rowText(r types.Row) string {
	var sb strings.Builder
	for _, v := range r {
		sb.WriteString(types.ToString(v))
		sb.WriteByte(0)
	}
	return sb.String()
}
