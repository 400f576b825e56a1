package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/ruletest"
)

func newRulesCmd(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List, show, lint and test hunting rules (built-in or your own)",
		Long: `rules works on rule packs: the built-in pack (the seed MSP360/CloudBerry rule and
the rules generated from rmmhunt's RMM catalog) or any Sentinel/Defender rule
files you give (YAML, Markdown with KQL blocks, .kql files).

Rule tests are data: beside x.yaml, the file x.tests.yaml holds cases (input
rows per table, now(), and the rows the rule must return). "rules test" runs
them on the real KQL engine.`,
		Example: `  rmmhunt rules list
  rmmhunt rules show anydesk
  rmmhunt rules lint third-party-rules/
  rmmhunt rules test                       # the built-in pack and its tests
  rmmhunt rules test my-rules/ --format junit -o rule-tests.xml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newRulesListCmd(s), newRulesShowCmd(s), newRulesLintCmd(s), newRulesTestCmd(s))
	return cmd
}

// ruleSummary is one line of "rules list".
type ruleSummary struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Tool     string   `json:"tool,omitempty"`
	Tables   []string `json:"tables"`
	Severity string   `json:"severity,omitempty"`
	Kind     string   `json:"kind"`
	File     string   `json:"file"`
}

// ruleTables returns the tables a rule reads: its dataTypes, else the tables
// its query scans (nil when it does not compile).
func ruleTables(r *rules.Rule) []string {
	if len(r.DataTypes) > 0 {
		return r.DataTypes
	}
	q, err := engine.Compile(r.Query, engine.Options{Lenient: true})
	if err != nil {
		return nil
	}
	return q.Tables()
}

func newRulesListCmd(s *Streams) *cobra.Command {
	var paths []string
	var format string
	cmd := &cobra.Command{
		Use:   "list [--rules PATH]... [--format text|json]",
		Short: "List the rules of a pack: id, name, tool, tables, severity, file",
		Long: `list prints one line per rule of the built-in pack, or of the rule files and
folders given with --rules. Tables are the rule's dataTypes or, when it gives
none, the tables its query reads ("?" when the query does not compile).`,
		Example: `  rmmhunt rules list
  rmmhunt rules list --format json | jq '.[] | select(.tool == "AnyDesk")'
  rmmhunt rules list --rules my-rules/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("format", format, "text", "json"); err != nil {
				return err
			}
			pack, err := loadPack(s, paths)
			if err != nil {
				return err
			}
			list := make([]ruleSummary, 0, len(pack.Rules))
			for _, r := range pack.Rules {
				list = append(list, ruleSummary{ID: r.ID, Name: r.Name, Tool: r.Tool, Tables: orEmpty(ruleTables(r)),
					Severity: r.Severity, Kind: r.Kind, File: r.File})
			}
			if format == "json" {
				return writeJSON(s.Out, list)
			}
			tw := tabwriter.NewWriter(safeText(s.Out), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tTOOL\tTABLES\tSEVERITY\tFILE")
			for _, r := range list {
				tables := strings.Join(r.Tables, ",")
				if tables == "" {
					tables = "?"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, dash(r.Tool), tables, dash(r.Severity), r.File)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "%d rules\n", len(list))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&paths, "rules", nil, "rule file or folder (repeatable); default: the built-in pack")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json")
	return cmd
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// findRules finds rules by id, name (any case), id prefix, or a piece of the
// name or tool (any case), in that order of preference.
func findRules(p *rules.Pack, q string) []*rules.Rule {
	if r := p.Rule(q); r != nil {
		return []*rules.Rule{r}
	}
	tiers := []func(r *rules.Rule) bool{
		func(r *rules.Rule) bool { return strings.EqualFold(r.Name, q) },
		func(r *rules.Rule) bool { return len(q) >= 4 && strings.HasPrefix(r.ID, strings.ToLower(q)) },
		func(r *rules.Rule) bool {
			lq := strings.ToLower(q)
			return strings.Contains(strings.ToLower(r.Name), lq) || strings.EqualFold(r.Tool, q)
		},
	}
	for _, match := range tiers {
		var out []*rules.Rule
		for _, r := range p.Rules {
			if match(r) {
				out = append(out, r)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func newRulesShowCmd(s *Streams) *cobra.Command {
	var paths []string
	var format string
	cmd := &cobra.Command{
		Use:   "show ID|NAME",
		Short: "Show a rule's metadata and query",
		Long: `show prints one rule: its metadata and its KQL query. The argument is a rule
id, a rule name (any case), the start of an id, or a piece of the name. When
several rules match (all rules of a tool, say), show prints each of them.`,
		Example: `  rmmhunt rules show efbd0d78-8390-5cc5-852e-70794571f6cf
  rmmhunt rules show "AnyDesk - network connection to tool domains"
  rmmhunt rules show anydesk                 # every AnyDesk rule
  rmmhunt rules show --rules my-rules/ my-rule-id --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("format", format, "text", "json"); err != nil {
				return err
			}
			pack, err := loadPack(s, paths)
			if err != nil {
				return err
			}
			found := findRules(pack, args[0])
			if len(found) == 0 {
				return usageErr("no rule has the id or name %q (see rmmhunt rules list)", args[0])
			}
			if format == "json" {
				return writeJSON(s.Out, found)
			}
			for i, r := range found {
				if i > 0 {
					fmt.Fprintln(s.Out)
				}
				writeRule(safeText(s.Out), r)
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&paths, "rules", nil, "rule file or folder (repeatable); default: the built-in pack")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json")
	return cmd
}

func writeRule(w io.Writer, r *rules.Rule) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	field := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	field("id", r.ID)
	field("name", r.Name)
	field("tool", r.Tool)
	field("severity", r.Severity)
	field("kind", r.Kind)
	field("tactics", strings.Join(r.Tactics, ", "))
	field("techniques", strings.Join(r.Techniques, ", "))
	field("tables", strings.Join(ruleTables(r), ", "))
	var ents []string
	for _, em := range r.EntityMappings {
		for _, fm := range em.FieldMappings {
			ents = append(ents, fmt.Sprintf("%s.%s = %s", em.EntityType, fm.Identifier, fm.ColumnName))
		}
	}
	field("entities", strings.Join(ents, ", "))
	field("file", fmt.Sprintf("%s (query at line %d)", r.File, r.QueryLine))
	tw.Flush()
	if d := strings.TrimSpace(r.Description); d != "" {
		fmt.Fprintln(w, "description:")
		for _, l := range strings.Split(d, "\n") {
			fmt.Fprintln(w, "  "+l)
		}
	}
	fmt.Fprintln(w, "query:")
	for _, l := range strings.Split(strings.TrimRight(r.Query, "\n"), "\n") {
		fmt.Fprintln(w, "  "+l)
	}
}

func newRulesLintCmd(s *Streams) *cobra.Command {
	var format, minSev string
	var lenient bool
	cmd := &cobra.Command{
		Use:   "lint [PATH]...",
		Short: "Check rule files: loading, KQL errors at file:line:col, risky matching, metadata",
		Long: `lint checks rule files (ours or third-party) without running them:

  - loader problems (invalid YAML, a missing query, duplicate ids, …);
  - KQL that does not parse or bind, as file:line:col with a hint
    ("did you mean InitiatingProcessAccountUpn?", "remove the trailing comma");
  - has/has_any/contains on a URL or host column with domain names: a term
    match is not a host test (it also matches anydesk.com.evil.example), so
    lint suggests comparing the host (== or endswith ".domain") unless the
    query already does; a * in such a needle is a literal character;
  - windows relative to now()/ago(): over an export, pin the clock with --now;
  - YAML rules without severity or entity mappings, and entity mappings
    naming columns the query does not return.

Without PATH it lints the built-in pack. The exit code is 2 when there is at
least one error, else 0.`,
		Example: `  rmmhunt rules lint ~/RemoteManagementMonitoringTools/
  rmmhunt rules lint --min-severity warning my-rule.yaml
  rmmhunt rules lint --format json rules/ > lint.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("format", format, "text", "json"); err != nil {
				return err
			}
			if err := oneOf("min-severity", minSev, "info", "warning", "error"); err != nil {
				return err
			}
			var pack *rules.Pack
			var ds rules.Diagnostics
			if len(args) == 0 {
				var err error
				if pack, err = rules.Builtin(); err != nil {
					return inputErr(err)
				}
				ds = rules.BuiltinDiagnostics()
			} else {
				pack, ds = rules.Load(args...)
			}
			ds = packLint(pack, ds, lenient)
			rank := map[rules.Severity]int{rules.SeverityInfo: 0, rules.SeverityWarning: 1, rules.SeverityError: 2}
			shown := rules.Diagnostics{}
			count := map[rules.Severity]int{}
			for _, d := range ds {
				count[d.Severity]++
				if rank[d.Severity] >= rank[rules.Severity(minSev)] {
					shown = append(shown, d)
				}
			}
			files := map[string]bool{}
			for _, r := range pack.Rules {
				files[r.File] = true
			}
			if format == "json" {
				err := writeJSON(s.Out, struct {
					Files       int               `json:"files"`
					Rules       int               `json:"rules"`
					Errors      int               `json:"errors"`
					Warnings    int               `json:"warnings"`
					Notes       int               `json:"notes"`
					Diagnostics rules.Diagnostics `json:"diagnostics"`
				}{len(files), len(pack.Rules), count[rules.SeverityError], count[rules.SeverityWarning], count[rules.SeverityInfo], shown})
				if err != nil {
					return err
				}
			} else {
				fmt.Fprint(safeText(s.Out), shown.String())
				fmt.Fprintf(s.Out, "%d rules in %d files: %d errors, %d warnings, %d notes\n", len(pack.Rules), len(files),
					count[rules.SeverityError], count[rules.SeverityWarning], count[rules.SeverityInfo])
			}
			if err := noRules(pack, ds, args); err != nil {
				return err
			}
			if ds.HasErrors() {
				return &exitError{code: ExitUsage}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "output format: text, json")
	f.StringVar(&minSev, "min-severity", "info", "print diagnostics of at least this severity: info, warning, error")
	f.BoolVar(&lenient, "lenient-lists", false, "accept a trailing comma in lists (reported as a warning)")
	return cmd
}

func newRulesTestCmd(s *Streams) *cobra.Command {
	var format, output string
	var lenient bool
	cmd := &cobra.Command{
		Use:   "test [PATH]...",
		Short: "Run rule tests (<rule>.tests.yaml) on the KQL engine",
		Long: `test runs rule tests: for a rule file x.yaml (or x.md, x.kql), the cases in
x.tests.yaml beside it. Each case gives input rows per table, now() and the
rows the rule must return; the rule runs on the KQL engine over exactly those
rows (columns a row leaves out are null, "" for strings) and must return
exactly the expected rows (columns not named in an expected row are not
compared).

PATH is a rule file, a folder of rules, or a .tests.yaml file (its rule is
the file beside it with the same name). Without PATH it runs the built-in
pack's tests.

Exit code: 0 when every case passes, 1 when a case fails, 2 when rules or
tests cannot be loaded.`,
		Example: `  rmmhunt rules test
  rmmhunt rules test my-rules/
  rmmhunt rules test my-rules/anydesk.tests.yaml --format json
  rmmhunt rules test --format junit -o rule-tests.xml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("format", format, rules.ReportFormats...); err != nil {
				return err
			}
			pack, files, loadErr, err := loadRuleTests(s, args)
			if err != nil {
				return err
			}
			rep := rules.RunTests(pack, files, &ruletest.Runner{Lenient: lenient})
			if err := writeOut(s, output, func(w io.Writer) error { return rep.Write(w, format) }); err != nil {
				return err
			}
			tested := map[string]bool{}
			for _, f := range files {
				tested[f.Rule] = true
			}
			untested := 0
			for _, r := range pack.Rules {
				if !tested[r.ID] {
					untested++
				}
			}
			if format != "text" || output != "" {
				fmt.Fprintf(s.Err, "%d passed, %d failed\n", rep.Passed, rep.Failed)
			}
			fmt.Fprintf(s.Err, "%d test files for %d rules; %d rules have no tests\n", len(files), len(pack.Rules), untested)
			if loadErr {
				return &exitError{code: ExitUsage, err: fmt.Errorf("some rules or tests could not be loaded (see above)")}
			}
			if !rep.OK() {
				return &exitError{code: ExitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "report format: text, json, junit")
	f.StringVarP(&output, "output", "o", "", "write the report to FILE instead of standard output")
	f.BoolVar(&lenient, "lenient-lists", false, "accept a trailing comma in lists (with a warning)")
	return cmd
}

// ruleExts are the rule-file extensions tried for the rule of a .tests.yaml file.
var ruleExts = []string{".yaml", ".yml", ".md", ".kql", ".csl", ".txt"}

// loadRuleTests loads the pack and test files for "rules test". loadErr
// reports diagnostics of error severity (printed to stderr).
func loadRuleTests(s *Streams, args []string) (pack *rules.Pack, files []*rules.TestFile, loadErr bool, err error) {
	var ds rules.Diagnostics
	if len(args) == 0 {
		if pack, err = rules.Builtin(); err != nil {
			return nil, nil, false, inputErr(err)
		}
		files, ds = rules.FindTests(pack)
	} else {
		var rulePaths []string
		var explicit []*rules.TestFile
		onlyTests := true
		for _, a := range args {
			lower := strings.ToLower(a)
			if !strings.HasSuffix(lower, ".tests.yaml") && !strings.HasSuffix(lower, ".tests.yml") {
				rulePaths = append(rulePaths, a)
				onlyTests = false
				continue
			}
			tf, tds := rules.LoadTests(a)
			ds = append(ds, tds...)
			if tf != nil {
				explicit = append(explicit, tf)
			}
			base := a[:len(a)-len(filepath.Ext(a))]
			base = base[:len(base)-len(".tests")]
			found := false
			for _, ext := range ruleExts {
				if _, err := os.Stat(base + ext); err == nil {
					rulePaths = append(rulePaths, base+ext)
					found = true
					break
				}
			}
			if !found {
				ds = append(ds, rules.Diagnostic{File: a, Severity: rules.SeverityError, Code: rules.CodeRead,
					Message: fmt.Sprintf("no rule file beside it (%s.yaml, .md or .kql)", filepath.Base(base))})
			}
		}
		var lds rules.Diagnostics
		pack, lds = rules.Load(rulePaths...)
		ds = append(ds, lds...)
		if onlyTests {
			files = explicit
		} else {
			found, fds := rules.FindTests(pack)
			ds = append(ds, fds...)
			seen := map[string]bool{}
			for _, f := range explicit {
				seen[filepath.Clean(f.File)] = true
				files = append(files, f)
			}
			for _, f := range found {
				if !seen[filepath.Clean(f.File)] {
					files = append(files, f)
				}
			}
		}
	}
	for _, d := range ds {
		if d.Severity != rules.SeverityInfo {
			fmt.Fprintln(safeText(s.Err), d.String())
		}
	}
	if err := noRules(pack, ds, args); err != nil {
		return nil, nil, false, err
	}
	if len(files) == 0 {
		return nil, nil, false, usageErr("no rule tests found: put the cases for x.yaml in x.tests.yaml beside it")
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].File < files[j].File })
	return pack, files, ds.HasErrors(), nil
}
