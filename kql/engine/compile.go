package engine

import (
	"fmt"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// bindError is raised (as a panic) inside the compiler and turned into a
// syntax.ErrorList by compileQuery.
type bindError struct{ err *syntax.Error }

type compiler struct {
	src         string
	opts        Options
	lines       []int
	env         *env
	scans       []*scanNode
	usedIdents  map[string]bool
	passThrough map[*syntax.Ident]bool
	allColumns  bool
	warnings    syntax.ErrorList
	depth       int
	prepares    []func(rc *runCtx) error
	// window is the window context of the operator being compiled, nil
	// where window functions are not allowed.
	window *windowCtx
	// serialized marks nodes whose output rows are serialized.
	serialized map[node]bool
	// aggCtx is set while compiling a summarize expression over
	// aggregates (sum(x) * 2): aggregate calls become hidden columns.
	aggCtx *aggContext
	// inLists are the compiled in/has_any lists with subquery values, for
	// prefilter terms known only at run time (lazyterms.go).
	inLists map[*syntax.InExpr]*inListInfo
}

// env is a lexical scope of let bindings.
type env struct {
	parent *env
	vars   map[string]*binding
}

type bindKind int

const (
	bindScalar bindKind = iota
	bindTabular
	bindFunc
)

type binding struct {
	kind bindKind
	sc   *expr
	tab  func() node // tabular lets are re-instantiated at each use
	fn   *syntax.FuncDecl
	fenv *env
	name string
}

func (e *env) lookup(name string) *binding {
	for s := e; s != nil; s = s.parent {
		if b, ok := s.vars[name]; ok {
			return b
		}
	}
	return nil
}

func newCompiler(src string, opts Options) *compiler {
	c := &compiler{src: src, opts: opts, env: &env{vars: map[string]*binding{}}}
	c.lines = []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			c.lines = append(c.lines, i+1)
		}
	}
	return c
}

func (c *compiler) pos(p syntax.Pos) (int, int) { return syntax.Position(c.src, p) }

func (c *compiler) errAt(n syntax.Node, hint string, format string, a ...any) {
	var p syntax.Pos
	if n != nil {
		p = n.Pos()
	}
	line, col := c.pos(p)
	panic(bindError{&syntax.Error{Offset: p, Line: line, Col: col, Msg: fmt.Sprintf(format, a...), Hint: hint}})
}

func (c *compiler) errorf(n syntax.Node, format string, a ...any) { c.errAt(n, "", format, a...) }

// unsupported fails with the house format "not supported: X".
func (c *compiler) unsupported(n syntax.Node, what string) {
	c.errAt(n, "rmmhunt refuses features it cannot evaluate exactly as Kusto does", "not supported: %s", what)
}

func (c *compiler) compileQuery(q *syntax.Query) (res *Query, err error) {
	defer func() {
		if r := recover(); r != nil {
			be, ok := r.(bindError)
			if !ok {
				panic(r)
			}
			err = syntax.ErrorList{be.err}
		}
	}()
	c.checkDeclaredNames(q)
	c.usedIdents = collectIdents(q)
	c.addFilterIdents()
	c.analyzeColumns(q)
	var final syntax.Expr
	for i, st := range q.Stmts {
		switch s := st.(type) {
		case *syntax.LetStmt:
			c.bindLet(s)
		case *syntax.SetStmt:
			c.warn(s, "set statement ignored: %s", s.Name.Name)
		case *syntax.ExprStmt:
			if final != nil {
				c.errorf(s, "a query may have only one tabular expression statement; separate queries are not supported in one text")
			}
			final = s.X
			_ = i
		case *syntax.DeclareStmt:
			c.unsupported(s, "declare query_parameters")
		default:
			c.errorf(st, "unexpected statement")
		}
	}
	if final == nil {
		c.errorf(q, "the query has no tabular expression to run")
	}
	if c.opts.EventLevel {
		final = eventStage(final)
	}
	root := c.tabular(final)
	ordered := isOrdered(final)
	return &Query{src: c.src, root: root, ordered: ordered, scans: c.scans, warnings: c.warnings, opts: c.opts, prepares: c.prepares}, nil
}

func (c *compiler) warn(n syntax.Node, format string, a ...any) {
	line, col := c.pos(n.Pos())
	c.warnings = append(c.warnings, &syntax.Error{Offset: n.Pos(), Line: line, Col: col, Msg: fmt.Sprintf(format, a...)})
}

func isOrdered(e syntax.Expr) bool {
	p, ok := e.(*syntax.PipeExpr)
	if !ok {
		return false
	}
	switch p.Op.(type) {
	case *syntax.SortOp, *syntax.TopOp, *syntax.SerializeOp:
		return true
	}
	return false
}

func (c *compiler) bindLet(s *syntax.LetStmt) {
	name := s.Name.Name
	switch v := s.Value.(type) {
	case *syntax.FuncDecl:
		c.env.vars[name] = &binding{kind: bindFunc, fn: v, fenv: c.env, name: name}
		return
	}
	if c.isTabular(s.Value) {
		val := s.Value
		saved := c.env
		// compile once now to report errors at the definition
		n := c.tabular(val)
		first := true
		c.env.vars[name] = &binding{kind: bindTabular, name: name, tab: func() node {
			if first {
				first = false
				return n
			}
			cur := c.env
			c.env = saved
			defer func() { c.env = cur }()
			return c.tabular(val)
		}}
		return
	}
	e := c.scalar(s.Value, nil)
	c.env.vars[name] = &binding{kind: bindScalar, sc: e, name: name}
}

// isTabular reports whether an expression denotes a table.
func (c *compiler) isTabular(e syntax.Expr) bool {
	switch x := e.(type) {
	case *syntax.PipeExpr, *syntax.DataTableExpr, *syntax.PrintExpr, *syntax.RangeExpr,
		*syntax.UnionExpr, *syntax.ExternalDataExpr, *syntax.SearchExpr, *syntax.FindExpr, *syntax.EvaluateExpr:
		return true
	case *syntax.ParenExpr:
		return c.isTabular(x.X)
	case *syntax.Ident:
		if b := c.env.lookup(x.Name); b != nil {
			return b.kind == bindTabular
		}
		_, ok := c.opts.Tables(x.Name)
		return ok
	case *syntax.CallExpr:
		name := x.Name()
		switch name {
		case "materialize", "view", "table", "_GetWatchlist", "externaldata", "cluster", "database", "workspace", "app", "arg", "adx":
			return true
		case "toscalar":
			return false
		}
		if b := c.env.lookup(name); b != nil && b.kind == bindFunc {
			return c.funcIsTabular(b)
		}
		if m, ok := x.Fun.(*syntax.MemberExpr); ok {
			_ = m
			return true
		}
	case *syntax.MemberExpr:
		// cluster('x').database('y').T
		return isCrossResource(x)
	}
	return false
}

func isCrossResource(e syntax.Expr) bool {
	for {
		switch x := e.(type) {
		case *syntax.MemberExpr:
			e = x.X
		case *syntax.CallExpr:
			switch x.Name() {
			case "cluster", "database", "workspace", "app", "arg", "adx":
				return true
			}
			if m, ok := x.Fun.(*syntax.MemberExpr); ok {
				e = m
				continue
			}
			return false
		default:
			return false
		}
	}
}

func (c *compiler) funcIsTabular(b *binding) bool {
	if len(b.fn.Body) == 0 {
		return false
	}
	last, ok := b.fn.Body[len(b.fn.Body)-1].(*syntax.ExprStmt)
	if !ok {
		return false
	}
	saved := c.env
	c.env = &env{parent: b.fenv, vars: map[string]*binding{}}
	for _, p := range b.fn.Params {
		if p.Tabular {
			c.env.vars[p.Name.Name] = &binding{kind: bindTabular, name: p.Name.Name}
		} else {
			c.env.vars[p.Name.Name] = &binding{kind: bindScalar, name: p.Name.Name}
		}
	}
	for _, st := range b.fn.Body[:len(b.fn.Body)-1] {
		if l, ok := st.(*syntax.LetStmt); ok {
			if _, isF := l.Value.(*syntax.FuncDecl); isF {
				c.env.vars[l.Name.Name] = &binding{kind: bindFunc, fn: l.Value.(*syntax.FuncDecl), fenv: c.env}
			} else if c.isTabular(l.Value) {
				c.env.vars[l.Name.Name] = &binding{kind: bindTabular}
			} else {
				c.env.vars[l.Name.Name] = &binding{kind: bindScalar}
			}
		}
	}
	r := c.isTabular(last.X)
	c.env = saved
	return r
}

// collectIdents gathers every identifier name in the query, for column
// pruning (a conservative superset of the columns the query reads).
func collectIdents(q *syntax.Query) map[string]bool {
	out := map[string]bool{}
	inspect(q, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.Ident:
			out[x.Name] = true
		case *syntax.Literal:
			if x.Kind == syntax.LitString {
				out[x.Str] = true
			}
		}
		return true
	})
	return out
}

// lookupTable resolves a table name, with a did-you-mean hint when unknown.
func (c *compiler) lookupTable(id *syntax.Ident) *schema.Table {
	t, ok := c.opts.Tables(id.Name)
	if !ok {
		hint := ""
		if s := schema.SuggestTable(id.Name); s != "" {
			hint = "did you mean " + s + "?"
		}
		c.errAt(id, hint, "'%s' does not refer to any known table, tabular variable or function", id.Name)
	}
	return t
}

func typeOf(c *compiler, tr *syntax.TypeRef) types.Type {
	t, ok := types.ParseType(strings.TrimSpace(tr.Name))
	if !ok {
		c.errorf(tr, "unknown type '%s'", tr.Name)
	}
	return t
}

// reservedNames are keywords the real engine refuses as unbracketed column
// names in declarations (`extend first = ...` fails; `['first']` works).
// Observed in the oracle: first, last, asc, desc, has, from; the rest are
// operator keywords of the same grammar positions.
var reservedNames = map[string]bool{
	"first": true, "last": true, "asc": true, "desc": true, "nulls": true, "from": true,
	"to": true, "step": true, "by": true, "on": true, "with": true, "and": true, "or": true,
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true, "hassuffix": true,
	"hassuffix_cs": true, "contains": true, "contains_cs": true, "startswith": true,
	"startswith_cs": true, "endswith": true, "endswith_cs": true, "has_any": true, "has_all": true,
	"in": true, "between": true, "matches": true, "like": true, "notlike": true, "likecs": true, "notlikecs": true,
}

// checkDeclaredNames rejects keywords used as unbracketed declared names.
func (c *compiler) checkDeclaredNames(q *syntax.Query) {
	inspect(q, func(n syntax.Node) bool {
		if ne, ok := n.(*syntax.NamedExpr); ok {
			for _, id := range ne.Names {
				if !id.Bracketed && reservedNames[id.Name] {
					c.errAt(id, "write ['"+id.Name+"'] to use it as a column name", "'%s' is a keyword and cannot be used as a column name here", id.Name)
				}
			}
		}
		return true
	})
}
