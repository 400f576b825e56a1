package exclusions

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokenKind is the kind of a `when` token.
type tokenKind int

const (
	tEOF tokenKind = iota
	tIdent
	tString
	tNumber
	tLParen
	tRParen
	tComma
	tEq
	tNe
	tAnd
	tOr
	tNot
	tIn
	tContains
	tStartsWith
	tEndsWith
)

// keywords maps the lower-cased keywords of the language to their kinds.
// Keywords are recognised case-insensitively, as Sigma does.
var keywords = map[string]tokenKind{
	"and":        tAnd,
	"or":         tOr,
	"not":        tNot,
	"in":         tIn,
	"contains":   tContains,
	"startswith": tStartsWith,
	"endswith":   tEndsWith,
}

// token is one lexed token. For strings, val is the decoded value; for other
// kinds it is the text as written.
type token struct {
	kind     tokenKind
	val      string
	off, end int
}

// describe names a token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tIdent:
		return "field name " + t.val
	case tString:
		return "string " + quoteWhen(t.val)
	case tNumber:
		return "number " + t.val
	case tLParen:
		return "'('"
	case tRParen:
		return "')'"
	case tComma:
		return "','"
	case tEq:
		return "'=='"
	case tNe:
		return "'!='"
	}
	return "'" + t.val + "'"
}

// lexError is a lexical or syntax error at a byte offset of the expression.
type lexError struct {
	off int
	msg string
}

func (e *lexError) Error() string { return e.msg }

func errAt(off int, format string, args ...any) *lexError {
	return &lexError{off: off, msg: fmt.Sprintf(format, args...)}
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lex splits src into tokens, ending with a tEOF token.
func lex(src string) ([]token, *lexError) {
	if !utf8.ValidString(src) {
		for i := 0; i < len(src); {
			r, n := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, errAt(i, "invalid UTF-8 byte 0x%02x", src[i])
			}
			i += n
		}
	}
	var toks []token
	i := 0
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
			i++
		}
		if i >= len(src) {
			toks = append(toks, token{kind: tEOF, off: len(src), end: len(src)})
			return toks, nil
		}
		start := i
		c := src[i]
		switch {
		case c == '(':
			toks = append(toks, token{kind: tLParen, val: "(", off: start, end: start + 1})
			i++
		case c == ')':
			toks = append(toks, token{kind: tRParen, val: ")", off: start, end: start + 1})
			i++
		case c == ',':
			toks = append(toks, token{kind: tComma, val: ",", off: start, end: start + 1})
			i++
		case c == '=':
			switch {
			case strings.HasPrefix(src[i:], "=="):
				toks = append(toks, token{kind: tEq, val: "==", off: start, end: start + 2})
				i += 2
			case strings.HasPrefix(src[i:], "=~"):
				return nil, errAt(start, "=~ is KQL; in a `when` expression == already compares text case-insensitively")
			default:
				return nil, errAt(start, "unexpected '='; compare with ==")
			}
		case c == '!':
			switch {
			case strings.HasPrefix(src[i:], "!="):
				toks = append(toks, token{kind: tNe, val: "!=", off: start, end: start + 2})
				i += 2
			case strings.HasPrefix(src[i:], "!~"):
				return nil, errAt(start, "!~ is KQL; in a `when` expression != already compares text case-insensitively")
			default:
				return nil, errAt(start, "unexpected '!'; negate with not, or compare with !=")
			}
		case c == '&' || c == '|':
			if i+1 < len(src) && src[i+1] == c {
				word := "and"
				if c == '|' {
					word = "or"
				}
				return nil, errAt(start, "unexpected %q; write %s", src[i:i+2], word)
			}
			return nil, errAt(start, "unexpected character %q", string(c))
		case c == '"' || c == '\'':
			val, end, err := lexString(src, i, c, false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, val: val, off: start, end: end})
			i = end
		case c == '@' && i+1 < len(src) && (src[i+1] == '"' || src[i+1] == '\''):
			val, end, err := lexString(src, i+1, src[i+1], true)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, val: val, off: start, end: end})
			i = end
		case isDigit(c) || (c == '-' && i+1 < len(src) && isDigit(src[i+1])):
			j := i + 1
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
				j += 2
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			if j < len(src) && (isIdentChar(src[j]) || src[j] == '.') {
				k := j
				for k < len(src) && (isIdentChar(src[k]) || src[k] == '.') {
					k++
				}
				return nil, errAt(start, "invalid number %q (quote it if it is text)", src[start:k])
			}
			toks = append(toks, token{kind: tNumber, val: src[start:j], off: start, end: j})
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && (isIdentChar(src[j]) || src[j] == '.') {
				j++
			}
			word := src[start:j]
			if strings.HasSuffix(word, ".") || strings.Contains(word, "..") {
				return nil, errAt(start, "invalid field name %q", word)
			}
			if k, ok := keywords[strings.ToLower(word)]; ok {
				toks = append(toks, token{kind: k, val: word, off: start, end: j})
			} else {
				toks = append(toks, token{kind: tIdent, val: word, off: start, end: j})
			}
			i = j
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, errAt(start, "unexpected character %q", r)
		}
	}
}

// lexString scans a string literal whose opening quote is at src[i]. A
// regular literal knows the escapes \\ \" \' \n \r \t; a verbatim literal
// (@"…") takes backslashes literally and doubles its quote character.
func lexString(src string, i int, quote byte, verbatim bool) (string, int, *lexError) {
	open := i
	if verbatim {
		open = i - 1
	}
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case c == quote:
			if verbatim && j+1 < len(src) && src[j+1] == quote {
				b.WriteByte(quote)
				j += 2
				continue
			}
			return b.String(), j + 1, nil
		case c == '\n' || c == '\r':
			return "", 0, errAt(open, "string literal not terminated before the end of the line")
		case c == '\\' && !verbatim:
			if j+1 >= len(src) {
				return "", 0, errAt(open, "string literal not terminated")
			}
			switch e := src[j+1]; e {
			case '\\', '"', '\'':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				r, _ := utf8.DecodeRuneInString(src[j+1:])
				return "", 0, errAt(j, "unknown escape \\%c in string literal; write \\\\ for a backslash, or use a verbatim string such as @\"C:\\Windows\"", r)
			}
			j += 2
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, errAt(open, "string literal not terminated")
}

// quoteWhen renders s as a `when` string literal: double quotes, with \\ \"
// \n \r \t escaped, or as a verbatim literal when that reads better (the text
// has backslashes and no control characters).
func quoteWhen(s string) string {
	if strings.Contains(s, `\`) && !strings.ContainsAny(s, "\n\r\t") {
		return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
