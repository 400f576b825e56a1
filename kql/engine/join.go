package engine

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

type joinNode struct {
	left, right node
	kind        string
	lkeys       []*expr
	rkeys       []*expr
	cols        []types.Column
	lookup      bool
	rightKeep   []int // right columns kept in output (lookup drops keys)
}

func (j *joinNode) schema() []types.Column { return j.cols }

func optionValue(opts []*syntax.Option, name string) (string, bool) {
	for _, o := range opts {
		if o.Name == name {
			switch v := o.Value.(type) {
			case *syntax.Ident:
				return v.Name, true
			case *syntax.Literal:
				return v.Str + v.Raw[:0], true
			}
		}
	}
	return "", false
}

func (c *compiler) joinKeys(on []syntax.Expr, ls, rs *rowScope, at syntax.Node) (lk, rk []*expr) {
	if len(on) == 0 {
		c.errorf(at, "join needs an on clause")
	}
	both := &rowScope{left: ls, right: rs}
	for _, e := range on {
		switch x := e.(type) {
		case *syntax.Ident:
			li, ok := ls.lookup(x.Name)
			if !ok {
				c.errAt(x, "", "join key '%s' is not a column of the left side", x.Name)
			}
			ri, ok := rs.lookup(x.Name)
			if !ok {
				c.errAt(x, "", "join key '%s' is not a column of the right side", x.Name)
			}
			lk = append(lk, c.colRef(li, ls, x))
			rk = append(rk, c.colRef(ri, rs, x))
		case *syntax.BinaryExpr:
			if x.Op != "==" {
				c.errorf(x, "join conditions must be equalities ($left.a == $right.b)")
			}
			a := c.scalar(x.X, both)
			b := c.scalar(x.Y, both)
			if sideOf(x.X) == "$right" && sideOf(x.Y) == "$left" {
				a, b = b, a
			} else if sideOf(x.X) != "$left" || sideOf(x.Y) != "$right" {
				c.errorf(x, "join conditions compare $left.column with $right.column")
			}
			lk = append(lk, a)
			rk = append(rk, b)
		case *syntax.ParenExpr:
			l2, r2 := c.joinKeys([]syntax.Expr{x.X}, ls, rs, at)
			lk, rk = append(lk, l2...), append(rk, r2...)
		default:
			c.errorf(e, "unsupported join condition")
		}
	}
	for i := range lk {
		if !comparableTypes(lk[i].t, rk[i].t) || lk[i].t != rk[i].t && !(lk[i].t.IsNumeric() && rk[i].t.IsNumeric()) {
			c.errorf(on[min(i, len(on)-1)], "join keys have different types (%s and %s)", lk[i].t, rk[i].t)
		}
	}
	return lk, rk
}

func sideOf(e syntax.Expr) string {
	if m, ok := e.(*syntax.MemberExpr); ok {
		if id, ok := m.X.(*syntax.Ident); ok {
			return id.Name
		}
	}
	return ""
}

func (c *compiler) join(in node, o *syntax.JoinOp) node {
	kind, ok := optionValue(o.Options, "kind")
	if !ok {
		kind = "innerunique"
	}
	switch kind {
	case "innerunique", "inner", "leftouter", "rightouter", "fullouter", "leftsemi", "rightsemi", "leftanti", "rightanti":
	case "anti", "leftantisemi":
		kind = "leftanti"
	case "rightantisemi":
		kind = "rightanti"
	default:
		c.unsupported(o, "join kind="+kind)
	}
	right := c.tabular(o.Right)
	ls, rs := c.scopeOf(in), c.scopeOf(right)
	lk, rk := c.joinKeys(o.On, ls, rs, o)
	j := &joinNode{left: in, right: right, kind: kind, lkeys: lk, rkeys: rk}
	switch kind {
	case "leftsemi", "leftanti":
		j.cols = in.schema()
	case "rightsemi", "rightanti":
		j.cols = right.schema()
	default:
		j.cols = append([]types.Column(nil), in.schema()...)
		taken := namesOf(j.cols)
		for i, col := range right.schema() {
			nm := uniqueName(taken, col.Name)
			taken[nm] = true
			j.cols = append(j.cols, types.Column{Name: nm, Type: col.Type})
			j.rightKeep = append(j.rightKeep, i)
		}
	}
	return j
}

func (c *compiler) lookup(in node, o *syntax.LookupOp) node {
	kind, ok := optionValue(o.Options, "kind")
	if !ok {
		kind = "leftouter"
	}
	if kind != "leftouter" && kind != "inner" {
		c.unsupported(o, "lookup kind="+kind)
	}
	right := c.tabular(o.Right)
	ls, rs := c.scopeOf(in), c.scopeOf(right)
	lk, rk := c.joinKeys(o.On, ls, rs, o)
	j := &joinNode{left: in, right: right, kind: kind, lkeys: lk, rkeys: rk, lookup: true}
	j.cols = append([]types.Column(nil), in.schema()...)
	taken := namesOf(j.cols)
	keyCol := map[int]bool{}
	for _, k := range rk {
		if k.col >= 0 {
			keyCol[k.col] = true
		}
	}
	for i, col := range right.schema() {
		if keyCol[i] {
			continue
		}
		nm := uniqueName(taken, col.Name)
		taken[nm] = true
		j.cols = append(j.cols, types.Column{Name: nm, Type: col.Type})
		j.rightKeep = append(j.rightKeep, i)
	}
	return j
}

func joinKey(keys []*expr, r types.Row, kb *strings.Builder) string {
	kb.Reset()
	for _, k := range keys {
		v := k.eval(r)
		if v.T == types.Int {
			v.T = types.Long // int and long keys join by value (nulls stay null)
		}
		kb.WriteString(funcs.KeyString(v))
		kb.WriteByte(0)
	}
	return kb.String()
}

func collect(rc *runCtx, n node) ([]types.Row, error) {
	var rows []types.Row
	err := n.run(rc, func(b []types.Row) error { rows = append(rows, b...); return nil })
	return rows, err
}

func (j *joinNode) run(rc *runCtx, emit func([]types.Row) error) error {
	rrows, err := collect(rc, j.right)
	if err != nil {
		return err
	}
	var kb strings.Builder
	index := map[string][]int{}
	var order []string
	for i, r := range rrows {
		k := joinKey(j.rkeys, r, &kb)
		if _, ok := index[k]; !ok {
			order = append(order, k)
		}
		index[k] = append(index[k], i)
	}
	rightMatched := make([]bool, len(rrows))
	lw := len(j.left.schema())
	rightCols := j.right.schema()
	combine := func(l, r types.Row) types.Row {
		out := make(types.Row, 0, len(j.cols))
		if l == nil {
			for _, col := range j.left.schema() {
				out = append(out, types.Null(col.Type))
			}
		} else {
			out = append(out, l[:lw]...)
		}
		for _, ri := range j.rightKeep {
			if r == nil {
				out = append(out, types.Null(rightCols[ri].Type))
			} else {
				out = append(out, r[ri])
			}
		}
		return out
	}
	seenLeft := map[string]bool{}
	var pendingOuter []types.Row
	err = j.left.run(rc, func(rows []types.Row) error {
		var out []types.Row
		for _, l := range rows {
			k := joinKey(j.lkeys, l, &kb)
			matches := index[k]
			switch j.kind {
			case "innerunique":
				if seenLeft[k] {
					continue
				}
				seenLeft[k] = true
				for _, ri := range matches {
					out = append(out, combine(l, rrows[ri]))
				}
			case "inner":
				for _, ri := range matches {
					out = append(out, combine(l, rrows[ri]))
				}
			case "leftouter", "fullouter", "rightouter":
				for _, ri := range matches {
					rightMatched[ri] = true
					out = append(out, combine(l, rrows[ri]))
				}
				if len(matches) == 0 && j.kind != "rightouter" {
					pendingOuter = append(pendingOuter, combine(l, nil))
				}
			case "leftsemi":
				if len(matches) > 0 {
					out = append(out, l)
				}
			case "leftanti":
				if len(matches) == 0 {
					out = append(out, l)
				}
			case "rightsemi", "rightanti":
				for _, ri := range matches {
					rightMatched[ri] = true
				}
			}
		}
		if len(out) == 0 {
			return nil
		}
		return emit(out)
	})
	if err != nil {
		return err
	}
	var tail []types.Row
	tail = append(tail, pendingOuter...)
	switch j.kind {
	case "rightouter", "fullouter":
		for i, r := range rrows {
			if !rightMatched[i] {
				tail = append(tail, combine(nil, r))
			}
		}
	case "rightsemi":
		for i, r := range rrows {
			if rightMatched[i] {
				tail = append(tail, r)
			}
		}
	case "rightanti":
		for i, r := range rrows {
			if !rightMatched[i] {
				tail = append(tail, r)
			}
		}
	}
	_ = order
	if len(tail) == 0 {
		return nil
	}
	return emit(tail)
}
