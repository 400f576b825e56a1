package exclusions

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in an exclusion file: 1-based line and column (columns
// count characters, as YAML does). A zero Line means the position is unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// String renders the position as file:line:col, leaving out the parts that
// are unknown.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	return b.String()
}

// less orders positions by file, line, column.
func (p Pos) less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Error is one problem found while loading or parsing an exclusion file.
type Error struct {
	Pos Pos
	// Exclusion is the id of the exclusion the problem belongs to, when known.
	Exclusion string
	// Code is "syntax" for an error in a `when` expression and "invalid"
	// for anything else wrong with the file; lint findings reuse it.
	Code string
	Msg  string
}

// Error renders the error as "file:line:col: message".
func (e *Error) Error() string {
	if s := e.Pos.String(); s != "" {
		return s + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList is a list of errors, in file order once sorted. A nil or empty
// list is not an error; use Err to turn it into an error value.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Pos, exclusion, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Exclusion: exclusion, Code: CodeInvalid, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by position, then message.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos != l[j].Pos {
			return l[i].Pos.less(l[j].Pos)
		}
		return l[i].Msg < l[j].Msg
	})
}

// Error renders every error, one per line.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
