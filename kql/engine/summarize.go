package engine

import (
	"fmt"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

type aggSpec struct {
	agg      *funcs.Aggregate
	args     []*expr
	newState func() funcs.AggState
	nOut     int
}

type summarizeNode struct {
	// hiddenNames are the default names of hidden aggregate columns (by
	// column index), for naming expressions over them
	hiddenNames map[int]string
	in          node
	keys        []*expr
	aggs        []aggSpec
	cols        []types.Column
}

func (s *summarizeNode) schema() []types.Column { return s.cols }

// run aggregates in the source's workers when it can (partial.go), else
// over the input's rows in order.
func (s *summarizeNode) run(rc *runCtx, emit func([]types.Row) error) error {
	if p := s.partialPlan(rc.opts); p != nil {
		return s.runPartial(rc, p, emit)
	}
	k := s.newSink(nil, nil)
	if err := s.in.run(rc, k.addRows); err != nil {
		return err
	}
	return s.emitGroups(k.order, emit)
}

func (c *compiler) summarize(in node, o *syntax.SummarizeOp) node {
	if c.aggCtx != nil {
		c.errorf(o, "summarize inside an aggregate expression")
	}
	s := c.scopeOf(in)
	n := &summarizeNode{in: in}
	taken := map[string]bool{}
	// by keys first
	for _, b := range o.By {
		name := ""
		val := b
		if ne, ok := b.(*syntax.NamedExpr); ok {
			name = ne.Names[0].Name
			val = ne.Value
		}
		e := c.scalar(val, s)
		if e.t == types.Dynamic {
			c.errorf(b, "summarize cannot group by a dynamic value; convert it with tostring() first")
		}
		if name == "" {
			name = e.name
			if name == "" {
				name = columnN(taken)
			}
			name = uniqueName(taken, name)
		} else if taken[name] {
			c.errorf(b, "the column %s is declared twice", name)
		}
		taken[name] = true
		n.keys = append(n.keys, e)
		n.cols = append(n.cols, types.Column{Name: name, Type: e.t})
	}
	type outCol struct {
		idx int   // column of the summarize output, or -1
		e   *expr // computed over the summarize output row
	}
	var outs []outCol
	for i := range n.cols {
		outs = append(outs, outCol{idx: i})
	}
	computed := false
	nkeys := len(n.keys)
	for _, a := range o.Aggs {
		var names []string
		val := a
		if ne, ok := a.(*syntax.NamedExpr); ok {
			for _, id := range ne.Names {
				names = append(names, id.Name)
			}
			val = ne.Value
		}
		if call, ok := val.(*syntax.CallExpr); ok && c.isAggregateCall(call) {
			first := len(n.cols)
			c.addAggregate(n, s, call, a, names, taken, false)
			for i := first; i < len(n.cols); i++ {
				outs = append(outs, outCol{idx: i})
			}
			continue
		}
		// an expression over aggregates: each aggregate call becomes a
		// hidden column of the summarize; the expression is computed from
		// the by keys and those columns
		if len(names) > 1 {
			c.errorf(a, "an expression over aggregates produces one column")
		}
		saved := c.aggCtx
		nAggs := len(n.aggs)
		c.aggCtx = &aggContext{in: s, add: func(call *syntax.CallExpr) *expr {
			i := len(n.cols)
			c.addAggregate(n, s, call, call, nil, taken, true)
			if len(n.cols) != i+1 {
				c.errorf(call, "%s() produces several columns; it cannot be used inside an expression", call.Name())
			}
			t := n.cols[i].Type
			// the aggregate's default name, so tostring(make_set(x)) is
			// named set_x like in Kusto
			name := n.hiddenNames[i]
			return &expr{t: t, col: -1, node: call, name: name, eval: func(r types.Row) types.Value { return r[i] }}
		}}
		e := c.scalar(val, newScope(n.cols[:nkeys]))
		c.aggCtx = saved
		if len(n.aggs) == nAggs {
			c.errorf(val, "summarize needs an aggregate function here (count(), sum(), ...)")
		}
		name := ""
		if len(names) == 1 {
			name = names[0]
		} else if name = e.name; name == "" {
			name = columnN(taken)
		}
		name = uniqueName(taken, name)
		taken[name] = true
		computed = true
		outs = append(outs, outCol{idx: -1, e: &expr{t: e.t, eval: e.eval, col: -1, name: name}})
	}
	if !computed {
		return n
	}
	cols := make([]types.Column, len(outs))
	for i, oc := range outs {
		if oc.idx >= 0 {
			cols[i] = n.cols[oc.idx]
		} else {
			cols[i] = types.Column{Name: oc.e.name, Type: oc.e.t}
		}
	}
	return &mapNode{in: n, cols: cols, fn: func(r types.Row) types.Row {
		out := make(types.Row, len(outs))
		for i, oc := range outs {
			if oc.idx >= 0 {
				out[i] = r[oc.idx]
			} else {
				out[i] = oc.e.eval(r)
			}
		}
		return out
	}}
}

// aggContext lets aggregate calls appear inside a summarize expression.
type aggContext struct {
	in  *rowScope
	add func(call *syntax.CallExpr) *expr
}

// isAggregateCall reports whether call names an aggregate function (and not
// a user function of the same name).
func (c *compiler) isAggregateCall(call *syntax.CallExpr) bool {
	name := call.Name()
	if b := c.env.lookup(name); b != nil && b.kind == bindFunc {
		return false
	}
	_, ok := funcs.LookupAggregate(name)
	return ok
}

// addAggregate compiles one aggregate call of a summarize and appends its
// result columns (hidden ones get names no query can write).
func (c *compiler) addAggregate(n *summarizeNode, s *rowScope, call *syntax.CallExpr, a syntax.Expr, names []string, taken map[string]bool, hidden bool) {
	saved := c.aggCtx
	c.aggCtx = nil // no aggregates inside aggregate arguments
	defer func() { c.aggCtx = saved }()
	fname := call.Name()
	agg, _ := funcs.LookupAggregate(fname)
	if len(call.Args) < agg.MinArgs || len(call.Args) > agg.MaxArgs {
		c.errorf(call, "%s() takes %s arguments, got %d", fname, argRange(agg.MinArgs, agg.MaxArgs), len(call.Args))
	}
	var args []*expr
	var fargs []funcs.Arg
	for i, ae := range call.Args {
		if _, isStar := ae.(*syntax.StarExpr); isStar && (fname == "arg_max" || fname == "arg_min" || fname == "take_any" || fname == "argmax" || fname == "argmin" || fname == "any") {
			// every input column except the by keys (and the first arg)
			for j := range s.cols {
				if isKeyCol(n.keys, j) || (i > 0 && len(args) > 0 && args[0].col == j) {
					continue
				}
				e := c.colRef(j, s, ae)
				args = append(args, e)
				fargs = append(fargs, funcs.Arg{Type: e.t})
			}
			continue
		}
		e := c.scalar(ae, s)
		args = append(args, e)
		fargs = append(fargs, funcs.Arg{Type: e.t, Const: e.c})
	}
	rts, newState, err := agg.Compile(fargs)
	if err != nil {
		c.errorf(call, "%s(): %s", fname, trimFuncPrefix(fname, err.Error()))
	}
	outNames := aggNames(agg, fname, args, call, len(rts))
	if len(names) > 0 {
		if len(names) > len(rts) {
			c.errorf(a, "%s() produces %d columns but %d names were given", fname, len(rts), len(names))
		}
		copy(outNames, names)
	}
	for i, t := range rts {
		nm := outNames[i]
		if hidden {
			if n.hiddenNames == nil {
				n.hiddenNames = map[int]string{}
			}
			n.hiddenNames[len(n.cols)] = nm
			nm = fmt.Sprintf("\x00agg%d", len(n.cols))
		} else {
			if nm == "" {
				nm = columnN(taken)
			}
			nm = uniqueName(taken, nm)
			taken[nm] = true
		}
		n.cols = append(n.cols, types.Column{Name: nm, Type: t})
	}
	n.aggs = append(n.aggs, aggSpec{agg: agg, args: args, newState: newState, nOut: len(rts)})
}

func isKeyCol(keys []*expr, j int) bool {
	for _, k := range keys {
		if k.col == j {
			return true
		}
	}
	return false
}

// aggNames returns the default result names of an aggregate call.
func aggNames(agg *funcs.Aggregate, fname string, args []*expr, call *syntax.CallExpr, n int) []string {
	out := make([]string, n)
	argName := func(i int) string {
		if i < len(args) {
			return args[i].name
		}
		return ""
	}
	switch fname {
	case "arg_max", "arg_min", "argmax", "argmin", "take_any":
		for i := range out {
			out[i] = argName(i)
		}
		return out
	case "any":
		// the deprecated any() names its results any_<arg> (take_any does not)
		for i := range out {
			if n := argName(i); n != "" {
				out[i] = "any_" + n
			}
		}
		return out
	case "percentile", "percentiles":
		for i := range out {
			p := ""
			if i+1 < len(call.Args) {
				if l, ok := call.Args[i+1].(*syntax.Literal); ok {
					p = strings.ReplaceAll(l.Raw, ".", "_")
				}
			}
			out[i] = "percentile_" + argName(0) + "_" + p
		}
		return out
	case "count":
		// count() is count_; count(x) is count_x (a Microsoft query sorts
		// by count_RemoteUrl after summarize count(RemoteUrl))
		out[0] = "count_" + argName(0)
		return out
	}
	if agg.Prefix == "" {
		return out
	}
	out[0] = agg.Prefix + "_" + argName(0)
	return out
}
