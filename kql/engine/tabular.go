package engine

import (
	"fmt"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// tabular compiles a tabular expression into an operator tree.
func (c *compiler) tabular(n syntax.Expr) node {
	c.depth++
	if c.depth > 500 {
		c.errorf(n, "query nested too deeply")
	}
	defer func() { c.depth-- }()
	switch x := n.(type) {
	case *syntax.ParenExpr:
		return c.tabular(x.X)
	case *syntax.Ident:
		if b := c.env.lookup(x.Name); b != nil {
			switch b.kind {
			case bindTabular:
				if b.tab == nil {
					c.errorf(x, "tabular parameter %s has no value here", x.Name)
				}
				return b.tab()
			case bindFunc:
				return c.callTabularFunc(b, nil, x)
			case bindScalar:
				c.errorf(x, "'%s' is a scalar; a table is expected here", x.Name)
			}
		}
		t := c.lookupTable(x)
		return c.newScan(t, x)
	case *syntax.PipeExpr:
		in := c.tabular(x.X)
		return c.operator(in, x.Op, x.X)
	case *syntax.DataTableExpr:
		return c.datatable(x)
	case *syntax.PrintExpr:
		return c.print(x)
	case *syntax.RangeExpr:
		return c.rangeTable(x)
	case *syntax.UnionExpr:
		return c.union(nil, x)
	case *syntax.CallExpr:
		return c.tabularCall(x)
	case *syntax.ExternalDataExpr:
		return c.externalData(x)
	case *syntax.SearchExpr:
		c.unsupported(x, "search (scans every table; write the tables and predicate explicitly)")
	case *syntax.FindExpr:
		c.unsupported(x, "find")
	case *syntax.EvaluateExpr:
		c.unsupported(x, "evaluate plugins")
	case *syntax.MemberExpr:
		if isCrossResource(x) {
			c.unsupported(x, "cross-cluster / cross-workspace references")
		}
	}
	c.errorf(n, "a table is expected here")
	return nil
}

func (c *compiler) tabularCall(x *syntax.CallExpr) node {
	name := x.Name()
	if b := c.env.lookup(name); b != nil && b.kind == bindFunc {
		return c.callTabularFunc(b, x.Args, x)
	}
	switch name {
	case "materialize":
		if len(x.Args) != 1 {
			c.errorf(x, "materialize() takes one tabular argument")
		}
		return c.tabular(x.Args[0])
	case "table":
		if len(x.Args) != 1 {
			c.errorf(x, "table() takes one argument")
		}
		lit, ok := x.Args[0].(*syntax.Literal)
		if !ok || lit.Kind != syntax.LitString {
			c.errorf(x, "table(): the name must be a string literal")
		}
		id := &syntax.Ident{Span: syntax.Span{From: lit.Pos(), To: lit.End()}, Name: lit.Str}
		return c.tabular(id)
	case "_GetWatchlist":
		if len(x.Args) != 1 {
			c.errorf(x, "_GetWatchlist() takes the watchlist alias")
		}
		lit, ok := x.Args[0].(*syntax.Literal)
		if !ok || lit.Kind != syntax.LitString {
			c.errorf(x, "_GetWatchlist(): the alias must be a string literal")
		}
		if c.opts.Watchlists != nil {
			if t, ok := c.opts.Watchlists(lit.Str); ok {
				return &memNode{cols: t.Columns, rows: t.Rows}
			}
		}
		c.errAt(x, "pass it with --watchlist "+lit.Str+"=FILE.csv", "watchlist '%s' is not available offline", lit.Str)
	case "cluster", "database", "workspace", "app", "arg", "adx":
		c.unsupported(x, "cross-cluster / cross-workspace references ("+name+"())")
	case "FileProfile", "DeviceFromIP", "AssignedIPAddresses", "SeenBy":
		c.unsupported(x, "Defender built-in function "+name+"() (needs Microsoft's cloud enrichment)")
	}
	if _, ok := c.opts.Tables(name); ok {
		c.errorf(x, "%s is a table, not a function", name)
	}
	c.errorf(x, "'%s' does not refer to any known tabular function", name)
	return nil
}

func (c *compiler) callTabularFunc(b *binding, args []syntax.Expr, call syntax.Expr) node {
	fe := c.funcEnv(b, args, call, nil)
	saved := c.env
	c.env = fe
	defer func() { c.env = saved }()
	body := b.fn.Body
	for _, st := range body[:len(body)-1] {
		if l, ok := st.(*syntax.LetStmt); ok {
			c.bindLet(l)
		}
	}
	last, ok := body[len(body)-1].(*syntax.ExprStmt)
	if !ok {
		c.errorf(call, "function %s has no result expression", b.name)
	}
	return c.tabular(last.X)
}

func (c *compiler) externalData(x *syntax.ExternalDataExpr) node {
	cols := make([]types.Column, len(x.Columns))
	for i, cd := range x.Columns {
		cols[i] = types.Column{Name: cd.Name.Name, Type: typeOf(c, cd.Type)}
	}
	format := ""
	for _, w := range x.With {
		if ne, ok := w.(*syntax.NamedExpr); ok && len(ne.Names) == 1 && ne.Names[0].Name == "format" {
			switch v := ne.Value.(type) {
			case *syntax.Literal:
				format = v.Str
			case *syntax.Ident:
				format = v.Name
			}
		}
	}
	var rows []types.Row
	for _, u := range x.URIs {
		lit, ok := u.(*syntax.Literal)
		if !ok || lit.Kind != syntax.LitString {
			c.errorf(u, "externaldata URLs must be string literals")
		}
		url := lit.Str
		if c.opts.ExternalData == nil {
			c.errAt(u, "pass a local copy with --externaldata "+url+"=FILE", "externaldata is not available offline (%s)", url)
		}
		got, ok, err := c.opts.ExternalData(url, cols, format)
		if err != nil {
			c.errorf(u, "externaldata %s: %v", url, err)
		}
		if !ok {
			c.errAt(u, "pass a local copy with --externaldata "+url+"=FILE", "externaldata is not available offline (%s)", url)
		}
		rows = append(rows, got...)
	}
	return &memNode{cols: cols, rows: rows}
}

// datatable builds an in-memory table from literal values.
func (c *compiler) datatable(x *syntax.DataTableExpr) node {
	cols := make([]types.Column, len(x.Columns))
	for i, cd := range x.Columns {
		cols[i] = types.Column{Name: cd.Name.Name, Type: typeOf(c, cd.Type)}
	}
	if len(cols) == 0 {
		c.errorf(x, "datatable needs at least one column")
	}
	if len(x.Values)%len(cols) != 0 {
		c.errorf(x, "datatable: %d values do not fill rows of %d columns", len(x.Values), len(cols))
	}
	var rows []types.Row
	for i := 0; i < len(x.Values); i += len(cols) {
		row := make(types.Row, len(cols))
		for j := range cols {
			vn := x.Values[i+j]
			e := c.scalar(vn, nil)
			if !e.isConst() {
				c.errorf(vn, "datatable values must be literals")
			}
			v := *e.c
			want := cols[j].Type
			if v.T != want {
				switch {
				case !v.Valid && v.T != types.String:
					v = types.Null(want)
				case want == types.Dynamic:
					v = types.NewDynamic(types.ToDynamic(v))
				case v.T.IsNumeric() && want.IsNumeric():
					v = convertNumeric(v, want)
				case v.T == types.String && want != types.Dynamic:
					// a string literal in a typed column is converted
					// (datatable(v:long)["1"] holds 1)
					cv := funcs.Convert(v, want)
					if !cv.Valid {
						c.errorf(vn, "datatable: '%s' is not a valid %s for column %s", v.S, want, cols[j].Name)
					}
					v = cv
				case want == types.String && v.T != types.String:
					c.errorf(vn, "datatable: column %s is string; the value is %s", cols[j].Name, v.T)
				default:
					c.errorf(vn, "datatable: column %s is %s; the value is %s", cols[j].Name, want, v.T)
				}
			}
			if v.Valid && (v.T == types.Real || v.T == types.Decimal) && v.F == 0 {
				v.F = 0 // datatable stores no negative zero
			}
			if want == types.String && v.T == types.String && !v.Valid {
				c.errorf(vn, "datatable: a string cannot be null")
			}
			row[j] = v
		}
		rows = append(rows, row)
	}
	return &memNode{cols: cols, rows: rows}
}

func convertNumeric(v types.Value, t types.Type) types.Value {
	switch t {
	case types.Int:
		if v.T == types.Real || v.T == types.Decimal {
			return types.NewInt(int64(v.F))
		}
		return types.NewInt(v.I)
	case types.Long:
		if v.T == types.Real || v.T == types.Decimal {
			return types.NewLong(int64(v.F))
		}
		return types.NewLong(v.I)
	case types.Real, types.Decimal:
		return types.Value{T: t, Valid: true, F: v.AsFloat()}
	}
	return v
}

func (c *compiler) print(x *syntax.PrintExpr) node {
	var cols []types.Column
	var row types.Row
	taken := map[string]bool{}
	var exprs []*expr
	for i, e := range x.Exprs {
		name := ""
		val := e
		if ne, ok := e.(*syntax.NamedExpr); ok {
			if len(ne.Names) != 1 {
				c.unsupported(ne, "multiple names in print")
			}
			name = ne.Names[0].Name
			val = ne.Value
		}
		ex := c.scalar(val, nil)
		if name == "" {
			name = fmt.Sprintf("print_%d", i)
		}
		if taken[name] {
			c.errorf(e, "duplicate column name %s", name)
		}
		taken[name] = true
		cols = append(cols, types.Column{Name: name, Type: ex.t})
		exprs = append(exprs, ex)
	}
	return &printNode{cols: cols, exprs: exprs, row: row}
}

type printNode struct {
	cols  []types.Column
	exprs []*expr
	row   types.Row
}

func (p *printNode) schema() []types.Column { return p.cols }
func (p *printNode) run(rc *runCtx, emit func([]types.Row) error) error {
	row := make(types.Row, len(p.exprs))
	for i, e := range p.exprs {
		row[i] = e.eval(nil)
	}
	return emit([]types.Row{row})
}

func (c *compiler) rangeTable(x *syntax.RangeExpr) node {
	from := c.scalar(x.From, nil)
	to := c.scalar(x.To, nil)
	step := c.scalar(x.Step, nil)
	if !from.isConst() || !to.isConst() || !step.isConst() {
		// allow toscalar-based bounds: evaluate at run time
	}
	t := from.t
	if t == types.Int {
		t = types.Long
	}
	if !(t.IsNumeric() || t == types.DateTime || t == types.TimeSpan) {
		c.errorf(x.From, "range needs numeric, datetime or timespan bounds")
	}
	cols := []types.Column{{Name: x.Name.Name, Type: t}}
	return &rangeNode{cols: cols, from: from, to: to, step: step}
}

type rangeNode struct {
	cols           []types.Column
	from, to, step *expr
}

func (r *rangeNode) schema() []types.Column { return r.cols }
func (r *rangeNode) run(rc *runCtx, emit func([]types.Row) error) error {
	f, t, s := r.from.eval(nil), r.to.eval(nil), r.step.eval(nil)
	if !f.Valid || !t.Valid || !s.Valid {
		return nil
	}
	typ := r.cols[0].Type
	var batch []types.Row
	const max = 10_000_000
	n := 0
	if typ == types.Real || typ == types.Decimal {
		st := s.AsFloat()
		if st == 0 {
			return runtimeErr("range: step must not be zero")
		}
		for v := f.AsFloat(); (st > 0 && v <= t.AsFloat()) || (st < 0 && v >= t.AsFloat()); v += st {
			batch = append(batch, types.Row{types.NewReal(v)})
			if n++; n > max {
				return runtimeErr("range produces more than %d rows", max)
			}
		}
	} else {
		st := s.I
		if s.T == types.Real {
			st = int64(s.F)
		}
		if st == 0 {
			return runtimeErr("range: step must not be zero")
		}
		for v := f.I; (st > 0 && v <= t.I) || (st < 0 && v >= t.I); v += st {
			batch = append(batch, types.Row{{T: typ, Valid: true, I: v}})
			if n++; n > max {
				return runtimeErr("range produces more than %d rows", max)
			}
		}
	}
	return emit(batch)
}

// memNode yields fixed rows.
type memNode struct {
	cols []types.Column
	rows []types.Row
}

func (m *memNode) schema() []types.Column { return m.cols }
func (m *memNode) run(rc *runCtx, emit func([]types.Row) error) error {
	if len(m.rows) == 0 {
		return nil
	}
	out := make([]types.Row, len(m.rows))
	for i, r := range m.rows {
		out[i] = append(types.Row(nil), r...)
	}
	return emit(out)
}

// uniqueName returns base, or base1, base2, ... whichever is not taken.
func uniqueName(taken map[string]bool, base string) string {
	if !taken[base] {
		return base
	}
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s%d", base, i)
		if !taken[n] {
			return n
		}
	}
}

// columnN returns the first ColumnN not taken.
func columnN(taken map[string]bool) string {
	for i := 1; ; i++ {
		n := fmt.Sprintf("Column%d", i)
		if !taken[n] {
			return n
		}
	}
}

func namesOf(cols []types.Column) map[string]bool {
	m := make(map[string]bool, len(cols))
	for _, c := range cols {
		m[c.Name] = true
	}
	return m
}

var _ = strings.TrimSpace
var _ source.Spec
