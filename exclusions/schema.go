package exclusions

import (
	"sort"

	"github.com/rmmhunt/rmmhunt/schema"
)

// Schema tells the package which columns a table has and their Kusto types
// ("string", "int", "long", "real", "bool", "datetime", "timespan", "guid",
// "dynamic"). ProjectSchema adapts the project's table registry (package
// schema); MapSchema holds a schema in a map (handy in tests).
type Schema interface {
	// ColumnType returns the Kusto type name of table.column; ok is false
	// when the table or the column is unknown. Names are case-sensitive, as
	// in KQL.
	ColumnType(table, column string) (typ string, ok bool)
	// Columns lists the table's columns (any order; nil for an unknown table).
	Columns(table string) []string
}

// MapSchema is a Schema held in a map: table → column → Kusto type name.
type MapSchema map[string]map[string]string

// ColumnType implements Schema.
func (m MapSchema) ColumnType(table, column string) (string, bool) {
	t, ok := m[table][column]
	return t, ok
}

// Columns implements Schema; the columns come back sorted.
func (m MapSchema) Columns(table string) []string {
	cols := make([]string, 0, len(m[table]))
	for c := range m[table] {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	return cols
}

// ProjectSchema is the Schema of the project's table registry (package
// schema): exact, case-sensitive column names and their Kusto types.
type ProjectSchema struct{}

// ColumnType implements Schema.
func (ProjectSchema) ColumnType(table, column string) (string, bool) {
	t, ok := schema.Lookup(table)
	if !ok {
		return "", false
	}
	c, ok := t.Column(column)
	return c.Type, ok
}

// Columns implements Schema, in the table's documented order.
func (ProjectSchema) Columns(table string) []string {
	t, ok := schema.Lookup(table)
	if !ok {
		return nil
	}
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}
