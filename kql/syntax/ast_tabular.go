package syntax

// Operator is a tabular operator written after '|'.
type Operator interface {
	Node
	// OpName returns the operator keyword as written: "where", "filter",
	// "mv-expand", "mvexpand", "order", ...
	OpName() string
	opNode()
}

// Option is an operator option Name=Value: kind=inner, hint.strategy=shuffle,
// withsource=T, isfuzzy=true, with_itemindex=i, flags=Ui, ...
type Option struct {
	Span
	Name  string // dotted name as written, e.g. "hint.strategy"
	Value Expr   // usually an *Ident or a *Literal
}

// PipeExpr is X | Op.
type PipeExpr struct {
	Span
	X  Expr
	Op Operator
}

// DataTableExpr is datatable(col:type, ...) [v1, v2, ...]. Values are in
// row-major order; signed numbers are folded into negative literals.
type DataTableExpr struct {
	Span
	Options []*Option
	Columns []*ColumnDecl
	Values  []Expr
}

// PrintExpr is print e1, name = e2, ...
type PrintExpr struct {
	Span
	Exprs []Expr
}

// RangeExpr is range Name from From to To step Step.
type RangeExpr struct {
	Span
	Name *Ident
	From Expr
	To   Expr
	Step Expr
}

// ExternalDataExpr is externaldata(col:type, ...) [uri, ...] [with (k=v, ...)].
type ExternalDataExpr struct {
	Span
	Kw      string // "externaldata" or "external_data"
	Columns []*ColumnDecl
	URIs    []Expr
	With    []Expr // *NamedExpr properties
}

// UnionExpr is union [options] T1, T2, ... When used after '|' it is also
// an Operator and the piped input is the first leg. Tables may hold names,
// *WildcardName patterns, *StarExpr, calls and parenthesised subqueries.
type UnionExpr struct {
	Span
	Options []*Option
	Tables  []Expr
}

// SearchExpr is search [kind=...] [in (T1, ...)] Predicate. It is also an
// Operator when it follows '|'.
type SearchExpr struct {
	Span
	Options []*Option
	Tables  []Expr // from the in (...) clause, or nil
	Pred    Expr
}

// FindExpr is find [options] [in (T1, ...)] where Predicate [project ... | project-smart].
type FindExpr struct {
	Span
	Options      []*Option
	Tables       []Expr
	Pred         Expr
	Project      []Expr
	ProjectSmart bool
}

// EvaluateExpr is evaluate [options] plugin(args) [: (col:type, ...)]. It
// is also an Operator when it follows '|'.
type EvaluateExpr struct {
	Span
	Options []*Option
	Call    *CallExpr
	Schema  []*ColumnDecl // declared output schema, or nil
}

func (*PipeExpr) exprNode()         {}
func (*DataTableExpr) exprNode()    {}
func (*PrintExpr) exprNode()        {}
func (*RangeExpr) exprNode()        {}
func (*ExternalDataExpr) exprNode() {}
func (*UnionExpr) exprNode()        {}
func (*SearchExpr) exprNode()       {}
func (*FindExpr) exprNode()         {}
func (*EvaluateExpr) exprNode()     {}

// SortKey is Expr [asc|desc] [nulls first|nulls last].
type SortKey struct {
	Span
	X     Expr
	Dir   string // "", "asc" or "desc"
	Nulls string // "", "first" or "last"
}

// WhereOp is where/filter Pred.
type WhereOp struct {
	Span
	Kw   string
	Pred Expr
}

// ExtendOp is extend e1, name = e2, (a, b) = e3, ...
type ExtendOp struct {
	Span
	Exprs []Expr
}

// ProjectOp is project e1, name = e2, ...
type ProjectOp struct {
	Span
	Exprs []Expr
}

// ProjectAwayOp is project-away c1, c2*, ...
type ProjectAwayOp struct {
	Span
	Columns []Expr
}

// ProjectKeepOp is project-keep c1, c2*, ...
type ProjectKeepOp struct {
	Span
	Columns []Expr
}

// ProjectRenameOp is project-rename new = old, ... (each a *NamedExpr).
type ProjectRenameOp struct {
	Span
	Renames []Expr
}

// ProjectReorderOp is project-reorder c1 [asc|desc], c2*, ...
type ProjectReorderOp struct {
	Span
	Columns []*SortKey
}

// SummarizeOp is summarize [options] [aggs] [by groups].
type SummarizeOp struct {
	Span
	Options []*Option
	Aggs    []Expr
	By      []Expr
}

// DistinctOp is distinct [options] e1, e2 | distinct *.
type DistinctOp struct {
	Span
	Options []*Option
	Exprs   []Expr
}

// CountOp is count.
type CountOp struct {
	Span
}

// TakeOp is take N / limit N.
type TakeOp struct {
	Span
	Kw    string
	Count Expr
}

// SortOp is sort/order [options] by keys.
type SortOp struct {
	Span
	Kw      string
	Options []*Option
	Keys    []*SortKey
}

// TopOp is top N by key.
type TopOp struct {
	Span
	Options []*Option
	Count   Expr
	Key     *SortKey
}

// TopNestedClause is one top-nested [N] of Expr [with others = E] by Agg [asc|desc].
type TopNestedClause struct {
	Span
	Count  Expr // nil when omitted
	Of     Expr // may be a *NamedExpr
	Others Expr // nil without "with others ="
	By     Expr // aggregate, may be a *NamedExpr
	Dir    string
}

// TopNestedOp is a comma-separated chain of top-nested clauses.
type TopNestedOp struct {
	Span
	Clauses []*TopNestedClause
}

// TopHittersOp is top-hitters N of Expr [by Expr].
type TopHittersOp struct {
	Span
	Count Expr
	Of    Expr
	By    Expr // may be nil
}

// JoinOp is join [options] Right on conditions. Right is a parenthesised
// subquery or a table expression. On holds column names and
// $left.a == $right.b comparisons.
type JoinOp struct {
	Span
	Options []*Option
	Right   Expr
	On      []Expr
}

// LookupOp is lookup [options] Right on conditions.
type LookupOp struct {
	Span
	Options []*Option
	Right   Expr
	On      []Expr
}

// MvItem is one expanded expression: [Name =] Expr [to typeof(T)].
type MvItem struct {
	Span
	X  Expr // may be a *NamedExpr
	To *TypeofExpr
}

// MvExpandOp is mv-expand/mvexpand [options] items [limit N].
type MvExpandOp struct {
	Span
	Kw      string
	Options []*Option
	Items   []*MvItem
	Limit   Expr
}

// MvApplyOp is mv-apply [options] items [limit N] on (subquery). The
// subquery operates on each row's expanded rows; Body is its operator chain.
type MvApplyOp struct {
	Span
	Options []*Option
	Items   []*MvItem
	Limit   Expr
	Body    []Operator
}

// ParseOp is parse/parse-where [options] X with pattern. Pattern elements are
// *Literal (string constants, or regexes for kind=regex), *StarExpr and
// *ColumnDecl (column, with optional type).
type ParseOp struct {
	Span
	Kw      string
	Options []*Option
	X       Expr
	Pattern []Expr
}

// ParseKvOp is parse-kv X as (col:type, ...) [with (name = value, ...)].
type ParseKvOp struct {
	Span
	X       Expr
	Columns []*ColumnDecl
	With    []Expr
}

// SerializeOp is serialize [name = expr, ...].
type SerializeOp struct {
	Span
	Exprs []Expr
}

// AsOp is as [options] Name.
type AsOp struct {
	Span
	Options []*Option
	Name    *Ident
}

// InvokeOp is invoke function(args).
type InvokeOp struct {
	Span
	Call *CallExpr
}

// RenderOp is render Chart [with (name = value, ...)] [legacy name = value ...].
type RenderOp struct {
	Span
	Chart *Ident
	With  []Expr
}

// MakeSeriesAgg is one aggregate of make-series: [Name =] Agg [default = Value].
type MakeSeriesAgg struct {
	Span
	X       Expr
	Default Expr
}

// MakeSeriesOp is make-series [options] aggs on Axis [from A] [to B] step S [by ...]
// or the older ... on Axis in range(A, B, S) [by ...] (InRange set).
type MakeSeriesOp struct {
	Span
	Options []*Option
	Aggs    []*MakeSeriesAgg
	On      Expr
	From    Expr
	To      Expr
	Step    Expr
	InRange bool
	By      []Expr
}

// SampleOp is sample N.
type SampleOp struct {
	Span
	Count Expr
}

// SampleDistinctOp is sample-distinct N of Expr.
type SampleDistinctOp struct {
	Span
	Count Expr
	Of    Expr
}

// GetSchemaOp is getschema.
type GetSchemaOp struct {
	Span
}

// FacetOp is facet by c1, c2 [with (operators)].
type FacetOp struct {
	Span
	By   []Expr
	With []Operator
}

// ReduceOp is reduce [options] by Expr [with name = value, ...].
type ReduceOp struct {
	Span
	Options []*Option
	By      Expr
	With    []Expr
}

// ConsumeOp is consume [options].
type ConsumeOp struct {
	Span
	Options []*Option
}

// ForkBranch is one [Name =] (operators) branch of fork.
type ForkBranch struct {
	Span
	Name *Ident
	Ops  []Operator
}

// ForkOp is fork branch branch ...
type ForkOp struct {
	Span
	Branches []*ForkBranch
}

// PartitionOp is partition [options] by Column (operators) or { subquery }.
type PartitionOp struct {
	Span
	Options []*Option
	By      Expr
	Ops     []Operator // ( ... ) form
	Query   Expr       // { ... } form
}

// BadOp stands for an operator that could not be parsed or is not supported;
// an error was reported.
type BadOp struct {
	Span
	Name string
}

// OpName implementations.
func (o *WhereOp) OpName() string        { return o.Kw }
func (*ExtendOp) OpName() string         { return "extend" }
func (*ProjectOp) OpName() string        { return "project" }
func (*ProjectAwayOp) OpName() string    { return "project-away" }
func (*ProjectKeepOp) OpName() string    { return "project-keep" }
func (*ProjectRenameOp) OpName() string  { return "project-rename" }
func (*ProjectReorderOp) OpName() string { return "project-reorder" }
func (*SummarizeOp) OpName() string      { return "summarize" }
func (*DistinctOp) OpName() string       { return "distinct" }
func (*CountOp) OpName() string          { return "count" }
func (o *TakeOp) OpName() string         { return o.Kw }
func (o *SortOp) OpName() string         { return o.Kw }
func (*TopOp) OpName() string            { return "top" }
func (*TopNestedOp) OpName() string      { return "top-nested" }
func (*TopHittersOp) OpName() string     { return "top-hitters" }
func (*JoinOp) OpName() string           { return "join" }
func (*LookupOp) OpName() string         { return "lookup" }
func (*UnionExpr) OpName() string        { return "union" }
func (o *MvExpandOp) OpName() string     { return o.Kw }
func (*MvApplyOp) OpName() string        { return "mv-apply" }
func (o *ParseOp) OpName() string        { return o.Kw }
func (*ParseKvOp) OpName() string        { return "parse-kv" }
func (*SerializeOp) OpName() string      { return "serialize" }
func (*AsOp) OpName() string             { return "as" }
func (*InvokeOp) OpName() string         { return "invoke" }
func (*RenderOp) OpName() string         { return "render" }
func (*EvaluateExpr) OpName() string     { return "evaluate" }
func (*MakeSeriesOp) OpName() string     { return "make-series" }
func (*SampleOp) OpName() string         { return "sample" }
func (*SampleDistinctOp) OpName() string { return "sample-distinct" }
func (*GetSchemaOp) OpName() string      { return "getschema" }
func (*FacetOp) OpName() string          { return "facet" }
func (*ReduceOp) OpName() string         { return "reduce" }
func (*ConsumeOp) OpName() string        { return "consume" }
func (*ForkOp) OpName() string           { return "fork" }
func (*PartitionOp) OpName() string      { return "partition" }
func (*SearchExpr) OpName() string       { return "search" }
func (o *BadOp) OpName() string          { return o.Name }

func (*WhereOp) opNode()          {}
func (*ExtendOp) opNode()         {}
func (*ProjectOp) opNode()        {}
func (*ProjectAwayOp) opNode()    {}
func (*ProjectKeepOp) opNode()    {}
func (*ProjectRenameOp) opNode()  {}
func (*ProjectReorderOp) opNode() {}
func (*SummarizeOp) opNode()      {}
func (*DistinctOp) opNode()       {}
func (*CountOp) opNode()          {}
func (*TakeOp) opNode()           {}
func (*SortOp) opNode()           {}
func (*TopOp) opNode()            {}
func (*TopNestedOp) opNode()      {}
func (*TopHittersOp) opNode()     {}
func (*JoinOp) opNode()           {}
func (*LookupOp) opNode()         {}
func (*UnionExpr) opNode()        {}
func (*MvExpandOp) opNode()       {}
func (*MvApplyOp) opNode()        {}
func (*ParseOp) opNode()          {}
func (*ParseKvOp) opNode()        {}
func (*SerializeOp) opNode()      {}
func (*AsOp) opNode()             {}
func (*InvokeOp) opNode()         {}
func (*RenderOp) opNode()         {}
func (*EvaluateExpr) opNode()     {}
func (*MakeSeriesOp) opNode()     {}
func (*SampleOp) opNode()         {}
func (*SampleDistinctOp) opNode() {}
func (*GetSchemaOp) opNode()      {}
func (*FacetOp) opNode()          {}
func (*ReduceOp) opNode()         {}
func (*ConsumeOp) opNode()        {}
func (*ForkOp) opNode()           {}
func (*PartitionOp) opNode()      {}
func (*SearchExpr) opNode()       {}
func (*BadOp) opNode()            {}
