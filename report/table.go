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
}

// WriteText writes an aligned, plain-text table.
func WriteText(w io.Writer, t Table, opts TableOptions) error {
	cells := make([][]string, len(t.Rows)+1)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Name
	}
	cells[0] = head
	for i, r := range t.Rows {
		row := make([]string, len(r))
		for j, v := range r {
			s := strings.NewReplacer("\n", "⏎", "\r", "", "\t", " ").Replace(Text(v))
			if opts.MaxWidth > 0 && utf8.RuneCountInString(s) > opts.MaxWidth {
				rs := []rune(s)
				s = string(rs[:opts.MaxWidth-1]) + "…"
			}
			row[j] = s
		}
		cells[i+1] = row
	}
	widths := make([]int, len(t.Columns))
	for _, row := range cells {
		for j, s := range row {
			if n := utf8.RuneCountInString(s); n > widths[j] {
				widths[j] = n
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
	_, err := io.WriteString(w, sb.String())
	return err
}
