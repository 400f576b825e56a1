package funcs

import (
	"math"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// ToLong converts a value as tolong() does (null on failure).
func ToLong(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.Long)
	}
	switch v.T {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return types.NewLong(v.I)
	case types.Real, types.Decimal:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			return types.Null(types.Long)
		}
		return types.NewLong(int64(v.F))
	case types.String:
		if n, ok := parseIntText(v.S, 64); ok {
			return types.NewLong(n)
		}
		return types.Null(types.Long)
	case types.Dynamic:
		switch d := v.D.(type) {
		case int64:
			return types.NewLong(d)
		case float64:
			return types.NewLong(int64(d))
		case bool:
			if d {
				return types.NewLong(1)
			}
			return types.NewLong(0)
		case string:
			if n, ok := parseIntText(d, 64); ok {
				return types.NewLong(n)
			}
		}
	}
	return types.Null(types.Long)
}

// ToInt converts a value as toint() does.
func ToInt(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.Int)
	}
	switch v.T {
	case types.String:
		if n, ok := parseIntText(v.S, 32); ok {
			return types.NewInt(n)
		}
		return types.Null(types.Int)
	case types.Real, types.Decimal:
		if math.IsNaN(v.F) {
			return types.Null(types.Int)
		}
		f := v.F
		if f > math.MaxInt32 {
			return types.NewInt(math.MaxInt32)
		}
		if f < math.MinInt32 {
			return types.NewInt(math.MinInt32)
		}
		return types.NewInt(int64(f))
	case types.Dynamic:
		if s, ok := v.D.(string); ok {
			if n, ok := parseIntText(s, 32); ok {
				return types.NewInt(n)
			}
			return types.Null(types.Int)
		}
	}
	l := ToLong(v)
	if !l.Valid {
		return types.Null(types.Int)
	}
	return types.NewInt(l.I)
}

// parseIntText parses an integer the way Kusto's toint/tolong do: trimmed,
// optional sign, decimal or 0x hex; no decimal points, exponents or
// separators.
func parseIntText(s string, bits int) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	neg := false
	body := s
	if body[0] == '+' || body[0] == '-' {
		neg = body[0] == '-'
		body = body[1:]
	}
	var n int64
	var err error
	if len(body) > 2 && (body[:2] == "0x" || body[:2] == "0X") {
		var u uint64
		u, err = strconv.ParseUint(body[2:], 16, 64)
		n = int64(u)
	} else {
		for i := 0; i < len(body); i++ {
			if body[i] < '0' || body[i] > '9' {
				return 0, false
			}
		}
		n, err = strconv.ParseInt(body, 10, 64)
	}
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	if bits == 32 && (n > math.MaxInt32 || n < math.MinInt32) {
		return 0, false
	}
	return n, true
}

// ToReal converts a value as todouble()/toreal() do.
func ToReal(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.Real)
	}
	switch v.T {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return types.NewReal(float64(v.I))
	case types.Real, types.Decimal:
		return types.NewReal(v.F)
	case types.String:
		if f, ok := parseRealText(v.S); ok {
			return types.NewReal(f)
		}
	case types.Dynamic:
		switch d := v.D.(type) {
		case int64:
			return types.NewReal(float64(d))
		case float64:
			return types.NewReal(d)
		case bool:
			if d {
				return types.NewReal(1)
			}
			return types.NewReal(0)
		case string:
			if f, ok := parseRealText(d); ok {
				return types.NewReal(f)
			}
		}
	}
	return types.Null(types.Real)
}

func parseRealText(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// ToBool converts a value as tobool() does.
func ToBool(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.Bool)
	}
	switch v.T {
	case types.Bool:
		return v
	case types.Int, types.Long:
		return types.NewBool(v.I != 0)
	case types.Real, types.Decimal:
		return types.NewBool(v.F != 0)
	case types.String:
		return boolText(v.S)
	case types.Dynamic:
		switch d := v.D.(type) {
		case bool:
			return types.NewBool(d)
		case int64:
			return types.NewBool(d != 0)
		case float64:
			return types.NewBool(d != 0)
		case string:
			return boolText(d)
		}
	}
	return types.Null(types.Bool)
}

func boolText(s string) types.Value {
	switch {
	case strings.EqualFold(s, "true"):
		return types.NewBool(true)
	case strings.EqualFold(s, "false"):
		return types.NewBool(false)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return types.NewBool(n != 0)
	}
	return types.Null(types.Bool)
}

// ToDateTime converts a value as todatetime() does.
func ToDateTime(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.DateTime)
	}
	switch v.T {
	case types.DateTime:
		return v
	case types.Int, types.Long:
		if v.I < 0 || v.I > types.MaxDateTimeTicks {
			return types.Null(types.DateTime)
		}
		return types.NewDateTime(v.I)
	case types.String:
		if t, ok := types.ParseDateTime(v.S); ok {
			return types.NewDateTime(t)
		}
	case types.Dynamic:
		switch d := v.D.(type) {
		case string:
			if t, ok := types.ParseDateTime(d); ok {
				return types.NewDateTime(t)
			}
		case types.DynDateTime:
			return types.NewDateTime(int64(d))
		case int64:
			return ToDateTime(types.NewLong(d))
		}
	}
	return types.Null(types.DateTime)
}

// ToTimeSpan converts a value as totimespan() does.
func ToTimeSpan(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.TimeSpan)
	}
	switch v.T {
	case types.TimeSpan:
		return v
	case types.Int, types.Long:
		return types.NewTimeSpan(v.I)
	case types.Real, types.Decimal:
		return types.NewTimeSpan(int64(v.F))
	case types.String:
		if t, ok := types.ParseTimeSpan(v.S); ok {
			return types.NewTimeSpan(t)
		}
	case types.Dynamic:
		switch d := v.D.(type) {
		case string:
			if t, ok := types.ParseTimeSpan(d); ok {
				return types.NewTimeSpan(t)
			}
		case types.DynTimeSpan:
			return types.NewTimeSpan(int64(d))
		case int64:
			return types.NewTimeSpan(d)
		}
	}
	return types.Null(types.TimeSpan)
}

// ToGuid converts a value as toguid() does.
func ToGuid(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.Guid)
	}
	var s string
	switch v.T {
	case types.Guid:
		return v
	case types.String:
		s = v.S
	case types.Dynamic:
		switch d := v.D.(type) {
		case string:
			s = d
		case types.DynGuid:
			return types.NewGuid(string(d))
		}
	}
	if g, ok := ParseGuid(s); ok {
		return types.NewGuid(g)
	}
	return types.Null(types.Guid)
}

// ParseGuid validates and canonicalises guid text (8-4-4-4-12 hex, optional
// braces, or 32 hex digits).
func ParseGuid(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimSuffix(s, "}"), "{")
	if len(s) == 32 {
		s = s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
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
	return strings.ToLower(s), true
}

// ToDynamic converts a value as todynamic()/parse_json() do: strings holding
// JSON become the parsed value; other strings stay dynamic strings.
func ToDynamic(v types.Value) types.Value {
	if !v.Valid {
		return types.Null(types.Dynamic)
	}
	switch v.T {
	case types.Dynamic:
		return v
	case types.String:
		d, err := types.ParseJSON(v.S)
		if err != nil {
			return types.NewDynamic(v.S)
		}
		return types.NewDynamic(d)
	}
	return types.NewDynamic(types.ToDynamic(v))
}

// Convert converts v to type t as the to<type>() function would.
func Convert(v types.Value, t types.Type) types.Value {
	switch t {
	case types.Bool:
		return ToBool(v)
	case types.Int:
		return ToInt(v)
	case types.Long:
		return ToLong(v)
	case types.Real:
		return ToReal(v)
	case types.Decimal:
		r := ToReal(v)
		r.T = types.Decimal
		return r
	case types.String:
		return types.NewString(types.ToString(v))
	case types.DateTime:
		return ToDateTime(v)
	case types.TimeSpan:
		return ToTimeSpan(v)
	case types.Guid:
		return ToGuid(v)
	case types.Dynamic:
		return ToDynamic(v)
	}
	return types.Null(t)
}

func init() {
	conv := func(name string, ret types.Type) {
		t := ret
		register(&Scalar{Name: name, MinArgs: 1, MaxArgs: 1, NameKind: NameFirstArg,
			Compile: func(args []Arg) (types.Type, EvalFunc, error) {
				return t, func(a []types.Value) types.Value { return Convert(a[0], t) }, nil
			}})
	}
	conv("tostring", types.String)
	conv("toint", types.Int)
	conv("tolong", types.Long)
	conv("todouble", types.Real)
	conv("tobool", types.Bool)
	conv("todatetime", types.DateTime)
	conv("totimespan", types.TimeSpan)
	conv("toguid", types.Guid)
	conv("todynamic", types.Dynamic)
	conv("todecimal", types.Decimal)
	alias("toreal", "todouble")
	alias("toboolean", "tobool")
	alias("parse_json", "todynamic")
	alias("parsejson", "todynamic")
	alias("toobject", "todynamic")
	alias("totime", "totimespan")
	alias("todate", "todatetime")
}
