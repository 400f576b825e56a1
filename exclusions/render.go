package exclusions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// WriteText prints findings one per line, sorted:
//
//	file:line:col: severity code [exclusion]: message
//
// followed by a summary line ("2 errors, 5 warnings" or "no findings").
func WriteText(w io.Writer, findings []Finding) error {
	fs := append([]Finding(nil), findings...)
	SortFindings(fs)
	var b bytes.Buffer
	for _, f := range fs {
		if p := f.Pos().String(); p != "" {
			b.WriteString(p)
			b.WriteString(": ")
		}
		b.WriteString(string(f.Severity))
		b.WriteByte(' ')
		b.WriteString(f.Code)
		if f.Exclusion != "" {
			fmt.Fprintf(&b, " [%s]", f.Exclusion)
		}
		b.WriteString(": ")
		b.WriteString(f.Message)
		b.WriteByte('\n')
	}
	b.WriteString(Summary(fs))
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// Summary counts errors and warnings: "2 errors, 5 warnings", or
// "no findings".
func Summary(findings []Finding) string {
	var errs, warns int
	for _, f := range findings {
		if f.Severity == SeverityError {
			errs++
		} else {
			warns++
		}
	}
	if errs+warns == 0 {
		return "no findings"
	}
	return plural(errs, "error") + ", " + plural(warns, "warning")
}

// WriteJSON prints findings, sorted, as a JSON array (an empty array when
// there are none), indented by two spaces, with <, > and & left as they are.
func WriteJSON(w io.Writer, findings []Finding) error {
	fs := append([]Finding{}, findings...)
	SortFindings(fs)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(fs)
}
