package funcs

import (
	"math"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestVectorsMath(t *testing.T) {
	nan, inf := R(math.NaN()), R(math.Inf(1))
	negZero := R(math.Copysign(0, -1))
	runVectors(t, []vec{
		// round: half away from zero (oracle), Parameter0 type
		{fn: "round", args: []types.Value{R(1.5)}, want: "real:2.0"},
		{fn: "round", args: []types.Value{R(2.5)}, want: "real:3.0"},
		{fn: "round", args: []types.Value{R(-1.5)}, want: "real:-2.0"},
		{fn: "round", args: []types.Value{R(-2.5)}, want: "real:-3.0"},
		{fn: "round", args: []types.Value{R(0.5)}, want: "real:1.0"},
		{fn: "round", args: []types.Value{R(-0.5)}, want: "real:-1.0"},
		{fn: "round", args: []types.Value{R(2.49999999)}, want: "real:2.0"},
		{fn: "round", args: []types.Value{R(2.5), L(0)}, want: "real:3.0"},
		{fn: "round", args: []types.Value{R(3.14159), L(2)}, want: "real:3.14"},
		{fn: "round", args: []types.Value{R(1234.5678), L(-2)}, want: "real:1200.0"},
		{fn: "round", args: []types.Value{L(1250), L(-2)}, want: "long:1300"},
		{fn: "round", args: []types.Value{L(-1250), L(-2)}, want: "long:-1300"},
		{fn: "round", args: []types.Value{L(7)}, want: "long:7"},
		{fn: "round", args: []types.Value{N(types.Real)}, want: "real(null)"},
		{fn: "round", args: []types.Value{S("1")}, err: "must be a number"},
		// ceiling
		{fn: "ceiling", args: []types.Value{R(1.5)}, want: "real:2.0"},
		{fn: "ceiling", args: []types.Value{R(-1.5)}, want: "real:-1.0"},
		{fn: "ceiling", args: []types.Value{R(-0.5)}, want: "real:-0.0"},
		{fn: "ceiling", args: []types.Value{I(3)}, want: "int:3"},
		// abs
		{fn: "abs", args: []types.Value{I(-5)}, want: "long:5"},
		{fn: "abs", args: []types.Value{L(-9999999999)}, want: "long:9999999999"},
		{fn: "abs", args: []types.Value{nan}, want: "real:NaN"},
		{fn: "abs", args: []types.Value{R(math.Inf(-1))}, want: "real:inf"},
		{fn: "abs", args: []types.Value{ts("-1d")}, want: "timespan:1.00:00:00"},
		{fn: "abs", args: []types.Value{S("x")}, err: "number or timespan"},
		// sign: real, sign(NaN) = 0
		{fn: "sign", args: []types.Value{I(-5)}, want: "real:-1.0"},
		{fn: "sign", args: []types.Value{I(0)}, want: "real:0.0"},
		{fn: "sign", args: []types.Value{nan}, want: "real:0.0"},
		{fn: "sign", args: []types.Value{inf}, want: "real:1.0"},
		{fn: "sign", args: []types.Value{negZero}, want: "real:0.0"},
		// pow, exp, logs
		{fn: "pow", args: []types.Value{L(2), L(10)}, want: "real:1024.0"},
		{fn: "pow", args: []types.Value{L(2), L(-1)}, want: "real:0.5"},
		{fn: "pow", args: []types.Value{R(2), R(0.5)}, want: "real:1.4142135623730951"},
		{fn: "pow", args: []types.Value{L(-8), R(1.0 / 3.0)}, want: "real:NaN"},
		{fn: "pow", args: []types.Value{I(-5), L(2)}, want: "real:25.0"},
		{fn: "exp", args: []types.Value{R(-5.5)}, want: "real:0.004086771438464067"},
		{fn: "exp", args: []types.Value{R(0.1)}, want: "real:1.1051709180756477"},
		{fn: "exp", args: []types.Value{R(100000.5)}, want: "real:inf"},
		{fn: "exp2", args: []types.Value{L(10)}, want: "real:1024.0"},
		{fn: "exp10", args: []types.Value{L(3)}, want: "real:1000.0"},
		{fn: "log", args: []types.Value{L(5)}, want: "real:1.6094379124341003"},
		{fn: "log", args: []types.Value{L(-1)}, want: "real(null)"},
		{fn: "log", args: []types.Value{L(0)}, want: "real:-inf"},
		{fn: "log10", args: []types.Value{R(6.5)}, want: "real:0.8129133566428556", approx: true},
		{fn: "log10", args: []types.Value{R(100001.5)}, want: "real:5.000006514368371"},
		{fn: "log2", args: []types.Value{R(6.5)}, want: "real:2.700439718141092"},
		{fn: "log2", args: []types.Value{R(1.1)}, want: "real:0.13750352374993502"},
		{fn: "sqrt", args: []types.Value{L(16)}, want: "real:4.0"},
		{fn: "sqrt", args: []types.Value{L(-1)}, want: "real(null)"},
		{fn: "pi", args: nil, want: "real:3.141592653589793"},
		// isnan / isinf / isfinite
		{fn: "isnan", args: []types.Value{nan}, want: "bool:True"},
		{fn: "isnan", args: []types.Value{R(1)}, want: "bool:False"},
		{fn: "isinf", args: []types.Value{inf}, want: "bool:True"},
		{fn: "isinf", args: []types.Value{nan}, want: "bool:False"},
		{fn: "isfinite", args: []types.Value{R(1)}, want: "bool:True"},
		{fn: "isfinite", args: []types.Value{inf}, want: "bool:False"},
		{fn: "isfinite", args: []types.Value{nan}, want: "bool:False"},
		{fn: "isfinite", args: []types.Value{negZero}, want: "bool:True"},
		// min_of / max_of
		{fn: "max_of", args: []types.Value{L(10), L(1), L(-3), L(17)}, want: "long:17"},
		{fn: "max_of", args: []types.Value{I(1), N(types.Int)}, want: "int:1"},
		{fn: "max_of", args: []types.Value{N(types.Int), I(2)}, want: "int:2"},
		{fn: "max_of", args: []types.Value{N(types.Int), N(types.Int)}, want: "int(null)"},
		{fn: "max_of", args: []types.Value{I(-5), L(0)}, want: "long:0"},
		{fn: "min_of", args: []types.Value{I(42), L(-9999999999)}, want: "long:-9999999999"},
		{fn: "min_of", args: []types.Value{nan, R(1)}, want: "real:NaN"},
		{fn: "max_of", args: []types.Value{nan, R(1)}, want: "real:NaN"},
		{fn: "max_of", args: []types.Value{S("b"), S("a")}, want: "string:b"},
		{fn: "min_of", args: []types.Value{dt("2020-01-02"), dt("2020-01-01")}, want: "datetime:2020-01-01T00:00:00.0000000Z"},
		{fn: "min_of", args: []types.Value{L(1), R(2.5)}, err: "different types"},
		{fn: "max_of", args: []types.Value{L(1), L(2), R(3)}, err: "different types"},
		{fn: "max_of", args: []types.Value{dyn("1"), dyn("2")}, err: "must not be dynamic"},
		// bitwise
		{fn: "binary_and", args: []types.Value{L(12), L(10)}, want: "long:8"},
		{fn: "binary_or", args: []types.Value{L(12), L(10)}, want: "long:14"},
		{fn: "binary_xor", args: []types.Value{L(12), L(10)}, want: "long:6"},
		{fn: "binary_not", args: []types.Value{L(100)}, want: "long:-101"},
		{fn: "binary_shift_left", args: []types.Value{L(1), L(20)}, want: "long:1048576"},
		{fn: "binary_shift_right", args: []types.Value{L(-16), L(2)}, want: "long:-4"},
		{fn: "binary_shift_left", args: []types.Value{L(1), L(64)}, want: "long(null)"},
		{fn: "binary_and", args: []types.Value{N(types.Long), L(1)}, want: "long(null)"},
		{fn: "binary_and", args: []types.Value{R(1), L(1)}, err: "must be an integer"},
	})
}

func TestRoundAwayHalfCases(t *testing.T) {
	// Scaled rounding has the same floating-point steps as .NET's
	// Math.Round(x, digits): 2.675*100 is exactly 267.5, so 2.675 rounds up.
	cases := []struct {
		x    float64
		p    int64
		want float64
	}{{2.675, 2, 2.68}, {1.005, 2, 1}, {-1.25, 1, -1.3}, {1e17 + 0.5, 2, 1e17 + 0.5}}
	for _, c := range cases {
		if got := roundAway(c.x, c.p); got != c.want {
			t.Errorf("roundAway(%v, %d) = %v, want %v", c.x, c.p, got, c.want)
		}
	}
}
