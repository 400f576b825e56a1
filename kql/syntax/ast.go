package syntax

import "fmt"

// Node is implemented by every AST node.
type Node interface {
	Pos() Pos // offset of the first byte of the node
	End() Pos // offset just past the last byte of the node
}

// Span is embedded in every node and records its extent in the source.
type Span struct {
	From Pos // first byte
	To   Pos // one past the last byte
}

// Pos returns the start offset.
func (s Span) Pos() Pos { return s.From }

// End returns the end offset.
func (s Span) End() Pos { return s.To }

func (s *Span) span() *Span { return s }

// Expr is a scalar or tabular expression. The parser does not decide which
// one a name or a call denotes; the binder does. Tabular-only forms
// (*PipeExpr, *DataTableExpr, *UnionExpr, ...) also implement Expr.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement of a query: *LetStmt, *SetStmt, *DeclareStmt or *ExprStmt.
type Stmt interface {
	Node
	stmtNode()
}

// Query is a parsed query: statements separated by ';'. The query's result
// is normally the last *ExprStmt.
type Query struct {
	Span
	Stmts    []Stmt
	Warnings ErrorList // problems that did not stop parsing (lenient mode)
	Src      string    // the parsed text

	lines *lineIndex
}

// Position converts an offset of q.Src into a 1-based line and a 1-based
// column counted in characters.
func (q *Query) Position(offset Pos) (line, col int) {
	if q.lines == nil {
		q.lines = newLineIndex(q.Src)
	}
	return q.lines.position(offset)
}

// NewError makes a positioned error for a problem found at offset of q.Src
// (for later stages such as the binder, so that all errors look alike).
func (q *Query) NewError(at Pos, hint, format string, args ...any) *Error {
	line, col := q.Position(at)
	return &Error{Offset: at, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// Unparen strips any number of enclosing parentheses.
func Unparen(x Expr) Expr {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}

// IsTabularSyntax reports whether x is tabular by its form alone: a pipe, a
// datatable, print, range, union, externaldata, search, find or evaluate
// source (possibly parenthesised). Names and calls may be tabular too; only
// the binder can tell.
func IsTabularSyntax(x Expr) bool {
	switch Unparen(x).(type) {
	case *PipeExpr, *DataTableExpr, *PrintExpr, *RangeExpr, *UnionExpr, *ExternalDataExpr,
		*SearchExpr, *FindExpr, *EvaluateExpr:
		return true
	}
	return false
}

// LetStmt is `let Name = Value`. Value is a scalar or tabular expression, a
// *FuncDecl (`let f = (a:string) { ... }`, `let v = view () { ... }`).
type LetStmt struct {
	Span
	Name  *Ident
	Value Expr
}

// SetStmt is `set Name [= Value]` (a request property). Value may be nil.
type SetStmt struct {
	Span
	Name  *Ident // may be dotted, e.g. "query_datascope"
	Value Expr
}

// DeclareStmt is `declare query_parameters(name:type [= default], ...)`.
type DeclareStmt struct {
	Span
	Params []*Param
}

// ExprStmt is a statement that is an expression (normally the tabular query).
type ExprStmt struct {
	Span
	X Expr
}

func (*LetStmt) stmtNode()     {}
func (*SetStmt) stmtNode()     {}
func (*DeclareStmt) stmtNode() {}
func (*ExprStmt) stmtNode()    {}

// Ident is a name: a plain identifier (including $left, $right and keywords
// used as names) or a bracketed name ['x'] / ["x"].
type Ident struct {
	Span
	Name      string // the name, decoded for bracketed names
	Bracketed bool   // written as ['...']
}

// LitKind is the kind of a literal.
type LitKind int

// Literal kinds.
const (
	LitString   LitKind = iota // Str
	LitLong                    // Int (long, or int when TypeName is "int")
	LitInt                     // Int, from int(...)
	LitReal                    // Real (including nan/+inf/-inf from real(...))
	LitDecimal                 // Real approximates; Raw has the text
	LitBool                    // Bool
	LitDateTime                // Ticks since 0001-01-01T00:00:00Z in 100 ns units
	LitTimespan                // Ticks in 100 ns units
	LitGuid                    // Str holds the lower-case canonical text
)

var litKindNames = [...]string{"string", "long", "int", "real", "decimal", "bool", "datetime", "timespan", "guid"}

// String returns the Kusto type name of the kind.
func (k LitKind) String() string {
	if int(k) < len(litKindNames) {
		return litKindNames[k]
	}
	return "?"
}

// Literal is a constant: a string, number, timespan, bool, guid or typed
// literal such as datetime(2020-01-01), long(null), real(nan).
type Literal struct {
	Span
	Kind     LitKind
	TypeName string  // for typed literals the keyword as written (datetime, date, long, time, ...); "" otherwise
	Raw      string  // source text (for a typed literal the whole keyword(...) text; for a signed datatable value including the sign)
	Null     bool    // typed null: long(null), datetime(null), ...
	Str      string  // LitString, LitGuid
	Int      int64   // LitLong, LitInt
	Real     float64 // LitReal, LitDecimal
	Bool     bool    // LitBool
	Ticks    int64   // LitDateTime, LitTimespan
	Obfusc   bool    // string written with an h prefix
	Parts    int     // string: number of adjacent literals merged (>1 deserves a lint warning)
}

// DynamicLit is dynamic(...): its content parsed as JSON extended with KQL
// literals. Value is nil for dynamic(null).
type DynamicLit struct {
	Span
	Value DynValue
}

// DynValue is a node of a dynamic literal: *DynObject, *DynArray, *DynScalar
// or *DynNull.
type DynValue interface {
	Node
	dynNode()
}

// DynObject is a JSON object; Members keep their written order.
type DynObject struct {
	Span
	Members []*DynMember
}

// DynMember is one "key": value pair.
type DynMember struct {
	Span
	Key   string
	Value DynValue
}

// DynArray is a JSON array.
type DynArray struct {
	Span
	Elems []DynValue
}

// DynScalar is a scalar inside a dynamic literal: a JSON string, number or
// bool, or a KQL literal such as datetime(...).
type DynScalar struct {
	Span
	Lit *Literal
}

// DynNull is a JSON null inside a dynamic literal.
type DynNull struct {
	Span
}

func (*DynObject) dynNode() {}
func (*DynArray) dynNode()  {}
func (*DynScalar) dynNode() {}
func (*DynNull) dynNode()   {}

// TypeRef names a scalar type (string, long, datetime, dynamic, ...).
type TypeRef struct {
	Span
	Name string
}

// ColumnDecl is `Name:Type` (in datatable, parse patterns, typeof(...), ...).
// Type is nil when the type was omitted (parse patterns).
type ColumnDecl struct {
	Span
	Name *Ident
	Type *TypeRef
}

// TypeofExpr is typeof(type) or typeof(col:type, ...) or typeof(*).
type TypeofExpr struct {
	Span
	Type    *TypeRef      // typeof(string): the single scalar type
	Columns []*ColumnDecl // typeof(a:string, b:long): a tabular schema
	Star    bool          // typeof(*)
}

// BinaryExpr is X Op Y for the logical, comparison, arithmetic and string
// operators. Op is the operator spelling: "or", "and", "==", "!=", "<>", "<",
// "<=", ">", ">=", "+", "-", "*", "/", "%", "=~", "!~", "has", "!has_cs",
// "contains", "like", "notlike", "matches regex", ":", ...
type BinaryExpr struct {
	Span
	X     Expr
	Op    string
	OpPos Pos
	Y     Expr
}

// InExpr is X Op (List): Op is one of in, !in, in~, !in~, has_any, has_all.
// An element of List is a scalar expression, a dynamic array, the name of a
// tabular let, or a tabular expression (x in (T | distinct a)).
type InExpr struct {
	Span
	X     Expr
	Op    string
	OpPos Pos
	List  []Expr
}

// BetweenExpr is X between (Lo .. Hi), or !between when Not.
type BetweenExpr struct {
	Span
	X   Expr
	Not bool
	Lo  Expr
	Hi  Expr
}

// UnaryExpr is -X or +X.
type UnaryExpr struct {
	Span
	Op string
	X  Expr
}

// ParenExpr is (X).
type ParenExpr struct {
	Span
	X Expr
}

// CallExpr is Fun(Args). Fun is an *Ident for ordinary calls and a
// *MemberExpr for cluster('c').database('d'). Args may hold *NamedExpr
// (name = value) and *StarExpr.
type CallExpr struct {
	Span
	Fun  Expr
	Args []Expr
}

// Name returns the called function's name when Fun is a plain identifier.
func (c *CallExpr) Name() string {
	if id, ok := c.Fun.(*Ident); ok {
		return id.Name
	}
	return ""
}

// MemberExpr is X.Name (dynamic property access, $left.col, db.table).
type MemberExpr struct {
	Span
	X    Expr
	Name *Ident
}

// IndexExpr is X[Index].
type IndexExpr struct {
	Span
	X     Expr
	Index Expr
}

// StarExpr is * used as "all columns" (where * has "x", distinct *, arg_max(t, *), union *).
type StarExpr struct {
	Span
}

// WildcardName is a column or table name pattern with * (project-away Col*, union Device*).
type WildcardName struct {
	Span
	Pattern string
}

// NamedExpr is Name = Value, or (Name1, Name2) = Value when Paren is set.
type NamedExpr struct {
	Span
	Names []*Ident
	Paren bool
	Value Expr
}

// FuncDecl is a function value: (params) { body } or view (params) { body }.
type FuncDecl struct {
	Span
	View   bool
	Params []*Param
	Body   []Stmt // let statements, then the result expression
}

// Param is a function parameter: Name:Type [= Default], or a tabular
// parameter Name:(col:type, ...) / Name:(*).
type Param struct {
	Span
	Name    *Ident
	Type    *TypeRef      // scalar parameter type; nil for tabular parameters
	Tabular bool          // tabular parameter
	Columns []*ColumnDecl // declared columns of a tabular parameter
	Star    bool          // Name:(*)
	Default Expr          // may be nil
}

// BadExpr stands for text that could not be parsed; an error was reported.
type BadExpr struct {
	Span
}

func (*Ident) exprNode()        {}
func (*Literal) exprNode()      {}
func (*DynamicLit) exprNode()   {}
func (*TypeofExpr) exprNode()   {}
func (*BinaryExpr) exprNode()   {}
func (*InExpr) exprNode()       {}
func (*BetweenExpr) exprNode()  {}
func (*UnaryExpr) exprNode()    {}
func (*ParenExpr) exprNode()    {}
func (*CallExpr) exprNode()     {}
func (*MemberExpr) exprNode()   {}
func (*IndexExpr) exprNode()    {}
func (*StarExpr) exprNode()     {}
func (*WildcardName) exprNode() {}
func (*NamedExpr) exprNode()    {}
func (*FuncDecl) exprNode()     {}
func (*BadExpr) exprNode()      {}
func (*ColumnDecl) exprNode()   {}
