package types

import (
	"math"
)

// Value is one Kusto scalar value. Its Type says which field holds the
// payload:
//
//   - Bool: I (0 or 1)
//   - Int, Long: I
//   - Real, Decimal: F
//   - String: S (strings are never null in Kusto: a missing string is "")
//   - DateTime: I, 100 ns ticks since 0001-01-01T00:00:00Z
//   - TimeSpan: I, 100 ns ticks
//   - Guid: S, canonical lower-case 8-4-4-4-12 text
//   - Dynamic: D, one of nil (JSON null inside a valid dynamic is never at
//     the top: a top-level dynamic null is Valid == false), bool, int64,
//     float64, string, []any, *Bag, DynDateTime, DynTimeSpan, DynGuid.
//
// Valid is false for a null value of the type.
type Value struct {
	T     Type
	Valid bool
	I     int64
	F     float64
	S     string
	D     any
}

// Null returns the null value of type t. For String it returns "", because
// Kusto strings are never null.
func Null(t Type) Value {
	if t == String {
		return Value{T: String, Valid: true}
	}
	return Value{T: t}
}

// NewBool returns a bool value.
func NewBool(b bool) Value {
	v := Value{T: Bool, Valid: true}
	if b {
		v.I = 1
	}
	return v
}

// NewInt returns an int (32-bit) value; x is truncated to 32 bits.
func NewInt(x int64) Value { return Value{T: Int, Valid: true, I: int64(int32(x))} }

// NewLong returns a long value.
func NewLong(x int64) Value { return Value{T: Long, Valid: true, I: x} }

// NewReal returns a real value.
func NewReal(x float64) Value { return Value{T: Real, Valid: true, F: x} }

// NewDecimal returns a decimal value (held as a float64).
func NewDecimal(x float64) Value { return Value{T: Decimal, Valid: true, F: x} }

// NewString returns a string value.
func NewString(s string) Value { return Value{T: String, Valid: true, S: s} }

// NewDateTime returns a datetime value from ticks since 0001-01-01.
func NewDateTime(ticks int64) Value { return Value{T: DateTime, Valid: true, I: ticks} }

// NewTimeSpan returns a timespan value from ticks.
func NewTimeSpan(ticks int64) Value { return Value{T: TimeSpan, Valid: true, I: ticks} }

// NewGuid returns a guid value from its canonical text (lower-cased here).
func NewGuid(s string) Value { return Value{T: Guid, Valid: true, S: lowerASCII(s)} }

// NewDynamic returns a dynamic value holding d (see Value for the allowed Go
// types). A nil d is the null dynamic.
func NewDynamic(d any) Value {
	if d == nil {
		return Value{T: Dynamic}
	}
	return Value{T: Dynamic, Valid: true, D: d}
}

// IsNull reports whether v is null. Strings are never null.
func (v Value) IsNull() bool { return !v.Valid }

// Bool returns the payload of a bool value.
func (v Value) Bool() bool { return v.I != 0 }

// AsFloat returns a numeric value as float64 (ints and longs converted).
func (v Value) AsFloat() float64 {
	switch v.T {
	case Real, Decimal:
		return v.F
	default:
		return float64(v.I)
	}
}

// IsNaN reports whether v is a real NaN.
func (v Value) IsNaN() bool { return (v.T == Real || v.T == Decimal) && v.Valid && math.IsNaN(v.F) }

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
