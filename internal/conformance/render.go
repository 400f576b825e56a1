package conformance

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TypeClass maps a Kusto type to the oracle's coarse column type.
func TypeClass(t types.Type) string {
	switch t {
	case types.Int, types.Long:
		return "Int"
	case types.Real, types.Decimal:
		return "Real"
	case types.String:
		return "String"
	case types.Bool:
		return "Bool"
	case types.DateTime:
		return "DateTime"
	case types.TimeSpan:
		return "TimeSpan"
	case types.Guid:
		return "Guid"
	case types.Dynamic:
		return "Dynamic"
	}
	return "Unknown"
}

// DotNetReal renders a double as .NET's shortest round-trip format:
// no ".0" on integral values, scientific notation (E+XX) when the decimal
// exponent is ≥ 15 or < −5.
func DotNetReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	e := strconv.FormatFloat(f, 'E', -1, 64) // e.g. -1.5E+00
	mant, expS, _ := strings.Cut(e, "E")
	exp, _ := strconv.Atoi(expS)
	if exp >= 15 || exp < -5 {
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		es := strconv.Itoa(exp)
		if len(es) < 2 {
			es = "0" + es
		}
		return mant + "E" + sign + es
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// Cell renders one value as the oracle does.
func Cell(v types.Value, setOrder bool) string {
	if !v.Valid {
		return "null"
	}
	switch v.T {
	case types.String, types.Guid:
		return "'" + v.S + "'"
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		return DotNetReal(v.F)
	case types.Bool:
		if v.I != 0 {
			return "True"
		}
		return "False"
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		var sb strings.Builder
		prettyJSON(&sb, v.D, 0, setOrder)
		return sb.String()
	}
	return "?"
}

// Row renders a row as the oracle's tuple text.
func Row(r types.Row, setOrder bool) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = Cell(v, setOrder)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func prettyJSON(sb *strings.Builder, d any, indent int, setOrder bool) {
	pad := func(n int) { sb.WriteString(strings.Repeat("  ", n)) }
	switch x := d.(type) {
	case []any:
		if len(x) == 0 {
			sb.WriteString("[]")
			return
		}
		elems := make([]string, len(x))
		for i, e := range x {
			var eb strings.Builder
			prettyJSON(&eb, e, indent+1, setOrder)
			elems[i] = eb.String()
		}
		if setOrder {
			sort.Strings(elems)
		}
		sb.WriteString("[\n")
		for i, e := range elems {
			pad(indent + 1)
			sb.WriteString(e)
			if i < len(elems)-1 {
				sb.WriteString(",")
			}
			sb.WriteString("\n")
		}
		pad(indent)
		sb.WriteString("]")
	case *types.Bag:
		if x.Len() == 0 {
			sb.WriteString("{}")
			return
		}
		sb.WriteString("{\n")
		for i, k := range x.Keys {
			pad(indent + 1)
			types.WriteJSONString(sb, k)
			sb.WriteString(": ")
			prettyJSON(sb, x.Vals[k], indent+1, setOrder)
			if i < len(x.Keys)-1 {
				sb.WriteString(",")
			}
			sb.WriteString("\n")
		}
		pad(indent)
		sb.WriteString("}")
	case float64:
		switch {
		case math.IsNaN(x):
			sb.WriteString(`"NaN"`)
		case math.IsInf(x, 1):
			sb.WriteString(`"Infinity"`)
		case math.IsInf(x, -1):
			sb.WriteString(`"-Infinity"`)
		default:
			s := DotNetReal(x)
			if !strings.ContainsAny(s, ".E") {
				s += ".0"
			}
			sb.WriteString(s)
		}
	default:
		types.WriteJSON(sb, d, false)
	}
}
