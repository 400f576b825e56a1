package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

type mvItem struct {
	e   *expr
	idx int        // output column
	to  types.Type // Dynamic unless to typeof()
}

type mvExpandNode struct {
	in      node
	cols    []types.Column
	items   []mvItem
	bagMode string // "bag" or "array"
	index   int    // with_itemindex column, or -1
	limit   int64
}

func (m *mvExpandNode) schema() []types.Column { return m.cols }

func (c *compiler) mvExpand(in node, o *syntax.MvExpandOp) node {
	s := c.scopeOf(in)
	m := &mvExpandNode{in: in, bagMode: "bag", index: -1, limit: -1}
	m.cols = append([]types.Column(nil), s.cols...)
	taken := namesOf(m.cols)
	idxName := ""
	for _, opt := range o.Options {
		switch opt.Name {
		case "kind":
			v, _ := optionValue([]*syntax.Option{opt}, "kind")
			if v != "bag" && v != "array" {
				c.errorf(opt, "mv-expand kind must be bag or array")
			}
			m.bagMode = v
		case "with_itemindex":
			id, ok := opt.Value.(*syntax.Ident)
			if !ok {
				c.errorf(opt, "with_itemindex needs a column name")
			}
			idxName = id.Name
		case "bagexpansion":
			v, _ := optionValue([]*syntax.Option{opt}, "bagexpansion")
			m.bagMode = v
		default:
			c.unsupported(opt, "mv-expand option "+opt.Name)
		}
	}
	if o.Limit != nil {
		l := c.scalar(o.Limit, nil)
		if !l.isConst() || !l.t.IsInteger() {
			c.errorf(o.Limit, "mv-expand limit must be a constant integer")
		}
		m.limit = l.c.I
	}
	for _, it := range o.Items {
		name := ""
		val := it.X
		if ne, ok := it.X.(*syntax.NamedExpr); ok {
			name = ne.Names[0].Name
			val = ne.Value
		}
		e := c.scalar(val, s)
		if e.t != types.Dynamic {
			c.errorf(val, "mv-expand needs a dynamic array or bag, not %s", e.t)
		}
		if name == "" {
			name = e.name
			if name == "" {
				name = columnN(taken)
			}
		}
		to := types.Dynamic
		if it.To != nil && it.To.Type != nil {
			to = typeOf(c, it.To.Type)
		}
		if i, ok := s.lookup(name); ok {
			m.cols[i] = types.Column{Name: name, Type: to}
			m.items = append(m.items, mvItem{e: e, idx: i, to: to})
		} else {
			taken[name] = true
			m.cols = append(m.cols, types.Column{Name: name, Type: to})
			m.items = append(m.items, mvItem{e: e, idx: len(m.cols) - 1, to: to})
		}
	}
	if idxName != "" {
		m.cols = append(m.cols, types.Column{Name: idxName, Type: types.Long})
		m.index = len(m.cols) - 1
	}
	return m
}

func (m *mvExpandNode) elems(v types.Value) ([]any, bool) {
	if !v.Valid {
		return nil, false
	}
	switch d := v.D.(type) {
	case []any:
		return d, true
	case *types.Bag:
		out := make([]any, 0, d.Len())
		for _, k := range d.Keys {
			if m.bagMode == "array" {
				out = append(out, []any{k, d.Vals[k]})
			} else {
				b := types.NewBag()
				b.Set(k, d.Vals[k])
				out = append(out, b)
			}
		}
		return out, true
	}
	return []any{v.D}, true
}

func (m *mvExpandNode) run(rc *runCtx, emit func([]types.Row) error) error {
	width := len(m.cols)
	return m.in.run(rc, func(rows []types.Row) error {
		var out []types.Row
		for _, r := range rows {
			lists := make([][]any, len(m.items))
			nulls := make([]bool, len(m.items))
			n := 0
			for i, it := range m.items {
				v := it.e.eval(r)
				l, ok := m.elems(v)
				if !ok {
					nulls[i] = true
					if n < 1 {
						n = 1
					}
					continue
				}
				lists[i] = l
				if len(l) > n {
					n = len(l)
				}
			}
			allEmpty := true
			for i := range m.items {
				if nulls[i] || len(lists[i]) > 0 {
					allEmpty = false
				}
			}
			if allEmpty {
				continue
			}
			if m.limit >= 0 && int64(n) > m.limit {
				n = int(m.limit)
			}
			for k := 0; k < n; k++ {
				row := make(types.Row, width)
				copy(row, r)
				for i, it := range m.items {
					var d any
					if !nulls[i] && k < len(lists[i]) {
						d = lists[i][k]
					}
					val := types.NewDynamic(d)
					if it.to != types.Dynamic {
						val = convertDyn(val, it.to)
					}
					row[it.idx] = val
				}
				if m.index >= 0 {
					row[m.index] = types.NewLong(int64(k))
				}
				out = append(out, row)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return emit(out)
	})
}
