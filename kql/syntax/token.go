package syntax

import "fmt"

// Pos is a byte offset into the source text. NoPos (-1) means "no position".
type Pos int

// NoPos is the zero value of positions that are not set.
const NoPos Pos = -1

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p >= 0 }

// TokenKind classifies a token.
type TokenKind int

// Token kinds. Keywords are not separate kinds: every word lexes as TokIdent and
// the parser recognises keywords by their text, because KQL accepts many
// keywords as names.
const (
	TokEOF       TokenKind = iota
	TokIdent               // plain identifier, including $left/$right and digit-led names such as 1x or 100ns
	TokString              // string literal (adjacent literals already merged); Value holds the decoded text
	TokLong                // integer literal (decimal or hex)
	TokReal                // real literal
	TokTimespan            // number with a timespan unit suffix (5m, 1.5h)
	TokGuidLit             // bare GUID literal
	TokGoo                 // typed literal keyword(text): datetime(...), long(...), typeof(...), ...
	TokOp                  // punctuation or operator; Text holds its spelling (==, !in~, .., |, ...)
	TokDirective           // '#' client directive, up to the end of the line
	TokIllegal             // a character that starts no token, or an unterminated/invalid literal
)

var kindNames = [...]string{
	TokEOF: "end of query", TokIdent: "identifier", TokString: "string literal", TokLong: "long literal",
	TokReal: "real literal", TokTimespan: "timespan literal", TokGuidLit: "guid literal",
	TokGoo: "typed literal", TokOp: "operator", TokDirective: "directive", TokIllegal: "illegal token",
}

// String returns a readable name of the kind.
func (k TokenKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("TokenKind(%d)", int(k))
}

// Token is one lexical token. Trivia (whitespace and comments) is not kept.
type Token struct {
	Kind TokenKind
	Pos  Pos    // offset of the first byte
	End  Pos    // offset just past the last byte
	Text string // source text of the token (for merged strings: from the first quote to the last)

	// Decoded values.
	Str    string  // TokString: the decoded (concatenated) value; TokGoo: the text between the parentheses
	Int    int64   // TokLong: value
	Float  float64 // TokReal: value
	Ticks  int64   // TokTimespan: value in 100 ns ticks
	GooKw  string  // TokGoo: the type keyword as written (datetime, long, typeof, ...)
	Obfusc bool    // TokString: written with an h/H prefix
	Parts  int     // TokString: how many literals were merged into this one
}

// TokString renders a token for messages.
func (t Token) String() string {
	switch t.Kind {
	case TokEOF:
		return "end of query"
	case TokString:
		return "string literal " + truncate(t.Text, 40)
	default:
		return "'" + truncate(t.Text, 40) + "'"
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}
