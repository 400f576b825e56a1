package syntax

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Error is one problem found while lexing or parsing, or a warning (for
// example a trailing comma dropped in lenient mode).
type Error struct {
	Offset Pos    // byte offset of the problem in the source
	Line   int    // 1-based line
	Col    int    // 1-based column, counted in characters (code points); a tab is one column
	Msg    string // what is wrong, e.g. "Missing expression"
	Code   string // Kusto diagnostic code where one applies (KS006 ...), else ""
	Hint   string // how to fix it, or ""
}

// Error renders the error as "line:col: message".
func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// Detail renders "line:col: message (hint: ...)" including the hint, if any.
func (e *Error) Detail() string {
	s := e.Error()
	if e.Code != "" {
		s += " [" + e.Code + "]"
	}
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

// ErrorList is a list of errors, sortable by position.
type ErrorList []*Error

// Len, Less and Swap implement sort.Interface (by offset, then message).
func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	if l[i].Offset != l[j].Offset {
		return l[i].Offset < l[j].Offset
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list by position.
func (l ErrorList) Sort() { sort.Stable(l) }

// Error renders the first error and how many more there are.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Err returns nil for an empty list, else the list itself as an error.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// String renders every error on its own line with its hint.
func (l ErrorList) String() string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Detail())
		b.WriteByte('\n')
	}
	return b.String()
}

// Position converts a byte offset of src into a 1-based line and a 1-based
// column counted in characters (code points). Lines end at LF, CR LF or a
// lone CR. An offset past the end is clamped to the end.
func Position(src string, offset Pos) (line, col int) {
	return newLineIndex(src).position(offset)
}

// lineIndex holds the byte offsets at which lines start.
type lineIndex struct {
	src    string
	starts []int
}

func newLineIndex(src string) *lineIndex {
	li := &lineIndex{src: src, starts: []int{0}}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			li.starts = append(li.starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

func (li *lineIndex) position(offset Pos) (line, col int) {
	off := int(offset)
	if off < 0 {
		off = 0
	}
	if off > len(li.src) {
		off = len(li.src)
	}
	i := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, utf8.RuneCountInString(li.src[li.starts[i]:off]) + 1
}
