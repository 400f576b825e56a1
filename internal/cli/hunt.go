package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/exclusions"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/ruletest"
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
	quiet          bool
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
hunt says so when it happens.

Formats (docs/reports.md): table (findings grouped by rule and tool, then a
run summary; coloured and fitted to the screen on a terminal, --wide prints
long values in full), json (findings with entities, suppressed findings,
summary, lint and the run manifest), jsonl (one finding per line), csv, and
html (one self-contained file for people: timeline per device, findings with
their entities and raw rows, suppressed findings, lint, manifest; use -o).

On a terminal, runs longer than a second show progress on stderr (bytes and
rows read, rows/s, ETA); --quiet turns it off.`,
		Example: `  rmmhunt hunt --now 2026-03-08T00:00:00Z examples/incident/
  rmmhunt hunt --now 2026-03-08T00:00:00Z --format html -o report.html examples/incident/
  rmmhunt hunt --rules my-rules/ --format json -o findings.json export.json.gz
  rmmhunt hunt --fail-on-findings --now 2026-03-08T00:00:00Z exports/   # exit 1 when something is found`,
		RunE: func(cmd *cobra.Command, args []string) error { return runHunt(s, o, args) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.rules, "rules", nil, "rule file or folder (repeatable); default: the built-in pack")
	f.StringVar(&o.now, "now", "", "pin now() (RFC 3339), e.g. 2026-03-08T00:00:00Z")
	f.StringVar(&o.format, "format", "table", "output format: table, json, jsonl, csv, html")
	f.StringVarP(&o.output, "output", "o", "", "write the report to FILE instead of standard output")
	f.BoolVar(&o.failOnFindings, "fail-on-findings", false, "exit 1 when there is at least one finding")
	f.BoolVar(&o.noPushdown, "no-pushdown", false, "disable prefilter/column/time pushdown (answers must not change)")
	f.BoolVar(&o.lenient, "lenient-lists", false, "accept a trailing comma in lists (with a warning)")
	f.BoolVar(&o.wide, "wide", false, "do not elide long values in the table output")
	f.StringArrayVar(&o.exclusions, "exclusions", nil, "exclusion file (YAML, repeatable); see rmmhunt exclusions --help")
	f.BoolVar(&o.allowUnsafe, "allow-unsafe-exclusions", false, "apply exclusions even when their lint reports errors")
	f.StringVar(&o.ledger, "ledger", "", "append every suppressed event to FILE (JSON lines)")
	f.StringVar(&o.sanctioned, "sanctioned", "", "YAML list of RMM tools you run on purpose (optionally scoped to devices, groups, tenants); their findings are labelled and listed last")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress and no closing count on standard error (warnings and errors still show)")
	o.inputs.register(cmd)
	return cmd
}

func loadPack(s *Streams, paths []string) (*rules.Pack, error) {
	p, _, err := loadPackDiagnostics(s, paths)
	return p, err
}

// loadPackDiagnostics is loadPack that also returns the loader's
// diagnostics (for the report's lint section).
func loadPackDiagnostics(s *Streams, paths []string) (*rules.Pack, rules.Diagnostics, error) {
	if len(paths) == 0 {
		p, err := rules.Builtin()
		if err != nil {
			return nil, nil, inputErr(err)
		}
		return p, rules.BuiltinDiagnostics(), nil
	}
	p, ds := rules.Load(paths...)
	for _, d := range ds {
		if d.Severity != rules.SeverityInfo {
			fmt.Fprintln(safeText(s.Err), d.String())
		}
	}
	if err := noRules(p, ds, paths); err != nil {
		return nil, ds, err
	}
	return p, ds, nil
}

// noRules is the error for a rule set with no rule in it (nil when it has
// some): an empty folder or a typo must not pass as "no findings".
func noRules(p *rules.Pack, ds rules.Diagnostics, paths []string) error {
	if p != nil && len(p.Rules) > 0 {
		return nil
	}
	where := strings.Join(paths, ", ")
	if ds.HasErrors() {
		return &exitError{code: ExitUsage, err: fmt.Errorf("no rule could be loaded from %s (see the errors above)", where)}
	}
	return &exitError{code: ExitUsage, err: fmt.Errorf("no rules found in %s (rule files end in .yaml, .yml, .md, .kql, .csl or .txt)", where)}
}

// fullReport reports whether the format carries the lint sections and the
// manifest's file digests (json and html), which the others leave out.
func (o *huntOptions) fullReport() bool { return o.format == "json" || o.format == "html" }

// huntClock is the hunt's wall clock (tests pin it so that reports are
// byte-identical).
var huntClock = time.Now

func runHunt(s *Streams, o *huntOptions, args []string) error {
	started := huntClock()
	if err := oneOf("format", o.format, "table", "json", "jsonl", "csv", "html"); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErr("give at least one input file or folder (or - for standard input); see rmmhunt hunt --help")
	}
	if err := checkOutput(o.output); err != nil {
		return err
	}
	now, err := parseNow(o.now)
	if err != nil {
		return err
	}
	pack, loadDiags, err := loadPackDiagnostics(s, o.rules)
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
	prog := newProgress(s, o.quiet)
	o.inputs.progress = prog.hook()
	prog.start() // opening reads every input once (the census): show it
	set, closeInputs, err := o.inputs.open(s, args)
	if err != nil {
		prog.stop()
		return err
	}
	defer closeInputs()
	// Hash the inputs while the hunt runs (for the manifest).
	digests := make(chan []report.FileDigest, 1)
	if o.fullReport() {
		go func() { digests <- report.HashFiles(inputFiles(set)) }()
	} else {
		digests <- nil
	}
	res, err := hunt.Run(context.Background(), pack, set, hopts)
	prog.stop()
	if err != nil {
		return inputErr(err)
	}
	sum := set.Summary()
	noTelemetryWarning(s, args, sum)
	for _, run := range res.Failed() {
		fmt.Fprintln(safeText(s.Err), run.ErrText)
	}
	windowNotes := hunt.WindowNotes(context.Background(), res, set, o.now == "")
	for _, n := range windowNotes {
		fmt.Fprintln(safeText(s.Err), "note:", n)
	}
	rep := buildReport(res, sum, hopts.Exclusions, now)
	rep.Summary.Notes = append(exclusionNotes(res), windowNotes...)
	if o.fullReport() {
		rep.RuleLint = ruleLint(pack, loadDiags, o.lenient)
		rep.ExclusionLint = exclusionLint(pack, hopts.Exclusions, res, now)
	}
	rep.Manifest = manifest(rep, pack, o, now, <-digests)
	rep.Manifest.Timing = report.Timing{Started: started, Finished: huntClock()}
	err = writeOut(s, o.output, func(w io.Writer) error {
		switch o.format {
		case "json":
			return report.WriteHuntJSON(w, rep)
		case "jsonl":
			return report.WriteHuntJSONLines(w, rep)
		case "csv":
			return report.WriteHuntCSV(w, rep)
		case "html":
			return report.WriteHuntHTML(w, rep)
		}
		toScreen := o.output == "" || o.output == "-"
		topts := report.TextOptions{Wide: o.wide}
		if toScreen && s.OutTerminal {
			topts.Width = s.Width
			topts.Color = os.Getenv("NO_COLOR") == ""
		}
		return report.WriteHuntText(w, rep, topts)
	})
	if err != nil {
		return err
	}
	if (o.format != "table" || o.output != "") && !o.quiet {
		fmt.Fprintf(s.Err, "%d findings from %d rules", len(res.Findings), len(res.Runs)-len(res.Failed()))
		if len(res.Suppressed) > 0 {
			fmt.Fprintf(s.Err, ", %d suppressed", len(res.Suppressed))
		}
		if o.output != "" && o.output != "-" {
			fmt.Fprintf(s.Err, "; %s report written to %s", o.format, o.output)
		}
		fmt.Fprintln(s.Err)
	}
	if sum.TotalRejections() > 0 {
		fmt.Fprintf(s.Err, "warning: %d input records or fields were rejected\n", sum.TotalRejections())
		printSummary(safeText(s.Err), sum)
		if o.inputs.strict {
			return usageErr("--strict: input records or fields were rejected")
		}
	}
	if len(res.Failed()) > 0 {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%d of %d rules could not run (see above)", len(res.Failed()), len(res.Runs))}
	}
	if loadDiags.HasErrors() {
		return &exitError{code: ExitUsage, err: fmt.Errorf("some rule files could not be loaded and were skipped (see above)")}
	}
	if o.failOnFindings && len(res.Findings) > 0 {
		return &exitError{code: ExitFindings}
	}
	return nil
}

// buildReport turns a hunt's result into the report model.
func buildReport(res *hunt.Result, sum *ingest.Summary, exset *exclusions.Set, now int64) *report.Hunt {
	rep := &report.Hunt{}
	for _, f := range res.Findings {
		rf := reportFinding(f.Rule, f.Columns, f.Row, f.Tool())
		if f.Sanctioned != nil {
			rf.Sanctioned = &report.Sanction{Tool: f.Sanctioned.Tool, Owner: f.Sanctioned.Owner, Reason: f.Sanctioned.Reason}
		}
		rep.Findings = append(rep.Findings, rf)
	}
	for _, sf := range res.Suppressed {
		rf := reportFinding(sf.Rule, sf.Columns, sf.Row, sf.Tool())
		for _, id := range sf.Exclusions {
			ref := report.ExclusionRef{ID: id}
			if e, ok := lookupExclusion(exset, id); ok {
				ref = report.ExclusionRef{ID: e.ID, Name: e.Name, Owner: e.Owner, Reason: e.Reason, File: e.Pos.File, Line: e.Pos.Line}
				if e.HasExpiry() {
					ref.Expires = e.Expires.Format("2006-01-02")
				}
			}
			rf.SuppressedBy = append(rf.SuppressedBy, ref)
		}
		rep.Suppressed = append(rep.Suppressed, rf)
	}
	rep.Summary = report.Summary{Now: now, RulesRun: len(res.Runs), RulesFailed: len(res.Failed())}
	for _, r := range res.Failed() {
		rep.Summary.RuleErrors = append(rep.Summary.RuleErrors, r.ErrText)
	}
	for _, f := range sum.Files {
		in := report.InputSummary{File: f.File, Format: f.Format, Records: f.Records, Skipped: f.Skipped, Rejected: f.Rejected, Unrouted: f.Unrouted, Err: f.Err}
		for _, ex := range f.Examples {
			in.Rejections = append(in.Rejections, ex.String())
		}
		for _, name := range f.TableNames() {
			t := f.Tables[name]
			ts := report.TableSummary{Name: name, Rows: t.Rows, FieldRejections: t.FieldRejects, RejectedRecords: t.RejectedRecords,
				HasTime: t.HasTime, First: t.MinTicks, Last: t.MaxTicks}
			for _, ex := range t.Examples {
				ts.Rejections = append(ts.Rejections, ex.String())
			}
			in.Tables = append(in.Tables, ts)
		}
		rep.Summary.Inputs = append(rep.Summary.Inputs, in)
	}
	return rep
}

func reportFinding(r *rules.Rule, cols []types.Column, row types.Row, tool string) *report.Finding {
	return &report.Finding{Rule: r, Tool: tool, Columns: cols, Row: row, Entities: report.Entities(r, cols, row)}
}

// exclusionNotes explains exclusions that named a rule but did not apply.
func exclusionNotes(res *hunt.Result) []string {
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
	return notes
}

// ruleLint lints the pack for the report: the loader's diagnostics and
// ruletest.Lint's.
func ruleLint(pack *rules.Pack, loadDiags rules.Diagnostics, lenient bool) []report.LintItem {
	var out []report.LintItem
	for _, d := range packLint(pack, loadDiags, lenient) {
		msg := d.Message
		if d.Hint != "" {
			msg += " (" + d.Hint + ")"
		}
		out = append(out, report.LintItem{Subject: d.File, Severity: string(d.Severity), Code: d.Code, Message: msg, Location: d.Location()})
	}
	return out
}

// packLint is the loader's diagnostics and ruletest.Lint's over the pack,
// sorted: what rules lint prints and the hunt report's rule lint shows.
func packLint(pack *rules.Pack, loadDiags rules.Diagnostics, lenient bool) rules.Diagnostics {
	ds := append(rules.Diagnostics{}, loadDiags...)
	ds = append(ds, ruletest.Lint(pack, ruletest.LintOptions{Lenient: lenient})...)
	ds.Sort()
	return ds
}

// exclusionLint lints the exclusions the hunt used, statically and against
// what they matched in this run.
func exclusionLint(pack *rules.Pack, set *exclusions.Set, res *hunt.Result, now int64) []report.LintItem {
	if set == nil {
		return nil
	}
	fs := linter(pack, now).Lint(set)
	fs = append(fs, exclusions.LintMatches(set, res.Matches, types.TimeFromTicks(now))...)
	exclusions.SortFindings(fs)
	var out []report.LintItem
	for _, f := range fs {
		out = append(out, report.LintItem{Subject: f.Exclusion, Severity: string(f.Severity), Code: f.Code, Message: f.Message, Location: f.Pos().String()})
	}
	return out
}

// inputFiles are the files behind the set's inputs (a zip once for all its
// members, unrecognized files included), in input order; standard input is
// left out.
func inputFiles(set *ingest.Set) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range set.Summary().Files {
		n := f.File
		if n == "<stdin>" {
			continue
		}
		if i := strings.Index(n, "!"); i > 0 {
			if st, err := os.Stat(n[:i]); err == nil && st.Mode().IsRegular() {
				n = n[:i]
			}
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// manifest records what the run used: version, clock, rule pack, exclusion,
// sanctioned and input files with their hashes, and counts.
func manifest(rep *report.Hunt, pack *rules.Pack, o *huntOptions, now int64, inputs []report.FileDigest) report.Manifest {
	m := report.Manifest{Tool: "rmmhunt", Version: fullVersion(), Now: now, Inputs: inputs}
	m.RulePack = report.RulePack{Sources: o.rules, Rules: len(pack.Rules), SHA256: report.PackHash(pack.Rules)}
	if len(o.rules) == 0 {
		m.RulePack.Sources = []string{"builtin"}
	}
	if o.fullReport() {
		m.Exclusions = report.HashFiles(o.exclusions)
		if o.sanctioned != "" {
			d := report.HashFile(o.sanctioned)
			m.Sanctioned = &d
		}
	}
	m.Counts = rep.Totals()
	return m
}

func lookupExclusion(set *exclusions.Set, id string) (*exclusions.Exclusion, bool) {
	if set == nil {
		return nil, false
	}
	return set.Lookup(id)
}
