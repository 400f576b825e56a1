package funcs

import (
	"math"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// aggVec runs an aggregate over rows (each row is the argument list) and
// compares the rendered results. Constant trailing arguments (percentile
// numbers, size limits) come from consts.
type aggVec struct {
	name   string
	fn     string
	consts []types.Value // extra constant arguments after the row arguments
	argT   []types.Type
	rows   [][]types.Value
	want   []string
	err    string
}

func runAgg(t *testing.T, vs []aggVec) {
	t.Helper()
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			a, ok := LookupAggregate(v.fn)
			if !ok {
				t.Fatalf("aggregate %s is not registered", v.fn)
			}
			var args []Arg
			for _, ty := range v.argT {
				args = append(args, Arg{Type: ty})
			}
			for i := range v.consts {
				c := v.consts[i]
				args = append(args, Arg{Type: c.T, Const: &c})
			}
			rts, newState, err := a.Compile(args)
			if v.err != "" {
				if err == nil || !strings.Contains(err.Error(), v.err) {
					t.Fatalf("want error containing %q, got %v", v.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Feed the rows into two states and merge them, as a parallel
			// executor would, and also into one state; both must agree.
			one, left, right := newState(), newState(), newState()
			for i, r := range v.rows {
				row := append(append([]types.Value(nil), r...), v.consts...)
				one.Add(row)
				if i < len(v.rows)/2 {
					left.Add(row)
				} else {
					right.Add(row)
				}
			}
			left.Merge(right)
			for _, st := range []AggState{one, left} {
				res := st.Result()
				if len(res) != len(rts) {
					t.Fatalf("%d results for %d result types", len(res), len(rts))
				}
				for i, r := range res {
					if r.T != rts[i] {
						t.Errorf("result %d has type %s, compiled %s", i, r.T, rts[i])
					}
					if got := show(r); got != v.want[i] {
						t.Errorf("result %d = %s, want %s", i, got, v.want[i])
					}
				}
			}
		})
	}
}

func longs(xs ...int64) [][]types.Value {
	out := make([][]types.Value, len(xs))
	for i, x := range xs {
		out[i] = []types.Value{L(x)}
	}
	return out
}

func reals(xs ...float64) [][]types.Value {
	out := make([][]types.Value, len(xs))
	for i, x := range xs {
		out[i] = []types.Value{R(x)}
	}
	return out
}

func TestVectorsStdevVariance(t *testing.T) {
	lt := []types.Type{types.Long}
	rt := []types.Type{types.Real}
	one10 := longs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	runAgg(t, []aggVec{
		{name: "stdev 1..10", fn: "stdev", argT: lt, rows: one10, want: []string{"real:3.027650354102996"}},
		{name: "variance 1..10 (rounded to 10 places)", fn: "variance", argT: lt, rows: one10, want: []string{"real:9.1666666667"}},
		{name: "stdevp 1..10", fn: "stdevp", argT: lt, rows: one10, want: []string{"real:2.8722813232690143"}},
		{name: "variancep 1..10", fn: "variancep", argT: lt, rows: one10, want: []string{"real:8.25"}},
		{name: "stdev 1..6 real", fn: "stdev", argT: rt, rows: reals(1, 2, 3, 4, 5, 6), want: []string{"real:1.8708286933869707"}},
		{name: "stdevp 1..6 real", fn: "stdevp", argT: rt, rows: reals(1, 2, 3, 4, 5, 6), want: []string{"real:1.707825127669692"}},
		{name: "variance 1..6", fn: "variance", argT: rt, rows: reals(1, 2, 3, 4, 5, 6), want: []string{"real:3.5"}},
		{name: "variancep 1..6", fn: "variancep", argT: rt, rows: reals(1, 2, 3, 4, 5, 6), want: []string{"real:2.9166666667"}},
		{name: "single value", fn: "stdev", argT: lt, rows: longs(5), want: []string{"real:0.0"}},
		{name: "single value p", fn: "variancep", argT: lt, rows: longs(5), want: []string{"real:0.0"}},
		{name: "empty", fn: "stdev", argT: lt, rows: nil, want: []string{"real:0.0"}},
		{name: "constant", fn: "variance", argT: lt, rows: longs(5, 5, 5, 5, 5), want: []string{"real:0.0"}},
		{name: "1.5 2.5 3.5", fn: "stdev", argT: rt, rows: reals(1.5, 2.5, 3.5), want: []string{"real:1.0"}},
		{name: "1..4", fn: "stdev", argT: lt, rows: longs(1, 2, 3, 4), want: []string{"real:1.2909944487487155"}},
		{name: "1..4 var", fn: "variance", argT: lt, rows: longs(1, 2, 3, 4), want: []string{"real:1.6666666667"}},
		{name: "1..4 stdevp", fn: "stdevp", argT: lt, rows: longs(1, 2, 3, 4), want: []string{"real:1.118033988749895"}},
		{name: "1..4 variancep", fn: "variancep", argT: lt, rows: longs(1, 2, 3, 4), want: []string{"real:1.25"}},
		{name: "1.5 3.5", fn: "stdev", argT: rt, rows: reals(1.5, 3.5), want: []string{"real:1.4142135623730951"}},
		{name: "1.5..4.5 var", fn: "variance", argT: rt, rows: reals(1.5, 2.5, 3.5, 4.5), want: []string{"real:1.6666666667"}},
		{name: "1 3 stdev", fn: "stdev", argT: lt, rows: longs(1, 3), want: []string{"real:1.4142135623730951"}},
		{name: "NaN", fn: "stdev", argT: rt, rows: reals(math.NaN(), math.NaN()), want: []string{"real:NaN"}},
		{name: "infinities", fn: "variance", argT: rt, rows: reals(math.Inf(1), math.Inf(-1), 1.5), want: []string{"real:NaN"}},
		{name: "nulls ignored", fn: "variance", argT: lt, rows: [][]types.Value{{L(1)}, {N(types.Long)}, {L(3)}}, want: []string{"real:2.0"}},
		{name: "stdevif", fn: "stdevif", argT: []types.Type{types.Long, types.Bool},
			rows: [][]types.Value{{L(1), B(true)}, {L(100), B(false)}, {L(3), B(true)}, {L(7), N(types.Bool)}}, want: []string{"real:1.4142135623730951"}},
		{name: "varianceif", fn: "varianceif", argT: []types.Type{types.Long, types.Bool},
			rows: [][]types.Value{{L(1), B(true)}, {L(100), B(false)}, {L(3), B(true)}}, want: []string{"real:2.0"}},
		{name: "string rejected", fn: "stdev", argT: []types.Type{types.String}, err: "must be a number"},
		{name: "stdevif needs bool", fn: "stdevif", argT: []types.Type{types.Long, types.Long}, err: "must be bool"},
	})
}

func TestVectorsPercentile(t *testing.T) {
	lt := []types.Type{types.Long}
	runAgg(t, []aggVec{
		{name: "p50 of 1..5", fn: "percentile", argT: lt, consts: []types.Value{L(50)}, rows: longs(1, 2, 3, 4, 5), want: []string{"long:3"}},
		{name: "p25 of 10,20", fn: "percentile", argT: lt, consts: []types.Value{L(25)}, rows: longs(10, 20), want: []string{"long:10"}},
		{name: "p50 of 10,20", fn: "percentile", argT: lt, consts: []types.Value{L(50)}, rows: longs(10, 20), want: []string{"long:10"}},
		{name: "p50 with nulls", fn: "percentile", argT: lt, consts: []types.Value{L(50)},
			rows: [][]types.Value{{L(5)}, {L(10)}, {L(15)}, {N(types.Long)}, {N(types.Long)}}, want: []string{"long:10"}},
		{name: "p50 of 1..3", fn: "percentile", argT: lt, consts: []types.Value{L(50)}, rows: longs(3, 1, 2), want: []string{"long:2"}},
		{name: "p25 of 1..3", fn: "percentile", argT: lt, consts: []types.Value{L(25)}, rows: longs(1, 2, 3), want: []string{"long:1"}},
		{name: "real p50", fn: "percentile", argT: []types.Type{types.Real}, consts: []types.Value{L(50)}, rows: reals(1.5, 2.5, 3.5, 4.5), want: []string{"real:2.5"}},
		{name: "real p50 pair", fn: "percentile", argT: []types.Type{types.Real}, consts: []types.Value{L(50)}, rows: reals(1.5, 3.5), want: []string{"real:1.5"}},
		{name: "p0 p100", fn: "percentiles", argT: lt, consts: []types.Value{L(0), L(100)}, rows: longs(7, 3, 9), want: []string{"long:3", "long:9"}},
		{name: "percentiles 50", fn: "percentiles", argT: lt, consts: []types.Value{L(50)}, rows: longs(1, 2, 3, 4, 5), want: []string{"long:3"}},
		{name: "percentiles several", fn: "percentiles", argT: lt, consts: []types.Value{L(50), L(75), R(99.5)},
			rows: longs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), want: []string{"long:5", "long:8", "long:10"}},
		{name: "empty", fn: "percentile", argT: lt, consts: []types.Value{L(50)}, rows: nil, want: []string{"long(null)"}},
		{name: "timespan", fn: "percentile", argT: []types.Type{types.TimeSpan}, consts: []types.Value{L(50)},
			rows: [][]types.Value{{ts("1h")}, {ts("2h")}, {ts("3h")}}, want: []string{"timespan:02:00:00"}},
		{name: "out of range", fn: "percentile", argT: lt, consts: []types.Value{L(101)}, err: "outside 0..100"},
		{name: "string value", fn: "percentile", argT: []types.Type{types.String}, consts: []types.Value{L(50)}, err: "must be a number"},
	})
	if a, _ := LookupAggregate("percentiles"); a.Prefix != "percentile" {
		t.Errorf("percentiles prefix %q", a.Prefix)
	}
}

func TestVectorsMakeBag(t *testing.T) {
	dt := []types.Type{types.Dynamic}
	runAgg(t, []aggVec{
		{name: "merge", fn: "make_bag", argT: dt, rows: [][]types.Value{{dyn(`{"a":1}`)}, {dyn(`{"b":2}`)}}, want: []string{`dynamic:{"a":1,"b":2}`}},
		{name: "first key wins", fn: "make_bag", argT: dt,
			rows: [][]types.Value{{dyn(`{"a":1,"b":2}`)}, {dyn(`{"a":10,"c":3}`)}, {dyn(`{"b":99}`)}}, want: []string{`dynamic:{"a":1,"b":2,"c":3}`}},
		{name: "three bags", fn: "make_bag", argT: dt,
			rows: [][]types.Value{{dyn(`{"a":1}`)}, {dyn(`{"b":2}`)}, {dyn(`{"a":3,"c":4}`)}}, want: []string{`dynamic:{"a":1,"b":2,"c":4}`}},
		{name: "null values kept", fn: "make_bag", argT: dt,
			rows: [][]types.Value{{dyn(`{"1":10}`)}, {dyn(`{"2":null}`)}}, want: []string{`dynamic:{"1":10,"2":null}`}},
		{name: "nulls and non-bags ignored", fn: "make_bag", argT: dt,
			rows: [][]types.Value{{N(types.Dynamic)}, {dyn("[1]")}, {dyn(`{"a":1}`)}}, want: []string{`dynamic:{"a":1}`}},
		{name: "empty", fn: "make_bag", argT: dt, rows: nil, want: []string{"dynamic:{}"}},
		{name: "size limit", fn: "make_bag", argT: dt, consts: []types.Value{L(1)},
			rows: [][]types.Value{{dyn(`{"a":1,"b":2}`)}}, want: []string{`dynamic:{"a":1}`}},
		{name: "make_bag_if", fn: "make_bag_if", argT: []types.Type{types.Dynamic, types.Bool},
			rows: [][]types.Value{{dyn(`{"a":1}`), B(false)}, {dyn(`{"b":2}`), B(true)}}, want: []string{`dynamic:{"b":2}`}},
		{name: "not dynamic", fn: "make_bag", argT: []types.Type{types.String}, err: "property bag"},
	})
	if a, _ := LookupAggregate("make_bag"); a.Prefix != "bag" {
		t.Errorf("make_bag prefix %q", a.Prefix)
	}
}

func TestRound10(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{55.0 / 6, 9.1666666667}, {5.0 / 3, 1.6666666667}, {8.25, 8.25}, {1e20, 1e20},
	} {
		if got := round10(c.in); got != c.want {
			t.Errorf("round10(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(round10(math.NaN())) {
		t.Error("round10(NaN) is not NaN")
	}
}
