package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// tryConst compiles e without row context and returns its value when it is
// a constant; binding errors just mean "not a constant".
func (c *compiler) tryConst(e syntax.Expr) (v types.Value, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isBind := r.(bindError); !isBind {
				panic(r)
			}
			ok = false
		}
	}()
	x := c.scalar(e, nil)
	if !x.isConst() {
		return types.Value{}, false
	}
	return *x.c, true
}

// pushTime narrows s's time range from the conjuncts of a predicate.
func (c *compiler) pushTime(s *scanNode, n syntax.Expr) {
	switch x := n.(type) {
	case *syntax.ParenExpr:
		c.pushTime(s, x.X)
	case *syntax.BinaryExpr:
		switch x.Op {
		case "and":
			c.pushTime(s, x.X)
			c.pushTime(s, x.Y)
		case ">", ">=", "<", "<=":
			col, ok := s.timeColumn(x.X)
			op := x.Op
			other := x.Y
			if !ok {
				col, ok = s.timeColumn(x.Y)
				other = x.X
				op = map[string]string{">": "<", ">=": "<=", "<": ">", "<=": ">="}[op]
			}
			if !ok {
				return
			}
			v, ok := c.tryConst(other)
			if !ok || v.T != types.DateTime || !v.Valid {
				return
			}
			lo, hi := int64(0), types.MaxDateTimeTicks
			switch op {
			case ">":
				lo = v.I + 1
			case ">=":
				lo = v.I
			case "<":
				hi = v.I - 1
			case "<=":
				hi = v.I
			}
			s.narrow(col, lo, hi)
		}
	case *syntax.BetweenExpr:
		if x.Not {
			return
		}
		col, ok := s.timeColumn(x.X)
		if !ok {
			return
		}
		lo, ok1 := c.tryConst(x.Lo)
		hi, ok2 := c.tryConst(x.Hi)
		if !ok1 || !ok2 || lo.T != types.DateTime || !lo.Valid || !hi.Valid {
			return
		}
		h := hi.I
		switch hi.T {
		case types.TimeSpan:
			h = lo.I + hi.I
		case types.DateTime:
		default:
			return
		}
		s.narrow(col, lo.I, h)
	}
}

// timeColumn reports whether e names a datetime column of the table.
func (s *scanNode) timeColumn(e syntax.Expr) (string, bool) {
	id, ok := e.(*syntax.Ident)
	if !ok {
		return "", false
	}
	col, _, ok := s.table.Resolve(id.Name)
	if !ok || col.Type != "datetime" {
		return "", false
	}
	return col.Name, true
}
