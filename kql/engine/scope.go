package engine

import (
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// rowScope is the set of columns an expression can see.
type rowScope struct {
	cols  []types.Column
	index map[string]int
	table *schema.Table // the scanned table, for alias resolution and hints
	// join conditions see both sides
	left, right *rowScope
}

func newScope(cols []types.Column) *rowScope {
	s := &rowScope{cols: cols, index: make(map[string]int, len(cols))}
	for i, c := range cols {
		if _, dup := s.index[c.Name]; !dup {
			s.index[c.Name] = i
		}
	}
	return s
}

func (s *rowScope) lookup(name string) (int, bool) {
	if s == nil {
		return -1, false
	}
	i, ok := s.index[name]
	return i, ok
}

func (s *rowScope) names() []string {
	out := make([]string, len(s.cols))
	for i, c := range s.cols {
		out[i] = c.Name
	}
	return out
}
