package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// JSONValue appends the machine rendering of v as a JSON value: numbers as
// numbers (NaN and infinities as the strings "NaN", "Infinity",
// "-Infinity"), datetimes, timespans and guids as strings in Kusto's text
// form, dynamic values as embedded JSON, null as null.
func JSONValue(sb *strings.Builder, v types.Value) {
	if !v.Valid {
		sb.WriteString("null")
		return
	}
	switch v.T {
	case types.Bool:
		if v.I != 0 {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case types.Int, types.Long:
		sb.WriteString(strconv.FormatInt(v.I, 10))
	case types.Real, types.Decimal:
		switch {
		case math.IsNaN(v.F):
			sb.WriteString(`"NaN"`)
		case math.IsInf(v.F, 1):
			sb.WriteString(`"Infinity"`)
		case math.IsInf(v.F, -1):
			sb.WriteString(`"-Infinity"`)
		default:
			sb.WriteString(strconv.FormatFloat(v.F, 'g', -1, 64))
		}
	case types.String, types.Guid:
		types.WriteJSONString(sb, v.S)
	case types.DateTime:
		types.WriteJSONString(sb, types.FormatDateTime(v.I))
	case types.TimeSpan:
		types.WriteJSONString(sb, types.FormatTimeSpan(v.I))
	case types.Dynamic:
		types.WriteJSON(sb, v.D, false)
	default:
		sb.WriteString("null")
	}
}

// Text renders v for people and CSV: Kusto's tostring(), except that
// dynamic values keep their stored key order and null is empty.
func Text(v types.Value) string {
	if !v.Valid {
		return ""
	}
	if v.T == types.Dynamic {
		if s, ok := v.D.(string); ok {
			return s
		}
		return types.DynamicJSON(v.D, false)
	}
	return types.ToString(v)
}
