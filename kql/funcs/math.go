package funcs

import (
	"math"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Math functions: abs, round, ceiling, sqrt, pow, log*, exp*, sign, pi,
// isnan/isinf/isfinite, min_of/max_of and the binary_* bit operations.

// realFn registers a numeric -> real function; f reports ok=false for a
// null result.
func realFn(name string, nk NameKind, f func(x float64) (float64, bool)) {
	register(&Scalar{Name: name, MinArgs: 1, MaxArgs: 1, NameKind: nk,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := checkArg(name, args, 0, isNumeric, "a number"); err != nil {
				return 0, nil, err
			}
			return types.Real, nullIn(types.Real, func(a []types.Value) types.Value {
				r, ok := f(a[0].AsFloat())
				if !ok {
					return types.Null(types.Real)
				}
				return types.NewReal(r)
			}), nil
		}})
}

// logOf is a logarithm that is null for negative input (documented).
func logOf(f func(float64) float64) func(float64) (float64, bool) {
	return func(x float64) (float64, bool) {
		if x < 0 {
			return 0, false
		}
		return f(x), true
	}
}

// roundAway rounds half away from zero to p decimal digits, as .NET's
// Math.Round(x, p, AwayFromZero): scale, round, unscale; values too large
// to carry a fraction are returned unchanged.
func roundAway(x float64, p int64) float64 {
	if p == 0 {
		return math.Round(x)
	}
	if p > 15 || p < -15 {
		return x
	}
	pow := math.Pow(10, float64(p))
	y := x * pow
	if math.IsInf(y, 0) || math.IsNaN(y) || math.Abs(y) >= 1e16 {
		return x
	}
	return math.Round(y) / pow
}

func compileRound(args []Arg) (types.Type, EvalFunc, error) {
	if err := checkArg("round", args, 0, isNumeric, "a number"); err != nil {
		return 0, nil, err
	}
	if err := checkArg("round", args, 1, isInteger, "an integer precision"); err != nil {
		return 0, nil, err
	}
	t := args[0].Type
	return t, nullIn(t, func(a []types.Value) types.Value {
		var p int64
		if len(a) > 1 {
			p = a[1].I
		}
		if t.IsInteger() {
			if p >= 0 {
				return a[0]
			}
			if p < -18 {
				return numValue(t, 0, 0)
			}
			m := int64(1)
			for i := int64(0); i < -p; i++ {
				m *= 10
			}
			x := a[0].I
			q := x / m * m
			if r := x - q; r >= (m+1)/2 {
				q += m
			} else if -r >= (m+1)/2 {
				q -= m
			}
			return numValue(t, 0, q)
		}
		return numValue(t, roundAway(a[0].F, p), 0)
	}), nil
}

// compileMinMaxOf implements min_of/max_of: all arguments share one
// orderable type (int and long mix), nulls are skipped, a NaN wins.
func compileMinMaxOf(name string, max bool) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		idx := make([]int, len(args))
		for i := range idx {
			idx[i] = i
		}
		t, err := commonType(name, args, idx, false)
		if err != nil {
			return 0, nil, err
		}
		if !t.IsOrderable() {
			return 0, nil, argErr("%s(): values of type %s cannot be ordered", name, t)
		}
		return t, func(a []types.Value) types.Value {
			best := types.Null(t)
			for _, v := range a {
				if !v.Valid {
					continue
				}
				v = adapt(v, t)
				if v.IsNaN() {
					return v
				}
				if !best.Valid {
					best = v
					continue
				}
				c := Compare(v, best)
				if (max && c > 0) || (!max && c < 0) {
					best = v
				}
			}
			return best
		}, nil
	}
}

func compileBinary(name string, n int, f func(x, y int64) (int64, bool)) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		for i := 0; i < n; i++ {
			if err := checkArg(name, args, i, isInteger, "an integer"); err != nil {
				return 0, nil, err
			}
		}
		return types.Long, nullIn(types.Long, func(a []types.Value) types.Value {
			var y int64
			if n > 1 {
				y = a[1].I
			}
			r, ok := f(a[0].I, y)
			if !ok {
				return types.Null(types.Long)
			}
			return types.NewLong(r)
		}), nil
	}
}

func realPredicate(name string, f func(float64) bool) {
	register(&Scalar{Name: name, MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := checkArg(name, args, 0, isNumeric, "a number"); err != nil {
				return 0, nil, err
			}
			return types.Bool, nullIn(types.Bool, func(a []types.Value) types.Value {
				return types.NewBool(f(a[0].AsFloat()))
			}), nil
		}})
}

func init() {
	register(&Scalar{Name: "abs", MinArgs: 1, MaxArgs: 1, NameKind: NameFirstArg,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			t := args[0].Type
			switch {
			case t.IsInteger():
				return types.Long, nullIn(types.Long, func(a []types.Value) types.Value {
					x := a[0].I
					if x < 0 {
						x = -x
					}
					return types.NewLong(x)
				}), nil
			case t == types.Real || t == types.Decimal:
				return t, nullIn(t, func(a []types.Value) types.Value { return numValue(t, math.Abs(a[0].F), 0) }), nil
			case t == types.TimeSpan:
				return t, nullIn(t, func(a []types.Value) types.Value {
					x := a[0].I
					if x < 0 {
						x = -x
					}
					return types.NewTimeSpan(x)
				}), nil
			}
			return 0, nil, argErr("abs(): argument must be a number or timespan, not %s", t)
		}})
	register(&Scalar{Name: "round", MinArgs: 1, MaxArgs: 2, NameKind: NameFirstArg, Compile: compileRound})
	register(&Scalar{Name: "ceiling", MinArgs: 1, MaxArgs: 1, NameKind: NameFirstArg,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := checkArg("ceiling", args, 0, isNumeric, "a number"); err != nil {
				return 0, nil, err
			}
			t := args[0].Type
			return t, nullIn(t, func(a []types.Value) types.Value {
				if t.IsInteger() {
					return a[0]
				}
				return numValue(t, math.Ceil(a[0].F), 0)
			}), nil
		}})
	realFn("sqrt", NameFirstArg, func(x float64) (float64, bool) {
		if x < 0 {
			return 0, false
		}
		return math.Sqrt(x), true
	})
	realFn("log", NameFirstArg, logOf(math.Log))
	realFn("log10", NameFirstArg, logOf(math.Log10))
	realFn("log2", NameFirstArg, logOf(math.Log2))
	realFn("exp", NameFirstArg, func(x float64) (float64, bool) { return math.Exp(x), true })
	realFn("exp2", NameFirstArg, func(x float64) (float64, bool) { return math.Exp2(x), true })
	realFn("exp10", NameFirstArg, func(x float64) (float64, bool) { return math.Pow(10, x), true })
	// sign(NaN) is 0 on the real engine (observed).
	realFn("sign", NameNone, func(x float64) (float64, bool) {
		switch {
		case x > 0:
			return 1, true
		case x < 0:
			return -1, true
		}
		return 0, true
	})
	register(&Scalar{Name: "pow", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := checkArgs("pow", args, isNumeric, "a number", 0, 1); err != nil {
				return 0, nil, err
			}
			return types.Real, nullIn(types.Real, func(a []types.Value) types.Value {
				return types.NewReal(math.Pow(a[0].AsFloat(), a[1].AsFloat()))
			}), nil
		}})
	register(&Scalar{Name: "pi", MinArgs: 0, MaxArgs: 0, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.Real, func([]types.Value) types.Value { return types.NewReal(math.Pi) }, nil
		}})
	realPredicate("isnan", math.IsNaN)
	realPredicate("isinf", func(x float64) bool { return math.IsInf(x, 0) })
	realPredicate("isfinite", func(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) })
	register(&Scalar{Name: "min_of", MinArgs: 2, MaxArgs: 64, NameKind: NameNone, Compile: compileMinMaxOf("min_of", false)})
	register(&Scalar{Name: "max_of", MinArgs: 2, MaxArgs: 64, NameKind: NameNone, Compile: compileMinMaxOf("max_of", true)})

	ok := func(f func(x, y int64) int64) func(x, y int64) (int64, bool) {
		return func(x, y int64) (int64, bool) { return f(x, y), true }
	}
	register(&Scalar{Name: "binary_and", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: compileBinary("binary_and", 2, ok(func(x, y int64) int64 { return x & y }))})
	register(&Scalar{Name: "binary_or", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: compileBinary("binary_or", 2, ok(func(x, y int64) int64 { return x | y }))})
	register(&Scalar{Name: "binary_xor", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: compileBinary("binary_xor", 2, ok(func(x, y int64) int64 { return x ^ y }))})
	register(&Scalar{Name: "binary_not", MinArgs: 1, MaxArgs: 1, NameKind: NameFirstArg,
		Compile: compileBinary("binary_not", 1, ok(func(x, _ int64) int64 { return ^x }))})
	// Shifts outside 0..63 are null here; the engine's answer for them is
	// not established.
	register(&Scalar{Name: "binary_shift_left", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: compileBinary("binary_shift_left", 2, func(x, y int64) (int64, bool) {
			if y < 0 || y > 63 {
				return 0, false
			}
			return x << uint(y), true
		})})
	register(&Scalar{Name: "binary_shift_right", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: compileBinary("binary_shift_right", 2, func(x, y int64) (int64, bool) {
			if y < 0 || y > 63 {
				return 0, false
			}
			return x >> uint(y), true
		})})
}
