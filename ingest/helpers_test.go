package ingest

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

func sample(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(testutil.SharedDir(t, "data/telemetry"), rel)
}

// fullSpec is a spec of every column of a table.
func fullSpec(t testing.TB, table string) source.Spec {
	t.Helper()
	tab, ok := schema.Lookup(table)
	if !ok {
		t.Fatalf("no table %s", table)
	}
	sp := source.Spec{Table: table}
	for _, c := range tab.Columns {
		ty, _ := types.ParseType(c.Type)
		sp.Columns = append(sp.Columns, c.Name)
		sp.Types = append(sp.Types, ty)
	}
	return sp
}

// tableRows scans one table and returns rows as column → value maps.
func tableRows(t testing.TB, s *Set, spec source.Spec) []map[string]types.Value {
	t.Helper()
	var out []map[string]types.Value
	err := s.Scan(context.Background(), spec, func(rows []types.Row) error {
		for _, r := range rows {
			if len(r) != len(spec.Columns) {
				t.Fatalf("row has %d values, want %d", len(r), len(spec.Columns))
			}
			m := map[string]types.Value{}
			for i, c := range spec.Columns {
				m[c] = r[i]
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", spec.Table, err)
	}
	return out
}

func openT(t testing.TB, opts Options, paths ...string) *Set {
	t.Helper()
	s, err := Open(paths, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func str(v types.Value) string {
	switch v.T {
	case types.String, types.Guid:
		return v.S
	case types.DateTime:
		if !v.Valid {
			return "null"
		}
		return types.FormatDateTime(v.I)
	case types.Dynamic:
		if !v.Valid {
			return "null"
		}
		return types.DynamicJSON(v.D, false)
	}
	if !v.Valid {
		return "null"
	}
	switch v.T {
	case types.Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case types.Real, types.Decimal:
		return types.FormatReal(v.F)
	}
	return strconv.FormatInt(v.I, 10)
}
