package engine

import (
	"math"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/textmatch"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func (c *compiler) binary(x *syntax.BinaryExpr, s *rowScope) *expr {
	switch x.Op {
	case "and", "or":
		return c.logical(x, s)
	}
	if _, ok := x.X.(*syntax.StarExpr); ok {
		return c.starPredicate(x, s)
	}
	l := c.scalar(x.X, s)
	r := c.scalar(x.Y, s)
	var out *expr
	switch x.Op {
	case "+", "-", "*", "/", "%":
		out = c.arith(x, l, r)
	case "==", "!=", "<>", "<", "<=", ">", ">=":
		out = c.compare(x, l, r)
	case "=~", "!~":
		c.needString(x.X, l, x.Op)
		c.needString(x.Y, r, x.Op)
		neg := x.Op == "!~"
		le, re := l.eval, r.eval
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			return types.NewBool(textmatch.EqualFold(strOf(le(row)), strOf(re(row))) != neg)
		}}
	case "matches regex":
		c.needString(x.X, l, x.Op)
		c.needString(x.Y, r, x.Op)
		if r.isConst() {
			if _, err := funcs.CompileRegex(strOf(*r.c)); err != nil {
				c.errorf(x.Y, "%v", err)
			}
		}
		le, re := l.eval, r.eval
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			rx, err := funcs.CompileRegex(strOf(re(row)))
			if err != nil {
				return types.Null(types.Bool)
			}
			return types.NewBool(rx.MatchString(strOf(le(row))))
		}}
	default:
		pred, ok := stringPredicate(x.Op)
		if !ok {
			c.unsupported(x, "operator "+x.Op)
		}
		c.needString(x.X, l, x.Op)
		c.needString(x.Y, r, x.Op)
		le, re := l.eval, r.eval
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			return types.NewBool(pred(strOf(le(row)), strOf(re(row))))
		}}
	}
	return fold(out, l, r)
}

// strOf renders a string-ish operand (string, or dynamic via tostring).
func strOf(v types.Value) string {
	if v.T == types.String {
		return v.S
	}
	return types.ToString(v)
}

func (c *compiler) needString(n syntax.Expr, e *expr, op string) {
	if e.t != types.String && e.t != types.Dynamic {
		c.errAt(n, "convert it with tostring() first", "the operator '%s' needs a string operand, not %s", op, e.t)
	}
}

// stringPredicate returns the implementation of a string operator.
func stringPredicate(op string) (func(h, n string) bool, bool) {
	neg := false
	base := op
	if strings.HasPrefix(op, "!") {
		neg = true
		base = op[1:]
	}
	var f func(h, n string) bool
	switch base {
	case "has":
		f = func(h, n string) bool { return textmatch.HasTerm(h, n, textmatch.Has, false) }
	case "has_cs":
		f = func(h, n string) bool { return textmatch.HasTerm(h, n, textmatch.Has, true) }
	case "hasprefix":
		f = func(h, n string) bool { return textmatch.HasTerm(h, n, textmatch.HasPrefix, false) }
	case "hasprefix_cs":
		f = func(h, n string) bool { return textmatch.HasTerm(h, n, textmatch.HasPrefix, true) }
	case "hassuffix":
		f = func(h, n string) bool { return textmatch.HasTerm(h, n, textmatch.HasSuffix, false) }
	case "hassuffix_cs":
		f = func(h, n string) bool { return textmatch.HasTerm(h, n, textmatch.HasSuffix, true) }
	case "contains":
		f = func(h, n string) bool { return textmatch.Contains(h, n, false) }
	case "contains_cs":
		f = func(h, n string) bool { return textmatch.Contains(h, n, true) }
	case "startswith":
		f = func(h, n string) bool { return textmatch.StartsWith(h, n, false) }
	case "startswith_cs":
		f = func(h, n string) bool { return textmatch.StartsWith(h, n, true) }
	case "endswith":
		f = func(h, n string) bool { return textmatch.EndsWith(h, n, false) }
	case "endswith_cs":
		f = func(h, n string) bool { return textmatch.EndsWith(h, n, true) }
	default:
		return nil, false
	}
	if neg {
		g := f
		f = func(h, n string) bool { return !g(h, n) }
	}
	return f, true
}

// starPredicate implements `* has "x"` and friends: true when any column
// satisfies the operator.
func (c *compiler) starPredicate(x *syntax.BinaryExpr, s *rowScope) *expr {
	pred, ok := stringPredicate(x.Op)
	if !ok || strings.HasPrefix(x.Op, "!") {
		c.unsupported(x, "'*' with operator "+x.Op)
	}
	r := c.scalar(x.Y, s)
	c.needString(x.Y, r, x.Op)
	re := r.eval
	cols := s.cols
	return &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
		n := strOf(re(row))
		for i := range cols {
			if pred(types.ToString(row[i]), n) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	}}
}

func (c *compiler) logical(x *syntax.BinaryExpr, s *rowScope) *expr {
	l := c.scalar(x.X, s)
	r := c.scalar(x.Y, s)
	if l.t != types.Bool {
		c.errorf(x.X, "the operands of '%s' must be bool, not %s", x.Op, l.t)
	}
	if r.t != types.Bool {
		c.errorf(x.Y, "the operands of '%s' must be bool, not %s", x.Op, r.t)
	}
	le, re := l.eval, r.eval
	var out *expr
	if x.Op == "and" {
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			a := le(row)
			if a.Valid && a.I == 0 {
				return a
			}
			b := re(row)
			if b.Valid && b.I == 0 {
				return b
			}
			if !a.Valid || !b.Valid {
				return types.Null(types.Bool)
			}
			return a
		}}
	} else {
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			a := le(row)
			if a.Valid && a.I != 0 {
				return a
			}
			b := re(row)
			if b.Valid && b.I != 0 {
				return b
			}
			if !a.Valid || !b.Valid {
				return types.Null(types.Bool)
			}
			return a
		}}
	}
	return fold(out, l, r)
}

// comparable reports whether two types may be compared, and the type the
// comparison happens in.
func comparableTypes(a, b types.Type) bool {
	switch {
	case a == b:
		return true
	case a.IsNumeric() && b.IsNumeric():
		return true
	case a == types.Dynamic || b == types.Dynamic:
		return true
	case (a == types.String && b == types.Guid) || (a == types.Guid && b == types.String):
		return true
	}
	return false
}

func (c *compiler) compare(x *syntax.BinaryExpr, l, r *expr) *expr {
	// bool == 1 (Microsoft's own queries write IsSigned == 1): a bool
	// equals the integer 1 (true) or 0 (false)
	boolInt := (x.Op == "==" || x.Op == "!=" || x.Op == "<>") &&
		((l.t == types.Bool && r.t.IsInteger()) || (l.t.IsInteger() && r.t == types.Bool))
	if !boolInt && !comparableTypes(l.t, r.t) {
		c.errorf(x, "cannot compare %s with %s using '%s'", l.t, r.t, x.Op)
	}
	op := x.Op
	if op == "<>" {
		op = "!="
	}
	eq := op == "==" || op == "!="
	if !eq && (l.t == types.Dynamic && r.t == types.Dynamic) {
		c.errorf(x, "cannot order dynamic values with '%s'", x.Op)
	}
	le, re := l.eval, r.eval
	out := &expr{t: types.Bool, col: -1, node: x}
	out.eval = func(row types.Row) types.Value {
		a, b := le(row), re(row)
		return compareValues(op, a, b)
	}
	return out
}

// compareValues implements ==, !=, <, <=, >, >= with Kusto's null rules.
func compareValues(op string, a, b types.Value) types.Value {
	if a.T == types.Dynamic && b.T != types.Dynamic && a.Valid {
		a = funcs.Convert(a, b.T)
	} else if b.T == types.Dynamic && a.T != types.Dynamic && b.Valid {
		b = funcs.Convert(b, a.T)
	}
	if !a.Valid || !b.Valid {
		switch op {
		case "==":
			if !a.Valid && !b.Valid {
				return types.Null(types.Bool)
			}
			return types.NewBool(false)
		case "!=":
			if !a.Valid && !b.Valid {
				return types.Null(types.Bool)
			}
			return types.NewBool(true)
		}
		return types.Null(types.Bool)
	}
	if a.T == types.Dynamic && b.T == types.Dynamic {
		e := types.DynamicEqual(a.D, b.D)
		if op == "==" {
			return types.NewBool(e)
		}
		return types.NewBool(!e)
	}
	if (a.IsNaN() || b.IsNaN()) && a.T.IsNumeric() && b.T.IsNumeric() {
		return types.NewBool(op == "!=")
	}
	cmp := funcs.Compare(a, b)
	switch op {
	case "==":
		return types.NewBool(cmp == 0)
	case "!=":
		return types.NewBool(cmp != 0)
	case "<":
		return types.NewBool(cmp < 0)
	case "<=":
		return types.NewBool(cmp <= 0)
	case ">":
		return types.NewBool(cmp > 0)
	case ">=":
		return types.NewBool(cmp >= 0)
	}
	return types.Null(types.Bool)
}

// arithType returns the result type of l op r, or Unknown when invalid.
func arithType(op string, l, r types.Type) types.Type {
	num := func(t types.Type) bool { return t.IsNumeric() }
	switch {
	case num(l) && num(r):
		switch {
		case l == types.Real || r == types.Real:
			return types.Real
		case l == types.Decimal || r == types.Decimal:
			return types.Decimal
		}
		return types.Long
	}
	switch op {
	case "+":
		switch {
		case l == types.DateTime && r == types.TimeSpan, l == types.TimeSpan && r == types.DateTime:
			return types.DateTime
		case l == types.TimeSpan && r == types.TimeSpan:
			return types.TimeSpan
		}
	case "-":
		switch {
		case l == types.DateTime && r == types.DateTime:
			return types.TimeSpan
		case l == types.DateTime && r == types.TimeSpan:
			return types.DateTime
		case l == types.TimeSpan && r == types.TimeSpan:
			return types.TimeSpan
		}
	case "*":
		switch {
		case l == types.TimeSpan && num(r), num(l) && r == types.TimeSpan:
			return types.TimeSpan
		}
	case "/":
		switch {
		case l == types.TimeSpan && r == types.TimeSpan:
			return types.Real
		case l == types.TimeSpan && num(r):
			return types.TimeSpan
		}
	case "%":
		if l == types.TimeSpan && r == types.TimeSpan {
			return types.TimeSpan
		}
	}
	return types.Unknown
}

func (c *compiler) arith(x *syntax.BinaryExpr, l, r *expr) *expr {
	t := arithType(x.Op, l.t, r.t)
	if t == types.Unknown {
		c.errorf(x, "the operator '%s' cannot be applied to %s and %s", x.Op, l.t, r.t)
	}
	op := x.Op
	le, re := l.eval, r.eval
	return &expr{t: t, col: -1, node: x, eval: func(row types.Row) types.Value {
		return arithValues(op, t, le(row), re(row))
	}}
}

func arithValues(op string, t types.Type, a, b types.Value) types.Value {
	if !a.Valid || !b.Valid {
		return types.Null(t)
	}
	if t == types.Decimal {
		f, ok := funcs.DecimalArith(op, a.AsFloat(), b.AsFloat())
		if !ok {
			return types.Null(t)
		}
		return types.NewDecimal(f)
	}
	if t == types.Real {
		x, y := a.AsFloat(), b.AsFloat()
		var f float64
		switch op {
		case "+":
			f = x + y
		case "-":
			f = x - y
		case "*":
			f = x * y
		case "/":
			f = x / y
		case "%":
			if y == 0 {
				return types.Null(t)
			}
			f = math.Mod(x, y)
			if f < 0 {
				f += math.Abs(y)
			}
		}
		return types.Value{T: t, Valid: true, F: f}
	}
	// timespan scaled by a real
	if (a.T == types.Real || a.T == types.Decimal || b.T == types.Real || b.T == types.Decimal) && t == types.TimeSpan {
		var f float64
		switch op {
		case "*":
			f = a.AsFloat() * b.AsFloat()
		case "/":
			if b.AsFloat() == 0 {
				return types.Null(t)
			}
			f = a.AsFloat() / b.AsFloat()
		}
		return types.NewTimeSpan(int64(math.Round(f)))
	}
	if op == "/" && a.T == types.TimeSpan && b.T == types.TimeSpan {
		if b.I == 0 {
			return types.Null(types.Real)
		}
		return types.NewReal(float64(a.I) / float64(b.I))
	}
	x, y := a.I, b.I
	var n int64
	switch op {
	case "+":
		n = x + y
	case "-":
		n = x - y
	case "*":
		n = x * y
	case "/":
		if y == 0 {
			return types.Null(t)
		}
		if y == -1 {
			n = -x
		} else {
			n = x / y
		}
	case "%":
		if y == 0 {
			return types.Null(t)
		}
		if y == -1 {
			n = 0
		} else {
			n = x % y
			if n < 0 {
				if y < 0 {
					n -= y
				} else {
					n += y
				}
			}
		}
	}
	if t == types.DateTime && (n < 0 || n > types.MaxDateTimeTicks || (op == "+" && (y > 0) != (n > x) && y != 0) || (op == "-" && (y > 0) != (n < x) && y != 0)) {
		return types.Null(t) // outside 0001-01-01 .. 9999-12-31
	}
	return types.Value{T: t, Valid: true, I: n}
}

func (c *compiler) between(x *syntax.BetweenExpr, s *rowScope) *expr {
	v := c.scalar(x.X, s)
	lo := c.scalar(x.Lo, s)
	hi := c.scalar(x.Hi, s)
	if !v.t.IsNumeric() && v.t != types.DateTime && v.t != types.TimeSpan {
		c.errorf(x.X, "between needs a number, datetime or timespan, not %s", v.t)
	}
	if !comparableTypes(v.t, lo.t) {
		c.errorf(x.Lo, "between: the lower bound (%s) does not match the value (%s)", lo.t, v.t)
	}
	hiAdd := false
	if v.t == types.DateTime && hi.t == types.TimeSpan {
		hiAdd = true
	} else if !comparableTypes(v.t, hi.t) {
		c.errorf(x.Hi, "between: the upper bound (%s) does not match the value (%s)", hi.t, v.t)
	}
	ve, le, he := v.eval, lo.eval, hi.eval
	not := x.Not
	out := &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
		a := ve(row)
		l := le(row)
		h := he(row)
		if hiAdd && h.Valid && l.Valid {
			h = types.NewDateTime(l.I + h.I)
		}
		if !a.Valid || !l.Valid || !h.Valid {
			return types.Null(types.Bool)
		}
		in := funcs.Compare(a, l) >= 0 && funcs.Compare(a, h) <= 0
		if a.IsNaN() {
			in = false
		}
		return types.NewBool(in != not)
	}}
	return fold(out, v, lo, hi)
}
