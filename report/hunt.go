package report

import (
	"sort"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

// Hunt is everything a hunt report shows: the findings, what exclusions
// suppressed, the run summary, lint results and the run manifest. The
// command line fills it from the hunt's result; the writers (WriteHuntText,
// WriteHuntJSON, WriteHuntJSONLines, WriteHuntCSV, WriteHuntHTML) render it.
type Hunt struct {
	// Findings are in report order (severity, rule, device, first seen;
	// sanctioned findings last).
	Findings []*Finding
	// Suppressed are the findings exclusions hid, in the same order, each
	// with the exclusions responsible.
	Suppressed []*Finding
	Summary    Summary
	// RuleLint and ExclusionLint are the lint results of the rule pack and
	// of the exclusion files the hunt used.
	RuleLint      []LintItem
	ExclusionLint []LintItem
	Manifest      Manifest
}

// Finding is one result row of one rule.
type Finding struct {
	Rule *rules.Rule
	// Tool is the RMM tool the finding is about (the result's Tool column,
	// else the rule's tool; may be empty).
	Tool    string
	Columns []types.Column
	Row     types.Row
	// Sanctioned is set when the tool is on the sanctioned list for the
	// finding's device.
	Sanctioned *Sanction
	// SuppressedBy lists, for a suppressed finding, the exclusions that
	// hid it (empty for a finding).
	SuppressedBy []ExclusionRef
	// Entities are the finding's entities (see Entities).
	Entities []Entity
}

// Sanction is the sanctioned-tools entry that covers a finding.
type Sanction struct {
	Tool, Owner, Reason string
}

// ExclusionRef describes an exclusion that suppressed a finding.
type ExclusionRef struct {
	ID     string
	Name   string
	Owner  string
	Reason string
	// Expires is the last day the exclusion applies ("" when it has no
	// expiry), as YYYY-MM-DD.
	Expires string
	// File and Line locate the exclusion's entry.
	File string
	Line int
}

// LintItem is one lint diagnostic of a rule file or an exclusion.
type LintItem struct {
	// Subject is the rule file or the exclusion id the item is about.
	Subject  string
	Severity string // error, warning or info
	Code     string
	Message  string
	// Location is file:line:col ("" when unknown).
	Location string
}

// Summary is the run summary: what was read, what ran, what came out.
type Summary struct {
	Now         int64 // ticks
	Inputs      []InputSummary
	RulesRun    int
	RulesFailed int
	// RuleErrors are the errors of the rules that could not run, with
	// file:line:col.
	RuleErrors []string
	// Notes explain empty windows, expired and inapplicable exclusions.
	Notes []string
}

// InputSummary is what was read from one input file.
type InputSummary struct {
	File     string
	Format   string
	Records  int64
	Skipped  int64 // records a prefilter proved could not match
	Rejected int64 // records that produced no row
	Tables   []TableSummary
	// Rejections are examples of rejected records.
	Rejections []string
	// Unrouted counts records of no supported table, by reason.
	Unrouted map[string]int64
	Err      string
}

// TableSummary is what was read into one table (of one file, or of all
// files in Summary.Tables).
type TableSummary struct {
	Name            string
	Rows            int64
	FieldRejections int64
	RejectedRecords int64
	// HasTime is false when no row had a time; First and Last are ticks.
	HasTime     bool
	First, Last int64
	// Rejections are examples of rejected fields and records.
	Rejections []string
}

// Records is the number of records read from every input.
func (s *Summary) Records() int64 {
	var n int64
	for _, in := range s.Inputs {
		n += in.Records
	}
	return n
}

// Rejections is the number of rejected records and fields.
func (s *Summary) Rejections() int64 {
	var n int64
	for _, in := range s.Inputs {
		n += in.Rejected
		for _, t := range in.Tables {
			n += t.FieldRejections
		}
	}
	return n
}

// Tables sums the per-file tables by name, in name order.
func (s *Summary) Tables() []TableSummary {
	by := map[string]*TableSummary{}
	for _, in := range s.Inputs {
		for _, t := range in.Tables {
			a, ok := by[t.Name]
			if !ok {
				a = &TableSummary{Name: t.Name}
				by[t.Name] = a
			}
			a.Rows += t.Rows
			a.FieldRejections += t.FieldRejections
			a.RejectedRecords += t.RejectedRecords
			if t.HasTime {
				if !a.HasTime || t.First < a.First {
					a.First = t.First
				}
				if !a.HasTime || t.Last > a.Last {
					a.Last = t.Last
				}
				a.HasTime = true
			}
		}
	}
	out := make([]TableSummary, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TimeRange is the time range of the data over every table (ok false when
// no row had a time).
func (s *Summary) TimeRange() (first, last int64, ok bool) {
	for _, t := range s.Tables() {
		if !t.HasTime {
			continue
		}
		if !ok || t.First < first {
			first = t.First
		}
		if !ok || t.Last > last {
			last = t.Last
		}
		ok = true
	}
	return first, last, ok
}

// Value returns the finding's value of a column (and whether it exists).
func (f *Finding) Value(name string) (types.Value, bool) {
	for i, c := range f.Columns {
		if c.Name == name && i < len(f.Row) {
			return f.Row[i], true
		}
	}
	return types.Value{}, false
}

// text returns the text of the first of the columns that exists and is
// not empty.
func (f *Finding) text(names ...string) string {
	for _, n := range names {
		if v, ok := f.Value(n); ok {
			if s := Text(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// Device is the finding's device name (DeviceName, else Computer, else
// DeviceId); "" when the result has none.
func (f *Finding) Device() string {
	return f.text("DeviceName", "Computer", "DeviceId")
}

// timeColumn returns the first datetime among the named columns.
func (f *Finding) timeColumn(names ...string) (int64, bool) {
	for _, n := range names {
		if v, ok := f.Value(n); ok && v.Valid && v.T == types.DateTime {
			return v.I, true
		}
	}
	return 0, false
}

// FirstSeen is the finding's first time: FirstSeen, else Timestamp, else
// TimeGenerated (ok false when the result has none).
func (f *Finding) FirstSeen() (int64, bool) {
	return f.timeColumn("FirstSeen", "StartTime", "Timestamp", "TimeGenerated")
}

// LastSeen is the finding's last time: LastSeen, else the first time.
func (f *Finding) LastSeen() (int64, bool) {
	return f.timeColumn("LastSeen", "EndTime", "FirstSeen", "StartTime", "Timestamp", "TimeGenerated")
}

// Severity is the rule's severity, or "Unrated".
func (f *Finding) Severity() string {
	if s := strings.TrimSpace(f.Rule.Severity); s != "" {
		return s
	}
	return "Unrated"
}

// Manifest records what a run used and produced, so a report can be tied
// to its inputs: tool version, clock, rule pack, exclusion and input files
// with their sizes and SHA-256, counts and timing.
type Manifest struct {
	Tool    string // "rmmhunt"
	Version string
	Now     int64 // ticks
	// RulePack describes the rules: where they came from and a hash of the
	// loaded rules.
	RulePack   RulePack
	Exclusions []FileDigest
	Sanctioned *FileDigest
	Inputs     []FileDigest
	Counts     Counts
	Timing     Timing
}

// RulePack identifies the rule pack of a run.
type RulePack struct {
	// Sources are the --rules paths, or "builtin".
	Sources []string
	Rules   int
	// SHA256 is the hash of the loaded rules (see PackHash).
	SHA256 string
}

// Counts are the run's totals.
type Counts struct {
	Inputs      int
	Records     int64
	Rejections  int64
	RulesRun    int
	RulesFailed int
	Findings    int
	Suppressed  int
	Sanctioned  int
	Devices     int
}

// Timing is the only part of a report that differs between two runs over
// the same inputs.
type Timing struct {
	Started, Finished time.Time
}

// Elapsed is the wall time of the run.
func (t Timing) Elapsed() time.Duration { return t.Finished.Sub(t.Started) }

// RowsPerSecond is records over elapsed time (0 when no time elapsed).
func (t Timing) RowsPerSecond(records int64) float64 {
	if s := t.Elapsed().Seconds(); s > 0 {
		return float64(records) / s
	}
	return 0
}

// Devices is the number of distinct devices among findings.
func (h *Hunt) Devices() int {
	seen := map[string]bool{}
	for _, f := range h.Findings {
		if d := f.Device(); d != "" {
			seen[d] = true
		}
	}
	return len(seen)
}

// SanctionedFindings is the number of findings of a sanctioned tool.
func (h *Hunt) SanctionedFindings() int {
	n := 0
	for _, f := range h.Findings {
		if f.Sanctioned != nil {
			n++
		}
	}
	return n
}

// Totals are the run's counts (Manifest.Counts) as the findings and the
// summary give them.
func (h *Hunt) Totals() Counts {
	s := &h.Summary
	return Counts{Inputs: len(s.Inputs), Records: s.Records(), Rejections: s.Rejections(),
		RulesRun: s.RulesRun, RulesFailed: s.RulesFailed, Findings: len(h.Findings),
		Suppressed: len(h.Suppressed), Sanctioned: h.SanctionedFindings(), Devices: h.Devices()}
}

// toolLabel names a tool for people: "no tool" for findings of no known
// tool ("").
func toolLabel(tool string) string {
	if tool == "" {
		return "no tool"
	}
	return tool
}

// ToolCounts is the number of findings per tool, by tool name ("" for
// findings of no known tool).
func (h *Hunt) ToolCounts() ([]string, map[string]int) {
	n := map[string]int{}
	for _, f := range h.Findings {
		n[f.Tool]++
	}
	names := make([]string, 0, len(n))
	for t := range n {
		names = append(names, t)
	}
	sort.Strings(names)
	return names, n
}

// Group is the findings of one rule about one tool.
type Group struct {
	Rule       *rules.Rule
	Tool       string
	Sanctioned bool
	Findings   []*Finding
}

// SuppressingExclusions lists, sorted, the ids of the exclusions that
// suppressed at least one finding.
func (h *Hunt) SuppressingExclusions() []string {
	seen := map[string]bool{}
	var ids []string
	for _, f := range h.Suppressed {
		for _, e := range f.SuppressedBy {
			if !seen[e.ID] {
				seen[e.ID] = true
				ids = append(ids, e.ID)
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// Groups splits findings by rule and tool (sanctioned ones apart), in the
// order of their first finding.
func Groups(fs []*Finding) []*Group {
	var out []*Group
	idx := map[string]*Group{}
	for _, f := range fs {
		key := f.Rule.ID + "\x00" + f.Rule.File + "\x00" + f.Tool
		if f.Sanctioned != nil {
			key += "\x00s"
		}
		g, ok := idx[key]
		if !ok {
			g = &Group{Rule: f.Rule, Tool: f.Tool, Sanctioned: f.Sanctioned != nil}
			idx[key] = g
			out = append(out, g)
		}
		g.Findings = append(g.Findings, f)
	}
	return out
}
