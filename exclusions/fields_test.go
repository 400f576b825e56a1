package exclusions

import (
	"strings"
	"testing"
)

// TestAliasColumnsExist checks the alias table against the project's
// schema: every alias names a real column of its table.
func TestAliasColumnsExist(t *testing.T) {
	for _, fa := range FieldAliases("") {
		if _, ok := (ProjectSchema{}).ColumnType(fa.Table, fa.Column); !ok {
			t.Errorf("%s: alias %s maps to %s, which the schema does not have", fa.Table, fa.Field, fa.Column)
		}
	}
}

// TestAliasGroupsDisjoint checks that no two groups map one field of one
// table, so that the table does not depend on the order of the groups.
func TestAliasGroupsDisjoint(t *testing.T) {
	seen := map[string]int{}
	for gi, g := range aliasGroups {
		for _, table := range g.tables {
			for f := range g.fields {
				key := table + " " + f
				if prev, dup := seen[key]; dup {
					t.Errorf("%s: field %s mapped by groups %d and %d", table, f, prev, gi)
				}
				seen[key] = gi
			}
		}
	}
}

// TestRequiredAliases checks the mappings the product promises.
func TestRequiredAliases(t *testing.T) {
	tests := []struct{ table, field, column string }{
		{"DeviceNetworkEvents", "process.name", "InitiatingProcessFileName"},
		{"DeviceNetworkEvents", "process.command_line", "InitiatingProcessCommandLine"},
		{"DeviceNetworkEvents", "command_line", "InitiatingProcessCommandLine"},
		{"DeviceNetworkEvents", "process.parent.name", "InitiatingProcessParentFileName"},
		{"DeviceNetworkEvents", "user", "InitiatingProcessAccountName"},
		{"DeviceNetworkEvents", "user.name", "InitiatingProcessAccountName"},
		{"DeviceNetworkEvents", "destination_ip", "RemoteIP"},
		{"DeviceNetworkEvents", "destination.ip", "RemoteIP"},
		{"DeviceNetworkEvents", "destination_port", "RemotePort"},
		{"DeviceNetworkEvents", "destination.port", "RemotePort"},
		{"DeviceNetworkEvents", "destination.domain", "RemoteUrl"},
		{"DeviceNetworkEvents", "url", "RemoteUrl"},
		{"DeviceNetworkEvents", "source_ip", "LocalIP"},
		{"DeviceNetworkEvents", "RemoteUrl", "RemoteUrl"},
		{"DeviceProcessEvents", "process.name", "FileName"},
		{"DeviceProcessEvents", "command_line", "ProcessCommandLine"},
		{"DeviceProcessEvents", "process.parent.name", "InitiatingProcessFileName"},
		{"DeviceProcessEvents", "user", "AccountName"},
		{"DeviceLogonEvents", "user", "AccountName"},
		{"DeviceLogonEvents", "process.name", "InitiatingProcessFileName"},
		{"DeviceFileCertificateInfo", "signer", "Signer"},
		{"DeviceEvents", "process.name", "InitiatingProcessFileName"},
	}
	for _, tt := range tests {
		col, ok := resolveField(ProjectSchema{}, tt.table, tt.field)
		if !ok || col.name != tt.column {
			t.Errorf("%s: %s resolves to %q (%v), want %s", tt.table, tt.field, col.name, ok, tt.column)
		}
	}
	for _, tt := range []struct{ table, field string }{
		{"DeviceProcessEvents", "destination_port"},
		{"DeviceNetworkEvents", "signer"},
		{"DeviceNetworkEvents", "remoteurl"}, // columns are case-sensitive
		{"DeviceFileCertificateInfo", "action"},
	} {
		if col, ok := resolveField(ProjectSchema{}, tt.table, tt.field); ok {
			t.Errorf("%s: %s resolves to %s, want no column", tt.table, tt.field, col.name)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	cands := fieldCandidates(ProjectSchema{}, []string{"DeviceNetworkEvents"})
	tests := []struct{ in, want string }{
		{"destination_prot", "destination_port"},
		{"processname", "process.name"},
		{"remoteurl", "RemoteUrl"},
		{"RemoteIp", "RemoteIP"},
		{"comandline", "command_line"},
		{"zzzzzzzz", ""},
	}
	for _, tt := range tests {
		if got := didYouMean(tt.in, cands); got != tt.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteFieldTable(t *testing.T) {
	var b strings.Builder
	sch := MapSchema{"DeviceRegistryEvents": {"RegistryKey": "string"}}
	if err := WriteFieldTable(&b, sch, "DeviceRegistryEvents", "Unknown"); err != nil {
		t.Fatal(err)
	}
	// Compare with runs of spaces collapsed: the column widths are tabwriter's.
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	out := strings.Join(lines, "\n")
	for _, want := range []string{
		"DeviceRegistryEvents\n",
		"\nregistry.key RegistryKey string\n",
		"\nregistry.value RegistryValueName (column not in schema)\n",
		"Unknown\n(no aliases: use the table's column names)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("field table lacks %q:\n%s", want, out)
		}
	}
}

func TestMapSchema(t *testing.T) {
	m := MapSchema{"T": {"b": "int", "a": "string"}}
	if got := strings.Join(m.Columns("T"), ","); got != "a,b" {
		t.Errorf("Columns = %s", got)
	}
	if typ, ok := m.ColumnType("T", "b"); !ok || typ != "int" {
		t.Errorf("ColumnType = %s %v", typ, ok)
	}
	if _, ok := m.ColumnType("U", "b"); ok {
		t.Error("unknown table has a column")
	}
	if (ProjectSchema{}).Columns("NoSuchTable") != nil {
		t.Error("ProjectSchema lists columns of an unknown table")
	}
}
