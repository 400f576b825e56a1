package engine

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// parse-kv X as (k1:t1, ...) with (pair_delimiter=P, kv_delimiter=K [, quote=Q]):
// the text is split into pairs at P (not inside quotes), each pair into key
// and value at the first K; the first occurrence of a key wins; values in
// quotes lose them. Missing keys give "" (strings) or null (other types).

type parseKvOptions struct {
	pair, kv string
	quotes   string
}

func (c *compiler) parseKv(in node, o *syntax.ParseKvOp) node {
	s := c.scopeOf(in)
	src := c.scalar(o.X, s)
	if src.t != types.String && src.t != types.Dynamic {
		c.errorf(o.X, "parse-kv needs a string, not %s", src.t)
	}
	var opt parseKvOptions
	for _, w := range o.With {
		ne, ok := w.(*syntax.NamedExpr)
		if !ok || len(ne.Names) != 1 {
			c.errorf(w, "parse-kv: expected name = value in the with (...) list")
		}
		name := ne.Names[0].Name
		val := c.scalar(ne.Value, nil)
		if !val.isConst() {
			c.errorf(ne.Value, "parse-kv: %s must be a constant", name)
		}
		switch name {
		case "pair_delimiter":
			opt.pair = types.ToString(*val.c)
		case "kv_delimiter":
			opt.kv = types.ToString(*val.c)
		case "quote":
			opt.quotes = types.ToString(*val.c)
		case "greedy":
			if val.c.T != types.Bool || val.c.I != 0 {
				c.unsupported(ne, "parse-kv greedy=true")
			}
		default:
			c.unsupported(ne, "parse-kv option "+name)
		}
	}
	if opt.pair == "" || opt.kv == "" {
		c.unsupported(o, "parse-kv without both pair_delimiter and kv_delimiter (regex mode)")
	}
	cols := append([]types.Column(nil), s.cols...)
	var keys []string
	var typs []types.Type
	var slots []int
	for _, cd := range o.Columns {
		t := types.String
		if cd.Type != nil {
			t = typeOf(c, cd.Type)
		}
		name := cd.Name.Name
		keys = append(keys, name)
		typs = append(typs, t)
		if i, ok := s.lookup(name); ok {
			cols[i] = types.Column{Name: name, Type: t}
			slots = append(slots, i)
		} else {
			cols = append(cols, types.Column{Name: name, Type: t})
			slots = append(slots, len(cols)-1)
		}
	}
	width := len(cols)
	se := src.eval
	return &mapNode{in: in, cols: cols, fn: func(r types.Row) types.Row {
		out := make(types.Row, width)
		copy(out, r)
		found := splitKv(strOf(se(r)), opt)
		for i, k := range keys {
			v, ok := found[k]
			switch {
			case !ok && typs[i] == types.String:
				out[slots[i]] = types.NewString("")
			case !ok:
				out[slots[i]] = types.Null(typs[i])
			default:
				out[slots[i]] = funcs.Convert(types.NewString(v), typs[i])
			}
		}
		return out
	}}
}

// splitKv splits text into key/value pairs; the first occurrence of a key
// wins.
func splitKv(text string, opt parseKvOptions) map[string]string {
	out := map[string]string{}
	for _, pair := range splitOutsideQuotes(text, opt.pair, opt.quotes) {
		k, v, ok := strings.Cut(pair, opt.kv)
		if !ok {
			continue
		}
		if len(v) >= 2 && opt.quotes != "" && strings.ContainsRune(opt.quotes, rune(v[0])) && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		if _, dup := out[k]; !dup {
			out[k] = v
		}
	}
	return out
}

func splitOutsideQuotes(s, delim, quotes string) []string {
	if quotes == "" {
		return strings.Split(s, delim)
	}
	var out []string
	start := 0
	var inQuote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inQuote != 0:
			if ch == inQuote {
				inQuote = 0
			}
		case strings.IndexByte(quotes, ch) >= 0:
			inQuote = ch
		case strings.HasPrefix(s[i:], delim):
			out = append(out, s[start:i])
			i += len(delim) - 1
			start = i + 1
		}
	}
	return append(out, s[start:])
}
