package engine

import (
	"sync/atomic"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/textmatch"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// listSet is the right-hand side of in/has_any: constant values, values
// computed per row, and values of tabular subqueries (first column) that are
// filled once before the query runs.
type listSet struct {
	consts  []types.Value
	dyn     []*expr // per-row elements (flattened when dynamic arrays)
	tabVals *[]types.Value
	// fast lookup for constant string membership: exact for in, fold
	// (keys of textmatch.AppendFoldKey) for in~
	exact map[string]bool
	fold  map[string]bool
}

func (c *compiler) inExpr(x *syntax.InExpr, s *rowScope) *expr {
	v := c.scalar(x.X, s)
	ls := &listSet{}
	var subs []node
	for _, el := range x.List {
		if c.isTabular(el) {
			subs = append(subs, c.tabular(el))
			continue
		}
		e := c.scalar(el, s)
		if e.isConst() {
			ls.consts = append(ls.consts, flatten(*e.c)...)
		} else {
			ls.dyn = append(ls.dyn, e)
		}
	}
	if len(subs) > 0 {
		vals := new([]types.Value)
		ls.tabVals = vals
		for _, sub := range subs {
			sub := sub
			if len(sub.schema()) == 0 {
				c.errorf(x, "the subquery has no columns")
			}
			c.prepare(func(rc *runCtx) error {
				return sub.run(rc, func(rows []types.Row) error {
					for _, r := range rows {
						*vals = append(*vals, flatten(r[0])...)
					}
					return nil
				})
			})
		}
	}
	c.registerInList(x, ls)
	op := x.Op
	switch op {
	case "has_any", "has_all":
		c.needString(x.X, v, op)
	case "in", "!in", "in~", "!in~":
		if (op == "in~" || op == "!in~") && v.t != types.String && v.t != types.Dynamic {
			c.errorf(x.X, "'%s' needs a string operand, not %s", op, v.t)
		}
	default:
		c.unsupported(x, "list operator "+op)
	}
	for _, k := range ls.consts {
		if k.Valid && !comparableTypes(v.t, k.T) && op != "has_any" && op != "has_all" {
			c.errorf(x, "'%s': the list holds %s values, which cannot equal a %s", op, k.T, v.t)
		}
	}
	// constant-string fast paths
	allStr := len(ls.dyn) == 0 && ls.tabVals == nil
	for _, k := range ls.consts {
		if k.T != types.String {
			allStr = false
		}
	}
	if allStr && v.t == types.String {
		ls.exact = map[string]bool{}
		ls.fold = map[string]bool{}
		for _, k := range ls.consts {
			ls.exact[k.S] = true
			if k.Valid {
				ls.fold[string(textmatch.AppendFoldKey(nil, k.S))] = true
			}
		}
	}
	ve := v.eval
	var out *expr
	switch op {
	case "in", "!in":
		neg := op == "!in"
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			a := ve(row)
			if ls.exact != nil {
				return types.NewBool(ls.exact[a.S] != neg)
			}
			found := false
			ls.each(row, func(k types.Value) bool {
				r := compareValues("==", a, k)
				if r.Valid && r.I != 0 {
					found = true
					return false
				}
				return true
			})
			return types.NewBool(found != neg)
		}}
	case "in~", "!in~":
		neg := op == "!in~"
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			a := strOf(ve(row))
			if ls.fold != nil {
				var buf [64]byte
				return types.NewBool(ls.fold[string(textmatch.AppendFoldKey(buf[:0], a))] != neg)
			}
			found := false
			ls.each(row, func(k types.Value) bool {
				if k.Valid && textmatch.EqualFold(a, strOf(k)) {
					found = true
					return false
				}
				return true
			})
			return types.NewBool(found != neg)
		}}
	case "has_any":
		cache := new(atomic.Pointer[anyTermsCache])
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			return types.NewBool(ls.hasAny(row, strOf(ve(row)), cache))
		}}
	case "has_all":
		out = &expr{t: types.Bool, col: -1, node: x, eval: func(row types.Row) types.Value {
			h := strOf(ve(row))
			all := true
			ls.each(row, func(k types.Value) bool {
				if !textmatch.HasTerm(h, strOf(k), textmatch.Has, false) {
					all = false
					return false
				}
				return true
			})
			return types.NewBool(all)
		}}
	}
	if len(subs) == 0 && len(ls.dyn) == 0 {
		return fold(out, v)
	}
	return out
}

func (ls *listSet) each(row types.Row, f func(types.Value) bool) {
	for _, k := range ls.consts {
		if !f(k) {
			return
		}
	}
	for _, e := range ls.dyn {
		for _, k := range flatten(e.eval(row)) {
			if !f(k) {
				return
			}
		}
	}
	if ls.tabVals != nil {
		for _, k := range *ls.tabVals {
			if !f(k) {
				return
			}
		}
	}
}

// flatten expands a dynamic array into its elements (as scalar values);
// other values stand for themselves.
func flatten(v types.Value) []types.Value {
	if v.T != types.Dynamic || !v.Valid {
		return []types.Value{v}
	}
	arr, ok := v.D.([]any)
	if !ok {
		return []types.Value{dynToScalar(v.D)}
	}
	out := make([]types.Value, 0, len(arr))
	for _, e := range arr {
		out = append(out, dynToScalar(e))
	}
	return out
}

// dynToScalar converts a dynamic payload to the closest scalar value.
func dynToScalar(d any) types.Value {
	switch x := d.(type) {
	case nil:
		return types.Null(types.Dynamic)
	case bool:
		return types.NewBool(x)
	case int64:
		return types.NewLong(x)
	case float64:
		return types.NewReal(x)
	case string:
		return types.NewString(x)
	case types.DynDateTime:
		return types.NewDateTime(int64(x))
	case types.DynTimeSpan:
		return types.NewTimeSpan(int64(x))
	case types.DynGuid:
		return types.NewGuid(string(x))
	}
	return types.NewDynamic(d)
}

var _ = funcs.Compare
