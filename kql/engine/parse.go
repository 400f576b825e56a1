package engine

import (
	"regexp"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

func convertDyn(v types.Value, t types.Type) types.Value { return funcs.Convert(v, t) }

type parseNode struct {
	in    node
	cols  []types.Column
	src   *expr
	re    *regexp.Regexp
	slots []int        // output column per capture group
	typs  []types.Type // type per capture group
	where bool         // parse-where: drop rows that do not match
}

func (p *parseNode) schema() []types.Column { return p.cols }

func (c *compiler) parse(in node, o *syntax.ParseOp) node {
	s := c.scopeOf(in)
	kind := "simple"
	if v, ok := optionValue(o.Options, "kind"); ok {
		kind = v
	}
	flags := ""
	if v, ok := optionValue(o.Options, "flags"); ok {
		flags = v
	}
	if kind != "simple" && kind != "regex" {
		c.unsupported(o, "parse kind="+kind)
	}
	src := c.scalar(o.X, s)
	p := &parseNode{in: in, src: src, where: o.Kw == "parse-where"}
	p.cols = append([]types.Column(nil), s.cols...)
	taken := namesOf(p.cols)
	var re strings.Builder
	re.WriteString(`\A`)
	if flags != "" {
		for _, f := range flags {
			if !strings.ContainsRune("imsU", f) {
				c.unsupported(o, "parse flag "+string(f))
			}
		}
		re.WriteString("(?" + flags + ")")
	}
	n := len(o.Pattern)
	for i, el := range o.Pattern {
		last := i == n-1
		switch x := el.(type) {
		case *syntax.StarExpr:
			if last {
				re.WriteString(`(?s:.*)`)
			} else {
				re.WriteString(`(?s:.*?)`)
			}
		case *syntax.Literal:
			if x.Kind != syntax.LitString {
				c.errorf(x, "parse patterns take string literals")
			}
			if kind == "regex" {
				g, err := funcs.TranslateRegex(x.Str)
				if err != nil {
					c.errorf(x, "%v", err)
				}
				re.WriteString("(?:" + g + ")")
			} else {
				re.WriteString(regexp.QuoteMeta(x.Str))
			}
		case *syntax.Ident, *syntax.ColumnDecl:
			if i > 0 {
				switch o.Pattern[i-1].(type) {
				case *syntax.Ident, *syntax.ColumnDecl:
					c.errorf(x, "parse: two columns need a string constant between them")
				}
			}
			var name string
			t := types.String
			switch y := x.(type) {
			case *syntax.Ident:
				name = y.Name
			case *syntax.ColumnDecl:
				name = y.Name.Name
				if y.Type != nil {
					t = typeOf(c, y.Type)
				}
			}
			if i, ok := s.lookup(name); ok {
				p.cols[i] = types.Column{Name: name, Type: t}
				p.slots = append(p.slots, i)
			} else {
				taken[name] = true
				p.cols = append(p.cols, types.Column{Name: name, Type: t})
				p.slots = append(p.slots, len(p.cols)-1)
			}
			p.typs = append(p.typs, t)
			switch {
			case last:
				re.WriteString(`(?s:(.*))`)
			case kind == "regex" && t == types.String:
				re.WriteString(`(?s:(.*))`)
			case kind == "regex" && t.IsInteger():
				re.WriteString(`([-+]?\d+)`)
			default:
				re.WriteString(`(?s:(.*?))`)
			}
		default:
			c.errorf(el, "unexpected element in a parse pattern")
		}
	}
	rx, err := regexp.Compile(re.String())
	if err != nil {
		c.errorf(o, "parse pattern: %v", err)
	}
	p.re = rx
	return p
}

func (p *parseNode) run(rc *runCtx, emit func([]types.Row) error) error {
	width := len(p.cols)
	return p.in.run(rc, func(rows []types.Row) error {
		out := make([]types.Row, 0, len(rows))
		for _, r := range rows {
			row := make(types.Row, width)
			copy(row, r)
			text := strOf(p.src.eval(r))
			m := p.re.FindStringSubmatch(text)
			if m == nil && p.where {
				continue
			}
			for i, slot := range p.slots {
				t := p.typs[i]
				if m == nil {
					row[slot] = types.Null(t)
					continue
				}
				sv := types.NewString(m[i+1])
				if t == types.String {
					row[slot] = sv
				} else {
					row[slot] = funcs.Convert(sv, t)
				}
			}
			out = append(out, row)
		}
		if len(out) == 0 {
			return nil
		}
		return emit(out)
	})
}
