package hunt

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/exclusions"
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/sanction"
)

// Options configure a hunt.
type Options struct {
	Now        int64 // ticks; now() of every rule
	Workers    int
	NoPushdown bool
	Lenient    bool
	// Exclusions, when set, are applied to every rule they name: kept
	// events give findings, suppressed events give suppressed findings.
	Exclusions *exclusions.Set
	// Ledger, when set, receives every suppressed event.
	Ledger *exclusions.LedgerWriter
	// Sanctioned labels findings of tools the organisation runs on purpose.
	Sanctioned *sanction.Config
	// ExternalData and Watchlists resolve externaldata URLs and
	// _GetWatchlist aliases to local data (see engine.Options).
	ExternalData func(url string, cols []types.Column, format string) ([]types.Row, bool, error)
	Watchlists   func(name string) (*source.MemoryTable, bool)
	// NoSharedScan runs every rule with its own pass over the data (for
	// tests that compare with the shared pass).
	NoSharedScan bool
}

// Finding is one result row of one rule.
type Finding struct {
	Rule    *rules.Rule
	Columns []types.Column
	Row     types.Row
	// Sanctioned is the sanctioned-tools entry whose scope covers this
	// finding (nil: not sanctioned). Sanctioned findings sort last.
	Sanctioned *sanction.Entry
}

// Tool is the RMM tool the finding is about: the result's Tool column,
// else the rule's tool.
func (f *Finding) Tool() string {
	if v, ok := f.Value("Tool"); ok && v.T == types.String && v.S != "" {
		return v.S
	}
	return f.Rule.Tool
}

func (f *Finding) text(names ...string) string {
	for _, n := range names {
		if v, ok := f.Value(n); ok {
			return types.ToString(v)
		}
	}
	return ""
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
	Findings   []*Finding
	Suppressed []*Suppressed
	Runs       []*RuleRun
	// Expired and Inapplicable list exclusions that named a rule but did not
	// apply to it, by rule id.
	Expired      map[string][]*exclusions.Exclusion
	Inapplicable map[string][]*exclusions.Compiled
	// Matches count, per exclusion and rule, the events and findings it
	// suppressed (for the never-matched and suppresses-most lint checks).
	Matches []exclusions.MatchCount
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

// Run executes every rule of pack over src. Rules that scan each of their
// tables once share one pass over the data (see shared.go); the others, and
// rules with active exclusions, run on their own.
func Run(ctx context.Context, pack *rules.Pack, src source.Source, opts Options) (*Result, error) {
	res := &Result{Expired: map[string][]*exclusions.Exclusion{}, Inapplicable: map[string][]*exclusions.Compiled{}}
	now := types.TimeFromTicks(opts.Now)
	type pending struct {
		run *RuleRun
		q   *engine.Query
	}
	var shared []pending
	for _, r := range pack.Rules {
		run := &RuleRun{Rule: r}
		res.Runs = append(res.Runs, run)
		q, err := engine.Compile(r.Query, opts.engineOptions())
		if err != nil {
			run.Err = err
			run.ErrText = RuleError(r, err)
			continue
		}
		run.Windows = q.TimeWindows()
		run.Tables = q.Tables()
		if opts.Exclusions != nil {
			plans := map[string]*exclusions.RulePlan{}
			var perr error
			for _, t := range run.Tables {
				p, err := opts.Exclusions.ForRule(r.ID, r.Name, t, exclusions.ProjectSchema{}, now)
				if err != nil {
					perr = err
					break
				}
				res.Expired[r.ID] = appendNew(res.Expired[r.ID], p.Expired)
				res.Inapplicable[r.ID] = append(res.Inapplicable[r.ID], p.Inapplicable...)
				if len(p.Active) > 0 {
					plans[t] = p
				}
			}
			if perr != nil {
				run.Err = perr
				run.ErrText = fmt.Sprintf("%s: exclusions: %v", r.File, perr)
				continue
			}
			if len(plans) > 0 {
				if err := excluded(ctx, r, plans, src, opts, res, run); err != nil {
					if errors.Is(err, context.Canceled) {
						return nil, err
					}
					run.Err = err
					run.ErrText = RuleError(r, err)
				}
				continue
			}
		}
		if shareable(q) && !opts.NoSharedScan {
			shared = append(shared, pending{run, q})
			continue
		}
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
	if len(shared) > 0 {
		qs := make([]*engine.Query, len(shared))
		for i, p := range shared {
			qs[i] = p.q
		}
		outs, errs := sharedRun(ctx, qs, src, opts.Workers)
		for i, p := range shared {
			if errs[i] != nil {
				if errors.Is(errs[i], context.Canceled) {
					return nil, errs[i]
				}
				p.run.Err = errs[i]
				p.run.ErrText = fmt.Sprintf("%s: %v", p.run.Rule.File, errs[i])
				continue
			}
			p.run.Findings = len(outs[i].Rows)
			for _, row := range outs[i].Rows {
				res.Findings = append(res.Findings, &Finding{Rule: p.run.Rule, Columns: outs[i].Columns, Row: row})
			}
		}
	}
	for _, f := range res.Findings {
		f.Sanctioned = opts.Sanctioned.Match(f.Tool(), f.text("DeviceName"), f.text("MachineGroup"), f.text("TenantId"))
	}
	SortFindings(res.Findings)
	SortSuppressed(res.Suppressed)
	if opts.Ledger != nil {
		if err := opts.Ledger.Flush(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// shareable reports whether a query reads each table at most once, so it
// can take part in a shared scan.
func shareable(q *engine.Query) bool {
	seen := map[string]bool{}
	for _, sp := range q.Specs() {
		if seen[sp.Table] {
			return false
		}
		seen[sp.Table] = true
	}
	return len(seen) == 1
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
		if (a.Sanctioned == nil) != (b.Sanctioned == nil) {
			return a.Sanctioned == nil
		}
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

// SortSuppressed orders suppressed findings like findings.
func SortSuppressed(ss []*Suppressed) {
	fs := make([]*Finding, len(ss))
	pos := map[*Finding]*Suppressed{}
	for i, s := range ss {
		fs[i] = &s.Finding
		pos[fs[i]] = s
	}
	SortFindings(fs)
	for i, f := range fs {
		ss[i] = pos[f]
	}
}

func appendNew(list, add []*exclusions.Exclusion) []*exclusions.Exclusion {
	for _, a := range add {
		found := false
		for _, l := range list {
			if l == a {
				found = true
			}
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}

// engineOptions are the engine options every rule of a hunt compiles with.
func (o Options) engineOptions() engine.Options {
	return engine.Options{Now: o.Now, Workers: o.Workers, NoPushdown: o.NoPushdown, Lenient: o.Lenient,
		ExternalData: o.ExternalData, Watchlists: o.Watchlists}
}
