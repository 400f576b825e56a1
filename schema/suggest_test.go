package schema

import (
	"testing"
	"unicode/utf8"
)

func TestSuggest(t *testing.T) {
	tests := []struct {
		table, name, want string
	}{
		// jischell's RMM rules use AccountUpn on DeviceNetworkEvents.
		{"DeviceNetworkEvents", "AccountUpn", "InitiatingProcessAccountUpn"},
		{"DeviceNetworkEvents", "AccountName", "InitiatingProcessAccountName"},
		{"DeviceFileCertificateInfo", "Sha1", "SHA1"},
		{"DeviceProcessEvents", "sha256", "SHA256"},
		{"DeviceNetworkEvents", "remoteurl", "RemoteUrl"},
		{"DeviceNetworkEvents", "RemoteURL", "RemoteUrl"},
		{"DeviceNetworkEvents", "RemotePorts", "RemotePort"},
		{"DeviceNetworkEvents", "RemotIP", "RemoteIP"},
		{"DeviceNetworkEvents", "TimeGenerated", "Timestamp"},
		{"SigninLogs", "Timestamp", "TimeGenerated"},
		{"DeviceProcessEvents", "ProcessCommandline", "ProcessCommandLine"},
		{"DeviceProcessEvents", "CommandLine", "ProcessCommandLine"},
		{"DeviceNetworkEvents", "Xyzzy", ""},
		{"DeviceNetworkEvents", "", ""},
		{"DeviceNetworkEvents", "Q", ""},
	}
	for _, tt := range tests {
		tab, ok := Lookup(tt.table)
		if !ok {
			t.Fatalf("no table %s", tt.table)
		}
		if got := Suggest(tab, tt.name); got != tt.want {
			t.Errorf("Suggest(%s, %q) = %q, want %q", tt.table, tt.name, got, tt.want)
		}
	}
	if got := Suggest(nil, "x"); got != "" {
		t.Errorf("Suggest(nil) = %q", got)
	}
}

func TestSuggestTable(t *testing.T) {
	tests := []struct{ name, want string }{
		{"devicenetworkevents", "DeviceNetworkEvents"},
		{"DeviceNetworkEvent", "DeviceNetworkEvents"},
		{"DeviceProcesEvents", "DeviceProcessEvents"},
		{"SignInLogs", "SigninLogs"},
		{"Zzzzzzzzzzzzzzzzzzzz", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SuggestTable(tt.name); got != tt.want {
			t.Errorf("SuggestTable(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"", "", 5, 0},
		{"abc", "abc", 5, 0},
		{"abc", "abd", 5, 1},
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 2, 2},
		{"a", "abcdef", 3, 3},
		{"héllo", "hello", 5, 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

// FuzzSuggest checks that Suggest never panics, never suggests the name
// itself or a column the table lacks, and that distance is symmetric.
func FuzzSuggest(f *testing.F) {
	for _, s := range []string{"AccountUpn", "Sha1", "", "Timestamp", "TimeGenerated", "é", "\xff", "RemoteIP"} {
		f.Add(s)
	}
	tab, _ := Lookup("DeviceNetworkEvents")
	f.Fuzz(func(t *testing.T, name string) {
		got := Suggest(tab, name)
		if got != "" {
			if got == name {
				t.Fatalf("Suggest(%q) suggested the name itself", name)
			}
			if _, ok := tab.Column(got); !ok {
				t.Fatalf("Suggest(%q) = %q, not a column", name, got)
			}
		}
		if st := SuggestTable(name); st != "" {
			if _, ok := Lookup(st); !ok || st == name {
				t.Fatalf("SuggestTable(%q) = %q", name, st)
			}
		}
		if utf8.ValidString(name) {
			d1 := distance(name, "InitiatingProcessAccountUpn", 100)
			d2 := distance("InitiatingProcessAccountUpn", name, 100)
			if d1 != d2 {
				t.Fatalf("distance not symmetric for %q: %d vs %d", name, d1, d2)
			}
		}
	})
}

func TestSuggestName(t *testing.T) {
	names := []string{"tolower", "toupper", "strcat", "strcat_array", "RemoteUrl", "RemotePort", "ago"}
	for _, tt := range []struct{ in, want string }{
		{"TOLOWER", "tolower"}, // case only
		{"Url", "RemoteUrl"},   // suffix
		{"tolowr", "tolower"},  // one deletion
		{"strcat_arry", "strcat_array"},
		{"RemoteUrll", "RemoteUrl"}, // one insertion
		{"RemotPort", "RemotePort"},
		{"agp", "ago"}, // short: one edit allowed
		{"agxx", ""},   // short: two edits too many
		{"frobnicate", ""},
		{"", ""},
	} {
		if got := SuggestName(tt.in, names); got != tt.want {
			t.Errorf("SuggestName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
