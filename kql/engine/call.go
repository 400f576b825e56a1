package engine

import (
	"errors"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

func (c *compiler) prepare(f func(rc *runCtx) error) { c.prepares = append(c.prepares, f) }

func (c *compiler) call(x *syntax.CallExpr, s *rowScope) *expr {
	name := x.Name()
	if name == "" {
		c.unsupported(x, "calling a non-function expression")
	}
	if b := c.env.lookup(name); b != nil && b.kind == bindFunc {
		return c.callUserFunc(b, x.Args, x, s)
	}
	if isWindowFunc(name) {
		return c.windowCallExpr(x, s)
	}
	if c.aggCtx != nil {
		if _, ok := funcs.LookupAggregate(name); ok {
			return c.aggCtx.add(x)
		}
	}
	switch name {
	case "now":
		if len(x.Args) > 1 {
			c.errorf(x, "now() takes at most one argument")
		}
		t := c.opts.Now
		if len(x.Args) == 1 {
			off := c.scalar(x.Args[0], s)
			if off.t != types.TimeSpan || !off.isConst() {
				c.errorf(x.Args[0], "now(offset) needs a constant timespan")
			}
			t += off.c.I
		}
		e := constExpr(types.NewDateTime(t), x)
		return e
	case "ago":
		if len(x.Args) != 1 {
			c.errorf(x, "ago() takes one timespan argument")
		}
		off := c.scalar(x.Args[0], s)
		if off.t != types.TimeSpan {
			c.errorf(x.Args[0], "ago() needs a timespan, not %s", off.t)
		}
		now := c.opts.Now
		oe := off.eval
		return fold(&expr{t: types.DateTime, col: -1, node: x, eval: func(r types.Row) types.Value {
			v := oe(r)
			if !v.Valid {
				return types.Null(types.DateTime)
			}
			return types.NewDateTime(now - v.I)
		}}, off)
	case "toscalar":
		if len(x.Args) != 1 {
			c.errorf(x, "toscalar() takes one tabular argument")
		}
		if !c.isTabular(x.Args[0]) {
			// toscalar of a scalar expression is the expression itself
			e := c.scalar(x.Args[0], s)
			return &expr{t: e.t, eval: e.eval, c: e.c, col: -1, node: x}
		}
		sub := c.tabular(x.Args[0])
		cols := sub.schema()
		if len(cols) == 0 {
			c.errorf(x, "toscalar(): the subquery has no columns")
		}
		t := cols[0].Type
		val := types.Null(t)
		got := false
		c.prepare(func(rc *runCtx) error {
			err := sub.run(rc, func(rows []types.Row) error {
				if !got && len(rows) > 0 {
					val = rows[0][0]
					got = true
					return errStop
				}
				return nil
			})
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		})
		return &expr{t: t, col: -1, node: x, eval: func(types.Row) types.Value { return val }}
	case "materialize":
		c.errorf(x, "materialize() returns a table; it cannot be used as a scalar")
	case "column_ifexists":
		if len(x.Args) != 2 {
			c.errorf(x, "column_ifexists(name, default) takes two arguments")
		}
		lit, ok := x.Args[0].(*syntax.Literal)
		if !ok || lit.Kind != syntax.LitString {
			c.errorf(x.Args[0], "column_ifexists(): the column name must be a string literal")
		}
		if i, ok := s.lookup(lit.Str); ok {
			e := c.colRef(i, s, x)
			return e
		}
		return c.scalar(x.Args[1], s)
	case "pack_all", "bag_pack_all":
		if s == nil {
			c.errorf(x, "%s() needs a row context", name)
		}
		cols := s.cols
		return &expr{t: types.Dynamic, col: -1, node: x, eval: func(r types.Row) types.Value {
			b := types.NewBag()
			for i, col := range cols {
				b.Set(col.Name, types.ToDynamic(r[i]))
			}
			return types.NewDynamic(b)
		}}
	case "not":
		if len(x.Args) != 1 {
			c.errorf(x, "not() takes one argument")
		}
		a := c.scalar(x.Args[0], s)
		if a.t != types.Bool {
			c.errorf(x.Args[0], "not() needs a bool, not %s", a.t)
		}
		ae := a.eval
		return fold(&expr{t: types.Bool, col: -1, node: x, eval: func(r types.Row) types.Value {
			v := ae(r)
			if !v.Valid {
				return v
			}
			return types.NewBool(v.I == 0)
		}}, a)
	}
	if _, ok := funcs.LookupAggregate(name); ok {
		if _, sc := funcs.LookupScalar(name); !sc {
			c.errorf(x, "the aggregate %s() can only be used in summarize (or make-series)", name)
		}
	}
	fn, ok := funcs.LookupScalar(name)
	if !ok {
		switch name {
		case "geo_info_from_ip_address":
			c.unsupported(x, "geo_info_from_ip_address (needs Kusto's bundled GeoIP database)")
		}
		hint := ""
		if sug := schema.SuggestName(name, funcs.ScalarNames()); sug != "" {
			hint = "did you mean " + sug + "?"
		}
		c.errAt(x.Fun, hint, "not supported: function %s() (unknown to rmmhunt)", name)
	}
	if len(x.Args) < fn.MinArgs || (fn.MaxArgs >= 0 && len(x.Args) > fn.MaxArgs) {
		c.errorf(x, "%s() takes %s arguments, got %d", name, argRange(fn.MinArgs, fn.MaxArgs), len(x.Args))
	}
	args := make([]*expr, len(x.Args))
	fargs := make([]funcs.Arg, len(x.Args))
	for i, a := range x.Args {
		args[i] = c.scalar(a, s)
		fargs[i] = funcs.Arg{Type: args[i].t, Const: args[i].c}
	}
	rt, ev, err := fn.Compile(fargs)
	if err != nil {
		c.errorf(x, "%s(): %v", name, trimFuncPrefix(name, err.Error()))
	}
	evals := make([]func(types.Row) types.Value, len(args))
	for i, a := range args {
		evals[i] = a.eval
	}
	out := &expr{t: rt, col: -1, node: x}
	switch len(evals) {
	case 1:
		e0 := evals[0]
		out.eval = func(r types.Row) types.Value {
			return ev([]types.Value{e0(r)})
		}
	default:
		out.eval = func(r types.Row) types.Value {
			vals := make([]types.Value, len(evals))
			for i, e := range evals {
				vals[i] = e(r)
			}
			return ev(vals)
		}
	}
	switch fn.NameKind {
	case funcs.NameFirstArg:
		if len(args) > 0 {
			out.name = args[0].name
		}
	case funcs.NameWithFirstArg:
		if len(args) > 0 && args[0].name != "" {
			out.name = name + "_" + args[0].name
		}
	}
	if fn.UsesClock {
		return out
	}
	return fold(out, args...)
}

func trimFuncPrefix(name, msg string) string {
	p := name + "(): "
	if len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}

func argRange(min, max int) string {
	switch {
	case max < 0:
		return itoa(min) + " or more"
	case min == max:
		return itoa(min)
	default:
		return itoa(min) + " to " + itoa(max)
	}
}

func itoa(i int) string { return types.ToString(types.NewLong(int64(i))) }

// callUserFunc expands a let-defined function at the call site: the body is
// compiled with parameters bound to the arguments.
func (c *compiler) callUserFunc(b *binding, argNodes []syntax.Expr, call syntax.Expr, s *rowScope) *expr {
	fe := c.funcEnv(b, argNodes, call, s)
	saved := c.env
	c.env = fe
	defer func() { c.env = saved }()
	body := b.fn.Body
	for _, st := range body[:len(body)-1] {
		if l, ok := st.(*syntax.LetStmt); ok {
			c.bindLet(l)
		}
	}
	last, ok := body[len(body)-1].(*syntax.ExprStmt)
	if !ok {
		c.errorf(call, "function %s has no result expression", b.name)
	}
	if c.isTabular(last.X) {
		c.errorf(call, "function %s returns a table; a scalar is expected here", b.name)
	}
	return c.scalar(last.X, s)
}

func (c *compiler) funcEnv(b *binding, argNodes []syntax.Expr, call syntax.Expr, s *rowScope) *env {
	if b.fn.View && len(argNodes) > 0 {
		c.errorf(call, "view %s takes no arguments", b.name)
	}
	params := b.fn.Params
	if len(argNodes) > len(params) {
		c.errorf(call, "function %s takes %d arguments, got %d", b.name, len(params), len(argNodes))
	}
	fe := &env{parent: b.fenv, vars: map[string]*binding{}}
	for i, p := range params {
		if i < len(argNodes) {
			a := argNodes[i]
			if p.Tabular {
				n := c.tabular(a)
				fe.vars[p.Name.Name] = &binding{kind: bindTabular, name: p.Name.Name, tab: func() node { return n }}
				continue
			}
			e := c.scalar(a, s)
			if p.Type != nil {
				want := typeOf(c, p.Type)
				if e.t != want && !(e.t.IsNumeric() && want.IsNumeric()) {
					c.errorf(a, "argument %s of %s must be %s, not %s", p.Name.Name, b.name, want, e.t)
				}
			}
			fe.vars[p.Name.Name] = &binding{kind: bindScalar, sc: e, name: p.Name.Name}
			continue
		}
		if p.Default == nil {
			c.errorf(call, "function %s: missing argument %s", b.name, p.Name.Name)
		}
		e := c.scalar(p.Default, nil)
		fe.vars[p.Name.Name] = &binding{kind: bindScalar, sc: e, name: p.Name.Name}
	}
	return fe
}
