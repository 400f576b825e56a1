package exclusions

import "sort"

// Schema tells the package which columns a table has and their Kusto types
// ("string", "int", "long", "real", "bool", "datetime", "timespan", "guid",
// "dynamic"). The project's schema package satisfies it through a small
// adapter (see docs/exclusions.md); tests use MapSchema.
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
