package types

// Bag is a dynamic property bag. It keeps keys in insertion order, which is
// the order Kusto displays; tostring() sorts them.
type Bag struct {
	Keys []string
	Vals map[string]any
}

// NewBag returns an empty bag.
func NewBag() *Bag { return &Bag{Vals: map[string]any{}} }

// Set adds or replaces a key, keeping the first position of an existing key.
func (b *Bag) Set(k string, v any) {
	if _, ok := b.Vals[k]; !ok {
		b.Keys = append(b.Keys, k)
	}
	b.Vals[k] = v
}

// Get returns the value of a key.
func (b *Bag) Get(k string) (any, bool) {
	v, ok := b.Vals[k]
	return v, ok
}

// Len returns the number of keys.
func (b *Bag) Len() int { return len(b.Keys) }

// DynDateTime is a datetime held inside a dynamic value (ticks).
type DynDateTime int64

// DynTimeSpan is a timespan held inside a dynamic value (ticks).
type DynTimeSpan int64

// DynGuid is a guid held inside a dynamic value (canonical text).
type DynGuid string

// ToDynamic converts a scalar value into the payload it has inside a dynamic
// value (nil for null).
func ToDynamic(v Value) any {
	if !v.Valid {
		return nil
	}
	switch v.T {
	case Bool:
		return v.I != 0
	case Int, Long:
		return v.I
	case Real, Decimal:
		return v.F
	case String:
		return v.S
	case DateTime:
		return DynDateTime(v.I)
	case TimeSpan:
		return DynTimeSpan(v.I)
	case Guid:
		return DynGuid(v.S)
	case Dynamic:
		return v.D
	}
	return nil
}

// DynamicKind returns gettype()'s name for a dynamic payload: "null", "bool",
// "long", "real", "string", "datetime", "timespan", "guid", "array",
// "dictionary".
func DynamicKind(d any) string {
	switch d.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case DynDateTime:
		return "datetime"
	case DynTimeSpan:
		return "timespan"
	case DynGuid:
		return "guid"
	case []any:
		return "array"
	case *Bag:
		return "dictionary"
	}
	return "unknown"
}

// DynamicEqual reports deep equality of two dynamic payloads (numbers compare
// by value across long and real).
func DynamicEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
		return false
	case float64:
		switch y := b.(type) {
		case int64:
			return x == float64(y)
		case float64:
			return x == y
		}
		return false
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !DynamicEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Bag:
		y, ok := b.(*Bag)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for _, k := range x.Keys {
			yv, ok := y.Vals[k]
			if !ok || !DynamicEqual(x.Vals[k], yv) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}
