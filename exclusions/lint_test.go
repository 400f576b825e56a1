package exclusions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

func seedLinter() *Linter {
	return &Linter{Schema: ProjectSchema{}, Rules: []RuleInfo{seedRule, fileSigRule}, Now: testNow}
}

// TestLintSeedScenarios checks what the issue requires of the seed file and
// keeps the full text and JSON output in golden files (docs/exclusions.md
// shows the text one).
func TestLintSeedScenarios(t *testing.T) {
	set := loadExample(t, "msp360-seed-scenarios.yaml")
	for _, l := range []*Linter{seedLinter(), {Schema: ProjectSchema{}, Now: testNow}} {
		fs := l.Lint(set)
		has := func(id, code, substr string) bool {
			for _, f := range fs {
				if f.Exclusion == id && f.Code == code && strings.Contains(f.Message, substr) {
					return true
				}
			}
			return false
		}
		for _, want := range []struct{ id, code, substr string }{
			{"msp360-seed-network-discovery", CodeAmbiguousPrecedence, `parses as (process.name == "CloudBerryAgent.exe" and destination_port == 445) or destination_port == 139: it excludes every event with destination_port == 139, whatever the process`},
			{"msp360-seed-powershell-troubleshooting", CodeAmbiguousPrecedence, `parses as (process.name == "powershell.exe" and command_line contains "Invoke-Command") or user == "ITAdminUser"`},
			{"msp360-seed-cloudberry-sync", CodeTypeMismatch, `"cloudberry.com" is not an IP address`},
			{"msp360-seed-admin-monitoring", CodeOverBroad, `disjunct user == "ITAdminUser" excludes on an account alone`},
			{"msp360-seed-powershell-troubleshooting", CodeOverBroad, `disjunct user == "ITAdminUser" excludes on an account alone`},
			{"msp360-seed-network-discovery", CodeOverBroad, `disjunct destination_port == 139 excludes on a port alone`},
		} {
			if !has(want.id, want.code, want.substr) {
				t.Errorf("(rules: %d) no %s finding for %s containing %q", len(l.Rules), want.code, want.id, want.substr)
			}
		}
		for _, f := range fs {
			if f.Exclusion == "msp360-seed-scheduled-backup" && f.Code != CodeNoExpiry {
				t.Errorf("unexpected finding for scenario 1: %+v", f)
			}
		}
		if got := Unsafe(fs); strings.Join(got, ",") != "msp360-seed-cloudberry-sync,msp360-seed-network-discovery,msp360-seed-powershell-troubleshooting" {
			t.Errorf("Unsafe = %v", got)
		}
	}
	fs := seedLinter().Lint(set)
	var text, js bytes.Buffer
	if err := WriteText(&text, fs); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, fs); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "testdata/seed-lint.txt", text.Bytes())
	testutil.Golden(t, "testdata/seed-lint.json", js.Bytes())

	var decoded []map[string]any
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	for _, d := range decoded {
		for _, k := range []string{"exclusion", "severity", "code", "message"} {
			if _, ok := d[k]; !ok {
				t.Errorf("JSON finding lacks %q: %v", k, d)
			}
		}
	}
}

func TestLintRecommendedIsClean(t *testing.T) {
	set := loadExample(t, "msp360-recommended.yaml")
	checked := 0
	check := func(table, expr string) error { checked++; return nil }
	for _, l := range []*Linter{
		{Schema: ProjectSchema{}, Rules: []RuleInfo{seedRule, fileSigRule}, Now: testNow, CheckKQL: check},
		{Schema: ProjectSchema{}, Now: testNow},
	} {
		if fs := l.Lint(set); len(fs) != 0 {
			var b bytes.Buffer
			_ = WriteText(&b, fs)
			t.Errorf("recommended file (rules: %d) has findings:\n%s", len(l.Rules), b.String())
		}
	}
	if checked != 1 {
		t.Errorf("CheckKQL called %d times, want once (one kql exclusion, one table)", checked)
	}
	// Each exclusion compiles for its rule and reads only that rule's table.
	for _, r := range []fakeRule{seedRule, fileSigRule} {
		p, err := set.ForRule(r.ID(), r.Name(), r.Table(), ProjectSchema{}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Active) == 0 || len(p.Inapplicable) != 0 || len(p.Expired) != 0 {
			t.Errorf("%s: plan %+v", r.ID(), p)
		}
	}
}

// TestLintChecks runs single exclusions through the linter and compares the
// codes and messages it reports.
func TestLintChecks(t *testing.T) {
	procRule := fakeRule{id: "proc-rule", name: "Process rule", table: "DeviceProcessEvents"}
	exactRule := fakeRule{id: "exact", table: "DeviceNetworkEvents", requires: map[string]requirement{
		"RemoteUrl": {"in~", []string{"rm.mspbackups.com", "connect.ra.msp360.com"}},
	}}
	exactURLRule := fakeRule{id: "exact-url", table: "DeviceNetworkEvents", requires: map[string]requirement{
		"RemoteUrl": {"in~", []string{"https://rm.mspbackups.com/", "connect.ra.msp360.com:443"}},
	}}
	tests := []struct {
		name  string
		entry string // YAML lines after "rules:" (when/kql/expires…)
		rules []RuleInfo
		want  []string // "code: message substring", in output order
		refs  string   // the entry's rules list (default ["*"])
	}{
		{"clean", `when: process.name == "cbb.exe" and url endswith ".mspbackups.com"`, nil, nil, ""},
		{"unknown field", `when: destination_prot == 139`, nil,
			[]string{"unknown-field: unknown field destination_prot: not an alias or a column of any table with aliases; did you mean destination_port?"}, ""},
		{"unknown field, rule table", `when: Remoteip == "10.0.0.1"`, []RuleInfo{seedRule},
			[]string{"unknown-field: not an alias or a column of DeviceNetworkEvents or any table with aliases; did you mean RemoteIP?"}, ""},
		{"text for a port", `when: process.name == "x.exe" and destination_port == "445"`, nil,
			[]string{`type-mismatch: destination_port == "445": the text "445" cannot be a value of RemotePort, an int column; write 445 without quotes`}, ""},
		{"ip prefix ok", `when: process.name == "x.exe" and destination_ip startswith "10.1."`, nil, nil, ""},
		{"ip prefix not an ip", `when: process.name == "x.exe" and destination_ip startswith "corp."`, nil,
			[]string{`type-mismatch: "corp." cannot be part of an IP address`}, ""},
		{"ipv6 ok", `when: process.name == "x.exe" and destination_ip in ("::1", "10.0.0.1")`, nil, nil, ""},
		{"over-broad binary", `when: process.name == "powershell.exe" or process.name == "cbb.exe"`, nil,
			[]string{`over-broad: disjunct process.name == "powershell.exe" excludes on a common system binary (powershell.exe) alone`}, ""},
		{"over-broad binary in a list", `when: process.name in ("cbb.exe", "CMD.EXE") and destination_port == 443`, nil,
			[]string{`over-broad: the exclusion (process.name in ("cbb.exe", "CMD.EXE") and destination_port == 443) excludes on a common system binary (cmd.exe) and a port alone`}, ""},
		{"over-broad empty pattern", `when: command_line contains ""`, nil,
			[]string{`over-broad: the exclusion (command_line contains "") excludes on an empty pattern alone: an empty contains/startswith/endswith pattern is true of every event`}, ""},
		{"over-broad binary path", `when: process.path endswith @"\System32\rundll32.exe"`, nil,
			[]string{`over-broad: the exclusion (process.path endswith @"\System32\rundll32.exe") excludes on a common system binary (rundll32.exe) alone`}, ""},
		{"binary with command line is fine", `when: process.name == "powershell.exe" and command_line contains "-File C:\\Scripts\\backup.ps1"`, nil, nil, ""},
		{"over-broad mix", `when: user == "svc" and destination_port in (139, 445)`, nil,
			[]string{`over-broad: the exclusion (user == "svc" and destination_port in (139, 445)) excludes on an account and a port alone: nothing in it ties`}, ""},
		{"over-broad negation", `when: not process.name == "cbb.exe"`, nil,
			[]string{`over-broad: the exclusion (not process.name == "cbb.exe") excludes on negations alone: it excludes every event except the ones it names`}, ""},
		{"not over an or distributes", `when: process.name == "cbb.exe" and not (user == "a" or user == "b")`, nil, nil, ""},
		{"ambiguous deeper", `when: process.name == "cbb.exe" and (url == "a.mspbackups.com" or url == "b.msp360.com" and user == "x")`, nil,
			[]string{`ambiguous-precedence: mixes and with or without parentheses; it parses as url == "a.mspbackups.com" or (url == "b.msp360.com" and user == "x"): it excludes every event with url == "a.mspbackups.com", whatever the user. If you meant (url == "a.mspbackups.com" or url == "b.msp360.com") and user == "x", write those parentheses`}, ""},
		{"parenthesized is fine", `when: (process.name == "cbb.exe" and destination_port == 445) or (process.name == "cbb.exe" and destination_port == 139)`, nil, nil, ""},
		{"never applies: value the rule never matches", `when: process.name == "cbb.exe" and url == "cloudberry.com"`, []RuleInfo{seedRule},
			[]string{`never-applies: the exclusion (process.name == "cbb.exe" and url == "cloudberry.com") never applies to rule "Remote Management and Monitoring tool - MSP360_CloudBerry - Network Connection" (3a4d43d5-2326-467c-a22a-4f1f1f3e2890): the rule only matches events where RemoteUrl has_any ("rm.mspbackups.com"`}, ""},
		{"never applies: has_any terms", `when: process.name == "cbb.exe" and url in ("eu.rm.mspbackups.com", "x.example.com")`, []RuleInfo{seedRule}, nil, ""},
		{"never applies: suffix vs exact list", `when: process.name == "cbb.exe" and url endswith ".cloudberrylab.com"`, []RuleInfo{exactRule},
			[]string{`never-applies: the exclusion (process.name == "cbb.exe" and url endswith ".cloudberrylab.com") never applies to rule exact`}, ""},
		{"never applies: missing column", `when: process.name == "cbb.exe" and destination_port == 443 or process.name == "x.exe"`, []RuleInfo{procRule},
			[]string{
				"ambiguous-precedence: ",
				`never-applies: disjunct process.name == "cbb.exe" and destination_port == 443 never applies to rule "Process rule" (proc-rule): its table DeviceProcessEvents has no column for destination_port`}, ""},
		{"unknown rule", `when: process.name == "cbb.exe"`, []RuleInfo{procRule},
			[]string{`unknown-rule: rule "r1" is not among the 1 rule given, so the exclusion applies to no rule by that name; rmmhunt rules list shows`}, "[r1]"},
		{"unknown rule: did you mean the id", `when: process.name == "cbb.exe"`, []RuleInfo{procRule, seedRule},
			[]string{`unknown-rule: rule "3a4d43d5-2326-467c-a22a-4f1f1f3e2891" is not among the 2 rules given, so the exclusion applies to no rule by that name; did you mean 3a4d43d5-2326-467c-a22a-4f1f1f3e2890 (Remote Management and Monitoring tool - MSP360_CloudBerry - Network Connection)?`}, `["3a4d43d5-2326-467c-a22a-4f1f1f3e2891"]`},
		{"unknown rule: did you mean the name", `when: process.name == "cbb.exe"`, []RuleInfo{procRule, seedRule},
			[]string{`unknown-rule: rule "process rule" is not among the 2 rules given, so the exclusion applies to no rule by that name; did you mean "Process rule" (proc-rule)?`}, `["process rule"]`},
		{"host field: a URL never equals a host", `when: process.name == "cbb.exe" and url == "https://cloudberry.com:443/x"`, nil,
			[]string{`type-mismatch: url == "https://cloudberry.com:443/x": url compares the host name cut from RemoteUrl (scheme, port, path and trailing dot removed), so "https://cloudberry.com:443/x" never equals it; write "cloudberry.com", or compare the raw column (RemoteUrl)`}, ""},
		{"host field: trailing dot", `when: process.name == "cbb.exe" and destination.domain in ("a.com", "b.com.")`, nil,
			[]string{`type-mismatch: destination.domain in ("a.com", "b.com."): destination.domain compares the host name cut from RemoteUrl`}, ""},
		{"host field: a path pattern", `when: process.name == "cbb.exe" and url contains "/api/"`, nil,
			[]string{`type-mismatch: url contains "/api/": url compares the host name cut from RemoteUrl, which never holds "/"`}, ""},
		{"host field: host patterns are fine", `when: process.name == "cbb.exe" and (url endswith ".mspbackups.com" or url == "RM.MSPBackups.com")`, nil, nil, ""},
		{"raw column keeps raw comparison", `when: process.name == "cbb.exe" and (RemoteUrl == "https://a.com/x" or destination.url contains "/api/")`, nil, nil, ""},
		{"never applies: host vs exact URL list", `when: process.name == "cbb.exe" and url == "connect.ra.msp360.com"`, []RuleInfo{exactURLRule}, nil, ""},
		{"never applies: host not in exact URL list", `when: process.name == "cbb.exe" and url == "x.msp360.com"`, []RuleInfo{exactURLRule},
			[]string{`never-applies: the exclusion (process.name == "cbb.exe" and url == "x.msp360.com") never applies to rule exact-url`}, ""},
		{"expired", "when: process.name == \"cbb.exe\"\n    expires: 2026-05-20", nil,
			[]string{"expired: expired on 2026-05-20 (12 days ago): it no longer applies"}, ""},
		{"kql with checker", "kql: RemotePort == 1 and", []RuleInfo{seedRule},
			[]string{"invalid-kql: kql over DeviceNetworkEvents: incomplete"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs := tt.refs
			if refs == "" {
				refs = `["*"]`
			}
			src := "exclusions:\n  - id: x\n    rules: " + refs + "\n    " + tt.entry + "\n"
			if !strings.Contains(tt.entry, "expires") {
				src += "    expires: 2026-12-31\n"
			}
			f, err := Parse("t.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			set, _ := NewSet(f)
			l := &Linter{Schema: ProjectSchema{}, Rules: tt.rules, Now: testNow,
				CheckKQL: func(table, expr string) error {
					if strings.HasSuffix(expr, "and") {
						return errors.New("incomplete expression")
					}
					return nil
				}}
			fs := l.Lint(set)
			var got []string
			for _, f := range fs {
				got = append(got, f.Code+": "+f.Message)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i := range got {
				code, sub, _ := strings.Cut(tt.want[i], ": ")
				if fs[i].Code != code || !strings.Contains(fs[i].Message, sub) {
					t.Errorf("finding %d:\n got %s\nwant %s", i, got[i], tt.want[i])
				}
				if fs[i].Severity != codeSeverity[code] {
					t.Errorf("finding %d: severity %s, want %s", i, fs[i].Severity, codeSeverity[code])
				}
				if code == CodeUnknownRule && (fs[i].Severity != SeverityError || fs[i].Pos().String() != "t.yaml:3:13") {
					t.Errorf("unknown-rule: %s at %s, want an error at the rule's entry t.yaml:3:13", fs[i].Severity, fs[i].Pos())
				}
			}
			if tt.name == "unknown rule" && len(Unsafe(fs)) != 0 {
				t.Errorf("unknown-rule makes the exclusion unsafe to apply: %v", Unsafe(fs))
			}
		})
	}
}

func TestLintMatches(t *testing.T) {
	f, _ := Parse("m.yaml", []byte(`exclusions:
  - id: busy
    rules: ["*"]
    when: process.name == "cbb.exe"
  - id: idle
    rules: ["*"]
    when: process.name == "nothing.exe"
  - id: unused
    rules: ["*"]
    when: process.name == "x.exe"
  - id: gone
    rules: ["*"]
    when: process.name == "y.exe"
    expires: 2020-01-01
`))
	set, _ := NewSet(f)
	counts := []MatchCount{
		{Exclusion: "busy", Rule: "r2", Events: 40, Findings: 3, RuleFindings: 4},
		{Exclusion: "busy", Rule: "r1", Events: 2, Findings: 1, RuleFindings: 2},
		{Exclusion: "idle", Rule: "r1", Events: 0, Findings: 0, RuleFindings: 2},
	}
	fs := LintMatches(set, counts, testNow)
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s %s %s", f.Exclusion, f.Code, f.Message))
	}
	want := []string{
		"busy suppresses-most suppresses 3 of the 4 findings of rule r2 (75%)",
		"idle never-matched matched no event of the 1 rule it applies to in the data",
		"unused never-matched applied to none of the rules run over the data",
	}
	if len(got) != len(want) {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("got %s\nwant %s…", got[i], want[i])
		}
	}
	if HasErrors(fs) {
		t.Error("data findings are warnings, HasErrors says otherwise")
	}
}

func TestErrorFindingsAndRendering(t *testing.T) {
	_, err := Parse("bad.yaml", []byte("exclusions:\n  - id: x\n    rules: [\"*\"]\n    when: a == 1 or\n"))
	fs := ErrorFindings(err)
	if len(fs) != 1 || fs[0].Code != CodeSyntax || fs[0].Exclusion != "x" || fs[0].Pos().String() != "bad.yaml:4:20" {
		t.Fatalf("ErrorFindings = %+v", fs)
	}
	if !HasErrors(fs) || len(Unsafe(fs)) != 1 {
		t.Error("a syntax error is not an error finding")
	}
	if got := ErrorFindings(os.ErrNotExist); len(got) != 1 || got[0].Code != CodeInvalid {
		t.Errorf("ErrorFindings(plain error) = %+v", got)
	}
	if ErrorFindings(nil) != nil {
		t.Error("ErrorFindings(nil) is not nil")
	}
	var b bytes.Buffer
	_ = WriteText(&b, fs)
	want := "bad.yaml:4:20: error syntax [x]: when: expression ends too early: expected a field name, 'not' or '('\n1 error, 0 warnings\n"
	if b.String() != want {
		t.Errorf("WriteText:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	_ = WriteJSON(&b, nil)
	if b.String() != "[]\n" {
		t.Errorf("WriteJSON(nil) = %q, want []", b.String())
	}
	b.Reset()
	_ = WriteText(&b, nil)
	if b.String() != "no findings\n" {
		t.Errorf("WriteText(nil) = %q", b.String())
	}
}

// TestDocsShowLintOutput keeps docs/exclusions.md true to the code: the lint
// output it shows is the golden output of TestLintSeedScenarios.
func TestDocsShowLintOutput(t *testing.T) {
	golden, err := os.ReadFile("testdata/seed-lint.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "exclusions.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, golden) {
		t.Errorf("docs/exclusions.md does not show the current lint output of the seed file (testdata/seed-lint.txt); paste it in")
	}
	var fields bytes.Buffer
	if err := WriteFieldTable(&fields, ProjectSchema{}, "DeviceNetworkEvents"); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "testdata/fields-DeviceNetworkEvents.txt", fields.Bytes())
	if !bytes.Contains(doc, fields.Bytes()) {
		t.Errorf("docs/exclusions.md does not show the current alias table of DeviceNetworkEvents (testdata/fields-DeviceNetworkEvents.txt)")
	}
}

// aliasMatrix renders the alias table as the Markdown table the docs show:
// one row per field, one column per table.
func aliasMatrix() string {
	fields := map[string]map[string]string{}
	var names []string
	for _, fa := range FieldAliases("") {
		if fields[fa.Field] == nil {
			fields[fa.Field] = map[string]string{}
			names = append(names, fa.Field)
		}
		fields[fa.Field][fa.Table] = fa.Column
		if fa.Host {
			fields[fa.Field][fa.Table] = "host of " + fa.Column
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("| field |")
	for _, t := range AliasTables() {
		b.WriteString(" " + t + " |")
	}
	b.WriteString("\n|---|")
	for range AliasTables() {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, f := range names {
		b.WriteString("| `" + f + "` |")
		for _, t := range AliasTables() {
			if c := fields[f][t]; c != "" {
				b.WriteString(" " + c + " |")
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestDocsShowAliasTable(t *testing.T) {
	m := aliasMatrix()
	testutil.Golden(t, "testdata/alias-matrix.md", []byte(m))
	doc, err := os.ReadFile(filepath.Join("..", "docs", "exclusions.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), m) {
		t.Errorf("docs/exclusions.md does not show the current alias table (testdata/alias-matrix.md)")
	}
}
