package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/exclusions"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/sanction"
)

type huntOptions struct {
	rules          []string
	now            string
	format         string
	output         string
	failOnFindings bool
	noPushdown     bool
	lenient        bool
	wide           bool
	exclusions     []string
	allowUnsafe    bool
	ledger         string
	sanctioned     string
	inputs         inputFlags
}

func newHuntCmd(s *Streams) *cobra.Command {
	o := &huntOptions{}
	cmd := &cobra.Command{
		Use:   "hunt [flags] INPUT...",
		Short: "Run the rule pack (built-in or --rules) over telemetry and print findings",
		Long: `hunt runs every rule of a pack over the inputs and prints the findings.

Without --rules it runs the built-in pack: the seed MSP360/CloudBerry rule and
the rules generated from rmmhunt's RMM catalog. Rules are Sentinel/Defender
YAML files (or Markdown/KQL files holding queries); a rule that does not parse
or bind is reported with file:line:col and skipped, and the exit code is 2.

Most rules look back from now() (for example "Timestamp between (now(-5d)..now())").
Over an old export pin the clock with --now, or nothing falls in the window;
hunt says so when it happens.`,
		Example: `  rmmhunt hunt --now 2026-03-08T00:00:00Z examples/incident/
  rmmhunt hunt --rules my-rules/ --format json -o findings.json export.json.gz
  rmmhunt hunt --fail-on-findings --now 2026-03-08T00:00:00Z exports/   # exit 1 when something is found`,
		RunE: func(cmd *cobra.Command, args []string) error { return runHunt(s, o, args) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.rules, "rules", nil, "rule file or folder (repeatable); default: the built-in pack")
	f.StringVar(&o.now, "now", "", "pin now() (RFC 3339), e.g. 2026-03-08T00:00:00Z")
	f.StringVar(&o.format, "format", "table", "output format: table, json, jsonl, csv")
	f.StringVarP(&o.output, "output", "o", "", "write findings to FILE instead of standard output")
	f.BoolVar(&o.failOnFindings, "fail-on-findings", false, "exit 1 when there is at least one finding")
	f.BoolVar(&o.noPushdown, "no-pushdown", false, "disable prefilter/column/time pushdown (answers must not change)")
	f.BoolVar(&o.lenient, "lenient-lists", false, "accept a trailing comma in lists (with a warning)")
	f.BoolVar(&o.wide, "wide", false, "do not elide long values in the table output")
	f.StringArrayVar(&o.exclusions, "exclusions", nil, "exclusion file (YAML, repeatable); see rmmhunt exclusions --help")
	f.BoolVar(&o.allowUnsafe, "allow-unsafe-exclusions", false, "apply exclusions even when their lint reports errors")
	f.StringVar(&o.ledger, "ledger", "", "append every suppressed event to FILE (JSON lines)")
	f.StringVar(&o.sanctioned, "sanctioned", "", "YAML list of RMM tools you run on purpose (optionally scoped to devices, groups, tenants); their findings are labelled and listed last")
	o.inputs.register(cmd)
	return cmd
}

func loadPack(s *Streams, paths []string) (*rules.Pack, error) {
	if len(paths) == 0 {
		p, err := rules.Builtin()
		if err != nil {
			return nil, inputErr(err)
		}
		return p, nil
	}
	p, ds := rules.Load(paths...)
	for _, d := range ds {
		if d.Severity != rules.SeverityInfo {
			fmt.Fprintln(s.Err, d.String())
		}
	}
	if ds.HasErrors() && (p == nil || len(p.Rules) == 0) {
		return nil, &exitError{code: ExitUsage, err: fmt.Errorf("no rule could be loaded")}
	}
	return p, nil
}

func runHunt(s *Streams, o *huntOptions, args []string) error {
	if err := oneOf("format", o.format, "table", "json", "jsonl", "csv"); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErr("give at least one input file or folder (or - for standard input); see rmmhunt hunt --help")
	}
	now, err := parseNow(o.now)
	if err != nil {
		return err
	}
	pack, err := loadPack(s, o.rules)
	if err != nil {
		return err
	}
	hopts := hunt.Options{Now: now, Workers: o.inputs.workerCount(), NoPushdown: o.noPushdown, Lenient: o.lenient}
	if hopts.ExternalData, err = o.inputs.ext.externalData(); err != nil {
		return err
	}
	if hopts.Watchlists, err = o.inputs.ext.watchlistTables(); err != nil {
		return err
	}
	if len(o.exclusions) > 0 {
		exset, err := loadExclusions(s, o.exclusions, pack, now, o.allowUnsafe)
		if err != nil {
			return err
		}
		hopts.Exclusions = exset
	}
	if o.sanctioned != "" {
		sc, err := sanction.Load(o.sanctioned)
		if err != nil {
			return inputErr(err)
		}
		hopts.Sanctioned = sc
	}
	if o.ledger != "" {
		lf, err := os.OpenFile(o.ledger, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return inputErr(err)
		}
		defer lf.Close()
		hopts.Ledger = exclusions.NewLedgerWriter(lf)
	}
	set, closeInputs, err := o.inputs.open(s, args)
	if err != nil {
		return err
	}
	defer closeInputs()
	res, err := hunt.Run(context.Background(), pack, set, hopts)
	if err != nil {
		return inputErr(err)
	}
	sum := set.Summary()
	for _, run := range res.Failed() {
		fmt.Fprintln(s.Err, run.ErrText)
	}
	notes := hunt.WindowNotes(context.Background(), res, set, o.now == "")
	for _, n := range notes {
		fmt.Fprintln(s.Err, "note:", n)
	}
	err = writeOut(s, o.output, func(w io.Writer) error {
		switch o.format {
		case "json":
			return writeFindingsJSON(w, res, sum, now)
		case "jsonl":
			return writeFindingsJSONL(w, res)
		case "csv":
			return writeFindingsCSV(w, res)
		}
		return writeFindingsText(w, res, s, o.wide)
	})
	if err != nil {
		return err
	}
	if o.format != "table" || o.output != "" {
		fmt.Fprintf(s.Err, "%d findings from %d rules\n", len(res.Findings), len(res.Runs)-len(res.Failed()))
	}
	if sum.TotalRejections() > 0 {
		fmt.Fprintf(s.Err, "warning: %d input records or fields were rejected\n", sum.TotalRejections())
		printSummary(s.Err, sum)
		if o.inputs.strict {
			return usageErr("--strict: input records or fields were rejected")
		}
	}
	if len(res.Failed()) > 0 {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%d of %d rules could not run (see above)", len(res.Failed()), len(res.Runs))}
	}
	if o.failOnFindings && len(res.Findings) > 0 {
		return &exitError{code: ExitFindings}
	}
	return nil
}

func ruleJSON(sb *strings.Builder, r *rules.Rule) {
	sb.WriteString(`{"id":`)
	types.WriteJSONString(sb, r.ID)
	sb.WriteString(`,"name":`)
	types.WriteJSONString(sb, r.Name)
	sb.WriteString(`,"severity":`)
	types.WriteJSONString(sb, r.Severity)
	sb.WriteString(`,"tactics":`)
	stringList(sb, r.Tactics)
	sb.WriteString(`,"techniques":`)
	stringList(sb, r.Techniques)
	if r.Tool != "" {
		sb.WriteString(`,"tool":`)
		types.WriteJSONString(sb, r.Tool)
	}
	sb.WriteString(`,"file":`)
	types.WriteJSONString(sb, r.File)
	sb.WriteString("}")
}

func stringList(sb *strings.Builder, xs []string) {
	sb.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			sb.WriteByte(',')
		}
		types.WriteJSONString(sb, x)
	}
	sb.WriteByte(']')
}

func findingJSON(sb *strings.Builder, f *hunt.Finding) {
	sb.WriteString(`{"rule":`)
	ruleJSON(sb, f.Rule)
	if f.Sanctioned != nil {
		sb.WriteString(`,"sanctioned":{"tool":`)
		types.WriteJSONString(sb, f.Sanctioned.Tool)
		sb.WriteString(`,"owner":`)
		types.WriteJSONString(sb, f.Sanctioned.Owner)
		sb.WriteString(`,"reason":`)
		types.WriteJSONString(sb, f.Sanctioned.Reason)
		sb.WriteString("}")
	}
	sb.WriteString(`,"row":`)
	report.RowObject(sb, f.Columns, f.Row)
	sb.WriteString("}")
}

func writeFindingsJSON(w io.Writer, res *hunt.Result, sum *ingest.Summary, now int64) error {
	var sb strings.Builder
	sb.WriteString("{\"findings\":[")
	for i, f := range res.Findings {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n")
		findingJSON(&sb, f)
	}
	sb.WriteString("\n],\"suppressed\":[")
	for i, sf := range res.Suppressed {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n{\"rule\":")
		ruleJSON(&sb, sf.Rule)
		sb.WriteString(`,"exclusions":`)
		stringList(&sb, sf.Exclusions)
		sb.WriteString(`,"row":`)
		report.RowObject(&sb, sf.Columns, sf.Row)
		sb.WriteString("}")
	}
	sb.WriteString("\n],\n\"summary\":")
	summaryJSON(&sb, res, sum, now)
	sb.WriteString("}\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

func summaryJSON(sb *strings.Builder, res *hunt.Result, sum *ingest.Summary, now int64) {
	sb.WriteString(`{"now":`)
	types.WriteJSONString(sb, types.FormatDateTime(now))
	fmt.Fprintf(sb, `,"rules":%d,"rules_failed":%d,"findings":%d,"rule_errors":[`, len(res.Runs), len(res.Failed()), len(res.Findings))
	for i, r := range res.Failed() {
		if i > 0 {
			sb.WriteByte(',')
		}
		types.WriteJSONString(sb, r.ErrText)
	}
	sb.WriteString(`],"inputs":[`)
	for i, f := range sum.Files {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"file":`)
		types.WriteJSONString(sb, f.File)
		sb.WriteString(`,"format":`)
		types.WriteJSONString(sb, f.Format)
		fmt.Fprintf(sb, `,"records":%d,"skipped_by_prefilter":%d,"rejected":%d,"tables":{`, f.Records, f.Skipped, f.Rejected)
		for j, name := range f.TableNames() {
			t := f.Tables[name]
			if j > 0 {
				sb.WriteByte(',')
			}
			types.WriteJSONString(sb, name)
			fmt.Fprintf(sb, `:{"rows":%d,"field_rejections":%d,"rejected_records":%d`, t.Rows, t.FieldRejects, t.RejectedRecords)
			if t.HasTime {
				sb.WriteString(`,"first":`)
				types.WriteJSONString(sb, types.FormatDateTime(t.MinTicks))
				sb.WriteString(`,"last":`)
				types.WriteJSONString(sb, types.FormatDateTime(t.MaxTicks))
			}
			sb.WriteString(`,"rejections":[`)
			for k, ex := range t.Examples {
				if k > 0 {
					sb.WriteByte(',')
				}
				types.WriteJSONString(sb, ex.String())
			}
			sb.WriteString("]}")
		}
		sb.WriteString(`},"rejections":[`)
		for k, ex := range f.Examples {
			if k > 0 {
				sb.WriteByte(',')
			}
			types.WriteJSONString(sb, ex.String())
		}
		sb.WriteString("]}")
	}
	sb.WriteString("]}")
}

func writeFindingsJSONL(w io.Writer, res *hunt.Result) error {
	var sb strings.Builder
	for _, f := range res.Findings {
		sb.Reset()
		findingJSON(&sb, f)
		sb.WriteByte('\n')
		if _, err := io.WriteString(w, sb.String()); err != nil {
			return err
		}
	}
	return nil
}

// writeFindingsCSV writes one record per finding: rule metadata, then the
// union of result columns in first-seen order.
func writeFindingsCSV(w io.Writer, res *hunt.Result) error {
	var cols []types.Column
	seen := map[string]bool{}
	for _, f := range res.Findings {
		for _, c := range f.Columns {
			if !seen[c.Name] {
				seen[c.Name] = true
				cols = append(cols, c)
			}
		}
	}
	head := []types.Column{{Name: "rule_id", Type: types.String}, {Name: "rule_name", Type: types.String}, {Name: "severity", Type: types.String}, {Name: "tool", Type: types.String}}
	t := report.Table{Columns: append(head, cols...)}
	for _, f := range res.Findings {
		row := types.Row{types.NewString(f.Rule.ID), types.NewString(f.Rule.Name), types.NewString(f.Rule.Severity), types.NewString(f.Rule.Tool)}
		for _, c := range cols {
			v, ok := f.Value(c.Name)
			if !ok {
				v = types.Null(c.Type)
			}
			row = append(row, v)
		}
		t.Rows = append(t.Rows, row)
	}
	return report.WriteCSV(w, t)
}

// writeFindingsText prints findings grouped by rule.
func writeFindingsText(w io.Writer, res *hunt.Result, s *Streams, wide bool) error {
	maxw := 48
	if wide {
		maxw = 0
	}
	var groups []string
	byRule := map[string][]*hunt.Finding{}
	for _, f := range res.Findings {
		key := f.Rule.ID
		if f.Sanctioned != nil {
			key += " (sanctioned)"
		}
		if _, ok := byRule[key]; !ok {
			groups = append(groups, key)
		}
		byRule[key] = append(byRule[key], f)
	}
	for _, id := range groups {
		fs := byRule[id]
		r := fs[0].Rule
		sev := r.Severity
		if sev == "" {
			sev = "unrated"
		}
		tool := ""
		if r.Tool != "" {
			tool = " · tool: " + r.Tool
		}
		label := ""
		if fs[0].Sanctioned != nil {
			label = " · SANCTIONED (" + fs[0].Sanctioned.Tool + " is on the sanctioned list"
			if fs[0].Sanctioned.Reason != "" {
				label += ": " + fs[0].Sanctioned.Reason
			}
			label += ")"
		}
		fmt.Fprintf(w, "== %s [%s]%s · %d findings%s\n", r.Name, sev, tool, len(fs), label)
		t := report.Table{Columns: fs[0].Columns}
		for _, f := range fs {
			t.Rows = append(t.Rows, f.Row)
		}
		if err := report.WriteText(w, t, report.TableOptions{MaxWidth: maxw}); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	tools := map[string]bool{}
	for _, f := range res.Findings {
		if f.Rule.Tool != "" {
			tools[f.Rule.Tool] = true
		}
	}
	names := make([]string, 0, len(tools))
	for t := range tools {
		names = append(names, t)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%d findings from %d rules", len(res.Findings), len(res.Runs)-len(res.Failed()))
	if len(names) > 0 {
		fmt.Fprintf(w, " (tools: %s)", strings.Join(names, ", "))
	}
	fmt.Fprintln(w)
	writeSuppressedText(w, res, maxw)
	return nil
}

// writeSuppressedText lists what exclusions hid, so nothing disappears unseen.
func writeSuppressedText(w io.Writer, res *hunt.Result, maxw int) {
	ids := map[string]bool{}
	for _, sf := range res.Suppressed {
		for _, id := range sf.Exclusions {
			ids[id] = true
		}
	}
	if len(res.Suppressed) > 0 {
		fmt.Fprintf(w, "\n%d findings suppressed by %d exclusions:\n", len(res.Suppressed), len(ids))
		var cur string
		var t report.Table
		flush := func() {
			if len(t.Rows) > 0 {
				report.WriteText(w, t, report.TableOptions{MaxWidth: maxw})
			}
		}
		for _, sf := range res.Suppressed {
			if sf.Rule.ID != cur {
				flush()
				cur = sf.Rule.ID
				fmt.Fprintf(w, "-- %s\n", sf.Rule.Name)
				t = report.Table{Columns: append([]types.Column{{Name: "SuppressedBy", Type: types.String}}, sf.Columns...)}
			}
			t.Rows = append(t.Rows, append(types.Row{types.NewString(strings.Join(sf.Exclusions, ","))}, sf.Row...))
		}
		flush()
	}
	var notes []string
	for rule, ex := range res.Expired {
		for _, e := range ex {
			notes = append(notes, fmt.Sprintf("exclusion %s expired on %s and was not applied to rule %s", e.ID, e.Expires.Format("2006-01-02"), rule))
		}
	}
	for rule, cs := range res.Inapplicable {
		for _, c := range cs {
			notes = append(notes, fmt.Sprintf("exclusion %s cannot exclude any event of rule %s (it names fields the rule's table lacks)", c.Exclusion.ID, rule))
		}
	}
	sort.Strings(notes)
	for _, n := range notes {
		fmt.Fprintln(w, "note:", n)
	}
}
