package catalog

import (
	"strings"
	"testing"
	"unicode"
)

// refHas is an independent reference implementation of Kusto's has
// (kql-semantics §3.2), written differently from hasTerm: both strings are
// mapped to a canonical fold rune (the smallest rune of its simple-fold
// orbit), then every occurrence is checked for term boundaries at the
// needle's alphanumeric edges.
func refHas(h, n string) bool {
	canon := func(s string) []rune {
		rs := []rune(s)
		for i, r := range rs {
			min := r
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				if f < min {
					min = f
				}
			}
			rs[i] = min
		}
		return rs
	}
	term := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	H, N := canon(h), canon(n)
	if len(N) == 0 {
		return true
	}
	hs, ns := string(H), string(N)
	for off := 0; ; {
		i := strings.Index(hs[off:], ns)
		if i < 0 {
			return false
		}
		start := len([]rune(hs[:off+i]))
		end := start + len(N)
		okStart := !term(N[0]) || start == 0 || !term(H[start-1])
		okEnd := !term(N[len(N)-1]) || end == len(H) || !term(H[end])
		if okStart && okEnd {
			return true
		}
		_, size := decodeFirst(hs[off+i:])
		off += i + size
	}
}

func decodeFirst(s string) (rune, int) {
	for i, r := range s {
		if i == 0 {
			return r, len(string(r))
		}
	}
	return 0, 1
}

// The has vectors of kql-semantics §3.7, checked against both
// implementations.
func TestHasVectors(t *testing.T) {
	tests := []struct {
		h, n string
		want bool
	}{
		{"hello world", "hello", true}, {"helloworld", "hello", false}, {"hello-world", "hello", true},
		{"HELLO", "hello", true}, {"alpha_beta", "alpha", true}, {"alphabeta", "alpha", false},
		{"x.bar.y", "bar", true}, {"version=1.2.3", "2.3", true}, {"1_2_3", "2.3", false},
		{"12.34.56", "34", true}, {"123456", "34", false}, {"alpha", "a", false}, {"a b", " ", true},
		{"a\tb", " ", false}, {"", "", true}, {"NAÏVE", "naïve", true}, {"naive", "naïve", false},
		{"МИР привет", "привет", true}, {"ПриветМир", "привет", false},
		{"KustoExplorerQueryRun", "Explorer", false},
		{".../00000000-0000-0000-0000-000000000000/resourcegroups/test.rg000001?api-version=2021-04-01", "/resourcegroups/test.rg000001?", true},
		{"www.microsoft.com", "microsoft", true}, {"microsoftonline.com", "microsoft", false},
		{"farm.mspbackups.com", "rm.mspbackups.com", false}, {"rm.mspbackups.com", "rm.mspbackups.com", true},
		{"RM.MSPBACKUPS.COM", "rm.mspbackups.com", true}, {"https://rm.mspbackups.com:443/x", "rm.mspbackups.com", true},
		{"x-anydesk.com", "anydesk.com", true}, {"xanydesk.com", "anydesk.com", false},
	}
	for _, tc := range tests {
		if got := refHas(tc.h, tc.n); got != tc.want {
			t.Errorf("refHas(%q, %q) = %v, want %v", tc.h, tc.n, got, tc.want)
		}
		if got := hasTerm(tc.h, tc.n); got != tc.want {
			t.Errorf("hasTerm(%q, %q) = %v, want %v", tc.h, tc.n, got, tc.want)
		}
	}
}

// FuzzHasAgreement checks hasTerm (used by the generator) against refHas.
func FuzzHasAgreement(f *testing.F) {
	for _, s := range [][2]string{{"hello world", "hello"}, {"x-anydesk.com", "anydesk.com"}, {"ПриветМир", "привет"}, {"aaa", "aa"}, {"a.b.", "b."}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, h, n string) {
		if got, want := hasTerm(h, n), refHas(h, n); got != want {
			t.Fatalf("hasTerm(%q, %q) = %v, refHas = %v", h, n, got, want)
		}
	})
}

// necessaryDomains are entries of every form, for the prefilter property.
var necessaryDomains = []string{"anydesk.com", "*.mspbackups.com", "relay-*.net.anydesk.com", "plus*.site24x7.com",
	"agents*-cloud.acronis.com", "pdqinstallers.*.r2.cloudflarestorage.com", "upload_data.qq.com", "51.255.19.178", "x-1.a_b.io"}

// checkNecessary fails when u's host matches d but u does not "has" the
// prefilter needle of d: the has_any prefilter would then drop a true match.
func checkNecessary(t *testing.T, u string) {
	t.Helper()
	if strings.ContainsRune(u, 'İ') {
		return // tolower maps U+0130 to "i" but case folding does not; not a DNS host character (docs/catalog.md)
	}
	h := NormalizeHost(u)
	for _, s := range necessaryDomains {
		d, err := ParseDomain(s)
		if err != nil {
			t.Fatal(err)
		}
		if d.Match(h) && !refHas(u, d.Needle()) {
			t.Fatalf("host %q of %q matches %q but the URL does not has %q", h, u, s, d.Needle())
		}
	}
}

func TestNeedleIsNecessary(t *testing.T) {
	prefixes := []string{"", "https://", "HTTP://", "tcp://user:pw@", "a@", "svc+x.y-z://"}
	hosts := []string{"anydesk.com", "relay-ab12cd34.net.anydesk.com", "X.ANYDESK.COM", "a.b.mspbackups.com",
		"plus12.site24x7.com", "agents7-cloud.acronis.com", "pdqinstallers.eu.r2.cloudflarestorage.com",
		"upload_data.qq.com", "51.255.19.178", "x-1.a_b.io", "k.x-1.a_b.io"}
	suffixes := []string{"", ".", ":443", ".:8443/x?y=1#z", "/path", "?q=anydesk.com", "#frag", "./"}
	for _, p := range prefixes {
		for _, h := range hosts {
			for _, s := range suffixes {
				checkNecessary(t, p+h+s)
			}
		}
	}
}

func FuzzNeedleIsNecessary(f *testing.F) {
	for _, s := range []string{"https://relay-1.net.anydesk.com:443/x", "anydesk.com.", "a@plus1.site24x7.com/", "HTTPS://UPLOAD_DATA.QQ.COM"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) { checkNecessary(t, u) })
}
