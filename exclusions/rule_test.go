package exclusions

import "testing"

// TestHasTerm uses the vectors of the KQL semantics notes (§3.1–3.2).
func TestHasTerm(t *testing.T) {
	tests := []struct {
		h, n string
		want bool
	}{
		{"Kusto: ad67d136-c1db-4f9f;KustoExplorerQueryRun", "c1db", true},
		{"alpha_beta", "alpha", true},
		{"12.34.56", "34", true},
		{"a b", " ", true},
		{"", "", true},
		{"", "x", false},
		{"rm.mspbackups.com", "mspbackups.com", true},
		{"eu.rm.mspbackups.com", "rm.mspbackups.com", true},
		{"xrm.mspbackups.com", "rm.mspbackups.com", false},
		{"RM.MSPBACKUPS.COM", "rm.mspbackups.com", true},
		{"CloudBerry Lab", "cloudberry", true},
		{"CloudBerryLab", "cloudberry", false},
		{"/sub/0000/resourcegroups/test.rg1?x", "/resourcegroups/test.rg1?", true},
	}
	for _, tt := range tests {
		if got := hasTerm(tt.h, tt.n, true); got != tt.want {
			t.Errorf("%q has %q = %v, want %v", tt.h, tt.n, got, tt.want)
		}
	}
	if hasTerm("ABC", "abc", false) {
		t.Error("has_cs folded case")
	}
}

func TestSatisfies(t *testing.T) {
	tests := []struct {
		op     string
		values []string
		v      string
		ok     bool
		known  bool
	}{
		{"has_any", []string{"CloudBerry", "MSP360"}, "CloudBerry Lab", true, true},
		{"has_any", []string{"CloudBerry", "MSP360"}, "Microsoft Corporation", false, true},
		{"has_cs", []string{"MSP360"}, "msp360", false, true},
		{"in~", []string{"a.com"}, "A.COM", true, true},
		{"in", []string{"a.com"}, "A.COM", false, true},
		{"==", []string{"x"}, "x", true, true},
		{"contains", []string{"backup"}, "mspBACKUPs", true, true},
		{"startswith", []string{"rm."}, "RM.x", true, true},
		{"endswith_cs", []string{".com"}, "x.COM", false, true},
		{"matches regex", []string{".*"}, "x", false, false},
	}
	for _, tt := range tests {
		ok, known := satisfies(tt.op, tt.values, tt.v)
		if ok != tt.ok || known != tt.known {
			t.Errorf("%q %s %v = %v,%v want %v,%v", tt.v, tt.op, tt.values, ok, known, tt.ok, tt.known)
		}
	}
}
