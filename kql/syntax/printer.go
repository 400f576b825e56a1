package syntax

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Print renders a node as canonical KQL text: one statement per line,
// top-level pipes at the start of a line, single spaces around operators,
// string literals double-quoted with escapes, and parentheses only where the
// tree has a *ParenExpr or precedence requires them. Parsing the result gives
// a tree that prints identically.
func Print(n Node) string {
	pr := &printer{}
	pr.node(n)
	return pr.b.String()
}

type printer struct {
	b      strings.Builder
	nested int // >0 inside parentheses/arguments: pipes stay on one line
}

func (pr *printer) w(s string) { pr.b.WriteString(s) }

func (pr *printer) node(n Node) {
	switch n := n.(type) {
	case nil:
	case *Query:
		for i, s := range n.Stmts {
			if i > 0 {
				pr.w(";\n")
			}
			pr.node(s)
		}
	case Stmt:
		pr.stmt(n)
	case Expr:
		pr.expr(n, 0)
	case Operator:
		pr.op(n)
	case DynValue:
		pr.dyn(n)
	case *Option:
		pr.option(n)
	case *SortKey:
		pr.sortKey(n)
	case *MvItem:
		pr.mvItem(n)
	case *MakeSeriesAgg:
		pr.msAgg(n)
	case *TopNestedClause:
		pr.topNestedClause(n)
	case *Param:
		pr.param(n)
	case *TypeRef:
		pr.w(n.Name)
	case *ForkBranch:
		pr.forkBranch(n)
	case *DynMember:
		pr.w(quoteString(n.Key) + ": ")
		pr.dyn(n.Value)
	default:
		pr.w(fmt.Sprintf("<%T>", n))
	}
}

func (pr *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *LetStmt:
		pr.w("let ")
		pr.ident(s.Name)
		pr.w(" = ")
		pr.expr(s.Value, 0)
	case *SetStmt:
		pr.w("set ")
		pr.w(s.Name.Name)
		if s.Value != nil {
			pr.w(" = ")
			pr.expr(s.Value, 0)
		}
	case *DeclareStmt:
		pr.w("declare query_parameters(")
		for i, p := range s.Params {
			if i > 0 {
				pr.w(", ")
			}
			pr.param(p)
		}
		pr.w(")")
	case *ExprStmt:
		pr.expr(s.X, 0)
	}
}

// Precedence levels, from the ladder of kql-semantics.md §2.1.
const (
	precPipe = iota
	precOr
	precAnd
	precEquality
	precRelational
	precAdditive
	precMultiplicative
	precString
	precUnary
	precPostfix
)

var nonAssoc = map[int]bool{precEquality: true, precRelational: true, precString: true}

func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "==", "!=", "<>":
		return precEquality
	case "<", "<=", ">", ">=":
		return precRelational
	case "+", "-":
		return precAdditive
	case "*", "/", "%":
		return precMultiplicative
	}
	return precString
}

func exprPrec(x Expr) int {
	switch x := x.(type) {
	case *BinaryExpr:
		return binaryPrec(x.Op)
	case *InExpr, *BetweenExpr:
		return precEquality
	case *UnaryExpr:
		return precUnary
	case *PipeExpr, *NamedExpr, *PrintExpr, *UnionExpr, *SearchExpr, *FindExpr, *EvaluateExpr,
		*RangeExpr, *FuncDecl, *BadExpr:
		return precPipe
	case *Literal:
		if x.TypeName == "" && (x.Kind == LitLong && x.Int < 0 || (x.Kind == LitReal || x.Kind == LitTimespan) && strings.HasPrefix(x.Raw, "-")) {
			return precUnary
		}
	}
	return precPostfix
}

func (pr *printer) expr(x Expr, min int) {
	if exprPrec(x) < min {
		pr.w("(")
		pr.nested++
		pr.expr(x, 0)
		pr.nested--
		pr.w(")")
		return
	}
	switch x := x.(type) {
	case *Ident:
		pr.ident(x)
	case *Literal:
		pr.literal(x)
	case *DynamicLit:
		pr.w("dynamic(")
		pr.dyn(x.Value)
		pr.w(")")
	case *TypeofExpr:
		pr.typeofExpr(x)
	case *BinaryExpr:
		p := binaryPrec(x.Op)
		lmin, rmin := p, p+1
		if nonAssoc[p] {
			lmin = p + 1
		}
		pr.expr(x.X, lmin)
		pr.w(" " + x.Op + " ")
		pr.expr(x.Y, rmin)
	case *InExpr:
		pr.expr(x.X, precRelational)
		pr.w(" " + x.Op + " (")
		pr.list(x.List)
		pr.w(")")
	case *BetweenExpr:
		pr.expr(x.X, precRelational)
		if x.Not {
			pr.w(" !between (")
		} else {
			pr.w(" between (")
		}
		pr.nested++
		pr.expr(x.Lo, precOr)
		pr.w(" .. ")
		pr.expr(x.Hi, precOr)
		pr.nested--
		pr.w(")")
	case *UnaryExpr:
		pr.w(x.Op)
		pr.expr(x.X, precPostfix)
	case *ParenExpr:
		pr.w("(")
		pr.nested++
		pr.expr(x.X, 0)
		pr.nested--
		pr.w(")")
	case *CallExpr:
		pr.expr(x.Fun, precPostfix)
		pr.w("(")
		pr.list(x.Args)
		pr.w(")")
	case *MemberExpr:
		pr.expr(x.X, precPostfix)
		if strings.HasSuffix(pr.b.String(), ".") {
			// 0. .A: "0..A" would lex as a range; keep the space
			pr.w(" ")
		}
		pr.w(".")
		if x.Name != nil && x.Name.Name != "" && isDigit(x.Name.Name[0]) {
			// 1.2x would lex as a number: bracket digit-led member names
			pr.w("[" + quoteString(x.Name.Name) + "]")
		} else {
			pr.ident(x.Name)
		}
	case *IndexExpr:
		pr.expr(x.X, precPostfix)
		pr.w("[")
		pr.nested++
		pr.expr(x.Index, 0)
		pr.nested--
		pr.w("]")
	case *StarExpr:
		pr.w("*")
	case *WildcardName:
		pr.w(x.Pattern)
	case *NamedExpr:
		if x.Paren {
			pr.w("(")
		}
		for i, n := range x.Names {
			if i > 0 {
				pr.w(", ")
			}
			pr.ident(n)
		}
		if x.Paren {
			pr.w(")")
		}
		pr.w(" = ")
		pr.expr(x.Value, precOr)
	case *ColumnDecl:
		pr.columnDecl(x)
	case *FuncDecl:
		if x.View {
			pr.w("view ")
		}
		pr.w("(")
		for i, p := range x.Params {
			if i > 0 {
				pr.w(", ")
			}
			pr.param(p)
		}
		pr.w(") { ")
		pr.nested++
		for _, s := range x.Body {
			pr.stmt(s)
			pr.w("; ")
		}
		pr.nested--
		pr.w("}")
	case *BadExpr:
		pr.w("<bad>")
	case *PipeExpr:
		pr.expr(x.X, 0)
		if pr.nested > 0 {
			pr.w(" | ")
		} else {
			pr.w("\n| ")
		}
		pr.op(x.Op)
	case *DataTableExpr:
		pr.w("datatable")
		pr.options(x.Options)
		pr.w("(")
		pr.columnDecls(x.Columns)
		pr.w(")[")
		pr.list(x.Values)
		pr.w("]")
	case *PrintExpr:
		pr.w("print ")
		pr.columns(x.Exprs)
	case *RangeExpr:
		pr.w("range ")
		pr.ident(x.Name)
		pr.w(" from ")
		pr.expr(x.From, precOr)
		pr.w(" to ")
		pr.expr(x.To, precOr)
		pr.w(" step ")
		pr.expr(x.Step, precOr)
	case *ExternalDataExpr:
		pr.w(x.Kw + "(")
		pr.columnDecls(x.Columns)
		pr.w(")[")
		pr.list(x.URIs)
		pr.w("]")
		if x.With != nil {
			pr.w(" with (")
			pr.list(x.With)
			pr.w(")")
		}
	case *UnionExpr:
		pr.union(x)
	case *SearchExpr:
		pr.search(x)
	case *FindExpr:
		pr.w("find")
		pr.options(x.Options)
		if x.Tables != nil {
			pr.w(" in (")
			pr.list(x.Tables)
			pr.w(")")
		}
		pr.w(" where ")
		pr.expr(x.Pred, precOr)
		if x.ProjectSmart {
			pr.w(" project-smart")
		} else if x.Project != nil {
			pr.w(" project ")
			pr.columns(x.Project)
		}
	case *EvaluateExpr:
		pr.evaluate(x)
	default:
		pr.w(fmt.Sprintf("<%T>", x))
	}
}

// list prints comma-separated expressions inside brackets.
func (pr *printer) list(xs []Expr) {
	pr.nested++
	for i, x := range xs {
		if i > 0 {
			pr.w(", ")
		}
		pr.expr(x, 0)
	}
	pr.nested--
}

// columns prints an operator's column list (no pipes allowed unparenthesised).
func (pr *printer) columns(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			pr.w(", ")
		}
		if _, ok := x.(*NamedExpr); ok {
			pr.expr(x, 0)
		} else {
			pr.expr(x, precOr)
		}
	}
}

func (pr *printer) options(opts []*Option) {
	for _, o := range opts {
		pr.w(" ")
		pr.option(o)
	}
}

func (pr *printer) option(o *Option) {
	pr.w(o.Name + "=")
	pr.expr(o.Value, precPostfix)
}

func (pr *printer) columnDecls(cs []*ColumnDecl) {
	for i, c := range cs {
		if i > 0 {
			pr.w(", ")
		}
		pr.columnDecl(c)
	}
}

func (pr *printer) columnDecl(c *ColumnDecl) {
	pr.ident(c.Name)
	if c.Type != nil {
		pr.w(":" + c.Type.Name)
	}
}

func (pr *printer) param(p *Param) {
	pr.ident(p.Name)
	pr.w(":")
	switch {
	case p.Star:
		pr.w("(*)")
	case p.Tabular:
		pr.w("(")
		pr.columnDecls(p.Columns)
		pr.w(")")
	case p.Type != nil:
		pr.w(p.Type.Name)
	}
	if p.Default != nil {
		pr.w(" = ")
		pr.expr(p.Default, precOr)
	}
}

func (pr *printer) typeofExpr(t *TypeofExpr) {
	pr.w("typeof(")
	switch {
	case t.Star:
		pr.w("*")
	case t.Type != nil:
		pr.w(t.Type.Name)
	default:
		pr.columnDecls(t.Columns)
	}
	pr.w(")")
}

// IsPlainIdent reports whether s can be written as a plain identifier.
func IsPlainIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) && !isDigit(s[0]) {
		return false
	}
	allDigits := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i > 0 && !isIdentChar(c) {
			return false
		}
		if !isDigit(c) {
			allDigits = false
		}
	}
	if allDigits || gooKeywords[s] || s == "dynamic" {
		return false
	}
	if isDigit(s[0]) {
		// digit-led names must not lex as a number or timespan
		toks, errs := Lex(s)
		return len(errs) == 0 && len(toks) == 2 && toks[0].Kind == TokIdent
	}
	return true
}

func (pr *printer) ident(id *Ident) {
	if id == nil {
		return
	}
	if id.Bracketed || !IsPlainIdent(id.Name) {
		pr.w("[" + quoteString(id.Name) + "]")
		return
	}
	pr.w(id.Name)
}

// quoteString writes s as a double-quoted KQL string literal.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (pr *printer) literal(l *Literal) {
	if l.TypeName != "" {
		content := "null"
		if !l.Null {
			if i := strings.IndexByte(l.Raw, '('); i >= 0 && strings.HasSuffix(l.Raw, ")") {
				content = strings.TrimSpace(l.Raw[i+1 : len(l.Raw)-1])
			} else {
				content = literalValueText(l)
			}
		}
		pr.w(l.TypeName + "(" + content + ")")
		return
	}
	switch l.Kind {
	case LitString:
		if l.Obfusc {
			pr.w("h")
		}
		pr.w(quoteString(l.Str))
		return
	case LitReal:
		if math.IsNaN(l.Real) || math.IsInf(l.Real, 0) {
			pr.w("real(" + literalValueText(l) + ")")
			return
		}
	}
	if l.Raw != "" {
		pr.w(l.Raw)
		return
	}
	pr.w(literalValueText(l))
}

// literalValueText renders a literal from its decoded value (used for nodes
// built without source text).
func literalValueText(l *Literal) string {
	switch l.Kind {
	case LitString:
		return quoteString(l.Str)
	case LitLong, LitInt:
		return strconv.FormatInt(l.Int, 10)
	case LitReal, LitDecimal:
		switch {
		case math.IsNaN(l.Real):
			return "nan"
		case math.IsInf(l.Real, 1):
			return "+inf"
		case math.IsInf(l.Real, -1):
			return "-inf"
		}
		s := strconv.FormatFloat(l.Real, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		return s
	case LitBool:
		return strconv.FormatBool(l.Bool)
	case LitTimespan:
		return strconv.FormatInt(l.Ticks, 10) + "tick"
	case LitDateTime:
		return "datetime(" + FormatDateTime(l.Ticks) + ")"
	case LitGuid:
		return l.Str
	}
	return ""
}

// FormatDateTime renders ticks as Kusto does: 2024-01-02T03:04:05.1234567Z.
func FormatDateTime(ticks int64) string {
	secs := ticks/TicksPerSecond - UnixEpochTicks/TicksPerSecond
	frac := ticks % TicksPerSecond
	t := timeFromUnix(secs)
	return fmt.Sprintf("%s.%07dZ", t, frac)
}

func (pr *printer) dyn(v DynValue) {
	switch v := v.(type) {
	case nil, *DynNull:
		pr.w("null")
	case *DynScalar:
		pr.literal(v.Lit)
	case *DynArray:
		pr.w("[")
		for i, e := range v.Elems {
			if i > 0 {
				pr.w(", ")
			}
			pr.dyn(e)
		}
		pr.w("]")
	case *DynObject:
		pr.w("{")
		for i, m := range v.Members {
			if i > 0 {
				pr.w(", ")
			}
			pr.w(quoteString(m.Key) + ": ")
			pr.dyn(m.Value)
		}
		pr.w("}")
	}
}

func (pr *printer) sortKey(k *SortKey) {
	if _, ok := k.X.(*NamedExpr); ok {
		pr.expr(k.X, 0)
	} else {
		pr.expr(k.X, precOr)
	}
	if k.Dir != "" {
		pr.w(" " + k.Dir)
	}
	if k.Nulls != "" {
		pr.w(" nulls " + k.Nulls)
	}
}

func (pr *printer) mvItem(it *MvItem) {
	pr.columns([]Expr{it.X})
	if it.To != nil {
		pr.w(" to ")
		pr.typeofExpr(it.To)
	}
}

func (pr *printer) mvItems(items []*MvItem) {
	for i, it := range items {
		if i > 0 {
			pr.w(", ")
		}
		pr.mvItem(it)
	}
}

func (pr *printer) msAgg(a *MakeSeriesAgg) {
	pr.columns([]Expr{a.X})
	if a.Default != nil {
		pr.w(" default = ")
		pr.expr(a.Default, precOr)
	}
}

func (pr *printer) topNestedClause(c *TopNestedClause) {
	pr.w("top-nested ")
	if c.Count != nil {
		pr.expr(c.Count, precOr)
		pr.w(" ")
	}
	pr.w("of ")
	pr.columns([]Expr{c.Of})
	if c.Others != nil {
		pr.w(" with others = ")
		pr.expr(c.Others, precOr)
	}
	pr.w(" by ")
	pr.columns([]Expr{c.By})
	if c.Dir != "" {
		pr.w(" " + c.Dir)
	}
}

func (pr *printer) forkBranch(b *ForkBranch) {
	if b.Name != nil {
		pr.ident(b.Name)
		pr.w(" = ")
	}
	pr.subOps(b.Ops)
}

func (pr *printer) subOps(ops []Operator) {
	pr.w("(")
	pr.nested++
	for i, o := range ops {
		if i > 0 {
			pr.w(" | ")
		}
		pr.op(o)
	}
	pr.nested--
	pr.w(")")
}

func (pr *printer) union(u *UnionExpr) {
	pr.w("union")
	pr.options(u.Options)
	pr.w(" ")
	for i, t := range u.Tables {
		if i > 0 {
			pr.w(", ")
		}
		pr.tableRef(t)
	}
}

// tableRef prints a join/lookup right side or a union leg.
func (pr *printer) tableRef(t Expr) {
	switch t.(type) {
	case *ParenExpr, *Ident, *WildcardName, *StarExpr, *CallExpr, *MemberExpr, *IndexExpr:
		pr.expr(t, precPostfix)
	default:
		pr.w("(")
		pr.nested++
		pr.expr(t, 0)
		pr.nested--
		pr.w(")")
	}
}

func (pr *printer) search(s *SearchExpr) {
	pr.w("search")
	pr.options(s.Options)
	if s.Tables != nil {
		pr.w(" in (")
		for i, t := range s.Tables {
			if i > 0 {
				pr.w(", ")
			}
			pr.tableRef(t)
		}
		pr.w(")")
	}
	pr.w(" ")
	pr.expr(s.Pred, precOr)
}

func (pr *printer) evaluate(e *EvaluateExpr) {
	pr.w("evaluate")
	pr.options(e.Options)
	pr.w(" ")
	pr.expr(e.Call, precPostfix)
	if e.Schema != nil {
		pr.w(" : (")
		pr.columnDecls(e.Schema)
		pr.w(")")
	}
}

func (pr *printer) op(o Operator) {
	switch o := o.(type) {
	case *WhereOp:
		pr.w(o.Kw + " ")
		pr.expr(o.Pred, precOr)
	case *ExtendOp:
		pr.w("extend ")
		pr.columns(o.Exprs)
	case *ProjectOp:
		pr.w("project ")
		pr.columns(o.Exprs)
	case *ProjectAwayOp:
		pr.w("project-away ")
		pr.columns(o.Columns)
	case *ProjectKeepOp:
		pr.w("project-keep ")
		pr.columns(o.Columns)
	case *ProjectRenameOp:
		pr.w("project-rename ")
		pr.columns(o.Renames)
	case *ProjectReorderOp:
		pr.w("project-reorder ")
		for i, k := range o.Columns {
			if i > 0 {
				pr.w(", ")
			}
			pr.sortKey(k)
		}
	case *SummarizeOp:
		pr.w("summarize")
		pr.options(o.Options)
		if len(o.Aggs) > 0 {
			pr.w(" ")
			pr.columns(o.Aggs)
		}
		if len(o.By) > 0 {
			pr.w(" by ")
			pr.columns(o.By)
		}
	case *DistinctOp:
		pr.w("distinct")
		pr.options(o.Options)
		pr.w(" ")
		pr.columns(o.Exprs)
	case *CountOp:
		pr.w("count")
	case *TakeOp:
		pr.w(o.Kw + " ")
		pr.expr(o.Count, precOr)
	case *SortOp:
		pr.w(o.Kw)
		pr.options(o.Options)
		pr.w(" by ")
		for i, k := range o.Keys {
			if i > 0 {
				pr.w(", ")
			}
			pr.sortKey(k)
		}
	case *TopOp:
		pr.w("top")
		pr.options(o.Options)
		pr.w(" ")
		pr.expr(o.Count, precOr)
		pr.w(" by ")
		pr.sortKey(o.Key)
	case *TopNestedOp:
		for i, c := range o.Clauses {
			if i > 0 {
				pr.w(", ")
			}
			pr.topNestedClause(c)
		}
	case *TopHittersOp:
		pr.w("top-hitters ")
		pr.expr(o.Count, precOr)
		pr.w(" of ")
		pr.expr(o.Of, precOr)
		if o.By != nil {
			pr.w(" by ")
			pr.expr(o.By, precOr)
		}
	case *JoinOp:
		pr.w("join")
		pr.joinBody(o.Options, o.Right, o.On)
	case *LookupOp:
		pr.w("lookup")
		pr.joinBody(o.Options, o.Right, o.On)
	case *UnionExpr:
		pr.union(o)
	case *MvExpandOp:
		pr.w(o.Kw)
		pr.options(o.Options)
		pr.w(" ")
		pr.mvItems(o.Items)
		if o.Limit != nil {
			pr.w(" limit ")
			pr.expr(o.Limit, precOr)
		}
	case *MvApplyOp:
		pr.w("mv-apply")
		pr.options(o.Options)
		pr.w(" ")
		pr.mvItems(o.Items)
		if o.Limit != nil {
			pr.w(" limit ")
			pr.expr(o.Limit, precOr)
		}
		pr.w(" on ")
		pr.subOps(o.Body)
	case *ParseOp:
		pr.w(o.Kw)
		pr.options(o.Options)
		pr.w(" ")
		pr.expr(o.X, precOr)
		pr.w(" with")
		for _, x := range o.Pattern {
			pr.w(" ")
			pr.expr(x, 0)
		}
	case *ParseKvOp:
		pr.w("parse-kv ")
		pr.expr(o.X, precOr)
		pr.w(" as (")
		pr.columnDecls(o.Columns)
		pr.w(")")
		if o.With != nil {
			pr.w(" with (")
			pr.list(o.With)
			pr.w(")")
		}
	case *SerializeOp:
		pr.w("serialize")
		if len(o.Exprs) > 0 {
			pr.w(" ")
			pr.columns(o.Exprs)
		}
	case *AsOp:
		pr.w("as")
		pr.options(o.Options)
		pr.w(" ")
		pr.ident(o.Name)
	case *InvokeOp:
		pr.w("invoke ")
		pr.expr(o.Call, precPostfix)
	case *RenderOp:
		pr.w("render ")
		pr.ident(o.Chart)
		if o.With != nil {
			pr.w(" with (")
			pr.list(o.With)
			pr.w(")")
		}
	case *EvaluateExpr:
		pr.evaluate(o)
	case *MakeSeriesOp:
		pr.w("make-series")
		pr.options(o.Options)
		pr.w(" ")
		for i, a := range o.Aggs {
			if i > 0 {
				pr.w(", ")
			}
			pr.msAgg(a)
		}
		pr.w(" on ")
		pr.expr(o.On, precAdditive)
		if o.InRange {
			pr.w(" in range(")
			pr.list([]Expr{o.From, o.To, o.Step})
			pr.w(")")
		} else {
			if o.From != nil {
				pr.w(" from ")
				pr.expr(o.From, precOr)
			}
			if o.To != nil {
				pr.w(" to ")
				pr.expr(o.To, precOr)
			}
			pr.w(" step ")
			pr.expr(o.Step, precOr)
		}
		if len(o.By) > 0 {
			pr.w(" by ")
			pr.columns(o.By)
		}
	case *SampleOp:
		pr.w("sample ")
		pr.expr(o.Count, precOr)
	case *SampleDistinctOp:
		pr.w("sample-distinct ")
		pr.expr(o.Count, precOr)
		pr.w(" of ")
		pr.expr(o.Of, precOr)
	case *GetSchemaOp:
		pr.w("getschema")
	case *FacetOp:
		pr.w("facet by ")
		pr.columns(o.By)
		if o.With != nil {
			pr.w(" with ")
			pr.subOps(o.With)
		}
	case *ReduceOp:
		pr.w("reduce")
		pr.options(o.Options)
		pr.w(" by ")
		pr.expr(o.By, precOr)
		if len(o.With) > 0 {
			pr.w(" with ")
			pr.columns(o.With)
		}
	case *ConsumeOp:
		pr.w("consume")
		pr.options(o.Options)
	case *ForkOp:
		pr.w("fork")
		for _, b := range o.Branches {
			pr.w(" ")
			pr.forkBranch(b)
		}
	case *PartitionOp:
		pr.w("partition")
		pr.options(o.Options)
		pr.w(" by ")
		pr.expr(o.By, precPostfix)
		pr.w(" ")
		if o.Query != nil {
			pr.w("{ ")
			pr.nested++
			pr.expr(o.Query, 0)
			pr.nested--
			pr.w(" }")
		} else {
			pr.subOps(o.Ops)
		}
	case *SearchExpr:
		pr.search(o)
	case *BadOp:
		pr.w("<bad operator " + o.Name + ">")
	default:
		pr.w(fmt.Sprintf("<%T>", o))
	}
}

func (pr *printer) joinBody(opts []*Option, right Expr, on []Expr) {
	pr.options(opts)
	pr.w(" ")
	pr.tableRef(right)
	if on != nil {
		pr.w(" on ")
		pr.columns(on)
	}
}
