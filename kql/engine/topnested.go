package engine

import (
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// top-nested [N] of Expr by Agg [asc|desc], ...: level one groups the rows
// by its Expr, aggregates each group and keeps the top N groups; every
// further level does the same inside each kept group. One output row per
// leaf: each level's value and aggregate, in level order. An aggregate
// without a name is called aggregated_<Expr name>. Kusto rejects
// `with others = ...`, and so do we.

type topNestedLevel struct {
	n       int64 // -1: all
	of      *expr
	agg     aggSpec
	desc    bool
	ofType  types.Type
	aggType types.Type
}

type topNestedNode struct {
	in     node
	levels []topNestedLevel
	cols   []types.Column
}

func (t *topNestedNode) schema() []types.Column { return t.cols }

func (c *compiler) topNested(in node, o *syntax.TopNestedOp) node {
	s := c.scopeOf(in)
	t := &topNestedNode{in: in}
	taken := map[string]bool{}
	for _, cl := range o.Clauses {
		if cl.Others != nil {
			c.unsupported(cl.Others, "top-nested ... with others (the real engine rejects it too)")
		}
		lv := topNestedLevel{n: -1, desc: cl.Dir != "asc"}
		if cl.Count != nil {
			n := c.scalar(cl.Count, nil)
			if !n.isConst() || !n.t.IsInteger() {
				c.errorf(cl.Count, "top-nested needs a constant integer count")
			}
			lv.n = n.c.I
		}
		ofName, ofVal := "", cl.Of
		if ne, ok := cl.Of.(*syntax.NamedExpr); ok {
			ofName, ofVal = ne.Names[0].Name, ne.Value
		}
		lv.of = c.scalar(ofVal, s)
		if lv.of.t == types.Dynamic {
			c.errorf(ofVal, "top-nested cannot group by a dynamic value")
		}
		if ofName == "" {
			ofName = lv.of.name
			if ofName == "" {
				ofName = columnN(taken)
			}
		}
		aggName, aggVal := "", cl.By
		if ne, ok := cl.By.(*syntax.NamedExpr); ok {
			aggName, aggVal = ne.Names[0].Name, ne.Value
		}
		call, ok := aggVal.(*syntax.CallExpr)
		if !ok || !c.isAggregateCall(call) {
			c.unsupported(aggVal, "top-nested by a non-aggregate expression")
		}
		tmp := &summarizeNode{}
		c.addAggregate(tmp, s, call, cl.By, nil, map[string]bool{}, true)
		if len(tmp.aggs) != 1 || len(tmp.cols) != 1 {
			c.unsupported(call, call.Name()+"() in top-nested")
		}
		lv.agg = tmp.aggs[0]
		lv.ofType, lv.aggType = lv.of.t, tmp.cols[0].Type
		if aggName == "" {
			aggName = "aggregated_" + ofName
		}
		ofName = uniqueName(taken, ofName)
		taken[ofName] = true
		aggName = uniqueName(taken, aggName)
		taken[aggName] = true
		t.cols = append(t.cols, types.Column{Name: ofName, Type: lv.ofType}, types.Column{Name: aggName, Type: lv.aggType})
		t.levels = append(t.levels, lv)
	}
	return t
}

func (t *topNestedNode) run(rc *runCtx, emit func([]types.Row) error) error {
	rows, err := collect(rc, t.in)
	if err != nil {
		return err
	}
	var out []types.Row
	t.level(0, rows, nil, &out)
	if len(out) == 0 {
		return nil
	}
	return emit(out)
}

func (t *topNestedNode) level(i int, rows []types.Row, prefix types.Row, out *[]types.Row) {
	if i == len(t.levels) {
		*out = append(*out, append(types.Row(nil), prefix...))
		return
	}
	lv := t.levels[i]
	type grp struct {
		val   types.Value
		state funcs.AggState
		rows  []types.Row
		res   types.Value
	}
	groups := map[string]*grp{}
	var order []*grp
	for _, r := range rows {
		v := lv.of.eval(r)
		k := funcs.KeyString(v)
		g := groups[k]
		if g == nil {
			g = &grp{val: v, state: lv.agg.newState()}
			groups[k] = g
			order = append(order, g)
		}
		args := make([]types.Value, len(lv.agg.args))
		for j, e := range lv.agg.args {
			args[j] = e.eval(r)
		}
		g.state.Add(args)
		g.rows = append(g.rows, r)
	}
	for _, g := range order {
		g.res = g.state.Result()[0]
	}
	key := []sortKey{{desc: lv.desc, nullsFirst: !lv.desc}}
	sort.SliceStable(order, func(a, b int) bool {
		return compareKeys(key, []types.Value{order[a].res}, []types.Value{order[b].res}) < 0
	})
	if lv.n >= 0 && int64(len(order)) > lv.n {
		order = order[:lv.n]
	}
	for _, g := range order {
		t.level(i+1, g.rows, append(prefix, g.val, g.res), out)
	}
}

// top-hitters N of Expr [by Sum]: the N values of Expr with the largest
// row count (approximate_count_<name>) or sum (approximate_sum_<name>).
// Kusto estimates; we count exactly.
func (c *compiler) topHitters(in node, o *syntax.TopHittersOp) node {
	s := c.scopeOf(in)
	n := c.scalar(o.Count, nil)
	if !n.isConst() || !n.t.IsInteger() {
		c.errorf(o.Count, "top-hitters needs a constant integer count")
	}
	of := c.scalar(o.Of, s)
	if of.t == types.Dynamic {
		c.errorf(o.Of, "top-hitters cannot group by a dynamic value")
	}
	ofName := of.name
	if ofName == "" {
		ofName = "Column1"
	}
	call := &syntax.CallExpr{Span: o.Span, Fun: &syntax.Ident{Span: o.Span, Name: "count"}}
	aggName := "approximate_count_" + ofName
	if o.By != nil {
		call = &syntax.CallExpr{Span: o.Span, Fun: &syntax.Ident{Span: o.Span, Name: "sum"}, Args: []syntax.Expr{o.By}}
		by := c.scalar(o.By, s)
		aggName = "approximate_sum_" + by.name
	}
	tmp := &summarizeNode{}
	c.addAggregate(tmp, s, call, call, nil, map[string]bool{}, true)
	lv := topNestedLevel{n: n.c.I, of: of, agg: tmp.aggs[0], desc: true, ofType: of.t, aggType: tmp.cols[0].Type}
	cols := []types.Column{{Name: ofName, Type: of.t}, {Name: aggName, Type: lv.aggType}}
	return &topNestedNode{in: in, levels: []topNestedLevel{lv}, cols: cols}
}

// sample-distinct N of Expr: N distinct values of Expr (Kusto picks them
// at random; we take the first seen).
func (c *compiler) sampleDistinct(in node, o *syntax.SampleDistinctOp) node {
	s := c.scopeOf(in)
	n := c.scalar(o.Count, nil)
	if !n.isConst() || !n.t.IsInteger() {
		c.errorf(o.Count, "sample-distinct needs a constant integer count")
	}
	of := c.scalar(o.Of, s)
	name := of.name
	if name == "" {
		name = "Column1"
	}
	d := &distinctNode{in: in, es: []*expr{of}, cols: []types.Column{{Name: name, Type: of.t}}}
	return &takeNode{in: d, n: n.c.I}
}
