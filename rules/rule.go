package rules

// Rule is one hunting query with its metadata, as read from a rule file.
//
// Fields that the file does not give are empty. Query is the KQL text exactly
// as the file holds it (line ends normalised to "\n", a ```kusto fence wrapper
// removed); QueryLine and QueryIndent place it in File so that positions in the
// query can be reported as positions in the file (see FilePos).
type Rule struct {
	// ID is the rule's id: the YAML "id" key, or for Markdown and plain KQL
	// files an id made from the file name (and the heading of the block).
	ID string `json:"id"`
	// Name is the human-readable name ("name" key, or file name and heading).
	Name string `json:"name"`
	// Description is the "description" key.
	Description string `json:"description,omitempty"`
	// Severity is the "severity" key (Informational, Low, Medium, High), as written.
	Severity string `json:"severity,omitempty"`
	// Tactics are the MITRE ATT&CK tactics ("tactics": one string or a list).
	Tactics []string `json:"tactics,omitempty"`
	// Techniques are the MITRE ATT&CK techniques ("relevantTechniques": one string or a list).
	Techniques []string `json:"techniques,omitempty"`
	// Tool is the RMM tool the rule hunts ("tool" key), when known.
	Tool string `json:"tool,omitempty"`
	// Kind is the Sentinel rule kind: the "kind" key (Scheduled, NRT, …) of an
	// analytics rule, or "Hunting" for hunting queries, which have none.
	Kind string `json:"kind"`
	// Query is the KQL text.
	Query string `json:"query"`
	// File is the path of the file the rule came from, as it was given to the
	// loader (embedded rules: "builtin/…").
	File string `json:"file"`
	// QueryLine is the 1-based line of File that holds line 1 of Query.
	QueryLine int `json:"queryLine"`
	// QueryIndent is the number of columns stripped from each query line
	// (the block scalar's indentation); column c of a query line is column
	// c+QueryIndent of the file line.
	QueryIndent int `json:"queryIndent"`
	// EntityMappings are the Sentinel "entityMappings" of an analytics rule.
	EntityMappings []EntityMapping `json:"entityMappings,omitempty"`
	// DataTypes are the tables named by requiredDataConnectors[].dataTypes, in
	// order, without duplicates.
	DataTypes []string `json:"dataTypes,omitempty"`
	// Extra holds every other top-level key of a YAML rule, decoded as YAML
	// gives it (string, int, float64, bool, nil, []any, map[string]any).
	Extra map[string]any `json:"extra,omitempty"`

	idLine int  // line of the id key (or of the query) for diagnostics
	exact  bool // every query line maps to the file by QueryLine/QueryIndent
}

// EntityMapping is one Sentinel entity mapping: an entity type and the result
// columns that fill its identifiers.
type EntityMapping struct {
	EntityType    string         `json:"entityType" yaml:"entityType"`
	FieldMappings []FieldMapping `json:"fieldMappings" yaml:"fieldMappings"`
}

// FieldMapping maps one identifier of an entity to a result column.
type FieldMapping struct {
	Identifier string `json:"identifier" yaml:"identifier"`
	ColumnName string `json:"columnName" yaml:"columnName"`
}

// FilePos maps a 1-based line and column in r.Query to the line and column in
// r.File, so that KQL errors can be reported as file:line:col. It is exact for
// literal block scalars (query: |), Markdown fenced blocks and whole-file
// queries; for a quoted or plain YAML scalar only the first line is exact.
// Positions before the start of the query map to its first line.
func (r *Rule) FilePos(kqlLine, kqlCol int) (line, col int) {
	if kqlLine < 1 {
		kqlLine = 1
	}
	if kqlCol < 1 {
		kqlCol = 1
	}
	start := r.QueryLine
	if start < 1 {
		start = 1
	}
	return start + kqlLine - 1, kqlCol + r.QueryIndent
}
