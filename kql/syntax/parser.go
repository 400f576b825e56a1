package syntax

import (
	"fmt"
	"strings"
)

// Options control the parser.
type Options struct {
	// Lenient accepts one trailing comma at the end of an in/!in/in~/!in~/
	// has_any/has_all list, a call's argument list or an operator's column
	// list: the empty element is dropped and a warning is recorded in
	// Query.Warnings. Without it the trailing comma is the official parser's
	// error "Missing expression" (KS006) at the position right after the comma.
	Lenient bool
}

// maxDepth bounds the nesting of expressions so that hostile input cannot
// exhaust the stack.
const maxDepth = 500

type parser struct {
	src   string
	toks  []Token
	p     int
	lines *lineIndex
	errs  ErrorList
	warns ErrorList
	opts  Options
	depth int
	errAt map[Pos]bool // offsets that already have an error
}

// Parse parses a KQL query text: statements separated by ';' (a trailing ';'
// is allowed). It always returns a *Query (possibly holding *BadExpr and
// *BadOp nodes where errors were found) and the sorted list of errors.
func Parse(src string, opts Options) (*Query, ErrorList) {
	p := newParser(src, opts)
	q := p.parseQuery()
	if len(p.errs) > 0 {
		// Error recovery may leave a node's span short of its children's.
		fixSpans(q)
	}
	q.Warnings = p.warns
	q.Warnings.Sort()
	p.errs.Sort()
	return q, p.errs
}

// ParseExpr parses a single scalar (or tabular) expression, such as the
// boolean predicate of an exclusion file. Nothing may follow the expression.
func ParseExpr(src string) (Expr, ErrorList) {
	return ParseExprWith(src, Options{})
}

// ParseExprWith is ParseExpr with parser options.
func ParseExprWith(src string, opts Options) (Expr, ErrorList) {
	p := newParser(src, opts)
	x := p.parseExpr()
	if p.cur().Kind != TokEOF {
		p.errorf(p.cur().Pos, "", "unexpected %s after the expression", p.cur())
	}
	if len(p.errs) > 0 {
		fixSpans(x)
	}
	p.errs.Sort()
	return x, p.errs
}

func newParser(src string, opts Options) *parser {
	toks, lexErrs := Lex(src)
	// Directives were reported by the lexer; drop them from the stream.
	kept := toks[:0:0]
	for _, t := range toks {
		if t.Kind != TokDirective {
			kept = append(kept, t)
		}
	}
	if len(lexErrs) > maxErrors {
		last := lexErrs[maxErrors-1]
		lexErrs = append(lexErrs[:maxErrors:maxErrors], &Error{Offset: last.Offset, Line: last.Line, Col: last.Col, Msg: "too many errors; parsing stopped"})
		kept = kept[len(kept)-1:] // only EOF
	}
	return &parser{src: src, toks: kept, lines: newLineIndex(src), errs: lexErrs, opts: opts}
}

// ---- token helpers ----

func (p *parser) cur() Token { return p.toks[p.p] }

func (p *parser) peek(k int) Token {
	if p.p+k < len(p.toks) {
		return p.toks[p.p+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() Token {
	t := p.toks[p.p]
	if p.p < len(p.toks)-1 {
		p.p++
	}
	return t
}

// prevEnd is the end of the last consumed token.
func (p *parser) prevEnd() Pos {
	if p.p == 0 {
		return 0
	}
	return p.toks[p.p-1].End
}

func (t Token) isOp(s string) bool   { return t.Kind == TokOp && t.Text == s }
func (t Token) isKw(s string) bool   { return t.Kind == TokIdent && t.Text == s }
func (p *parser) isOp(s string) bool { return p.cur().isOp(s) }
func (p *parser) isKw(s string) bool { return p.cur().isKw(s) }

func (p *parser) acceptOp(s string) bool {
	if p.isOp(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) acceptKw(s string) bool {
	if p.isKw(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) errorf(pos Pos, hint, format string, args ...any) {
	p.report(&Error{Offset: pos, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// maxErrors bounds the number of errors reported; parsing stops after it.
const maxErrors = 100

func (p *parser) report(e *Error) {
	// One error per offset: later errors at the same place are follow-ups.
	if p.errAt == nil {
		p.errAt = map[Pos]bool{}
		for _, old := range p.errs {
			p.errAt[old.Offset] = true
		}
	}
	if p.errAt[e.Offset] || len(p.errs) > maxErrors {
		return
	}
	p.errAt[e.Offset] = true
	e.Line, e.Col = p.lines.position(e.Offset)
	p.errs = append(p.errs, e)
	if len(p.errs) == maxErrors {
		p.errs = append(p.errs, &Error{Offset: e.Offset, Line: e.Line, Col: e.Col, Msg: "too many errors; parsing stopped"})
		p.p = len(p.toks) - 1 // jump to the end
	}
}

func (p *parser) warnf(pos Pos, hint, format string, args ...any) {
	e := &Error{Offset: pos, Msg: fmt.Sprintf(format, args...), Hint: hint}
	e.Line, e.Col = p.lines.position(pos)
	p.warns = append(p.warns, e)
}

// missingPos is where to report that something is missing before the
// current token: at the token itself, or right after the previous token when
// the current one is the end of the text, a pipe or a semicolon (like the
// official parser, which places missing nodes after the previous token).
func (p *parser) missingPos() Pos {
	t := p.cur()
	if (t.Kind == TokEOF || t.isOp("|") || t.isOp(";")) && p.p > 0 {
		return p.prevEnd()
	}
	return t.Pos
}

// expectOp consumes the operator s or reports an error.
func (p *parser) expectOp(s string) bool {
	if p.acceptOp(s) {
		return true
	}
	p.errorf(p.missingPos(), "", "expected '%s' but found %s", s, p.cur())
	return false
}

func (p *parser) expectKw(s string) bool {
	if p.acceptKw(s) {
		return true
	}
	p.errorf(p.missingPos(), "", "expected '%s' but found %s", s, p.cur())
	return false
}

// atEndOfOperator reports whether the current token ends an operator's
// arguments: '|', ';', a closing bracket or the end of the text.
func (p *parser) atEndOfOperator() bool {
	t := p.cur()
	return t.Kind == TokEOF || t.isOp("|") || t.isOp(";") || t.isOp(")") || t.isOp("}") || t.isOp("]")
}

// sync skips tokens up to (not including) one of the stop operators at
// bracket depth 0, or a closing bracket that closes an enclosing group.
func (p *parser) sync(stops ...string) {
	depth := 0
	for {
		t := p.cur()
		if t.Kind == TokEOF {
			return
		}
		if t.Kind == TokOp {
			switch t.Text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return
				}
				depth--
			default:
				if depth == 0 {
					for _, s := range stops {
						if t.Text == s {
							return
						}
					}
				}
			}
		}
		p.advance()
	}
}

func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.errorf(p.cur().Pos, "", "expression nested too deeply")
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// ---- statements ----

func (p *parser) parseQuery() *Query {
	q := &Query{}
	for p.cur().Kind != TokEOF {
		if p.acceptOp(";") {
			continue
		}
		before := p.p
		q.Stmts = append(q.Stmts, p.parseStmt())
		if p.acceptOp(";") || p.cur().Kind == TokEOF {
			continue
		}
		t := p.cur()
		hint := "separate statements with ';'"
		if t.isOp(")") || t.isOp("]") || t.isOp("}") {
			hint = "unbalanced brackets"
		}
		p.errorf(t.Pos, hint, "expected ';' or the end of the query but found %s", t)
		p.sync(";")
		if p.isOp(")") || p.isOp("]") || p.isOp("}") {
			p.advance()
		}
		if p.p == before {
			p.advance()
		}
	}
	q.Span = Span{0, Pos(len(p.src))}
	q.Src = p.src
	q.lines = p.lines
	return q
}

func (p *parser) parseStmt() Stmt {
	t := p.cur()
	switch {
	case t.isKw("let") && p.isNameAt(1):
		return p.parseLet()
	case t.isKw("set") && p.peek(1).Kind == TokIdent && !p.peek(1).isKw("by"):
		return p.parseSet()
	case t.isKw("declare") && p.peek(1).isKw("query_parameters"):
		return p.parseDeclare()
	}
	x := p.parseExpr()
	return &ExprStmt{Span: Span{x.Pos(), x.End()}, X: x}
}

// isNameAt reports whether the token at offset k is a name (identifier or the
// start of a bracketed name).
func (p *parser) isNameAt(k int) bool {
	t := p.peek(k)
	return t.Kind == TokIdent || t.isOp("[") && p.peek(k+1).Kind == TokString && p.peek(k+2).isOp("]")
}

func (p *parser) parseName() *Ident {
	t := p.cur()
	if t.Kind == TokIdent {
		p.advance()
		return &Ident{Span: Span{t.Pos, t.End}, Name: t.Text}
	}
	if t.isOp("[") && p.peek(1).Kind == TokString && p.peek(2).isOp("]") {
		p.advance()
		s := p.advance()
		e := p.advance()
		return &Ident{Span: Span{t.Pos, e.End}, Name: s.Str, Bracketed: true}
	}
	p.errorf(t.Pos, "", "expected a name but found %s", t)
	return &Ident{Span: Span{t.Pos, t.Pos}}
}

func (p *parser) parseLet() Stmt {
	start := p.advance().Pos
	name := p.parseName()
	if !p.expectOp("=") {
		p.sync(";")
		return &LetStmt{Span: p.spanFrom(start), Name: name, Value: p.missing()}
	}
	var v Expr
	switch {
	case p.isKw("view") && p.peek(1).isOp("("):
		v = p.parseFuncDecl(true)
	case p.isFuncDeclStart():
		v = p.parseFuncDecl(false)
	default:
		v = p.parseExpr()
	}
	return &LetStmt{Span: Span{start, v.End()}, Name: name, Value: v}
}

func (p *parser) isFuncDeclStart() bool {
	if !p.isOp("(") {
		return false
	}
	if p.peek(1).isOp(")") {
		return p.peek(2).isOp("{")
	}
	return p.isNameAt(1) && (p.peek(2).isOp(":") || p.peek(1).isOp("[") && p.peek(4).isOp(":"))
}

func (p *parser) parseFuncDecl(view bool) Expr {
	start := p.cur().Pos
	if view {
		p.advance()
	}
	fd := &FuncDecl{View: view}
	fd.Params = p.parseParams()
	if !p.expectOp("{") {
		p.sync(";")
		fd.Span = p.spanFrom(start)
		return fd
	}
	fd.Body = p.parseBlockBody()
	p.expectOp("}")
	fd.Span = p.spanFrom(start)
	return fd
}

// parseBlockBody parses statements up to a closing '}'.
func (p *parser) parseBlockBody() []Stmt {
	var body []Stmt
	for !p.isOp("}") && p.cur().Kind != TokEOF {
		if p.acceptOp(";") {
			continue
		}
		before := p.p
		body = append(body, p.parseStmt())
		if p.acceptOp(";") || p.isOp("}") {
			continue
		}
		p.errorf(p.cur().Pos, "", "expected ';' or '}' but found %s", p.cur())
		p.sync(";")
		if p.p == before {
			p.advance()
		}
	}
	return body
}

// parseParams parses ( name:type [= default], name:(cols), ... ).
func (p *parser) parseParams() []*Param {
	var params []*Param
	if !p.expectOp("(") {
		return nil
	}
	for !p.isOp(")") && p.cur().Kind != TokEOF {
		start := p.cur().Pos
		pr := &Param{Name: p.parseName()}
		if p.expectOp(":") {
			if p.isOp("(") {
				pr.Tabular = true
				p.advance()
				if p.acceptOp("*") {
					pr.Star = true
				} else {
					pr.Columns = p.parseColumnDecls(")")
				}
				p.expectOp(")")
			} else {
				pr.Type = p.parseTypeRef()
			}
		}
		if p.acceptOp("=") {
			pr.Default = p.parseOr()
		}
		pr.Span = p.spanFrom(start)
		params = append(params, pr)
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return params
}

func (p *parser) parseTypeRef() *TypeRef {
	t := p.cur()
	if t.Kind == TokIdent {
		p.advance()
		return &TypeRef{Span: Span{t.Pos, t.End}, Name: t.Text}
	}
	p.errorf(t.Pos, "", "expected a type name but found %s", t)
	return &TypeRef{Span: Span{t.Pos, t.Pos}}
}

// parseColumnDecls parses name:type, ... up to the closing token (not
// consumed). Trailing commas are accepted (datatable schemas allow them).
func (p *parser) parseColumnDecls(closer string) []*ColumnDecl {
	var cols []*ColumnDecl
	for !p.isOp(closer) && p.cur().Kind != TokEOF {
		start := p.cur().Pos
		cd := &ColumnDecl{Name: p.parseName()}
		if p.expectOp(":") {
			cd.Type = p.parseTypeRef()
		}
		cd.Span = p.spanFrom(start)
		cols = append(cols, cd)
		if !p.acceptOp(",") {
			if !p.isOp(closer) {
				p.errorf(p.cur().Pos, "", "expected ',' or '%s' but found %s", closer, p.cur())
				p.sync(closer)
			}
			break
		}
	}
	return cols
}

func (p *parser) parseSet() Stmt {
	start := p.advance().Pos
	name := p.parseDottedName()
	st := &SetStmt{Name: name}
	if p.acceptOp("=") {
		st.Value = p.parseOr()
	}
	st.Span = p.spanFrom(start)
	return st
}

func (p *parser) parseDottedName() *Ident {
	id := p.parseName()
	for p.isOp(".") && p.peek(1).Kind == TokIdent && p.cur().Pos == id.To {
		p.advance()
		t := p.advance()
		id.Name += "." + t.Text
		id.To = t.End
	}
	return id
}

func (p *parser) parseDeclare() Stmt {
	start := p.advance().Pos
	p.advance() // query_parameters
	params := p.parseParams()
	return &DeclareStmt{Span: p.spanFrom(start), Params: params}
}

// ---- expressions ----

// parseExpr parses an expression including '|' pipes.
func (p *parser) parseExpr() Expr {
	x := p.parseOr()
	for p.isOp("|") {
		p.advance()
		op := p.parseOperator()
		x = &PipeExpr{Span: Span{x.Pos(), op.End()}, X: x, Op: op}
	}
	return x
}

func bin(x Expr, op Token, y Expr) Expr {
	return &BinaryExpr{Span: Span{x.Pos(), y.End()}, X: x, Op: op.Text, OpPos: op.Pos, Y: y}
}

func (p *parser) parseOr() Expr {
	if !p.enter() {
		defer p.leave()
		t := p.cur()
		p.sync("|", ";", ",")
		return &BadExpr{p.spanFrom(t.Pos)}
	}
	defer p.leave()
	x := p.parseAnd()
	for p.isKw("or") {
		op := p.advance()
		x = bin(x, op, p.parseAnd())
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseEquality()
	for p.isKw("and") {
		op := p.advance()
		x = bin(x, op, p.parseEquality())
	}
	return x
}

var inOps = map[string]bool{"in": true, "!in": true, "in~": true, "!in~": true, "has_any": true, "has_all": true}

func (p *parser) equalityOp() (string, bool) {
	t := p.cur()
	switch {
	case t.Kind == TokOp && (t.Text == "==" || t.Text == "!=" || t.Text == "<>"):
		return t.Text, true
	case (t.Kind == TokOp || t.Kind == TokIdent) && inOps[t.Text]:
		return t.Text, true
	case t.isKw("between") || t.isOp("!between"):
		return t.Text, true
	}
	return "", false
}

func (p *parser) parseEquality() Expr {
	x := p.parseRelational()
	op, ok := p.equalityOp()
	if !ok {
		return x
	}
	x = p.parseEqualityRHS(x)
	if op2, ok := p.equalityOp(); ok {
		p.errorf(p.cur().Pos, "add parentheses to say which comparison comes first",
			"'%s' cannot follow '%s': comparison operators do not chain", op2, op)
		// Parse it anyway so that one mistake gives one error.
		x = p.parseEqualityRHS(x)
	}
	return x
}

func (p *parser) parseEqualityRHS(x Expr) Expr {
	t := p.advance()
	switch {
	case inOps[t.Text]:
		list, end := p.parseInList(t)
		return &InExpr{Span: Span{x.Pos(), end}, X: x, Op: t.Text, OpPos: t.Pos, List: list}
	case t.Text == "between" || t.Text == "!between":
		b := &BetweenExpr{X: x, Not: t.Text == "!between"}
		if p.expectOp("(") {
			b.Lo = p.parseOr()
			if p.expectOp("..") {
				b.Hi = p.parseOr()
			} else {
				b.Hi = p.missing()
			}
			p.expectOp(")")
		} else {
			b.Lo = p.missing()
			b.Hi = b.Lo
		}
		b.Span = p.spanFrom(x.Pos())
		return b
	}
	return bin(x, t, p.parseRelational())
}

// parseInList parses ( e1, e2, ... ) after in/has_any. Elements may be
// tabular expressions with pipes.
func (p *parser) parseInList(op Token) ([]Expr, Pos) {
	if !p.isOp("(") {
		p.errorf(p.cur().Pos, fmt.Sprintf("write %s (a, b, ...)", op.Text), "expected '(' after '%s' but found %s", op.Text, p.cur())
		return []Expr{p.missing()}, p.prevEnd()
	}
	p.advance()
	list := p.parseExprList(")", true)
	p.expectOp(")")
	return list, p.prevEnd()
}

// parseExprList parses a comma list of expressions (with pipes and, for
// call arguments, name = value) up to closer (not consumed). oneOrMore
// reports an empty list as a missing expression. A trailing comma is the
// KS006 error (or a warning in lenient mode).
func (p *parser) parseExprList(closer string, oneOrMore bool) []Expr {
	var list []Expr
	if p.isOp(closer) {
		if oneOrMore {
			p.report(&Error{Offset: p.cur().Pos, Msg: "Missing expression", Code: "KS006", Hint: "the list needs at least one element"})
		}
		return nil
	}
	for {
		var e Expr
		if p.isNameAt(0) && p.nameFollowedBy("=") {
			e = p.parseNamedExpr()
		} else {
			e = p.parseExpr()
		}
		list = append(list, e)
		if !p.isOp(",") {
			if !p.isOp(closer) && p.cur().Kind != TokEOF {
				p.errorf(p.cur().Pos, "", "expected ',' or '%s' but found %s", closer, p.cur())
				p.sync(closer)
			}
			return list
		}
		comma := p.advance()
		if p.isOp(closer) {
			p.trailingComma(comma)
			return list
		}
	}
}

func (p *parser) trailingComma(comma Token) {
	if p.opts.Lenient {
		p.warnf(comma.Pos, "remove the comma", "trailing comma ignored (lenient mode); the official parser reports KS006 Missing expression here")
		return
	}
	p.report(&Error{Offset: comma.End, Msg: "Missing expression", Code: "KS006",
		Hint: "remove the trailing comma after the last element (or parse in lenient mode)"})
}

// nameFollowedBy reports whether the name at the current position is
// followed by the operator s.
func (p *parser) nameFollowedBy(s string) bool {
	if p.cur().Kind == TokIdent {
		return p.peek(1).isOp(s)
	}
	return p.peek(3).isOp(s) // [ 'x' ] s
}

func (p *parser) parseNamedExpr() Expr {
	start := p.cur().Pos
	name := p.parseName()
	p.expectOp("=")
	v := p.parseExpr()
	return &NamedExpr{Span: Span{start, v.End()}, Names: []*Ident{name}, Value: v}
}

func (p *parser) parseRelational() Expr {
	x := p.parseAdditive()
	t := p.cur()
	if t.Kind == TokOp && (t.Text == "<" || t.Text == "<=" || t.Text == ">" || t.Text == ">=") {
		p.advance()
		x = bin(x, t, p.parseAdditive())
		if t2 := p.cur(); t2.Kind == TokOp && (t2.Text == "<" || t2.Text == "<=" || t2.Text == ">" || t2.Text == ">=") {
			p.errorf(t2.Pos, "add parentheses, or write a < x and x < b", "'%s' cannot follow '%s': comparison operators do not chain", t2.Text, t.Text)
			p.advance()
			x = bin(x, t2, p.parseAdditive())
		}
	}
	return x
}

func (p *parser) parseAdditive() Expr {
	x := p.parseMultiplicative()
	for p.isOp("+") || p.isOp("-") {
		op := p.advance()
		x = bin(x, op, p.parseMultiplicative())
	}
	return x
}

func (p *parser) parseMultiplicative() Expr {
	x := p.parseStringOp()
	for p.isOp("*") || p.isOp("/") || p.isOp("%") {
		op := p.advance()
		x = bin(x, op, p.parseStringOp())
	}
	return x
}

// stringOpWords are the string operators written as words.
var stringOpWords = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"contains": true, "contains_cs": true, "containscs": true, "notcontains": true, "notcontainscs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
	"like": true, "notlike": true, "likecs": true, "notlikecs": true,
}

// stringOp reports the string operator at the current position and how many
// tokens it spans.
func (p *parser) stringOp() (string, int) {
	t := p.cur()
	switch t.Kind {
	case TokOp:
		switch t.Text {
		case "=~", "!~", ":":
			return t.Text, 1
		}
		if strings.HasPrefix(t.Text, "!") && len(t.Text) > 1 && t.Text != "!in" && t.Text != "!in~" && t.Text != "!between" && t.Text != "!=" {
			return t.Text, 1
		}
	case TokIdent:
		if stringOpWords[t.Text] {
			return t.Text, 1
		}
		if t.Text == "matches" && p.peek(1).isKw("regex") {
			return "matches regex", 2
		}
	}
	return "", 0
}

func (p *parser) parseStringOp() Expr {
	x := p.parseUnary()
	op, n := p.stringOp()
	if n == 0 {
		if t := p.cur(); t.isOp("!") && p.peek(1).Kind == TokIdent && p.peek(1).Pos == t.End {
			w := p.peek(1).Text
			p.errorf(t.Pos, "write not(x "+w+" ...)", "there is no '!%s' operator", w)
			p.advance()
		}
		return x
	}
	t := p.cur()
	for i := 0; i < n; i++ {
		p.advance()
	}
	y := p.parseUnary()
	x = &BinaryExpr{Span: Span{x.Pos(), y.End()}, X: x, Op: op, OpPos: t.Pos, Y: y}
	if op2, n2 := p.stringOp(); n2 > 0 {
		p.errorf(p.cur().Pos, "add parentheses, or combine the tests with 'and'", "'%s' cannot follow '%s': string operators do not chain", op2, op)
		t2 := p.cur()
		for i := 0; i < n2; i++ {
			p.advance()
		}
		y2 := p.parseUnary()
		x = &BinaryExpr{Span: Span{x.Pos(), y2.End()}, X: x, Op: op2, OpPos: t2.Pos, Y: y2}
	}
	return x
}

func (p *parser) parseUnary() Expr {
	if p.isOp("-") || p.isOp("+") {
		op := p.advance()
		if p.isOp("-") || p.isOp("+") {
			p.errorf(p.cur().Pos, "write -(-x)", "unary '%s' cannot follow unary '%s'", p.cur().Text, op.Text)
		}
		x := p.parsePostfix()
		return &UnaryExpr{Span: Span{op.Pos, x.End()}, Op: op.Text, X: x}
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() Expr {
	if !p.enter() {
		defer p.leave()
		t := p.cur()
		p.sync("|", ";", ",")
		return &BadExpr{p.spanFrom(t.Pos)}
	}
	defer p.leave()
	x := p.parsePrimary()
	for {
		switch {
		case p.isOp(".") && p.peek(1).isOp("[") && !(p.peek(2).Kind == TokString && p.peek(3).isOp("]")):
			// x.[0]: an index written after a dot
			p.advance()
			p.advance()
			idx := p.parseExpr()
			p.expectOp("]")
			x = &IndexExpr{Span: p.spanFrom(x.Pos()), X: x, Index: idx}
		case p.isOp("."):
			p.advance()
			name := p.parseMemberName()
			x = &MemberExpr{Span: Span{x.Pos(), name.End()}, X: x, Name: name}
		case p.isOp("["):
			p.advance()
			idx := p.parseExpr()
			p.expectOp("]")
			x = &IndexExpr{Span: p.spanFrom(x.Pos()), X: x, Index: idx}
		case p.isOp("(") && isCallable(x):
			args := p.parseCallArgs()
			x = &CallExpr{Span: p.spanFrom(x.Pos()), Fun: x, Args: args}
		default:
			return x
		}
	}
}

func isCallable(x Expr) bool {
	switch x.(type) {
	case *MemberExpr:
		return true
	}
	return false
}

func (p *parser) parseMemberName() *Ident {
	t := p.cur()
	if t.Kind == TokIdent || t.isOp("[") && p.peek(1).Kind == TokString {
		return p.parseName()
	}
	if t.Kind == TokGoo {
		// e.g. x.time(...) is not a member; report.
		p.errorf(t.Pos, "", "expected a member name after '.' but found %s", t)
		p.advance()
		return &Ident{Span: Span{t.Pos, t.End}, Name: t.GooKw}
	}
	p.errorf(t.Pos, "", "expected a member name after '.' but found %s", t)
	return &Ident{Span: Span{t.Pos, t.Pos}}
}

func (p *parser) parseCallArgs() []Expr {
	p.expectOp("(")
	args := p.parseExprList(")", false)
	p.expectOp(")")
	return args
}

var boolWords = map[string]bool{"true": true, "false": false, "TRUE": true, "FALSE": false, "True": true, "False": false}

// notSourceFollower reports whether the token after a source keyword shows
// that the keyword is used as a plain name.
func notSourceFollower(t Token) bool {
	if t.Kind == TokEOF {
		return true
	}
	if t.Kind == TokOp {
		switch t.Text {
		case ",", ")", "]", "}", ".", "=", "==", "!=", "|", ";", "<", ">", "<=", ">=", "/", "%", "=~", "!~", "..":
			return true
		}
	}
	if t.Kind == TokIdent && (t.Text == "and" || t.Text == "or" || stringOpWords[t.Text]) {
		return true
	}
	return false
}

func (p *parser) parsePrimary() Expr {
	t := p.cur()
	switch t.Kind {
	case TokString:
		p.advance()
		return &Literal{Span: Span{t.Pos, t.End}, Kind: LitString, Raw: t.Text, Str: t.Str, Obfusc: t.Obfusc, Parts: t.Parts}
	case TokLong:
		p.advance()
		return &Literal{Span: Span{t.Pos, t.End}, Kind: LitLong, Raw: t.Text, Int: t.Int}
	case TokReal:
		p.advance()
		return &Literal{Span: Span{t.Pos, t.End}, Kind: LitReal, Raw: t.Text, Real: t.Float}
	case TokTimespan:
		p.advance()
		return &Literal{Span: Span{t.Pos, t.End}, Kind: LitTimespan, Raw: t.Text, Ticks: t.Ticks}
	case TokGuidLit:
		p.advance()
		return &Literal{Span: Span{t.Pos, t.End}, Kind: LitGuid, Raw: t.Text, Str: t.Str}
	case TokGoo:
		p.advance()
		return p.gooExpr(t)
	case TokIdent:
		return p.parseIdentPrimary()
	case TokOp:
		switch t.Text {
		case "(":
			p.advance()
			x := p.parseExpr()
			p.expectOp(")")
			return &ParenExpr{Span: p.spanFrom(t.Pos), X: x}
		case "[":
			if p.peek(1).Kind == TokString && p.peek(2).isOp("]") {
				return p.parseName()
			}
		case "*":
			p.advance()
			return &StarExpr{Span{t.Pos, t.End}}
		}
	case TokIllegal:
		p.advance()
		return &BadExpr{Span{t.Pos, t.End}}
	}
	hint := ""
	if t.isOp("!") {
		hint = "KQL has no '!' prefix; use not(expr)"
	}
	p.errorf(p.missingPos(), hint, "expected an expression but found %s", t)
	if p.atEndOfOperator() || t.isOp(",") {
		return p.missing()
	}
	p.advance()
	return &BadExpr{Span{t.Pos, t.End}}
}

func (p *parser) gooExpr(t Token) Expr {
	if t.GooKw == "typeof" {
		return p.parseTypeof(t)
	}
	lit, msg := decodeGoo(t)
	if msg != "" {
		p.errorf(t.Pos, "", "%s", msg)
	}
	return lit
}

// parseTypeof parses the goo text of typeof(...): a type name, *, or a list
// of column declarations.
func (p *parser) parseTypeof(t Token) *TypeofExpr {
	te := &TypeofExpr{Span: Span{t.Pos, t.End}}
	base := t.End - 1 - Pos(len(t.Str))
	sub := p.subParser(t.Str, base)
	switch {
	case sub.isOp("*") && sub.peek(1).Kind == TokEOF:
		te.Star = true
	case sub.cur().Kind == TokIdent && sub.peek(1).Kind == TokEOF:
		tt := sub.cur()
		te.Type = &TypeRef{Span: Span{tt.Pos, tt.End}, Name: tt.Text}
	default:
		te.Columns = sub.parseColumnDecls("")
		if sub.cur().Kind != TokEOF {
			sub.errorf(sub.cur().Pos, "", "unexpected %s in typeof(...)", sub.cur())
		}
		if len(te.Columns) == 0 {
			p.errorf(t.Pos, "", "typeof() needs a type")
		}
	}
	for _, e := range sub.errs {
		p.report(e)
	}
	return te
}

// subParser lexes text (found at offset base of p.src) with positions
// relative to p.src.
func (p *parser) subParser(text string, base Pos) *parser {
	toks, errs := Lex(text)
	for i := range toks {
		toks[i].Pos += base
		toks[i].End += base
	}
	sp := &parser{src: p.src, toks: toks, lines: p.lines, opts: p.opts, depth: p.depth}
	for _, e := range errs {
		e.Offset += base
		sp.report(e)
	}
	return sp
}

func (p *parser) parseIdentPrimary() Expr {
	t := p.cur()
	next := p.peek(1)
	if v, ok := boolWords[t.Text]; ok {
		p.advance()
		return &Literal{Span: Span{t.Pos, t.End}, Kind: LitBool, Raw: t.Text, Bool: v}
	}
	switch t.Text {
	case "dynamic":
		if next.isOp("(") {
			return p.parseDynamic()
		}
	case "datatable":
		if next.isOp("(") || next.Kind == TokIdent && p.peek(2).isOp("=") {
			return p.parseDataTable()
		}
	case "externaldata", "external_data":
		if next.isOp("(") || next.Kind == TokIdent && p.peek(2).isOp("=") {
			return p.parseExternalData()
		}
	case "print":
		if !notSourceFollower(next) {
			return p.parsePrint()
		}
	case "range":
		if next.Kind == TokIdent && p.peek(2).isKw("from") {
			return p.parseRange()
		}
	case "union":
		if !notSourceFollower(next) {
			p.advance()
			return p.parseUnion(t.Pos)
		}
	case "search":
		if !notSourceFollower(next) && !next.isOp("(") {
			p.advance()
			return p.parseSearch(t.Pos)
		}
	case "find":
		if next.isKw("in") || next.isKw("where") || next.isKw("withsource") || next.isKw("datascope") || next.isKw("hint") {
			p.advance()
			return p.parseFind(t.Pos)
		}
	case "evaluate":
		if next.Kind == TokIdent && !notSourceFollower(next) {
			p.advance()
			return p.parseEvaluate(t.Pos)
		}
	}
	p.advance()
	id := &Ident{Span: Span{t.Pos, t.End}, Name: t.Text}
	if p.isOp("(") {
		args := p.parseCallArgs()
		return &CallExpr{Span: p.spanFrom(t.Pos), Fun: id, Args: args}
	}
	return id
}

// ---- dynamic literals ----

func (p *parser) parseDynamic() Expr {
	start := p.advance().Pos
	p.advance() // (
	var v DynValue
	if p.isOp(")") {
		p.errorf(p.cur().Pos, "write dynamic(null) for a null value", "dynamic() needs a value")
		v = &DynNull{Span{p.prevEnd(), p.prevEnd()}}
	} else {
		v = p.parseDynValue()
	}
	if !p.expectOp(")") {
		p.sync(")", "|", ";")
		p.acceptOp(")")
	}
	return &DynamicLit{Span: p.spanFrom(start), Value: v}
}

func (p *parser) parseDynValue() DynValue {
	if !p.enter() {
		defer p.leave()
		t := p.cur()
		p.sync(")")
		return &DynNull{Span{t.Pos, t.Pos}}
	}
	defer p.leave()
	t := p.cur()
	switch {
	case t.isOp("{"):
		p.advance()
		obj := &DynObject{}
		for !p.isOp("}") && p.cur().Kind != TokEOF {
			kt := p.cur()
			var key string
			switch kt.Kind {
			case TokString:
				key = kt.Str
			case TokIdent:
				key = kt.Text
			default:
				p.errorf(kt.Pos, "", "expected a property name in dynamic object but found %s", kt)
				p.sync("}")
			}
			if kt.Kind != TokString && kt.Kind != TokIdent {
				break
			}
			p.advance()
			p.expectOp(":")
			val := p.parseDynValue()
			obj.Members = append(obj.Members, &DynMember{Span: Span{kt.Pos, val.End()}, Key: key, Value: val})
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp("}")
		obj.Span = p.spanFrom(t.Pos)
		return obj
	case t.isOp("["):
		p.advance()
		arr := &DynArray{}
		for !p.isOp("]") && p.cur().Kind != TokEOF {
			arr.Elems = append(arr.Elems, p.parseDynValue())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp("]")
		arr.Span = p.spanFrom(t.Pos)
		return arr
	case t.isKw("null"):
		p.advance()
		return &DynNull{Span{t.Pos, t.End}}
	}
	lit := p.parseSignedLiteral()
	if lit == nil {
		p.errorf(t.Pos, "", "expected a JSON value or a literal in dynamic(...) but found %s", t)
		if !p.isOp(")") && !p.isOp("]") && !p.isOp("}") {
			p.advance()
		}
		return &DynNull{p.spanFrom(t.Pos)}
	}
	return &DynScalar{Span: lit.Span, Lit: lit}
}

// parseSignedLiteral parses a literal with an optional sign folded into it
// (datatable values, dynamic scalars). It returns nil, consuming nothing,
// when the current token does not start a literal.
func (p *parser) parseSignedLiteral() *Literal {
	t := p.cur()
	sign := ""
	if (t.isOp("-") || t.isOp("+")) && p.peek(1).Pos == t.End {
		switch p.peek(1).Kind {
		case TokLong, TokReal, TokTimespan:
			sign = t.Text
			p.advance()
		}
	}
	nt := p.cur()
	var lit *Literal
	switch nt.Kind {
	case TokString, TokLong, TokReal, TokTimespan, TokGuidLit:
		lit, _ = p.parsePrimary().(*Literal)
	case TokGoo:
		if nt.GooKw != "typeof" {
			lit, _ = p.parsePrimary().(*Literal)
		}
	case TokIdent:
		if _, ok := boolWords[nt.Text]; ok {
			lit, _ = p.parsePrimary().(*Literal)
		}
	}
	if lit == nil {
		return nil
	}
	if sign != "" {
		lit.From = t.Pos
		lit.Raw = sign + lit.Raw
		if sign == "-" {
			lit.Int, lit.Real, lit.Ticks = -lit.Int, -lit.Real, -lit.Ticks
		}
	}
	return lit
}

// spanFrom returns the span from start to the end of the last consumed
// token (empty when nothing was consumed since start).
func (p *parser) spanFrom(start Pos) Span {
	end := p.prevEnd()
	if end < start {
		end = start
	}
	return Span{start, end}
}

// missing returns an empty *BadExpr placed right after the last consumed
// token, standing for an expression that is not there (already reported).
func (p *parser) missing() *BadExpr {
	e := p.prevEnd()
	return &BadExpr{Span{e, e}}
}

// fixSpans widens every node's span to cover its children.
func fixSpans(n Node) {
	for _, c := range Children(n) {
		fixSpans(c)
		if s, ok := n.(interface{ span() *Span }); ok {
			sp := s.span()
			if c.Pos() < sp.From {
				sp.From = c.Pos()
			}
			if c.End() > sp.To {
				sp.To = c.End()
			}
			if sp.To < sp.From {
				sp.To = sp.From
			}
		}
	}
}
