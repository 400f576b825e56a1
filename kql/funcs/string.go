package funcs

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func str(v types.Value) string { return types.ToString(v) }

func strFn(name string, nk NameKind, n int, f func(a []types.Value) types.Value, ret types.Type) {
	register(&Scalar{Name: name, MinArgs: n, MaxArgs: n, NameKind: nk,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) { return ret, f, nil }})
}

func requireString(name string, args []Arg, idx ...int) error {
	for _, i := range idx {
		if i < len(args) && args[i].Type != types.String && args[i].Type != types.Dynamic {
			return argErr("%s(): argument %d must be a string, not %s", name, i+1, args[i].Type)
		}
	}
	return nil
}

func init() {
	register(&Scalar{Name: "strlen", MinArgs: 1, MaxArgs: 1, NameKind: NameWithFirstArg,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := requireString("strlen", args, 0); err != nil {
				return 0, nil, err
			}
			return types.Long, func(a []types.Value) types.Value {
				return types.NewLong(int64(utf8.RuneCountInString(str(a[0]))))
			}, nil
		}})
	register(&Scalar{Name: "string_size", MinArgs: 1, MaxArgs: 1, NameKind: NameWithFirstArg,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.Long, func(a []types.Value) types.Value { return types.NewLong(int64(len(str(a[0])))) }, nil
		}})
	strFn("tolower", NameNone, 1, func(a []types.Value) types.Value { return types.NewString(strings.ToLower(str(a[0]))) }, types.String)
	strFn("toupper", NameNone, 1, func(a []types.Value) types.Value { return types.NewString(strings.ToUpper(str(a[0]))) }, types.String)
	strFn("reverse", NameNone, 1, func(a []types.Value) types.Value {
		r := []rune(str(a[0]))
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return types.NewString(string(r))
	}, types.String)
	register(&Scalar{Name: "strcat", MinArgs: 1, MaxArgs: 64, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.String, func(a []types.Value) types.Value {
				var sb strings.Builder
				for _, v := range a {
					sb.WriteString(str(v))
				}
				return types.NewString(sb.String())
			}, nil
		}})
	register(&Scalar{Name: "strcat_delim", MinArgs: 3, MaxArgs: 65, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.String, func(a []types.Value) types.Value {
				parts := make([]string, len(a)-1)
				for i, v := range a[1:] {
					parts[i] = str(v)
				}
				return types.NewString(strings.Join(parts, str(a[0])))
			}, nil
		}})
	register(&Scalar{Name: "substring", MinArgs: 2, MaxArgs: 3, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			for i := 1; i < len(args); i++ {
				if !args[i].Type.IsInteger() && args[i].Type != types.Real {
					return 0, nil, argErr("substring(): argument %d must be a number", i+1)
				}
			}
			return types.String, func(a []types.Value) types.Value {
				r := []rune(str(a[0]))
				if !a[1].Valid {
					return types.NewString("")
				}
				start := int64(a[1].AsFloat())
				if start < 0 {
					start += int64(len(r))
					if start < 0 {
						return types.NewString("")
					}
				}
				if start >= int64(len(r)) {
					return types.NewString("")
				}
				end := int64(len(r))
				if len(a) > 2 {
					if !a[2].Valid {
						return types.NewString("")
					}
					n := int64(a[2].AsFloat())
					if n < 0 {
						return types.NewString("")
					}
					if start+n < end {
						end = start + n
					}
				}
				return types.NewString(string(r[start:end]))
			}, nil
		}})
	register(&Scalar{Name: "indexof", MinArgs: 2, MaxArgs: 5, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.Long, func(a []types.Value) types.Value {
				h, n := []rune(str(a[0])), []rune(str(a[1]))
				if len(n) == 0 {
					return types.Null(types.Long)
				}
				start := 0
				if len(a) > 2 && a[2].Valid {
					start = int(a[2].I)
					if start < 0 {
						start += len(h)
					}
					if start < 0 {
						return types.Null(types.Long)
					}
					if start > len(h) {
						return types.NewLong(-1) // observed: indexof("''", "'", 3) == -1
					}
				}
				limit := len(h)
				if len(a) > 3 && a[3].Valid && a[3].I >= 0 {
					if start+int(a[3].I) < limit {
						limit = start + int(a[3].I)
					}
				}
				occ := 1
				if len(a) > 4 && a[4].Valid {
					occ = int(a[4].I)
				}
				for i := start; i+len(n) <= limit; i++ {
					match := true
					for k := range n {
						if h[i+k] != n[k] {
							match = false
							break
						}
					}
					if match {
						occ--
						if occ <= 0 {
							return types.NewLong(int64(i))
						}
					}
				}
				return types.NewLong(-1)
			}, nil
		}})
	register(&Scalar{Name: "split", MinArgs: 2, MaxArgs: 3, NameKind: NameFirstArg,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := requireString("split", args, 0, 1); err != nil {
				return 0, nil, err
			}
			return types.Dynamic, func(a []types.Value) types.Value {
				s, d := str(a[0]), str(a[1])
				var parts []string
				if d == "" {
					parts = []string{s}
				} else {
					parts = strings.Split(s, d)
				}
				if len(a) > 2 {
					if !a[2].Valid {
						return types.Null(types.Dynamic)
					}
					i := a[2].I
					if i < 0 || i >= int64(len(parts)) {
						return types.Null(types.Dynamic)
					}
					return types.NewDynamic([]any{parts[i]})
				}
				arr := make([]any, len(parts))
				for i, p := range parts {
					arr[i] = p
				}
				return types.NewDynamic(arr)
			}, nil
		}})
	register(&Scalar{Name: "replace_string", MinArgs: 3, MaxArgs: 3, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.String, func(a []types.Value) types.Value {
				s, old, nw := str(a[0]), str(a[1]), str(a[2])
				if old == "" {
					return types.NewString(s)
				}
				return types.NewString(strings.ReplaceAll(s, old, nw))
			}, nil
		}})
	register(&Scalar{Name: "countof", MinArgs: 2, MaxArgs: 3, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			return types.Long, func(a []types.Value) types.Value {
				s, sub := str(a[0]), str(a[1])
				if len(a) > 2 && str(a[2]) == "regex" {
					re, err := CompileRegex(sub)
					if err != nil {
						return types.Null(types.Long)
					}
					return types.NewLong(int64(len(re.FindAllStringIndex(s, -1))))
				}
				if sub == "" {
					return types.NewLong(0)
				}
				// overlapping count, as Kusto's countof for plain text
				n := 0
				for i := 0; ; {
					j := strings.Index(s[i:], sub)
					if j < 0 {
						break
					}
					n++
					i += j + 1
				}
				return types.NewLong(int64(n))
			}, nil
		}})
	emptyCheck := func(v types.Value) bool {
		if !v.Valid {
			return true
		}
		if v.T == types.String {
			return v.S == ""
		}
		if v.T == types.Dynamic {
			if s, ok := v.D.(string); ok {
				return s == ""
			}
		}
		return false
	}
	strFn("isempty", NameNone, 1, func(a []types.Value) types.Value { return types.NewBool(emptyCheck(a[0])) }, types.Bool)
	strFn("isnotempty", NameNone, 1, func(a []types.Value) types.Value { return types.NewBool(!emptyCheck(a[0])) }, types.Bool)
	alias("notempty", "isnotempty")
	strFn("isnull", NameNone, 1, func(a []types.Value) types.Value { return types.NewBool(!a[0].Valid) }, types.Bool)
	strFn("isnotnull", NameNone, 1, func(a []types.Value) types.Value { return types.NewBool(a[0].Valid) }, types.Bool)
	alias("notnull", "isnotnull")

	trimFn := func(name string, start, end bool) {
		register(&Scalar{Name: name, MinArgs: 2, MaxArgs: 2, NameKind: NameNone,
			Compile: func(args []Arg) (types.Type, EvalFunc, error) {
				if err := requireString(name, args, 0); err != nil {
					return 0, nil, err
				}
				if args[0].Const != nil {
					if _, err := CompileRegex(str(*args[0].Const)); err != nil {
						return 0, nil, argErr("%s(): %v", name, err)
					}
				}
				return types.String, func(a []types.Value) types.Value {
					s := str(a[1])
					re, err := CompileRegex(str(a[0]))
					if err != nil {
						return types.NewString(s)
					}
					if start {
						if loc := re.FindStringIndex(s); loc != nil && loc[0] == 0 {
							s = s[loc[1]:]
						}
					}
					if end {
						s = trimEndOnce(re.String(), s)
					}
					return types.NewString(s)
				}, nil
			}})
	}
	trimFn("trim", true, true)
	trimFn("trim_start", true, false)
	trimFn("trim_end", false, true)

	register(&Scalar{Name: "extract", MinArgs: 3, MaxArgs: 4, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			ret := types.String
			if len(args) == 4 {
				if args[3].Const == nil || args[3].Const.T != types.String {
					return 0, nil, argErr("extract(): the fourth argument must be typeof(T)")
				}
				t, ok := types.ParseType(args[3].Const.S)
				if !ok {
					return 0, nil, argErr("extract(): unknown type %q", args[3].Const.S)
				}
				ret = t
			}
			if args[0].Const != nil {
				if _, err := CompileRegex(str(*args[0].Const)); err != nil {
					return 0, nil, argErr("extract(): %v", err)
				}
			}
			return ret, func(a []types.Value) types.Value {
				re, err := CompileRegex(str(a[0]))
				if err != nil || !a[1].Valid {
					return types.Null(ret)
				}
				g := int(a[1].I)
				m := re.FindStringSubmatchIndex(str(a[2]))
				if m == nil || g < 0 || 2*g+1 >= len(m) || m[2*g] < 0 {
					if ret == types.String {
						return types.NewString("")
					}
					return types.Null(ret)
				}
				s := str(a[2])[m[2*g]:m[2*g+1]]
				if ret == types.String {
					return types.NewString(s)
				}
				return Convert(types.NewString(s), ret)
			}, nil
		}})
	register(&Scalar{Name: "extract_all", MinArgs: 2, MaxArgs: 3, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if args[0].Const != nil {
				re, err := CompileRegex(str(*args[0].Const))
				if err != nil {
					return 0, nil, argErr("extract_all(): %v", err)
				}
				if re.NumSubexp() == 0 {
					return 0, nil, argErr("extract_all(): the regex needs at least one capture group")
				}
			}
			return types.Dynamic, func(a []types.Value) types.Value {
				re, err := CompileRegex(str(a[0]))
				if err != nil {
					return types.Null(types.Dynamic)
				}
				var groups []int
				src := a[len(a)-1]
				if len(a) == 3 {
					if arr, ok := a[1].D.([]any); ok {
						for _, g := range arr {
							if n, ok := g.(int64); ok {
								groups = append(groups, int(n))
							}
						}
					}
				} else {
					for g := 1; g <= re.NumSubexp(); g++ {
						groups = append(groups, g)
					}
				}
				s := str(src)
				ms := re.FindAllStringSubmatchIndex(s, -1)
				if len(ms) == 0 {
					return types.Null(types.Dynamic)
				}
				out := make([]any, 0, len(ms))
				for _, m := range ms {
					if len(groups) == 1 {
						out = append(out, groupText(s, m, groups[0]))
						continue
					}
					row := make([]any, len(groups))
					for i, g := range groups {
						row[i] = groupText(s, m, g)
					}
					out = append(out, row)
				}
				return types.NewDynamic(out)
			}, nil
		}})
	register(&Scalar{Name: "replace_regex", MinArgs: 3, MaxArgs: 3, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if args[1].Const != nil {
				if _, err := CompileRegex(str(*args[1].Const)); err != nil {
					return 0, nil, argErr("replace_regex(): %v", err)
				}
			}
			return types.String, func(a []types.Value) types.Value {
				re, err := CompileRegex(str(a[1]))
				if err != nil {
					return types.NewString(str(a[0]))
				}
				return types.NewString(re.ReplaceAllString(str(a[0]), TranslateReplacement(str(a[2]))))
			}, nil
		}})
	alias("replace", "replace_regex")
	strFn("url_decode", NameNone, 1, func(a []types.Value) types.Value {
		s, err := url.QueryUnescape(str(a[0]))
		if err != nil {
			return types.NewString("")
		}
		return types.NewString(s)
	}, types.String)
	strFn("url_encode", NameNone, 1, func(a []types.Value) types.Value {
		return types.NewString(url.QueryEscape(str(a[0])))
	}, types.String)
	alias("url_encode_component", "url_encode")
}

func groupText(s string, m []int, g int) any {
	if 2*g+1 >= len(m) || m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

// trimEndOnce removes one match of pat anchored at the end of s.
func trimEndOnce(pat, s string) string {
	re, err := CompileRegexGo("(?:" + pat + `)\z`)
	if err != nil {
		return s
	}
	if loc := re.FindStringIndex(s); loc != nil {
		// find the leftmost-longest suffix match: FindStringIndex gives the leftmost start
		return s[:loc[0]]
	}
	return s
}

func init() {
	// strrep(value, multiplier[, delimiter]): value repeated multiplier
	// times, joined by delimiter; a multiplier below 1 gives "". The
	// repetitions are capped at 1,000,000.
	alias("extractall", "extract_all") // deprecated name
	register(&Scalar{Name: "strrep", MinArgs: 2, MaxArgs: 3, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if !args[1].Type.IsInteger() {
				return 0, nil, argErr("strrep(): the multiplier must be an integer, not %s", args[1].Type)
			}
			if err := requireString("strrep", args, 2); err != nil {
				return 0, nil, err
			}
			return types.String, func(a []types.Value) types.Value {
				if !a[1].Valid || a[1].I < 1 {
					return types.NewString("")
				}
				n := a[1].I
				if n > 1_000_000 {
					n = 1_000_000
				}
				delim := ""
				if len(a) > 2 {
					delim = str(a[2])
				}
				s := str(a[0])
				var b strings.Builder
				for i := int64(0); i < n; i++ {
					if i > 0 {
						b.WriteString(delim)
					}
					b.WriteString(s)
				}
				return types.NewString(b.String())
			}, nil
		}})
}

// jsonPathStep is one step of a simple JSONPath: a property name or an
// array index.
type jsonPathStep struct {
	key   string
	index int
	isIdx bool
}

// parseJSONPath parses the JSONPath subset Kusto's extract_json accepts:
// $ followed by .name, ['name'] / ["name"] and [index] steps.
func parseJSONPath(p string) ([]jsonPathStep, bool) {
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	p = p[1:]
	var out []jsonPathStep
	for p != "" {
		switch {
		case p[0] == '.':
			p = p[1:]
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			if end == 0 || strings.ContainsAny(p[:end], "*") {
				return nil, false
			}
			out = append(out, jsonPathStep{key: p[:end]})
			p = p[end:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, false
			}
			in := strings.TrimSpace(p[1:end])
			p = p[end+1:]
			if len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0] {
				out = append(out, jsonPathStep{key: in[1 : len(in)-1]})
				continue
			}
			n, err := strconv.Atoi(in)
			if err != nil {
				return nil, false
			}
			out = append(out, jsonPathStep{index: n, isIdx: true})
		default:
			return nil, false
		}
	}
	return out, true
}

func init() {
	compileExtractJSON := func(name string) func([]Arg) (types.Type, EvalFunc, error) {
		return func(args []Arg) (types.Type, EvalFunc, error) {
			if args[0].Const == nil || args[0].Const.T != types.String {
				return 0, nil, argErr("%s(): the path must be a constant string", name)
			}
			path, ok := parseJSONPath(args[0].Const.S)
			if !ok {
				return 0, nil, argErr("%s(): unsupported JSONPath %q (only $, .name, ['name'] and [index] steps)", name, args[0].Const.S)
			}
			if err := requireString(name, args, 1); err != nil {
				return 0, nil, err
			}
			ret := types.String
			if len(args) > 2 {
				if args[2].Const == nil || args[2].Const.T != types.String {
					return 0, nil, argErr("%s(): the third argument must be typeof(T)", name)
				}
				t, ok := types.ParseType(args[2].Const.S)
				if !ok {
					return 0, nil, argErr("%s(): unknown type %q", name, args[2].Const.S)
				}
				ret = t
			}
			return ret, func(a []types.Value) types.Value {
				var d any
				if a[1].T == types.Dynamic {
					d = a[1].D
					if s, isStr := d.(string); isStr {
						if p, err := types.ParseJSON(s); err == nil {
							d = p
						}
					}
				} else {
					p, err := types.ParseJSON(str(a[1]))
					if err != nil {
						return types.Null(ret)
					}
					d = p
				}
				for _, st := range path {
					switch x := d.(type) {
					case *types.Bag:
						if st.isIdx {
							return types.Null(ret)
						}
						v, found := x.Get(st.key)
						if !found {
							return types.Null(ret)
						}
						d = v
					case []any:
						i := st.index
						if !st.isIdx || i < 0 || i >= len(x) {
							return types.Null(ret)
						}
						d = x[i]
					default:
						return types.Null(ret)
					}
				}
				return Convert(types.NewDynamic(d), ret)
			}, nil
		}
	}
	register(&Scalar{Name: "extract_json", MinArgs: 2, MaxArgs: 3, NameKind: NameNone, Compile: compileExtractJSON("extract_json")})
	register(&Scalar{Name: "extractjson", MinArgs: 2, MaxArgs: 3, NameKind: NameNone, Compile: compileExtractJSON("extractjson")})
}
