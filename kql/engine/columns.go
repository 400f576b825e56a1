package engine

import "github.com/rmmhunt/rmmhunt/kql/syntax"

// analyzeColumns decides, before binding, which table scans must read every
// column: a scan whose columns can reach the query's output (or another
// operator that may read any column) without passing an operator that
// resets the schema. Everything else reads only columns whose names appear
// in the query — a conservative superset of what it uses.
func (c *compiler) analyzeColumns(q *syntax.Query) {
	c.passThrough = map[*syntax.Ident]bool{}
	inspect(q, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.StarExpr, *syntax.WildcardName, *syntax.ProjectAwayOp, *syntax.ProjectReorderOp,
			*syntax.ProjectRenameOp, *syntax.ProjectKeepOp, *syntax.GetSchemaOp, *syntax.EvaluateExpr:
			c.allColumns = true
		case *syntax.CallExpr:
			switch x.Name() {
			case "pack_all", "bag_pack_all", "column_ifexists":
				c.allColumns = true
			}
		}
		return true
	})
	// Identify table sources and whether their columns pass through.
	var visit func(e syntax.Expr, passes bool)
	visit = func(e syntax.Expr, passes bool) {
		switch x := e.(type) {
		case *syntax.Ident:
			if passes {
				c.passThrough[x] = true
			}
		case *syntax.ParenExpr:
			visit(x.X, passes)
		case *syntax.PipeExpr:
			visit(x.X, passes && !resetsSchema(x.Op))
		}
	}
	// Start from every position that holds a whole tabular expression (the
	// query, let values, union legs, join/lookup sides, in-lists, call
	// arguments, function bodies) and follow each pipe chain down to its
	// source. Starting from inner pipes would wrongly mark every source.
	inspect(q, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.LetStmt:
			visit(x.Value, true)
		case *syntax.ExprStmt:
			visit(x.X, true)
		case *syntax.UnionExpr:
			for _, t := range x.Tables {
				visit(t, true)
			}
		case *syntax.JoinOp:
			visit(x.Right, true)
		case *syntax.LookupOp:
			visit(x.Right, true)
		case *syntax.InExpr:
			for _, el := range x.List {
				visit(el, true)
			}
		case *syntax.CallExpr:
			for _, a := range x.Args {
				visit(a, true)
			}
		}
		return true
	})
}

// resetsSchema reports whether an operator's output columns are only those
// it names (so the input's other columns cannot reach the output).
func resetsSchema(op syntax.Operator) bool {
	switch o := op.(type) {
	case *syntax.ProjectOp:
		for _, e := range o.Exprs {
			if _, star := e.(*syntax.StarExpr); star {
				return false
			}
		}
		return true
	case *syntax.SummarizeOp, *syntax.CountOp, *syntax.TopNestedOp, *syntax.MakeSeriesOp, *syntax.TopHittersOp:
		return true
	case *syntax.DistinctOp:
		for _, e := range o.Exprs {
			if _, star := e.(*syntax.StarExpr); star {
				return false
			}
		}
		return true
	}
	return false
}
