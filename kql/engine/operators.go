package engine

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// operator compiles one pipe operator applied to in.
// operator compiles one pipe operator applied to in, and records whether
// its output is serialized.
func (c *compiler) operator(in node, op syntax.Operator, inExpr syntax.Expr) node {
	out := c.operator1(in, op, inExpr)
	switch op.(type) {
	case *syntax.SortOp, *syntax.TopOp, *syntax.SerializeOp:
		c.markSerialized(out, true)
	case *syntax.WhereOp, *syntax.ExtendOp, *syntax.ProjectOp, *syntax.ProjectAwayOp, *syntax.ProjectKeepOp,
		*syntax.ProjectRenameOp, *syntax.ProjectReorderOp, *syntax.TakeOp, *syntax.ParseOp, *syntax.ParseKvOp, *syntax.AsOp, *syntax.RenderOp:
		c.markSerialized(out, c.serializedNode(in))
	}
	return out
}

func (c *compiler) operator1(in node, op syntax.Operator, inExpr syntax.Expr) node {
	switch o := op.(type) {
	case *syntax.WhereOp:
		return c.windowed(in, func(in node) node { return c.where(in, o) })
	case *syntax.ExtendOp:
		return c.windowed(in, func(in node) node { return c.extend(in, o.Exprs, false, o) })
	case *syntax.ProjectOp:
		return c.windowed(in, func(in node) node { return c.project(in, o) })
	case *syntax.ProjectAwayOp:
		return c.projectAway(in, o)
	case *syntax.ProjectKeepOp:
		return c.projectKeep(in, o)
	case *syntax.ProjectRenameOp:
		return c.projectRename(in, o)
	case *syntax.ProjectReorderOp:
		return c.projectReorder(in, o)
	case *syntax.SummarizeOp:
		return c.summarize(in, o)
	case *syntax.DistinctOp:
		return c.distinct(in, o)
	case *syntax.CountOp:
		return &countNode{in: in}
	case *syntax.TakeOp:
		n := c.scalar(o.Count, nil)
		if !n.isConst() || !n.t.IsInteger() {
			c.errorf(o.Count, "%s needs a constant integer count", o.Kw)
		}
		return &takeNode{in: in, n: n.c.I}
	case *syntax.SortOp:
		return c.sort(in, o.Keys, -1, o)
	case *syntax.TopOp:
		n := c.scalar(o.Count, nil)
		if !n.isConst() || !n.t.IsInteger() {
			c.errorf(o.Count, "top needs a constant integer count")
		}
		return c.sort(in, []*syntax.SortKey{o.Key}, n.c.I, o)
	case *syntax.SerializeOp:
		// a pass-through node carries the serialized mark (the input node
		// may be shared by other uses of a tabular let)
		ser := &mapNode{in: in, cols: in.schema(), fn: func(r types.Row) types.Row { return r }}
		c.markSerialized(ser, true)
		if len(o.Exprs) > 0 {
			return c.windowed(ser, func(in node) node { return c.extend(in, o.Exprs, true, o) })
		}
		return ser
	case *syntax.AsOp:
		if o.Name != nil {
			n := in
			c.env.vars[o.Name.Name] = &binding{kind: bindTabular, name: o.Name.Name, tab: func() node { return n }}
		}
		return in
	case *syntax.RenderOp:
		return in
	case *syntax.UnionExpr:
		return c.union(in, o)
	case *syntax.JoinOp:
		return c.join(in, o)
	case *syntax.LookupOp:
		return c.lookup(in, o)
	case *syntax.MvExpandOp:
		return c.mvExpand(in, o)
	case *syntax.MvApplyOp:
		return c.mvApply(in, o)
	case *syntax.PartitionOp:
		return c.partition(in, o)
	case *syntax.ParseOp:
		return c.parse(in, o)
	case *syntax.InvokeOp:
		return c.invoke(in, o, inExpr)
	case *syntax.GetSchemaOp:
		return c.getschema(in)
	case *syntax.ParseKvOp:
		return c.parseKv(in, o)
	case *syntax.MakeSeriesOp:
		return c.makeSeries(in, o)
	case *syntax.TopNestedOp:
		return c.topNested(in, o)
	case *syntax.TopHittersOp:
		return c.topHitters(in, o)
	case *syntax.SampleDistinctOp:
		return c.sampleDistinct(in, o)
	case *syntax.SearchExpr:
		if len(o.Tables) > 0 {
			c.unsupported(o, "search in (...) after a pipe")
		}
		return c.search(in, o)
	case *syntax.BadOp:
		c.unsupported(o, "operator "+o.Name)
	}
	c.unsupported(op, "operator "+op.OpName())
	return nil
}

// unwrapWindow looks through the window-function adapter that windowed()
// puts in front of an operator's input, so pushdown and hints still see the
// scan below.
func unwrapWindow(n node) node {
	if w, ok := n.(*windowSource); ok {
		return w.in
	}
	return n
}

func (c *compiler) scopeOf(in node) *rowScope {
	in = unwrapWindow(in)
	s := newScope(in.schema())
	s.table = tableBelow(in)
	return s
}

// tableBelow finds the scanned table under operators that keep its columns
// (filters, take, sort), for alias resolution and did-you-mean hints.
func tableBelow(n node) *schema.Table {
	for {
		switch x := unwrapWindow(n).(type) {
		case *scanNode:
			return x.table
		case *filterNode:
			n = x.in
		case *takeNode:
			n = x.in
		case *sortNode:
			n = x.in
		case *mapNode:
			if !x.extends {
				return nil
			}
			n = x.in
		default:
			return nil
		}
	}
}

// ---- where ----

type filterNode struct {
	in   node
	pred *expr
}

func (f *filterNode) schema() []types.Column { return f.in.schema() }
func (f *filterNode) run(rc *runCtx, emit func([]types.Row) error) error {
	pred := f.pred.eval
	return f.in.run(rc, func(rows []types.Row) error {
		out := rows[:0:0]
		for _, r := range rows {
			if v := pred(r); v.Valid && v.I != 0 {
				out = append(out, r)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return emit(out)
	})
}

func (c *compiler) where(in node, o *syntax.WhereOp) node {
	s := c.scopeOf(in)
	p := c.scalar(o.Pred, s)
	if p.t != types.Bool {
		c.errorf(o.Pred, "the where predicate must be bool, not %s", p.t)
	}
	// push down to a scan directly below (possibly through other filters)
	var scan *scanNode
	switch x := unwrapWindow(in).(type) {
	case *scanNode:
		scan = x
	case *filterNode:
		for n := node(x); ; {
			f, ok := n.(*filterNode)
			if !ok {
				scan, _ = n.(*scanNode)
				break
			}
			n = unwrapWindow(f.in)
		}
	}
	if scan != nil {
		scan.pushFilter(p)
		c.pushTime(scan, o.Pred)
	}
	return &filterNode{in: in, pred: p}
}

// ---- extend / project ----

type mapNode struct {
	in   node
	cols []types.Column
	fn   func(r types.Row) types.Row
	// extends is true for extend: every input column is still there
	extends bool
}

func (m *mapNode) schema() []types.Column { return m.cols }
func (m *mapNode) run(rc *runCtx, emit func([]types.Row) error) error {
	fn := m.fn
	return m.in.run(rc, func(rows []types.Row) error {
		out := make([]types.Row, len(rows))
		for i, r := range rows {
			out[i] = fn(r)
		}
		return emit(out)
	})
}

// assignment is one `Name = expr` (or inferred-name expr) of an operator.
type assignment struct {
	names []string
	e     *expr
	node  syntax.Expr
}

func (c *compiler) assignments(exprs []syntax.Expr, s *rowScope) []assignment {
	var out []assignment
	for _, e := range exprs {
		if ne, ok := e.(*syntax.NamedExpr); ok {
			var names []string
			for _, n := range ne.Names {
				names = append(names, n.Name)
			}
			ex := c.scalar(ne.Value, s)
			if len(names) > 1 {
				c.unsupported(ne, "assigning several names from one expression here")
			}
			out = append(out, assignment{names: names, e: ex, node: e})
			continue
		}
		ex := c.scalar(e, s)
		out = append(out, assignment{e: ex, node: e})
	}
	return out
}

func (c *compiler) extend(in node, exprs []syntax.Expr, serialize bool, at syntax.Node) node {
	s := c.scopeOf(in)
	as := c.assignments(exprs, s)
	cols := append([]types.Column(nil), in.schema()...)
	taken := namesOf(cols)
	declared := map[string]bool{}
	type slot struct {
		idx int
		e   *expr
	}
	var slots []slot
	for _, a := range as {
		name := ""
		if len(a.names) == 1 {
			name = a.names[0]
		} else {
			name = a.e.name
			if name == "" {
				name = columnN(taken)
			} else if taken[name] {
				name = uniqueName(taken, name)
			}
		}
		if declared[name] {
			c.errorf(a.node, "the column %s is declared twice in this extend", name)
		}
		declared[name] = true
		if i, ok := s.lookup(name); ok {
			cols[i] = types.Column{Name: name, Type: a.e.t}
			slots = append(slots, slot{i, a.e})
			continue
		}
		taken[name] = true
		cols = append(cols, types.Column{Name: name, Type: a.e.t})
		slots = append(slots, slot{len(cols) - 1, a.e})
	}
	width := len(cols)
	return &mapNode{in: in, cols: cols, extends: true, fn: func(r types.Row) types.Row {
		out := make(types.Row, width)
		copy(out, r)
		for _, sl := range slots {
			out[sl.idx] = sl.e.eval(r)
		}
		return out
	}}
}

func (c *compiler) project(in node, o *syntax.ProjectOp) node {
	s := c.scopeOf(in)
	var cols []types.Column
	var evals []func(types.Row) types.Value
	taken := map[string]bool{}
	for _, e := range o.Exprs {
		if _, star := e.(*syntax.StarExpr); star {
			for i, col := range s.cols {
				i := i
				if taken[col.Name] {
					c.errorf(e, "the column %s is projected twice", col.Name)
				}
				taken[col.Name] = true
				cols = append(cols, col)
				evals = append(evals, func(r types.Row) types.Value { return r[i] })
			}
			continue
		}
		if w, ok := e.(*syntax.WildcardName); ok {
			for i, col := range s.cols {
				i := i
				if wildcardMatch(w.Pattern, col.Name) && !taken[col.Name] {
					taken[col.Name] = true
					cols = append(cols, col)
					evals = append(evals, func(r types.Row) types.Value { return r[i] })
				}
			}
			continue
		}
		as := c.assignments([]syntax.Expr{e}, s)
		a := as[0]
		name := ""
		if len(a.names) == 1 {
			name = a.names[0]
		} else {
			name = a.e.name
			if name == "" {
				name = columnN(taken)
			}
		}
		if taken[name] {
			c.errorf(e, "the column %s is projected twice", name)
		}
		taken[name] = true
		cols = append(cols, types.Column{Name: name, Type: a.e.t})
		evals = append(evals, a.e.eval)
	}
	return &mapNode{in: in, cols: cols, fn: func(r types.Row) types.Row {
		out := make(types.Row, len(evals))
		for i, ev := range evals {
			out[i] = ev(r)
		}
		return out
	}}
}

func wildcardMatch(pat, name string) bool {
	// '*' matches any run of characters
	if pat == "" {
		return name == ""
	}
	if pat[0] == '*' {
		for i := 0; i <= len(name); i++ {
			if wildcardMatch(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if name == "" || pat[0] != name[0] {
		return false
	}
	return wildcardMatch(pat[1:], name[1:])
}

// columnSelector resolves a column-list entry (name or wildcard) to indexes.
func (c *compiler) columnSelector(e syntax.Expr, s *rowScope) []int {
	switch x := e.(type) {
	case *syntax.Ident:
		i, ok := s.lookup(x.Name)
		if !ok {
			c.ident(x, s) // raises the unknown-column error with a hint
		}
		return []int{i}
	case *syntax.WildcardName:
		var out []int
		for i, col := range s.cols {
			if wildcardMatch(x.Pattern, col.Name) {
				out = append(out, i)
			}
		}
		return out
	}
	c.errorf(e, "a column name is expected")
	return nil
}

func (c *compiler) selectCols(in node, keep []bool) node {
	var cols []types.Column
	var idx []int
	for i, col := range in.schema() {
		if keep[i] {
			cols = append(cols, col)
			idx = append(idx, i)
		}
	}
	return &mapNode{in: in, cols: cols, fn: func(r types.Row) types.Row {
		out := make(types.Row, len(idx))
		for i, j := range idx {
			out[i] = r[j]
		}
		return out
	}}
}

func (c *compiler) projectAway(in node, o *syntax.ProjectAwayOp) node {
	s := c.scopeOf(in)
	keep := make([]bool, len(s.cols))
	for i := range keep {
		keep[i] = true
	}
	for _, e := range o.Columns {
		for _, i := range c.columnSelector(e, s) {
			keep[i] = false
		}
	}
	return c.selectCols(in, keep)
}

func (c *compiler) projectKeep(in node, o *syntax.ProjectKeepOp) node {
	s := c.scopeOf(in)
	keep := make([]bool, len(s.cols))
	for _, e := range o.Columns {
		for _, i := range c.columnSelector(e, s) {
			keep[i] = true
		}
	}
	return c.selectCols(in, keep)
}

func (c *compiler) projectRename(in node, o *syntax.ProjectRenameOp) node {
	s := c.scopeOf(in)
	cols := append([]types.Column(nil), s.cols...)
	for _, e := range o.Renames {
		ne, ok := e.(*syntax.NamedExpr)
		if !ok || len(ne.Names) != 1 {
			c.errorf(e, "project-rename expects NewName = ExistingName")
		}
		id, ok := ne.Value.(*syntax.Ident)
		if !ok {
			c.errorf(ne.Value, "project-rename expects an existing column name")
		}
		i, found := s.lookup(id.Name)
		if !found {
			c.ident(id, s)
		}
		cols[i].Name = ne.Names[0].Name
	}
	seen := map[string]bool{}
	for _, col := range cols {
		if seen[col.Name] {
			c.errorf(o, "project-rename would create two columns named %s", col.Name)
		}
		seen[col.Name] = true
	}
	return &mapNode{in: in, cols: cols, fn: func(r types.Row) types.Row { return r }}
}

func (c *compiler) projectReorder(in node, o *syntax.ProjectReorderOp) node {
	s := c.scopeOf(in)
	used := make([]bool, len(s.cols))
	var order []int
	for _, k := range o.Columns {
		idx := c.columnSelector(k.X, s)
		if k.Dir != "" && len(idx) > 1 {
			sortIdxByName(idx, s.cols, k.Dir == "desc")
		}
		for _, i := range idx {
			if !used[i] {
				used[i] = true
				order = append(order, i)
			}
		}
	}
	for i := range s.cols {
		if !used[i] {
			order = append(order, i)
		}
	}
	cols := make([]types.Column, len(order))
	for i, j := range order {
		cols[i] = s.cols[j]
	}
	return &mapNode{in: in, cols: cols, fn: func(r types.Row) types.Row {
		out := make(types.Row, len(order))
		for i, j := range order {
			out[i] = r[j]
		}
		return out
	}}
}

func sortIdxByName(idx []int, cols []types.Column, desc bool) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0; j-- {
			a, b := cols[idx[j-1]].Name, cols[idx[j]].Name
			if (a > b) != desc && a != b {
				idx[j-1], idx[j] = idx[j], idx[j-1]
			}
		}
	}
}

// ---- take / count ----

type takeNode struct {
	in node
	n  int64
}

func (t *takeNode) schema() []types.Column { return t.in.schema() }
func (t *takeNode) run(rc *runCtx, emit func([]types.Row) error) error {
	left := t.n
	if left <= 0 {
		return nil
	}
	err := t.in.run(rc, func(rows []types.Row) error {
		if int64(len(rows)) >= left {
			rows = rows[:left]
			left = 0
			if err := emit(rows); err != nil {
				return err
			}
			return errStop
		}
		left -= int64(len(rows))
		return emit(rows)
	})
	if err == errStop {
		return nil
	}
	return err
}

type countNode struct{ in node }

func (c *countNode) schema() []types.Column { return []types.Column{{Name: "Count", Type: types.Long}} }
func (c *countNode) run(rc *runCtx, emit func([]types.Row) error) error {
	var n int64
	if err := c.in.run(rc, func(rows []types.Row) error { n += int64(len(rows)); return nil }); err != nil {
		return err
	}
	return emit([]types.Row{{types.NewLong(n)}})
}

// ---- getschema ----

func (c *compiler) getschema(in node) node {
	cols := []types.Column{{Name: "ColumnName", Type: types.String}, {Name: "ColumnOrdinal", Type: types.Int},
		{Name: "DataType", Type: types.String}, {Name: "ColumnType", Type: types.String}}
	var rows []types.Row
	for i, col := range in.schema() {
		rows = append(rows, types.Row{types.NewString(col.Name), types.NewInt(int64(i)),
			types.NewString(dotnetType(col.Type)), types.NewString(col.Type.String())})
	}
	return &memNode{cols: cols, rows: rows}
}

func dotnetType(t types.Type) string {
	switch t {
	case types.Bool:
		return "System.SByte" // Kusto stores bools as sbyte
	case types.Int:
		return "System.Int32"
	case types.Long:
		return "System.Int64"
	case types.Real:
		return "System.Double"
	case types.Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case types.String:
		return "System.String"
	case types.DateTime:
		return "System.DateTime"
	case types.TimeSpan:
		return "System.TimeSpan"
	case types.Guid:
		return "System.Guid"
	case types.Dynamic:
		return "System.Object"
	}
	return fmt.Sprint(t)
}
