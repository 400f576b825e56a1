package funcs

import (
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Conditional functions: iff/iif, case, coalesce, not, gettype.

// isNullConst reports whether an argument is a typed null literal such as
// long(null); such an argument adapts to the type of the others.
func isNullConst(a Arg) bool { return a.Const != nil && !a.Const.Valid }

// commonType is the single type shared by the arguments at idx. The real
// engine does not widen (mixing long and real branches is an error); int
// and long do mix, giving long. A typed null literal adapts to the others.
func commonType(name string, args []Arg, idx []int, allowDynamic bool) (types.Type, error) {
	var t types.Type
	first := -1
	for _, i := range idx {
		a := args[i]
		if isNullConst(a) {
			continue
		}
		if a.Type == types.Dynamic && !allowDynamic {
			return 0, argErr("%s(): argument %d must not be dynamic; convert it with tostring(), tolong() etc.", name, i+1)
		}
		switch {
		case first < 0:
			t, first = a.Type, i
		case a.Type == t:
		case a.Type.IsInteger() && t.IsInteger():
			t = types.Long
		default:
			return 0, argErr("%s(): arguments %d and %d have different types (%s and %s); Kusto does not convert them implicitly, convert one explicitly", name, first+1, i+1, args[first].Type, a.Type)
		}
	}
	if first < 0 { // all null literals
		t = args[idx[0]].Type
		for _, i := range idx {
			if args[i].Type != t && !(args[i].Type.IsInteger() && t.IsInteger()) {
				return 0, argErr("%s(): the null arguments have different types (%s and %s)", name, t, args[i].Type)
			}
			if args[i].Type == types.Long {
				t = types.Long
			}
		}
	}
	return t, nil
}

// adapt converts a value of one of the arguments to the common type.
func adapt(v types.Value, t types.Type) types.Value {
	if !v.Valid {
		return types.Null(t)
	}
	if v.T == t {
		return v
	}
	if t == types.Long && v.T == types.Int {
		return types.NewLong(v.I)
	}
	return Convert(v, t)
}

func compileIff(name string) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if args[0].Type != types.Bool {
			return 0, nil, argErr("%s(): the condition must be bool, not %s", name, args[0].Type)
		}
		t, err := commonType(name, args, []int{1, 2}, true)
		if err != nil {
			return 0, nil, err
		}
		return t, func(a []types.Value) types.Value {
			if a[0].Valid && a[0].I != 0 {
				return adapt(a[1], t)
			}
			return adapt(a[2], t)
		}, nil
	}
}

func compileCase(args []Arg) (types.Type, EvalFunc, error) {
	if len(args)%2 == 0 {
		return 0, nil, argErr("case(): needs predicate/value pairs followed by an else value (an odd number of arguments), got %d", len(args))
	}
	var vals []int
	for i := 0; i+1 < len(args); i += 2 {
		if args[i].Type != types.Bool {
			return 0, nil, argErr("case(): argument %d is a predicate and must be bool, not %s", i+1, args[i].Type)
		}
		vals = append(vals, i+1)
	}
	vals = append(vals, len(args)-1)
	t, err := commonType("case", args, vals, true)
	if err != nil {
		return 0, nil, err
	}
	return t, func(a []types.Value) types.Value {
		for i := 0; i+1 < len(a); i += 2 {
			if a[i].Valid && a[i].I != 0 {
				return adapt(a[i+1], t)
			}
		}
		return adapt(a[len(a)-1], t)
	}, nil
}

func compileCoalesce(args []Arg) (types.Type, EvalFunc, error) {
	idx := make([]int, len(args))
	for i := range idx {
		idx[i] = i
	}
	t, err := commonType("coalesce", args, idx, true)
	if err != nil {
		return 0, nil, err
	}
	return t, func(a []types.Value) types.Value {
		for _, v := range a {
			if !v.Valid {
				continue
			}
			if t == types.String && types.ToString(v) == "" {
				continue
			}
			return adapt(v, t)
		}
		return types.Null(t)
	}, nil
}

// GetType returns gettype()'s answer for a value: the static type name for
// scalars (even when null), and the payload kind for dynamic values, where
// reals are "double".
func GetType(v types.Value) string {
	if v.T != types.Dynamic {
		return v.T.String()
	}
	if !v.Valid {
		return "null"
	}
	k := types.DynamicKind(v.D)
	if k == "real" {
		return "double"
	}
	return k
}

func init() {
	register(&Scalar{Name: "iff", MinArgs: 3, MaxArgs: 3, NameKind: NameNone, Compile: compileIff("iff")})
	register(&Scalar{Name: "iif", MinArgs: 3, MaxArgs: 3, NameKind: NameNone, Compile: compileIff("iif")})
	register(&Scalar{Name: "case", MinArgs: 3, MaxArgs: -1, NameKind: NameNone, Compile: compileCase})
	register(&Scalar{Name: "coalesce", MinArgs: 2, MaxArgs: 64, NameKind: NameNone, Compile: compileCoalesce})
	register(&Scalar{Name: "not", MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if args[0].Type != types.Bool {
				return 0, nil, argErr("not(): the argument must be bool, not %s", args[0].Type)
			}
			return types.Bool, func(a []types.Value) types.Value {
				if !a[0].Valid {
					return types.Null(types.Bool)
				}
				return types.NewBool(a[0].I == 0)
			}, nil
		}})
	// gettype's result name is "type_<arg>" in the official binder
	// (PrefixAndFirstArgument), which NameKind cannot express yet.
	register(&Scalar{Name: "gettype", MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.String, func(a []types.Value) types.Value { return types.NewString(GetType(a[0])) }, nil
		}})
}
