package schema

// Documentation URL prefixes.
const (
	defenderDoc = "https://learn.microsoft.com/defender-xdr/advanced-hunting-"
	azmonDoc    = "https://learn.microsoft.com/azure/azure-monitor/reference/tables/"
)

// cols concatenates column groups, so a table can be written as its
// documented advanced-hunting columns followed by the columns the Azure
// Monitor reference adds for the same table in Log Analytics.
func cols(groups ...[]Column) []Column {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	out := make([]Column, 0, n)
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// laMDE are the columns that Log Analytics adds to every Defender for
// Endpoint (Device*) table streamed in by the Microsoft Defender XDR
// connector, besides replacing Timestamp with TimeGenerated.
var laMDE = []Column{
	{"MachineGroup", TypeString},
	{"SourceSystem", TypeString},
	{"TenantId", TypeString},
	{"Type", TypeString},
}

// laCommon are the columns that Log Analytics adds to every other Defender
// XDR table (Email*, Identity*, CloudAppEvents, Alert*, ...).
var laCommon = []Column{
	{"SourceSystem", TypeString},
	{"TenantId", TypeString},
	{"Type", TypeString},
}

// defenderTable builds a Defender XDR advanced-hunting table whose doc page is
// defenderDoc+slug+"-table". Its TimeColumn is Timestamp, or "" for the
// inventory and knowledge-base tables that have no time column.
func defenderTable(name, slug string, columns ...[]Column) *Table {
	t := &Table{
		Name:    name,
		Columns: cols(columns...),
		Source:  SourceDefender,
		DocURL:  defenderDoc + slug + "-table",
	}
	for _, c := range t.Columns {
		if c.Name == Timestamp {
			t.TimeColumn = Timestamp
		}
	}
	return t
}

// laTable builds a Log Analytics table documented in the Azure Monitor
// table reference at azmonDoc+slug.
func laTable(name, slug string, columns ...[]Column) *Table {
	return &Table{
		Name:       name,
		Columns:    cols(columns...),
		TimeColumn: TimeGenerated,
		Source:     SourceLogAnalytics,
		DocURL:     azmonDoc + slug,
	}
}

// stringCols returns string-typed columns with these names, for the wide
// Log Analytics tables whose columns are nearly all strings.
func stringCols(names ...string) []Column {
	out := make([]Column, len(names))
	for i, n := range names {
		out[i] = Column{n, TypeString}
	}
	return out
}
