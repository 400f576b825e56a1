package funcs

import (
	"math"
	"math/big"
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
		return realToLong(v.F)
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
			return realToLong(d)
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

// realToLong truncates a real toward zero, saturating at the long range
// (tolong(1e19) is 9223372036854775807); NaN and ±inf are null.
func realToLong(f float64) types.Value {
	switch {
	case math.IsNaN(f), math.IsInf(f, 0):
		return types.Null(types.Long)
	case f >= 9223372036854775807.0:
		return types.NewLong(math.MaxInt64)
	case f <= -9223372036854775808.0:
		return types.NewLong(math.MinInt64)
	}
	return types.NewLong(int64(f))
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
	var n int64
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		// hex has no sign: toint("-0x10") is null
		u, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			return 0, false
		}
		n = int64(u)
	} else {
		body := s
		if body[0] == '+' || body[0] == '-' {
			body = body[1:]
		}
		if body == "" {
			return 0, false
		}
		for i := 0; i < len(body); i++ {
			if body[i] < '0' || body[i] > '9' {
				return 0, false
			}
		}
		var err error
		n, err = strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, false
		}
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
	// .NET accepts NaN and Infinity in any case; Kusto adds its own
	// lower-case inf literals (todouble("INF") is null).
	switch s {
	case "inf", "+inf", "Inf", "+Inf":
		return math.Inf(1), true
	case "-inf", "-Inf":
		return math.Inf(-1), true
	}
	switch strings.ToLower(s) {
	case "nan", "+nan", "-nan":
		return math.NaN(), true
	case "infinity", "+infinity":
		return math.Inf(1), true
	case "-infinity":
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
		// out of range: ParseFloat returns ±Inf or 0, as .NET does
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
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
	if strings.TrimSpace(s) == s {
		if n, ok := parseIntText(s, 64); ok {
			return types.NewBool(n != 0)
		}
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
	case types.Real, types.Decimal:
		// a real is a tick count, truncated
		if math.IsNaN(v.F) || v.F < 0 || v.F >= float64(types.MaxDateTimeTicks)+1 {
			return types.Null(types.DateTime)
		}
		return types.NewDateTime(int64(v.F))
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
		if t, ok := parseSpanText(v.S); ok {
			return types.NewTimeSpan(t)
		}
	case types.Dynamic:
		switch d := v.D.(type) {
		case string:
			if t, ok := parseSpanText(d); ok {
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
		if strings.TrimSpace(v.S) == "" {
			return types.Null(types.Dynamic) // parse_json("") is null
		}
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
		if r.Valid && r.F == 0 {
			r.F = 0 // decimal has no negative zero
		}
		return r
	case types.String:
		if v.T == types.Decimal && v.Valid {
			return types.NewString(formatDecimal(v.F))
		}
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

// decRat returns the exact decimal a decimal value's float64 stands for:
// decimals are stored as the nearest double, and the shortest text that
// round-trips is the decimal the query wrote or computed.
func decRat(f float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		return new(big.Rat)
	}
	return r
}

// DecimalArith applies + - * / % to two decimal operands with exact decimal
// arithmetic (Kusto's decimal is a 128-bit base-10 type, so 0.1 + 0.2 is
// exactly 0.3) and returns the nearest double. ok is false for a division
// or remainder by zero and for non-finite operands.
func DecimalArith(op string, x, y float64) (float64, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
		return 0, false
	}
	a, b := decRat(x), decRat(y)
	var r big.Rat
	switch op {
	case "+":
		r.Add(a, b)
	case "-":
		r.Sub(a, b)
	case "*":
		r.Mul(a, b)
	case "/":
		if b.Sign() == 0 {
			return 0, false
		}
		r.Quo(a, b)
	case "%":
		if b.Sign() == 0 {
			return 0, false
		}
		q := new(big.Rat).Quo(a, b)
		n := new(big.Int).Quo(q.Num(), q.Denom()) // truncated quotient
		r.Sub(a, new(big.Rat).Mul(new(big.Rat).SetInt(n), b))
	default:
		return 0, false
	}
	f, _ := r.Float64()
	return f + 0, true // no negative zero in decimal
}

// decimalSum accumulates decimal values exactly.
type decimalSum struct{ r big.Rat }

func (d *decimalSum) add(f float64) { d.r.Add(&d.r, decRat(f)) }

func (d *decimalSum) float() float64 { f, _ := d.r.Float64(); return f + 0 }

func (d *decimalSum) avg(n int64) float64 {
	var q big.Rat
	q.Quo(&d.r, new(big.Rat).SetInt64(n))
	f, _ := q.Float64()
	return f + 0
}

// formatDecimal renders a decimal as tostring() does: no ".0" on integral
// values and no negative zero.
func formatDecimal(f float64) string {
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// parseSpanText parses timespan text: Kusto's forms (types.ParseTimeSpan),
// then .NET's TimeSpan.Parse clock form with one- or two-digit parts
// ("0:0:0.001").
func parseSpanText(s string) (int64, bool) {
	if t, ok := types.ParseTimeSpan(s); ok {
		return t, true
	}
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var days int64
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return 0, false
	}
	if dot := strings.IndexByte(s[:colon], '.'); dot >= 0 {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil || d < 0 || d > 10675199 {
			return 0, false
		}
		days, s = d, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var frac int64
	if len(parts) == 3 {
		if dot := strings.IndexByte(parts[2], '.'); dot >= 0 {
			fs := parts[2][dot+1:]
			if fs == "" || len(fs) > 7 || strings.Trim(fs, "0123456789") != "" {
				return 0, false
			}
			f, _ := strconv.ParseInt((fs + "0000000")[:7], 10, 64)
			frac, parts[2] = f, parts[2][:dot]
		}
	}
	limits := []int64{23, 59, 59}
	var clock int64
	for i, p := range parts {
		if p == "" || len(p) > 2 || strings.Trim(p, "0123456789") != "" {
			return 0, false
		}
		n, _ := strconv.ParseInt(p, 10, 64)
		if n > limits[i] {
			return 0, false
		}
		clock = clock*60 + n
	}
	if len(parts) == 2 {
		clock *= 60
	}
	t := days*864000000000 + clock*10000000 + frac
	if neg {
		t = -t
	}
	return t, true
}
