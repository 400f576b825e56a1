package catalog

import (
	"strings"
	"testing"
)

func TestNormalizeHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"anydesk.com", "anydesk.com"},
		{"https://relay-1.net.anydesk.com:443/x", "relay-1.net.anydesk.com"},
		{"HTTPS://BOOT.NET.ANYDESK.COM./", "boot.net.anydesk.com"},
		{"user:pw@Host.Example:8080", "host.example"},
		{"https://anydesk.com@evil.example/", "evil.example"},
		{"https://evil.example/?u=anydesk.com", "evil.example"},
		{"evil.example#anydesk.com", "evil.example"},
		{"anydesk.com:443", "anydesk.com"},
		{"a..", "a."},
		{"", ""},
		{"/path/only", ""},
		{"svc+x.y-z://h.io", "h.io"},
		{"1http://h.io", "1http"},
	}
	for _, tc := range tests {
		if got := NormalizeHost(tc.in); got != tc.want {
			t.Errorf("NormalizeHost(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{"https://a.b:1/c", "a@b@c", "x.", "HTTP://X.Y./", "::", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		h := NormalizeHost(u)
		if strings.ContainsAny(h, ":/?#") {
			t.Fatalf("NormalizeHost(%q) = %q keeps a delimiter", u, h)
		}
		if h != strings.ToLower(h) {
			t.Fatalf("NormalizeHost(%q) = %q is not lower case", u, h)
		}
		// A well-formed URL around a plain host gives the host back.
		if h != "" && !strings.ContainsAny(h, "@ \t\r\n\\") && !strings.HasSuffix(h, ".") {
			if got := NormalizeHost("https://" + h + ":443/p?q#f"); got != h {
				t.Fatalf("host %q round trip gave %q", h, got)
			}
		}
	})
}

func TestParseDomain(t *testing.T) {
	good := map[string]DomainKind{"anydesk.com": DomainAndSubdomains, "*.anydesk.com": SubdomainsOnly,
		"51.255.19.178": Address, "relay-*.net.anydesk.com": Glob, "upload_data.qq.com": DomainAndSubdomains,
		"pdqinstallers.*.r2.cloudflarestorage.com": Glob}
	for s, k := range good {
		d, err := ParseDomain(s)
		if err != nil || d.Kind != k {
			t.Errorf("ParseDomain(%q) = %v, %v; want kind %v", s, d.Kind, err, k)
		}
	}
	for _, s := range []string{"", "com", "user_managed", "<placeholder>", "Anydesk.com", "a.com:443", "a.com/x",
		"relay-[a-f0-9]{8}.net.anydesk.com", "*.-dms.zoho.com.cn", "*.*.a.com", "a.*", "*abc*", "::1", "a..com", "1.2.3"} {
		if _, err := ParseDomain(s); err == nil {
			t.Errorf("ParseDomain(%q) accepted", s)
		}
	}
}

func FuzzParseDomain(f *testing.F) {
	for _, s := range []string{"anydesk.com", "*.a.b", "p*.x.y", "1.2.3.4", "a.*.b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDomain(s)
		if err != nil {
			return
		}
		direct, sub := sampleHosts(d)
		if !d.Match(direct) || (sub != "" && !d.Match(sub)) {
			t.Fatalf("%q does not match its own sample hosts %q %q", s, direct, sub)
		}
	})
}

func TestMatchHost(t *testing.T) {
	tool := &Tool{Domains: []string{"anydesk.com", "*.mspbackups.com", "relay-*.net.example.org", "51.255.19.178"}}
	tests := []struct {
		url  string
		want bool
	}{
		{"anydesk.com", true},
		{"https://relay-1.net.anydesk.com:443/x", true},
		{"ANYDESK.COM.", true},
		{"x-anydesk.com", false},
		{"anydesk.com.evil.example", false},
		{"notanydesk.com", false},
		{"https://evil.example/anydesk.com", false},
		{"https://anydesk.com@evil.example/", false},
		{"mspbackups.com", false}, // "*.x.y" is subdomains only
		{"rm.mspbackups.com", true},
		{"farm-mspbackups.com", false},
		{"relay-ab.net.example.org", true},
		{"relay-.net.example.org", true},
		{"relay-a.b.net.example.org", false}, // "*" stays inside one label
		{"x.relay-a.net.example.org", false}, // globs match whole hosts
		{"51.255.19.178", true},
		{"x.51.255.19.178", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := tool.MatchURL(tc.url); got != tc.want {
			t.Errorf("MatchURL(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}
