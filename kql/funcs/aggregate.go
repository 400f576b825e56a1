package funcs

import (
	"math"
	"sort"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// AggState accumulates one group's aggregate. Add sees the evaluated
// arguments of one row; Merge folds in another state of the same aggregate
// that saw later rows (so first-seen orders survive parallel merging).
type AggState interface {
	Add(args []types.Value)
	Merge(other AggState)
	Result() []types.Value
}

// Aggregate is an aggregation function (summarize's count, min, make_set…).
type Aggregate struct {
	Name    string
	MinArgs int
	MaxArgs int
	// Compile checks the arguments and returns the result columns' types
	// (most aggregates have one; arg_max/arg_min have several) and a state
	// factory.
	Compile func(args []Arg) (resultTypes []types.Type, newState func() AggState, err error)
	// Prefix is the default result name prefix: count() -> "count_",
	// sum(x) -> "sum_x" (Prefix "sum"); "" means special naming (the binder
	// handles arg_max, take_any, percentiles).
	Prefix string
}

var aggregates = map[string]*Aggregate{}

func registerAgg(a *Aggregate) { aggregates[a.Name] = a }

func aliasAgg(name, target string) {
	a := *aggregates[target]
	a.Name = name
	aggregates[name] = &a
}

// LookupAggregate returns the aggregate of that name.
func LookupAggregate(name string) (*Aggregate, bool) {
	a, ok := aggregates[name]
	return a, ok
}

// AggregateNames lists the registered aggregates, sorted.
func AggregateNames() []string {
	out := make([]string, 0, len(aggregates))
	for n := range aggregates {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ---- count / countif ----

type countState struct {
	n    int64
	cond bool
}

func (s *countState) Add(a []types.Value) {
	if s.cond {
		if a[0].Valid && a[0].I != 0 {
			s.n++
		}
		return
	}
	s.n++
}
func (s *countState) Merge(o AggState)      { s.n += o.(*countState).n }
func (s *countState) Result() []types.Value { return []types.Value{types.NewLong(s.n)} }

// ---- sum / avg ----

type sumState struct {
	dec  decimalSum
	t    types.Type
	i    int64
	f    float64
	n    int64
	avg  bool
	cond bool
}

func (s *sumState) Add(a []types.Value) {
	if s.cond && !(len(a) > 1 && a[1].Valid && a[1].I != 0) {
		return
	}
	v := a[0]
	if !v.Valid {
		return
	}
	s.n++
	switch v.T {
	case types.Decimal:
		s.dec.add(v.F)
	case types.Real:
		s.f += v.F
	default:
		s.i += v.I
		s.f += float64(v.I)
	}
}
func (s *sumState) Merge(o AggState) {
	x := o.(*sumState)
	s.i += x.i
	s.f += x.f
	s.n += x.n
	s.dec.r.Add(&s.dec.r, &x.dec.r)
}
func (s *sumState) Result() []types.Value {
	if s.avg {
		switch s.t {
		case types.TimeSpan, types.DateTime:
			if s.n == 0 {
				return []types.Value{types.Null(s.t)}
			}
			return []types.Value{{T: s.t, Valid: true, I: int64(s.f / float64(s.n))}}
		}
		if s.n == 0 {
			return []types.Value{types.NewReal(math.NaN())}
		}
		if s.t.IsInteger() {
			return []types.Value{types.NewReal(float64(s.i) / float64(s.n))}
		}
		if s.t == types.Decimal {
			return []types.Value{types.NewReal(s.dec.avg(s.n))}
		}
		return []types.Value{types.NewReal(s.f / float64(s.n))}
	}
	switch s.t {
	case types.Decimal:
		return []types.Value{types.NewDecimal(s.dec.float())}
	case types.Real:
		return []types.Value{{T: s.t, Valid: true, F: s.f}}
	case types.TimeSpan:
		return []types.Value{types.NewTimeSpan(s.i)}
	default:
		return []types.Value{types.NewLong(s.i)}
	}
}

// ---- min / max ----

type minMaxState struct {
	t    types.Type
	max  bool
	cond bool
	has  bool
	nan  bool
	v    types.Value
}

func (s *minMaxState) Add(a []types.Value) {
	if s.cond && !(len(a) > 1 && a[1].Valid && a[1].I != 0) {
		return
	}
	v := a[0]
	if !v.Valid {
		return
	}
	if v.IsNaN() {
		s.nan = true
		return
	}
	if !s.has {
		s.v, s.has = v, true
		return
	}
	c := Compare(v, s.v)
	if (s.max && c > 0) || (!s.max && c < 0) {
		s.v = v
	}
}
func (s *minMaxState) Merge(o AggState) {
	x := o.(*minMaxState)
	if x.nan {
		s.nan = true
	}
	if x.has {
		s.Add([]types.Value{x.v, types.NewBool(true)})
	}
}
func (s *minMaxState) Result() []types.Value {
	if s.nan {
		return []types.Value{types.NewReal(math.NaN())}
	}
	if !s.has {
		return []types.Value{types.Null(s.t)}
	}
	return []types.Value{s.v}
}

// ---- make_set / make_list ----

type listState struct {
	set   bool
	cond  bool
	nulls bool
	max   int
	items []any
	seen  map[string]struct{}
}

func (s *listState) addItem(d any) {
	if s.max > 0 && len(s.items) >= s.max {
		return
	}
	if s.set {
		k := setKey(d)
		if _, dup := s.seen[k]; dup {
			return
		}
		s.seen[k] = struct{}{}
	}
	s.items = append(s.items, d)
}

func (s *listState) Add(a []types.Value) {
	if s.cond && !(len(a) > 1 && a[1].Valid && a[1].I != 0) {
		return
	}
	v := a[0]
	if !v.Valid {
		// a dynamic null is an element of a dynamic list (observed:
		// make_list over dynamic(null) and [5] gives [null, 5])
		if s.nulls || (v.T == types.Dynamic && !s.set) {
			s.addItem(nil)
		}
		return
	}
	if v.T == types.Decimal {
		// decimals inside dynamic values are held as their text
		s.addItem(formatDecimal(v.F))
		return
	}
	if v.T == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				s.addItem(e)
			}
			return
		}
	}
	s.addItem(types.ToDynamic(v))
}
func (s *listState) Merge(o AggState) {
	for _, d := range o.(*listState).items {
		s.addItem(d)
	}
}
func (s *listState) Result() []types.Value {
	items := s.items
	if items == nil {
		items = []any{}
	}
	return []types.Value{types.NewDynamic(items)}
}

func setKey(d any) string {
	switch x := d.(type) {
	case string:
		return "s" + x
	case int64, float64:
		return "n" + types.DynamicJSON(x, true)
	}
	return "j" + types.DynamicJSON(d, true)
}

// ---- dcount ----

type dcountState struct {
	cond bool
	seen map[string]struct{}
}

func (s *dcountState) Add(a []types.Value) {
	if s.cond && !(len(a) > 1 && a[1].Valid && a[1].I != 0) {
		return
	}
	if !a[0].Valid {
		return
	}
	s.seen[KeyString(a[0])] = struct{}{}
}
func (s *dcountState) Merge(o AggState) {
	for k := range o.(*dcountState).seen {
		s.seen[k] = struct{}{}
	}
}
func (s *dcountState) Result() []types.Value { return []types.Value{types.NewLong(int64(len(s.seen)))} }

// KeyString returns a string that is equal for two values exactly when they
// are equal as grouping keys (type-tagged, so 1 and "1" differ).
func KeyString(v types.Value) string {
	if !v.Valid {
		return "\x00null"
	}
	switch v.T {
	case types.String, types.Guid:
		return "s" + v.S
	case types.Real, types.Decimal:
		return "r" + types.FormatReal(v.F)
	case types.Dynamic:
		return "d" + types.DynamicJSON(v.D, true)
	default:
		return string(rune('a'+v.T)) + types.ToString(types.NewLong(v.I))
	}
}

// ---- take_any ----

type anyState struct {
	t   []types.Type
	has bool
	v   []types.Value
}

func (s *anyState) Add(a []types.Value) {
	if s.has {
		return
	}
	s.v = append([]types.Value(nil), a...)
	s.has = true
}
func (s *anyState) Merge(o AggState) {
	if x := o.(*anyState); !s.has && x.has {
		s.v, s.has = x.v, true
	}
}
func (s *anyState) Result() []types.Value {
	if !s.has {
		out := make([]types.Value, len(s.t))
		for i, t := range s.t {
			out[i] = types.Null(t)
		}
		return out
	}
	return s.v
}

// ---- arg_max / arg_min ----

type argState struct {
	t   []types.Type
	max bool
	has bool
	nan bool
	v   []types.Value
}

func (s *argState) Add(a []types.Value) {
	key := a[0]
	if !s.has {
		s.v = append([]types.Value(nil), a...)
		s.has = true
		s.nan = key.IsNaN()
		return
	}
	if s.nan {
		return
	}
	if key.IsNaN() {
		s.v = append([]types.Value(nil), a...)
		s.nan = true
		return
	}
	if !key.Valid {
		return
	}
	if !s.v[0].Valid {
		s.v = append([]types.Value(nil), a...)
		return
	}
	c := Compare(key, s.v[0])
	if (s.max && c > 0) || (!s.max && c < 0) {
		s.v = append([]types.Value(nil), a...)
	}
}
func (s *argState) Merge(o AggState) {
	if x := o.(*argState); x.has {
		s.Add(x.v)
	}
}
func (s *argState) Result() []types.Value {
	if !s.has {
		out := make([]types.Value, len(s.t))
		for i, t := range s.t {
			out[i] = types.Null(t)
		}
		return out
	}
	return s.v
}

func condArg(name string, args []Arg, idx int) error {
	if idx < len(args) && args[idx].Type != types.Bool {
		return argErr("%s(): the predicate argument must be bool, not %s", name, args[idx].Type)
	}
	return nil
}

func maxArg(args []Arg, idx int, def int) (int, error) {
	if idx >= len(args) {
		return def, nil
	}
	if args[idx].Const == nil || !args[idx].Const.T.IsInteger() {
		return 0, argErr("the size limit must be a constant integer")
	}
	return int(args[idx].Const.I), nil
}

func init() {
	registerAgg(&Aggregate{Name: "count", MinArgs: 0, MaxArgs: 1, Prefix: "count",
		Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
			return []types.Type{types.Long}, func() AggState { return &countState{} }, nil
		}})
	registerAgg(&Aggregate{Name: "countif", MinArgs: 1, MaxArgs: 1, Prefix: "countif",
		Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
			if err := condArg("countif", args, 0); err != nil {
				return nil, nil, err
			}
			return []types.Type{types.Long}, func() AggState { return &countState{cond: true} }, nil
		}})
	sumLike := func(name string, avg, cond bool) {
		registerAgg(&Aggregate{Name: name, MinArgs: 1 + b2i(cond), MaxArgs: 1 + b2i(cond), Prefix: name,
			Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
				t := args[0].Type
				if !t.IsNumeric() && t != types.TimeSpan && !(avg && t == types.DateTime) {
					return nil, nil, argErr("%s(): argument must be numeric or timespan, not %s", name, t)
				}
				if cond {
					if err := condArg(name, args, 1); err != nil {
						return nil, nil, err
					}
				}
				rt := t
				if avg {
					if t.IsNumeric() {
						rt = types.Real
					}
				} else if t == types.Int {
					rt = types.Long
				}
				return []types.Type{rt}, func() AggState { return &sumState{t: t, avg: avg, cond: cond} }, nil
			}})
	}
	sumLike("sum", false, false)
	sumLike("sumif", false, true)
	sumLike("avg", true, false)
	sumLike("avgif", true, true)
	minMax := func(name string, max, cond bool) {
		registerAgg(&Aggregate{Name: name, MinArgs: 1 + b2i(cond), MaxArgs: 1 + b2i(cond), Prefix: name,
			Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
				t := args[0].Type
				if !t.IsOrderable() {
					return nil, nil, argErr("%s(): argument of type %s cannot be ordered", name, t)
				}
				if cond {
					if err := condArg(name, args, 1); err != nil {
						return nil, nil, err
					}
				}
				return []types.Type{t}, func() AggState { return &minMaxState{t: t, max: max, cond: cond} }, nil
			}})
	}
	minMax("min", false, false)
	minMax("max", true, false)
	minMax("minif", false, true)
	minMax("maxif", true, true)
	list := func(name, prefix string, set, cond, nulls bool, def int) {
		n := 1 + b2i(cond)
		registerAgg(&Aggregate{Name: name, MinArgs: n, MaxArgs: n + 1, Prefix: prefix,
			Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
				if cond {
					if err := condArg(name, args, 1); err != nil {
						return nil, nil, err
					}
				}
				max, err := maxArg(args, n, def)
				if err != nil {
					return nil, nil, err
				}
				return []types.Type{types.Dynamic}, func() AggState {
					return &listState{set: set, cond: cond, nulls: nulls, max: max, seen: map[string]struct{}{}}
				}, nil
			}})
	}
	const bigList = 1048576
	list("make_set", "set", true, false, false, bigList)
	list("make_set_if", "set", true, true, false, bigList)
	list("makeset", "set", true, false, false, 128)
	list("make_list", "list", false, false, false, bigList)
	list("make_list_if", "list", false, true, false, bigList)
	list("makelist", "list", false, false, false, 128)
	list("make_list_with_nulls", "list", false, false, true, bigList)
	dc := func(name string, cond bool) {
		registerAgg(&Aggregate{Name: name, MinArgs: 1 + b2i(cond), MaxArgs: 2 + b2i(cond), Prefix: name,
			Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
				if cond {
					if err := condArg(name, args, 1); err != nil {
						return nil, nil, err
					}
				}
				return []types.Type{types.Long}, func() AggState { return &dcountState{cond: cond, seen: map[string]struct{}{}} }, nil
			}})
	}
	dc("dcount", false)
	dc("dcountif", true)
	registerAgg(&Aggregate{Name: "count_distinct", MinArgs: 1, MaxArgs: 1, Prefix: "count_distinct",
		Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
			return []types.Type{types.Long}, func() AggState { return &dcountState{seen: map[string]struct{}{}} }, nil
		}})
	registerAgg(&Aggregate{Name: "take_any", MinArgs: 1, MaxArgs: 64, Prefix: "",
		Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
			ts := make([]types.Type, len(args))
			for i, a := range args {
				ts[i] = a.Type
			}
			return ts, func() AggState { return &anyState{t: ts} }, nil
		}})
	aliasAgg("any", "take_any")
	argFn := func(name string, max bool) {
		registerAgg(&Aggregate{Name: name, MinArgs: 1, MaxArgs: 64, Prefix: "",
			Compile: func(args []Arg) ([]types.Type, func() AggState, error) {
				if !args[0].Type.IsOrderable() {
					return nil, nil, argErr("%s(): the first argument of type %s cannot be ordered", name, args[0].Type)
				}
				ts := make([]types.Type, len(args))
				for i, a := range args {
					ts[i] = a.Type
				}
				return ts, func() AggState { return &argState{t: ts, max: max} }, nil
			}})
	}
	argFn("arg_max", true)
	argFn("arg_min", false)
	aliasAgg("argmax", "arg_max")
	aliasAgg("argmin", "arg_min")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
