package catalog

import (
	"bytes"
	"strings"
	"testing"
)

func TestEmbeddedRoundTrip(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Save(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, embeddedTools) {
		t.Error("Save(Embedded()) differs from tools.yaml: the committed file is not in canonical form")
	}
	c2, err := Load(a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Save(c2)
	if !bytes.Equal(a, b) {
		t.Error("Save(Load(Save(c))) != Save(c)")
	}
	if c.Find("anydesk") == nil || c.Find("ANYDESK") == nil || c.Find("no such tool") != nil {
		t.Error("Find by id / name failed")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "version: 1\ntools:\n  - {id: a-b, name: A, category: RMM, colour: red}\n", "colour"},
		{"version", "version: 2\ntools: []\n", "format version 2"},
		{"bad domain", "version: 1\ntools:\n  - {id: a, name: A, category: RMM, domains: ['a.com:443']}\n", `"a.com:443"`},
		{"bad id", "version: 1\ntools:\n  - {id: A B, name: A, category: RMM}\n", "not a slug"},
		{"dup id", "version: 1\ntools:\n  - {id: a, name: A, category: RMM}\n  - {id: a, name: B, category: RAT}\n", "duplicate id"},
		{"category", "version: 1\ntools:\n  - {id: a, name: A, category: VPN}\n", "category"},
		{"empty tool", "version: 1\ntools:\n  - \n", "empty"},
	}
	for _, tc := range tests {
		_, err := Load([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"AnyDesk": "anydesk", "247ithelp.com (ConnectWise)": "247ithelp-com-connectwise",
		"I'm InTouch": "i-m-intouch", "  Level.io ": "level-io", "TEKNOPARS BİLİŞİM": "teknopars-bili-im"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(embeddedTools[:2000])
	f.Add([]byte("version: 1\ntools:\n  - {id: a, name: A, category: RMM, domains: ['*.a.com']}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(data)
		if err != nil {
			return
		}
		out, err := Save(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Load(out); err != nil {
			t.Fatalf("saved catalog does not load: %v", err)
		}
	})
}
