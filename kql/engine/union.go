package engine

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

type unionNode struct {
	legs    []node
	maps    [][]int // per leg: output column -> leg column index (-1: null)
	cols    []types.Column
	srcCol  bool
	srcName []string
}

func (u *unionNode) schema() []types.Column { return u.cols }

func (u *unionNode) run(rc *runCtx, emit func([]types.Row) error) error {
	for li, leg := range u.legs {
		m := u.maps[li]
		name := ""
		if u.srcCol {
			name = u.srcName[li]
		}
		err := leg.run(rc, func(rows []types.Row) error {
			out := make([]types.Row, len(rows))
			for i, r := range rows {
				row := make(types.Row, len(u.cols))
				for j, k := range m {
					if k >= 0 {
						row[j] = r[k]
					} else if u.srcCol && j == 0 {
						row[j] = types.NewString(name)
					} else {
						row[j] = types.Null(u.cols[j].Type)
					}
				}
				out[i] = row
			}
			return emit(out)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *compiler) union(in node, o *syntax.UnionExpr) node {
	kind := "outer"
	if v, ok := optionValue(o.Options, "kind"); ok {
		kind = v
	}
	src, hasSrc := optionValue(o.Options, "withsource")
	for _, opt := range o.Options {
		switch opt.Name {
		case "kind", "withsource", "isfuzzy":
		default:
			c.unsupported(opt, "union option "+opt.Name)
		}
	}
	var legs []node
	var names []string
	if in != nil {
		legs = append(legs, in)
		names = append(names, "union_arg0")
	}
	for _, t := range o.Tables {
		if w, ok := t.(*syntax.WildcardName); ok {
			c.unsupported(w, "union over table wildcards ("+w.Pattern+")")
		}
		if st, ok := t.(*syntax.StarExpr); ok {
			c.unsupported(st, "union * (all tables; name the tables explicitly)")
		}
		legs = append(legs, c.tabular(t))
		nm := fmt.Sprintf("union_arg%d", len(names))
		if id, ok := t.(*syntax.Ident); ok {
			if _, isTable := c.opts.Tables(id.Name); isTable && c.env.lookup(id.Name) == nil {
				nm = id.Name
			}
		}
		names = append(names, nm)
	}
	// column name -> list of types seen, in first-appearance order
	type colInfo struct {
		name  string
		types []types.Type
		count int
	}
	var order []*colInfo
	byName := map[string]*colInfo{}
	for _, l := range legs {
		for _, col := range l.schema() {
			ci := byName[col.Name]
			if ci == nil {
				ci = &colInfo{name: col.Name}
				byName[col.Name] = ci
				order = append(order, ci)
			}
			ci.count++
			found := false
			for _, t := range ci.types {
				if t == col.Type {
					found = true
				}
			}
			if !found {
				ci.types = append(ci.types, col.Type)
			}
		}
	}
	u := &unionNode{legs: legs, srcCol: hasSrc, srcName: names}
	type outCol struct {
		name string
		base string
		t    types.Type
	}
	var outs []outCol
	if hasSrc {
		outs = append(outs, outCol{name: src, t: types.String})
	}
	for _, ci := range order {
		if kind == "inner" && ci.count < len(legs) {
			continue
		}
		if len(ci.types) == 1 {
			outs = append(outs, outCol{name: ci.name, base: ci.name, t: ci.types[0]})
			continue
		}
		for _, t := range ci.types {
			outs = append(outs, outCol{name: ci.name + "_" + t.String(), base: ci.name, t: t})
		}
	}
	for _, oc := range outs {
		u.cols = append(u.cols, types.Column{Name: oc.name, Type: oc.t})
	}
	for _, l := range legs {
		m := make([]int, len(outs))
		for j, oc := range outs {
			m[j] = -1
			if oc.base == "" {
				continue
			}
			for k, col := range l.schema() {
				if col.Name == oc.base && col.Type == oc.t {
					m[j] = k
				}
			}
		}
		u.maps = append(u.maps, m)
	}
	return u
}

// invoke calls a tabular function with the piped table as first argument.
func (c *compiler) invoke(in node, o *syntax.InvokeOp, inExpr syntax.Expr) node {
	name := o.Call.Name()
	b := c.env.lookup(name)
	if b == nil || b.kind != bindFunc {
		switch name {
		case "FileProfile":
			c.unsupported(o, "invoke FileProfile() (Defender cloud enrichment)")
		}
		c.errorf(o.Call, "'%s' is not a function defined with let", name)
	}
	if len(b.fn.Params) == 0 || !b.fn.Params[0].Tabular {
		c.errorf(o.Call, "function %s does not take a table as its first parameter", name)
	}
	pname := b.fn.Params[0].Name.Name
	fe := c.funcEnv(&binding{kind: bindFunc, name: b.name, fenv: b.fenv, fn: &syntax.FuncDecl{Params: b.fn.Params[1:], Body: b.fn.Body}}, o.Call.Args, o.Call, nil)
	n := in
	fe.vars[pname] = &binding{kind: bindTabular, name: pname, tab: func() node { return n }}
	saved := c.env
	c.env = fe
	defer func() { c.env = saved }()
	body := b.fn.Body
	for _, st := range body[:len(body)-1] {
		if l, ok := st.(*syntax.LetStmt); ok {
			c.bindLet(l)
		}
	}
	last := body[len(body)-1].(*syntax.ExprStmt)
	return c.tabular(last.X)
}
