package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Window functions (row_number, prev, next, row_cumsum, row_rank_dense,
// row_rank_min) see the whole serialized row set. An operator whose
// expressions call them reads its input through a windowSource, which
// materializes the rows, computes every window call's column in a
// serialized pass (inner calls first: calls register in compile order, and
// a call's arguments are compiled before the call), then hands the rows to
// the operator one at a time with the current index set.

type windowCtx struct {
	rows  []types.Row
	i     int
	calls []*windowCall
}

type windowCall struct {
	vals    []types.Value
	compute func(wc *windowCtx) []types.Value
}

// argColumn evaluates e over every row of the window.
func (wc *windowCtx) argColumn(e *expr) []types.Value {
	out := make([]types.Value, len(wc.rows))
	for j, r := range wc.rows {
		wc.i = j
		out[j] = e.eval(r)
	}
	return out
}

type windowSource struct {
	in node
	wc *windowCtx
}

func (w *windowSource) schema() []types.Column { return w.in.schema() }
func (w *windowSource) run(rc *runCtx, emit func([]types.Row) error) error {
	rows, err := collect(rc, w.in)
	if err != nil {
		return err
	}
	wc := w.wc
	wc.rows = rows
	for _, c := range wc.calls {
		c.vals = c.compute(wc)
	}
	for i, r := range rows {
		wc.i = i
		if err := emit([]types.Row{r}); err != nil {
			return err
		}
	}
	wc.rows = nil
	return nil
}

// isWindowFunc reports whether name is a window function.
func isWindowFunc(name string) bool {
	switch name {
	case "row_number", "prev", "next", "row_cumsum", "row_rank_dense", "row_rank_min", "row_window_session":
		return true
	}
	return false
}

// serializedNode reports whether a node's output is serialized (ordered):
// sort, top, serialize and range produce serialized rows, and operators
// that keep their input's order keep it.
func (c *compiler) serializedNode(n node) bool {
	return c.serialized[n]
}

func (c *compiler) markSerialized(n node, yes bool) node {
	if yes {
		if c.serialized == nil {
			c.serialized = map[node]bool{}
		}
		c.serialized[n] = true
	}
	return n
}

// windowed compiles an operator whose expressions may call window
// functions: build compiles it over the given input node.
func (c *compiler) windowed(in node, build func(in node) node) node {
	saved := c.window
	defer func() { c.window = saved }()
	if !c.serializedNode(in) {
		// window functions are not allowed here; compile over the input
		// itself (keeps scan pushdown and table scopes intact)
		c.window = nil
		return build(in)
	}
	wc := &windowCtx{}
	c.window = wc
	src := &windowSource{in: in, wc: wc}
	out := build(src)
	if len(wc.calls) == 0 {
		// no window calls: bypass the source
		replaceInput(out, src, in)
	}
	return out
}

func replaceInput(n node, old, repl node) {
	switch x := n.(type) {
	case *mapNode:
		if x.in == old {
			x.in = repl
		}
	case *filterNode:
		if x.in == old {
			x.in = repl
		}
	}
}

// windowCallExpr compiles a window function call.
func (c *compiler) windowCallExpr(x *syntax.CallExpr, s *rowScope) *expr {
	name := x.Name()
	wc := c.window
	if wc == nil {
		c.errAt(x.Fun, "add `| serialize` (or sort) before it", "the window function %s() needs serialized input", name)
	}
	args := make([]*expr, len(x.Args))
	for i, a := range x.Args {
		args[i] = c.scalar(a, s)
	}
	nargs := func(min, max int) {
		if len(args) < min || len(args) > max {
			c.errorf(x, "%s() takes %s arguments, got %d", name, argRange(min, max), len(args))
		}
	}
	restartArg := func(i int) *expr {
		if i >= len(args) {
			return nil
		}
		if args[i].t != types.Bool {
			c.errorf(x.Args[i], "%s(): the restart argument must be bool, not %s", name, args[i].t)
		}
		return args[i]
	}
	restarts := func(wc *windowCtx, e *expr) []bool {
		out := make([]bool, len(wc.rows))
		if e == nil {
			return out
		}
		for j, v := range wc.argColumn(e) {
			out[j] = v.Valid && v.I != 0
		}
		return out
	}
	call := &windowCall{}
	var t types.Type
	switch name {
	case "row_number":
		nargs(0, 2)
		start := int64(1)
		if len(args) > 0 {
			if !args[0].isConst() || !args[0].t.IsInteger() {
				c.errorf(x.Args[0], "row_number(): the start must be a constant integer")
			}
			start = args[0].c.I
		}
		re := restartArg(1)
		t = types.Long
		call.compute = func(wc *windowCtx) []types.Value {
			rs := restarts(wc, re)
			out := make([]types.Value, len(wc.rows))
			n := start
			for j := range out {
				if j > 0 {
					n++
				}
				if rs[j] {
					n = start
				}
				out[j] = types.NewLong(n)
			}
			return out
		}
	case "prev", "next":
		nargs(1, 3)
		off := int64(1)
		if len(args) > 1 {
			if !args[1].isConst() || !args[1].t.IsInteger() || args[1].c.I < 1 {
				c.errorf(x.Args[1], "%s(): the offset must be a positive constant integer", name)
			}
			off = args[1].c.I
		}
		t = args[0].t
		def := types.Null(t)
		if len(args) > 2 {
			d := args[2]
			if !d.isConst() {
				c.errorf(x.Args[2], "%s(): the default must be a constant", name)
			}
			switch {
			case !d.c.Valid:
			case d.t == t:
				def = *d.c
			case d.t.IsNumeric() && t.IsNumeric():
				def = convertNumeric(*d.c, t)
			default:
				c.errorf(x.Args[2], "%s(): the default (%s) must have the type of the value (%s)", name, d.t, t)
			}
		}
		if name == "next" {
			off = -off
		}
		v := args[0]
		call.compute = func(wc *windowCtx) []types.Value {
			col := wc.argColumn(v)
			out := make([]types.Value, len(col))
			for j := range out {
				k := int64(j) - off
				if k < 0 || k >= int64(len(col)) {
					out[j] = def
				} else {
					out[j] = col[k]
				}
			}
			return out
		}
	case "row_cumsum":
		nargs(1, 2)
		v := args[0]
		if !v.t.IsNumeric() && v.t != types.TimeSpan {
			c.errorf(x.Args[0], "row_cumsum(): the value must be numeric or timespan, not %s", v.t)
		}
		t = v.t
		if t == types.Int {
			t = types.Long
		}
		re := restartArg(1)
		call.compute = func(wc *windowCtx) []types.Value {
			col := wc.argColumn(v)
			rs := restarts(wc, re)
			out := make([]types.Value, len(col))
			acc := types.Value{T: t, Valid: true}
			for j, val := range col {
				if rs[j] {
					acc = types.Value{T: t, Valid: true}
				}
				if val.Valid {
					acc = arithValues("+", t, acc, val)
				}
				out[j] = acc
			}
			return out
		}
	case "row_rank_dense", "row_rank_min":
		nargs(1, 2)
		v := args[0]
		if v.t == types.Dynamic {
			c.errorf(x.Args[0], "%s(): the value cannot be dynamic", name)
		}
		re := restartArg(1)
		dense := name == "row_rank_dense"
		t = types.Long
		call.compute = func(wc *windowCtx) []types.Value {
			col := wc.argColumn(v)
			rs := restarts(wc, re)
			out := make([]types.Value, len(col))
			var rank, pos int64
			for j, val := range col {
				pos++
				if j == 0 || rs[j] {
					rank, pos = 1, 1
				} else if funcs.KeyString(val) != funcs.KeyString(col[j-1]) {
					if dense {
						rank++
					} else {
						rank = pos
					}
				}
				out[j] = types.NewLong(rank)
			}
			return out
		}
	default:
		c.unsupported(x, "window function "+name+"()")
	}
	wc.calls = append(wc.calls, call)
	return &expr{t: t, col: -1, node: x, eval: func(types.Row) types.Value { return call.vals[wc.i] }}
}
