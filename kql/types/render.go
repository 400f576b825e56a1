package types

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FormatReal renders a real the way Kusto's tostring() does: the shortest
// round-trip decimal, integral values with ".0", "inf", "-inf" and "NaN".
func FormatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// ToString renders v as Kusto's tostring() does. Null of any type is "".
func ToString(v Value) string {
	if !v.Valid {
		return ""
	}
	switch v.T {
	case Bool:
		if v.I != 0 {
			return "True"
		}
		return "False"
	case Int, Long:
		return strconv.FormatInt(v.I, 10)
	case Real, Decimal:
		return FormatReal(v.F)
	case String, Guid:
		return v.S
	case DateTime:
		return FormatDateTime(v.I)
	case TimeSpan:
		return FormatTimeSpan(v.I)
	case Dynamic:
		return DynamicToString(v.D)
	}
	return ""
}

// DynamicToString renders a dynamic payload as tostring() does: a string is
// its raw text, null is "", everything else compact JSON with sorted keys.
func DynamicToString(d any) string {
	switch x := d.(type) {
	case nil:
		return ""
	case string:
		return x
	case DynDateTime:
		return FormatDateTime(int64(x))
	case DynTimeSpan:
		return FormatTimeSpan(int64(x))
	case DynGuid:
		return string(x)
	}
	var sb strings.Builder
	WriteJSON(&sb, d, true)
	return sb.String()
}

// DynamicJSON renders a dynamic payload as compact JSON. sortKeys selects
// sorted bag keys (tostring, dynamic_to_json) or insertion order (display).
func DynamicJSON(d any, sortKeys bool) string {
	var sb strings.Builder
	WriteJSON(&sb, d, sortKeys)
	return sb.String()
}

// WriteJSON appends the compact JSON text of a dynamic payload to sb.
func WriteJSON(sb *strings.Builder, d any, sortKeys bool) {
	switch x := d.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		if x {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	case float64:
		sb.WriteString(jsonReal(x))
	case string:
		WriteJSONString(sb, x)
	case DynDateTime:
		WriteJSONString(sb, FormatDateTime(int64(x)))
	case DynTimeSpan:
		WriteJSONString(sb, FormatTimeSpan(int64(x)))
	case DynGuid:
		WriteJSONString(sb, string(x))
	case []any:
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteByte(',')
			}
			WriteJSON(sb, e, sortKeys)
		}
		sb.WriteByte(']')
	case *Bag:
		keys := x.Keys
		if sortKeys {
			keys = append([]string(nil), keys...)
			sort.Strings(keys)
		}
		sb.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			WriteJSONString(sb, k)
			sb.WriteByte(':')
			WriteJSON(sb, x.Vals[k], sortKeys)
		}
		sb.WriteByte('}')
	default:
		sb.WriteString("null")
	}
}

// jsonReal renders a real inside JSON: integral values keep ".0"; NaN and
// infinities, which JSON cannot hold, become the strings Kusto uses.
func jsonReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return `"NaN"`
	case math.IsInf(f, 1):
		return `"Infinity"`
	case math.IsInf(f, -1):
		return `"-Infinity"`
	}
	return FormatReal(f)
}

const hexDigits = "0123456789abcdef"

// WriteJSONString appends s as a JSON string literal.
func WriteJSONString(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			sb.WriteString(s[start:i])
			switch c {
			case '"':
				sb.WriteString(`\"`)
			case '\\':
				sb.WriteString(`\\`)
			case '\n':
				sb.WriteString(`\n`)
			case '\r':
				sb.WriteString(`\r`)
			case '\t':
				sb.WriteString(`\t`)
			default:
				sb.WriteString(`\u00`)
				sb.WriteByte(hexDigits[c>>4])
				sb.WriteByte(hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			sb.WriteString(s[start:i])
			sb.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		i += size
	}
	sb.WriteString(s[start:])
	sb.WriteByte('"')
}
