package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// noTelemetryWarning warns when the inputs held no telemetry record at all
// (no input, an empty folder, files of no format rmmhunt reads): "0
// findings" or an empty table would otherwise look like a clean result.
func noTelemetryWarning(s *Streams, args []string, sum *ingest.Summary) {
	var records int64
	var unrec []string
	for _, f := range sum.Files {
		records += f.Records
		if f.Format == "unrecognized" {
			unrec = append(unrec, f.File)
		}
	}
	if records > 0 {
		return
	}
	w := safeText(s.Err)
	switch {
	case len(args) == 0:
		fmt.Fprintln(w, "warning: no input given: the query ran over empty tables (give files or folders, or - for standard input)")
	case len(sum.Files) == 0:
		fmt.Fprintf(w, "warning: no telemetry was read: %s holds no files\n", strings.Join(args, ", "))
	case len(unrec) > 0:
		fmt.Fprintf(w, "warning: no telemetry was read: %s (not a format rmmhunt reads; see docs/ingest.md, or force one with --input-format)\n", strings.Join(unrec, ", "))
	default:
		fmt.Fprintf(w, "warning: no telemetry was read: the inputs (%d files) hold no records\n", len(sum.Files))
	}
}

// queryWindowNotes explains an empty query result whose time filter (for
// example Timestamp > ago(7d)) falls outside the data: per table, the
// window and the data's time range, and, on the wall clock, the --now that
// would pin it. It scans the table again for its time range, so call it
// only when the result is empty.
func queryWindowNotes(ctx context.Context, q *engine.Query, src *ingest.Set, wallClock bool) []string {
	var notes []string
	for _, w := range q.TimeWindows() {
		if !src.HasTable(w.Table) {
			continue
		}
		rq, err := engine.Compile(fmt.Sprintf("%s | summarize lo = min(%s), hi = max(%s)", w.Table, w.Column, w.Column), engine.Options{})
		if err != nil {
			continue
		}
		out, err := rq.Run(ctx, src)
		if err != nil || len(out.Rows) != 1 || !out.Rows[0][0].Valid {
			continue
		}
		lo, hi := out.Rows[0][0].I, out.Rows[0][1].I
		if w.Max >= lo && w.Min <= hi {
			continue
		}
		n := fmt.Sprintf("no row of %s falls in the query's time window (%s %s); the data covers %s .. %s", w.Table,
			w.Column, windowText(w.Min, w.Max), types.FormatDateTime(lo), types.FormatDateTime(hi))
		if wallClock {
			n += "; pin the clock with --now (e.g. --now " + types.FormatDateTime(hi + types.TicksPerSecond)[:19] + "Z)"
		}
		notes = append(notes, n)
	}
	return notes
}

// checkOutput fails fast, before a long run, when -o names a file that
// cannot be created: a folder that does not exist, or a folder.
func checkOutput(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usageErr("-o %s is a folder; name a file", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return usageErr("-o %s: folder %s does not exist", path, dir)
	}
	if !st.IsDir() {
		return usageErr("-o %s: %s is not a folder", path, dir)
	}
	return nil
}

// windowText renders a time window, open ends as "from"/"until".
func windowText(lo, hi int64) string {
	l, h := types.FormatDateTime(lo), types.FormatDateTime(hi)
	openLo, openHi := strings.HasPrefix(l, "0001-01-01"), strings.HasPrefix(h, "9999-12-31")
	switch {
	case openLo && !openHi:
		return "until " + h
	case openHi && !openLo:
		return "from " + l
	}
	return l + " .. " + h
}
