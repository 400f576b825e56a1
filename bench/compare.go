package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Result is the machine contract of `rmmhunt query --format json`, which the
// DuckDB child prints too: Kusto type names and JSON values.
type Result struct {
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// Column is a result column: its name and Kusto type name.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// decodeResult parses a Result, keeping numbers as json.Number so that longs
// are compared exactly.
func decodeResult(data []byte) (Result, error) {
	var r Result
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("decoding result: %w (output starts %.200q)", err, data)
	}
	if err := dec.Decode(new(any)); err != io.EOF {
		return r, fmt.Errorf("decoding result: trailing data after the JSON object")
	}
	for i, row := range r.Rows {
		if len(row) != len(r.Columns) {
			return r, fmt.Errorf("row %d has %d values for %d columns", i, len(row), len(r.Columns))
		}
	}
	return r, nil
}

// Normalised is a result reduced to text for comparison: column names, and
// rows of canonical cell texts sorted in byte order.
type Normalised struct {
	Columns []string
	Rows    [][]string
}

// normalise turns a result into comparable text. The rules (documented in
// docs/benchmarks.md):
//   - rows are compared as a multiset: sorted by their cell texts;
//   - null and "" are the same (Kusto strings have no null; SQL's do);
//   - datetimes (type "datetime", or any string in ISO 8601 UTC form in a
//     datetime column) are rendered with 7 fraction digits and Z;
//   - numbers are rendered in shortest form (longs exactly);
//   - columns named in sets (make_set results) are arrays compared as sets:
//     elements sorted and de-duplicated; other arrays and objects compare as
//     canonical JSON (object keys sorted).
func normalise(r Result, sets map[string]bool) (Normalised, error) {
	n := Normalised{}
	for _, c := range r.Columns {
		n.Columns = append(n.Columns, c.Name)
	}
	for _, row := range r.Rows {
		out := make([]string, len(row))
		for i, v := range row {
			s, err := cell(v, r.Columns[i].Type, sets[r.Columns[i].Name])
			if err != nil {
				return n, fmt.Errorf("column %s: %w", r.Columns[i].Name, err)
			}
			out[i] = s
		}
		n.Rows = append(n.Rows, out)
	}
	slices.SortFunc(n.Rows, func(a, b []string) int { return slices.Compare(a, b) })
	return n, nil
}

const kustoTime = "2006-01-02T15:04:05.0000000Z"

func cell(v any, typ string, isSet bool) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		if typ == "datetime" && x != "" {
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return "", fmt.Errorf("datetime %q: %w", x, err)
			}
			return t.UTC().Format(kustoTime), nil
		}
		return x, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return strconv.FormatInt(i, 10), nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return "", fmt.Errorf("number %q: %w", x, err)
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		elems := make([]string, len(x))
		for i, e := range x {
			s, err := canonicalJSON(e)
			if err != nil {
				return "", err
			}
			elems[i] = s
		}
		if isSet {
			slices.Sort(elems)
			elems = slices.Compact(elems)
		}
		return "[" + strings.Join(elems, ",") + "]", nil
	default:
		return canonicalJSON(v)
	}
}

// canonicalJSON renders a decoded JSON value with sorted object keys and
// numbers in shortest form.
func canonicalJSON(v any) (string, error) {
	switch x := v.(type) {
	case json.Number:
		return cell(x, "", false)
	case []any:
		return cell(x, "", false)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			s, err := canonicalJSON(x[k])
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		b.WriteByte('}')
		return b.String(), nil
	default:
		b, err := json.Marshal(x)
		return string(b), err
	}
}

// diff describes how two normalised results differ ("" when they are equal).
func diff(aName string, a Normalised, bName string, b Normalised) string {
	if !slices.Equal(a.Columns, b.Columns) {
		return fmt.Sprintf("columns differ:\n  %s: %v\n  %s: %v", aName, a.Columns, bName, b.Columns)
	}
	var onlyA, onlyB [][]string
	i, j := 0, 0
	for i < len(a.Rows) || j < len(b.Rows) {
		switch {
		case j == len(b.Rows) || (i < len(a.Rows) && slices.Compare(a.Rows[i], b.Rows[j]) < 0):
			onlyA = append(onlyA, a.Rows[i])
			i++
		case i == len(a.Rows) || slices.Compare(a.Rows[i], b.Rows[j]) > 0:
			onlyB = append(onlyB, b.Rows[j])
			j++
		default:
			i++
			j++
		}
	}
	if len(onlyA) == 0 && len(onlyB) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d rows only in %s, %d rows only in %s (of %d and %d rows); columns %v\n", len(onlyA), aName, len(onlyB), bName, len(a.Rows), len(b.Rows), a.Columns)
	for k, r := range onlyA {
		if k == 5 {
			fmt.Fprintf(&sb, "  ...\n")
			break
		}
		fmt.Fprintf(&sb, "  only %s: %q\n", aName, r)
	}
	for k, r := range onlyB {
		if k == 5 {
			fmt.Fprintf(&sb, "  ...\n")
			break
		}
		fmt.Fprintf(&sb, "  only %s: %q\n", bName, r)
	}
	return sb.String()
}

// setColumns reads the "-- sets: A, B" header of a SQL file: the columns that
// hold make_set results.
func setColumns(sqlText string) map[string]bool {
	sets := map[string]bool{}
	for _, line := range strings.Split(sqlText, "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "-- sets:"); ok {
			for _, c := range strings.Split(rest, ",") {
				if c = strings.TrimSpace(c); c != "" {
					sets[c] = true
				}
			}
		}
	}
	return sets
}
