package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/funcs"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// externalFlags map externaldata URLs and watchlist aliases to local files.
type externalFlags struct {
	externaldata []string // URL=FILE
	watchlists   []string // NAME=FILE
}

func splitMapping(flag, s string) (string, string, error) {
	i := strings.LastIndex(s, "=")
	if i <= 0 || i == len(s)-1 {
		return "", "", usageErr("--%s %q: want KEY=FILE", flag, s)
	}
	return s[:i], s[i+1:], nil
}

// externalData returns the engine's externaldata resolver: the declared
// columns are read from the local file, as CSV (format csv, or none given),
// TSV (tsv, tsve), or one value per line (txt, raw). A first record equal to
// the column names is taken as a header and skipped.
func (f *externalFlags) externalData() (func(string, []types.Column, string) ([]types.Row, bool, error), error) {
	files := map[string]string{}
	for _, m := range f.externaldata {
		u, p, err := splitMapping("externaldata", m)
		if err != nil {
			return nil, err
		}
		files[u] = p
	}
	return func(url string, cols []types.Column, format string) ([]types.Row, bool, error) {
		path, ok := files[url]
		if !ok {
			return nil, false, nil
		}
		recs, err := readRecords(path, strings.ToLower(format))
		if err != nil {
			return nil, true, err
		}
		var rows []types.Row
		for i, rec := range recs {
			if i == 0 && isHeader(rec, cols) {
				continue
			}
			row := make(types.Row, len(cols))
			for j, c := range cols {
				if j >= len(rec) {
					row[j] = types.Null(c.Type)
					continue
				}
				if c.Type == types.String {
					row[j] = types.NewString(rec[j])
					continue
				}
				if rec[j] == "" {
					row[j] = types.Null(c.Type)
					continue
				}
				row[j] = funcs.Convert(types.NewString(rec[j]), c.Type)
			}
			rows = append(rows, row)
		}
		return rows, true, nil
	}, nil
}

func isHeader(rec []string, cols []types.Column) bool {
	if len(rec) != len(cols) {
		return false
	}
	for i, c := range cols {
		if strings.TrimSpace(rec[i]) != c.Name {
			return false
		}
	}
	return true
}

func readRecords(path, format string) ([][]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	switch format {
	case "txt", "raw":
		b, err := io.ReadAll(fh)
		if err != nil {
			return nil, err
		}
		var out [][]string
		for _, l := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
			if l != "" {
				out = append(out, []string{l})
			}
		}
		return out, nil
	case "", "csv", "tsv", "tsve", "psv":
		r := csv.NewReader(fh)
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		switch format {
		case "tsv", "tsve":
			r.Comma = '\t'
		case "psv":
			r.Comma = '|'
		}
		return r.ReadAll()
	}
	return nil, fmt.Errorf("not supported: externaldata format %q (use csv, tsv, psv or txt)", format)
}

// watchlists returns the engine's _GetWatchlist resolver: a CSV file with a
// header becomes a table with SearchKey (the first column's value), one
// string column per CSV column, and WatchlistItem (a bag of the row).
func (f *externalFlags) watchlistTables() (func(string) (*source.MemoryTable, bool), error) {
	tables := map[string]*source.MemoryTable{}
	for _, m := range f.watchlists {
		name, path, err := splitMapping("watchlist", m)
		if err != nil {
			return nil, err
		}
		recs, err := readRecords(path, "csv")
		if err != nil {
			return nil, inputErr(fmt.Errorf("watchlist %s: %v", name, err))
		}
		if len(recs) == 0 {
			return nil, inputErr(fmt.Errorf("watchlist %s: %s has no header row", name, path))
		}
		head := recs[0]
		t := &source.MemoryTable{Columns: []types.Column{{Name: "SearchKey", Type: types.String}}}
		for _, h := range head {
			t.Columns = append(t.Columns, types.Column{Name: h, Type: types.String})
		}
		t.Columns = append(t.Columns, types.Column{Name: "WatchlistItem", Type: types.Dynamic})
		for _, rec := range recs[1:] {
			row := types.Row{types.NewString(first(rec))}
			bag := types.NewBag()
			for i, h := range head {
				v := ""
				if i < len(rec) {
					v = rec[i]
				}
				row = append(row, types.NewString(v))
				bag.Set(h, v)
			}
			row = append(row, types.NewDynamic(bag))
			t.Rows = append(t.Rows, row)
		}
		tables[name] = t
	}
	return func(name string) (*source.MemoryTable, bool) {
		t, ok := tables[name]
		return t, ok
	}, nil
}

func first(rec []string) string {
	if len(rec) == 0 {
		return ""
	}
	return rec[0]
}
