package engine

import (
	"sort"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

type sortKey struct {
	e          *expr
	desc       bool
	nullsFirst bool
}

type sortNode struct {
	in    node
	keys  []sortKey
	limit int64 // -1: no limit (sort); else top N
}

func (s *sortNode) schema() []types.Column { return s.in.schema() }

func (c *compiler) sort(in node, keys []*syntax.SortKey, limit int64, at syntax.Node) node {
	s := c.scopeOf(in)
	n := &sortNode{in: in, limit: limit}
	for _, k := range keys {
		e := c.scalar(k.X, s)
		if e.t == types.Dynamic {
			c.errorf(k.X, "cannot sort by a dynamic value; convert it first (tostring, tolong, ...)")
		}
		desc := k.Dir != "asc"
		nf := !desc
		switch k.Nulls {
		case "first":
			nf = true
		case "last":
			nf = false
		}
		n.keys = append(n.keys, sortKey{e: e, desc: desc, nullsFirst: nf})
	}
	return n
}

func (s *sortNode) run(rc *runCtx, emit func([]types.Row) error) error {
	var rows []types.Row
	var keys [][]types.Value
	err := s.in.run(rc, func(b []types.Row) error {
		for _, r := range b {
			kv := make([]types.Value, len(s.keys))
			for i, k := range s.keys {
				kv[i] = k.e.eval(r)
			}
			rows = append(rows, r)
			keys = append(keys, kv)
		}
		return nil
	})
	if err != nil {
		return err
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return compareKeys(s.keys, keys[idx[a]], keys[idx[b]]) < 0
	})
	n := len(idx)
	if s.limit >= 0 && int64(n) > s.limit {
		n = int(s.limit)
	}
	out := make([]types.Row, n)
	for i := 0; i < n; i++ {
		out[i] = rows[idx[i]]
	}
	if rc.tieNode == node(s) {
		t := make([]int, n)
		for i := 1; i < n; i++ {
			t[i] = i
			if compareKeys(s.keys, keys[idx[i-1]], keys[idx[i]]) == 0 {
				t[i] = t[i-1]
			}
		}
		rc.ties = t
	}
	if len(out) == 0 {
		return nil
	}
	return emit(out)
}

func compareKeys(keys []sortKey, a, b []types.Value) int {
	for i, k := range keys {
		x, y := a[i], b[i]
		xn := !x.Valid || x.IsNaN()
		yn := !y.Valid || y.IsNaN()
		switch {
		case xn && yn:
			continue
		case xn:
			if k.nullsFirst {
				return -1
			}
			return 1
		case yn:
			if k.nullsFirst {
				return 1
			}
			return -1
		}
		var c int
		if x.T == types.String && y.T == types.String {
			c = strings.Compare(x.S, y.S)
		} else {
			c = funcs.Compare(x, y)
		}
		if c == 0 {
			continue
		}
		if k.desc {
			return -c
		}
		return c
	}
	return 0
}

// ---- distinct ----

type distinctNode struct {
	in   node
	cols []types.Column
	es   []*expr
}

func (d *distinctNode) schema() []types.Column { return d.cols }
func (d *distinctNode) run(rc *runCtx, emit func([]types.Row) error) error {
	seen := map[string]bool{}
	var kb strings.Builder
	return d.in.run(rc, func(rows []types.Row) error {
		var out []types.Row
		for _, r := range rows {
			kb.Reset()
			row := make(types.Row, len(d.es))
			for i, e := range d.es {
				row[i] = e.eval(r)
				kb.WriteString(funcs.KeyString(row[i]))
				kb.WriteByte(0)
			}
			if seen[kb.String()] {
				continue
			}
			seen[kb.String()] = true
			out = append(out, row)
		}
		if len(out) == 0 {
			return nil
		}
		return emit(out)
	})
}

func (c *compiler) distinct(in node, o *syntax.DistinctOp) node {
	s := c.scopeOf(in)
	d := &distinctNode{in: in}
	taken := map[string]bool{}
	for _, e := range o.Exprs {
		if _, star := e.(*syntax.StarExpr); star {
			for i, col := range s.cols {
				d.es = append(d.es, c.colRef(i, s, e))
				d.cols = append(d.cols, col)
				taken[col.Name] = true
			}
			continue
		}
		as := c.assignments([]syntax.Expr{e}, s)
		a := as[0]
		name := a.e.name
		if len(a.names) == 1 {
			name = a.names[0]
		}
		if name == "" {
			name = columnN(taken)
		}
		name = uniqueName(taken, name)
		taken[name] = true
		if a.e.t == types.Dynamic {
			c.errorf(e, "distinct cannot use a dynamic value; convert it first")
		}
		d.es = append(d.es, a.e)
		d.cols = append(d.cols, types.Column{Name: name, Type: a.e.t})
	}
	return d
}
