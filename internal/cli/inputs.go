package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// inputFlags are the flags every command that reads telemetry shares.
type inputFlags struct {
	format  string
	table   string
	strict  bool
	rejects string
	workers int
	ext     externalFlags
	// progress receives scan progress (set by hunt: progress.go).
	progress func(ingest.Progress)
}

func (f *inputFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.format, "input-format", "auto", "force the input format instead of detecting it (see docs/ingest.md)")
	cmd.Flags().StringVar(&f.table, "table", "", "table for records that do not name one (flat JSON lines, CSV, API JSON)")
	cmd.Flags().BoolVar(&f.strict, "strict", false, "exit 2 when any input record or field is rejected")
	cmd.Flags().StringVar(&f.rejects, "rejects", "", "write every rejected record, with its reason, to this file (JSON lines)")
	cmd.Flags().IntVar(&f.workers, "workers", 0, "decode workers (0: one per core)")
	cmd.Flags().StringArrayVar(&f.ext.externaldata, "externaldata", nil, "serve an externaldata URL from a local file: URL=FILE (csv, tsv or txt; repeatable)")
	cmd.Flags().StringArrayVar(&f.ext.watchlists, "watchlist", nil, "serve _GetWatchlist('NAME') from a local CSV with a header: NAME=FILE (repeatable)")
}

// open opens the inputs; the returned closer flushes the rejects file.
func (f *inputFlags) open(s *Streams, paths []string) (*ingest.Set, func() error, error) {
	format, err := ingest.ParseFormat(f.format)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	opts := ingest.Options{Format: format, Table: f.table, CheckAll: f.strict, Stdin: s.In, Progress: f.progress}
	var rej *os.File
	if f.rejects != "" {
		rej, err = os.Create(f.rejects)
		if err != nil {
			return nil, nil, inputErr(err)
		}
		opts.OnReject = func(r ingest.Rejection) {
			var sb strings.Builder
			sb.WriteString(`{"file":`)
			types.WriteJSONString(&sb, r.File)
			fmt.Fprintf(&sb, `,"line":%d,"table":`, r.Line)
			types.WriteJSONString(&sb, r.Table)
			sb.WriteString(`,"column":`)
			types.WriteJSONString(&sb, r.Column)
			sb.WriteString(`,"reason":`)
			types.WriteJSONString(&sb, r.Reason)
			sb.WriteString(`,"raw":`)
			types.WriteJSONString(&sb, r.Raw)
			sb.WriteString("}\n")
			io.WriteString(rej, sb.String())
		}
	}
	set, err := ingest.Open(paths, opts)
	if err != nil {
		if rej != nil {
			rej.Close()
		}
		return nil, nil, inputErr(err)
	}
	closer := func() error {
		err := set.Close()
		if rej != nil {
			if e := rej.Close(); err == nil {
				err = e
			}
		}
		return err
	}
	return set, closer, nil
}

func (f *inputFlags) workerCount() int {
	if f.workers > 0 {
		return f.workers
	}
	return 0
}

// printSummary writes the human input summary to w.
func printSummary(w io.Writer, sum *ingest.Summary) {
	if sum == nil || len(sum.Files) == 0 {
		return
	}
	fmt.Fprintln(w, "Inputs:")
	for _, f := range sum.Files {
		fmt.Fprintf(w, "  %s (%s): %d records", f.File, f.Format, f.Records)
		if f.Skipped > 0 {
			fmt.Fprintf(w, ", %d skipped by prefilter", f.Skipped)
		}
		if f.Rejected > 0 {
			fmt.Fprintf(w, ", %d rejected", f.Rejected)
		}
		fmt.Fprintln(w)
		for _, name := range f.TableNames() {
			t := f.Tables[name]
			line := fmt.Sprintf("    %s: %d rows", name, t.Rows)
			if t.FieldRejects > 0 {
				line += fmt.Sprintf(", %d field rejections", t.FieldRejects)
			}
			if t.HasTime {
				line += fmt.Sprintf(", %s .. %s", types.FormatDateTime(t.MinTicks), types.FormatDateTime(t.MaxTicks))
			}
			fmt.Fprintln(w, line)
			for _, ex := range t.Examples {
				fmt.Fprintf(w, "      rejected: %s\n", ex.String())
			}
		}
		for _, ex := range f.Examples {
			fmt.Fprintf(w, "    rejected: %s\n", ex.String())
		}
		if len(f.Unrouted) > 0 {
			keys := make([]string, 0, len(f.Unrouted))
			for k := range f.Unrouted {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "    not routed to a table: %d (%s)\n", f.Unrouted[k], k)
			}
		}
		if f.Err != "" {
			fmt.Fprintf(w, "    read error: %s\n", f.Err)
		}
	}
}
