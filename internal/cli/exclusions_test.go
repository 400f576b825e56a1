package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/exclusions"
	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

const (
	seedScenarios  = "examples/exclusions/msp360-seed-scenarios.yaml"
	recommended    = "examples/exclusions/msp360-recommended.yaml"
	seedRuleID     = "3a4d43d5-2326-467c-a22a-4f1f1f3e2890"
	scenarioUnsafe = "msp360-seed-cloudberry-sync, msp360-seed-network-discovery, msp360-seed-powershell-troubleshooting"
)

// writeScenarioInputs writes eight DeviceNetworkEvents the seed rule
// matches, one per RemoteUrl (so one finding each), chosen so that each seed
// scenario suppresses a known set of them (see hunt/exclude_test.go for the
// same events against the engine directly).
func writeScenarioInputs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	events := []struct {
		report     int
		proc, user string
		port       int
		cmd        string
	}{
		{1, "MSP360Backup.exe", "svc", 443, ""},
		{2, "CloudBerrySync.exe", "svc", 443, ""},
		{3, "cbb.exe", "ITAdminUser", 443, ""},
		{4, "CloudBerryAgent.exe", "svc", 445, ""},
		{5, "evil.exe", "svc", 139, ""},
		{6, "powershell.exe", "bob", 443, "powershell -c Invoke-Command -ComputerName x"},
		{7, "cbb.exe", "alice", 443, ""},
		{8, "CloudBerryAgent.exe", "svc", 443, ""},
	}
	var lines []string
	for _, e := range events {
		b, _ := json.Marshal(map[string]any{
			"Timestamp": "2026-03-07T12:00:00Z", "DeviceId": "d1", "DeviceName": "host1",
			"RemoteUrl": "https://rm.mspbackups.com:443/" + string(rune('0'+e.report)), "RemoteIP": "203.0.113.9", "RemotePort": e.port,
			"InitiatingProcessFileName": e.proc, "InitiatingProcessAccountName": e.user, "InitiatingProcessCommandLine": e.cmd,
			"InitiatingProcessVersionInfoCompanyName": "CloudBerry Lab", "ReportId": e.report,
		})
		lines = append(lines, string(b))
	}
	if err := os.WriteFile(filepath.Join(dir, "DeviceNetworkEvents.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRecommendedExclusionsLintClean: the README says the recommended file
// lints clean; it must, against the built-in pack (which holds the seed rule
// and the MSP360 file-signature rule its last entry names), by default and
// named explicitly.
func TestRecommendedExclusionsLintClean(t *testing.T) {
	for _, args := range [][]string{
		{"exclusions", "lint", "--now", "2026-03-08T00:00:00Z", recommended},
		{"exclusions", "lint", "--now", "2026-03-08T00:00:00Z", "--rules", "rules/builtin", recommended},
	} {
		code, out, errs := run(t, args...)
		if code != 0 || out != "no findings\n" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
}

// TestExclusionsLintUnknownRule: an exclusion naming a rule that is not in
// the rule set it is linted against fails lint (exit 2) with a did-you-mean;
// hunt still applies the file (such an exclusion hides nothing) and says so.
func TestExclusionsLintUnknownRule(t *testing.T) {
	ex := filepath.Join(t.TempDir(), "ex.yaml")
	os.WriteFile(ex, []byte(`exclusions:
  - id: typo
    rules: ["3a4d43d5-2326-467c-a22a-4f1f1f3e2891", "MSP360 - file signed by the tools vendor"]
    when: process.name == "cbb.exe" and device.name == "backup-01"
    owner: soc@example.com
    reason: test
    expires: 2027-01-31
`), 0o644)
	code, out, errs := run(t, "exclusions", "lint", "--now", "2026-03-08T00:00:00Z", ex)
	if code != ExitUsage {
		t.Errorf("exit %d, want 2\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		`ex.yaml:3:13: error unknown-rule [typo]: rule "3a4d43d5-2326-467c-a22a-4f1f1f3e2891" is not among the`,
		`did you mean 3a4d43d5-2326-467c-a22a-4f1f1f3e2890 (Remote Management and Monitoring tool - MSP360_CloudBerry - Network Connection)?`,
		`ex.yaml:3:53: error unknown-rule [typo]: rule "MSP360 - file signed by the tools vendor"`,
		`did you mean "MSP360 - file signed by the tool's vendor" (76db8eaa-0750-5a2f-bc3d-20c2fc64c413)?`,
		"2 errors, 0 warnings",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	dir := writeScenarioInputs(t)
	code, _, errs = run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--rules", "rules/builtin/seed", "--exclusions", ex, dir)
	if code != 0 || !strings.Contains(errs, "error unknown-rule") || !strings.Contains(errs, "hides nothing") {
		t.Errorf("hunt with an unknown-rule exclusion: exit %d\n%s", code, errs)
	}
}

// TestReadmeSeedLint keeps the lint output the README shows for the seed
// scenarios true to the command it names.
func TestReadmeSeedLint(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const cmd = "$ rmmhunt exclusions lint --now 2026-03-08T00:00:00Z " + seedScenarios + "\n"
	text := string(readme)
	i := strings.Index(text, cmd)
	if i < 0 {
		t.Fatalf("README does not show %q", cmd)
	}
	shown := text[i+len(cmd):]
	shown = shown[:strings.Index(shown, "```")]
	code, out, errs := run(t, "exclusions", "lint", "--now", "2026-03-08T00:00:00Z", seedScenarios)
	if code != ExitUsage {
		t.Errorf("lint of the seed scenarios: exit %d, want 2 (they have errors)\n%s", code, errs)
	}
	if out != shown {
		t.Errorf("README shows\n%s\nthe command prints\n%s", shown, out)
	}
	// What the issue asks of that output.
	for _, want := range []string{
		"error ambiguous-precedence [msp360-seed-network-discovery]",
		"error ambiguous-precedence [msp360-seed-powershell-troubleshooting]",
		"error type-mismatch [msp360-seed-cloudberry-sync]",
		`warning over-broad [msp360-seed-admin-monitoring]: disjunct user == "ITAdminUser"`,
		`warning over-broad [msp360-seed-powershell-troubleshooting]: disjunct user == "ITAdminUser"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("seed lint lacks %q", want)
		}
	}
}

// TestHuntExclusions: hunt refuses exclusions with lint errors (exit 2,
// naming them) unless --allow-unsafe-exclusions; then the terminal report
// lists what was suppressed and ends with the count, --ledger appends one
// JSON line per suppressed event, and the JSON report carries
// "suppressed":[{"rule","exclusions":[ids],"row"}].
func TestHuntExclusions(t *testing.T) {
	dir := writeScenarioInputs(t)
	base := []string{"hunt", "--now", "2026-03-08T00:00:00Z", "--rules", "rules/builtin/seed", "--exclusions", seedScenarios}
	code, out, errs := run(t, append(base, dir)...)
	if code != ExitUsage || out != "" || !strings.Contains(errs, "refusing exclusions with lint errors: "+scenarioUnsafe) {
		t.Errorf("unsafe exclusions: exit %d, out %q\n%s", code, out, errs)
	}

	ledger := filepath.Join(t.TempDir(), "ledger.jsonl")
	unsafe := append(append([]string(nil), base...), "--allow-unsafe-exclusions", "--ledger", ledger)
	code, out, errs = run(t, append(unsafe, dir)...)
	if code != 0 || !strings.Contains(errs, "applying exclusions with lint errors") {
		t.Fatalf("--allow-unsafe-exclusions: exit %d\n%s", code, errs)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "6 findings suppressed by 5 exclusions (listed above)" {
		t.Errorf("terminal report ends with %q", last)
	}
	if !strings.Contains(out, "2 findings from 1 rules") {
		t.Errorf("terminal report:\n%s", out)
	}
	ledgerLines := func() []map[string]any {
		b, err := os.ReadFile(ledger)
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("ledger line %q: %v", l, err)
			}
			out = append(out, m)
		}
		return out
	}
	// one line per suppressed event: events 1-6, event 3 naming two exclusions
	first := ledgerLines()
	if len(first) != 6 {
		t.Fatalf("ledger has %d lines, want 6", len(first))
	}
	var reports []string
	for _, e := range first {
		if e["rule"] != seedRuleID {
			t.Errorf("ledger entry rule %v", e["rule"])
		}
		reports = append(reports, toString(e["ReportId"]))
	}
	sort.Strings(reports)
	if strings.Join(reports, ",") != "1,2,3,4,5,6" {
		t.Errorf("ledger ReportIds %v", reports)
	}
	code, out, errs = run(t, append(append(unsafe, "--format", "json"), dir)...)
	if code != 0 {
		t.Fatalf("json: exit %d\n%s", code, errs)
	}
	if n := len(ledgerLines()); n != 12 {
		t.Errorf("--ledger does not append: %d lines after two runs, want 12", n)
	}
	var doc struct {
		Findings   []map[string]json.RawMessage `json:"findings"`
		Suppressed []struct {
			Rule       struct{ ID string }
			Exclusions []string
			Row        map[string]any
		} `json:"suppressed"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 2 || len(doc.Suppressed) != 6 {
		t.Fatalf("json: %d findings, %d suppressed; want 2 and 6", len(doc.Findings), len(doc.Suppressed))
	}
	byURL := map[string]string{}
	for _, s := range doc.Suppressed {
		if s.Rule.ID != seedRuleID || len(s.Row) == 0 {
			t.Errorf("suppressed entry %+v", s)
		}
		byURL[toString(s.Row["RemoteUrl"])] = strings.Join(s.Exclusions, ",")
	}
	if got := byURL["https://rm.mspbackups.com:443/3"]; got != "msp360-seed-admin-monitoring,msp360-seed-powershell-troubleshooting" {
		t.Errorf("event 3 suppressed by %q, want both the admin and the powershell scenario", got)
	}
	if got := byURL["https://rm.mspbackups.com:443/5"]; got != "msp360-seed-network-discovery" {
		t.Errorf("evil.exe on port 139 suppressed by %q, want the network-discovery scenario (its parse hides all of port 139)", got)
	}
}

// TestExclusionsLintWithData: with --data, lint adds never-matched (an
// exclusion no event matched) and suppresses-most (one that hides more than
// half of a rule's findings).
func TestExclusionsLintWithData(t *testing.T) {
	dir := writeScenarioInputs(t)
	ex := filepath.Join(t.TempDir(), "ex.yaml")
	os.WriteFile(ex, []byte(`exclusions:
  - id: most
    rules: ["`+seedRuleID+`"]
    when: device.name == "host1" and process.company contains "CloudBerry" and url == "RM.MSPBACKUPS.COM"
    owner: soc@example.com
    reason: test
    expires: 2027-01-31
  - id: none
    rules: ["`+seedRuleID+`"]
    when: device.name == "host2" and process.name == "cbb.exe"
    owner: soc@example.com
    reason: test
    expires: 2027-01-31
`), 0o644)
	code, out, errs := run(t, "exclusions", "lint", "--now", "2026-03-08T00:00:00Z", "--data", dir, ex)
	if code != 0 {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`ex\.yaml:2:5: warning suppresses-most \[most\]: suppresses 8 of the 8 findings`),
		regexp.MustCompile(`ex\.yaml:8:5: warning never-matched \[none\]: matched no event`),
	} {
		if !want.MatchString(out) {
			t.Errorf("lint --data lacks %s:\n%s", want, out)
		}
	}
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// TestHostFieldsInEngine runs the KQL that url and destination.domain
// translate to through the engine, over RemoteUrl forms, so that the
// engine's answer and exclusions.HostOf agree.
func TestHostFieldsInEngine(t *testing.T) {
	tab, _ := schema.Lookup("DeviceNetworkEvents")
	var cols []types.Column
	for _, c := range tab.Columns {
		typ, _ := types.ParseType(c.Type)
		cols = append(cols, types.Column{Name: c.Name, Type: typ})
	}
	urls := []string{"cloudberry.com", "CloudBerry.COM", "cloudberry.com.", "https://cloudberry.com:443/path?q=1",
		"http://user:pw@cloudberry.com./x", "cloudberry.com:8080", "www.cloudberry.com", "cloudberry.com.evil.example",
		"https://evil.example/cloudberry.com", "", "rm.mspbackups.com", "https://eu.rm.mspbackups.com/api"}
	for _, tt := range []struct {
		when string
		want []string // the urls it matches
	}{
		{`url == "cloudberry.com"`, []string{"cloudberry.com", "CloudBerry.COM", "cloudberry.com.", "https://cloudberry.com:443/path?q=1", "http://user:pw@cloudberry.com./x", "cloudberry.com:8080"}},
		{`destination.domain in ("CLOUDBERRY.com", "rm.mspbackups.com")`, []string{"cloudberry.com", "CloudBerry.COM", "cloudberry.com.", "https://cloudberry.com:443/path?q=1", "http://user:pw@cloudberry.com./x", "cloudberry.com:8080", "rm.mspbackups.com"}},
		{`url endswith ".mspbackups.com"`, []string{"rm.mspbackups.com", "https://eu.rm.mspbackups.com/api"}},
		{`url endswith "cloudberry.com"`, []string{"cloudberry.com", "CloudBerry.COM", "cloudberry.com.", "https://cloudberry.com:443/path?q=1", "http://user:pw@cloudberry.com./x", "cloudberry.com:8080", "www.cloudberry.com"}},
		{`RemoteUrl == "cloudberry.com"`, []string{"cloudberry.com", "CloudBerry.COM"}},
		{`destination.url contains "cloudberry.com"`, []string{"cloudberry.com", "CloudBerry.COM", "cloudberry.com.", "https://cloudberry.com:443/path?q=1", "http://user:pw@cloudberry.com./x", "cloudberry.com:8080", "www.cloudberry.com", "cloudberry.com.evil.example", "https://evil.example/cloudberry.com"}},
		{`not url == "cloudberry.com"`, []string{"www.cloudberry.com", "cloudberry.com.evil.example", "https://evil.example/cloudberry.com", "", "rm.mspbackups.com", "https://eu.rm.mspbackups.com/api"}},
	} {
		e, err := exclusions.ParseWhen(tt.when)
		if err != nil {
			t.Fatal(err)
		}
		c, err := (&exclusions.Exclusion{ID: "t", When: e}).Compile("DeviceNetworkEvents", exclusions.ProjectSchema{})
		if err != nil {
			t.Fatal(err)
		}
		pred, err := engine.CompilePredicate(c.KQL, cols, engine.Options{})
		if err != nil {
			t.Fatalf("%s: %s: %v", tt.when, c.KQL, err)
		}
		var got []string
		for _, u := range urls {
			row := make(types.Row, len(cols))
			for i, col := range cols {
				row[i] = types.Null(col.Type)
			}
			row[tab.Index("RemoteUrl")] = types.NewString(u)
			ok, err := pred(row)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				got = append(got, u)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s matches\n  %q\nwant\n  %q", tt.when, got, tt.want)
		}
	}
}
