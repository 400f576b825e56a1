package hunt

import (
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/rules"
)

// RuleInfo describes a rule to the exclusion linter: its table and the
// values its leading filters require of a column (for never-applies).
type RuleInfo struct {
	rule     *rules.Rule
	table    string
	required map[string]requirement
}

type requirement struct {
	op     string
	values []string
}

// NewRuleInfo analyses a rule's query. The table is the first table the
// query scans ("" when it does not compile).
func NewRuleInfo(r *rules.Rule, now int64) *RuleInfo {
	ri := &RuleInfo{rule: r, required: map[string]requirement{}}
	if q, err := engine.Compile(r.Query, engine.Options{Now: now, Lenient: true}); err == nil {
		if ts := q.Tables(); len(ts) > 0 {
			ri.table = ts[0]
		}
	}
	ast, errs := syntax.Parse(r.Query, syntax.Options{Lenient: true})
	if len(errs) > 0 {
		return ri
	}
	for _, st := range ast.Stmts {
		if es, ok := st.(*syntax.ExprStmt); ok {
			ri.collect(es.X)
		}
	}
	return ri
}

// collect records requirements from the where operators of the final
// pipeline that sit before any operator that changes rows' columns.
func (ri *RuleInfo) collect(e syntax.Expr) {
	var ops []syntax.Operator
	for {
		p, ok := e.(*syntax.PipeExpr)
		if !ok {
			break
		}
		ops = append(ops, p.Op)
		e = p.X
	}
	for i := len(ops) - 1; i >= 0; i-- {
		w, ok := ops[i].(*syntax.WhereOp)
		if !ok {
			return
		}
		ri.conjuncts(w.Pred)
	}
}

func (ri *RuleInfo) conjuncts(e syntax.Expr) {
	switch x := e.(type) {
	case *syntax.ParenExpr:
		ri.conjuncts(x.X)
	case *syntax.BinaryExpr:
		if x.Op == "and" {
			ri.conjuncts(x.X)
			ri.conjuncts(x.Y)
			return
		}
		id, ok := x.X.(*syntax.Ident)
		if !ok {
			return
		}
		if !positiveOps[x.Op] {
			return
		}
		if lit, ok := x.Y.(*syntax.Literal); ok && lit.Kind == syntax.LitString {
			ri.required[id.Name] = requirement{op: x.Op, values: []string{lit.Str}}
		}
	case *syntax.InExpr:
		id, ok := x.X.(*syntax.Ident)
		if !ok || !positiveOps[x.Op] {
			return
		}
		var vals []string
		for _, el := range x.List {
			lit, ok := el.(*syntax.Literal)
			if !ok || lit.Kind != syntax.LitString {
				return
			}
			vals = append(vals, lit.Str)
		}
		ri.required[id.Name] = requirement{op: x.Op, values: vals}
	}
}

// ID implements exclusions.RuleInfo.
func (ri *RuleInfo) ID() string { return ri.rule.ID }

// Name implements exclusions.RuleInfo.
func (ri *RuleInfo) Name() string { return ri.rule.Name }

// Table implements exclusions.RuleInfo.
func (ri *RuleInfo) Table() string { return ri.table }

// RequiredValues implements exclusions.RuleInfo.
func (ri *RuleInfo) RequiredValues(column string) (string, []string, bool) {
	r, ok := ri.required[column]
	if !ok {
		return "", nil, false
	}
	return r.op, r.values, true
}

// positiveOps are the operators the exclusion linter can reason about.
var positiveOps = map[string]bool{
	"has_any": true, "has": true, "in~": true, "=~": true, "in": true, "==": true,
	"contains": true, "startswith": true, "endswith": true,
	"has_cs": true, "contains_cs": true, "startswith_cs": true, "endswith_cs": true,
}
