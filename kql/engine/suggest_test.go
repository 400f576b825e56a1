package engine

import "testing"

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
		if got := suggestName(tt.in, names); got != tt.want {
			t.Errorf("suggestName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
