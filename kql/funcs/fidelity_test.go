package funcs

import (
	"math"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// call compiles and evaluates a scalar function with constant arguments and
// renders the result as "type:text" ("type(null)" for nulls).
func call(t *testing.T, name string, args ...types.Value) string {
	t.Helper()
	fn, ok := LookupScalar(name)
	if !ok {
		t.Fatalf("no function %s", name)
	}
	as := make([]Arg, len(args))
	for i := range args {
		v := args[i]
		as[i] = Arg{Type: v.T, Const: &v}
	}
	rt, ev, err := fn.Compile(as)
	if err != nil {
		return "error: " + err.Error()
	}
	v := ev(args)
	if v.T != rt {
		t.Errorf("%s: result type %s differs from the compiled type %s", name, v.T, rt)
	}
	if !v.Valid {
		return rt.String() + "(null)"
	}
	return rt.String() + ":" + types.ToString(v)
}

func jsonValue(t *testing.T, s string) types.Value {
	t.Helper()
	d, err := types.ParseJSON(s)
	if err != nil {
		t.Fatal(err)
	}
	return types.NewDynamic(d)
}

// TestFidelityVectors pins the conversion, string and series behaviour
// observed on the real engine (oracle cases) or documented.
func TestFidelityVectors(t *testing.T) {
	s, l, r := types.NewString, types.NewLong, types.NewReal
	tests := []struct {
		name string
		args []types.Value
		want string
	}{
		{"tolong", []types.Value{s("-9223372036854775808")}, "long:-9223372036854775808"},
		{"tolong", []types.Value{s("9223372036854775808")}, "long(null)"},
		{"tolong", []types.Value{r(1e19)}, "long:9223372036854775807"},
		{"tolong", []types.Value{r(-1e19)}, "long:-9223372036854775808"},
		{"tolong", []types.Value{r(math.Inf(1))}, "long(null)"},
		{"toint", []types.Value{s("-0x10")}, "int(null)"},
		{"toint", []types.Value{s("0X1f")}, "int:31"},
		{"todouble", []types.Value{s("INF")}, "real(null)"},
		{"todouble", []types.Value{s("-inf")}, "real:-inf"},
		{"todouble", []types.Value{s("Inf")}, "real:inf"},
		{"todouble", []types.Value{s("+Infinity")}, "real:inf"},
		{"todouble", []types.Value{s("1e400")}, "real:inf"},
		{"tobool", []types.Value{types.NewDynamic("0x10")}, "bool:True"},
		{"tobool", []types.Value{s(" true")}, "bool(null)"},
		{"todatetime", []types.Value{r(1.5)}, "datetime:0001-01-01T00:00:00.0000001Z"},
		{"totimespan", []types.Value{s("0:0:0.001")}, "timespan:00:00:00.0010000"},
		{"totimespan", []types.Value{s("1:2")}, "timespan:01:02:00"},
		{"tostring", []types.Value{types.NewDecimal(100)}, "string:100"},
		{"todecimal", []types.Value{s("-0.0")}, "decimal:0.0"},
		{"todynamic", []types.Value{s("")}, "dynamic(null)"},
		{"indexof", []types.Value{s("''"), s("'"), l(3)}, "long:-1"},
		{"strrep", []types.Value{s("ab"), l(3), s(",")}, "string:ab,ab,ab"},
		{"strrep", []types.Value{s("ab"), l(0)}, "string:"},
		{"extract_json", []types.Value{s("$.a.b[1]"), s(`{"a":{"b":[1,2]}}`)}, "string:2"},
		{"extract_json", []types.Value{s("$['x']"), s(`{"x":"y"}`)}, "string:y"},
		{"extract_json", []types.Value{s("$.n"), s(`{"n":5}`), s("int")}, "int:5"},
		{"extract_json", []types.Value{s("$.missing"), s(`{"n":5}`), s("int")}, "int(null)"},
		{"extract_json", []types.Value{s("$..x"), s(`{}`)}, "error: extract_json(): unsupported JSONPath \"$..x\" (only $, .name, ['name'] and [index] steps)"},
		{"range", []types.Value{l(1), l(7), l(3)}, "dynamic:[1,4,7]"},
		{"range", []types.Value{l(3), l(1), l(-1)}, "dynamic:[3,2,1]"},
		{"array_iff", []types.Value{jsonValue(t, "[true,false,true]"), jsonValue(t, "[1,2,3]"), l(0)}, "dynamic:[1,0,3]"},
		{"series_fill_forward", []types.Value{jsonValue(t, "[null,1,null,3,null]")}, "dynamic:[null,1,1,3,3]"},
		{"series_fill_backward", []types.Value{jsonValue(t, "[null,1,null,3,null]")}, "dynamic:[1,1,3,3,null]"},
		{"series_fill_linear", []types.Value{jsonValue(t, "[0,null,null,30]")}, "dynamic:[0,10.0,20.0,30]"},
		{"series_fill_const", []types.Value{jsonValue(t, "[1,null]"), l(7)}, "dynamic:[1,7]"},
		{"series_subtract", []types.Value{jsonValue(t, "[10,20]"), jsonValue(t, "[1,2]")}, "dynamic:[9,18]"},
		{"series_multiply", []types.Value{jsonValue(t, "[10,2.5]"), l(2)}, "dynamic:[20,5.0]"},
		{"series_greater", []types.Value{jsonValue(t, "[10,20,30]"), l(15)}, "dynamic:[false,true,true]"},
		{"series_fir", []types.Value{jsonValue(t, "[5,15,10,20]"), jsonValue(t, "[1,-1]"), types.NewBool(false), types.NewBool(false)}, "dynamic:[5,10,-5,10]"},
		{"series_iir", []types.Value{jsonValue(t, "[10,30,0]"), jsonValue(t, "[1]"), jsonValue(t, "[1,-1]")}, "dynamic:[10.0,40.0,40.0]"},
		{"jaccard_index", []types.Value{jsonValue(t, "[1,2,3,4]"), jsonValue(t, "[3,4,5,6]")}, "real:0.3333333333333333"},
	}
	for _, tc := range tests {
		if got := call(t, tc.name, tc.args...); got != tc.want {
			t.Errorf("%s(%v): got %s, want %s", tc.name, tc.args, got, tc.want)
		}
	}
}

// TestDecimalArith checks exact base-10 decimal arithmetic.
func TestDecimalArith(t *testing.T) {
	tests := []struct {
		op   string
		x, y float64
		want float64
		ok   bool
	}{
		{"+", 0.1, 0.2, 0.3, true},
		{"-", 0.3, 0.1, 0.2, true},
		{"*", 1.1, 1.1, 1.21, true},
		{"/", 1, 3, 1.0 / 3, true},
		{"%", 10, 3, 1, true},
		{"/", 1, 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := DecimalArith(tc.op, tc.x, tc.y)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("%v %s %v: got %v %v, want %v %v", tc.x, tc.op, tc.y, got, ok, tc.want, tc.ok)
		}
	}
}
