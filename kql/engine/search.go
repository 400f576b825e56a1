package engine

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// search: `T | search Pred` keeps the rows that satisfy Pred, where a bare
// string term is a search over every column ("x" is `* has "x"`, "x*"
// hasprefix, "*x" hassuffix, "*x*" contains) and `col:"x"` is `col has
// "x"`; kind=case_sensitive uses the _cs operators. The output gains a
// first column $table naming the source (search_arg0 for a piped input).

func (c *compiler) search(in node, x *syntax.SearchExpr) node {
	cs := false
	if k, ok := optionValue(x.Options, "kind"); ok {
		switch k {
		case "case_sensitive":
			cs = true
		case "case_insensitive", "default":
		default:
			c.unsupported(x, "search kind="+k)
		}
	}
	if x.Pred == nil {
		c.errorf(x, "search needs a predicate")
	}
	pred := c.searchRewrite(x.Pred, cs)
	f := c.where(in, &syntax.WhereOp{Span: x.Span, Kw: "where", Pred: pred})
	tableName := "search_arg0"
	if sc, ok := scanBelow(in); ok {
		tableName = sc.table.Name
	}
	cols := append([]types.Column{{Name: "$table", Type: types.String}}, in.schema()...)
	tv := types.NewString(tableName)
	return &mapNode{in: f, cols: cols, fn: func(r types.Row) types.Row {
		out := make(types.Row, 0, len(r)+1)
		out = append(out, tv)
		return append(out, r...)
	}}
}

func scanBelow(n node) (*scanNode, bool) {
	for {
		switch x := n.(type) {
		case *scanNode:
			return x, true
		case *filterNode:
			n = x.in
		default:
			return nil, false
		}
	}
}

// searchRewrite turns search terms into ordinary predicates.
func (c *compiler) searchRewrite(e syntax.Expr, cs bool) syntax.Expr {
	switch x := e.(type) {
	case *syntax.ParenExpr:
		return &syntax.ParenExpr{Span: x.Span, X: c.searchRewrite(x.X, cs)}
	case *syntax.Literal:
		if x.Kind == syntax.LitString {
			return c.searchTerm(&syntax.StarExpr{Span: x.Span}, x, cs)
		}
	case *syntax.BinaryExpr:
		switch x.Op {
		case "and", "or":
			return &syntax.BinaryExpr{Span: x.Span, X: c.searchRewrite(x.X, cs), Op: x.Op, OpPos: x.OpPos, Y: c.searchRewrite(x.Y, cs)}
		case ":":
			lit, ok := x.Y.(*syntax.Literal)
			if !ok || lit.Kind != syntax.LitString {
				c.errorf(x.Y, "search: the right side of ':' must be a string literal")
			}
			return c.searchTerm(x.X, lit, cs)
		}
	case *syntax.CallExpr:
		if x.Name() == "not" && len(x.Args) == 1 {
			return &syntax.CallExpr{Span: x.Span, Fun: x.Fun, Args: []syntax.Expr{c.searchRewrite(x.Args[0], cs)}}
		}
	}
	return e
}

func (c *compiler) searchTerm(target syntax.Expr, lit *syntax.Literal, cs bool) syntax.Expr {
	term := lit.Str
	op := "has"
	switch {
	case len(term) >= 2 && strings.HasPrefix(term, "*") && strings.HasSuffix(term, "*"):
		op, term = "contains", term[1:len(term)-1]
	case strings.HasPrefix(term, "*"):
		op, term = "hassuffix", term[1:]
	case strings.HasSuffix(term, "*"):
		op, term = "hasprefix", term[:len(term)-1]
	}
	if strings.Contains(term, "*") {
		c.unsupported(lit, "search terms with an inner wildcard ("+lit.Str+")")
	}
	if cs {
		op += "_cs"
	}
	y := &syntax.Literal{Span: lit.Span, Kind: syntax.LitString, Raw: lit.Raw, Str: term}
	return &syntax.BinaryExpr{Span: lit.Span, X: target, Op: op, OpPos: lit.Pos(), Y: y}
}
