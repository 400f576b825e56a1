package engine

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// mv-apply items on (subquery): for each input row, the items are expanded
// as mv-expand does into a small table, the subquery runs over it, and
// every subquery row is output after the input row's columns that the
// subquery output does not also have.

type currentRowNode struct {
	cols []types.Column
	rows []types.Row
}

func (n *currentRowNode) schema() []types.Column { return n.cols }
func (n *currentRowNode) run(rc *runCtx, emit func([]types.Row) error) error {
	if len(n.rows) == 0 {
		return nil
	}
	return emit(n.rows)
}

type mvApplyNode struct {
	in   node
	cur  *currentRowNode
	sub  node
	keep []int // input columns kept before the subquery's columns
	cols []types.Column
}

func (m *mvApplyNode) schema() []types.Column { return m.cols }

func (c *compiler) mvApply(in node, o *syntax.MvApplyOp) node {
	cur := &currentRowNode{cols: in.schema()}
	var sub node = c.mvExpand(cur, &syntax.MvExpandOp{Span: o.Span, Kw: "mv-apply", Options: o.Options, Items: o.Items, Limit: o.Limit})
	for _, op := range o.Body {
		sub = c.operator(sub, op, nil)
	}
	subCols := sub.schema()
	subNames := namesOf(subCols)
	m := &mvApplyNode{in: in, cur: cur, sub: sub}
	for i, col := range in.schema() {
		if !subNames[col.Name] {
			m.keep = append(m.keep, i)
			m.cols = append(m.cols, col)
		}
	}
	m.cols = append(m.cols, subCols...)
	return m
}

func (m *mvApplyNode) run(rc *runCtx, emit func([]types.Row) error) error {
	return m.in.run(rc, func(rows []types.Row) error {
		var out []types.Row
		for _, r := range rows {
			m.cur.rows = []types.Row{r}
			subRows, err := collect(rc, m.sub)
			if err != nil {
				return err
			}
			for _, sr := range subRows {
				row := make(types.Row, 0, len(m.cols))
				for _, i := range m.keep {
					row = append(row, r[i])
				}
				out = append(out, append(row, sr...))
			}
		}
		m.cur.rows = nil
		if len(out) == 0 {
			return nil
		}
		return emit(out)
	})
}

// partition by Column (operators): the operators run over each group of
// rows sharing a Column value; the results are unioned (Kusto leaves their
// order unspecified; we keep first-seen group order).
type partitionNode struct {
	in   node
	key  *expr
	cur  *currentRowNode
	sub  node
	cols []types.Column
}

func (p *partitionNode) schema() []types.Column { return p.cols }

func (c *compiler) partition(in node, o *syntax.PartitionOp) node {
	for _, opt := range o.Options {
		if !strings.HasPrefix(opt.Name, "hint.") {
			c.unsupported(opt, "partition option "+opt.Name)
		}
	}
	if o.Query != nil || len(o.Ops) == 0 {
		c.unsupported(o, "partition with a { subquery } body")
	}
	s := c.scopeOf(in)
	key := c.scalar(o.By, s)
	if key.col < 0 {
		c.errorf(o.By, "partition by needs a column name")
	}
	cur := &currentRowNode{cols: in.schema()}
	var sub node = cur
	for _, op := range o.Ops {
		sub = c.operator(sub, op, nil)
	}
	return &partitionNode{in: in, key: key, cur: cur, sub: sub, cols: sub.schema()}
}

func (p *partitionNode) run(rc *runCtx, emit func([]types.Row) error) error {
	rows, err := collect(rc, p.in)
	if err != nil {
		return err
	}
	groups := map[string][]types.Row{}
	var order []string
	for _, r := range rows {
		k := funcs.KeyString(p.key.eval(r))
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	for _, k := range order {
		p.cur.rows = groups[k]
		out, err := collect(rc, p.sub)
		if err != nil {
			return err
		}
		if len(out) > 0 {
			if err := emit(out); err != nil {
				return err
			}
		}
	}
	p.cur.rows = nil
	return nil
}
