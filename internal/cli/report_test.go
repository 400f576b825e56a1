package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// Reports carry their start and end time in manifest.timing; the tests pin
// the hunt's clock so that golden outputs are byte-identical.
func init() {
	huntClock = func() time.Time { return time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC) }
}

// external matches anything that would make a page load a resource: a
// src/href/xlink:href/action to a URL with a scheme or a protocol-relative
// URL, @import, url(...) in CSS, and scripts.
var external = regexp.MustCompile(`(?i)((src|href|action|srcset|poster|data)\s*=\s*["']?\s*(https?:|//|ftp:|file:))|@import|url\s*\(|<script|<link\b|<iframe|<object|<embed`)

// TestHuntHTMLIncident renders the example incident's HTML report and
// checks its sections, that it loads nothing from outside, and what the
// timeline, findings and manifest show.
func TestHuntHTMLIncident(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.html")
	code, stdout, errs := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--format", "html", "-o", out, "examples/incident/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if stdout != "" {
		t.Errorf("html with -o wrote to stdout: %q", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		`<section id="summary">`, `<section id="timeline">`, `<section id="findings">`,
		`<section id="suppressed">`, `<section id="lint">`, `<section id="manifest">`,
		"<svg ", "<details class=\"f\">", "Raw result", "Entities",
		"wks-ber-5491.corp.contoso.com", "wks-syd-4091.corp.contoso.com", "wks-ber-2493.corp.contoso.com",
		"MSP360 - network connection to tool domains", "AnyDesk - process of the tool",
		"2026-03-08T00:00:00.0000000Z", "examples/incident/DeviceNetworkEvents.jsonl",
		"0.1.0-dev", // version
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if m := external.FindString(page); m != "" {
		t.Errorf("report loads an external resource or runs a script: %q", m)
	}
	// Every input file's SHA-256 is in the manifest.
	for _, f := range []string{"DeviceNetworkEvents.jsonl", "DeviceProcessEvents.jsonl", "DeviceFileCertificateInfo.jsonl"} {
		d := hashOf(t, filepath.Join(testutil.RepoRoot(), "examples", "incident", f))
		if !strings.Contains(page, d) {
			t.Errorf("manifest lacks the sha256 of %s (%s)", f, d)
		}
	}
	// One timeline lane label per device with findings.
	if n := strings.Count(page, `<text class="dev"`); n != 5 {
		t.Errorf("timeline has %d device labels, want 5", n)
	}
	if n := strings.Count(page, `<details class="f">`); n != 32 {
		t.Errorf("report has %d finding rows, want 32", n)
	}
}

func hashOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestHuntHTMLEscaping: values from the data — a command line with a
// script and an attribute break-out, a hostile device name, an exclusion
// reason — show as text, in findings, entities, the timeline and the
// suppressed list.
func TestHuntHTMLEscaping(t *testing.T) {
	dir := t.TempDir()
	hostile := `"><img src=x onerror=alert(1)><script>alert(2)</script>`
	dev := `<b onmouseover=alert(3)>evil</b>.corp`
	var lines []string
	for i, d := range []string{dev, "plain-01"} {
		rec := map[string]any{
			"Timestamp": "2026-03-0" + string(rune('2'+i)) + "T10:00:00Z", "DeviceId": "id" + string(rune('a'+i)), "DeviceName": d,
			"AccountName": "u'ser\"", "FileName": "AnyDesk.exe", "FolderPath": `C:\AnyDesk\AnyDesk.exe`,
			"ProcessVersionInfoCompanyName": "AnyDesk Software GmbH", "ProcessVersionInfoProductName": "AnyDesk",
			"ProcessCommandLine": hostile, "ReportId": 7 + i, "SHA256": "<svg onload=alert(4)>",
		}
		b, _ := json.Marshal(rec)
		lines = append(lines, string(b))
	}
	os.WriteFile(filepath.Join(dir, "DeviceProcessEvents.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	var net []string
	for _, d := range []string{dev, "plain-01"} {
		rec := map[string]any{
			"Timestamp": "2026-03-05T10:00:00Z", "DeviceId": "id-" + d, "DeviceName": d, "RemoteIP": "203.0.113.9", "RemotePort": 443,
			"RemoteUrl": "rm.mspbackups.com/" + hostile, "InitiatingProcessFileName": "cbb.exe",
			"InitiatingProcessVersionInfoCompanyName": "MSP360", "ReportId": 70,
		}
		b, _ := json.Marshal(rec)
		net = append(net, string(b))
	}
	os.WriteFile(filepath.Join(dir, "DeviceNetworkEvents.jsonl"), []byte(strings.Join(net, "\n")+"\n"), 0o644)
	ex := filepath.Join(t.TempDir(), "ex.yaml")
	os.WriteFile(ex, []byte(`exclusions:
  - id: plain-device
    rules: ["3a4d43d5-2326-467c-a22a-4f1f1f3e2890"]
    when: device.name == "plain-01" and process.name == "cbb.exe"
    owner: "<i>owner</i>"
    reason: "</td><script>alert(5)</script>"
    expires: 2027-01-31
`), 0o644)
	out := filepath.Join(t.TempDir(), "r.html")
	code, _, errs := run(t, "hunt", "--rules", "rules/builtin/catalog/anydesk/anydesk_createproc.yaml", "--rules", "rules/builtin/seed",
		"--now", "2026-03-08T00:00:00Z", "--exclusions", ex, "--format", "html", "-o", out, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, _ := os.ReadFile(out)
	page := string(b)
	for _, bad := range []string{"<img", "<script", "<b onmouseover", "<svg onload", "<i>owner", "</td><script"} {
		if strings.Contains(page, bad) {
			t.Errorf("hostile value rendered as markup: %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(2)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;b onmouseover=alert(3)&gt;evil&lt;/b&gt;.corp",
		"&lt;i&gt;owner&lt;/i&gt;", "&lt;/td&gt;&lt;script&gt;alert(5)", "plain-device", "2027-01-31"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks the escaped text %q", want)
		}
	}
	if m := external.FindString(page); m != "" {
		t.Errorf("report loads an external resource or runs a script: %q", m)
	}
}

// TestHuntJSONStable: two runs give byte-identical JSON once the timing
// member is taken out; findings carry typed entities and the manifest
// hashes the inputs.
func TestHuntJSONStable(t *testing.T) {
	saved := huntClock
	defer func() { huntClock = saved }()
	huntClock = time.Now
	var outs []string
	for i := 0; i < 2; i++ {
		code, out, errs := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--format", "json", "--workers", []string{"1", "4"}[i], "examples/incident/")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		outs = append(outs, regexp.MustCompile(`"timing":\{[^}]*\}`).ReplaceAllString(out, `"timing":{}`))
	}
	if outs[0] != outs[1] {
		t.Errorf("two runs differ beyond timing")
	}
	var doc struct {
		Findings []struct {
			Entities []map[string]string `json:"entities"`
		} `json:"findings"`
		Manifest struct {
			Inputs []struct {
				Path   string `json:"path"`
				SHA256 string `json:"sha256"`
			} `json:"inputs"`
			Timing map[string]any `json:"timing"`
		} `json:"manifest"`
	}
	if err := json.Unmarshal([]byte(outs[0]), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Manifest.Inputs) != 4 {
		t.Errorf("manifest inputs: %+v", doc.Manifest.Inputs)
	}
	kinds := map[string]bool{}
	for _, f := range doc.Findings {
		for _, e := range f.Entities {
			kinds[e["kind"]] = true
		}
	}
	for _, k := range []string{"Host", "Account", "Process", "URL", "DNS", "FileHash"} {
		if !kinds[k] {
			t.Errorf("no %s entity in the incident's findings (kinds: %v)", k, kinds)
		}
	}
}

// TestProgressLine checks the progress line's pieces.
func TestProgressLine(t *testing.T) {
	cases := []struct {
		p     ingest.Progress
		pass  int
		done  int64
		want  []string
		avoid []string
	}{
		{ingest.Progress{BytesRead: 512 << 20, TotalBytes: 2 << 30, Records: 1000000}, 1, 0, []string{"512.0 MiB of 2.0 GiB (25%)", "1000000 rows", "500000 rows/s", "ETA 6s"}, []string{"pass"}},
		{ingest.Progress{BytesRead: 3000, Records: 10}, 1, 0, []string{"2.9 KiB", "10 rows"}, []string{"ETA", " of "}},
		{ingest.Progress{BytesRead: 10, TotalBytes: 100, Records: 5}, 2, 100, []string{"pass 2", "105 rows"}, nil},
	}
	for _, c := range cases {
		got := progressLine(c.p, c.pass, c.done, 2*time.Second, 2*time.Second)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q lacks %q", got, w)
			}
		}
		for _, a := range c.avoid {
			if strings.Contains(got, a) {
				t.Errorf("%q has %q", got, a)
			}
		}
	}
}

// TestProgressOnlyOnTerminal: progress is off when stderr is not a
// terminal and with --quiet.
func TestProgressOnlyOnTerminal(t *testing.T) {
	for _, c := range []struct {
		term, quiet, want bool
	}{{false, false, false}, {true, true, false}, {true, false, true}} {
		p := newProgress(&Streams{ErrTerminal: c.term}, c.quiet)
		if (p.hook() != nil) != c.want {
			t.Errorf("terminal %v quiet %v: hook set %v", c.term, c.quiet, p.hook() != nil)
		}
	}
}

// TestHuntTerminal: on a terminal the report is coloured and its tables fit
// the screen; piped, it is plain.
func TestHuntTerminal(t *testing.T) {
	var out, errb bytes.Buffer
	wd, _ := os.Getwd()
	os.Chdir(testutil.RepoRoot())
	defer os.Chdir(wd)
	t.Setenv("NO_COLOR", "")
	s := &Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTerminal: true, Width: 100}
	if code := Main([]string{"hunt", "--now", "2026-03-08T00:00:00Z", "examples/incident/"}, s); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := out.String()
	if !strings.Contains(text, "\x1b[1;33mMEDIUM\x1b[0m") {
		t.Errorf("no colour on a terminal:\n%s", text)
	}
	if !strings.Contains(text, "not shown to fit the screen: ") {
		t.Errorf("no hidden-column note at width 100")
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "==") || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "(") || strings.Contains(line, "\x1b[") {
			continue // headings, summary and notes may wrap
		}
		if n := utf8.RuneCountInString(strings.TrimRight(line, " ")); n > 100 {
			t.Errorf("table line of %d characters on a 100-column screen: %q", n, line)
		}
	}
	_, piped, _ := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "examples/incident/")
	if strings.Contains(piped, "\x1b[") {
		t.Errorf("colour when piped")
	}
	// --wide: nothing elided or hidden, on a terminal or piped; every value
	// of the JSON report appears in full.
	out.Reset()
	if code := Main([]string{"hunt", "--wide", "--now", "2026-03-08T00:00:00Z", "examples/incident/"}, s); code != 0 {
		t.Fatalf("--wide: exit %d", code)
	}
	_, wide, _ := run(t, "hunt", "--wide", "--now", "2026-03-08T00:00:00Z", "examples/incident/")
	_, js, _ := run(t, "hunt", "--format", "json", "--now", "2026-03-08T00:00:00Z", "examples/incident/")
	var doc struct {
		Findings []struct{ Row map[string]any }
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	longest := ""
	for _, f := range doc.Findings {
		for _, v := range f.Row {
			if s, ok := v.(string); ok && len(s) > len(longest) {
				longest = s
			}
		}
	}
	if utf8.RuneCountInString(longest) <= 48 || !strings.Contains(piped, "…") {
		t.Fatalf("the incident has no value long enough to be elided (%q)", longest)
	}
	for name, text := range map[string]string{"terminal": out.String(), "piped": wide} {
		if strings.Contains(text, "…") || strings.Contains(text, "not shown to fit") || strings.Contains(text, "--wide") {
			t.Errorf("--wide (%s) elided or hid something", name)
		}
		if !strings.Contains(text, longest) {
			t.Errorf("--wide (%s) lacks the longest value %q", name, longest)
		}
	}
}

// TestHostileTerminalOutput: control characters and bidi overrides in the
// data (device names, URLs, a rejected record, a file name) reach neither
// the piped table nor standard error raw; JSON keeps them exactly.
func TestHostileTerminalOutput(t *testing.T) {
	dir := t.TempDir()
	dev := "\x1b]0;owned\x07wks\u202e-1"
	url := "rm.mspbackups.com/\x1b[2J\rFAKE"
	b, _ := json.Marshal(map[string]any{"Timestamp": "2026-03-05T10:00:00Z", "DeviceId": "d1", "DeviceName": dev, "RemoteIP": "203.0.113.9",
		"RemotePort": 443, "RemoteUrl": url, "InitiatingProcessFileName": "cbb.exe", "InitiatingProcessVersionInfoCompanyName": "MSP360", "ReportId": 1})
	bad := `{"Timestamp": "not a time \u001b[31m", "DeviceName": "x"` + "\n"
	os.WriteFile(filepath.Join(dir, "DeviceNetworkEvents\x1b[1m.jsonl"), append(append(b, '\n'), bad...), 0o644)
	code, out, errs := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--rules", "rules/builtin/seed", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for name, text := range map[string]string{"stdout": out, "stderr": errs} {
		for _, r := range text {
			if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x202e) {
				t.Errorf("%s prints %U raw:\n%q", name, r, text)
				break
			}
		}
	}
	if !strings.Contains(out, `\x1b]0;owned\x07wks\u202e-1`) || !strings.Contains(out, `rm.mspbackups.com/\x1b[2J\rFAKE`) {
		t.Errorf("table lacks the visible escapes:\n%s", out)
	}
	if !strings.Contains(errs, `DeviceNetworkEvents\x1b[1m.jsonl`) {
		t.Errorf("the rejection warning lacks the escaped file name:\n%s", errs)
	}
	code, out, errs = run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--rules", "rules/builtin/seed", "--format", "json", dir)
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var doc struct {
		Findings []struct{ Row map[string]any }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 1 || doc.Findings[0].Row["DeviceName"] != dev || doc.Findings[0].Row["RemoteUrl"] != url {
		t.Errorf("JSON does not keep the values exactly: %+v", doc.Findings)
	}
}

// TestProgressShown runs hunt and query with standard error on a terminal:
// progress shows there (and its line is cleared at the end), never on
// standard output; --quiet or a piped stderr silences it.
func TestProgressShown(t *testing.T) {
	savedDelay, savedEvery := progressDelay, progressEvery
	progressDelay, progressEvery = 0, time.Millisecond
	defer func() { progressDelay, progressEvery = savedDelay, savedEvery }()
	wd, _ := os.Getwd()
	os.Chdir(testutil.RepoRoot())
	defer os.Chdir(wd)
	for _, args := range [][]string{
		{"hunt", "--now", "2026-03-08T00:00:00Z", "--rules", "rules/builtin/seed", "examples/incident/"},
		{"query", "DeviceNetworkEvents | summarize count() by DeviceName", "examples/incident/"},
	} {
		for _, c := range []struct {
			term, quiet, want bool
		}{{true, false, true}, {true, true, false}, {false, false, false}} {
			a := args
			if c.quiet {
				a = append([]string{args[0], "--quiet"}, args[1:]...)
			}
			var out, errb bytes.Buffer
			code := Main(a, &Streams{In: strings.NewReader(""), Out: &out, Err: &errb, ErrTerminal: c.term, Width: 120})
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", a, code, errb.String())
			}
			shown := strings.Contains(errb.String(), "\r\x1b[Kreading")
			if shown != c.want {
				t.Errorf("%v terminal=%v: progress shown %v, want %v:\n%q", a, c.term, shown, c.want, errb.String())
			}
			if shown && !strings.Contains(errb.String(), " rows") {
				t.Errorf("%v: progress line without rows: %q", a, errb.String())
			}
			if strings.Contains(out.String(), "reading") || strings.Contains(out.String(), "\r") {
				t.Errorf("%v: progress on standard output", a)
			}
		}
	}
}

// TestHuntOrdering: findings come in report order — sanctioned last, then
// severity (High first), rule name, rule id, device, first seen — in the JSON
// and, group by group, in the terminal table.
func TestHuntOrdering(t *testing.T) {
	sanctioned := filepath.Join(t.TempDir(), "sanctioned.yaml")
	os.WriteFile(sanctioned, []byte("sanctioned:\n  - tool: AnyDesk\n    owner: it@example.com\n    reason: helpdesk\n"), 0o644)
	code, out, errs := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--format", "json", "--sanctioned", sanctioned, "examples/incident/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Findings []struct {
			Rule       struct{ ID, Name, Severity string }
			Sanctioned *struct{ Tool string }
			Row        map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{"High": 0, "Medium": 1, "Low": 2, "Informational": 3}
	type key struct {
		sanctioned          bool
		sev                 int
		name, id, dev, time string
	}
	keyOf := func(i int) key {
		f := doc.Findings[i]
		sev, ok := rank[f.Rule.Severity]
		if !ok {
			sev = 4
		}
		first := toString(f.Row["FirstSeen"])
		if first == "null" || first == "" {
			first = toString(f.Row["Timestamp"])
		}
		return key{f.Sanctioned != nil, sev, f.Rule.Name, f.Rule.ID, toString(f.Row["DeviceName"]), first}
	}
	less := func(a, b key) bool {
		switch {
		case a.sanctioned != b.sanctioned:
			return !a.sanctioned
		case a.sev != b.sev:
			return a.sev < b.sev
		case a.name != b.name:
			return a.name < b.name
		case a.id != b.id:
			return a.id < b.id
		case a.dev != b.dev:
			return a.dev < b.dev
		}
		return a.time < b.time
	}
	sevs, devs, sanc := map[int]bool{}, map[string]bool{}, 0
	for i := range doc.Findings {
		k := keyOf(i)
		sevs[k.sev], devs[k.dev] = true, true
		if k.sanctioned {
			sanc++
		}
		if i > 0 && less(k, keyOf(i-1)) {
			t.Errorf("finding %d %+v comes after %+v", i, k, keyOf(i-1))
		}
	}
	// The incident exercises every key: several severities, devices, and
	// sanctioned findings.
	if len(sevs) < 2 || len(devs) < 3 || sanc == 0 || sanc == len(doc.Findings) {
		t.Errorf("the incident does not exercise the ordering: severities %v, devices %v, sanctioned %d of %d", sevs, devs, sanc, len(doc.Findings))
	}
	// The terminal report shows the groups in the same order.
	code, table, _ := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--sanctioned", sanctioned, "examples/incident/")
	if code != 0 {
		t.Fatal(code)
	}
	last := -1
	for i, f := range doc.Findings {
		if i > 0 && f.Rule.ID == doc.Findings[i-1].Rule.ID && (f.Sanctioned != nil) == (doc.Findings[i-1].Sanctioned != nil) {
			continue
		}
		at := strings.Index(table, " · "+f.Rule.Name+" · ")
		if at < 0 || at < last {
			t.Errorf("terminal group for %q at %d, after %d", f.Rule.Name, at, last)
		}
		last = at
	}
}

// TestHuntManifest: the JSON report's manifest records the version, --now,
// the rule pack and its hash, the exclusion and sanctioned files and every
// input with its size and SHA-256, the counts, and when the run started and
// ended.
func TestHuntManifest(t *testing.T) {
	sanctioned := filepath.Join(t.TempDir(), "sanctioned.yaml")
	os.WriteFile(sanctioned, []byte("sanctioned:\n  - tool: AnyDesk\n    owner: it@example.com\n    reason: helpdesk\n"), 0o644)
	code, out, errs := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--format", "json", "--exclusions", recommended,
		"--sanctioned", sanctioned, "examples/incident/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	type digest struct {
		Path   string
		Size   int64
		SHA256 string
	}
	var doc struct {
		Findings []json.RawMessage
		Manifest struct {
			Tool, Version, Now string
			RulePack           struct {
				Sources []string
				Rules   int
				SHA256  string
			} `json:"rule_pack"`
			Exclusions []digest
			Sanctioned *digest
			Inputs     []digest
			Counts     map[string]int
			Timing     struct{ Started, Finished string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Manifest
	if m.Tool != "rmmhunt" || m.Version != Version || m.Now != "2026-03-08T00:00:00.0000000Z" {
		t.Errorf("manifest head: %+v", m)
	}
	if len(m.RulePack.Sources) != 1 || m.RulePack.Sources[0] != "builtin" || m.RulePack.Rules < 500 || len(m.RulePack.SHA256) != 64 {
		t.Errorf("rule pack: %+v", m.RulePack)
	}
	check := func(what string, d digest, path string) {
		t.Helper()
		st, err := os.Stat(filepath.Join(testutil.RepoRoot(), path))
		if err != nil {
			t.Fatal(err)
		}
		if d.Path != path || d.Size != st.Size() || d.SHA256 != hashOf(t, filepath.Join(testutil.RepoRoot(), path)) {
			t.Errorf("%s digest %+v, want %s (%d bytes)", what, d, path, st.Size())
		}
	}
	if len(m.Exclusions) != 1 {
		t.Fatalf("exclusions: %+v", m.Exclusions)
	}
	check("exclusions", m.Exclusions[0], recommended)
	if m.Sanctioned == nil || m.Sanctioned.Path != sanctioned || len(m.Sanctioned.SHA256) != 64 {
		t.Errorf("sanctioned: %+v", m.Sanctioned)
	}
	want := map[string]bool{}
	for _, f := range []string{"DeviceFileCertificateInfo.jsonl", "DeviceNetworkEvents.jsonl", "DeviceProcessEvents.jsonl", "README.md"} {
		want["examples/incident/"+f] = true
	}
	for _, d := range m.Inputs {
		if !want[d.Path] {
			t.Errorf("unexpected input %s", d.Path)
			continue
		}
		delete(want, d.Path)
		check("input", d, d.Path)
	}
	if len(want) > 0 {
		t.Errorf("inputs missing from the manifest: %v", want)
	}
	if m.Counts["findings"] != len(doc.Findings) || m.Counts["records"] != 1310 || m.Counts["inputs"] != 4 || m.Counts["sanctioned"] == 0 || m.Counts["rules_run"] != m.RulePack.Rules {
		t.Errorf("counts: %v (findings %d)", m.Counts, len(doc.Findings))
	}
	if m.Timing.Started != "2026-03-08T00:00:00Z" || m.Timing.Finished != "2026-03-08T00:00:00Z" {
		t.Errorf("timing (pinned clock): %+v", m.Timing)
	}
}

// TestReportScreenshot runs the chromium command of `make
// report-screenshot` (taken from the Makefile, so the test follows it) on
// the example incident's HTML report and checks that it yields a PNG. It
// skips where chromium is not installed (Debian: apt-get install chromium).
func TestReportScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium is not installed (Debian: apt-get install chromium)")
	}
	mk, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	recipe := strings.ReplaceAll(string(mk), "\\\n", " ")
	i := strings.Index(recipe, "\nreport-screenshot:")
	if i < 0 {
		t.Fatal("the Makefile has no report-screenshot target")
	}
	var cmd string
	for _, l := range strings.Split(recipe[i+1:], "\n")[1:] {
		if !strings.HasPrefix(l, "\t") {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(l), "chromium ") {
			cmd = strings.TrimSpace(l)
		}
	}
	if cmd == "" || !strings.Contains(cmd, "file://$$(pwd)/report.html") || !strings.Contains(cmd, "--screenshot=report-screenshot.png") {
		t.Fatalf("unexpected report-screenshot recipe: %q", cmd)
	}
	dir := t.TempDir()
	html := filepath.Join(dir, "report.html")
	if code, _, errs := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--format", "html", "-o", html, "examples/incident/"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	cmd = strings.ReplaceAll(cmd, "$$", "$")
	c := exec.Command("sh", "-c", cmd)
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, "report-screenshot.png"))
	if err != nil || len(png) < 10000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("no screenshot (%d bytes, %v)", len(png), err)
	}
}
