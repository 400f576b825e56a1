package engine

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// addFilterIdents makes the columns named by event filters part of every
// scan layout.
func (c *compiler) addFilterIdents() {
	for _, f := range c.opts.EventFilters {
		e, errs := syntax.ParseExpr(f)
		if len(errs) > 0 {
			continue // reported when the filter is compiled
		}
		inspect(e, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok {
				c.usedIdents[id.Name] = true
			}
			return true
		})
	}
}

// eventFilter compiles an event filter in a scan's scope.
func (c *compiler) eventFilter(text string, s *scanNode) *expr {
	e, errs := syntax.ParseExpr(text)
	if len(errs) > 0 {
		c.errorf(nil, "event filter for %s does not parse: %v", s.table.Name, errs)
	}
	sc := newScope(s.cols)
	sc.table = s.table
	sub := &compiler{src: text, opts: c.opts, env: &env{vars: map[string]*binding{}}, usedIdents: c.usedIdents}
	x := sub.scalar(e, sc)
	if x.t != types.Bool {
		c.errorf(nil, "event filter for %s must be bool, not %s", s.table.Name, x.t)
	}
	return x
}

// eventStage cuts the final pipeline before its first aggregating operator.
func eventStage(e syntax.Expr) syntax.Expr {
	var chain []*syntax.PipeExpr
	cur := e
	for {
		p, ok := cur.(*syntax.PipeExpr)
		if !ok {
			break
		}
		chain = append(chain, p)
		cur = p.X
	}
	// chain[0] is the outermost operator; walk from the source outwards
	for i := len(chain) - 1; i >= 0; i-- {
		switch chain[i].Op.(type) {
		case *syntax.SummarizeOp, *syntax.CountOp, *syntax.DistinctOp, *syntax.TopNestedOp, *syntax.MakeSeriesOp, *syntax.TopHittersOp:
			return chain[i].X
		}
	}
	return e
}

// Predicate is a compiled boolean expression over rows of a given schema.
type Predicate func(types.Row) (bool, error)

// CompilePredicate compiles a KQL boolean expression over columns (for
// example an exclusion's filter applied to result rows). Null counts as
// false.
func CompilePredicate(text string, cols []types.Column, opts Options) (pred Predicate, err error) {
	e, errs := syntax.ParseExpr(text)
	if len(errs) > 0 {
		return nil, errs
	}
	c := newCompiler(text, opts)
	defer func() {
		if r := recover(); r != nil {
			be, ok := r.(bindError)
			if !ok {
				panic(r)
			}
			err = syntax.ErrorList{be.err}
		}
	}()
	x := c.scalar(e, newScope(cols))
	if x.t != types.Bool {
		return nil, fmt.Errorf("the expression must be bool, not %s", x.t)
	}
	return func(r types.Row) (bool, error) {
		v := x.eval(r)
		return v.Valid && v.I != 0, nil
	}, nil
}
