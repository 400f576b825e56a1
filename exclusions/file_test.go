package exclusions

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseFileErrors(t *testing.T) {
	const ok = "    rules: [\"*\"]\n    when: a == 1\n"
	tests := []struct {
		name, src string
		want      []string // errors, in order, as file:line:col: message prefix
		valid     int      // entries that load
	}{
		{"empty", ``, []string{"f.yaml:1:1: empty file"}, 0},
		{"not a mapping", "- a\n", []string{"f.yaml:1:1: expected a mapping with the key exclusions, found a list"}, 0},
		{"no exclusions key", "foo: 1\n", []string{`f.yaml:1:1: unknown top-level key "foo"`, "f.yaml:1:1: missing key exclusions"}, 0},
		{"exclusions not a list", "exclusions: 3\n", []string{`f.yaml:1:13: exclusions must be a list of entries, found the value "3"`}, 0},
		{"null list", "exclusions:\n", nil, 0},
		{"bad yaml", "exclusions: [\n", []string{"f.yaml:1:1: invalid YAML: did not find expected node content"}, 0},
		// yaml.v3 names parser errors one line early; the positions are the true ones.
		{"bad yaml: unclosed list on line 5", "exclusions:\n  - id: x\n    rules: [\"*\"]\n    when: a == 1\n    owner: [a, b\n    reason: r\n",
			[]string{"f.yaml:5:5: invalid YAML: did not find expected ',' or ']'"}, 0},
		// yaml.v3 names the line where the broken collection starts.
		{"bad yaml: entry key out of line", "exclusions:\n  - id: x\n    rules: [\"*\"]\n   when: a == 1\n",
			[]string{"f.yaml:2:3: invalid YAML: did not find expected '-' indicator"}, 0},
		{"bad yaml: unclosed quote", "exclusions:\n  - id: x\n    owner: 'abc\n",
			[]string{"f.yaml:3:5: invalid YAML: found unexpected end of stream"}, 0},
		{"missing id", "exclusions:\n  - rules: [\"*\"]\n    when: a == 1\n", []string{"f.yaml:2:5: missing required key id"}, 0},
		{"bad id", "exclusions:\n  - id: has space\n" + ok, []string{`f.yaml:2:9: invalid id "has space"`}, 0},
		{"duplicate id", "exclusions:\n  - id: x\n" + ok + "  - id: x\n" + ok, []string{`f.yaml:5:5: duplicate id "x" (first defined at f.yaml:2:5)`}, 1},
		{"unknown key", "exclusions:\n  - id: x\n    expire: 2026-01-01\n" + ok, []string{`f.yaml:3:5: unknown key "expire" (known keys: id, name, description, rules, when, kql, owner, reason, expires); did you mean expires?`}, 0},
		{"both when and kql", "exclusions:\n  - id: x\n" + ok + "    kql: A == 1\n", []string{"f.yaml:5:5: an exclusion has either when or kql, not both"}, 0},
		{"neither", "exclusions:\n  - id: x\n    rules: [\"*\"]\n", []string{"f.yaml:2:5: missing when (or kql)"}, 0},
		{"no rules", "exclusions:\n  - id: x\n    when: a == 1\n", []string{"f.yaml:2:5: missing required key rules"}, 0},
		{"empty rules", "exclusions:\n  - id: x\n    rules: []\n    when: a == 1\n", []string{"f.yaml:3:12: rules is empty"}, 0},
		{"rules scalar", "exclusions:\n  - id: x\n    rules: abc\n    when: a == 1\n", []string{`f.yaml:3:12: rules must be a list`}, 0},
		{"star with others", "exclusions:\n  - id: x\n    rules: [\"*\", r1]\n    when: a == 1\n", []string{`f.yaml:3:12: "*" already means every rule`}, 0},
		{"repeated rule", "exclusions:\n  - id: x\n    rules: [r1, r1]\n    when: a == 1\n", []string{`f.yaml:3:17: rule "r1" is listed twice`}, 0},
		{"bad expires", "exclusions:\n  - id: x\n    expires: 31/01/2027\n" + ok, []string{`f.yaml:3:14: expires must be a date written YYYY-MM-DD, found "31/01/2027"`}, 0},
		{"impossible date", "exclusions:\n  - id: x\n    expires: 2027-02-30\n" + ok, []string{`f.yaml:3:14: expires: "2027-02-30" is not a calendar date`}, 0},
		{"when not a string", "exclusions:\n  - id: x\n    rules: [\"*\"]\n    when: [a]\n", []string{"f.yaml:4:11: when must be a string, found a list"}, 0},
		{"when syntax", "exclusions:\n  - id: x\n    rules: [\"*\"]\n    when: a == 1 or b = 2\n", []string{"f.yaml:4:23: when: unexpected '='; compare with =="}, 0},
		{"empty kql", "exclusions:\n  - id: x\n    rules: [\"*\"]\n    kql: \"  \"\n", []string{"f.yaml:4:10: kql is empty"}, 0},
		{"entry not a mapping", "exclusions:\n  - just text\n", []string{`f.yaml:2:5: each exclusion must be a mapping, found the value "just text"`}, 0},
		{"second document", "exclusions: []\n---\nexclusions: []\n", []string{"f.yaml:2:1: a second YAML document is not allowed"}, 0},
		{"duplicate key", "exclusions:\n  - id: x\n    id: y\n" + ok, []string{"f.yaml:3:5: key id appears twice"}, 0},
		{"one bad one good", "exclusions:\n  - id: good\n" + ok + "  - id: bad\n    rules: [\"*\"]\n", []string{"f.yaml:5:5: missing when"}, 1},
		{"anchors", "exclusions:\n  - id: x\n    rules: &r [\"*\"]\n    when: a == 1\n  - id: y\n    rules: *r\n    when: b == 2\n", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("f.yaml", []byte(tt.src))
			var got []string
			if err != nil {
				var el ErrorList
				if !errors.As(err, &el) {
					t.Fatalf("error %T %v, want ErrorList", err, err)
				}
				for _, e := range el {
					got = append(got, e.Error())
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("error %d:\n got %s\nwant %s…", i, got[i], tt.want[i])
				}
			}
			if f == nil || len(f.Exclusions) != tt.valid {
				t.Errorf("valid entries = %v, want %d", f, tt.valid)
			}
		})
	}
}

// TestWhenPositions checks that an error inside a `when` value points at
// the right line:col of the YAML file, whatever the scalar style.
func TestWhenPositions(t *testing.T) {
	head := "exclusions:\n  - id: x\n    rules: [\"*\"]\n"
	tests := []struct{ name, when, want string }{
		{"plain", "    when: a == 1 and b = 2\n", "f.yaml:4:24"},
		{"double-quoted", "    when: \"a == 'x' and b = 2\"\n", "f.yaml:4:27"},
		{"double-quoted with escapes", "    when: \"a == \\\"x\\\" and b = 2\"\n", "f.yaml:4:29"},
		{"single-quoted", "    when: 'a == ''x'' and b = 2'\n", "f.yaml:4:29"},
		{"folded", "    when: >-\n      a == 1\n      and b = 2\n", "f.yaml:6:13"},
		{"literal", "    when: |\n      a == 1\n        and\n      b = 2\n", "f.yaml:7:9"},
		{"plain multi-line", "    when: a == 1\n      and b = 2\n", "f.yaml:5:13"},
		{"unterminated string", "    when: a == \"x\n", "f.yaml:4:16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(head+tt.when))
			var el ErrorList
			if !errors.As(err, &el) || len(el) != 1 {
				t.Fatalf("err = %v, want one error", err)
			}
			if got := el[0].Pos.String(); got != tt.want {
				t.Errorf("error at %s, want %s (%s)", got, tt.want, el[0].Msg)
			}
		})
	}
}

func TestExpiredAndAppliesTo(t *testing.T) {
	e := &Exclusion{Rules: []string{"3A4D43D5-2326-467C-A22A-4F1F1F3E2890", "My Rule"}, Expires: time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 5, 31, 23, 59, 59, 0, time.UTC), false},
		{time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := e.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%v) = %v", tt.now, got)
		}
	}
	if (&Exclusion{}).Expired(testNow) {
		t.Error("an exclusion without expires expired")
	}
	for _, tt := range []struct {
		id, name string
		want     bool
	}{
		{"3a4d43d5-2326-467c-a22a-4f1f1f3e2890", "", true},
		{"", "My Rule", true},
		{"", "my rule", false},
		{"other", "Other", false},
	} {
		if got := e.AppliesTo(tt.id, tt.name); got != tt.want {
			t.Errorf("AppliesTo(%q, %q) = %v", tt.id, tt.name, got)
		}
	}
	if !(&Exclusion{Rules: []string{"*"}}).AppliesTo("anything", "") {
		t.Error(`"*" does not apply to every rule`)
	}
}

func TestLoadDuplicateAcrossFiles(t *testing.T) {
	a, _ := Parse("a.yaml", []byte("exclusions:\n  - id: x\n    rules: [\"*\"]\n    when: a == 1\n"))
	b, _ := Parse("b.yaml", []byte("exclusions:\n  - id: y\n    rules: [\"*\"]\n    when: a == 1\n  - id: x\n    rules: [\"*\"]\n    when: b == 1\n"))
	s, err := NewSet(a, b)
	if err == nil || err.Error() != `b.yaml:5:5: duplicate id "x" (first defined at a.yaml:2:5)` {
		t.Errorf("NewSet: %v", err)
	}
	if len(s.Exclusions) != 2 {
		t.Errorf("set has %d exclusions, want 2", len(s.Exclusions))
	}
	if e, ok := s.Lookup("y"); !ok || e.Pos.File != "b.yaml" {
		t.Errorf("Lookup(y) = %v, %v", e, ok)
	}
	if _, err := Load("no/such/file.yaml"); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

func TestExamplesLoad(t *testing.T) {
	for _, name := range []string{"msp360-seed-scenarios.yaml", "msp360-recommended.yaml"} {
		s := loadExample(t, name)
		if len(s.Exclusions) == 0 {
			t.Errorf("%s: no exclusions", name)
		}
	}
	rec := loadExample(t, "msp360-recommended.yaml")
	for _, e := range rec.Exclusions {
		if e.Owner == "" || e.Reason == "" || !e.HasExpiry() {
			t.Errorf("recommended %s lacks owner, reason or expires", e.ID)
		}
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte("exclusions:\n  - id: x\n    rules: [\"*\"]\n    when: a == 1 or b = 2\n    expires: 2027-01-31\n"))
	f.Add([]byte("exclusions:\n  - id: x\n    rules: [r]\n    when: >-\n      a == \"x\"\n      and b in (1, 2)\n"))
	f.Add([]byte("exclusions:\n  - id: y\n    rules: &r [\"*\"]\n    kql: A == 1\n  - id: z\n    rules: *r\n    when: 'c == ''q'''\n"))
	f.Add([]byte("exclusions: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", data)
		if file == nil {
			t.Fatal("Parse returned no File")
		}
		if err != nil {
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error %v is not a non-empty ErrorList", err)
			}
			for _, e := range el {
				if e.Pos.File != "f.yaml" || e.Code == "" {
					t.Fatalf("error without file or code: %#v", e)
				}
			}
		}
		seen := map[string]bool{}
		for _, e := range file.Exclusions {
			if e.ID == "" || seen[e.ID] || len(e.Rules) == 0 || (e.When == nil) == (e.KQL == "") {
				t.Fatalf("invalid exclusion loaded: %+v", e)
			}
			seen[e.ID] = true
			if e.When != nil {
				for off := 0; off <= len(e.WhenText); off++ {
					if p := e.offsetPos(off); p.Line < 1 || p.Col < 1 {
						t.Fatalf("offset %d of %q maps to %v", off, e.WhenText, p)
					}
				}
			}
		}
	})
}
