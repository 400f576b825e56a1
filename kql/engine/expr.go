package engine

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// expr is a compiled, typed scalar expression.
type expr struct {
	t    types.Type
	eval func(r types.Row) types.Value
	c    *types.Value // set when the expression is constant
	name string       // inferred result column name ("" = ColumnN)
	col  int          // index of the column it reads directly, or -1
	node syntax.Expr
}

func constExpr(v types.Value, n syntax.Expr) *expr {
	vv := v
	return &expr{t: v.T, c: &vv, col: -1, node: n, eval: func(types.Row) types.Value { return vv }}
}

func (e *expr) isConst() bool { return e.c != nil }

// fold turns an expression whose inputs are all constant into a constant.
func fold(e *expr, args ...*expr) *expr {
	for _, a := range args {
		if !a.isConst() {
			return e
		}
	}
	v := e.eval(nil)
	ce := constExpr(v, e.node)
	ce.t = e.t
	ce.name = e.name
	return ce
}

// scalar compiles a scalar expression in a row scope (nil: no columns).
func (c *compiler) scalar(n syntax.Expr, s *rowScope) *expr {
	c.depth++
	if c.depth > 500 {
		c.errorf(n, "expression nested too deeply")
	}
	defer func() { c.depth-- }()
	switch x := n.(type) {
	case *syntax.Literal:
		return constExpr(literalValue(x), n)
	case *syntax.DynamicLit:
		return constExpr(types.NewDynamic(c.dynValue(x.Value)), n)
	case *syntax.ParenExpr:
		e := c.scalar(x.X, s)
		return &expr{t: e.t, eval: e.eval, c: e.c, name: e.name, col: e.col, node: n}
	case *syntax.Ident:
		return c.ident(x, s)
	case *syntax.BinaryExpr:
		return c.binary(x, s)
	case *syntax.UnaryExpr:
		return c.unary(x, s)
	case *syntax.InExpr:
		return c.inExpr(x, s)
	case *syntax.BetweenExpr:
		return c.between(x, s)
	case *syntax.CallExpr:
		return c.call(x, s)
	case *syntax.MemberExpr:
		return c.member(x, s)
	case *syntax.IndexExpr:
		return c.index(x, s)
	case *syntax.TypeofExpr:
		if x.Type != nil {
			t := typeOf(c, x.Type)
			return constExpr(types.NewString(t.String()), n)
		}
		c.unsupported(n, "typeof with a tabular schema here")
	case *syntax.NamedExpr:
		c.errorf(n, "an assignment (Name = ...) is not allowed here")
	case *syntax.StarExpr:
		c.errorf(n, "'*' is only allowed on the left of a string operator or in operators that take column lists")
	case *syntax.FuncDecl:
		c.errorf(n, "a function definition is not a scalar value")
	case *syntax.BadExpr:
		c.errorf(n, "invalid expression")
	}
	if c.isTabular(n) {
		c.errorf(n, "a tabular expression is used where a scalar is expected (use toscalar() to turn a one-row table into a value)")
	}
	c.errorf(n, "unsupported expression")
	return nil
}

func literalValue(l *syntax.Literal) types.Value {
	switch l.Kind {
	case syntax.LitString:
		return types.NewString(l.Str)
	case syntax.LitLong:
		if l.Null {
			return types.Null(types.Long)
		}
		return types.NewLong(l.Int)
	case syntax.LitInt:
		if l.Null {
			return types.Null(types.Int)
		}
		return types.NewInt(l.Int)
	case syntax.LitReal:
		if l.Null {
			return types.Null(types.Real)
		}
		return types.NewReal(l.Real)
	case syntax.LitDecimal:
		if l.Null {
			return types.Null(types.Decimal)
		}
		return types.NewDecimal(l.Real)
	case syntax.LitBool:
		if l.Null {
			return types.Null(types.Bool)
		}
		return types.NewBool(l.Bool)
	case syntax.LitDateTime:
		if l.Null {
			return types.Null(types.DateTime)
		}
		return types.NewDateTime(l.Ticks)
	case syntax.LitTimespan:
		if l.Null {
			return types.Null(types.TimeSpan)
		}
		return types.NewTimeSpan(l.Ticks)
	case syntax.LitGuid:
		if l.Null {
			return types.Null(types.Guid)
		}
		return types.NewGuid(l.Str)
	}
	return types.Null(types.String)
}

func (c *compiler) dynValue(d syntax.DynValue) any {
	switch x := d.(type) {
	case nil, *syntax.DynNull:
		return nil
	case *syntax.DynScalar:
		v := literalValue(x.Lit)
		return types.ToDynamic(v)
	case *syntax.DynArray:
		out := make([]any, len(x.Elems))
		for i, e := range x.Elems {
			out[i] = c.dynValue(e)
		}
		return out
	case *syntax.DynObject:
		b := types.NewBag()
		for _, m := range x.Members {
			b.Set(m.Key, c.dynValue(m.Value))
		}
		return b
	}
	return nil
}

// ident resolves a name: a column of the row scope, a scalar let, or a
// parameterless function.
func (c *compiler) ident(x *syntax.Ident, s *rowScope) *expr {
	if i, ok := s.lookup(x.Name); ok {
		return c.colRef(i, s, x)
	}
	if b := c.env.lookup(x.Name); b != nil {
		switch b.kind {
		case bindScalar:
			if b.sc == nil {
				c.errorf(x, "'%s' is a parameter that has no value here", x.Name)
			}
			e := *b.sc
			e.node = x
			e.name = x.Name
			e.col = -1
			return &e
		case bindTabular:
			c.errorf(x, "'%s' is a table; a scalar is expected here (use toscalar(%s) for its first value)", x.Name, x.Name)
		case bindFunc:
			return c.callUserFunc(b, nil, x, s)
		}
	}
	// Timestamp / TimeGenerated are usable for each other.
	if s != nil && s.table != nil {
		if col, aliased, ok := s.table.Resolve(x.Name); ok && aliased {
			if i, ok := s.lookup(col.Name); ok {
				e := c.colRef(i, s, x)
				e.name = x.Name
				return e
			}
		}
	}
	// ... and further down the pipeline too, as long as the other time
	// column is still there (a derived table of a scan).
	if s != nil && (x.Name == schema.Timestamp || x.Name == schema.TimeGenerated) {
		other := schema.Timestamp
		if x.Name == schema.Timestamp {
			other = schema.TimeGenerated
		}
		if i, ok := s.lookup(other); ok && s.cols[i].Type == types.DateTime {
			e := c.colRef(i, s, x)
			e.name = other
			return e
		}
	}
	hint := ""
	if s != nil {
		if s.table != nil {
			if sug := schema.Suggest(s.table, x.Name); sug != "" {
				hint = "did you mean " + sug + "?"
			}
		} else if sug := schema.SuggestName(x.Name, s.names()); sug != "" {
			hint = "did you mean " + sug + "?"
		}
	}
	if hint == "" && s != nil && len(s.cols) > 0 && len(s.cols) <= 12 {
		hint = "columns here: " + strings.Join(s.names(), ", ")
	}
	where := ""
	if s != nil && s.table != nil {
		where = " of " + s.table.Name
	}
	c.errAt(x, hint, "'%s' does not refer to any known column%s, table, variable or function", x.Name, where)
	return nil
}

func (c *compiler) colRef(i int, s *rowScope, n syntax.Expr) *expr {
	col := s.cols[i]
	return &expr{t: col.Type, col: i, name: col.Name, node: n, eval: func(r types.Row) types.Value { return r[i] }}
}

func (c *compiler) unary(x *syntax.UnaryExpr, s *rowScope) *expr {
	e := c.scalar(x.X, s)
	switch x.Op {
	case "+":
		if !e.t.IsNumeric() && e.t != types.TimeSpan {
			c.errorf(x, "unary + needs a number or timespan, not %s", e.t)
		}
		return e
	case "-":
		if !e.t.IsNumeric() && e.t != types.TimeSpan {
			c.errorf(x, "unary - needs a number or timespan, not %s", e.t)
		}
		t := e.t
		if t == types.Int {
			t = types.Long
		}
		ev := e.eval
		// A minus written on a literal makes a negative literal (-0.0 keeps
		// its sign); on anything else Kusto computes 0 - x, so -x of a
		// real zero is +0.
		_, lit := x.X.(*syntax.Literal)
		out := &expr{t: t, col: -1, node: x, eval: func(r types.Row) types.Value {
			v := ev(r)
			if !v.Valid {
				return types.Null(t)
			}
			switch v.T {
			case types.Real, types.Decimal:
				if lit {
					return types.Value{T: v.T, Valid: true, F: -v.F}
				}
				return types.Value{T: v.T, Valid: true, F: 0 - v.F}
			}
			return types.Value{T: t, Valid: true, I: -v.I}
		}}
		return fold(out, e)
	}
	c.errorf(x, "unknown unary operator %s", x.Op)
	return nil
}

func (c *compiler) member(x *syntax.MemberExpr, s *rowScope) *expr {
	// $left.col / $right.col in join conditions
	if id, ok := x.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
		side := s.left
		if id.Name == "$right" {
			side = s.right
		}
		if side == nil {
			c.errorf(x, "%s is only valid in a join's on clause", id.Name)
		}
		e := c.ident(x.Name, side)
		e.node = x
		return e
	}
	base := c.scalar(x.X, s)
	if base.t != types.Dynamic {
		c.errorf(x, "'.%s' needs a dynamic value on its left, not %s", x.Name.Name, base.t)
	}
	key := x.Name.Name
	bev := base.eval
	out := &expr{t: types.Dynamic, col: -1, node: x, name: key, eval: func(r types.Row) types.Value {
		v := bev(r)
		if !v.Valid {
			return types.Null(types.Dynamic)
		}
		if b, ok := v.D.(*types.Bag); ok {
			if d, ok := b.Get(key); ok {
				return types.NewDynamic(d)
			}
		}
		return types.Null(types.Dynamic)
	}}
	return fold(out, base)
}

func (c *compiler) index(x *syntax.IndexExpr, s *rowScope) *expr {
	base := c.scalar(x.X, s)
	if base.t != types.Dynamic {
		c.errorf(x, "indexing needs a dynamic value on its left, not %s", base.t)
	}
	idx := c.scalar(x.Index, s)
	if idx.t != types.String && !idx.t.IsInteger() && idx.t != types.Dynamic {
		c.errorf(x.Index, "an index must be a string key or an integer, not %s", idx.t)
	}
	bev, iev := base.eval, idx.eval
	name := ""
	if idx.isConst() && idx.t == types.String {
		name = idx.c.S
	}
	out := &expr{t: types.Dynamic, col: -1, node: x, name: name, eval: func(r types.Row) types.Value {
		v := bev(r)
		i := iev(r)
		if !v.Valid || !i.Valid {
			return types.Null(types.Dynamic)
		}
		return types.NewDynamic(dynIndex(v.D, i))
	}}
	return fold(out, base, idx)
}

func dynIndex(d any, i types.Value) any {
	switch x := d.(type) {
	case []any:
		var n int64
		switch {
		case i.T.IsInteger():
			n = i.I
		case i.T == types.Dynamic:
			k, ok := i.D.(int64)
			if !ok {
				return nil
			}
			n = k
		default:
			return nil
		}
		if n < 0 {
			n += int64(len(x))
		}
		if n < 0 || n >= int64(len(x)) {
			return nil
		}
		return x[n]
	case *types.Bag:
		var k string
		switch {
		case i.T == types.String:
			k = i.S
		case i.T == types.Dynamic:
			s, ok := i.D.(string)
			if !ok {
				return nil
			}
			k = s
		default:
			return nil
		}
		v, _ := x.Get(k)
		return v
	}
	return nil
}
