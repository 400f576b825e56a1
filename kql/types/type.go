package types

// Type is a Kusto scalar type.
type Type uint8

// The Kusto scalar types. Unknown is the zero value and never a column type.
const (
	Unknown Type = iota
	Bool
	Int
	Long
	Real
	Decimal
	String
	DateTime
	TimeSpan
	Guid
	Dynamic
)

var typeNames = [...]string{
	Unknown:  "unknown",
	Bool:     "bool",
	Int:      "int",
	Long:     "long",
	Real:     "real",
	Decimal:  "decimal",
	String:   "string",
	DateTime: "datetime",
	TimeSpan: "timespan",
	Guid:     "guid",
	Dynamic:  "dynamic",
}

// String returns Kusto's name of the type ("long", "datetime", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// ParseType maps a Kusto type name or alias (as written in datatable schemas,
// typed literals and schema files) to a Type.
func ParseType(name string) (Type, bool) {
	switch name {
	case "bool", "boolean":
		return Bool, true
	case "int", "int32":
		return Int, true
	case "long", "int64":
		return Long, true
	case "real", "double":
		return Real, true
	case "decimal":
		return Decimal, true
	case "string":
		return String, true
	case "datetime", "date":
		return DateTime, true
	case "timespan", "time":
		return TimeSpan, true
	case "guid", "uuid", "uniqueid":
		return Guid, true
	case "dynamic":
		return Dynamic, true
	}
	return Unknown, false
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool { return t == Int || t == Long || t == Real || t == Decimal }

// IsInteger reports whether t is int or long.
func (t Type) IsInteger() bool { return t == Int || t == Long }

// IsOrderable reports whether values of t can be compared with < and sorted.
func (t Type) IsOrderable() bool {
	switch t {
	case Bool, Int, Long, Real, Decimal, String, DateTime, TimeSpan, Guid:
		return true
	}
	return false
}

// Column is a named, typed column of a table.
type Column struct {
	Name string
	Type Type
}

// Row is one row of a table: one Value per column.
type Row []Value
