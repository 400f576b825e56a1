package funcs

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestVectorsDynamic(t *testing.T) {
	d := dyn
	nd := N(types.Dynamic)
	runVectors(t, []vec{
		{fn: "array_length", args: []types.Value{d("[]")}, want: "long:0"},
		{fn: "array_length", args: []types.Value{d("[1,2,3]")}, want: "long:3"},
		{fn: "array_length", args: []types.Value{d(`{"a":1}`)}, want: "long(null)"},
		{fn: "array_length", args: []types.Value{nd}, want: "long(null)"},
		{fn: "array_length", args: []types.Value{d("[null,1,null]")}, want: "long:3"},
		{fn: "array_length", args: []types.Value{S("[1]")}, err: "must be dynamic"},
		{fn: "bag_keys", args: []types.Value{d(`{"a":1,"b":[1,2,3]}`)}, want: `dynamic:["a","b"]`},
		{fn: "bag_keys", args: []types.Value{d("{}")}, want: "dynamic:[]"},
		{fn: "bag_keys", args: []types.Value{d("[]")}, want: "dynamic(null)"},
		{fn: "bag_keys", args: []types.Value{nd}, want: "dynamic(null)"},
		{fn: "bag_has_key", args: []types.Value{d(`{"a":1,"b":{"c":2}}`), S("a")}, want: "bool:True"},
		{fn: "bag_has_key", args: []types.Value{d(`{"a":1,"b":{"c":2}}`), S("c")}, want: "bool:False"},
		{fn: "bag_has_key", args: []types.Value{d(`{"a":1,"b":{"c":2}}`), S("$.b.c")}, want: "bool:True"},
		{fn: "bag_has_key", args: []types.Value{d(`{"a":1,"b":{"c":2}}`), S("$['b']['c']")}, want: "bool:True"},
		{fn: "bag_has_key", args: []types.Value{d(`{"a":1,"b":{"c":2}}`), S("$.b.d")}, want: "bool:False"},
		{fn: "bag_has_key", args: []types.Value{d(`{"a":1}`), S("$[0]")}, err: "invalid key path"},
		{fn: "bag_merge", args: []types.Value{d(`{"a":1,"b":2}`), d(`{"b":3,"c":4}`)}, want: `dynamic:{"a":1,"b":2,"c":4}`},
		{fn: "bag_merge", args: []types.Value{d(`{"a":1,"b":2}`), d(`{"b":{"nested":true},"c":3}`)}, want: `dynamic:{"a":1,"b":2,"c":3}`},
		{fn: "bag_merge", args: []types.Value{d(`{"a":[1,2,3]}`), d(`{"a":[4,5],"b":9}`)}, want: `dynamic:{"a":[1,2,3],"b":9}`},
		{fn: "bag_merge", args: []types.Value{d(`{"a":1,"b":2}`), d(`{"b":3,"c":4}`), d(`{"c":5,"d":6}`)}, want: `dynamic:{"a":1,"b":2,"c":4,"d":6}`},
		{fn: "bag_merge", args: []types.Value{d(`{}`), d(`{"new":1}`)}, want: `dynamic:{"new":1}`},
		{fn: "bag_remove_keys", args: []types.Value{d(`{"a":1,"b":{"c":2,"d":3},"e":4}`), d(`["a","$.b.c"]`)}, want: `dynamic:{"b":{"d":3},"e":4}`},
		{fn: "bag_remove_keys", args: []types.Value{d(`{"a":1}`), d(`["x"]`)}, want: `dynamic:{"a":1}`},
		{fn: "pack", args: []types.Value{S("name"), S("alice"), S("age"), L(30)}, want: `dynamic:{"name":"alice","age":30}`},
		{fn: "bag_pack", args: []types.Value{S("k"), N(types.Long)}, want: `dynamic:{"k":null}`},
		{fn: "pack_dictionary", args: []types.Value{S("t"), dt("2020-01-01")}, want: `dynamic:{"t":"2020-01-01T00:00:00.0000000Z"}`},
		{fn: "pack", args: []types.Value{S("a")}, err: "argument count"},
		{fn: "pack", args: []types.Value{S("a"), L(1), S("b")}, err: "key/value pairs"},
		{fn: "pack", args: []types.Value{L(1), L(1)}, err: "must be a string"},
		{fn: "pack_array", args: []types.Value{L(1), S("two"), R(3.5), B(true), N(types.Long)}, want: `dynamic:[1,"two",3.5,true,null]`},
		{fn: "pack_array", args: []types.Value{d(`{"id":1}`), d(`{"id":2}`)}, want: `dynamic:[{"id":1},{"id":2}]`},
		{fn: "array_concat", args: []types.Value{d("[1,2]"), d("[99]")}, want: "dynamic:[1,2,99]"},
		{fn: "array_concat", args: []types.Value{d(`{"a":1}`), d("[99]")}, want: "dynamic:[99]"},
		{fn: "array_concat", args: []types.Value{nd, d("[99]")}, want: "dynamic:[99]"},
		{fn: "array_concat", args: []types.Value{d("[1,2]"), d("[3,4]"), d("[5,6]")}, want: "dynamic:[1,2,3,4,5,6]"},
		{fn: "set_union", args: []types.Value{d("[1,2]"), d("[2,3,4]")}, want: "dynamic:[1,2,3,4]"},
		{fn: "set_union", args: []types.Value{d("[1,2,3]"), d("[3,4]"), d("[5]")}, want: "dynamic:[1,2,3,4,5]"},
		{fn: "set_union", args: []types.Value{d("[1,2,3]"), d("[3,4,5]"), d("[5,6,7]")}, want: "dynamic:[1,2,3,4,5,6,7]"},
		{fn: "set_intersect", args: []types.Value{d("[1,2,3]"), d("[3,4,5]")}, want: "dynamic:[3]"},
		{fn: "set_intersect", args: []types.Value{d("[3,4,5]"), d("[5,6,7]")}, want: "dynamic:[5]"},
		{fn: "set_intersect", args: []types.Value{d("[1,2,3]"), d("[5]")}, want: "dynamic:[]"},
		{fn: "set_intersect", args: []types.Value{d("[1,2,3,4,5]"), d("[2,4,6,8]")}, want: "dynamic:[2,4]"},
		{fn: "set_difference", args: []types.Value{d("[1,2,3]"), d("[3,4,5]")}, want: "dynamic:[1,2]"},
		{fn: "set_difference", args: []types.Value{d("[null,1,null,2,null]"), d("[null]")}, want: "dynamic:[1,2]"},
		{fn: "set_difference", args: []types.Value{d("[1,1,2]"), d("[]")}, want: "dynamic:[1,2]"},
		{fn: "set_has_element", args: []types.Value{d("[1,2,3]"), L(2)}, want: "bool:True"},
		{fn: "set_has_element", args: []types.Value{d("[1,2,3]"), L(9)}, want: "bool:False"},
		{fn: "set_has_element", args: []types.Value{d("[1,2,3]"), S("2")}, want: "bool:False"},
		{fn: "set_has_element", args: []types.Value{d("[1,2,3]"), R(2)}, want: "bool:True"},
		{fn: "array_slice", args: []types.Value{d("[1,2,3,4,5]"), L(1), L(3)}, want: "dynamic:[2,3,4]"},
		{fn: "array_slice", args: []types.Value{d("[10,20,30,40]"), L(1), L(2)}, want: "dynamic:[20,30]"},
		{fn: "array_slice", args: []types.Value{d("[1,2,3,4,5]"), L(-2), L(-1)}, want: "dynamic:[4,5]"},
		{fn: "array_slice", args: []types.Value{d("[1,2,3,4,5,6]"), L(2), L(-2)}, want: "dynamic:[3,4,5]"},
		{fn: "array_slice", args: []types.Value{d("[1,2,3,4,5,6]"), L(-3), L(-1)}, want: "dynamic:[4,5,6]"},
		{fn: "array_slice", args: []types.Value{d("[1,2,3,4,5,6]"), L(0), L(100)}, want: "dynamic:[1,2,3,4,5,6]"},
		{fn: "array_slice", args: []types.Value{d("[10,20,30]"), L(0), L(0)}, want: "dynamic:[10]"},
		{fn: "array_slice", args: []types.Value{d("[1,2,3]"), L(2), L(1)}, want: "dynamic:[]"},
		{fn: "array_slice", args: []types.Value{d(`{"a":1}`), L(0), L(1)}, want: "dynamic(null)"},
		{fn: "array_index_of", args: []types.Value{d("[1,2,3]"), L(2)}, want: "long:1"},
		{fn: "array_index_of", args: []types.Value{d("[1,2,3]"), L(99)}, want: "long:-1"},
		{fn: "array_index_of", args: []types.Value{d("[5,15]"), R(15)}, want: "long:1"},
		{fn: "array_index_of", args: []types.Value{nd, L(1)}, want: "long(null)"},
	})
	arr := d(`["this","is","an","example","an","example"]`)
	runVectors(t, []vec{
		{fn: "array_index_of", args: []types.Value{arr, S("an")}, want: "long:2"},
		{fn: "array_index_of", args: []types.Value{arr, S("example"), L(1), L(3)}, want: "long:3"},
		{fn: "array_index_of", args: []types.Value{arr, S("example"), L(1), L(2)}, want: "long:-1"},
		{fn: "array_index_of", args: []types.Value{arr, S("is"), L(2), L(4)}, want: "long:-1"},
		{fn: "array_index_of", args: []types.Value{arr, S("example"), L(2), L(-1)}, want: "long:3"},
		{fn: "array_index_of", args: []types.Value{arr, S("an"), L(1), L(-1), L(2)}, want: "long:4"},
		{fn: "array_index_of", args: []types.Value{arr, S("an"), L(1), L(-1), L(3)}, want: "long:-1"},
		{fn: "array_index_of", args: []types.Value{arr, S("an"), L(-3)}, want: "long:4"},
		{fn: "array_index_of", args: []types.Value{arr, S("is"), L(-4)}, want: "long:-1"},
		{fn: "array_index_of", args: []types.Value{arr, S("is"), L(0), L(-2)}, want: "long(null)"},
		{fn: "array_sum", args: []types.Value{d("[5,15]")}, want: "real:20.0"},
		{fn: "array_sum", args: []types.Value{d("[1,null,3]")}, want: "real:4.0"},
		{fn: "array_sum", args: []types.Value{d("[2.5,5.5,3]")}, want: "real:11.0"},
		{fn: "array_sum", args: []types.Value{d("[]")}, want: "real(null)"},
		{fn: "array_sum", args: []types.Value{nd}, want: "real(null)"},
		{fn: "array_sum", args: []types.Value{d(`[1,"a"]`)}, want: "real(null)"},
		{fn: "array_reverse", args: []types.Value{d("[1,2,3,4,5]")}, want: "dynamic:[5,4,3,2,1]"},
		{fn: "array_reverse", args: []types.Value{d("[]")}, want: "dynamic:[]"},
		{fn: "array_sort_asc", args: []types.Value{d("[3,1,2]")}, want: "dynamic:[1,2,3]"},
		{fn: "array_sort_asc", args: []types.Value{d("[1,null,3]")}, want: "dynamic:[1,3,null]"},
		{fn: "array_sort_asc", args: []types.Value{d(`[null,"blue","yellow","green",null]`)}, want: `dynamic:["blue","green","yellow",null,null]`},
		{fn: "array_sort_asc", args: []types.Value{d(`[null,"blue","yellow","green",null]`), B(false)}, want: `dynamic:[null,null,"blue","green","yellow"]`},
		{fn: "array_sort_asc", args: []types.Value{d(`["John","Paul","George","Ringo"]`)}, want: `dynamic:["George","John","Paul","Ringo"]`},
		{fn: "array_sort_asc", args: []types.Value{d(`["b",2,1.5,"a"]`)}, want: `dynamic:[1.5,2,"a","b"]`},
		{fn: "array_sort_asc", args: []types.Value{d(`{"a":1}`)}, want: "dynamic(null)"},
		{fn: "array_sort_asc", args: []types.Value{nd}, want: "dynamic(null)"},
		{fn: "array_sort_asc", args: []types.Value{d("[]")}, want: "dynamic:[]"},
		{fn: "array_sort_desc", args: []types.Value{d("[5,2,8,1,9,3]")}, want: "dynamic:[9,8,5,3,2,1]"},
		{fn: "array_sort_desc", args: []types.Value{d("[3,1,2]")}, want: "dynamic:[3,2,1]"},
		{fn: "array_sort_desc", args: []types.Value{d(`["a","e","c"]`)}, want: `dynamic:["e","c","a"]`},
		{fn: "array_sort_asc", args: []types.Value{d("[1]"), d("[2]")}, err: "several arrays"},
		{fn: "array_split", args: []types.Value{d("[1,2,3,4,5,6,7,8]"), d("[2,5]")}, want: "dynamic:[[1,2],[3,4,5],[6,7,8]]"},
		{fn: "array_split", args: []types.Value{d("[1,2,3,4,5]"), L(2)}, want: "dynamic:[[1,2],[3,4,5]]"},
		{fn: "array_split", args: []types.Value{d("[1,2,3,4,5]"), d("[1,-2]")}, want: "dynamic:[[1],[2,3],[4,5]]"},
		{fn: "array_split", args: []types.Value{d("[1,2,3,4,5]"), d("[1,3]")}, want: "dynamic:[[1],[2,3],[4,5]]"},
		{fn: "dynamic_to_json", args: []types.Value{d("[1,2,3]")}, want: "string:[1,2,3]"},
		{fn: "dynamic_to_json", args: []types.Value{d(`{"b":2,"a":1}`)}, want: `string:{"a":1,"b":2}`},
		{fn: "dynamic_to_json", args: []types.Value{d(`{"a":1,"b":"text","c":true,"d":[1,2],"e":{"f":3},"g":null}`)}, want: `string:{"a":1,"b":"text","c":true,"d":[1,2],"e":{"f":3},"g":null}`},
		{fn: "zip", args: []types.Value{d("[1,2,3]"), d("[4,5,6]")}, want: "dynamic:[[1,4],[2,5],[3,6]]"},
		{fn: "zip", args: []types.Value{d(`["A",1,1.5]`), d(`[{},"B"]`)}, want: `dynamic:[["A",{}],[1,"B"],[1.5,null]]`},
		{fn: "strcat_array", args: []types.Value{d(`["a","b","c"]`), S(",")}, want: "string:a,b,c"},
		{fn: "strcat_array", args: []types.Value{d("[1,null,3]"), S("-")}, want: "string:1--3"},
		{fn: "strcat_array", args: []types.Value{d("[]"), S(",")}, want: "string:"},
		{fn: "strcat_array", args: []types.Value{d(`["a",null,"","b"]`), S("|")}, want: "string:a|||b"},
		{fn: "strcat_array", args: []types.Value{d("[null,null]"), S(",")}, want: "string:,"},
		{fn: "strcat_array", args: []types.Value{d(`["a","","b"]`), S("|")}, want: "string:a||b"},
	})
}

// TestDynamicInputsNotModified guards against functions that edit shared
// constant payloads in place.
func TestDynamicInputsNotModified(t *testing.T) {
	in := dyn(`{"a":1,"b":{"c":2}}`)
	arr := dyn("[3,1,2]")
	before := types.DynamicJSON(in.D, false) + types.DynamicJSON(arr.D, false)
	for _, c := range []struct {
		fn   string
		args []types.Value
	}{
		{"bag_remove_keys", []types.Value{in, dyn(`["a","$.b.c"]`)}},
		{"bag_merge", []types.Value{in, dyn(`{"z":1}`)}},
		{"array_sort_asc", []types.Value{arr}},
		{"array_reverse", []types.Value{arr}},
		{"array_concat", []types.Value{arr, arr}},
	} {
		_, eval, err := compile(t, c.fn, c.args)
		if err != nil {
			t.Fatal(err)
		}
		eval(c.args)
	}
	if after := types.DynamicJSON(in.D, false) + types.DynamicJSON(arr.D, false); after != before {
		t.Errorf("inputs changed: %s -> %s", before, after)
	}
}

func FuzzKeyPath(f *testing.F) {
	for _, s := range []string{"a", "$.a.b", "$['a']", `$["a"].b`, "$", "$.", "$['a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		path, ok := keyPath(s)
		if ok && len(path) == 0 {
			t.Fatalf("keyPath(%q) ok with an empty path", s)
		}
	})
}
