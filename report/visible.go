package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Visible returns s safe to print on a terminal: every character that could
// move the cursor, change colours, retitle the window, ring the bell, erase
// text or reorder what follows is written as a visible escape instead of
// being sent raw. It escapes
//   - C0 controls and DEL: \t \n \r as such, the rest as \xNN (ESC is \x1b,
//     BEL \x07);
//   - C1 controls (U+0080–U+009F) as \uNNNN;
//   - the bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//     U+2066–U+2069) and the line and paragraph separators (U+2028,
//     U+2029) as \uNNNN;
//   - bytes that are not UTF-8 as \xNN.
//
// Everything else, backslashes included, is left as it is, so Windows paths
// stay readable; a literal "\x1b" in the data therefore looks like an
// escaped ESC. Use it for data in terminal output only: JSON escapes by
// itself, and CSV and HTML keep the data exact (docs/reports.md).
func Visible(s string) string { return visible(s, false) }

// VisibleLines is Visible that keeps line feeds and tabs: for multi-line
// text such as diagnostics and listings, whose layout is the writer's own.
// Neither can rewrite what a terminal shows.
func VisibleLines(s string) string { return visible(s, true) }

func visible(s string, keepLayout bool) string {
	clean := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || (unsafeRune(r) && !(keepLayout && (r == '\n' || r == '\t'))) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLayout && (r == '\n' || r == '\t'):
			b.WriteByte(byte(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeRune reports whether r must not reach a terminal raw.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
