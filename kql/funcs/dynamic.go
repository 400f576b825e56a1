package funcs

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Dynamic array and property-bag functions. Payloads may be shared between
// rows (constants), so every function builds new arrays and bags and never
// modifies its inputs.

func arrayOf(v types.Value) ([]any, bool) {
	if !v.Valid {
		return nil, false
	}
	a, ok := v.D.([]any)
	return a, ok
}

func bagOf(v types.Value) (*types.Bag, bool) {
	if !v.Valid {
		return nil, false
	}
	b, ok := v.D.(*types.Bag)
	return b, ok
}

// dynKey is equal for two payloads exactly when set functions treat them as
// the same element: numbers compare by value across long and real, other
// kinds by type and value.
func dynKey(d any) string {
	switch x := d.(type) {
	case nil:
		return "z"
	case bool:
		if x {
			return "b1"
		}
		return "b0"
	case int64:
		return "n" + strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return "n" + strconv.FormatInt(int64(x), 10)
		}
		return "n" + types.FormatReal(x)
	case string:
		return "s" + x
	case types.DynDateTime:
		return "d" + strconv.FormatInt(int64(x), 10)
	case types.DynTimeSpan:
		return "t" + strconv.FormatInt(int64(x), 10)
	case types.DynGuid:
		return "g" + string(x)
	}
	return "j" + types.DynamicJSON(d, true)
}

func dynFn(name string, min, max int, nk NameKind, compile func(args []Arg) (types.Type, EvalFunc, error)) {
	register(&Scalar{Name: name, MinArgs: min, MaxArgs: max, NameKind: nk, Compile: compile})
}

// needDynamic checks that the listed arguments are dynamic.
func needDynamic(name string, args []Arg, idx ...int) error {
	return checkArgs(name, args, isDynamic, "dynamic", idx...)
}

// allDynamic checks every argument is dynamic.
func allDynamic(name string, args []Arg) error {
	for i := range args {
		if err := checkArg(name, args, i, isDynamic, "dynamic"); err != nil {
			return err
		}
	}
	return nil
}

// normIndex maps a possibly negative index onto 0..n (clamped).
func normIndex(i int64, n int) int {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 {
		return 0
	}
	if i > int64(n) {
		return n
	}
	return int(i)
}

// ---- sorting ----

func sortClass(d any) int {
	switch d.(type) {
	case int64, float64, types.DynDateTime, types.DynTimeSpan:
		return 0
	case string:
		return 1
	case types.DynGuid:
		return 2
	}
	return 3
}

func sortNum(d any) float64 {
	switch x := d.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case types.DynDateTime:
		return float64(x)
	case types.DynTimeSpan:
		return float64(x)
	}
	return 0
}

// cmpDyn orders two non-null payloads for array_sort_*: numbers (and
// datetimes/timespans) first, then strings, then guids, then the rest (kept
// in input order).
func cmpDyn(a, b any) int {
	ca, cb := sortClass(a), sortClass(b)
	if ca != cb {
		return ca - cb
	}
	switch ca {
	case 0:
		if x, ok := a.(int64); ok {
			if y, ok := b.(int64); ok {
				return cmpInt(x, y)
			}
		}
		x, y := sortNum(a), sortNum(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case 1:
		return strings.Compare(a.(string), b.(string))
	case 2:
		return strings.Compare(string(a.(types.DynGuid)), string(b.(types.DynGuid)))
	}
	return 0
}

func sortArray(arr []any, desc, nullsLast bool) []any {
	var vals, nulls []any
	for _, e := range arr {
		if e == nil {
			nulls = append(nulls, nil)
		} else {
			vals = append(vals, e)
		}
	}
	sort.SliceStable(vals, func(i, j int) bool {
		c := cmpDyn(vals[i], vals[j])
		if desc {
			return c > 0
		}
		return c < 0
	})
	out := make([]any, 0, len(arr))
	if !nullsLast {
		out = append(out, nulls...)
	}
	out = append(out, vals...)
	if nullsLast {
		out = append(out, nulls...)
	}
	return out
}

func compileArraySort(name string, desc bool) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic(name, args, 0); err != nil {
			return 0, nil, err
		}
		nullsLast := true
		if len(args) == 2 {
			if args[1].Type == types.Dynamic {
				return 0, nil, argErr("%s(): sorting several arrays together (one result column per array) is not supported", name)
			}
			if args[1].Type != types.Bool || args[1].Const == nil || !args[1].Const.Valid {
				return 0, nil, argErr("%s(): the nulls_last argument must be a bool constant", name)
			}
			nullsLast = args[1].Const.I != 0
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			return types.NewDynamic(sortArray(arr, desc, nullsLast))
		}, nil
	}
}

// ---- sets ----

func setOp(op string, arrays [][]any) []any {
	out := []any{}
	seen := map[string]bool{}
	switch op {
	case "union":
		for _, arr := range arrays {
			for _, e := range arr {
				if k := dynKey(e); !seen[k] {
					seen[k] = true
					out = append(out, e)
				}
			}
		}
	case "intersect", "difference":
		others := make([]map[string]bool, len(arrays)-1)
		for i, arr := range arrays[1:] {
			others[i] = map[string]bool{}
			for _, e := range arr {
				others[i][dynKey(e)] = true
			}
		}
		for _, e := range arrays[0] {
			k := dynKey(e)
			if seen[k] {
				continue
			}
			keep := true
			for _, o := range others {
				if op == "intersect" && !o[k] || op == "difference" && o[k] {
					keep = false
					break
				}
			}
			if keep {
				seen[k] = true
				out = append(out, e)
			}
		}
	}
	return out
}

func compileSet(name, op string) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := allDynamic(name, args); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			arrays := make([][]any, len(a))
			for i, v := range a {
				arr, ok := arrayOf(v)
				if !ok {
					return types.Null(types.Dynamic)
				}
				arrays[i] = arr
			}
			return types.NewDynamic(setOp(op, arrays))
		}, nil
	}
}

// ---- JSONPath keys (bag_has_key, bag_remove_keys) ----

// keyPath splits a bag key argument into its path: a plain key, or a
// JSONPath of the form $.a.b / $['a']["b"] (array indexes unsupported).
func keyPath(key string) ([]string, bool) {
	if !strings.HasPrefix(key, "$") {
		return []string{key}, true
	}
	var path []string
	s := key[1:]
	for s != "" {
		switch {
		case s[0] == '.':
			s = s[1:]
			j := 0
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if j == 0 {
				return nil, false
			}
			path = append(path, s[:j])
			s = s[j:]
		case strings.HasPrefix(s, "['") || strings.HasPrefix(s, `["`):
			q := s[1]
			end := strings.IndexByte(s[2:], q)
			if end < 0 || len(s) < end+4 || s[end+3] != ']' {
				return nil, false
			}
			path = append(path, s[2:end+2])
			s = s[end+4:]
		default:
			return nil, false
		}
	}
	if len(path) == 0 {
		return nil, false
	}
	return path, true
}

func bagHasPath(b *types.Bag, path []string) bool {
	var cur any = b
	for _, k := range path {
		bb, ok := cur.(*types.Bag)
		if !ok {
			return false
		}
		if cur, ok = bb.Get(k); !ok {
			return false
		}
	}
	return true
}

// bagWithout returns a copy of b without the key at path (copying only the
// bags along the path).
func bagWithout(b *types.Bag, path []string) *types.Bag {
	v, ok := b.Get(path[0])
	if !ok {
		return b
	}
	out := types.NewBag()
	for _, k := range b.Keys {
		if k == path[0] {
			if len(path) == 1 {
				continue
			}
			if inner, ok := v.(*types.Bag); ok {
				out.Set(k, bagWithout(inner, path[1:]))
				continue
			}
		}
		out.Set(k, b.Vals[k])
	}
	return out
}

func constKeyPathCheck(name string, args []Arg, i int) error {
	if k, ok := constString(args, i); ok {
		if _, ok := keyPath(k); !ok {
			return argErr("%s(): invalid key path %q (use a key, or $.a.b / $['a'])", name, k)
		}
	}
	return nil
}

// ---- array_index_of ----

func indexOf(arr []any, want any, start, length, occurrence int64) (int64, bool) {
	n := int64(len(arr))
	if occurrence < 0 || length < -1 {
		return 0, false
	}
	if occurrence == 0 {
		occurrence = 1
	}
	if start < 0 {
		start += n
		if start < 0 {
			start = 0
		}
	}
	end := n
	if length >= 0 && start+length < end {
		end = start + length
	}
	for i := start; i < end; i++ {
		if types.DynamicEqual(arr[i], want) {
			occurrence--
			if occurrence == 0 {
				return i, true
			}
		}
	}
	return -1, true
}

// ---- array_split ----

func splitArray(arr []any, cuts []int64) []any {
	n := len(arr)
	out := []any{}
	prev := 0
	for _, c := range cuts {
		p := normIndex(c, n)
		if p < prev {
			p = prev
		}
		out = append(out, append([]any{}, arr[prev:p]...))
		prev = p
	}
	out = append(out, append([]any{}, arr[prev:]...))
	return out
}

func init() {
	dynFn("array_length", 1, 1, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("array_length", args, 0); err != nil {
			return 0, nil, err
		}
		return types.Long, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Long)
			}
			return types.NewLong(int64(len(arr)))
		}, nil
	})
	dynFn("bag_keys", 1, 1, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("bag_keys", args, 0); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			b, ok := bagOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			keys := make([]any, len(b.Keys))
			for i, k := range b.Keys {
				keys[i] = k
			}
			return types.NewDynamic(keys)
		}, nil
	})
	dynFn("bag_has_key", 2, 2, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("bag_has_key", args, 0); err != nil {
			return 0, nil, err
		}
		if err := checkArg("bag_has_key", args, 1, isString, "a string"); err != nil {
			return 0, nil, err
		}
		if err := constKeyPathCheck("bag_has_key", args, 1); err != nil {
			return 0, nil, err
		}
		return types.Bool, func(a []types.Value) types.Value {
			b, ok := bagOf(a[0])
			if !ok {
				return types.Null(types.Bool)
			}
			path, ok := keyPath(a[1].S)
			if !ok {
				return types.Null(types.Bool)
			}
			return types.NewBool(bagHasPath(b, path))
		}, nil
	})
	dynFn("bag_merge", 2, 64, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := allDynamic("bag_merge", args); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			out := types.NewBag()
			for _, v := range a {
				b, ok := bagOf(v)
				if !ok {
					continue
				}
				for _, k := range b.Keys {
					if _, dup := out.Get(k); !dup { // the first bag wins (observed)
						out.Set(k, b.Vals[k])
					}
				}
			}
			return types.NewDynamic(out)
		}, nil
	})
	dynFn("bag_remove_keys", 2, 2, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("bag_remove_keys", args, 0, 1); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			b, ok := bagOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			keys, _ := arrayOf(a[1])
			for _, k := range keys {
				s, ok := k.(string)
				if !ok {
					continue
				}
				if path, ok := keyPath(s); ok {
					b = bagWithout(b, path)
				}
			}
			return types.NewDynamic(b)
		}, nil
	})
	pack := func(name string) {
		dynFn(name, 2, -1, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
			if len(args)%2 != 0 {
				return 0, nil, argErr("%s(): needs key/value pairs, got %d arguments", name, len(args))
			}
			for i := 0; i < len(args); i += 2 {
				if args[i].Type != types.String {
					return 0, nil, argErr("%s(): argument %d is a key and must be a string, not %s", name, i+1, args[i].Type)
				}
			}
			return types.Dynamic, func(a []types.Value) types.Value {
				b := types.NewBag()
				for i := 0; i+1 < len(a); i += 2 {
					b.Set(a[i].S, types.ToDynamic(a[i+1]))
				}
				return types.NewDynamic(b)
			}, nil
		})
	}
	pack("bag_pack")
	pack("pack")
	pack("pack_dictionary")
	dynFn("pack_array", 1, -1, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		return types.Dynamic, func(a []types.Value) types.Value {
			out := make([]any, len(a))
			for i, v := range a {
				out[i] = types.ToDynamic(v)
			}
			return types.NewDynamic(out)
		}, nil
	})
	dynFn("array_concat", 1, 64, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := allDynamic("array_concat", args); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			out := []any{}
			for _, v := range a {
				if arr, ok := arrayOf(v); ok { // non-arrays contribute nothing (observed)
					out = append(out, arr...)
				}
			}
			return types.NewDynamic(out)
		}, nil
	})
	dynFn("set_union", 2, 64, NameNone, compileSet("set_union", "union"))
	dynFn("set_intersect", 2, 64, NameNone, compileSet("set_intersect", "intersect"))
	dynFn("set_difference", 2, 64, NameNone, compileSet("set_difference", "difference"))
	dynFn("set_has_element", 2, 2, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("set_has_element", args, 0); err != nil {
			return 0, nil, err
		}
		return types.Bool, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Bool)
			}
			k := dynKey(types.ToDynamic(a[1]))
			for _, e := range arr {
				if dynKey(e) == k {
					return types.NewBool(true)
				}
			}
			return types.NewBool(false)
		}, nil
	})
	dynFn("array_slice", 3, 3, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("array_slice", args, 0); err != nil {
			return 0, nil, err
		}
		if err := checkArgs("array_slice", args, isInteger, "an integer", 1, 2); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, nullIn(types.Dynamic, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			n := len(arr)
			start, end := a[1].I, a[2].I
			if start < 0 {
				start += int64(n)
			}
			if end < 0 {
				end += int64(n)
			}
			if start < 0 {
				start = 0
			}
			if end >= int64(n) {
				end = int64(n) - 1
			}
			if start > end {
				return types.NewDynamic([]any{})
			}
			return types.NewDynamic(append([]any{}, arr[start:end+1]...))
		}), nil
	})
	dynFn("array_index_of", 2, 5, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("array_index_of", args, 0); err != nil {
			return 0, nil, err
		}
		if err := checkArgs("array_index_of", args, isInteger, "an integer", 2, 3, 4); err != nil {
			return 0, nil, err
		}
		return types.Long, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Long)
			}
			opt := []int64{0, -1, 1}
			for i := 2; i < len(a); i++ {
				if !a[i].Valid {
					return types.Null(types.Long)
				}
				opt[i-2] = a[i].I
			}
			r, ok := indexOf(arr, types.ToDynamic(a[1]), opt[0], opt[1], opt[2])
			if !ok {
				return types.Null(types.Long)
			}
			return types.NewLong(r)
		}, nil
	})
	dynFn("array_sum", 1, 1, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("array_sum", args, 0); err != nil {
			return 0, nil, err
		}
		return types.Real, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Real)
			}
			sum, n := 0.0, 0
			for _, e := range arr {
				switch x := e.(type) {
				case nil:
				case int64:
					sum += float64(x)
					n++
				case float64:
					sum += x
					n++
				default:
					return types.Null(types.Real)
				}
			}
			if n == 0 {
				return types.Null(types.Real)
			}
			return types.NewReal(sum)
		}, nil
	})
	dynFn("array_reverse", 1, 1, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("array_reverse", args, 0); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			out := make([]any, len(arr))
			for i, e := range arr {
				out[len(arr)-1-i] = e
			}
			return types.NewDynamic(out)
		}, nil
	})
	dynFn("array_sort_asc", 1, 2, NameNone, compileArraySort("array_sort_asc", false))
	dynFn("array_sort_desc", 1, 2, NameNone, compileArraySort("array_sort_desc", true))
	dynFn("array_split", 2, 2, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("array_split", args, 0); err != nil {
			return 0, nil, err
		}
		if err := checkArg("array_split", args, 1, isIntegerOrDyn, "an integer or a dynamic array of integers"); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, nullIn(types.Dynamic, func(a []types.Value) types.Value {
			arr, ok := arrayOf(a[0])
			if !ok {
				return types.Null(types.Dynamic)
			}
			var cuts []int64
			if a[1].T == types.Dynamic {
				idx, ok := arrayOf(a[1])
				if !ok {
					return types.Null(types.Dynamic)
				}
				for _, e := range idx {
					n, ok := e.(int64)
					if !ok {
						return types.Null(types.Dynamic)
					}
					cuts = append(cuts, n)
				}
			} else {
				cuts = []int64{a[1].I}
			}
			return types.NewDynamic(splitArray(arr, cuts))
		}), nil
	})
	dynFn("dynamic_to_json", 1, 1, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := needDynamic("dynamic_to_json", args, 0); err != nil {
			return 0, nil, err
		}
		return types.String, func(a []types.Value) types.Value {
			if !a[0].Valid {
				return types.NewString("")
			}
			return types.NewString(types.DynamicJSON(a[0].D, true))
		}, nil
	})
	dynFn("zip", 2, 64, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := allDynamic("zip", args); err != nil {
			return 0, nil, err
		}
		return types.Dynamic, func(a []types.Value) types.Value {
			arrays := make([][]any, len(a))
			longest := 0
			for i, v := range a {
				arr, ok := arrayOf(v)
				if !ok {
					return types.Null(types.Dynamic)
				}
				arrays[i] = arr
				if len(arr) > longest {
					longest = len(arr)
				}
			}
			out := make([]any, longest)
			for i := range out {
				row := make([]any, len(arrays))
				for j, arr := range arrays {
					if i < len(arr) {
						row[j] = arr[i]
					}
				}
				out[i] = row
			}
			return types.NewDynamic(out)
		}, nil
	})
	strcatArray := func(name string) {
		dynFn(name, 2, 2, NameNone, func(args []Arg) (types.Type, EvalFunc, error) {
			if err := needDynamic(name, args, 0); err != nil {
				return 0, nil, err
			}
			return types.String, func(a []types.Value) types.Value {
				arr, ok := arrayOf(a[0])
				if !ok {
					return types.NewString("")
				}
				parts := make([]string, len(arr))
				for i, e := range arr {
					parts[i] = types.DynamicToString(e)
				}
				return types.NewString(strings.Join(parts, str(a[1])))
			}, nil
		})
	}
	strcatArray("strcat_array")
	strcatArray("array_strcat")
}
