package cli

import (
	"io"

	"github.com/rmmhunt/rmmhunt/report"
)

// textWriter passes text through report.VisibleLines: control characters,
// bidirectional overrides and broken UTF-8 from the data (file names, rule
// names, rejected records, lint messages quoting values) reach the
// terminal as visible escapes, never raw. Line feeds and tabs pass. Each
// Write must hold whole characters, as fmt and tabwriter write them.
type textWriter struct{ w io.Writer }

func (t textWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(t.w, report.VisibleLines(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// safeText wraps w for text that may carry data. Do not use it for the
// terminal report (its colours are escape sequences of its own; it makes
// its data safe itself) nor for machine formats.
func safeText(w io.Writer) io.Writer { return textWriter{w} }
