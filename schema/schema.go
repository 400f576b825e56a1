package schema

import (
	"fmt"
	"sort"
)

// Kusto scalar type names used in [Column.Type].
const (
	TypeBool     = "bool"
	TypeInt      = "int"
	TypeLong     = "long"
	TypeReal     = "real"
	TypeDecimal  = "decimal"
	TypeString   = "string"
	TypeDatetime = "datetime"
	TypeTimespan = "timespan"
	TypeGUID     = "guid"
	TypeDynamic  = "dynamic"
)

// ValidType reports whether t is one of the Kusto scalar type names a
// [Column] may have.
func ValidType(t string) bool {
	switch t {
	case TypeBool, TypeInt, TypeLong, TypeReal, TypeDecimal, TypeString,
		TypeDatetime, TypeTimespan, TypeGUID, TypeDynamic:
		return true
	}
	return false
}

// Column is one column: its exact (case-sensitive) name and Kusto type name,
// one of "bool", "int", "long", "real", "decimal", "string", "datetime",
// "timespan", "guid", "dynamic".
type Column struct{ Name, Type string }

// Table is a table's schema.
type Table struct {
	// Name is the table name, exactly as Kusto spells it.
	Name string
	// Columns lists every column in documented order.
	Columns []Column
	// TimeColumn is "Timestamp" for Defender tables and "TimeGenerated" for
	// Sentinel-only tables; "" for the few inventory and knowledge-base
	// tables that have no time column at all.
	TimeColumn string
	// Source says which product documents the table, e.g.
	// "Defender XDR advanced hunting" or "Log Analytics".
	Source string
	// DocURL is the page that documents the table's columns.
	DocURL string

	index map[string]int
}

// Source names.
const (
	SourceDefender     = "Defender XDR advanced hunting"
	SourceLogAnalytics = "Log Analytics"
)

// Names of the two time columns that alias each other.
const (
	Timestamp     = "Timestamp"
	TimeGenerated = "TimeGenerated"
)

// Column returns the column with exactly this name (case-sensitive).
func (t *Table) Column(name string) (Column, bool) {
	i := t.Index(name)
	if i < 0 {
		return Column{}, false
	}
	return t.Columns[i], true
}

// Index returns the position of the column with exactly this name in
// t.Columns, or -1 if the table has no such column.
func (t *Table) Index(name string) int {
	if t.index == nil {
		// A table built outside the registry (e.g. in a test): scan.
		for i, c := range t.Columns {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	if i, ok := t.index[name]; ok {
		return i
	}
	return -1
}

// Resolve returns the real column for name. Timestamp and TimeGenerated are
// usable for each other: when the table lacks name but has the other time
// column, Resolve returns that column with aliased=true. ok is false when
// neither resolves.
func (t *Table) Resolve(name string) (col Column, aliased bool, ok bool) {
	if c, found := t.Column(name); found {
		return c, false, true
	}
	var other string
	switch name {
	case Timestamp:
		other = TimeGenerated
	case TimeGenerated:
		other = Timestamp
	default:
		return Column{}, false, false
	}
	if c, found := t.Column(other); found {
		return c, true, true
	}
	return Column{}, false, false
}

var (
	registry = map[string]*Table{}
	sorted   []*Table
)

// register adds tables to the registry. It panics on a duplicate table name,
// a duplicate column or an unknown type: those are mistakes in this package's
// literal data, caught by its tests.
func register(tables ...*Table) {
	for _, t := range tables {
		if _, dup := registry[t.Name]; dup {
			panic(fmt.Sprintf("schema: table %s registered twice", t.Name))
		}
		t.index = make(map[string]int, len(t.Columns))
		for i, c := range t.Columns {
			if _, dup := t.index[c.Name]; dup {
				panic(fmt.Sprintf("schema: table %s: duplicate column %s", t.Name, c.Name))
			}
			if !ValidType(c.Type) {
				panic(fmt.Sprintf("schema: table %s: column %s has unknown type %q", t.Name, c.Name, c.Type))
			}
			t.index[c.Name] = i
		}
		registry[t.Name] = t
		sorted = append(sorted, t)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
}

// Lookup returns the table with exactly this name (case-sensitive).
func Lookup(name string) (*Table, bool) {
	t, ok := registry[name]
	return t, ok
}

// All returns every known table, sorted by name. The slice is a copy; the
// tables are shared and must not be modified.
func All() []*Table {
	out := make([]*Table, len(sorted))
	copy(out, sorted)
	return out
}
