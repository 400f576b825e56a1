package exclusions

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSeedScenarioKQL checks the translation of each seed scenario under
// standard precedence (not > and > or), as the engine will evaluate it.
func TestSeedScenarioKQL(t *testing.T) {
	set := loadExample(t, "msp360-seed-scenarios.yaml")
	want := map[string]string{
		// A or B
		"msp360-seed-scheduled-backup": `(InitiatingProcessFileName =~ "MSP360Backup.exe" or InitiatingProcessFileName =~ "CloudBerryBackup.exe")`,
		// A or B, B comparing an IP column with a host name (kept as written: it is valid KQL that is never true)
		"msp360-seed-cloudberry-sync":  `(InitiatingProcessFileName =~ "CloudBerrySync.exe" or RemoteIP =~ "cloudberry.com")`,
		"msp360-seed-admin-monitoring": `(InitiatingProcessAccountName =~ "ITAdminUser" or InitiatingProcessFileName =~ "MSP360Monitor.exe")`,
		// (A and B) or C
		"msp360-seed-network-discovery": `((InitiatingProcessFileName =~ "CloudBerryAgent.exe" and RemotePort == 445) or RemotePort == 139)`,
		// (A and B) or C
		"msp360-seed-powershell-troubleshooting": `((InitiatingProcessFileName =~ "powershell.exe" and InitiatingProcessCommandLine contains "Invoke-Command") or InitiatingProcessAccountName =~ "ITAdminUser")`,
	}
	if len(set.Exclusions) != len(want) {
		t.Fatalf("%d exclusions, want %d", len(set.Exclusions), len(want))
	}
	for i, e := range set.Exclusions {
		if e.WhenText != seedWhens[i] {
			t.Errorf("%s: when = %q, want the seed's %q", e.ID, e.WhenText, seedWhens[i])
		}
		c, err := e.Compile("DeviceNetworkEvents", ProjectSchema{})
		if err != nil {
			t.Errorf("%s: %v", e.ID, err)
			continue
		}
		if c.KQL != want[e.ID] {
			t.Errorf("%s:\n got %s\nwant %s", e.ID, c.KQL, want[e.ID])
		}
		if len(c.Dropped) != 0 || c.Never {
			t.Errorf("%s: dropped %v, never %v", e.ID, c.Dropped, c.Never)
		}
	}
	// docs/exclusions.md shows these translations.
	doc, err := os.ReadFile(filepath.Join("..", "docs", "exclusions.md"))
	if err != nil {
		t.Fatal(err)
	}
	for id, kql := range want {
		if !strings.Contains(string(doc), "`"+id+"` | `"+kql+"` |") {
			t.Errorf("docs/exclusions.md does not show the translation of %s", id)
		}
	}
	// Scenario 4's shape, independent of spelling: an or whose left side is the and.
	e4 := unparen(set.Exclusions[3].When).(*Logical)
	if e4.Op != Or || unparen(e4.X).(*Logical).Op != And {
		t.Errorf("scenario 4 parses as %s, want (A and B) or C", FormatParenthesized(e4))
	}
}

func TestCompileTypes(t *testing.T) {
	sch := MapSchema{"T": {
		"S": "string", "RemotePort": "int", "N": "long", "R": "real", "B": "bool",
		"D": "datetime", "G": "guid", "Dyn": "dynamic", "Span": "timespan",
		"Odd Name": "string", "I": "int",
	}}
	tests := []struct {
		when, want, err string
	}{
		{`S == "x"`, `S =~ "x"`, ""},
		{`S != "x"`, `S !~ "x"`, ""},
		{`S in ("a", "b")`, `S in~ ("a", "b")`, ""},
		{`S contains "a"`, `S contains "a"`, ""},
		{`S startswith "a"`, `S startswith "a"`, ""},
		{`S endswith "a"`, `S endswith "a"`, ""},
		{`not S == "a"`, `not(S =~ "a")`, ""},
		{`S == @"C:\Windows\System32"`, `S =~ @"C:\Windows\System32"`, ""},
		{`S == @"a""b\c"`, `S =~ @"a""b\c"`, ""},
		{`S == "a\"b"`, `S =~ "a\"b"`, ""},
		{`S == "line\nbreak\\x"`, `S =~ "line\nbreak\\x"`, ""},
		{`S == "ünïcødé"`, `S =~ "ünïcødé"`, ""},
		{`S == 5`, "", `the number 5 cannot be a value of S, a string column; quote it ("5")`},
		{`RemotePort == 445`, `RemotePort == 445`, ""},
		{`RemotePort != 445`, `RemotePort != 445`, ""},
		{`RemotePort in (139, 445)`, `RemotePort in (139, 445)`, ""},
		{`RemotePort == "445"`, "", `the text "445" cannot be a value of RemotePort, an int column; write 445 without quotes`},
		{`RemotePort == "smb"`, "", `the text "smb" cannot be a value of RemotePort, an int column`},
		{`RemotePort == 70000`, "", `70000 is not a port number`},
		{`RemotePort == 4.5`, "", `4.5 is not a whole number`},
		{`RemotePort contains "44"`, "", `contains compares text, but RemotePort is a int column`},
		{`I == 3000000000`, "", `outside the range of I, an int column`},
		{`N == 3000000000`, `N == 3000000000`, ""},
		{`R == 1`, `R == 1.0`, ""},
		{`R == 1.5`, `R == 1.5`, ""},
		{`B == "TRUE"`, `B == true`, ""},
		{`B == "yes"`, "", `write "true" or "false"`},
		{`D == "2026-01-31"`, `D == datetime(2026-01-31T00:00:00.0000000Z)`, ""},
		{`D != "2026-01-31T10:20:30.5+02:00"`, `D != datetime(2026-01-31T08:20:30.5000000Z)`, ""},
		{`D == "yesterday"`, "", `a datetime column`},
		{`G == "3A4D43D5-2326-467C-A22A-4F1F1F3E2890"`, `G == guid(3a4d43d5-2326-467c-a22a-4f1f1f3e2890)`, ""},
		{`G == "nope"`, "", `a guid column`},
		{`Dyn contains "x"`, `tostring(Dyn) contains "x"`, ""},
		{`Span == "1h"`, "", `exclusions cannot compare Span, a timespan column`},
		{`Odd Name == "x"`, "", ""}, // not a valid when field: parse error, see below
		{`S == "a" and (RemotePort == 1 or not B == "false")`, `(S =~ "a" and (RemotePort == 1 or not(B == false)))`, ""},
	}
	for _, tt := range tests {
		e, err := ParseWhen(tt.when)
		if err != nil {
			if tt.want == "" && tt.err == "" {
				continue
			}
			t.Fatalf("ParseWhen(%q): %v", tt.when, err)
		}
		ex := &Exclusion{ID: "t", When: e, WhenText: tt.when}
		c, err := ex.Compile("T", sch)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Compile(%q): err %v, want …%s…", tt.when, err, tt.err)
			}
			var el ErrorList
			if err != nil && (!errors.As(err, &el) || el[0].Code != CodeTypeMismatch) {
				t.Errorf("Compile(%q): error %#v, want a type-mismatch ErrorList", tt.when, err)
			}
		case err != nil:
			t.Errorf("Compile(%q): %v", tt.when, err)
		case c.KQL != tt.want:
			t.Errorf("Compile(%q) = %s, want %s", tt.when, c.KQL, tt.want)
		}
	}
}

func TestKQLQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain`, `"plain"`},
		{`C:\x`, `@"C:\x"`},
		{`C:\"x"`, `@"C:\""x"""`},
		{"a\tb\\", `"a\tb\\"`},
		{"\x01", `"\u0001"`},
		{`it's`, `"it's"`},
	}
	for _, tt := range tests {
		if got := kqlQuote(tt.in); got != tt.want {
			t.Errorf("kqlQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// hostRef is the KQL for the host of RemoteUrl (what url and
// destination.domain compare).
const hostRef = `tolower(trim_end(@"\.", extract(@"^(?:[A-Za-z][A-Za-z0-9+.\-]*://)?(?:[^@/?#]*@)?([^:/?#]+)", 1, RemoteUrl)))`

// TestHostOf fixes the host semantics of url and destination.domain.
func TestHostOf(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"cloudberry.com", "cloudberry.com"},
		{"CloudBerry.COM", "cloudberry.com"},
		{"cloudberry.com.", "cloudberry.com"},
		{"https://cloudberry.com", "cloudberry.com"},
		{"https://cloudberry.com:443/path?q=1#f", "cloudberry.com"},
		{"HTTP://User:Pw@Rm.MSPBackups.com.:8080/x", "rm.mspbackups.com"},
		{"cloudberry.com:443", "cloudberry.com"},
		{"cloudberry.com/path", "cloudberry.com"},
		{"tcp+tls://rm.mspbackups.com", "rm.mspbackups.com"},
		{"203.0.113.9:443", "203.0.113.9"},
		{"", ""},
		{"/only/a/path", ""},
		{"://x", ""},
	} {
		if got := HostOf(tt.in); got != tt.want {
			t.Errorf("HostOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompilePerTable(t *testing.T) {
	tests := []struct {
		table, when, want string
		dropped           []string
	}{
		{"DeviceNetworkEvents", `process.name == "cbb.exe" and user == "svc"`, `(InitiatingProcessFileName =~ "cbb.exe" and InitiatingProcessAccountName =~ "svc")`, nil},
		{"DeviceProcessEvents", `process.name == "cbb.exe" and user == "svc"`, `(FileName =~ "cbb.exe" and AccountName =~ "svc")`, nil},
		{"DeviceProcessEvents", `process.parent.name == "services.exe" and command_line contains "-plan"`, `(InitiatingProcessFileName =~ "services.exe" and ProcessCommandLine contains "-plan")`, nil},
		{"DeviceNetworkEvents", `destination.domain endswith ".mspbackups.com" and source_ip == "10.0.0.5" and destination.port == 443`, `((` + hostRef + ` endswith ".mspbackups.com" and LocalIP =~ "10.0.0.5") and RemotePort == 443)`, nil},
		// url and destination.domain compare the host of RemoteUrl; the
		// column's own name and destination.url compare the raw text.
		{"DeviceNetworkEvents", `url in ("a.com", "B.com")`, hostRef + ` in~ ("a.com", "B.com")`, nil},
		{"DeviceEvents", `url == "a.com"`, hostRef + ` =~ "a.com"`, nil},
		{"DeviceNetworkEvents", `RemoteUrl == "a.com" or destination.url startswith "https://a.com/"`, `(RemoteUrl =~ "a.com" or RemoteUrl startswith "https://a.com/")`, nil},
		// file.origin_url is a URL column kept raw.
		{"DeviceFileEvents", `file.origin_url contains "a.com/x"`, `FileOriginUrl contains "a.com/x"`, nil},
		// Direct column names work as they are.
		{"DeviceNetworkEvents", `InitiatingProcessVersionInfoCompanyName contains "MSP360"`, `InitiatingProcessVersionInfoCompanyName contains "MSP360"`, nil},
		// A disjunct on a field the table lacks is dropped…
		{"DeviceProcessEvents", `process.name == "x" or destination_port == 139`, `FileName =~ "x"`, []string{"destination_port == 139"}},
		// …and so is a conjunction that needs one…
		{"DeviceProcessEvents", `process.name == "x" and destination_port == 139 or user == "a"`, `AccountName =~ "a"`, []string{"destination_port == 139"}},
		// …and a negated one never turns into "exclude everything".
		{"DeviceProcessEvents", `not destination_port == 139`, `false`, []string{"destination_port == 139"}},
		{"DeviceProcessEvents", `process.name == "x" and not destination_port == 139`, `false`, []string{"destination_port == 139"}},
		{"DeviceFileCertificateInfo", `signer in ("MSPBytes Corp", "MSPBytes, Corp.") and cert.is_trusted == "true"`, `(Signer in~ ("MSPBytes Corp", "MSPBytes, Corp.") and IsTrusted == true)`, nil},
	}
	for _, tt := range tests {
		e, err := ParseWhen(tt.when)
		if err != nil {
			t.Fatal(err)
		}
		c, err := (&Exclusion{ID: "t", When: e}).Compile(tt.table, ProjectSchema{})
		if err != nil {
			t.Errorf("%s: Compile(%q): %v", tt.table, tt.when, err)
			continue
		}
		if c.KQL != tt.want || strings.Join(c.Dropped, "|") != strings.Join(tt.dropped, "|") {
			t.Errorf("%s: Compile(%q) = %s dropped %q, want %s dropped %q", tt.table, tt.when, c.KQL, c.Dropped, tt.want, tt.dropped)
		}
		if c.Never != (tt.want == "false") {
			t.Errorf("%s: Compile(%q).Never = %v", tt.table, tt.when, c.Never)
		}
	}
}

func TestCompileUnknownTableAndKQL(t *testing.T) {
	e := &Exclusion{ID: "t", When: mustParse(t, `a == 1`)}
	if _, err := e.Compile("NoSuchTable", ProjectSchema{}); err == nil || !strings.Contains(err.Error(), "NoSuchTable is unknown") {
		t.Errorf("Compile on an unknown table: %v", err)
	}
	k := &Exclusion{ID: "k", KQL: `RemotePort == 1 or X has "y"`}
	c, err := k.Compile("Whatever", ProjectSchema{})
	if err != nil || c.KQL != k.KQL || c.Columns != nil {
		t.Errorf("kql exclusion: %+v, %v; want the text passed through", c, err)
	}
}

func mustParse(t *testing.T, s string) Expr {
	t.Helper()
	e, err := ParseWhen(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRulePlan(t *testing.T) {
	f, err := Parse("plan.yaml", []byte(`exclusions:
  - id: a
    rules: ["3a4d43d5-2326-467c-a22a-4f1f1f3e2890"]
    when: process.name == "cbb.exe"
    expires: 2026-12-31
  - id: old
    rules: ["*"]
    when: process.name == "old.exe"
    expires: 2026-05-31
  - id: other-rule
    rules: ["some other rule"]
    when: process.name == "x.exe"
  - id: proc-only
    rules: ["*"]
    when: process.parent.parent.name == "x.exe"
  - id: raw
    rules: ["Remote Management and Monitoring tool - MSP360_CloudBerry - Network Connection"]
    kql: RemotePort == 443 and RemoteUrl has "mspbackups"
`))
	if err != nil {
		t.Fatal(err)
	}
	set, err := NewSet(f)
	if err != nil {
		t.Fatal(err)
	}
	p, err := set.ForRule(seedRule.ID(), seedRule.Name(), seedRule.Table(), ProjectSchema{}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(cs []*Compiled) (out []string) {
		for _, c := range cs {
			out = append(out, c.Exclusion.ID)
		}
		return
	}
	if got := strings.Join(ids(p.Active), ","); got != "a,raw" {
		t.Errorf("active = %s, want a,raw", got)
	}
	if len(p.Expired) != 1 || p.Expired[0].ID != "old" {
		t.Errorf("expired = %v, want old", p.Expired)
	}
	if got := strings.Join(ids(p.Inapplicable), ","); got != "proc-only" {
		t.Errorf("inapplicable = %s, want proc-only", got)
	}
	wantSup := `(InitiatingProcessFileName =~ "cbb.exe") or (RemotePort == 443 and RemoteUrl has "mspbackups")`
	if got := p.SuppressExpr(); got != wantSup {
		t.Errorf("SuppressExpr = %s, want %s", got, wantSup)
	}
	if got := p.KeepExpr(); got != "not(iff("+wantSup+", true, false))" {
		t.Errorf("KeepExpr = %s", got)
	}
	// The expired one applies on its last day.
	p2, _ := set.ForRule(seedRule.ID(), "", seedRule.Table(), ProjectSchema{}, time.Date(2026, 5, 31, 23, 59, 0, 0, time.UTC))
	if got := strings.Join(ids(p2.Active), ","); got != "a,old" {
		t.Errorf("on 2026-05-31 active = %s, want a,old", got)
	}
	empty := (&Set{}).Without()
	pe, _ := empty.ForRule("x", "", "DeviceNetworkEvents", ProjectSchema{}, testNow)
	if pe.SuppressExpr() != "" || pe.KeepExpr() != "" {
		t.Errorf("empty plan gives %q / %q", pe.SuppressExpr(), pe.KeepExpr())
	}
	if w := set.Without("a", "raw"); len(w.Exclusions) != 3 {
		t.Errorf("Without kept %d exclusions, want 3", len(w.Exclusions))
	}
}

func TestRulePlanCompileError(t *testing.T) {
	f, _ := Parse("e.yaml", []byte("exclusions:\n  - id: bad\n    rules: [\"*\"]\n    when: destination_port == \"445\"\n"))
	set, _ := NewSet(f)
	_, err := set.ForRule("r", "", "DeviceNetworkEvents", ProjectSchema{}, testNow)
	if err == nil || !strings.Contains(err.Error(), `e.yaml:4:11: destination_port == "445": the text "445"`) {
		t.Errorf("ForRule: %v", err)
	}
}
