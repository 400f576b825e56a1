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

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b        string
		limit, want int
	}{
		{"kitten", "sitting", 9, 3},
		{"kitten", "sitting", 2, 2},
		{"", "abc", 9, 3},
		{"abc", "abc", 9, 0},
		{"abcdef", "a", 3, 3},
	} {
		if got := editDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}
