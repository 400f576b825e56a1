package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/exclusions"
	"github.com/rmmhunt/rmmhunt/hunt"
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
)

func newExclusionsCmd(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exclusions",
		Short: "Check false-positive exclusion files (lint) and list the fields they may use",
		Long: `Exclusions remove known-good events from a rule's input before it aggregates.
Each lives in a YAML file with an id, the rules it applies to, a condition
(` + "`when:`" + ` in the seed's language, or ` + "`kql:`" + `), an owner, a reason and an expiry.

hunt --exclusions FILE applies them, refuses any with lint errors (unless
--allow-unsafe-exclusions), and reports every suppressed finding — nothing is
dropped unseen. See docs/exclusions.md.`,
	}
	cmd.AddCommand(newExclusionsLintCmd(s), newExclusionsFieldsCmd(s))
	return cmd
}

type exLintOptions struct {
	rules  []string
	data   []string
	format string
	now    string
	inputs inputFlags
}

func newExclusionsLintCmd(s *Streams) *cobra.Command {
	o := &exLintOptions{}
	cmd := &cobra.Command{
		Use:   "lint FILE...",
		Short: "Report dangerous or broken exclusions (precedence, type mismatches, over-broad, expired, …)",
		Example: `  rmmhunt exclusions lint examples/exclusions/msp360-seed-scenarios.yaml
  rmmhunt exclusions lint --format json my-exclusions.yaml
  rmmhunt exclusions lint --data export.jsonl --now 2026-03-08T00:00:00Z my-exclusions.yaml   # adds never-matched, suppresses-most`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runExclusionsLint(s, o, args) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.rules, "rules", nil, "rule files or folders the exclusions refer to (default: the built-in pack)")
	f.StringArrayVar(&o.data, "data", nil, "telemetry to measure the exclusions against (repeatable)")
	f.StringVar(&o.format, "format", "text", "output format: text, json")
	f.StringVar(&o.now, "now", "", "the date expiry is judged at and now() of rules run with --data")
	o.inputs.register(cmd)
	return cmd
}

func runExclusionsLint(s *Streams, o *exLintOptions, args []string) error {
	if err := oneOf("format", o.format, "text", "json"); err != nil {
		return err
	}
	now, err := parseNow(o.now)
	if err != nil {
		return err
	}
	pack, err := loadPack(s, o.rules)
	if err != nil {
		return err
	}
	set, loadErr := exclusions.Load(args...)
	findings := exclusions.ErrorFindings(loadErr)
	if set != nil {
		findings = append(findings, linter(pack, now).Lint(set)...)
		if len(o.data) > 0 {
			src, closeInputs, err := o.inputs.open(s, o.data)
			if err != nil {
				return err
			}
			defer closeInputs()
			res, err := hunt.Run(context.Background(), pack, src, hunt.Options{Now: now, Exclusions: set, Workers: o.inputs.workerCount()})
			if err != nil {
				return inputErr(err)
			}
			findings = append(findings, exclusions.LintMatches(set, res.Matches, types.TimeFromTicks(now))...)
		}
	}
	exclusions.SortFindings(findings)
	if o.format == "json" {
		if err := exclusions.WriteJSON(s.Out, findings); err != nil {
			return err
		}
	} else {
		if err := exclusions.WriteText(safeText(s.Out), findings); err != nil {
			return err
		}
	}
	if exclusions.HasErrors(findings) {
		return &exitError{code: ExitUsage}
	}
	return nil
}

// linter returns the exclusion linter with the rules of pack.
func linter(pack *rules.Pack, now int64) *exclusions.Linter {
	l := &exclusions.Linter{Schema: exclusions.ProjectSchema{}, Now: types.TimeFromTicks(now)}
	for _, r := range pack.Rules {
		l.Rules = append(l.Rules, hunt.NewRuleInfo(r, now))
	}
	l.CheckKQL = func(table, expr string) error {
		t, ok := schema.Lookup(table)
		if !ok {
			return fmt.Errorf("unknown table %s", table)
		}
		var cols []types.Column
		for _, c := range t.Columns {
			typ, _ := types.ParseType(c.Type)
			cols = append(cols, types.Column{Name: c.Name, Type: typ})
		}
		_, err := engine.CompilePredicate(expr, cols, engine.Options{Now: now})
		return err
	}
	return l
}

// loadExclusions loads exclusion files for hunt, lints them and refuses the
// unsafe ones unless allowed.
func loadExclusions(s *Streams, paths []string, pack *rules.Pack, now int64, allowUnsafe bool) (*exclusions.Set, error) {
	set, err := exclusions.Load(paths...)
	if err != nil {
		exclusions.WriteText(safeText(s.Err), exclusions.ErrorFindings(err))
		return nil, &exitError{code: ExitUsage, err: fmt.Errorf("the exclusion files do not load")}
	}
	findings := linter(pack, now).Lint(set)
	var errs []exclusions.Finding
	for _, f := range findings {
		if f.Severity == exclusions.SeverityError {
			errs = append(errs, f)
		}
	}
	if len(errs) > 0 {
		exclusions.WriteText(safeText(s.Err), errs)
	}
	unsafe := exclusions.Unsafe(findings)
	if len(unsafe) > 0 {
		if !allowUnsafe {
			return nil, &exitError{code: ExitUsage, err: fmt.Errorf("refusing exclusions with lint errors: %s (fix them, or pass --allow-unsafe-exclusions)", strings.Join(unsafe, ", "))}
		}
		fmt.Fprintf(s.Err, "warning: applying exclusions with lint errors (--allow-unsafe-exclusions): %s\n", strings.Join(unsafe, ", "))
	} else if len(errs) > 0 {
		fmt.Fprintln(s.Err, "note: applying the exclusions: an exclusion naming a rule this hunt does not run (unknown-rule) hides nothing")
	}
	return set, nil
}

func newExclusionsFieldsCmd(s *Streams) *cobra.Command {
	var tables []string
	cmd := &cobra.Command{
		Use:   "fields [--table T]...",
		Short: "List the field names and aliases exclusions may use, per table",
		Example: `  rmmhunt exclusions fields
  rmmhunt exclusions fields --table DeviceNetworkEvents`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ts := tables
			if len(ts) == 0 {
				ts = exclusions.AliasTables()
			}
			return exclusions.WriteFieldTable(s.Out, exclusions.ProjectSchema{}, ts...)
		},
	}
	cmd.Flags().StringArrayVar(&tables, "table", nil, "table to list (repeatable; default: every table with aliases)")
	return cmd
}
