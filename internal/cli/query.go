package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/report"
)

type queryOptions struct {
	now        string
	format     string
	file       string
	output     string
	check      bool
	parseOnly  bool
	noPushdown bool
	lenient    bool
	quiet      bool
	inputs     inputFlags
}

func newQueryCmd(s *Streams) *cobra.Command {
	o := &queryOptions{}
	cmd := &cobra.Command{
		Use:   "query [flags] (KQL | -f FILE) [INPUT...]",
		Short: "Run ad-hoc KQL over telemetry files",
		Long: `query runs one KQL query over the inputs and prints its result table.

Tables are filled from the inputs: each record goes to the table it names
(Streaming API category, Log Analytics Type, Sysmon event id) or, for flat
exports, to the table named by --table or by the file name
(DeviceNetworkEvents.jsonl). now() is the wall clock unless --now pins it;
when a time filter relative to now() leaves nothing, query says so (as hunt
does) and suggests --now. It warns when the inputs hold no telemetry.

On a terminal, runs longer than a second show progress on stderr (bytes and
rows read, rows/s, ETA); --quiet turns it off.`,
		Example: `  rmmhunt query 'DeviceNetworkEvents | where RemoteUrl has "anydesk.com" | take 10' export.jsonl
  rmmhunt query --now 2026-03-08T00:00:00Z -f hunt.kql --format json exports/
  rmmhunt query 'print strcat("a", 1)'
  rmmhunt query --check -f rule.kql          # parse and bind only; exit 2 with errors`,
		RunE: func(cmd *cobra.Command, args []string) error { return runQuery(s, o, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.now, "now", "", "pin now() (RFC 3339), e.g. 2026-03-08T00:00:00Z")
	f.StringVar(&o.format, "format", "table", "output format: table, json, jsonl, csv")
	f.StringVarP(&o.file, "file", "f", "", "read the query from FILE")
	f.StringVarP(&o.output, "output", "o", "", "write the result to FILE instead of standard output")
	f.BoolVar(&o.check, "check", false, "parse and bind the query without running it")
	f.BoolVar(&o.parseOnly, "parse-only", false, "stop after parsing")
	f.BoolVar(&o.noPushdown, "no-pushdown", false, "disable prefilter/column/time pushdown (answers must not change)")
	f.BoolVar(&o.lenient, "lenient-lists", false, "accept a trailing comma in lists (with a warning)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress on standard error (warnings and errors still show)")
	o.inputs.register(cmd)
	return cmd
}

func runQuery(s *Streams, o *queryOptions, args []string) error {
	if err := oneOf("format", o.format, "table", "json", "jsonl", "csv"); err != nil {
		return err
	}
	text := ""
	name := "query"
	if o.file != "" {
		b, err := os.ReadFile(o.file)
		if err != nil {
			return inputErr(err)
		}
		text, name = string(b), o.file
	} else {
		if len(args) == 0 {
			return usageErr("give a KQL query (or -f FILE); see rmmhunt query --help")
		}
		text, args = args[0], args[1:]
	}
	if o.parseOnly {
		_, errs := syntax.Parse(text, syntax.Options{Lenient: o.lenient})
		if len(errs) > 0 {
			return queryErrors(s, name, errs)
		}
		fmt.Fprintln(s.Err, "parsed: ok")
		return nil
	}
	now, err := parseNow(o.now)
	if err != nil {
		return err
	}
	ext, err := o.inputs.ext.externalData()
	if err != nil {
		return err
	}
	wl, err := o.inputs.ext.watchlistTables()
	if err != nil {
		return err
	}
	q, err := engine.Compile(text, engine.Options{Now: now, NoPushdown: o.noPushdown, Lenient: o.lenient, Workers: o.inputs.workerCount(),
		ExternalData: ext, Watchlists: wl})
	if err != nil {
		return queryErrors(s, name, err)
	}
	for _, w := range q.Warnings() {
		fmt.Fprintf(safeText(s.Err), "%s:%d:%d: warning: %s\n", name, w.Line, w.Col, w.Msg)
	}
	if o.check {
		fmt.Fprintln(s.Err, "valid: the query parses and binds")
		return nil
	}
	if err := checkOutput(o.output); err != nil {
		return err
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
	res, err := q.Run(context.Background(), set)
	prog.stop()
	if err != nil {
		return inputErr(err)
	}
	sum := set.Summary()
	if len(q.Tables()) > 0 {
		noTelemetryWarning(s, args, sum)
	}
	if len(res.Rows) == 0 {
		for _, n := range queryWindowNotes(context.Background(), q, set, o.now == "") {
			fmt.Fprintln(safeText(s.Err), "note:", n)
		}
	}
	if o.inputs.strict && sum.TotalRejections() > 0 {
		printSummary(safeText(s.Err), sum)
		return usageErr("--strict: %d input records or fields were rejected", sum.TotalRejections())
	}
	t := report.Table{Columns: res.Columns, Rows: res.Rows}
	err = writeOut(s, o.output, func(w io.Writer) error {
		switch o.format {
		case "json":
			return report.WriteJSON(w, t)
		case "jsonl":
			return report.WriteJSONLines(w, t)
		case "csv":
			return report.WriteCSV(w, t)
		}
		maxw := 0
		if s.OutTerminal {
			maxw = 60
		}
		return report.WriteText(w, t, report.TableOptions{MaxWidth: maxw})
	})
	if err != nil {
		return err
	}
	if sum.TotalRejections() > 0 {
		fmt.Fprintf(s.Err, "warning: %d input records or fields were rejected (see --rejects FILE)\n", sum.TotalRejections())
		printSummary(safeText(s.Err), sum)
	}
	return nil
}

// queryErrors prints positioned errors and returns the usage exit code.
func queryErrors(s *Streams, name string, err error) error {
	var el syntax.ErrorList
	if errors.As(err, &el) {
		for _, e := range el {
			fmt.Fprintf(safeText(s.Err), "%s:%d:%d: error: %s\n", name, e.Line, e.Col, e.Msg)
			if e.Hint != "" {
				fmt.Fprintf(safeText(s.Err), "    hint: %s\n", e.Hint)
			}
		}
		return &exitError{code: ExitUsage}
	}
	return inputErr(err)
}
