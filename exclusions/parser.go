package exclusions

import "strings"

// maxDepth bounds the nesting of parentheses and `not`, so that a hostile
// expression cannot exhaust the stack.
const maxDepth = 200

// ParseWhen parses a `when` expression on its own. Error positions are
// line:col within text (line 1 unless text spans lines). Use Parse or
// LoadFile to get positions inside the YAML file.
func ParseWhen(text string) (Expr, error) {
	e, lerr := parseWhen(text)
	if lerr != nil {
		return nil, &Error{Pos: textPos(text, lerr.off), Code: CodeSyntax, Msg: lerr.msg}
	}
	return e, nil
}

// textPos turns a byte offset of text into a 1-based line and rune column.
func textPos(text string, off int) Pos {
	if off > len(text) {
		off = len(text)
	}
	line, col := 1, 1
	for _, r := range text[:off] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return Pos{Line: line, Col: col}
}

// parser is a recursive-descent parser over the token list with standard
// precedence: or < and < not < comparison.
type parser struct {
	toks  []token
	i     int
	depth int
}

func parseWhen(text string) (Expr, *lexError) {
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 {
		return nil, errAt(0, "empty expression")
	}
	p := &parser{toks: toks}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		hint := ""
		if t.kind == tIdent || t.kind == tNot || t.kind == tLParen {
			hint = " (missing and/or?)"
		}
		return nil, errAt(t.off, "unexpected %s after a complete expression%s", t.describe(), hint)
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) parseOr() (Expr, *lexError) {
	x, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		op := p.next()
		y, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		x = &Logical{Op: Or, X: x, Y: y, OpOff: op.off}
	}
	return x, nil
}

func (p *parser) parseAnd() (Expr, *lexError) {
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		op := p.next()
		y, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		x = &Logical{Op: And, X: x, Y: y, OpOff: op.off}
	}
	return x, nil
}

func (p *parser) enter(off int) *lexError {
	p.depth++
	if p.depth > maxDepth {
		return errAt(off, "expression nested more than %d levels deep", maxDepth)
	}
	return nil
}

func (p *parser) parseUnary() (Expr, *lexError) {
	if t := p.peek(); t.kind == tNot {
		p.next()
		if err := p.enter(t.off); err != nil {
			return nil, err
		}
		x, err := p.parseUnary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &Not{NotOff: t.off, X: x}, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (Expr, *lexError) {
	t := p.next()
	switch t.kind {
	case tLParen:
		if err := p.enter(t.off); err != nil {
			return nil, err
		}
		x, err := p.parseOr()
		p.depth--
		if err != nil {
			return nil, err
		}
		r := p.next()
		if r.kind != tRParen {
			return nil, errAt(r.off, "expected ')' to close the '(' opened before, found %s", r.describe())
		}
		return &Paren{Lparen: t.off, Rparen: r.off, X: x}, nil
	case tIdent:
		return p.parseComparison(t)
	case tString, tNumber:
		return nil, errAt(t.off, "expected a field name, found %s (the field goes on the left: field == value)", t.describe())
	case tEOF:
		return nil, errAt(t.off, "expression ends too early: expected a field name, 'not' or '('")
	}
	if isKeyword(t.kind) {
		return nil, errAt(t.off, "expected a field name, found keyword %q", t.val)
	}
	return nil, errAt(t.off, "expected a field name, 'not' or '(', found %s", t.describe())
}

func isKeyword(k tokenKind) bool {
	return k >= tAnd && k <= tEndsWith
}

func (p *parser) parseComparison(field token) (Expr, *lexError) {
	c := &Comparison{Field: Field{Name: field.val, Off: field.off}}
	op := p.next()
	c.OpOff = op.off
	switch op.kind {
	case tEq:
		c.Op = OpEq
	case tNe:
		c.Op = OpNe
	case tContains:
		c.Op = OpContains
	case tStartsWith:
		c.Op = OpStartsWith
	case tEndsWith:
		c.Op = OpEndsWith
	case tIn:
		c.Op = OpIn
	case tNot:
		return nil, errAt(op.off, "'not' goes before a comparison: write not (%s …)", field.val)
	case tEOF:
		return nil, errAt(op.off, "expression ends after field %s: expected ==, !=, contains, startswith, endswith or in", field.val)
	default:
		return nil, errAt(op.off, "expected ==, !=, contains, startswith, endswith or in after field %s, found %s", field.val, op.describe())
	}
	if c.Op != OpIn {
		v, err := p.parseLiteral(op)
		if err != nil {
			return nil, err
		}
		c.Values = []Literal{v}
		return c, nil
	}
	lp := p.next()
	if lp.kind != tLParen {
		return nil, errAt(lp.off, "expected '(' after in, found %s", lp.describe())
	}
	for {
		v, err := p.parseLiteral(op)
		if err != nil {
			return nil, err
		}
		c.Values = append(c.Values, v)
		t := p.next()
		if t.kind == tRParen {
			return c, nil
		}
		if t.kind != tComma {
			return nil, errAt(t.off, "expected ',' or ')' in the list after in, found %s", t.describe())
		}
	}
}

func (p *parser) parseLiteral(op token) (Literal, *lexError) {
	t := p.next()
	switch t.kind {
	case tString:
		return Literal{Kind: StringLit, Text: t.val, Off: t.off, End: t.end}, nil
	case tNumber:
		return Literal{Kind: NumberLit, Text: t.val, Off: t.off, End: t.end}, nil
	case tIdent:
		return Literal{}, errAt(t.off, "expected a string or number after %s, found field name %s (comparing two fields is not supported; quote the value if it is text)", op.val, t.val)
	case tRParen:
		if op.kind == tIn {
			return Literal{}, errAt(t.off, "expected a string or number in the list after in, found ')' (the list may not be empty or end with a comma)")
		}
	case tEOF:
		return Literal{}, errAt(t.off, "expression ends after %s: expected a string or number", op.val)
	}
	return Literal{}, errAt(t.off, "expected a string or number after %s, found %s", op.val, t.describe())
}

// Format prints e in the `when` language as written: the author's
// parentheses and nothing more, with canonical spacing and quoting.
func Format(e Expr) string {
	var b strings.Builder
	format(&b, e, false)
	return b.String()
}

// FormatParenthesized prints e with every `and`/`or` operand that is itself
// an `and`/`or` in parentheses, and every `not` operand that is not a single
// comparison in parentheses, so the grouping the parser chose is explicit:
// `A and B or C` prints as `(A and B) or C`. The author's own parentheses are
// folded into this grouping.
func FormatParenthesized(e Expr) string {
	var b strings.Builder
	format(&b, e, true)
	return b.String()
}

func format(b *strings.Builder, e Expr, full bool) {
	if full {
		e = unparen(e)
	}
	switch e := e.(type) {
	case *Paren:
		b.WriteByte('(')
		format(b, e.X, full)
		b.WriteByte(')')
	case *Logical:
		formatOperand(b, e.X, full)
		b.WriteByte(' ')
		b.WriteString(e.Op.String())
		b.WriteByte(' ')
		formatOperand(b, e.Y, full)
	case *Not:
		b.WriteString("not ")
		x := e.X
		if full {
			x = unparen(x)
			if _, ok := x.(*Logical); ok {
				b.WriteByte('(')
				format(b, x, full)
				b.WriteByte(')')
				return
			}
		}
		format(b, x, full)
	case *Comparison:
		formatComparison(b, e)
	}
}

func formatOperand(b *strings.Builder, e Expr, full bool) {
	if full {
		if _, ok := unparen(e).(*Logical); ok {
			b.WriteByte('(')
			format(b, e, full)
			b.WriteByte(')')
			return
		}
	}
	format(b, e, full)
}

func formatComparison(b *strings.Builder, c *Comparison) {
	b.WriteString(c.Field.Name)
	b.WriteByte(' ')
	b.WriteString(c.Op.String())
	b.WriteByte(' ')
	if c.Op == OpIn {
		b.WriteByte('(')
	}
	for i, v := range c.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatLiteral(v))
	}
	if c.Op == OpIn {
		b.WriteByte(')')
	}
}

func formatLiteral(v Literal) string {
	if v.Kind == NumberLit {
		return v.Text
	}
	return quoteWhen(v.Text)
}

// String renders a comparison in the `when` language.
func (c *Comparison) String() string {
	var b strings.Builder
	formatComparison(&b, c)
	return b.String()
}
