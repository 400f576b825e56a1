package schema

import (
	"strings"
	"testing"
)

func TestCriticalColumns(t *testing.T) {
	tests := []struct {
		table, column, typ string
	}{
		{"DeviceNetworkEvents", "Timestamp", TypeDatetime},
		{"DeviceNetworkEvents", "ReportId", TypeLong},
		{"DeviceNetworkEvents", "AdditionalFields", TypeDynamic},
		{"DeviceNetworkEvents", "RemotePort", TypeInt},
		{"DeviceNetworkEvents", "LocalPort", TypeInt},
		{"DeviceNetworkEvents", "RemoteIP", TypeString},
		{"DeviceNetworkEvents", "RemoteUrl", TypeString},
		{"DeviceNetworkEvents", "InitiatingProcessId", TypeLong},
		{"DeviceNetworkEvents", "InitiatingProcessFileSize", TypeLong},
		{"DeviceNetworkEvents", "InitiatingProcessCreationTime", TypeDatetime},
		{"DeviceNetworkEvents", "InitiatingProcessVersionInfoCompanyName", TypeString},
		{"DeviceNetworkEvents", "InitiatingProcessAccountUpn", TypeString},
		{"DeviceNetworkEvents", "IsInitiatingProcessRemoteSession", TypeBool},
		{"DeviceNetworkEvents", "InitiatingProcessSessionId", TypeLong},
		{"DeviceNetworkEvents", "InitiatingProcessUniqueId", TypeString},
		{"DeviceNetworkEvents", "MachineGroup", TypeString},
		{"DeviceProcessEvents", "Timestamp", TypeDatetime},
		{"DeviceProcessEvents", "ProcessId", TypeLong},
		{"DeviceProcessEvents", "ProcessCommandLine", TypeString},
		{"DeviceProcessEvents", "ProcessCreationTime", TypeDatetime},
		{"DeviceProcessEvents", "AccountUpn", TypeString},
		{"DeviceProcessEvents", "LogonId", TypeLong},
		{"DeviceProcessEvents", "InitiatingProcessLogonId", TypeLong},
		{"DeviceProcessEvents", "InitiatingProcessSignerType", TypeString},
		{"DeviceProcessEvents", "InitiatingProcessSignatureStatus", TypeString},
		{"DeviceProcessEvents", "FileSize", TypeLong},
		{"DeviceProcessEvents", "ReportId", TypeLong},
		{"DeviceProcessEvents", "AdditionalFields", TypeDynamic},
		{"DeviceProcessEvents", "CreatedProcessSessionId", TypeLong},
		{"DeviceProcessEvents", "IsProcessRemoteSession", TypeBool},
		{"DeviceProcessEvents", "ProcessUniqueId", TypeString},
		{"DeviceFileCertificateInfo", "Timestamp", TypeDatetime},
		{"DeviceFileCertificateInfo", "SHA1", TypeString},
		{"DeviceFileCertificateInfo", "IsSigned", TypeBool},
		{"DeviceFileCertificateInfo", "IsTrusted", TypeBool},
		{"DeviceFileCertificateInfo", "IsRootSignerMicrosoft", TypeBool},
		{"DeviceFileCertificateInfo", "Signer", TypeString},
		{"DeviceFileCertificateInfo", "CertificateExpirationTime", TypeDatetime},
		{"DeviceFileCertificateInfo", "CertificateCountersignatureTime", TypeDatetime},
		{"DeviceFileCertificateInfo", "CrlDistributionPointUrls", TypeString},
		{"DeviceFileCertificateInfo", "ReportId", TypeLong},
		{"DeviceFileEvents", "RequestSourcePort", TypeInt},
		{"DeviceFileEvents", "IsAzureInfoProtectionApplied", TypeBool},
		{"DeviceLogonEvents", "IsLocalAdmin", TypeBool},
		{"DeviceLogonEvents", "RemotePort", TypeInt},
	}
	for _, tt := range tests {
		t.Run(tt.table+"."+tt.column, func(t *testing.T) {
			tab, ok := Lookup(tt.table)
			if !ok {
				t.Fatalf("table %s missing", tt.table)
			}
			c, ok := tab.Column(tt.column)
			if !ok {
				t.Fatalf("%s has no column %s", tt.table, tt.column)
			}
			if c.Type != tt.typ {
				t.Errorf("%s.%s: type %s, want %s", tt.table, tt.column, c.Type, tt.typ)
			}
			if i := tab.Index(tt.column); i < 0 || tab.Columns[i] != c {
				t.Errorf("Index(%s) = %d, inconsistent with Column", tt.column, i)
			}
		})
	}
}

func TestAbsentColumns(t *testing.T) {
	tests := []struct{ table, column string }{
		{"DeviceNetworkEvents", "AccountUpn"},
		{"DeviceNetworkEvents", "AccountName"},
		{"DeviceNetworkEvents", "TimeGenerated"},
		{"DeviceNetworkEvents", "timestamp"},
		{"DeviceNetworkEvents", "Sha1"},
		{"DeviceFileCertificateInfo", "Sha1"},
		{"DeviceProcessEvents", "Tenant"},
		{"DeviceProcessEvents", "_TimeReceivedBySvc"},
	}
	for _, tt := range tests {
		tab, _ := Lookup(tt.table)
		if _, ok := tab.Column(tt.column); ok {
			t.Errorf("%s unexpectedly has column %s", tt.table, tt.column)
		}
		if i := tab.Index(tt.column); i != -1 {
			t.Errorf("%s.Index(%s) = %d, want -1", tt.table, tt.column, i)
		}
	}
}

func TestCriticalColumnCounts(t *testing.T) {
	// Advanced-hunting columns plus the Log Analytics extras. A change here
	// means the data changed: check it against the documentation.
	want := map[string]int{
		"DeviceNetworkEvents":       44 + 1 + 4,
		"DeviceProcessEvents":       66 + 2 + 4,
		"DeviceFileCertificateInfo": 18 + 4,
	}
	for name, n := range want {
		tab, _ := Lookup(name)
		if len(tab.Columns) != n {
			t.Errorf("%s: %d columns, want %d", name, len(tab.Columns), n)
		}
	}
}

func TestAllTablesWellFormed(t *testing.T) {
	all := All()
	if len(all) == 0 {
		t.Fatal("no tables")
	}
	for i, tab := range all {
		if i > 0 && all[i-1].Name >= tab.Name {
			t.Errorf("All() not sorted: %s before %s", all[i-1].Name, tab.Name)
		}
		if got, ok := Lookup(tab.Name); !ok || got != tab {
			t.Errorf("Lookup(%s) does not return the table from All()", tab.Name)
		}
		if len(tab.Columns) == 0 {
			t.Errorf("%s has no columns", tab.Name)
		}
		if !strings.HasPrefix(tab.DocURL, "https://learn.microsoft.com/") {
			t.Errorf("%s: DocURL %q", tab.Name, tab.DocURL)
		}
		if tab.Source != SourceDefender && tab.Source != SourceLogAnalytics {
			t.Errorf("%s: Source %q", tab.Name, tab.Source)
		}
		switch tab.TimeColumn {
		case Timestamp, TimeGenerated:
			tc, ok := tab.Column(tab.TimeColumn)
			if !ok || tc.Type != TypeDatetime {
				t.Errorf("%s: TimeColumn %q is not a datetime column of the table", tab.Name, tab.TimeColumn)
			}
		case "":
			if _, _, ok := tab.Resolve(Timestamp); ok {
				t.Errorf("%s: has a time column but TimeColumn is empty", tab.Name)
			}
		default:
			t.Errorf("%s: TimeColumn %q", tab.Name, tab.TimeColumn)
		}
		// Never both time columns: Resolve aliases one to the other.
		if _, a := tab.Column(Timestamp); a {
			if _, b := tab.Column(TimeGenerated); b {
				t.Errorf("%s has both Timestamp and TimeGenerated", tab.Name)
			}
		}
		seen := map[string]bool{}
		for j, c := range tab.Columns {
			if !ValidType(c.Type) {
				t.Errorf("%s.%s: invalid type %q", tab.Name, c.Name, c.Type)
			}
			if c.Name == "" || strings.TrimSpace(c.Name) != c.Name {
				t.Errorf("%s: bad column name %q", tab.Name, c.Name)
			}
			if seen[c.Name] {
				t.Errorf("%s: duplicate column %s", tab.Name, c.Name)
			}
			seen[c.Name] = true
			if tab.Index(c.Name) != j {
				t.Errorf("%s.Index(%s) = %d, want %d", tab.Name, c.Name, tab.Index(c.Name), j)
			}
		}
	}
}

func TestValidType(t *testing.T) {
	for _, ty := range []string{"bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic"} {
		if !ValidType(ty) {
			t.Errorf("ValidType(%q) = false", ty)
		}
	}
	for _, ty := range []string{"", "boolean", "integer", "String", "double", "date", "object"} {
		if ValidType(ty) {
			t.Errorf("ValidType(%q) = true", ty)
		}
	}
}

func TestLookupIsCaseSensitive(t *testing.T) {
	if _, ok := Lookup("DeviceNetworkEvents"); !ok {
		t.Fatal("DeviceNetworkEvents missing")
	}
	for _, n := range []string{"devicenetworkevents", "DEVICENETWORKEVENTS", "DeviceNetworkEvent", ""} {
		if _, ok := Lookup(n); ok {
			t.Errorf("Lookup(%q) succeeded", n)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		table, name, want string
		aliased, ok       bool
	}{
		{"DeviceNetworkEvents", "Timestamp", "Timestamp", false, true},
		{"DeviceNetworkEvents", "TimeGenerated", "Timestamp", true, true},
		{"DeviceNetworkEvents", "RemoteIP", "RemoteIP", false, true},
		{"DeviceNetworkEvents", "AccountUpn", "", false, false},
		{"DeviceNetworkEvents", "timegenerated", "", false, false},
	}
	for _, tt := range tests {
		tab, _ := Lookup(tt.table)
		c, aliased, ok := tab.Resolve(tt.name)
		if c.Name != tt.want || aliased != tt.aliased || ok != tt.ok {
			t.Errorf("%s.Resolve(%s) = (%v, %v, %v), want (%s, %v, %v)", tt.table, tt.name, c, aliased, ok, tt.want, tt.aliased, tt.ok)
		}
	}
}

// TestRequiredTables lists the tables the binder and readers rely on.
func TestRequiredTables(t *testing.T) {
	for _, n := range []string{
		"DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileCertificateInfo",
		"DeviceFileEvents", "DeviceRegistryEvents", "DeviceLogonEvents",
		"DeviceImageLoadEvents", "DeviceEvents", "DeviceInfo", "DeviceNetworkInfo",
		"EmailEvents", "EmailAttachmentInfo", "EmailUrlInfo",
		"EmailPostDeliveryEvents", "UrlClickEvents", "IdentityLogonEvents",
		"IdentityQueryEvents", "IdentityDirectoryEvents", "IdentityInfo",
		"CloudAppEvents", "AlertInfo", "AlertEvidence", "BehaviorInfo",
		"BehaviorEntities", "AADSignInEventsBeta", "AADSpnSignInEventsBeta",
		"DeviceTvmSoftwareInventory", "DeviceTvmSoftwareVulnerabilities",
		"DeviceTvmSoftwareVulnerabilitiesKB",
		"DeviceTvmSecureConfigurationAssessment", "DeviceTvmBrowserExtensions",
		"DeviceTvmInfoGathering",
		"SigninLogs", "AADNonInteractiveUserSignInLogs", "AuditLogs",
		"SecurityEvent", "WindowsEvent", "Event", "SecurityAlert",
		"SecurityIncident", "OfficeActivity", "AzureActivity",
		"ThreatIntelligenceIndicator", "MicrosoftGraphActivityLogs", "Syslog",
		"CommonSecurityLog", "Heartbeat",
	} {
		tab, ok := Lookup(n)
		if !ok {
			t.Errorf("table %s missing", n)
			continue
		}
		if tab.Source == SourceDefender && tab.TimeColumn == TimeGenerated {
			t.Errorf("%s: Defender table with TimeColumn TimeGenerated", n)
		}
		if tab.Source == SourceLogAnalytics && tab.TimeColumn != TimeGenerated {
			t.Errorf("%s: Log Analytics table with TimeColumn %q", n, tab.TimeColumn)
		}
	}
}

func TestUnregisteredTable(t *testing.T) {
	tab := &Table{Name: "T", Columns: []Column{{"TimeGenerated", TypeDatetime}, {"A", TypeLong}}}
	if tab.Index("A") != 1 || tab.Index("B") != -1 {
		t.Errorf("Index on an unregistered table: A=%d B=%d", tab.Index("A"), tab.Index("B"))
	}
	if c, aliased, ok := tab.Resolve("Timestamp"); !ok || !aliased || c.Name != "TimeGenerated" {
		t.Errorf("Resolve(Timestamp) = %v %v %v", c, aliased, ok)
	}
	if got := Suggest(tab, "a"); got != "A" {
		t.Errorf("Suggest(a) = %q", got)
	}
}
