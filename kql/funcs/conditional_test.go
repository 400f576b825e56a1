package funcs

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestVectorsConditional(t *testing.T) {
	runVectors(t, []vec{
		{fn: "iff", args: []types.Value{B(true), L(1), L(2)}, want: "long:1"},
		{fn: "iff", args: []types.Value{B(false), L(1), L(2)}, want: "long:2"},
		{fn: "iif", args: []types.Value{N(types.Bool), S("t"), S("f")}, want: "string:f"},
		{fn: "iif", args: []types.Value{B(true), N(types.Long), L(5)}, want: "long(null)"},
		{fn: "iif", args: []types.Value{B(false), I(5), L(10)}, want: "long:10"},
		{fn: "iif", args: []types.Value{B(true), I(5), N(types.Int)}, want: "int:5"},
		{fn: "iif", args: []types.Value{B(true), R(1.5), N(types.Long)}, want: "real:1.5"},
		{fn: "iif", args: []types.Value{B(false), R(1.5), N(types.Long)}, want: "real(null)"},
		{fn: "iif", args: []types.Value{B(true), dyn(`{"a":1}`), dyn("[1]")}, want: `dynamic:{"a":1}`},
		{fn: "iif", args: []types.Value{B(true), L(1), R(2)}, err: "different types (long and real)"},
		{fn: "iff", args: []types.Value{L(1), L(1), L(2)}, err: "condition must be bool"},
		{fn: "iff", args: []types.Value{B(true), S("a"), L(2)}, err: "different types"},
		{fn: "case", args: []types.Value{N(types.Bool), S("c1"), B(true), S("c2"), S("def")}, want: "string:c2"},
		{fn: "case", args: []types.Value{B(false), S("c1"), B(false), S("c2"), S("def")}, want: "string:def"},
		{fn: "case", args: []types.Value{B(true), S("c1"), S("def")}, want: "string:c1"},
		{fn: "case", args: []types.Value{B(true), I(1), R(2.5)}, err: "different types"},
		{fn: "case", args: []types.Value{B(false), L(1), B(true), R(2.5), L(3)}, err: "different types"},
		{fn: "case", args: []types.Value{B(true), S("a"), B(false), S("b")}, err: "odd number"},
		{fn: "case", args: []types.Value{S("x"), S("a"), S("b")}, err: "must be bool"},
		{fn: "coalesce", args: []types.Value{N(types.Int), N(types.Int), L(5), L(7)}, want: "long:5"},
		{fn: "coalesce", args: []types.Value{N(types.Real), N(types.Real)}, want: "real(null)"},
		{fn: "coalesce", args: []types.Value{I(1), L(-1)}, want: "long:1"},
		{fn: "coalesce", args: []types.Value{S(""), S(""), S("fallback")}, want: "string:fallback"},
		{fn: "coalesce", args: []types.Value{S("x"), S("DEFAULT")}, want: "string:x"},
		{fn: "coalesce", args: []types.Value{S(""), S("")}, want: "string:"},
		{fn: "coalesce", args: []types.Value{N(types.Dynamic), dyn("1")}, want: "dynamic:1"},
		{fn: "coalesce", args: []types.Value{I(1), R(2)}, err: "different types"},
		{fn: "not", args: []types.Value{B(true)}, want: "bool:False"},
		{fn: "not", args: []types.Value{N(types.Bool)}, want: "bool(null)"},
		{fn: "not", args: []types.Value{L(1)}, err: "must be bool"},
		{fn: "gettype", args: []types.Value{L(1)}, want: "string:long"},
		{fn: "gettype", args: []types.Value{I(1)}, want: "string:int"},
		{fn: "gettype", args: []types.Value{R(1)}, want: "string:real"},
		{fn: "gettype", args: []types.Value{S("s")}, want: "string:string"},
		{fn: "gettype", args: []types.Value{B(true)}, want: "string:bool"},
		{fn: "gettype", args: []types.Value{dt("2020-01-01")}, want: "string:datetime"},
		{fn: "gettype", args: []types.Value{ts("1s")}, want: "string:timespan"},
		{fn: "gettype", args: []types.Value{types.NewDecimal(1)}, want: "string:decimal"},
		{fn: "gettype", args: []types.Value{N(types.Int)}, want: "string:int"},
		{fn: "gettype", args: []types.Value{N(types.Dynamic)}, want: "string:null"},
		{fn: "gettype", args: []types.Value{dyn(`{"a":1}`)}, want: "string:dictionary"},
		{fn: "gettype", args: []types.Value{dyn("[1,2]")}, want: "string:array"},
		{fn: "gettype", args: []types.Value{dyn("1.5")}, want: "string:double"},
		{fn: "gettype", args: []types.Value{dyn("123")}, want: "string:long"},
		{fn: "gettype", args: []types.Value{dyn(`"5"`)}, want: "string:string"},
		{fn: "gettype", args: []types.Value{dyn("true")}, want: "string:bool"},
	})
}

// TestConditionalNonConstant checks that a non-null, non-constant argument
// does not adapt: only literal typed nulls do.
func TestConditionalNonConstant(t *testing.T) {
	s, _ := LookupScalar("iff")
	_, _, err := s.Compile([]Arg{{Type: types.Bool}, {Type: types.Real}, {Type: types.Long}})
	if err == nil {
		t.Fatal("iff(bool, real column, long column) compiled; Kusto rejects it")
	}
	rt, eval, err := s.Compile([]Arg{{Type: types.Bool}, {Type: types.Int}, {Type: types.Long}})
	if err != nil || rt != types.Long {
		t.Fatalf("iff(bool, int, long): %v %v", rt, err)
	}
	if got := eval([]types.Value{B(true), I(3), L(4)}); show(got) != "long:3" {
		t.Errorf("got %s", show(got))
	}
}
