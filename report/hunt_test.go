package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

func str(s string) types.Value { return types.NewString(s) }

func dyn(xs ...any) types.Value { return types.NewDynamic(xs) }

func cols(names ...string) []types.Column {
	out := make([]types.Column, len(names))
	for i, n := range names {
		out[i] = types.Column{Name: n, Type: types.String}
	}
	return out
}

func TestEntities(t *testing.T) {
	mapped := &rules.Rule{EntityMappings: []rules.EntityMapping{
		{EntityType: "host", FieldMappings: []rules.FieldMapping{{Identifier: "HostName", ColumnName: "DeviceName"}}},
		{EntityType: "Process", FieldMappings: []rules.FieldMapping{{Identifier: "ProcessName", ColumnName: "FileName"}}},
	}}
	cases := []struct {
		name string
		rule *rules.Rule
		cols []string
		row  types.Row
		want string
	}{
		{"well-known network row", &rules.Rule{},
			[]string{"DeviceId", "DeviceName", "RemoteUrl", "RemoteIP", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessAccountName"},
			types.Row{str("d1"), str("wks-1"), str("https://rm.mspbackups.com/x"), str("203.0.113.7"), str("cbb.exe"), str(`cbb.exe -s`), str("system")},
			`Host{HostName=wks-1 MdatpDeviceId=d1} Account{Name=system} Process{ProcessName=cbb.exe CommandLine=cbb.exe -s} IP{Address=203.0.113.7} URL{Url=https://rm.mspbackups.com/x}`},
		{"mapping wins for its kinds and takes companions; arrays expand", mapped,
			[]string{"DeviceId", "DeviceName", "FileName", "CommandLines", "AccountName", "FolderPath"},
			types.Row{str("d1"), str("wks-1"), str("AnyDesk.exe"), dyn("a.exe --x", "a.exe --y"), str("bob"), str(`C:\a.exe`)},
			`Host{HostName=wks-1 MdatpDeviceId=d1} Process{ProcessName=AnyDesk.exe CommandLine=a.exe --x FolderPath=C:\a.exe} Process{ProcessName=AnyDesk.exe CommandLine=a.exe --y FolderPath=C:\a.exe} Account{Name=bob}`},
		{"FileName alone is not a process; hashes are FileHash", &rules.Rule{},
			[]string{"DeviceName", "FileName", "SHA1s"},
			types.Row{str("wks-1"), str("x.dll"), dyn("aa", "bb")},
			`Host{HostName=wks-1} FileHash{Value=aa Algorithm=SHA1} FileHash{Value=bb Algorithm=SHA1}`},
		{"empty and null values give no entity", &rules.Rule{},
			[]string{"DeviceName", "RemoteUrl", "AccountName"},
			types.Row{str(""), types.Null(types.String), str("")},
			``},
		{"duplicates are dropped", &rules.Rule{},
			[]string{"RemoteUrls"},
			types.Row{dyn("a.com", "a.com", "b.com")},
			`URL{Url=a.com} URL{Url=b.com}`},
		{"a mapping to a missing column gives nothing, and blocks the well-known kind", mapped,
			[]string{"Computer"},
			types.Row{str("srv")},
			``},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var parts []string
			for _, e := range Entities(c.rule, cols(c.cols...), c.row) {
				var fs []string
				for _, f := range e.Fields {
					fs = append(fs, f.Name+"="+f.Value)
				}
				parts = append(parts, e.Kind+"{"+strings.Join(fs, " ")+"}")
			}
			if got := strings.Join(parts, " "); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestTextTableFit(t *testing.T) {
	long := strings.Repeat("x", 80)
	tab := Table{Columns: cols("A", "Long", "B"), Rows: []types.Row{{str("a"), str(long), str("bbbbbbbbbbbb")}}}
	cases := []struct {
		name       string
		opts       TableOptions
		maxLine    int
		wantElided bool
	}{
		{"wide", TableOptions{}, 1 + 2 + 80 + 2 + 12, false},
		{"elided at 48", TableOptions{MaxWidth: 48}, 1 + 2 + 48 + 2 + 12, true},
		{"fitted to 40", TableOptions{MaxWidth: 48, FitWidth: 40}, 40, true},
		{"cannot go below MinColumn", TableOptions{MaxWidth: 48, FitWidth: 5}, 1 + 2 + MinColumn + 2 + MinColumn, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, el, _ := FitTable(tab, c.opts)
			if el != c.wantElided {
				t.Errorf("elided %v, want %v", el, c.wantElided)
			}
			for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
				if n := utf8.RuneCountInString(strings.TrimRight(line, " ")); n > c.maxLine {
					t.Errorf("line of %d > %d: %q", n, c.maxLine, line)
				}
			}
		})
	}
}

func TestFitTableHides(t *testing.T) {
	tab := Table{Columns: cols("DeviceName", "DeviceId", "RemoteUrl", "Count"), Rows: []types.Row{{str("wks-1.corp"), str(strings.Repeat("a", 40)), str(strings.Repeat("u", 40)), str("3")}}}
	prio := func(c string) int {
		switch c {
		case "DeviceName", "Count":
			return KeepColumn
		case "DeviceId":
			return 0
		}
		return 1
	}
	cases := []struct {
		width  int
		hidden string
	}{
		{200, ""},
		{60, "DeviceId"},
		{30, "DeviceId,RemoteUrl"},
		{5, "DeviceId,RemoteUrl"}, // kept columns stay even when they cannot fit
	}
	for _, c := range cases {
		text, _, hidden := FitTable(tab, TableOptions{MaxWidth: 48, FitWidth: c.width, Priority: prio})
		if got := strings.Join(hidden, ","); got != c.hidden {
			t.Errorf("width %d: hidden %q, want %q\n%s", c.width, got, c.hidden, text)
		}
		for _, h := range hidden {
			if strings.Contains(text, h) {
				t.Errorf("width %d: hidden column %s still shown", c.width, h)
			}
		}
	}
}

func sampleHunt() *Hunt {
	r := &rules.Rule{ID: "r1", Name: "Rule <one>", Severity: "High", Tool: "AnyDesk", File: "r1.yaml"}
	low := &rules.Rule{ID: "r2", Name: "Rule two", Severity: "Low", File: "r2.yaml"}
	c := []types.Column{{Name: "DeviceName", Type: types.String}, {Name: "FirstSeen", Type: types.DateTime}, {Name: "Count", Type: types.Long}, {Name: "ProcessCommandLine", Type: types.String}, {Name: "ProcessId", Type: types.Long}, {Name: "FileName", Type: types.String}}
	t0 := types.TicksFromTime(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	mk := func(rule *Rule, dev, cmd string, tool string) *Finding {
		row := types.Row{str(dev), types.NewDateTime(t0), types.NewLong(3), str(cmd), types.NewLong(42), str("a.exe")}
		return &Finding{Rule: rule, Tool: tool, Columns: c, Row: row, Entities: Entities(rule, c, row)}
	}
	h := &Hunt{
		Findings:   []*Finding{mk(r, "wks-1", `a.exe "--x"`, "AnyDesk"), mk(r, "wks-2", strings.Repeat("y", 70), "AnyDesk"), mk(low, "wks-1", "z", "")},
		Suppressed: []*Finding{mk(r, "srv-1", "b.exe", "AnyDesk")},
		Summary: Summary{Now: t0, RulesRun: 2, Inputs: []InputSummary{{File: "a.jsonl", Format: "jsonl", Records: 10,
			Tables: []TableSummary{{Name: "DeviceProcessEvents", Rows: 10, HasTime: true, First: t0, Last: t0 + 3600*types.TicksPerSecond}}}}},
	}
	h.Suppressed[0].SuppressedBy = []ExclusionRef{{ID: "ex-1", Owner: "soc", Reason: "backup", Expires: "2026-12-31", File: "ex.yaml", Line: 3}}
	h.Manifest = Manifest{Tool: "rmmhunt", Version: "test", Now: t0, RulePack: RulePack{Sources: []string{"builtin"}, Rules: 2, SHA256: "abc"},
		Counts: Counts{Records: 10}, Timing: Timing{Started: time.Unix(0, 0), Finished: time.Unix(2, 0)}}
	return h
}

// Rule is an alias so sampleHunt reads well.
type Rule = rules.Rule

func TestWriteHuntText(t *testing.T) {
	h := sampleHunt()
	var plain, color bytes.Buffer
	if err := WriteHuntText(&plain, h, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	WriteHuntText(&color, h, TextOptions{Color: true, Width: 60})
	p := plain.String()
	for _, want := range []string{"== HIGH · AnyDesk · Rule <one> · 2 findings", "== LOW · Rule two · 1 finding", "1 finding suppressed by 1 exclusion:",
		"ex-1", "Summary", "DeviceProcessEvents", "10 rows", "time range", "rules       2 run, 0 failed", "findings    3 on 2 devices (no tool 1, AnyDesk 2)",
		"suppressed  1 by 1 exclusion (ex-1)", "elapsed     2.00 s, 5 rows/s", "--wide"} {
		if !strings.Contains(p, want) {
			t.Errorf("plain report lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "\x1b[") {
		t.Errorf("plain report has ANSI escapes")
	}
	cs := color.String()
	if !strings.Contains(cs, "\x1b[1;31mHIGH\x1b[0m") || !strings.Contains(cs, "\x1b[36mLOW\x1b[0m") {
		t.Errorf("coloured report lacks severity colours:\n%q", cs)
	}
	var wide bytes.Buffer
	WriteHuntText(&wide, h, TextOptions{Wide: true})
	if !strings.Contains(wide.String(), strings.Repeat("y", 70)) || strings.Contains(wide.String(), "--wide") {
		t.Errorf("--wide elided a value or hinted at --wide")
	}
}

func TestWriteHuntJSON(t *testing.T) {
	h := sampleHunt()
	var b bytes.Buffer
	if err := WriteHuntJSON(&b, h); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b.String())
	}
	for _, k := range []string{"findings", "suppressed", "summary", "lint", "manifest"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	out := b.String()
	for _, want := range []string{`"entities":[{"kind":"Host","HostName":"wks-1"},{"kind":"Process","ProcessName":"a.exe","CommandLine":"a.exe \"--x\"","ProcessId":"42"}]`,
		`"exclusions":["ex-1"],"suppressed_by":[{"id":"ex-1","owner":"soc","reason":"backup","expires":"2026-12-31","file":"ex.yaml","line":3}]`,
		`"timing":{"started":"1970-01-01T00:00:00Z","finished":"1970-01-01T00:00:02Z","elapsed_seconds":2.000,"rows_per_second":5}`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s\n%s", want, out)
		}
	}
	// Timing lives in one place: nothing else changes with the clock.
	h2 := sampleHunt()
	h2.Manifest.Timing = Timing{Started: time.Unix(100, 0), Finished: time.Unix(500, 0)}
	var b2 bytes.Buffer
	WriteHuntJSON(&b2, h2)
	strip := regexp.MustCompile(`"timing":\{[^}]*\}`)
	if strip.ReplaceAllString(out, "") != strip.ReplaceAllString(b2.String(), "") {
		t.Errorf("outputs differ outside timing")
	}
}

func TestWriteHuntHTML(t *testing.T) {
	h := sampleHunt()
	var b bytes.Buffer
	if err := WriteHuntHTML(&b, h); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"Rule &lt;one&gt;", `a.exe &#34;--x&#34;`, "<svg ", `<text class="dev"`, "ex-1", "backup", "2026-12-31", "sha256 abc"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(page, "Rule <one>") {
		t.Errorf("rule name not escaped")
	}
}

// FuzzHuntHTML: whatever the data holds, it adds no element to the page
// (html/template escapes it as text in every context it appears in).
func FuzzHuntHTML(f *testing.F) {
	for _, s := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `javascript:alert(1)`, `</style><style>@import url(http://x)</style>`,
		`]]><svg onload=alert(1)>`, "\x00<\u2028>", `{{.}}`, `' onmouseover='x`} {
		f.Add(s, s, s)
	}
	render := func(t *testing.T, dev, cmd, reason string) string {
		h := sampleHunt()
		h.Findings[0].Row[0] = str(dev)
		h.Findings[0].Row[3] = str(cmd)
		h.Findings[0].Entities = Entities(h.Findings[0].Rule, h.Findings[0].Columns, h.Findings[0].Row)
		h.Suppressed[0].SuppressedBy[0].Reason = reason
		h.Summary.Notes = []string{cmd}
		var b bytes.Buffer
		if err := WriteHuntHTML(&b, h); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	harmless := func(s string) string { return strings.Map(func(rune) rune { return 'a' }, s) }
	f.Fuzz(func(t *testing.T, dev, cmd, reason string) {
		if !utf8.ValidString(dev + cmd + reason) {
			return
		}
		page := render(t, dev, cmd, reason)
		// Escaped data adds no "<": the page has exactly as many as the
		// page made from harmless values of the same shape.
		if got, want := strings.Count(page, "<"), strings.Count(render(t, harmless(dev), harmless(cmd), harmless(reason)), "<"); got != want {
			t.Errorf("data added %d tags", got-want)
		}
		for _, bad := range []string{"<script", "<img", "<iframe", "<svg onload", "<style><"} {
			if strings.Contains(strings.ToLower(page), bad) {
				t.Errorf("page contains %q", bad)
			}
		}
	})
}

// TestWriteHuntCSV: rmmhunt's own columns carry the rmmhunt_ prefix (so a
// rule's Tool column and ours are distinct), a rule column named like ours
// wins and ours takes a suffix, and sanctioned findings are marked.
func TestWriteHuntCSV(t *testing.T) {
	r := &rules.Rule{ID: "r1", Name: "Rule one", Severity: "High", Tool: "AnyDesk"}
	c := cols("DeviceName", "Tool", "RMMHUNT_SEVERITY")
	h := &Hunt{Findings: []*Finding{
		{Rule: r, Tool: "AnyDesk", Columns: c, Row: types.Row{str("wks-1"), str("AnyDesk (rule)"), str("rule's own")}},
		{Rule: r, Tool: "AnyDesk", Columns: c, Row: types.Row{str("helpdesk-1"), str("AnyDesk"), str("x")}, Sanctioned: &Sanction{Tool: "AnyDesk"}},
	}}
	var b bytes.Buffer
	if err := WriteHuntCSV(&b, h); err != nil {
		t.Fatal(err)
	}
	want := "rmmhunt_rule_id,rmmhunt_rule_name,rmmhunt_severity_,rmmhunt_tool,rmmhunt_sanctioned,DeviceName,Tool,RMMHUNT_SEVERITY\n" +
		"r1,Rule one,High,AnyDesk,False,wks-1,AnyDesk (rule),rule's own\n" +
		"r1,Rule one,High,AnyDesk,True,helpdesk-1,AnyDesk,x\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestHiddenNote: the note naming the columns left out is dimmed with
// colour on, plain without, and absent when nothing was left out.
func TestHiddenNote(t *testing.T) {
	for _, tc := range []struct {
		hidden []string
		color  bool
		want   string
	}{
		{nil, true, ""},
		{[]string{"A", "B"}, false, "(not shown to fit the screen: A, B)\n"},
		{[]string{"A"}, true, ansiDim + "(not shown to fit the screen: A)" + ansiReset + "\n"},
	} {
		if got := hiddenNote(tc.hidden, styler(tc.color)); got != tc.want {
			t.Errorf("hiddenNote(%q, %v) = %q, want %q", tc.hidden, tc.color, got, tc.want)
		}
	}
}
