package engine

import (
	"math"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// make-series Agg [default = D], ... on Axis [from A] [to B] step S [by ...]:
// one row per by-group; each aggregate becomes a dynamic array with one
// element per bin [A, A+S, ...) below B (B exclusive), bins without rows
// holding the default (0 unless given, converted to the aggregate's type),
// and the axis column becomes the array of bin starts. Without from/to the
// range is bin(min(Axis), S) to just past max(Axis). Output columns: the by
// columns, the aggregates, then the axis.

type seriesAgg struct {
	args     []*expr
	newState func() funcs.AggState
	def      types.Value
	t        types.Type
}

type makeSeriesNode struct {
	in       node
	keys     []*expr
	aggs     []seriesAgg
	axis     *expr
	from, to *expr // nil: from the data
	step     *expr
	cols     []types.Column
}

func (m *makeSeriesNode) schema() []types.Column { return m.cols }

func (c *compiler) makeSeries(in node, o *syntax.MakeSeriesOp) node {
	if k, ok := optionValue(o.Options, "kind"); ok {
		c.unsupported(o, "make-series kind="+k)
	}
	if o.InRange {
		c.unsupported(o, "make-series ... in range(...) (write from ... to ... step ...)")
	}
	s := c.scopeOf(in)
	m := &makeSeriesNode{in: in}
	taken := map[string]bool{}
	for _, b := range o.By {
		name, val := "", b
		if ne, ok := b.(*syntax.NamedExpr); ok {
			name, val = ne.Names[0].Name, ne.Value
		}
		e := c.scalar(val, s)
		if e.t == types.Dynamic {
			c.errorf(b, "make-series cannot group by a dynamic value")
		}
		if name == "" {
			name = e.name
			if name == "" {
				name = columnN(taken)
			}
		}
		name = uniqueName(taken, name)
		taken[name] = true
		m.keys = append(m.keys, e)
		m.cols = append(m.cols, types.Column{Name: name, Type: e.t})
	}
	m.axis = c.scalar(o.On, s)
	at := m.axis.t
	if !(at.IsNumeric() || at == types.DateTime || at == types.TimeSpan) {
		c.errorf(o.On, "make-series: the axis must be numeric, datetime or timespan, not %s", at)
	}
	if o.Step == nil {
		c.errorf(o, "make-series needs a step")
	}
	m.step = c.scalar(o.Step, nil)
	wantStep := at
	if at == types.DateTime {
		wantStep = types.TimeSpan
	}
	if !(m.step.t == wantStep || m.step.t.IsNumeric() && wantStep.IsNumeric()) {
		c.errorf(o.Step, "make-series: the step must be %s, not %s", wantStep, m.step.t)
	}
	if o.From != nil {
		m.from = c.scalar(o.From, nil)
		if !comparableTypes(m.from.t, at) {
			c.errorf(o.From, "make-series: from must be %s, not %s", at, m.from.t)
		}
	}
	if o.To != nil {
		m.to = c.scalar(o.To, nil)
		if !comparableTypes(m.to.t, at) {
			c.errorf(o.To, "make-series: to must be %s, not %s", at, m.to.t)
		}
	}
	for _, a := range o.Aggs {
		name, val := "", a.X
		if ne, ok := val.(*syntax.NamedExpr); ok {
			name, val = ne.Names[0].Name, ne.Value
		}
		call, ok := val.(*syntax.CallExpr)
		if !ok {
			c.unsupported(val, "expressions over aggregates in make-series")
		}
		fname := call.Name()
		agg, ok := funcs.LookupAggregate(fname)
		if !ok {
			c.errAt(call.Fun, "", "not supported: aggregate function %s() in make-series", fname)
		}
		if len(call.Args) < agg.MinArgs || len(call.Args) > agg.MaxArgs {
			c.errorf(call, "%s() takes %s arguments, got %d", fname, argRange(agg.MinArgs, agg.MaxArgs), len(call.Args))
		}
		var args []*expr
		var fargs []funcs.Arg
		for _, ae := range call.Args {
			e := c.scalar(ae, s)
			args = append(args, e)
			fargs = append(fargs, funcs.Arg{Type: e.t, Const: e.c})
		}
		rts, newState, err := agg.Compile(fargs)
		if err != nil {
			c.errorf(call, "%s(): %s", fname, trimFuncPrefix(fname, err.Error()))
		}
		if len(rts) != 1 {
			c.unsupported(call, fname+"() in make-series")
		}
		t := rts[0]
		def := types.Null(t)
		if a.Default != nil {
			d := c.scalar(a.Default, nil)
			if !d.isConst() {
				c.errorf(a.Default, "make-series: the default must be a constant")
			}
			switch {
			case !d.c.Valid:
			case d.t == t:
				def = *d.c
			case d.t.IsNumeric() && t.IsNumeric():
				def = convertNumeric(*d.c, t)
			default:
				c.errorf(a.Default, "make-series: the default (%s) does not match %s() (%s)", d.t, fname, t)
			}
		} else if t.IsNumeric() {
			def = convertNumeric(types.NewLong(0), t)
		}
		if name == "" {
			if n := aggNames(agg, fname, args, call, 1); n[0] != "" {
				name = n[0]
			} else {
				name = columnN(taken)
			}
		}
		name = uniqueName(taken, name)
		taken[name] = true
		m.aggs = append(m.aggs, seriesAgg{args: args, newState: newState, def: def, t: t})
		m.cols = append(m.cols, types.Column{Name: name, Type: types.Dynamic})
	}
	axisName := m.axis.name
	if axisName == "" {
		axisName = columnN(taken)
	}
	m.cols = append(m.cols, types.Column{Name: uniqueName(taken, axisName), Type: types.Dynamic})
	return m
}

// axisNum maps an axis value to a float (reals) or tick/integer count.
func axisNum(v types.Value) float64 {
	if v.T == types.Real || v.T == types.Decimal {
		return v.F
	}
	return float64(v.I)
}

func (m *makeSeriesNode) run(rc *runCtx, emit func([]types.Row) error) error {
	type sgroup struct {
		key  types.Row
		bins map[int64][]funcs.AggState
	}
	rows, err := collect(rc, m.in)
	if err != nil {
		return err
	}
	at := m.axis.t
	isReal := at == types.Real || at == types.Decimal
	stepV := m.step.eval(nil)
	if !stepV.Valid {
		return nil
	}
	step := axisNum(stepV)
	if step <= 0 || math.IsNaN(step) {
		return runtimeErr("make-series: the step must be positive")
	}
	axes := make([]types.Value, len(rows))
	var lo, hi float64
	have := false
	for i, r := range rows {
		v := m.axis.eval(r)
		axes[i] = v
		if !v.Valid || v.IsNaN() {
			continue
		}
		x := axisNum(v)
		if !have || x < lo {
			lo = x
		}
		if !have || x > hi {
			hi = x
		}
		have = true
	}
	var start, end float64
	if m.from != nil {
		f := m.from.eval(nil)
		if !f.Valid {
			return nil
		}
		start = axisNum(f)
	} else {
		if !have {
			return nil
		}
		start = math.Floor(lo/step) * step
	}
	if m.to != nil {
		t := m.to.eval(nil)
		if !t.Valid {
			return nil
		}
		end = axisNum(t)
	} else {
		if !have {
			return nil
		}
		end = hi + step
		if !isReal {
			end = start + (math.Floor((hi-start)/step)+1)*step
		}
	}
	nbins := int64(math.Ceil((end - start) / step))
	if nbins <= 0 {
		return nil
	}
	if nbins > 1_000_000 {
		return runtimeErr("make-series would produce %d bins", nbins)
	}
	groups := map[string]*sgroup{}
	var order []*sgroup
	var kb strings.Builder
	for i, r := range rows {
		kb.Reset()
		key := make(types.Row, len(m.keys))
		for j, k := range m.keys {
			key[j] = k.eval(r)
			kb.WriteString(funcs.KeyString(key[j]))
			kb.WriteByte(0)
		}
		g := groups[kb.String()]
		if g == nil {
			g = &sgroup{key: key, bins: map[int64][]funcs.AggState{}}
			groups[kb.String()] = g
			order = append(order, g)
		}
		v := axes[i]
		if !v.Valid || v.IsNaN() {
			continue
		}
		x := axisNum(v)
		if x < start || x >= end {
			continue
		}
		b := int64(math.Floor((x - start) / step))
		if b < 0 || b >= nbins {
			continue
		}
		states := g.bins[b]
		if states == nil {
			states = make([]funcs.AggState, len(m.aggs))
			for j, a := range m.aggs {
				states[j] = a.newState()
			}
			g.bins[b] = states
		}
		for j, a := range m.aggs {
			args := make([]types.Value, len(a.args))
			for k, e := range a.args {
				args[k] = e.eval(r)
			}
			states[j].Add(args)
		}
	}
	axisArr := make([]any, nbins)
	for b := int64(0); b < nbins; b++ {
		x := start + float64(b)*step
		var v types.Value
		if isReal {
			v = types.NewReal(x)
		} else {
			v = types.Value{T: at, Valid: true, I: int64(x)}
			if at == types.Int {
				v.T = types.Long
			}
		}
		axisArr[b] = types.ToDynamic(v)
	}
	var out []types.Row
	for _, g := range order {
		row := append(types.Row(nil), g.key...)
		for j, a := range m.aggs {
			arr := make([]any, nbins)
			for b := int64(0); b < nbins; b++ {
				v := a.def
				if st := g.bins[b]; st != nil {
					v = st[j].Result()[0]
				}
				arr[b] = types.ToDynamic(v)
			}
			row = append(row, types.NewDynamic(arr))
		}
		row = append(row, types.NewDynamic(append([]any(nil), axisArr...)))
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil
	}
	return emit(out)
}
