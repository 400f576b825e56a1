package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TextOptions control the terminal report.
type TextOptions struct {
	// Wide prints every value in full (no eliding, no fitting).
	Wide bool
	// Width is the terminal width to fit tables into (0: not a terminal;
	// values are elided at DefaultCellWidth only).
	Width int
	// Color marks severities and headings with ANSI colours.
	Color bool
}

// DefaultCellWidth is the longest cell the terminal report prints without
// --wide.
const DefaultCellWidth = 48

// ANSI styles of the terminal report.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

// severityStyle is the ANSI style of a severity.
func severityStyle(sev string) string {
	switch strings.ToLower(sev) {
	case "high":
		return "\x1b[1;31m"
	case "medium":
		return "\x1b[1;33m"
	case "low":
		return "\x1b[36m"
	}
	return ansiDim
}

type styler bool

func (s styler) style(style, text string) string {
	if !s || text == "" {
		return text
	}
	return style + text + ansiReset
}

// WriteHuntText writes the report for people: findings grouped by rule and
// tool (severity first), what exclusions suppressed, notes, and a summary
// block (inputs, rows per table, rejections, time range, rules, findings,
// suppressed, elapsed, rows/s).
func WriteHuntText(w io.Writer, h *Hunt, o TextOptions) error {
	st := styler(o.Color)
	topts := TableOptions{MaxWidth: DefaultCellWidth, FitWidth: o.Width, Priority: columnPriority}
	if o.Wide {
		topts = TableOptions{}
	}
	var sb strings.Builder
	anyElided := false
	for _, g := range Groups(h.Findings) {
		sev := g.Findings[0].Severity()
		head := st.style(severityStyle(sev), strings.ToUpper(Visible(sev)))
		if g.Tool != "" {
			head += " · " + st.style(ansiBold, Visible(g.Tool))
		}
		head += " · " + st.style(ansiBold, Visible(g.Rule.Name)) + " · " + plural(len(g.Findings), "finding")
		if g.Sanctioned {
			s := g.Findings[0].Sanctioned
			label := "SANCTIONED (" + s.Tool + " is on the sanctioned list"
			if s.Reason != "" {
				label += ": " + s.Reason
			}
			head += " · " + st.style(ansiDim, Visible(label+")"))
		}
		sb.WriteString("== " + head + "\n")
		t := Table{Columns: g.Findings[0].Columns}
		for _, f := range g.Findings {
			t.Rows = append(t.Rows, f.Row)
		}
		text, el, hidden := FitTable(t, topts)
		anyElided = anyElided || el || len(hidden) > 0
		sb.WriteString(text)
		sb.WriteString(hiddenNote(hidden, st))
		sb.WriteByte('\n')
	}
	tools, _ := h.ToolCounts()
	var named []string
	for _, t := range tools {
		if t != "" {
			named = append(named, t)
		}
	}
	fmt.Fprintf(&sb, "%s from %d rules", plural(len(h.Findings), "finding"), h.Summary.RulesRun-h.Summary.RulesFailed)
	if len(named) > 0 {
		fmt.Fprintf(&sb, " (tools: %s)", Visible(strings.Join(named, ", ")))
	}
	sb.WriteByte('\n')
	if el := suppressedText(&sb, h, topts, st); el {
		anyElided = true
	}
	for _, n := range h.Summary.Notes {
		sb.WriteString("note: " + Visible(n) + "\n")
	}
	summaryText(&sb, h, st)
	if anyElided {
		sb.WriteString(st.style(ansiDim, "(long values were shortened with …; --wide prints every column in full, --format json or html keeps everything)") + "\n")
	}
	if len(h.Suppressed) > 0 {
		// The last word: nothing an exclusion hid goes unmentioned.
		fmt.Fprintf(&sb, "%s suppressed by %s (listed above)\n", plural(len(h.Suppressed), "finding"), plural(len(h.SuppressingExclusions()), "exclusion"))
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// suppressedText lists what exclusions hid, so nothing disappears unseen.
func suppressedText(sb *strings.Builder, h *Hunt, topts TableOptions, st styler) bool {
	if len(h.Suppressed) == 0 {
		return false
	}
	fmt.Fprintf(sb, "\n%s suppressed by %s:\n", plural(len(h.Suppressed), "finding"), plural(len(h.SuppressingExclusions()), "exclusion"))
	elided := false
	for _, g := range Groups(h.Suppressed) {
		fmt.Fprintf(sb, "-- %s\n", Visible(g.Rule.Name))
		cols := append([]types.Column{{Name: "SuppressedBy", Type: types.String}, {Name: "Owner", Type: types.String}, {Name: "Expires", Type: types.String}}, g.Findings[0].Columns...)
		t := Table{Columns: cols}
		for _, f := range g.Findings {
			var id, owner, exp []string
			for _, e := range f.SuppressedBy {
				id = append(id, e.ID)
				owner = append(owner, e.Owner)
				x := e.Expires
				if x == "" {
					x = "never"
				}
				exp = append(exp, x)
			}
			row := types.Row{types.NewString(strings.Join(id, ",")), types.NewString(strings.Join(owner, ",")), types.NewString(strings.Join(exp, ","))}
			t.Rows = append(t.Rows, append(row, f.Row...))
		}
		text, el, hidden := FitTable(t, topts)
		elided = elided || el || len(hidden) > 0
		sb.WriteString(text)
		sb.WriteString(hiddenNote(hidden, st))
	}
	return elided
}

// hiddenNote is the dimmed line naming the columns a table left out to fit
// the screen ("" when none were).
func hiddenNote(hidden []string, st styler) string {
	if len(hidden) == 0 {
		return ""
	}
	return st.style(ansiDim, "(not shown to fit the screen: "+Visible(strings.Join(hidden, ", "))+")") + "\n"
}

func summaryText(sb *strings.Builder, h *Hunt, st styler) {
	s := &h.Summary
	line := func(label, format string, a ...any) {
		fmt.Fprintf(sb, "  %-11s %s\n", label, fmt.Sprintf(format, a...))
	}
	sb.WriteString("\n" + st.style(ansiBold, "Summary") + "\n")
	var unrec []string
	for _, in := range s.Inputs {
		if in.Format == "unrecognized" {
			unrec = append(unrec, in.File)
		}
	}
	inputs := fmt.Sprintf("%s, %d records", plural(len(s.Inputs), "file"), s.Records())
	if len(unrec) > 0 {
		inputs += fmt.Sprintf(" (not telemetry, skipped: %s)", Visible(strings.Join(unrec, ", ")))
	}
	line("inputs", "%s", inputs)
	tables := s.Tables()
	nameW := 0
	for _, t := range tables {
		if n := utf8.RuneCountInString(Visible(t.Name)); n > nameW {
			nameW = n
		}
	}
	for i, t := range tables {
		label := ""
		if i == 0 {
			label = "tables"
		}
		text := fmt.Sprintf("%-*s %8d rows", nameW, Visible(t.Name), t.Rows)
		if t.HasTime {
			text += fmt.Sprintf("  %s .. %s", types.FormatDateTime(t.First), types.FormatDateTime(t.Last))
		}
		line(label, "%s", text)
	}
	if len(tables) == 0 {
		line("tables", "none")
	}
	if n := s.Rejections(); n > 0 {
		line("rejections", "%d records or fields (see the warnings; --rejects FILE keeps them)", n)
	} else {
		line("rejections", "none")
	}
	if first, last, ok := s.TimeRange(); ok {
		line("time range", "%s .. %s", types.FormatDateTime(first), types.FormatDateTime(last))
	}
	line("now", "%s", types.FormatDateTime(s.Now))
	line("rules", "%d run, %d failed", s.RulesRun, s.RulesFailed)
	tools, counts := h.ToolCounts()
	var parts []string
	for _, t := range tools {
		parts = append(parts, fmt.Sprintf("%s %d", Visible(toolLabel(t)), counts[t]))
	}
	findings := fmt.Sprintf("%d on %s", len(h.Findings), plural(h.Devices(), "device"))
	if len(parts) > 0 {
		findings += " (" + strings.Join(parts, ", ") + ")"
	}
	if sanctioned := h.SanctionedFindings(); sanctioned > 0 {
		findings += fmt.Sprintf(", %d of them sanctioned", sanctioned)
	}
	line("findings", "%s", findings)
	if len(h.Suppressed) > 0 {
		ids := h.SuppressingExclusions()
		line("suppressed", "%d by %s (%s)", len(h.Suppressed), plural(len(ids), "exclusion"), Visible(strings.Join(ids, ", ")))
	} else {
		line("suppressed", "0")
	}
	el := h.Manifest.Timing.Elapsed()
	if rps := h.Manifest.Timing.RowsPerSecond(s.Records()); rps > 0 {
		line("elapsed", "%.2f s, %.0f rows/s", el.Seconds(), rps)
	} else {
		line("elapsed", "%.2f s", el.Seconds())
	}
}

// columnPriority ranks result columns for hiding on a narrow screen: ids,
// hashes, paths and version details go first; the device, tool, times and
// counts stay.
func columnPriority(name string) int {
	switch name {
	case "DeviceName", "Computer", "Tool", "FirstSeen", "LastSeen", "Timestamp", "TimeGenerated", "Count", "SuppressedBy":
		return KeepColumn
	case "DeviceId", "ReportId", "ReportIds", "Report", "TenantId", "MachineGroup", "SHA1", "SHA1s", "SHA256", "SHA256s", "MD5",
		"Issuer", "FolderPath", "InitiatingProcessFolderPath", "ProcessVersionInfoCompanyName", "ProcessVersionInfoProductName",
		"InitiatingProcessAccountName", "AccountName", "Owner", "Expires":
		return 0
	}
	return 1
}
