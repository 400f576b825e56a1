package exclusions

// Expr is a node of a parsed `when` expression: *Logical, *Not, *Paren or
// *Comparison. Offsets are byte offsets into the expression text.
type Expr interface {
	// Offset is the byte offset of the node's first character.
	Offset() int
	exprNode()
}

// LogicalOp is `and` or `or`.
type LogicalOp int

// The logical operators.
const (
	And LogicalOp = iota + 1
	Or
)

// String returns the operator's keyword.
func (op LogicalOp) String() string {
	if op == And {
		return "and"
	}
	return "or"
}

// Logical is `X and Y` or `X or Y`.
type Logical struct {
	Op    LogicalOp
	X, Y  Expr
	OpOff int // offset of the operator keyword
}

// Not is `not X`.
type Not struct {
	NotOff int
	X      Expr
}

// Paren is `( X )` as written; it keeps the author's grouping visible to the
// linter and the printer.
type Paren struct {
	Lparen, Rparen int
	X              Expr
}

// CompareOp is a comparison operator of the `when` language.
type CompareOp int

// The comparison operators.
const (
	OpEq CompareOp = iota + 1
	OpNe
	OpContains
	OpStartsWith
	OpEndsWith
	OpIn
)

// String returns the operator as written in the `when` language.
func (op CompareOp) String() string {
	switch op {
	case OpEq:
		return "=="
	case OpNe:
		return "!="
	case OpContains:
		return "contains"
	case OpStartsWith:
		return "startswith"
	case OpEndsWith:
		return "endswith"
	case OpIn:
		return "in"
	}
	return "?"
}

// Comparison is `field op literal` or `field in (literal, …)`.
type Comparison struct {
	Field  Field
	Op     CompareOp
	OpOff  int
	Values []Literal // exactly one unless Op is OpIn
}

// Field is a field name as written: an alias such as process.name or a
// column name such as InitiatingProcessFileName.
type Field struct {
	Name string
	Off  int
}

// LiteralKind tells strings from numbers.
type LiteralKind int

// The literal kinds.
const (
	StringLit LiteralKind = iota + 1
	NumberLit
)

// Literal is a string literal (Text holds the decoded value) or a number
// literal (Text holds its digits as written, e.g. "445" or "-1.5").
type Literal struct {
	Kind     LiteralKind
	Text     string
	Off, End int
}

// Offset implements Expr.
func (e *Logical) Offset() int { return e.X.Offset() }

// Offset implements Expr.
func (e *Not) Offset() int { return e.NotOff }

// Offset implements Expr.
func (e *Paren) Offset() int { return e.Lparen }

// Offset implements Expr.
func (e *Comparison) Offset() int { return e.Field.Off }

func (*Logical) exprNode()    {}
func (*Not) exprNode()        {}
func (*Paren) exprNode()      {}
func (*Comparison) exprNode() {}

// unparen strips the author's parentheses around e.
func unparen(e Expr) Expr {
	for {
		p, ok := e.(*Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}
