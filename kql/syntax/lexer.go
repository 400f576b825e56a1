package syntax

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Lex splits src into tokens. Whitespace (including the Unicode spaces Kusto
// accepts) and // comments are skipped; adjacent string literals separated
// only by trivia are merged into one TokString token. The returned slice always
// ends with a TokEOF token. Lexical problems (invalid escapes, unterminated
// literals, unexpected characters, # directives) are reported in the list
// (at most about a hundred of them).
func Lex(src string) ([]Token, ErrorList) {
	lx := &lexer{src: src, lines: newLineIndex(src)}
	var toks []Token
	for {
		t := lx.next()
		if t.Kind != TokEOF && t.End <= t.Pos {
			// Defensive: every token must consume input.
			lx.i = int(t.Pos) + 1
			continue
		}
		if t.Kind == TokString && len(toks) > 0 && toks[len(toks)-1].Kind == TokString {
			prev := &toks[len(toks)-1]
			prev.Str += t.Str
			prev.End = t.End
			prev.Text = src[prev.Pos:prev.End]
			prev.Parts += t.Parts
			prev.Obfusc = prev.Obfusc || t.Obfusc
			continue
		}
		toks = append(toks, t)
		if t.Kind == TokEOF {
			break
		}
	}
	return toks, lx.errs
}

type lexer struct {
	src   string
	i     int
	lines *lineIndex
	errs  ErrorList
}

func (lx *lexer) errorf(off int, hint, format string, args ...any) {
	if len(lx.errs) > maxErrors {
		return // the parser stops at maxErrors anyway
	}
	line, col := lx.lines.position(Pos(off))
	lx.errs = append(lx.errs, &Error{Offset: Pos(off), Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// IsWhitespace reports whether r is whitespace for KQL (ASCII blanks and the
// Unicode space characters of the official lexer, including U+200B and U+FEFF).
func IsWhitespace(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\n', '\f', '\v', 0xA0, 0x1680, 0x180E, 0x202F, 0x205F, 0x3000, 0xFEFF, 0x2028, 0x2029:
		return true
	}
	return r >= 0x2000 && r <= 0x200B
}

func isLineEnd(r rune) bool { return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 }

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func isIdentChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func (lx *lexer) peekByte(k int) byte {
	if lx.i+k < len(lx.src) {
		return lx.src[lx.i+k]
	}
	return 0
}

// skipTrivia skips whitespace and // comments.
func (lx *lexer) skipTrivia() {
	for lx.i < len(lx.src) {
		c := lx.src[lx.i]
		if c == '/' && lx.peekByte(1) == '/' {
			for lx.i < len(lx.src) {
				r, n := utf8.DecodeRuneInString(lx.src[lx.i:])
				if isLineEnd(r) {
					break
				}
				lx.i += n
			}
			continue
		}
		if c < utf8.RuneSelf {
			if IsWhitespace(rune(c)) {
				lx.i++
				continue
			}
			return
		}
		r, n := utf8.DecodeRuneInString(lx.src[lx.i:])
		if !IsWhitespace(r) {
			return
		}
		lx.i += n
	}
}

// gooKeywords are the type keywords whose parenthesised argument is taken as
// raw text ("goo") by the lexer.
var gooKeywords = map[string]bool{
	"datetime": true, "date": true, "timespan": true, "time": true, "guid": true, "uniqueid": true,
	"int": true, "long": true, "real": true, "double": true, "decimal": true,
	"bool": true, "boolean": true, "typeof": true,
}

// multi-character operators, longest first.
var opSpellings = []string{"==", "!=", "<>", "<=", ">=", "=~", "!~", "..", "=>", "<|"}

// bangWords are the negated operators written as one token with '!'.
var bangWords = map[string]bool{
	"in": true, "has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true,
	"hassuffix": true, "hassuffix_cs": true, "contains": true, "contains_cs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
	"between": true,
}

func (lx *lexer) tok(kind TokenKind, start int) Token {
	return Token{Kind: kind, Pos: Pos(start), End: Pos(lx.i), Text: lx.src[start:lx.i]}
}

func (lx *lexer) next() Token {
	lx.skipTrivia()
	start := lx.i
	if lx.i >= len(lx.src) {
		return Token{Kind: TokEOF, Pos: Pos(len(lx.src)), End: Pos(len(lx.src))}
	}
	c := lx.src[lx.i]
	switch {
	case c == '#':
		for lx.i < len(lx.src) {
			r, n := utf8.DecodeRuneInString(lx.src[lx.i:])
			if isLineEnd(r) {
				break
			}
			lx.i += n
		}
		t := lx.tok(TokDirective, start)
		lx.errorf(start, "remove the line or turn it into a // comment", "client directive %s is not supported", strconv.Quote(truncate(t.Text, 40)))
		return t
	case isHex(c) && lx.isGuidAt(lx.i):
		lx.i += 36
		t := lx.tok(TokGuidLit, start)
		t.Str = strings.ToLower(t.Text)
		return t
	case (c == 'h' || c == 'H') && lx.stringStartsAt(lx.i+1):
		lx.i++
		t := lx.scanString(start)
		t.Obfusc = true
		return t
	case isIdentStart(c):
		return lx.scanIdent(start)
	case isDigit(c):
		return lx.scanNumber(start)
	case lx.stringStartsAt(lx.i):
		return lx.scanString(start)
	case c == '!':
		// !in~, !has_cs, !between, ... are single tokens; otherwise != and !~.
		j := lx.i + 1
		for j < len(lx.src) && isIdentChar(lx.src[j]) {
			j++
		}
		if w := lx.src[lx.i+1 : j]; bangWords[w] {
			lx.i = j
			if w == "in" && lx.i < len(lx.src) && lx.src[lx.i] == '~' {
				lx.i++
			}
			return lx.tok(TokOp, start)
		}
	}
	if c == '/' && lx.peekByte(1) == '*' {
		lx.i += 2
		lx.errorf(start, "comment with // to the end of the line", "KQL has no /* */ block comments")
		return lx.tok(TokIllegal, start)
	}
	for _, op := range opSpellings {
		if strings.HasPrefix(lx.src[lx.i:], op) {
			lx.i += len(op)
			return lx.tok(TokOp, start)
		}
	}
	if strings.IndexByte("()[]{},;|.:=<>+-*/%?@!", c) >= 0 {
		lx.i++
		return lx.tok(TokOp, start)
	}
	r, n := utf8.DecodeRuneInString(lx.src[lx.i:])
	lx.i += n
	t := lx.tok(TokIllegal, start)
	hint := ""
	if r == '~' || r == '&' || r == '^' {
		hint = "KQL has no such operator"
	} else if r >= utf8.RuneSelf {
		hint = "identifiers are ASCII only; bracket the name as ['...'] or quote the text"
	}
	if r == utf8.RuneError && n == 1 {
		lx.errorf(start, "", "invalid UTF-8 byte 0x%02x", c)
	} else {
		lx.errorf(start, hint, "unexpected character %q", r)
	}
	return t
}

// stringStartsAt reports whether a string literal (other than the h prefix)
// starts at offset i.
func (lx *lexer) stringStartsAt(i int) bool {
	if i >= len(lx.src) {
		return false
	}
	switch lx.src[i] {
	case '"', '\'':
		return true
	case '@':
		return i+1 < len(lx.src) && (lx.src[i+1] == '"' || lx.src[i+1] == '\'')
	case '`':
		return strings.HasPrefix(lx.src[i:], "```")
	case '~':
		return strings.HasPrefix(lx.src[i:], "~~~")
	}
	return false
}

func (lx *lexer) isGuidAt(i int) bool {
	if i+36 > len(lx.src) {
		return false
	}
	if i > 0 && isIdentChar(lx.src[i-1]) {
		return false
	}
	for k := 0; k < 36; k++ {
		c := lx.src[i+k]
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return i+36 == len(lx.src) || !isIdentChar(lx.src[i+36])
}

func (lx *lexer) scanIdent(start int) Token {
	lx.i++ // the first character (a letter, '_' or '$')
	for lx.i < len(lx.src) && isIdentChar(lx.src[lx.i]) {
		lx.i++
	}
	word := lx.src[start:lx.i]
	if word == "in" && lx.i < len(lx.src) && lx.src[lx.i] == '~' {
		lx.i++
		return lx.tok(TokOp, start)
	}
	if gooKeywords[word] {
		j := lx.i
		for j < len(lx.src) && (lx.src[j] == ' ' || lx.src[j] == '\t') {
			j++
		}
		if j < len(lx.src) && lx.src[j] == '(' {
			end := strings.IndexByte(lx.src[j:], ')')
			if end < 0 {
				lx.i = len(lx.src)
				lx.errorf(start, "", "missing ')' to close %s(", word)
				t := lx.tok(TokIllegal, start)
				return t
			}
			lx.i = j + end + 1
			t := lx.tok(TokGoo, start)
			t.GooKw = word
			t.Str = lx.src[j+1 : j+end]
			return t
		}
	}
	return lx.tok(TokIdent, start)
}

// timespanSuffixes maps unit suffixes to ticks, longest spelling first.
var timespanSuffixes = []struct {
	s     string
	ticks float64
}{
	{"milliseconds", 1e4}, {"microseconds", 10}, {"nanoseconds", 0.01},
	{"millisecond", 1e4}, {"microsecond", 10}, {"nanosecond", 0.01},
	{"millisec", 1e4}, {"microsec", 10}, {"nanosec", 0.01},
	{"minutes", 6e8}, {"seconds", 1e7}, {"millis", 1e4}, {"micros", 10},
	{"minute", 6e8}, {"second", 1e7}, {"milli", 1e4}, {"micro", 10}, {"nanos", 0.01},
	{"hours", 36e9}, {"ticks", 1}, {"nano", 0.01},
	{"days", 864e9}, {"hour", 36e9}, {"tick", 1},
	{"day", 864e9}, {"hrs", 36e9}, {"min", 6e8}, {"sec", 1e7},
	{"hr", 36e9}, {"ms", 1e4},
	{"d", 864e9}, {"h", 36e9}, {"m", 6e8}, {"s", 1e7},
}

// timespanUnit returns the ticks per unit of the suffix that starts s and is
// not followed by an identifier character, and the suffix length.
func timespanUnit(s string) (float64, int) {
	for _, u := range timespanSuffixes {
		if strings.HasPrefix(s, u.s) && (len(s) == len(u.s) || !isIdentChar(s[len(u.s)])) {
			return u.ticks, len(u.s)
		}
	}
	return 0, 0
}

func (lx *lexer) scanNumber(start int) Token {
	src := lx.src
	// hexadecimal long
	if src[lx.i] == '0' && (lx.peekByte(1) == 'x' || lx.peekByte(1) == 'X') && isHex(lx.peekByte(2)) {
		j := lx.i + 2
		for j < len(src) && isHex(src[j]) {
			j++
		}
		if j >= len(src) || !isIdentChar(src[j]) {
			lx.i = j
			t := lx.tok(TokLong, start)
			u, err := strconv.ParseUint(t.Text[2:], 16, 64)
			if err != nil {
				lx.errorf(start, "", "hexadecimal literal %s is out of range for long", t.Text)
			}
			t.Int = int64(u)
			return t
		}
	}
	for lx.i < len(src) && isDigit(src[lx.i]) {
		lx.i++
	}
	hasDot, hasExp := false, false
	if lx.i < len(src) && src[lx.i] == '.' && (lx.peekByte(1) != '.' || lx.peekByte(2) == '.') && !isIdentStart(lx.peekByte(1)) {
		hasDot = true
		lx.i++
		for lx.i < len(src) && isDigit(src[lx.i]) {
			lx.i++
		}
	}
	if c := lx.peekByte(0); c == 'e' || c == 'E' {
		if isDigit(lx.peekByte(1)) || (lx.peekByte(1) == '+' || lx.peekByte(1) == '-') && isDigit(lx.peekByte(2)) {
			hasExp = true
			lx.i += 2
			for lx.i < len(src) && isDigit(src[lx.i]) {
				lx.i++
			}
		}
	}
	numEnd := lx.i
	if lx.i < len(src) && isIdentChar(src[lx.i]) {
		if !hasExp {
			if per, n := timespanUnit(src[lx.i:]); n > 0 {
				lx.i += n
				t := lx.tok(TokTimespan, start)
				v, err := strconv.ParseFloat(src[start:numEnd], 64)
				if err != nil || math.Abs(v*per) > math.MaxInt64 {
					lx.errorf(start, "", "timespan literal %s is out of range", t.Text)
				}
				t.Ticks = int64(math.Round(v * per))
				return t
			}
		}
		if !hasDot && !hasExp {
			// digits followed by letters: an identifier (1x, 100ns)
			for lx.i < len(src) && isIdentChar(src[lx.i]) {
				lx.i++
			}
			return lx.tok(TokIdent, start)
		}
		for lx.i < len(src) && isIdentChar(src[lx.i]) {
			lx.i++
		}
		t := lx.tok(TokIllegal, start)
		lx.errorf(start, "", "malformed numeric literal %s", strconv.Quote(t.Text))
		return t
	}
	if hasDot || hasExp {
		t := lx.tok(TokReal, start)
		v, err := strconv.ParseFloat(t.Text, 64)
		if err != nil && !math.IsInf(v, 0) {
			lx.errorf(start, "", "malformed real literal %s", t.Text)
		}
		t.Float = v
		return t
	}
	t := lx.tok(TokLong, start)
	v, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil {
		lx.errorf(start, "write it as a real literal (add .0)", "long literal %s is out of range", t.Text)
		v = 0
	}
	t.Int = v
	return t
}

// scanString scans any string literal form at lx.i (the h prefix, if any,
// has been consumed; start is the offset of the whole token).
func (lx *lexer) scanString(start int) Token {
	src := lx.src
	var b strings.Builder
	switch c := src[lx.i]; {
	case c == '`' || c == '~':
		fence := src[lx.i : lx.i+3]
		lx.i += 3
		end := strings.Index(src[lx.i:], fence)
		if end < 0 {
			lx.i = len(src)
			lx.errorf(start, "", "unterminated multi-line string literal: missing closing %s", fence)
			t := lx.tok(TokString, start)
			t.Str = src[start+3+boolInt(src[start] == 'h' || src[start] == 'H'):]
			t.Parts = 1
			return t
		}
		b.WriteString(src[lx.i : lx.i+end])
		lx.i += end + 3
	case c == '@':
		q := src[lx.i+1]
		lx.i += 2
		for {
			if lx.i >= len(src) || src[lx.i] == '\n' || src[lx.i] == '\r' {
				lx.errorf(start, "a verbatim string cannot span lines; use ```...``` for multi-line text", "unterminated string literal")
				break
			}
			if src[lx.i] == q {
				if lx.i+1 < len(src) && src[lx.i+1] == q {
					b.WriteByte(q)
					lx.i += 2
					continue
				}
				lx.i++
				break
			}
			b.WriteByte(src[lx.i])
			lx.i++
		}
	default:
		q := c
		lx.i++
		bad := false
		for {
			if lx.i >= len(src) || src[lx.i] == '\n' || src[lx.i] == '\r' {
				if !bad {
					lx.errorf(start, "", "unterminated string literal")
				}
				break
			}
			ch := src[lx.i]
			if ch == q {
				lx.i++
				break
			}
			if ch != '\\' {
				b.WriteByte(ch)
				lx.i++
				continue
			}
			if !lx.scanEscape(&b) && !bad {
				bad = true
			}
		}
	}
	t := lx.tok(TokString, start)
	t.Str = b.String()
	t.Parts = 1
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scanEscape decodes the escape sequence at lx.i (a backslash) into b. It
// reports false after recording an error for an invalid sequence.
func (lx *lexer) scanEscape(b *strings.Builder) bool {
	src := lx.src
	at := lx.i
	if lx.i+1 >= len(src) {
		lx.i++
		lx.errorf(at, "", "unterminated string literal")
		return false
	}
	c := src[lx.i+1]
	simple := map[byte]string{'\\': "\\", '\'': "'", '"': "\"", 'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v"}
	if s, ok := simple[c]; ok {
		b.WriteString(s)
		lx.i += 2
		return true
	}
	hexN := map[byte]int{'u': 4, 'U': 8, 'x': 2}
	if n, ok := hexN[c]; ok {
		if lx.i+2+n <= len(src) {
			digits := src[lx.i+2 : lx.i+2+n]
			if v, err := strconv.ParseUint(digits, 16, 32); err == nil && strings.IndexFunc(digits, func(r rune) bool { return r == '+' || r == '-' }) < 0 {
				if v > utf8.MaxRune {
					lx.errorf(at, "", "escape sequence \\%c%s is not a valid code point", c, digits)
					lx.i += 2 + n
					return false
				}
				b.WriteRune(rune(v))
				lx.i += 2 + n
				return true
			}
		}
		lx.errorf(at, "", "invalid escape sequence \\%c: expected %d hexadecimal digits", c, n)
		lx.i += 2
		return false
	}
	if c >= '0' && c <= '7' {
		maxd := 2
		if c <= '3' {
			maxd = 3
		}
		j := lx.i + 1
		v := 0
		for j < len(src) && j < lx.i+1+maxd && src[j] >= '0' && src[j] <= '7' {
			v = v*8 + int(src[j]-'0')
			j++
		}
		b.WriteRune(rune(v))
		lx.i = j
		return true
	}
	r, n := utf8.DecodeRuneInString(src[lx.i+1:])
	lx.errorf(at, fmt.Sprintf("write \"\\\\%c\" for a backslash, or use a verbatim string @\"...\"", r),
		"invalid escape sequence '\\%c' in string literal", r)
	lx.i += 1 + n
	return false
}
