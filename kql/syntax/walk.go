package syntax

// Children returns the direct child nodes of n in source order (nil
// children are omitted).
func Children(n Node) []Node {
	var out []Node
	add := func(ns ...Node) {
		for _, c := range ns {
			if !isNilNode(c) {
				out = append(out, c)
			}
		}
	}
	exprs := func(xs []Expr) {
		for _, x := range xs {
			add(x)
		}
	}
	opts := func(os []*Option) {
		for _, o := range os {
			add(o)
		}
	}
	cols := func(cs []*ColumnDecl) {
		for _, c := range cs {
			add(c)
		}
	}
	ops := func(os []Operator) {
		for _, o := range os {
			add(o)
		}
	}
	switch n := n.(type) {
	case *Query:
		for _, s := range n.Stmts {
			add(s)
		}
	case *LetStmt:
		add(n.Name, n.Value)
	case *SetStmt:
		add(n.Name, n.Value)
	case *DeclareStmt:
		for _, p := range n.Params {
			add(p)
		}
	case *ExprStmt:
		add(n.X)
	case *Ident, *Literal, *StarExpr, *WildcardName, *BadExpr, *TypeRef, *DynNull,
		*CountOp, *GetSchemaOp, *BadOp:
	case *DynamicLit:
		add(n.Value)
	case *DynObject:
		for _, m := range n.Members {
			add(m)
		}
	case *DynMember:
		add(n.Value)
	case *DynArray:
		for _, e := range n.Elems {
			add(e)
		}
	case *DynScalar:
		add(n.Lit)
	case *ColumnDecl:
		add(n.Name, n.Type)
	case *TypeofExpr:
		add(n.Type)
		cols(n.Columns)
	case *BinaryExpr:
		add(n.X, n.Y)
	case *InExpr:
		add(n.X)
		exprs(n.List)
	case *BetweenExpr:
		add(n.X, n.Lo, n.Hi)
	case *UnaryExpr:
		add(n.X)
	case *ParenExpr:
		add(n.X)
	case *CallExpr:
		add(n.Fun)
		exprs(n.Args)
	case *MemberExpr:
		add(n.X, n.Name)
	case *IndexExpr:
		add(n.X, n.Index)
	case *NamedExpr:
		for _, id := range n.Names {
			add(id)
		}
		add(n.Value)
	case *FuncDecl:
		for _, p := range n.Params {
			add(p)
		}
		for _, s := range n.Body {
			add(s)
		}
	case *Param:
		add(n.Name, n.Type)
		cols(n.Columns)
		add(n.Default)
	case *Option:
		add(n.Value)
	case *PipeExpr:
		add(n.X, n.Op)
	case *DataTableExpr:
		opts(n.Options)
		cols(n.Columns)
		exprs(n.Values)
	case *PrintExpr:
		exprs(n.Exprs)
	case *RangeExpr:
		add(n.Name, n.From, n.To, n.Step)
	case *ExternalDataExpr:
		cols(n.Columns)
		exprs(n.URIs)
		exprs(n.With)
	case *UnionExpr:
		opts(n.Options)
		exprs(n.Tables)
	case *SearchExpr:
		opts(n.Options)
		exprs(n.Tables)
		add(n.Pred)
	case *FindExpr:
		opts(n.Options)
		exprs(n.Tables)
		add(n.Pred)
		exprs(n.Project)
	case *EvaluateExpr:
		opts(n.Options)
		add(n.Call)
		cols(n.Schema)
	case *SortKey:
		add(n.X)
	case *WhereOp:
		add(n.Pred)
	case *ExtendOp:
		exprs(n.Exprs)
	case *ProjectOp:
		exprs(n.Exprs)
	case *ProjectAwayOp:
		exprs(n.Columns)
	case *ProjectKeepOp:
		exprs(n.Columns)
	case *ProjectRenameOp:
		exprs(n.Renames)
	case *ProjectReorderOp:
		for _, k := range n.Columns {
			add(k)
		}
	case *SummarizeOp:
		opts(n.Options)
		exprs(n.Aggs)
		exprs(n.By)
	case *DistinctOp:
		opts(n.Options)
		exprs(n.Exprs)
	case *TakeOp:
		add(n.Count)
	case *SortOp:
		opts(n.Options)
		for _, k := range n.Keys {
			add(k)
		}
	case *TopOp:
		opts(n.Options)
		add(n.Count, n.Key)
	case *TopNestedOp:
		for _, c := range n.Clauses {
			add(c)
		}
	case *TopNestedClause:
		add(n.Count, n.Of, n.Others, n.By)
	case *TopHittersOp:
		add(n.Count, n.Of, n.By)
	case *JoinOp:
		opts(n.Options)
		add(n.Right)
		exprs(n.On)
	case *LookupOp:
		opts(n.Options)
		add(n.Right)
		exprs(n.On)
	case *MvItem:
		add(n.X, n.To)
	case *MvExpandOp:
		opts(n.Options)
		for _, it := range n.Items {
			add(it)
		}
		add(n.Limit)
	case *MvApplyOp:
		opts(n.Options)
		for _, it := range n.Items {
			add(it)
		}
		add(n.Limit)
		ops(n.Body)
	case *ParseOp:
		opts(n.Options)
		add(n.X)
		exprs(n.Pattern)
	case *ParseKvOp:
		add(n.X)
		cols(n.Columns)
		exprs(n.With)
	case *SerializeOp:
		exprs(n.Exprs)
	case *AsOp:
		opts(n.Options)
		add(n.Name)
	case *InvokeOp:
		add(n.Call)
	case *RenderOp:
		add(n.Chart)
		exprs(n.With)
	case *MakeSeriesAgg:
		add(n.X, n.Default)
	case *MakeSeriesOp:
		opts(n.Options)
		for _, a := range n.Aggs {
			add(a)
		}
		add(n.On, n.From, n.To, n.Step)
		exprs(n.By)
	case *SampleOp:
		add(n.Count)
	case *SampleDistinctOp:
		add(n.Count, n.Of)
	case *FacetOp:
		exprs(n.By)
		ops(n.With)
	case *ReduceOp:
		opts(n.Options)
		add(n.By)
		exprs(n.With)
	case *ConsumeOp:
		opts(n.Options)
	case *ForkBranch:
		add(n.Name)
		ops(n.Ops)
	case *ForkOp:
		for _, b := range n.Branches {
			add(b)
		}
	case *PartitionOp:
		opts(n.Options)
		add(n.By)
		ops(n.Ops)
		add(n.Query)
	}
	return out
}

// isNilNode reports whether n is nil or a typed nil pointer.
func isNilNode(n Node) bool {
	if n == nil {
		return true
	}
	switch v := n.(type) {
	case *Ident:
		return v == nil
	case *TypeRef:
		return v == nil
	case *TypeofExpr:
		return v == nil
	case *CallExpr:
		return v == nil
	case *SortKey:
		return v == nil
	case *Literal:
		return v == nil
	}
	return false
}

// Inspect walks the tree rooted at n in depth-first source order, calling f
// for each node; when f returns false the node's children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if isNilNode(n) || !f(n) {
		return
	}
	for _, c := range Children(n) {
		Inspect(c, f)
	}
}
