package textmatch

import "testing"

// Vectors from shared/design/kql-semantics.md §3.7 (E = observed on the real
// engine, D = documented, Der = derived).
func TestHasFamily(t *testing.T) {
	tests := []struct {
		h, n string
		mode Mode
		cs   bool
		want bool
		ev   string
	}{
		{"hello world", "hello", Has, false, true, "E1"},
		{"helloworld", "hello", Has, false, false, "E2"},
		{"hello-world", "hello", Has, false, true, "E3"},
		{"HELLO", "hello", Has, false, true, "E4"},
		{"HELLO", "hello", Has, true, false, "E5"},
		{"alpha_beta", "alpha", Has, false, true, "E6"},
		{"alphabeta", "alpha", Has, false, false, "E7"},
		{"x.bar.y", "bar", Has, false, true, "E8"},
		{"version=1.2.3", "2.3", Has, false, true, "E9"},
		{"1_2_3", "2.3", Has, false, false, "E10"},
		{"12.34.56", "34", Has, false, true, "E11"},
		{"123456", "34", Has, false, false, "E12"},
		{"alpha", "a", Has, false, false, "E13"},
		{"a b", " ", Has, false, true, "E14"},
		{"a\tb", " ", Has, false, false, "E15"},
		{"", "", Has, false, true, "E16"},
		{"NAÏVE", "naïve", Has, false, true, "E18"},
		{"naive", "naïve", Has, false, false, "E19"},
		{"МИР привет", "привет", Has, false, true, "E20"},
		{"ПриветМир", "привет", Has, false, false, "E21"},
		{"co op", "co", Has, true, true, "E22"},
		{"CO-OP", "co", Has, true, false, "E23"},
		{"category", "cat", HasPrefix, false, true, "E24"},
		{"scatter", "cat", HasPrefix, false, false, "E25"},
		{"Beta", "a", HasSuffix, false, true, "E26"},
		{"end.", "end", HasSuffix, false, true, "E27"},
		{"ending", "end", HasSuffix, false, false, "E29"},
		{"KustoExplorerQueryRun", "Explorer", Has, false, false, "D44"},
		{".../00000000-0000-0000-0000-000000000000/resourcegroups/test.rg000001?api-version=2021-04-01", "/resourcegroups/test.rg000001?", Has, false, true, "I49"},
		{"www.microsoft.com", "microsoft", Has, false, true, "R50"},
		{"microsoftonline.com", "microsoft", Has, false, false, "R51"},
		{"farm.mspbackups.com", "rm.mspbackups.com", Has, false, false, "Der52"},
		{"rm.mspbackups.com", "rm.mspbackups.com", Has, false, true, "Der53"},
		{"RM.MSPBACKUPS.COM", "rm.mspbackups.com", Has, false, true, "Der54"},
		{"https://rm.mspbackups.com:443/x", "rm.mspbackups.com", Has, false, true, "Der55"},
		{"x.rm.mspbackups.com", "rm.mspbackups.com", Has, false, true, "Der56"},
		{"rm.mspbackups.community", "rm.mspbackups.com", Has, false, false, "Der57"},
		{"rm-mspbackups-com", "rm.mspbackups.com", Has, false, false, "Der58"},
		{"client.rmm.mspbackups.com", "rm.mspbackups.com", Has, false, false, "Der59"},
		{"CloudBerry Lab", "CloudBerry", Has, false, true, "Der61"},
		{"CloudBerryLab Inc.", "CloudBerry", Has, false, false, "Der62"},
		{"Msp360, Inc.", "MSP360", Has, false, true, "Der63"},
		{"MSP360Corp", "MSP360", Has, false, false, "Der64"},
		{"", "CloudBerry", Has, false, false, "Der65"},
		{"rm.mspbackups.com", "rm.msp", HasPrefix, false, true, "Der66"},
		// overlapping occurrences: the second one is on a boundary
		{"aab ab", "ab", Has, false, true, "overlap"},
		{"xabab", "ab", Has, false, false, "no boundary"},
	}
	for _, tc := range tests {
		if got := HasTerm(tc.h, tc.n, tc.mode, tc.cs); got != tc.want {
			t.Errorf("%s: HasTerm(%q, %q, mode %d, cs %v) = %v, want %v", tc.ev, tc.h, tc.n, tc.mode, tc.cs, got, tc.want)
		}
	}
}

func TestSubstringOps(t *testing.T) {
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"E28 end. endswith end", EndsWith("end.", "end", false), false},
		{"E30 contains", Contains("quickbrown", "quick", false), true},
		{"E31 tab is not space", Contains("Hello\tWorld", " ", false), false},
		{"E32 underscore", Contains("a_b", "_", false), true},
		{"E33", Contains("co op", "co-op", false), false},
		{"E34", StartsWith("Beta", "a", false), false},
		{"D47", Contains("FabriKam", "BRik", false), true},
		{"contains_cs", Contains("FabriKam", "BRik", true), false},
		{"empty needle", Contains("", "", false), true},
		{"unicode fold contains", Contains("CAFÉ au lait", "café", false), true},
		{"unicode startswith", StartsWith("Éclair", "éc", false), true},
		{"unicode endswith", EndsWith("naïVETÉ", "veté", false), true},
		{"E35", EqualFold("Straße", "straße"), true},
		{"E36", EqualFold("STRASSE", "straße"), false},
		{"E37 full-width", EqualFold("Ｆull", "full"), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func FuzzHasASCIIvsRunes(f *testing.F) {
	f.Add("hello world", "hello")
	f.Add("rm.mspbackups.com", "mspbackups.com")
	f.Fuzz(func(t *testing.T, h, n string) {
		if !isASCII(h) || !isASCII(n) || n == "" {
			return
		}
		for _, mode := range []Mode{Has, HasPrefix, HasSuffix} {
			for _, cs := range []bool{false, true} {
				a := hasASCII(h, n, mode, cs)
				var hr, nr []rune
				if cs {
					hr, nr = runes(h), runes(n)
				} else {
					hr, nr = foldRunes(h), foldRunes(n)
				}
				b := hasRunesRef(hr, nr, mode)
				if a != b {
					t.Fatalf("ascii and rune paths differ on %q %q mode %d cs %v: %v vs %v", h, n, mode, cs, a, b)
				}
			}
		}
	})
}

// hasRunesRef is a direct transcription of the §3.2 algorithm.
func hasRunesRef(h, n []rune, mode Mode) bool {
	for p := 0; p+len(n) <= len(h); p++ {
		match := true
		for k := range n {
			if h[p+k] != n[k] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		okStart := mode == HasSuffix || !IsTermRune(n[0]) || p == 0 || !IsTermRune(h[p-1])
		e := p + len(n)
		okEnd := mode == HasPrefix || !IsTermRune(n[len(n)-1]) || e == len(h) || !IsTermRune(h[e])
		if okStart && okEnd {
			return true
		}
	}
	return false
}

// checkFoldKey: keys are equal exactly when EqualFold says the strings are.
func checkFoldKey(t *testing.T, a, b string) {
	t.Helper()
	ka, kb := string(AppendFoldKey(nil, a)), string(AppendFoldKey(nil, b))
	if (ka == kb) != EqualFold(a, b) {
		t.Fatalf("%q %q: keys %q %q, EqualFold %v", a, b, ka, kb, EqualFold(a, b))
	}
}

func TestFoldKey(t *testing.T) {
	alpha := []string{"k", "K", "\u212a", "s", "S", "\u017f", "σ", "ς", "Σ", "i", "I", "İ", "ı", "ß", "ẞ", "ǅ", "ǆ", "Ǆ", "a", ".", "\xff", "\xfe", "é", "É"}
	for _, a := range alpha {
		for _, b := range alpha {
			checkFoldKey(t, a, b)
			checkFoldKey(t, "x"+a+"y", "X"+b+"Y")
			checkFoldKey(t, a+a, b)
		}
	}
}

func FuzzFoldKey(f *testing.F) {
	f.Add("Straße", "STRASSE")
	f.Add("\u212aelvin", "kELVIN")
	f.Fuzz(checkFoldKey)
}
