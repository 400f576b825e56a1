package funcs

import (
	"fmt"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Arg describes one argument at compile time: its type, and its value when
// the argument is a constant (literal or constant-folded expression).
type Arg struct {
	Type  types.Type
	Const *types.Value
}

// EvalFunc evaluates a compiled scalar function over argument values.
type EvalFunc func(args []types.Value) types.Value

// NameKind is how a column produced by a function call is named when the
// query gives no name (Kusto's ResultNameKind).
type NameKind uint8

// Result-name kinds.
const (
	NameNone         NameKind = iota // ColumnN
	NameFirstArg                     // the first argument's name (tostring(x) -> x)
	NameWithFirstArg                 // "<func>_<first arg name>" (strlen_x)
)

// Scalar is a scalar function.
type Scalar struct {
	Name     string
	MinArgs  int
	MaxArgs  int // -1: variadic
	NameKind NameKind
	// Compile checks the argument types (and constants) and returns the
	// result type and the evaluator, or an error that explains the misuse.
	Compile func(args []Arg) (types.Type, EvalFunc, error)
	// Now marks functions that read the query clock (now, ago); the binder
	// passes it through Context.
	UsesClock bool
}

var scalars = map[string]*Scalar{}

func register(s *Scalar) {
	if _, dup := scalars[s.Name]; dup {
		panic("duplicate function " + s.Name)
	}
	scalars[s.Name] = s
}

func alias(name, target string) {
	s := *scalars[target]
	s.Name = name
	scalars[name] = &s
}

// LookupScalar returns the scalar function of that name.
func LookupScalar(name string) (*Scalar, bool) {
	s, ok := scalars[name]
	return s, ok
}

// ScalarNames lists the registered scalar functions, sorted.
func ScalarNames() []string {
	out := make([]string, 0, len(scalars))
	for n := range scalars {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ArgError is a misuse of a function's arguments.
type ArgError struct{ Msg string }

func (e *ArgError) Error() string { return e.Msg }

func argErr(format string, a ...any) error { return &ArgError{fmt.Sprintf(format, a...)} }

func isString(t types.Type) bool       { return t == types.String }
func isStringish(t types.Type) bool    { return t == types.String || t == types.Dynamic }
func isNumeric(t types.Type) bool      { return t.IsNumeric() }
func isInteger(t types.Type) bool      { return t.IsInteger() }
func isDateTime(t types.Type) bool     { return t == types.DateTime }
func isDynamic(t types.Type) bool      { return t == types.Dynamic }
func isIntegerOrDyn(t types.Type) bool { return t.IsInteger() || t == types.Dynamic }
