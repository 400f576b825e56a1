package funcs

import (
	"math"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Series and numeric-array functions: range(), array_iff(), the
// series_fill_* family, element-wise series arithmetic and comparisons,
// series_fir() and series_iir(); trigonometric scalars.

// seriesNum reads a numeric array element: ok is false for null and for
// non-numbers; isInt reports a long element.
func seriesNum(d any) (f float64, isInt, ok bool) {
	switch x := d.(type) {
	case int64:
		return float64(x), true, true
	case float64:
		return x, false, true
	case bool:
		if x {
			return 1, true, true
		}
		return 0, true, true
	}
	return 0, false, false
}

// seriesOperand turns an argument into an element accessor: an array is
// read element-wise, a scalar number is repeated; n is the array length
// (-1 for a scalar).
func seriesOperand(v types.Value) (get func(i int) any, n int, ok bool) {
	if !v.Valid {
		return nil, 0, false
	}
	if v.T == types.Dynamic {
		arr, isArr := v.D.([]any)
		if !isArr {
			return func(int) any { return v.D }, -1, true
		}
		return func(i int) any {
			if i < len(arr) {
				return arr[i]
			}
			return nil
		}, len(arr), true
	}
	d := types.ToDynamic(v)
	return func(int) any { return d }, -1, true
}

func compileSeriesArith(name, op string) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		for i, a := range args {
			if a.Type != types.Dynamic && !a.Type.IsNumeric() {
				return 0, nil, argErr("%s(): argument %d must be a dynamic array or a number, not %s", name, i+1, a.Type)
			}
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			x, nx, ok1 := seriesOperand(a[0])
			y, ny, ok2 := seriesOperand(a[1])
			if !ok1 || !ok2 || (nx < 0 && ny < 0) {
				return types.Null(types.Dynamic)
			}
			n := nx
			if n < 0 || (ny >= 0 && ny > n) {
				n = ny
			}
			out := make([]any, n)
			for i := range out {
				p, pi, ok1 := seriesNum(x(i))
				q, qi, ok2 := seriesNum(y(i))
				if !ok1 || !ok2 {
					out[i] = nil
					continue
				}
				switch op {
				case ">", ">=", "<", "<=", "==", "!=":
					out[i] = cmpOp(op, p, q)
				case "/":
					if pi && qi {
						if q == 0 {
							out[i] = nil
						} else {
							out[i] = int64(p) / int64(q)
						}
					} else {
						out[i] = p / q
					}
				default:
					var r float64
					switch op {
					case "+":
						r = p + q
					case "-":
						r = p - q
					case "*":
						r = p * q
					}
					if pi && qi {
						out[i] = int64(r)
					} else {
						out[i] = r
					}
				}
			}
			return types.NewDynamic(out)
		}, nil
	}
}

func cmpOp(op string, p, q float64) bool {
	switch op {
	case ">":
		return p > q
	case ">=":
		return p >= q
	case "<":
		return p < q
	case "<=":
		return p <= q
	case "==":
		return p == q
	}
	return p != q
}

// fillSeries fills the null elements of an array.
func compileSeriesFill(name string, kind string) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic(name, args, 0); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			missing := func(d any) bool { return d == nil }
			if len(a) > 1 && kind != "const" && a[1].Valid {
				mv := types.ToDynamic(a[1])
				missing = func(d any) bool { return d == nil || types.DynamicEqual(d, mv) }
			}
			out := append([]any(nil), arr...)
			switch kind {
			case "forward":
				var last any
				for i, d := range out {
					if missing(d) {
						out[i] = last
					} else {
						last = d
					}
				}
			case "backward":
				var next any
				for i := len(out) - 1; i >= 0; i-- {
					if missing(out[i]) {
						out[i] = next
					} else {
						next = out[i]
					}
				}
			case "const":
				c := any(int64(0))
				if len(a) > 1 {
					c = types.ToDynamic(a[1])
				}
				if len(a) > 2 && a[2].Valid {
					mv := types.ToDynamic(a[2])
					missing = func(d any) bool { return d == nil || types.DynamicEqual(d, mv) }
				}
				for i, d := range out {
					if missing(d) {
						out[i] = c
					}
				}
			case "linear":
				prev := -1
				for i, d := range out {
					if missing(d) {
						continue
					}
					if prev >= 0 && i-prev > 1 {
						p, _, ok1 := seriesNum(out[prev])
						q, _, ok2 := seriesNum(d)
						if ok1 && ok2 {
							for k := prev + 1; k < i; k++ {
								out[k] = p + (q-p)*float64(k-prev)/float64(i-prev)
							}
						}
					}
					prev = i
				}
			}
			return types.NewDynamic(out)
		}, nil
	}
}

// numArray reads a constant-free numeric array argument.
func numArray(v types.Value) ([]float64, bool) {
	arr, ok := arrayOf(v)
	if !ok {
		return nil, false
	}
	out := make([]float64, len(arr))
	for i, d := range arr {
		f, _, ok := seriesNum(d)
		if !ok {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

func init() {
	dynFn("range", 2, 3, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		for i, a := range args {
			if !a.Type.IsNumeric() && a.Type != types.DateTime && a.Type != types.TimeSpan {
				return 0, nil, argErr("range(): argument %d must be a number, datetime or timespan, not %s", i+1, a.Type)
			}
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			for _, v := range a {
				if !v.Valid {
					return types.Null(types.Dynamic)
				}
			}
			start, stop := a[0], a[1]
			isReal := start.T == types.Real || start.T == types.Decimal || stop.T == types.Real || stop.T == types.Decimal
			step := types.NewLong(1)
			if start.T == types.DateTime || start.T == types.TimeSpan {
				step = types.NewTimeSpan(864000000000) // 1d
			}
			if len(a) > 2 {
				step = a[2]
			}
			if step.T == types.Real || step.T == types.Decimal {
				isReal = true
			}
			var out []any
			const limit = 1_000_000
			if isReal {
				s, e, st := start.AsFloat(), stop.AsFloat(), step.AsFloat()
				if st == 0 || math.IsNaN(st) {
					return types.Null(types.Dynamic)
				}
				for v := s; (st > 0 && v <= e) || (st < 0 && v >= e); v += st {
					if out = append(out, v); len(out) > limit {
						return types.Null(types.Dynamic)
					}
				}
			} else {
				s, e, st := start.I, stop.I, step.I
				if st == 0 {
					return types.Null(types.Dynamic)
				}
				for v := s; (st > 0 && v <= e) || (st < 0 && v >= e); v += st {
					if out = append(out, types.ToDynamic(types.Value{T: start.T, Valid: true, I: v})); len(out) > limit {
						return types.Null(types.Dynamic)
					}
				}
			}
			if out == nil {
				out = []any{}
			}
			return types.NewDynamic(out)
		}, nil
	})
	dynFn("array_iff", 3, 3, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("array_iff", args, 0); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			cond, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			t, _, ok1 := seriesOperand(a[1])
			f, _, ok2 := seriesOperand(a[2])
			out := make([]any, len(cond))
			for i, c := range cond {
				var pick bool
				switch x := c.(type) {
				case bool:
					pick = x
				case int64:
					pick = x != 0
				case float64:
					pick = x != 0
				default:
					out[i] = nil
					continue
				}
				switch {
				case pick && ok1:
					out[i] = t(i)
				case !pick && ok2:
					out[i] = f(i)
				}
			}
			return types.NewDynamic(out)
		}, nil
	})
	alias("array_iif", "array_iff")
	dynFn("jaccard_index", 2, 2, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("jaccard_index", args, 0, 1); err != nil {
			return 0, nil, err
		}
		// |distinct(a) ∩ distinct(b)| / |distinct(a) ∪ distinct(b)|
		return types.Real, func(a []types.Value) types.Value {
			x, ok1 := arrayOf(a[0])
			y, ok2 := arrayOf(a[1])
			if !ok1 || !ok2 {
				return types.Null(types.Real)
			}
			inter := len(setOp("intersect", [][]any{x, y}))
			union := len(setOp("union", [][]any{x, y}))
			if union == 0 {
				return types.NewReal(math.NaN())
			}
			return types.NewReal(float64(inter) / float64(union))
		}, nil
	})
	for name, kind := range map[string]string{"series_fill_forward": "forward", "series_fill_backward": "backward",
		"series_fill_const": "const", "series_fill_linear": "linear"} {
		dynFn(name, 1, 3, NameNone, compileSeriesFill(name, kind))
	}
	for name, op := range map[string]string{"series_add": "+", "series_subtract": "-", "series_multiply": "*",
		"series_divide": "/", "series_greater": ">", "series_greater_equals": ">=", "series_less": "<",
		"series_less_equals": "<=", "series_equals": "==", "series_not_equals": "!="} {
		dynFn(name, 2, 2, NameNone, compileSeriesArith(name, op))
	}
	dynFn("series_fir", 2, 4, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("series_fir", args, 0, 1); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			filter, ok2 := numArray(a[1])
			if !ok || !ok2 || len(filter) == 0 {
				return types.Null(types.Dynamic)
			}
			normalize := len(a) < 3 || !a[2].Valid || a[2].I != 0
			center := len(a) > 3 && a[3].Valid && a[3].I != 0
			if center {
				return types.Null(types.Dynamic)
			}
			var fsum float64
			allInt := true
			for _, f := range filter {
				fsum += f
				if f != math.Trunc(f) {
					allInt = false
				}
			}
			if normalize && fsum != 0 && fsum != 1 {
				allInt = false
			}
			out := make([]any, len(arr))
			for i := range arr {
				var y float64
				for j, f := range filter {
					if i-j < 0 {
						continue
					}
					x, isInt, ok := seriesNum(arr[i-j])
					if ok && !isInt {
						allInt = false
					}
					if ok {
						y += f * x
					}
				}
				if normalize && fsum != 0 {
					y /= fsum
				}
				out[i] = y
			}
			if allInt {
				for i, v := range out {
					out[i] = int64(v.(float64))
				}
			}
			return types.NewDynamic(out)
		}, nil
	})
	dynFn("series_iir", 3, 3, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("series_iir", args, 0, 1, 2); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			x, ok := numArray(a[0])
			b, ok2 := numArray(a[1])
			den, ok3 := numArray(a[2])
			if !ok || !ok2 || !ok3 || len(den) == 0 || den[0] == 0 {
				return types.Null(types.Dynamic)
			}
			y := make([]float64, len(x))
			out := make([]any, len(x))
			for n := range x {
				var acc float64
				for i, bi := range b {
					if n-i >= 0 {
						acc += bi * x[n-i]
					}
				}
				for j := 1; j < len(den); j++ {
					if n-j >= 0 {
						acc -= den[j] * y[n-j]
					}
				}
				y[n] = acc / den[0]
				out[n] = y[n]
			}
			return types.NewDynamic(out)
		}, nil
	})
	trig := map[string]func(float64) float64{"sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
		"asin": math.Asin, "acos": math.Acos, "atan": math.Atan,
		"cot":     func(x float64) float64 { return 1 / math.Tan(x) },
		"degrees": func(x float64) float64 { return x * 180 / math.Pi },
		"radians": func(x float64) float64 { return x * math.Pi / 180 }}
	for name, f := range trig {
		f := f
		if _, exists := scalars[name]; exists {
			continue
		}
		realFn(name, NameNone, func(x float64) (float64, bool) { return f(x), true })
	}
	if _, exists := scalars["atan2"]; !exists {
		register(&Scalar{Name: "atan2", MinArgs: 2, MaxArgs: 2, NameKind: NameNone,
			Compile: func(args []Arg) (types.Type, EvalFunc, error) {
				for i := range args {
					if err := checkArg("atan2", args, i, isNumeric, "a number"); err != nil {
						return 0, nil, err
					}
				}
				return types.Real, nullIn(types.Real, func(a []types.Value) types.Value {
					return types.NewReal(math.Atan2(a[0].AsFloat(), a[1].AsFloat()))
				}), nil
			}})
	}
}
