package ruletest

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// Value converts one cell of a rule-test row, as YAML decoded it (string,
// int, int64, uint64, float64, bool, nil, time.Time, []any, map[string]any,
// map[any]any), to a value of the Kusto type t.
//
//   - nil is the null of t ("" for string).
//   - string: a string as given; a number, bool or timestamp as its text.
//   - int, long: integers, integral reals, and strings holding either.
//   - real, decimal: numbers, and strings holding one (NaN, Infinity too).
//   - datetime: time.Time (an unquoted YAML timestamp) or a string that
//     Kusto's datetime() accepts.
//   - timespan: a string that Kusto's timespan() accepts (1d, 00:05:00).
//   - bool: true/false, 0/1, and the strings "true"/"false" (any case).
//   - guid: a string in 8-4-4-4-12 form (braces allowed).
//   - dynamic: lists and mappings as they are; a string parsed as JSON when
//     it is JSON, else kept as a dynamic string (Kusto's parse_json); other
//     scalars as themselves.
//
// A value that does not fit t is an error that names what was given: a rule
// test must never quietly run over different data than it shows.
func Value(v any, t types.Type) (types.Value, error) {
	if v == nil {
		return types.Null(t), nil
	}
	switch t {
	case types.String:
		return types.NewString(textOf(v)), nil
	case types.Int, types.Long:
		n, err := integer(v)
		if err != nil {
			return types.Value{}, err
		}
		if t == types.Int {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return types.Value{}, fmt.Errorf("%d does not fit an int (32 bits)", n)
			}
			return types.NewInt(n), nil
		}
		return types.NewLong(n), nil
	case types.Real, types.Decimal:
		f, err := real(v)
		if err != nil {
			return types.Value{}, err
		}
		if t == types.Decimal {
			return types.NewDecimal(f), nil
		}
		return types.NewReal(f), nil
	case types.DateTime:
		switch x := v.(type) {
		case time.Time:
			return types.NewDateTime(types.TicksFromTime(x)), nil
		case string:
			if strings.TrimSpace(x) == "" {
				return types.Null(t), nil
			}
			if ticks, ok := types.ParseDateTime(x); ok {
				return types.NewDateTime(ticks), nil
			}
			return types.Value{}, fmt.Errorf("%q is not a datetime (use RFC 3339, e.g. 2026-03-07T10:00:00Z)", x)
		}
	case types.TimeSpan:
		if x, ok := v.(string); ok {
			if strings.TrimSpace(x) == "" {
				return types.Null(t), nil
			}
			if ticks, ok := types.ParseTimeSpan(x); ok {
				return types.NewTimeSpan(ticks), nil
			}
			return types.Value{}, fmt.Errorf("%q is not a timespan (e.g. 1d, 00:05:00)", x)
		}
	case types.Bool:
		switch x := v.(type) {
		case bool:
			return types.NewBool(x), nil
		case int, int64, uint64:
			n, _ := integer(x)
			if n == 0 || n == 1 {
				return types.NewBool(n == 1), nil
			}
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true":
				return types.NewBool(true), nil
			case "false":
				return types.NewBool(false), nil
			case "":
				return types.Null(t), nil
			}
		}
	case types.Guid:
		if x, ok := v.(string); ok {
			if strings.TrimSpace(x) == "" {
				return types.Null(t), nil
			}
			if g, ok := canonicalGUID(x); ok {
				return types.NewGuid(g), nil
			}
			return types.Value{}, fmt.Errorf("%q is not a guid (8-4-4-4-12 hexadecimal digits)", x)
		}
	case types.Dynamic:
		if s, ok := v.(string); ok {
			if d, err := types.ParseJSON(s); err == nil {
				if d == nil {
					return types.Null(t), nil
				}
				return types.NewDynamic(d), nil
			}
			return types.NewDynamic(s), nil
		}
		d, err := dynamicOf(v)
		if err != nil {
			return types.Value{}, err
		}
		return types.NewDynamic(d), nil
	default:
		return types.Value{}, fmt.Errorf("columns of type %s are not supported in rule tests", t)
	}
	return types.Value{}, fmt.Errorf("%s is not a %s", describe(v), t)
}

// textOf renders a scalar YAML value as the text a string column holds.
func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return types.FormatReal(x)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	if d, err := dynamicOf(v); err == nil {
		return types.DynamicJSON(d, false)
	}
	return fmt.Sprint(v)
}

func integer(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, fmt.Errorf("%d does not fit a long", x)
		}
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) || math.IsNaN(x) || x >= math.MaxInt64 || x < math.MinInt64 {
			return 0, fmt.Errorf("%s is not an integer", types.FormatReal(x))
		}
		return int64(x), nil
	case string:
		s := strings.TrimSpace(x)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return integer(f)
		}
		return 0, fmt.Errorf("%q is not an integer", x)
	}
	return 0, fmt.Errorf("%s is not an integer", describe(v))
}

func real(v any) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case float64:
		return x, nil
	case string:
		s := strings.TrimSpace(x)
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity", "+Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		// ParseFloat also takes "inf" and "nan" in any case; only the
		// spellings above are Kusto's.
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, nil
		}
		return 0, fmt.Errorf("%q is not a number", x)
	}
	return 0, fmt.Errorf("%s is not a number", describe(v))
}

// dynamicOf converts a YAML tree into a dynamic payload.
func dynamicOf(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, int64, string:
		return x, nil
	case int:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return float64(x), nil
		}
		return int64(x), nil
	case float64:
		return x, nil
	case time.Time:
		return types.DynDateTime(types.TicksFromTime(x)), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			d, err := dynamicOf(e)
			if err != nil {
				return nil, err
			}
			out[i] = d
		}
		return out, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b := types.NewBag()
		for _, k := range keys {
			d, err := dynamicOf(x[k])
			if err != nil {
				return nil, err
			}
			b.Set(k, d)
		}
		return b, nil
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[textOf(k)] = e
		}
		return dynamicOf(m)
	}
	return nil, fmt.Errorf("%s cannot be a dynamic value", describe(v))
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "a mapping"
	case time.Time:
		return "the timestamp " + x.UTC().Format(time.RFC3339Nano)
	case bool:
		return "the bool " + strconv.FormatBool(x)
	}
	return fmt.Sprintf("the %T %v", v, v)
}

// canonicalGUID accepts 8-4-4-4-12 hexadecimal text, optionally in braces,
// and returns it in lower case.
func canonicalGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}

// Table builds an in-memory table for name from rule-test rows: every column
// of the table's schema, in schema order, each row's cells converted to the
// column types (see Value) and missing cells null. A row naming a column the
// table does not have is an error (with a suggestion), so a misspelt column
// cannot make a test pass for the wrong reason.
func Table(t *schema.Table, rows []map[string]any) ([]types.Column, []types.Row, error) {
	cols := make([]types.Column, len(t.Columns))
	for i, c := range t.Columns {
		typ, ok := types.ParseType(c.Type)
		if !ok {
			return nil, nil, fmt.Errorf("table %s: column %s has unknown type %q", t.Name, c.Name, c.Type)
		}
		cols[i] = types.Column{Name: c.Name, Type: typ}
	}
	out := make([]types.Row, 0, len(rows))
	for ri, r := range rows {
		names := make([]string, 0, len(r))
		for k := range r {
			names = append(names, k)
		}
		sort.Strings(names)
		row := make(types.Row, len(cols))
		for i, c := range cols {
			row[i] = types.Null(c.Type)
		}
		given := map[int]string{}
		for _, k := range names {
			col, _, ok := t.Resolve(k)
			if !ok {
				msg := fmt.Sprintf("%s row %d: %s is not a column of %s", t.Name, ri+1, k, t.Name)
				if s := schema.Suggest(t, k); s != "" {
					msg += "; did you mean " + s + "?"
				}
				return nil, nil, fmt.Errorf("%s", msg)
			}
			i := t.Index(col.Name)
			if prev, dup := given[i]; dup {
				return nil, nil, fmt.Errorf("%s row %d: %s and %s both give column %s", t.Name, ri+1, prev, k, col.Name)
			}
			given[i] = k
			v, err := Value(r[k], cols[i].Type)
			if err != nil {
				return nil, nil, fmt.Errorf("%s row %d: %s (%s): %v", t.Name, ri+1, k, cols[i].Type, err)
			}
			row[i] = v
		}
		out = append(out, row)
	}
	return cols, out, nil
}
