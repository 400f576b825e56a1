package syntax

import (
	"sort"
	"strings"
)

// knownOperators lists every operator name parseOperator handles.
var knownOperators = []string{
	"where", "filter", "extend", "project", "project-away", "project-keep", "project-rename",
	"project-reorder", "summarize", "distinct", "count", "take", "limit", "sort", "order", "top",
	"top-nested", "top-hitters", "join", "lookup", "union", "mv-expand", "mvexpand", "mv-apply",
	"parse", "parse-where", "parse-kv", "serialize", "as", "invoke", "render", "evaluate",
	"make-series", "sample", "sample-distinct", "getschema", "facet", "reduce", "consume", "fork",
	"partition", "search",
}

// unsupportedOperators are real KQL operators this parser rejects.
var unsupportedOperators = map[string]bool{
	"scan": true, "execute-and-cache": true, "assert-schema": true, "project-smart": true,
	"graph-match": true, "graph-merge": true, "make-graph": true, "graph-to-table": true,
	"graph-shortest-paths": true, "graph-mark-components": true, "macro-expand": true,
}

// readOperatorName reads an operator keyword, joining hyphenated words that
// are written without spaces (mv-expand, project-away, top-nested).
func (p *parser) readOperatorName() (string, Pos, Pos) {
	t := p.advance()
	name, start, end := t.Text, t.Pos, t.End
	for p.isOp("-") && p.cur().Pos == end && p.peek(1).Kind == TokIdent && p.peek(1).Pos == p.cur().End {
		p.advance()
		w := p.advance()
		name += "-" + w.Text
		end = w.End
	}
	return name, start, end
}

// parseOperator parses one tabular operator after '|'.
func (p *parser) parseOperator() Operator {
	t := p.cur()
	if t.Kind != TokIdent {
		p.errorf(t.Pos, "", "expected a tabular operator after '|' but found %s", t)
		p.sync("|", ";")
		return &BadOp{Span: p.spanFrom(t.Pos)}
	}
	save := p.p
	name, start, _ := p.readOperatorName()
	op := p.parseOperatorBody(name, start)
	if op == nil {
		p.p = save
		return p.badOperator()
	}
	return op
}

func (p *parser) badOperator() Operator {
	t := p.cur()
	name, start, _ := p.readOperatorName()
	switch {
	case unsupportedOperators[name]:
		p.errorf(start, "", "not supported: operator %s", name)
	default:
		hint := "expected one of: " + strings.Join(sortedOps(), ", ")
		if _, ok := p.equalityOp(); ok || p.isOp("==") {
			hint = "a filter needs 'where': | where " + t.Text + " ..."
		} else if n, _ := p.stringOp(); n != "" {
			hint = "a filter needs 'where': | where " + t.Text + " ..."
		}
		p.report(&Error{Offset: start, Msg: "unknown tabular operator '" + name + "'", Hint: hint})
	}
	p.sync("|", ";")
	return &BadOp{Span: p.spanFrom(start), Name: name}
}

func sortedOps() []string {
	s := append([]string(nil), knownOperators...)
	sort.Strings(s)
	return s
}

// parseOperatorBody parses the operator named name (already consumed). It
// returns nil for unknown names.
func (p *parser) parseOperatorBody(name string, start Pos) Operator {
	end := func() Span { return p.spanFrom(start) }
	switch name {
	case "where", "filter":
		pred := p.parseOr()
		return &WhereOp{Span: end(), Kw: name, Pred: pred}
	case "extend":
		xs := p.parseColumnList()
		return &ExtendOp{Span: end(), Exprs: xs}
	case "project":
		xs := p.parseColumnList()
		return &ProjectOp{Span: end(), Exprs: xs}
	case "project-away":
		xs := p.parsePatternList()
		return &ProjectAwayOp{Span: end(), Columns: xs}
	case "project-keep":
		xs := p.parsePatternList()
		return &ProjectKeepOp{Span: end(), Columns: xs}
	case "project-rename":
		xs := p.parseColumnList()
		for _, x := range xs {
			if _, ok := x.(*NamedExpr); !ok {
				p.errorf(x.Pos(), "write NewName = OldName", "project-rename expects NewName = OldName")
			}
		}
		return &ProjectRenameOp{Span: end(), Renames: xs}
	case "project-reorder":
		var keys []*SortKey
		for {
			ks := p.cur().Pos
			x := p.parsePatternOrExpr()
			k := &SortKey{X: x}
			if p.isKw("asc") || p.isKw("desc") || p.isKw("granny-asc") || p.isKw("granny-desc") {
				k.Dir = p.advance().Text
			}
			k.Span = p.spanFrom(ks)
			keys = append(keys, k)
			if !p.acceptOp(",") {
				break
			}
		}
		return &ProjectReorderOp{Span: end(), Columns: keys}
	case "summarize":
		op := &SummarizeOp{Options: p.parseOptions(name)}
		if !p.isKw("by") && !p.atEndOfOperator() {
			op.Aggs = p.parseColumnList()
		}
		if p.acceptKw("by") {
			op.By = p.parseColumnList()
		}
		op.Span = end()
		return op
	case "distinct":
		op := &DistinctOp{Options: p.parseOptions(name)}
		op.Exprs = p.parseColumnList()
		op.Span = end()
		return op
	case "count":
		return &CountOp{Span: end()}
	case "take", "limit":
		n := p.parseOr()
		return &TakeOp{Span: end(), Kw: name, Count: n}
	case "sort", "order":
		op := &SortOp{Kw: name, Options: p.parseOptions(name)}
		p.expectKw("by")
		for {
			op.Keys = append(op.Keys, p.parseSortKey())
			if !p.acceptOp(",") {
				break
			}
		}
		op.Span = end()
		return op
	case "top":
		op := &TopOp{Options: p.parseOptions(name)}
		op.Count = p.parseOr()
		p.expectKw("by")
		op.Key = p.parseSortKey()
		op.Span = end()
		return op
	case "top-nested":
		return p.parseTopNested(start)
	case "top-hitters":
		op := &TopHittersOp{Count: p.parseOr()}
		p.expectKw("of")
		op.Of = p.parseOr()
		if p.acceptKw("by") {
			op.By = p.parseOr()
		}
		op.Span = end()
		return op
	case "join", "lookup":
		opts := p.parseOptions(name)
		right := p.parseTableRef()
		var on []Expr
		if p.acceptKw("on") {
			on = p.parseScalarList()
		} else {
			p.errorf(p.cur().Pos, "write on Key or on $left.a == $right.b", "expected 'on' after the right side of %s but found %s", name, p.cur())
		}
		if name == "join" {
			return &JoinOp{Span: end(), Options: opts, Right: right, On: on}
		}
		return &LookupOp{Span: end(), Options: opts, Right: right, On: on}
	case "union":
		return p.parseUnion(start)
	case "mv-expand", "mvexpand":
		op := &MvExpandOp{Kw: name, Options: p.parseOptions("mv-expand")}
		op.Items = p.parseMvItems()
		if p.acceptKw("limit") {
			op.Limit = p.parseOr()
		}
		op.Span = end()
		return op
	case "mv-apply":
		op := &MvApplyOp{Options: p.parseOptions("mv-apply")}
		op.Items = p.parseMvItems()
		if p.acceptKw("limit") {
			op.Limit = p.parseOr()
		}
		if p.expectKw("on") {
			op.Body = p.parseSubOps()
		}
		op.Span = end()
		return op
	case "parse", "parse-where":
		return p.parseParse(name, start)
	case "parse-kv":
		op := &ParseKvOp{X: p.parseOr()}
		if p.expectKw("as") && p.expectOp("(") {
			op.Columns = p.parseColumnDecls(")")
			p.expectOp(")")
		}
		if p.acceptKw("with") && p.expectOp("(") {
			op.With = p.parseExprList(")", false)
			p.expectOp(")")
		}
		op.Span = end()
		return op
	case "serialize":
		op := &SerializeOp{}
		if !p.atEndOfOperator() {
			op.Exprs = p.parseColumnList()
		}
		op.Span = end()
		return op
	case "as":
		op := &AsOp{Options: p.parseOptions(name)}
		op.Name = p.parseName()
		op.Span = end()
		return op
	case "invoke":
		x := p.parsePostfix()
		call, ok := x.(*CallExpr)
		if !ok {
			p.errorf(x.Pos(), "write invoke Function()", "invoke expects a function call")
			call = &CallExpr{Span: Span{x.Pos(), x.End()}, Fun: x}
		}
		return &InvokeOp{Span: end(), Call: call}
	case "render":
		op := &RenderOp{Chart: p.parseName()}
		if p.acceptKw("with") && p.expectOp("(") {
			op.With = p.parseExprList(")", false)
			p.expectOp(")")
		}
		for p.isNameAt(0) && p.nameFollowedBy("=") {
			op.With = append(op.With, p.parseNamedScalar())
		}
		op.Span = end()
		return op
	case "evaluate":
		return p.parseEvaluate(start)
	case "make-series":
		return p.parseMakeSeries(start)
	case "sample":
		n := p.parseOr()
		return &SampleOp{Span: end(), Count: n}
	case "sample-distinct":
		op := &SampleDistinctOp{Count: p.parseOr()}
		p.expectKw("of")
		op.Of = p.parseOr()
		op.Span = end()
		return op
	case "getschema":
		return &GetSchemaOp{Span: end()}
	case "facet":
		op := &FacetOp{}
		p.expectKw("by")
		op.By = p.parsePatternList()
		if p.acceptKw("with") {
			op.With = p.parseSubOps()
		}
		op.Span = end()
		return op
	case "reduce":
		op := &ReduceOp{Options: p.parseOptions(name)}
		p.expectKw("by")
		op.By = p.parseOr()
		if p.acceptKw("with") {
			for {
				op.With = append(op.With, p.parseNamedScalar())
				if !p.acceptOp(",") {
					break
				}
			}
		}
		op.Span = end()
		return op
	case "consume":
		return &ConsumeOp{Options: p.parseOptions(name), Span: end()}
	case "fork":
		op := &ForkOp{}
		for p.isOp("(") || p.isNameAt(0) && p.nameFollowedBy("=") {
			bs := p.cur().Pos
			b := &ForkBranch{}
			if !p.isOp("(") {
				b.Name = p.parseName()
				p.expectOp("=")
			}
			b.Ops = p.parseSubOps()
			b.Span = p.spanFrom(bs)
			op.Branches = append(op.Branches, b)
		}
		if len(op.Branches) == 0 {
			p.errorf(p.cur().Pos, "", "fork expects one or more (subquery) branches")
		}
		op.Span = end()
		return op
	case "partition":
		op := &PartitionOp{Options: p.parseOptions(name)}
		p.expectKw("by")
		op.By = p.parseName()
		switch {
		case p.isOp("("):
			op.Ops = p.parseSubOps()
		case p.acceptOp("{"):
			op.Query = p.parseExpr()
			p.expectOp("}")
		default:
			p.errorf(p.cur().Pos, "", "expected '(' or '{' after partition by but found %s", p.cur())
		}
		op.Span = end()
		return op
	case "search":
		return p.parseSearch(start)
	}
	return nil
}

// optionNames lists the option names (besides hint.*) each operator takes.
var optionNames = map[string][]string{
	"join":        {"kind", "withsource"},
	"lookup":      {"kind"},
	"union":       {"kind", "withsource", "isfuzzy"},
	"mv-expand":   {"kind", "bagexpansion", "with_itemindex", "itemindex"},
	"mv-apply":    {"kind", "bagexpansion", "with_itemindex", "itemindex"},
	"parse":       {"kind", "flags"},
	"make-series": {"kind"},
	"search":      {"kind"},
	"find":        {"withsource", "datascope"},
	"consume":     {"decodeblocks"},
	"reduce":      {"kind"},
	"datatable":   {"typed"},
}

func optionAllowed(op, name string) bool {
	if strings.HasPrefix(name, "hint.") {
		return true
	}
	for _, n := range optionNames[op] {
		if n == name {
			return true
		}
	}
	return false
}

// parseOptions parses name=value options allowed for op.
func (p *parser) parseOptions(op string) []*Option {
	var opts []*Option
	if op == "parse-where" {
		op = "parse"
	}
	for p.cur().Kind == TokIdent {
		t := p.cur()
		name, k := t.Text, 1
		for p.peek(k).isOp(".") && p.peek(k+1).Kind == TokIdent {
			name += "." + p.peek(k+1).Text
			k += 2
		}
		if !p.peek(k).isOp("=") || !optionAllowed(op, name) {
			break
		}
		for i := 0; i <= k; i++ {
			p.advance()
		}
		v := p.parseOptionValue()
		opts = append(opts, &Option{Span: Span{t.Pos, v.End()}, Name: name, Value: v})
	}
	return opts
}

func (p *parser) parseOptionValue() Expr {
	if lit := p.parseSignedLiteral(); lit != nil {
		return lit
	}
	if p.isNameAt(0) {
		return p.parseName()
	}
	return p.parsePostfix()
}

// parseColumnList parses expr, name = expr, (a, b) = expr, ... as used by
// extend, project, summarize, print, distinct, serialize.
func (p *parser) parseColumnList() []Expr {
	var xs []Expr
	for {
		xs = append(xs, p.parseColumnExpr())
		if !p.isOp(",") {
			return xs
		}
		comma := p.advance()
		if p.atEndOfOperator() || p.isKw("by") && !p.peek(1).isOp("=") {
			p.trailingComma(comma)
			return xs
		}
	}
}

func (p *parser) parseColumnExpr() Expr {
	start := p.cur().Pos
	if p.isNameAt(0) && p.nameFollowedBy("=") {
		name := p.parseName()
		p.advance() // =
		v := p.parseOr()
		return &NamedExpr{Span: Span{start, v.End()}, Names: []*Ident{name}, Value: v}
	}
	if p.isOp("(") && p.isNameListAssign() {
		p.advance()
		var names []*Ident
		for {
			names = append(names, p.parseName())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
		p.expectOp("=")
		v := p.parseOr()
		return &NamedExpr{Span: Span{start, v.End()}, Names: names, Paren: true, Value: v}
	}
	return p.parseOr()
}

// parseNamedScalar parses name = scalar (render/reduce properties).
func (p *parser) parseNamedScalar() Expr {
	start := p.cur().Pos
	name := p.parseName()
	p.expectOp("=")
	v := p.parseOr()
	return &NamedExpr{Span: Span{start, v.End()}, Names: []*Ident{name}, Value: v}
}

// isNameListAssign reports whether ( name, name, ... ) = follows.
func (p *parser) isNameListAssign() bool {
	k := 1
	for {
		if p.peek(k).Kind == TokIdent {
			k++
		} else if p.peek(k).isOp("[") && p.peek(k+1).Kind == TokString && p.peek(k+2).isOp("]") {
			k += 3
		} else {
			return false
		}
		if p.peek(k).isOp(",") {
			k++
			continue
		}
		return p.peek(k).isOp(")") && p.peek(k+1).isOp("=")
	}
}

// parseScalarList parses a comma list of scalar expressions (join on).
func (p *parser) parseScalarList() []Expr {
	var xs []Expr
	for {
		xs = append(xs, p.parseOr())
		if !p.isOp(",") {
			return xs
		}
		comma := p.advance()
		if p.atEndOfOperator() {
			p.trailingComma(comma)
			return xs
		}
	}
}

// patternAt returns the extent (in tokens) of a name pattern with '*'
// written without spaces (Col*, *Id, Device*Events), or 0.
func (p *parser) patternAt() int {
	k := 0
	hasStar := false
	prevEnd := p.cur().Pos
	for {
		t := p.peek(k)
		if t.Pos != prevEnd && k > 0 {
			break
		}
		if t.isOp("*") {
			hasStar = true
		} else if t.Kind != TokIdent && t.Kind != TokLong {
			break
		}
		prevEnd = t.End
		k++
	}
	if !hasStar || k == 1 && p.cur().isOp("*") {
		return 0
	}
	return k
}

func (p *parser) parsePatternOrExpr() Expr {
	if n := p.patternAt(); n > 0 {
		start := p.cur().Pos
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(p.advance().Text)
		}
		return &WildcardName{Span: p.spanFrom(start), Pattern: b.String()}
	}
	return p.parseColumnExpr()
}

// parsePatternList parses names and wildcard patterns separated by commas.
func (p *parser) parsePatternList() []Expr {
	var xs []Expr
	for {
		xs = append(xs, p.parsePatternOrExpr())
		if !p.isOp(",") {
			return xs
		}
		comma := p.advance()
		if p.atEndOfOperator() {
			p.trailingComma(comma)
			return xs
		}
	}
}

func (p *parser) parseSortKey() *SortKey {
	start := p.cur().Pos
	k := &SortKey{X: p.parseColumnExpr()}
	if p.isKw("asc") || p.isKw("desc") {
		k.Dir = p.advance().Text
	}
	if p.isKw("nulls") && (p.peek(1).isKw("first") || p.peek(1).isKw("last")) {
		p.advance()
		k.Nulls = p.advance().Text
	}
	k.Span = p.spanFrom(start)
	return k
}

func (p *parser) parseTopNested(start Pos) Operator {
	op := &TopNestedOp{}
	first := true
	for {
		cs := start
		if !first {
			cs = p.cur().Pos
			if !p.isKw("top") || !p.peek(1).isOp("-") {
				p.errorf(p.cur().Pos, "", "expected 'top-nested' after ',' but found %s", p.cur())
				break
			}
			if name, _, _ := p.readOperatorName(); name != "top-nested" {
				p.errorf(cs, "", "expected 'top-nested' after ',' but found '%s'", name)
				break
			}
		}
		first = false
		c := &TopNestedClause{}
		if !p.isKw("of") {
			c.Count = p.parseOr()
		}
		p.expectKw("of")
		c.Of = p.parseColumnExpr()
		if p.isKw("with") && p.peek(1).isKw("others") {
			p.advance()
			p.advance()
			p.expectOp("=")
			c.Others = p.parseOr()
		}
		p.expectKw("by")
		c.By = p.parseColumnExpr()
		if p.isKw("asc") || p.isKw("desc") {
			c.Dir = p.advance().Text
		}
		c.Span = p.spanFrom(cs)
		op.Clauses = append(op.Clauses, c)
		if !p.acceptOp(",") {
			break
		}
	}
	op.Span = p.spanFrom(start)
	return op
}

// parseTableRef parses the right side of join/lookup and a union leg: a
// parenthesised subquery, a name pattern, or a name/call/path.
func (p *parser) parseTableRef() Expr {
	if n := p.patternAt(); n > 0 {
		return p.parsePatternOrExpr()
	}
	if p.isOp("*") {
		t := p.advance()
		return &StarExpr{Span{t.Pos, t.End}}
	}
	if p.isOp("(") {
		t := p.advance()
		x := p.parseExpr()
		p.expectOp(")")
		return &ParenExpr{Span: p.spanFrom(t.Pos), X: x}
	}
	return p.parsePostfix()
}

func (p *parser) parseMvItems() []*MvItem {
	var items []*MvItem
	for {
		start := p.cur().Pos
		it := &MvItem{X: p.parseColumnExpr()}
		if p.isKw("to") && p.peek(1).Kind == TokGoo && p.peek(1).GooKw == "typeof" {
			p.advance()
			it.To = p.parseTypeof(p.advance())
		}
		it.Span = p.spanFrom(start)
		items = append(items, it)
		if !p.isOp(",") {
			return items
		}
		comma := p.advance()
		if p.atEndOfOperator() {
			p.trailingComma(comma)
			return items
		}
	}
}

// parseSubOps parses ( op | op | ... ): an operator chain without a source.
func (p *parser) parseSubOps() []Operator {
	var ops []Operator
	if !p.expectOp("(") {
		return nil
	}
	p.acceptOp("|")
	for !p.isOp(")") && p.cur().Kind != TokEOF {
		ops = append(ops, p.parseOperator())
		if !p.acceptOp("|") {
			break
		}
	}
	p.expectOp(")")
	return ops
}

func (p *parser) parseParse(name string, start Pos) Operator {
	op := &ParseOp{Kw: name, Options: p.parseOptions(name)}
	op.X = p.parseOr()
	if p.expectKw("with") {
		for !p.atEndOfOperator() {
			t := p.cur()
			switch {
			case t.Kind == TokString:
				op.Pattern = append(op.Pattern, p.parsePrimary())
			case t.isOp("*"):
				p.advance()
				op.Pattern = append(op.Pattern, &StarExpr{Span{t.Pos, t.End}})
			case p.isNameAt(0):
				cd := &ColumnDecl{Name: p.parseName()}
				if p.acceptOp(":") {
					cd.Type = p.parseTypeRef()
				}
				cd.Span = p.spanFrom(t.Pos)
				op.Pattern = append(op.Pattern, cd)
			default:
				p.errorf(t.Pos, "", "expected a string, '*' or a column name in the parse pattern but found %s", t)
				p.sync("|", ";")
			}
		}
	}
	op.Span = p.spanFrom(start)
	return op
}

func (p *parser) parseMakeSeries(start Pos) Operator {
	op := &MakeSeriesOp{Options: p.parseOptions("make-series")}
	for {
		as := p.cur().Pos
		a := &MakeSeriesAgg{X: p.parseColumnExpr()}
		if p.isKw("default") && p.peek(1).isOp("=") {
			p.advance()
			p.advance()
			a.Default = p.parseOr()
		}
		a.Span = p.spanFrom(as)
		op.Aggs = append(op.Aggs, a)
		if !p.acceptOp(",") {
			break
		}
	}
	if p.expectKw("on") {
		op.On = p.parseAdditive()
		if p.acceptKw("in") {
			op.InRange = true
			if p.expectKw("range") && p.expectOp("(") {
				op.From = p.parseOr()
				p.expectOp(",")
				op.To = p.parseOr()
				p.expectOp(",")
				op.Step = p.parseOr()
				p.expectOp(")")
			}
		} else {
			if p.acceptKw("from") {
				op.From = p.parseOr()
			}
			if p.acceptKw("to") {
				op.To = p.parseOr()
			}
			if p.expectKw("step") {
				op.Step = p.parseOr()
			}
		}
	}
	if p.acceptKw("by") {
		op.By = p.parseColumnList()
	}
	op.Span = p.spanFrom(start)
	return op
}

// ---- sources ----

func (p *parser) parseDataTable() Expr {
	start := p.advance().Pos
	dt := &DataTableExpr{Options: p.parseOptions("datatable")}
	if p.expectOp("(") {
		dt.Columns = p.parseColumnDecls(")")
		p.expectOp(")")
	}
	if p.expectOp("[") {
		for !p.isOp("]") && p.cur().Kind != TokEOF {
			if p.acceptOp(",") {
				continue // leading and repeated commas are allowed
			}
			before := p.p
			var v Expr
			if lit := p.parseSignedLiteral(); lit != nil {
				v = lit
			} else {
				v = p.parseOr()
			}
			dt.Values = append(dt.Values, v)
			if !p.acceptOp(",") && !p.isOp("]") {
				p.errorf(p.cur().Pos, "", "expected ',' or ']' in datatable values but found %s", p.cur())
				p.sync("]")
			}
			if p.p == before {
				break // no progress: an unbalanced closing bracket
			}
		}
		p.expectOp("]")
	}
	dt.Span = p.spanFrom(start)
	return dt
}

func (p *parser) parseExternalData() Expr {
	t := p.advance()
	ed := &ExternalDataExpr{Kw: t.Text}
	p.parseOptions("externaldata")
	if p.expectOp("(") {
		ed.Columns = p.parseColumnDecls(")")
		p.expectOp(")")
	}
	if p.expectOp("[") {
		for !p.isOp("]") && p.cur().Kind != TokEOF {
			ed.URIs = append(ed.URIs, p.parseOr())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp("]")
	}
	if p.acceptKw("with") && p.expectOp("(") {
		ed.With = p.parseExprList(")", false)
		p.expectOp(")")
	}
	ed.Span = p.spanFrom(t.Pos)
	return ed
}

func (p *parser) parsePrint() Expr {
	start := p.advance().Pos
	xs := p.parseColumnList()
	return &PrintExpr{Span: p.spanFrom(start), Exprs: xs}
}

func (p *parser) parseRange() Expr {
	start := p.advance().Pos
	r := &RangeExpr{Name: p.parseName()}
	p.expectKw("from")
	r.From = p.parseOr()
	p.expectKw("to")
	r.To = p.parseOr()
	p.expectKw("step")
	r.Step = p.parseOr()
	r.Span = p.spanFrom(start)
	return r
}

func (p *parser) parseUnion(start Pos) *UnionExpr {
	u := &UnionExpr{Options: p.parseOptions("union")}
	for {
		u.Tables = append(u.Tables, p.parseTableRef())
		if !p.isOp(",") {
			break
		}
		comma := p.advance()
		if p.atEndOfOperator() {
			p.trailingComma(comma)
			break
		}
	}
	u.Span = p.spanFrom(start)
	return u
}

func (p *parser) parseSearch(start Pos) *SearchExpr {
	s := &SearchExpr{Options: p.parseOptions("search")}
	if p.isKw("in") && p.peek(1).isOp("(") {
		p.advance()
		p.advance()
		for !p.isOp(")") && p.cur().Kind != TokEOF {
			s.Tables = append(s.Tables, p.parseTableRef())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	s.Pred = p.parseOr()
	s.Span = p.spanFrom(start)
	return s
}

func (p *parser) parseFind(start Pos) Expr {
	f := &FindExpr{Options: p.parseOptions("find")}
	if p.acceptKw("in") && p.expectOp("(") {
		for !p.isOp(")") && p.cur().Kind != TokEOF {
			f.Tables = append(f.Tables, p.parseTableRef())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	if p.expectKw("where") {
		f.Pred = p.parseOr()
	}
	if p.isKw("project-smart") || p.isKw("project") && p.peek(1).isOp("-") {
		name, _, _ := p.readOperatorName()
		if name == "project-smart" {
			f.ProjectSmart = true
		} else {
			p.errorf(p.cur().Pos, "", "unexpected '%s' in find", name)
		}
	} else if p.acceptKw("project") {
		f.Project = p.parseColumnList()
	}
	f.Span = p.spanFrom(start)
	return f
}

func (p *parser) parseEvaluate(start Pos) *EvaluateExpr {
	e := &EvaluateExpr{Options: p.parseOptions("evaluate")}
	x := p.parsePostfix()
	call, ok := x.(*CallExpr)
	if !ok {
		p.errorf(x.Pos(), "write evaluate plugin(arguments)", "evaluate expects a plugin call")
		call = &CallExpr{Span: Span{x.Pos(), x.End()}, Fun: x}
	}
	e.Call = call
	if p.isOp(":") && p.peek(1).isOp("(") {
		p.advance()
		p.advance()
		e.Schema = p.parseColumnDecls(")")
		p.expectOp(")")
	}
	e.Span = p.spanFrom(start)
	return e
}
