package report

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Table is a result table to write.
type Table struct {
	Columns []types.Column
	Rows    []types.Row
}

// WriteJSON writes {"columns":[{"name","type"}],"rows":[[...]]}.
func WriteJSON(w io.Writer, t Table) error {
	var sb strings.Builder
	sb.WriteString(`{"columns":[`)
	for i, c := range t.Columns {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"name":`)
		types.WriteJSONString(&sb, c.Name)
		sb.WriteString(`,"type":"` + c.Type.String() + `"}`)
	}
	sb.WriteString("],\"rows\":[")
	for i, r := range t.Rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n[")
		for j, v := range r {
			if j > 0 {
				sb.WriteByte(',')
			}
			JSONValue(&sb, v)
		}
		sb.WriteByte(']')
	}
	sb.WriteString("\n]}\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

// WriteJSONLines writes one JSON object per row, keyed by column name.
func WriteJSONLines(w io.Writer, t Table) error {
	var sb strings.Builder
	for _, r := range t.Rows {
		sb.Reset()
		RowObject(&sb, t.Columns, r)
		sb.WriteByte('\n')
		if _, err := io.WriteString(w, sb.String()); err != nil {
			return err
		}
	}
	return nil
}

// RowObject appends a row as a JSON object in column order.
func RowObject(sb *strings.Builder, cols []types.Column, r types.Row) {
	sb.WriteByte('{')
	for j, c := range cols {
		if j > 0 {
			sb.WriteByte(',')
		}
		types.WriteJSONString(sb, c.Name)
		sb.WriteByte(':')
		JSONValue(sb, r[j])
	}
	sb.WriteByte('}')
}

// WriteCSV writes a header and one record per row (RFC 4180).
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Name
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = Text(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TableOptions control the human table.
type TableOptions struct {
	// MaxWidth elides cell text longer than this many characters with "…"
	// (0: no limit, as with --wide).
	MaxWidth int
	// FitWidth, when positive, narrows the widest columns (eliding their
	// cells) until a line fits in this many characters, as far as columns
	// stay at least MinColumn wide. Ignored when MaxWidth is 0.
	FitWidth int
	// Priority, when set with FitWidth, ranks columns for hiding when the
	// table cannot fit with every column at most ComfortColumn wide: the
	// lowest rank goes first (rightmost first among equals); a column
	// ranked KeepColumn or more is never hidden.
	Priority func(column string) int
}

// MinColumn is the narrowest FitWidth makes a column.
const MinColumn = 12

// ComfortColumn is the width (a datetime's) below which FitTable hides
// low-priority columns rather than narrow the others further.
const ComfortColumn = 28

// KeepColumn is the Priority from which a column is never hidden.
const KeepColumn = 2

// WriteText writes an aligned, plain-text table. Column names and values
// are made safe for a terminal (Visible).
func WriteText(w io.Writer, t Table, opts TableOptions) error {
	text, _, _ := FitTable(t, opts)
	_, err := io.WriteString(w, text)
	return err
}

// cellText is a value as one table cell, on one line and safe for a
// terminal (Visible: newlines as \n, ESC as \x1b, …).
func cellText(v types.Value) string {
	return Visible(Text(v))
}

// elide shortens s to n characters, the last one "…".
func elide(s string, n int) (string, bool) {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s, false
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…", true
}

// FitTable renders an aligned, plain-text table; it reports whether any
// cell was elided and which columns it hid to fit opts.FitWidth.
func FitTable(t Table, opts TableOptions) (string, bool, []string) {
	var hidden []string
	if opts.MaxWidth > 0 && opts.FitWidth > 0 && opts.Priority != nil {
		t, hidden = hideColumns(t, opts)
	}
	text, elided := renderTable(t, opts)
	return text, elided, hidden
}

// hideColumns drops the lowest-priority columns until the table can fit
// in opts.FitWidth with every column at most ComfortColumn wide.
func hideColumns(t Table, opts TableOptions) (Table, []string) {
	natural := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		natural[j] = utf8.RuneCountInString(Visible(c.Name))
		for _, r := range t.Rows {
			if n := utf8.RuneCountInString(cellText(r[j])); n > natural[j] {
				natural[j] = n
			}
		}
	}
	visible := make([]bool, len(t.Columns))
	for j := range visible {
		visible[j] = true
	}
	need := func() int {
		n, k := 0, 0
		for j, v := range visible {
			if v {
				n += min(natural[j], ComfortColumn, opts.MaxWidth)
				k++
			}
		}
		return n + 2*(k-1)
	}
	var hidden []string
	for need() > opts.FitWidth && len(hidden) < len(t.Columns)-1 {
		drop, best := -1, KeepColumn
		for j := len(t.Columns) - 1; j >= 0; j-- {
			if p := opts.Priority(t.Columns[j].Name); visible[j] && p < best {
				drop, best = j, p
			}
		}
		if drop < 0 {
			break
		}
		visible[drop] = false
		hidden = append(hidden, t.Columns[drop].Name)
	}
	if len(hidden) == 0 {
		return t, nil
	}
	out := Table{}
	for j, c := range t.Columns {
		if visible[j] {
			out.Columns = append(out.Columns, c)
		}
	}
	for _, r := range t.Rows {
		var row types.Row
		for j, v := range r {
			if visible[j] {
				row = append(row, v)
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out, hidden
}

func renderTable(t Table, opts TableOptions) (string, bool) {
	cells := make([][]string, len(t.Rows)+1)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = Visible(c.Name)
	}
	cells[0] = head
	for i, r := range t.Rows {
		row := make([]string, len(r))
		for j, v := range r {
			row[j] = cellText(v)
		}
		cells[i+1] = row
	}
	widths := make([]int, len(t.Columns))
	for _, row := range cells {
		for j, s := range row {
			n := utf8.RuneCountInString(s)
			if opts.MaxWidth > 0 && n > opts.MaxWidth {
				n = opts.MaxWidth
			}
			if n > widths[j] {
				widths[j] = n
			}
		}
	}
	if opts.MaxWidth > 0 && opts.FitWidth > 0 {
		fit(widths, opts.FitWidth)
	}
	elided := false
	if opts.MaxWidth > 0 {
		for i, row := range cells {
			for j, s := range row {
				var e bool
				row[j], e = elide(s, widths[j])
				elided = elided || (e && i > 0)
			}
		}
	}
	var sb strings.Builder
	for i, row := range cells {
		for j, s := range row {
			if j > 0 {
				sb.WriteString("  ")
			}
			sb.WriteString(s)
			if j < len(row)-1 {
				sb.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s)))
			}
		}
		sb.WriteByte('\n')
		if i == 0 {
			for j := range row {
				if j > 0 {
					sb.WriteString("  ")
				}
				sb.WriteString(strings.Repeat("-", widths[j]))
			}
			sb.WriteByte('\n')
		}
	}
	return sb.String(), elided
}

// fit narrows the widest columns one character at a time until the line
// (columns plus two-space gaps) fits in total, or every column is at
// MinColumn.
func fit(widths []int, total int) {
	line := 2 * (len(widths) - 1)
	for _, w := range widths {
		line += w
	}
	for line > total {
		widest := -1
		for j, w := range widths {
			if w > MinColumn && (widest < 0 || w > widths[widest]) {
				widest = j
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
		line--
	}
}
