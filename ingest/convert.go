package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// convert turns one decoded field value into a value of Kusto type t.
// v is what a JSON decoder or a text reader produced: nil, bool, int64,
// float64, string, *types.Bag or []any. textual is true for text-only
// formats (CSV), where every value is text: there an empty string is null
// for every type but string, and a dynamic column parses its text as JSON
// (invalid JSON becomes a dynamic string, as Kusto's parse_json does).
//
// It returns the value and, when v does not fit t, the null of t and a
// reason.
func convert(v any, t types.Type, textual bool) (types.Value, string) {
	if v == nil {
		return types.Null(t), ""
	}
	switch t {
	case types.String:
		switch x := v.(type) {
		case string:
			return types.NewString(x), ""
		case int64:
			return types.NewString(strconv.FormatInt(x, 10)), ""
		case float64:
			return types.NewString(types.FormatReal(x)), ""
		case bool:
			return types.NewString(strconv.FormatBool(x)), ""
		default:
			return types.NewString(types.DynamicJSON(v, false)), ""
		}
	case types.Long, types.Int:
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case float64:
			if x != math.Trunc(x) || math.IsInf(x, 0) || math.IsNaN(x) || x > math.MaxInt64 || x < math.MinInt64 {
				return types.Null(t), fmt.Sprintf("%s is not an integer", types.FormatReal(x))
			}
			n = int64(x)
		case string:
			s := strings.TrimSpace(x)
			if s == "" {
				return types.Null(t), ""
			}
			var err error
			n, err = strconv.ParseInt(s, 10, 64)
			if err != nil {
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil || f != math.Trunc(f) || math.IsInf(f, 0) || f > math.MaxInt64 || f < math.MinInt64 {
					return types.Null(t), fmt.Sprintf("%s is not a %s", quoteShort(x), t)
				}
				n = int64(f)
			}
		default:
			return types.Null(t), fmt.Sprintf("%s is not a %s", describe(v), t)
		}
		if t == types.Int {
			if n > math.MaxInt32 || n < math.MinInt32 {
				return types.Null(t), fmt.Sprintf("%d is out of range for int", n)
			}
			return types.NewInt(n), ""
		}
		return types.NewLong(n), ""
	case types.Real, types.Decimal:
		var f float64
		switch x := v.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		case string:
			s := strings.TrimSpace(x)
			if s == "" {
				return types.Null(t), ""
			}
			var err error
			if f, err = strconv.ParseFloat(s, 64); err != nil {
				return types.Null(t), fmt.Sprintf("%s is not a %s", quoteShort(x), t)
			}
		default:
			return types.Null(t), fmt.Sprintf("%s is not a %s", describe(v), t)
		}
		if t == types.Decimal {
			return types.NewDecimal(f), ""
		}
		return types.NewReal(f), ""
	case types.Bool:
		switch x := v.(type) {
		case bool:
			return types.NewBool(x), ""
		case int64:
			if x == 0 || x == 1 {
				return types.NewBool(x == 1), ""
			}
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "":
				return types.Null(t), ""
			case "true", "1":
				return types.NewBool(true), ""
			case "false", "0":
				return types.NewBool(false), ""
			}
			return types.Null(t), fmt.Sprintf("%s is not a bool", quoteShort(x))
		}
		return types.Null(t), fmt.Sprintf("%s is not a bool", describe(v))
	case types.DateTime:
		s, ok := v.(string)
		if !ok {
			return types.Null(t), fmt.Sprintf("%s is not a datetime", describe(v))
		}
		if strings.TrimSpace(s) == "" {
			return types.Null(t), ""
		}
		ticks, ok := parseTime(s)
		if !ok {
			return types.Null(t), fmt.Sprintf("%s is not a datetime", quoteShort(s))
		}
		return types.NewDateTime(ticks), ""
	case types.TimeSpan:
		s, ok := v.(string)
		if !ok {
			return types.Null(t), fmt.Sprintf("%s is not a timespan", describe(v))
		}
		if strings.TrimSpace(s) == "" {
			return types.Null(t), ""
		}
		ticks, ok := types.ParseTimeSpan(s)
		if !ok {
			return types.Null(t), fmt.Sprintf("%s is not a timespan", quoteShort(s))
		}
		return types.NewTimeSpan(ticks), ""
	case types.Guid:
		s, ok := v.(string)
		if !ok {
			return types.Null(t), fmt.Sprintf("%s is not a guid", describe(v))
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return types.Null(t), ""
		}
		g, ok := canonicalGUID(s)
		if !ok {
			return types.Null(t), fmt.Sprintf("%s is not a guid", quoteShort(s))
		}
		return types.NewGuid(g), ""
	case types.Dynamic:
		s, ok := v.(string)
		if !ok {
			return types.NewDynamic(v), ""
		}
		trimmed := strings.TrimSpace(s)
		if textual {
			if trimmed == "" {
				return types.Null(t), ""
			}
			d, err := types.ParseJSON(trimmed)
			if err != nil {
				return types.NewDynamic(s), ""
			}
			return types.NewDynamic(d), ""
		}
		if trimmed != "" && (trimmed[0] == '{' || trimmed[0] == '[') {
			if d, err := types.ParseJSON(trimmed); err == nil {
				return types.NewDynamic(d), ""
			}
		}
		return types.NewDynamic(s), ""
	}
	return types.Null(t), fmt.Sprintf("unsupported column type %s", t)
}

// parseTime parses the datetime forms found in exports: ISO 8601 with 0–7
// (or more) fraction digits, with T or a space, and the Log Analytics
// portal's "5/13/2022, 8:54:06.347 AM".
func parseTime(s string) (int64, bool) {
	if t, ok := types.ParseDateTime(s); ok {
		return t, true
	}
	return parseUSTime(strings.TrimSpace(s))
}

// parseUSTime parses M/D/YYYY[,] h:mm[:ss[.f]] AM|PM (UTC).
func parseUSTime(s string) (int64, bool) {
	num := func(i int, max int) (int, int, bool) {
		v, n := 0, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && n < max {
			v = v*10 + int(s[i]-'0')
			i++
			n++
		}
		return v, i, n > 0
	}
	mo, i, ok := num(0, 2)
	if !ok || i >= len(s) || s[i] != '/' {
		return 0, false
	}
	d, i, ok := num(i+1, 2)
	if !ok || i >= len(s) || s[i] != '/' {
		return 0, false
	}
	y, i, ok := num(i+1, 4)
	if !ok || i-len(strconv.Itoa(y)) < 0 {
		return 0, false
	}
	if i < len(s) && s[i] == ',' {
		i++
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	h, i, ok := num(i, 2)
	if !ok || i >= len(s) || s[i] != ':' {
		return 0, false
	}
	mi, i, ok := num(i+1, 2)
	if !ok {
		return 0, false
	}
	sec, frac := 0, ""
	if i < len(s) && s[i] == ':' {
		if sec, i, ok = num(i+1, 2); !ok {
			return 0, false
		}
		if i < len(s) && s[i] == '.' {
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			frac = s[i:j]
			i = j
		}
	}
	rest := strings.ToUpper(strings.TrimSpace(s[i:]))
	switch rest {
	case "AM":
		if h == 12 {
			h = 0
		}
	case "PM":
		if h != 12 {
			h += 12
		}
	case "":
	default:
		return 0, false
	}
	if h > 23 || mo < 1 || mo > 12 {
		return 0, false
	}
	iso := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d%sZ", y, mo, d, h, mi, sec, frac)
	return types.ParseDateTime(iso)
}

// canonicalGUID accepts 8-4-4-4-12 hex text, optionally in braces.
func canonicalGUID(s string) (string, bool) {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return "", false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	return s, true
}

func describe(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return types.FormatReal(x)
	case string:
		return quoteShort(x)
	case []any:
		return "a JSON array"
	case *types.Bag:
		return "a JSON object"
	}
	return fmt.Sprintf("%T", v)
}

// quoteShort quotes s, shortened to 40 runes.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		return strconv.Quote(string(r[:40])) + "…"
	}
	return strconv.Quote(s)
}
