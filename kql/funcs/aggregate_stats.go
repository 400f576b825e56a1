package funcs

import (
	"math"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Statistical aggregates (stdev, variance and their population and _if
// forms), exact nearest-rank percentiles, and make_bag.

// ---- stdev / variance ----

// round10 rounds to 10 decimal places with the same floating-point steps as
// .NET's Math.Round(x, 10): the real engine's variance results are rounded
// so (variance([1..10]) = 9.1666666667) and stdev is the square root of the
// rounded variance (observed).
func round10(x float64) float64 {
	if math.Abs(x) >= 1e16 || math.IsNaN(x) {
		return x
	}
	y := x * 1e10
	y = math.RoundToEven(y)
	return y / 1e10
}

type varianceState struct {
	cond bool
	pop  bool
	sqrt bool
	n    float64
	mean float64
	m2   float64
}

func (s *varianceState) Add(a []types.Value) {
	if s.cond && !(len(a) > 1 && a[1].Valid && a[1].I != 0) {
		return
	}
	if !a[0].Valid {
		return
	}
	x := a[0].AsFloat()
	s.n++
	d := x - s.mean
	s.mean += d / s.n
	s.m2 += d * (x - s.mean)
}

// Merge combines two partial states (Chan et al.).
func (s *varianceState) Merge(o AggState) {
	x := o.(*varianceState)
	if x.n == 0 {
		return
	}
	if s.n == 0 {
		s.n, s.mean, s.m2 = x.n, x.mean, x.m2
		return
	}
	n := s.n + x.n
	d := x.mean - s.mean
	s.m2 += x.m2 + d*d*s.n*x.n/n
	s.mean += d * x.n / n
	s.n = n
}

func (s *varianceState) Result() []types.Value {
	v := 0.0
	switch {
	case s.pop && s.n > 0:
		v = s.m2 / s.n
	case !s.pop && s.n > 1:
		v = s.m2 / (s.n - 1)
	}
	if s.n > 0 && (math.IsNaN(s.m2) || math.IsInf(s.mean, 0)) {
		v = math.NaN()
	}
	v = round10(v)
	if s.sqrt {
		v = math.Sqrt(v)
	}
	return []types.Value{types.NewReal(v)}
}

// ---- percentile(s) ----

type percentileState struct {
	t    types.Type
	ps   []float64
	vals []types.Value
}

func (s *percentileState) Add(a []types.Value) {
	if a[0].Valid {
		s.vals = append(s.vals, a[0])
	}
}

func (s *percentileState) Merge(o AggState) { s.vals = append(s.vals, o.(*percentileState).vals...) }

// Result returns the nearest-rank percentiles: the smallest value with at
// least p % of the values at or below it.
func (s *percentileState) Result() []types.Value {
	out := make([]types.Value, len(s.ps))
	if len(s.vals) == 0 {
		for i := range out {
			out[i] = types.Null(s.t)
		}
		return out
	}
	vals := append([]types.Value(nil), s.vals...)
	sort.SliceStable(vals, func(i, j int) bool { return Compare(vals[i], vals[j]) < 0 })
	n := float64(len(vals))
	for i, p := range s.ps {
		rank := int(math.Ceil(p / 100 * n))
		if rank < 1 {
			rank = 1
		}
		if rank > len(vals) {
			rank = len(vals)
		}
		out[i] = vals[rank-1]
	}
	return out
}

func compilePercentiles(name string, multi bool) func([]Arg) ([]types.Type, func() AggState, error) {
	return func(args []Arg) ([]types.Type, func() AggState, error) {
		t := args[0].Type
		if !t.IsNumeric() && t != types.DateTime && t != types.TimeSpan {
			return nil, nil, argErr("%s(): the value must be a number, datetime or timespan, not %s", name, t)
		}
		if !multi && len(args) != 2 {
			return nil, nil, argErr("%s(): takes a value and one percentile", name)
		}
		var ps []float64
		for i := 1; i < len(args); i++ {
			c := args[i].Const
			if c == nil || !c.Valid || !c.T.IsNumeric() {
				if args[i].Type == types.Dynamic {
					return nil, nil, argErr("%s(): a dynamic array of percentiles (percentiles_array) is not supported", name)
				}
				return nil, nil, argErr("%s(): argument %d must be a constant number", name, i+1)
			}
			p := c.AsFloat()
			if p < 0 || p > 100 || math.IsNaN(p) {
				return nil, nil, argErr("%s(): percentile %v is outside 0..100", name, p)
			}
			ps = append(ps, p)
		}
		rts := make([]types.Type, len(ps))
		for i := range rts {
			rts[i] = t
		}
		return rts, func() AggState { return &percentileState{t: t, ps: ps} }, nil
	}
}

// ---- make_bag ----

type bagState struct {
	cond bool
	max  int
	bag  *types.Bag
}

func (s *bagState) addBag(b *types.Bag) {
	for _, k := range b.Keys {
		if s.max > 0 && s.bag.Len() >= s.max {
			return
		}
		if _, dup := s.bag.Get(k); !dup { // the first value of a key wins (observed)
			s.bag.Set(k, b.Vals[k])
		}
	}
}

func (s *bagState) Add(a []types.Value) {
	if s.cond && !(len(a) > 1 && a[1].Valid && a[1].I != 0) {
		return
	}
	if b, ok := bagOf(a[0]); ok {
		s.addBag(b)
	}
}

func (s *bagState) Merge(o AggState)      { s.addBag(o.(*bagState).bag) }
func (s *bagState) Result() []types.Value { return []types.Value{types.NewDynamic(s.bag)} }

func init() {
	variance := func(name string, cond, pop, sqrt bool) {
		n := 1 + b2i(cond)
		registerAgg(&Aggregate{Name: name, MinArgs: n, MaxArgs: n, Prefix: name,
			Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
				if !args[0].Type.IsNumeric() {
					return nil, nil, argErr("%s(): the argument must be a number, not %s", name, args[0].Type)
				}
				if cond {
					if err := condArg(name, args, 1); err != nil {
						return nil, nil, err
					}
				}
				return []types.Type{types.Real}, func() AggState {
					return &varianceState{cond: cond, pop: pop, sqrt: sqrt}
				}, nil
			}})
	}
	variance("stdev", false, false, true)
	variance("stdevif", true, false, true)
	variance("stdevp", false, true, true)
	variance("stdevpif", true, true, true)
	variance("variance", false, false, false)
	variance("varianceif", true, false, false)
	variance("variancep", false, true, false)
	variance("variancepif", true, true, false)

	registerAgg(&Aggregate{Name: "percentile", MinArgs: 2, MaxArgs: 2, Prefix: "percentile",
		Compile: compilePercentiles("percentile", false)})
	registerAgg(&Aggregate{Name: "percentiles", MinArgs: 2, MaxArgs: 64, Prefix: "percentile",
		Compile: compilePercentiles("percentiles", true)})

	bag := func(name string, cond bool) {
		n := 1 + b2i(cond)
		registerAgg(&Aggregate{Name: name, MinArgs: n, MaxArgs: n + 1, Prefix: "bag",
			Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
				if args[0].Type != types.Dynamic {
					return nil, nil, argErr("%s(): the argument must be a dynamic property bag, not %s", name, args[0].Type)
				}
				if cond {
					if err := condArg(name, args, 1); err != nil {
						return nil, nil, err
					}
				}
				max, err := maxArg(args, n, 1048576)
				if err != nil {
					return nil, nil, err
				}
				return []types.Type{types.Dynamic}, func() AggState {
					return &bagState{cond: cond, max: max, bag: types.NewBag()}
				}, nil
			}})
	}
	bag("make_bag", false)
	bag("make_bag_if", true)
}
