package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// run executes rmmhunt with args from the repository root and returns exit
// code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	wd, _ := os.Getwd()
	if err := os.Chdir(testutil.RepoRoot()); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code := Main(args, &Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// seedEvent is one DeviceNetworkEvents record of the seed-rule test data.
type seedEvent struct {
	ts, device, url, company string
	report                   int
	nullURL                  bool
}

// The seed rule's window is now(-5d)..now() with now = 2026-03-08T00:00:00Z.
var seedEvents = []seedEvent{
	// the five domains in URL forms: bare, scheme, port, path, subdomain, upper case
	{"2026-03-07T10:00:00Z", "dev-a", "rm.mspbackups.com", "CloudBerry Lab", 1, false},
	{"2026-03-07T10:05:00Z", "dev-a", "https://client.rmm.mspbackups.com:443/api/v1", "CloudBerry Lab", 2, false},
	{"2026-03-07T10:06:00Z", "dev-a", "https://client.rmm.mspbackups.com:443/api/v1", "MSP360", 3, false},
	{"2026-03-06T01:00:00Z", "dev-b", "SETTINGS.SERVICES.MSPBACKUPS.COM", "Msp360, Inc.", 4, false},
	{"2026-03-06T02:00:00Z", "dev-b", "eu.connect.ra.msp360.com", "MSP360", 5, false},
	{"2026-03-06T03:00:00Z", "dev-b", "http://foris.cloudberrylab.com:8080", "CloudBerry Lab", 6, false},
	// window edges: both inclusive
	{"2026-03-03T00:00:00Z", "dev-c", "rm.mspbackups.com", "MSP360", 7, false},
	{"2026-03-08T00:00:00Z", "dev-c", "rm.mspbackups.com", "MSP360", 8, false},
	// just outside the window
	{"2026-03-02T23:59:59.9999999Z", "dev-d", "rm.mspbackups.com", "MSP360", 9, false},
	{"2026-03-08T00:00:00.0000001Z", "dev-d", "rm.mspbackups.com", "MSP360", 10, false},
	// near misses that must not match
	{"2026-03-07T11:00:00Z", "dev-e", "farm.mspbackups.com", "MSP360", 11, false},
	{"2026-03-07T11:01:00Z", "dev-e", "rm.mspbackups.community", "MSP360", 12, false},
	{"2026-03-07T11:02:00Z", "dev-e", "rm.mspbackups.com", "CloudBerryLab", 13, false},
	{"2026-03-07T11:03:00Z", "dev-e", "client.rmm.mspbackups.com.evil.example", "Contoso", 14, false},
	// empty and null RemoteUrl
	{"2026-03-07T11:04:00Z", "dev-e", "", "MSP360", 15, false},
	{"2026-03-07T11:05:00Z", "dev-e", "", "MSP360", 16, true},
}

// Expected result, worked out by hand from Kusto's has/has_any semantics:
// (DeviceName, RemoteUrl, Count, Report ids).
var seedWant = []string{
	"dev-a|rm.mspbackups.com|1|[1]",
	"dev-a|https://client.rmm.mspbackups.com:443/api/v1|2|[2,3]",
	"dev-b|SETTINGS.SERVICES.MSPBACKUPS.COM|1|[4]",
	"dev-b|eu.connect.ra.msp360.com|1|[5]",
	"dev-b|http://foris.cloudberrylab.com:8080|1|[6]",
	"dev-c|rm.mspbackups.com|2|[7,8]",
}

func seedRecord(e seedEvent) map[string]any {
	m := map[string]any{
		"Timestamp":                 e.ts,
		"DeviceId":                  "id-" + e.device,
		"DeviceName":                e.device,
		"ActionType":                "ConnectionSuccess",
		"RemoteIP":                  "203.0.113.7",
		"RemotePort":                443,
		"InitiatingProcessFileName": "cbb.exe",
		"InitiatingProcessVersionInfoCompanyName": e.company,
		"ReportId": e.report,
	}
	if e.nullURL {
		m["RemoteUrl"] = nil
	} else {
		m["RemoteUrl"] = e.url
	}
	return m
}

// writeSeedInputs writes the seed events in every Defender and Sentinel shape.
func writeSeedInputs(t *testing.T, dir string) map[string]string {
	var flat, blob bytes.Buffer
	var records []any
	for _, e := range seedEvents {
		rec := seedRecord(e)
		b, _ := json.Marshal(rec)
		flat.Write(b)
		flat.WriteByte('\n')
		env := map[string]any{"time": e.ts, "tenantId": "00000000-0000-0000-0000-000000000001", "operationName": "Publish",
			"category": "AdvancedHunting-DeviceNetworkEvents", "properties": rec}
		eb, _ := json.Marshal(env)
		blob.Write(eb)
		blob.WriteString("\r\n")
		records = append(records, env)
	}
	hub, _ := json.Marshal(map[string]any{"records": records})
	// Advanced hunting portal CSV (with " [UTC]" on the time header), API
	// JSON (Schema + Results), Log Analytics query JSON (tables/columns/rows)
	// and Sentinel exported JSON lines (TimeGenerated, Type, TenantId).
	cols := []string{"Timestamp", "DeviceId", "DeviceName", "ActionType", "RemoteIP", "RemotePort", "RemoteUrl",
		"InitiatingProcessFileName", "InitiatingProcessVersionInfoCompanyName", "ReportId"}
	var csvb, sent bytes.Buffer
	cw := csv.NewWriter(&csvb)
	head := append([]string(nil), cols...)
	head[0] = "Timestamp [UTC]"
	cw.Write(head)
	var results []any
	var laRows [][]any
	for _, e := range seedEvents {
		rec := seedRecord(e)
		var line []string
		var laRow []any
		for _, c := range cols {
			v := rec[c]
			if v == nil {
				line = append(line, "")
			} else {
				line = append(line, fmt.Sprint(v))
			}
			laRow = append(laRow, v)
		}
		cw.Write(line)
		results = append(results, rec)
		laRows = append(laRows, append([]any{"DeviceNetworkEvents"}, laRow...))
		sr := map[string]any{"TenantId": "00000000-0000-0000-0000-000000000001", "Type": "DeviceNetworkEvents", "TimeGenerated": e.ts}
		for k, v := range rec {
			if k != "Timestamp" {
				sr[k] = v
			}
		}
		b, _ := json.Marshal(sr)
		sent.Write(b)
		sent.WriteByte('\n')
	}
	cw.Flush()
	var schema []any
	for _, c := range cols {
		schema = append(schema, map[string]string{"Name": c, "Type": "String"})
	}
	api, _ := json.Marshal(map[string]any{"Schema": schema, "Results": results})
	laCols := []any{map[string]string{"name": "Type", "type": "string"}}
	for _, c := range cols {
		laCols = append(laCols, map[string]string{"name": c, "type": "string"})
	}
	la, _ := json.Marshal(map[string]any{"tables": []any{map[string]any{"name": "PrimaryResult", "columns": laCols, "rows": laRows}}})
	files := map[string]string{
		"flat":     filepath.Join(dir, "DeviceNetworkEvents.jsonl"),
		"eventhub": filepath.Join(dir, "eventhub.json"),
		"blob":     filepath.Join(dir, "PT1H.json"),
		"csv":      filepath.Join(dir, "DeviceNetworkEvents_export.csv"),
		"api":      filepath.Join(dir, "DeviceNetworkEvents_api.json"),
		"la":       filepath.Join(dir, "la_query.json"),
		"sentinel": filepath.Join(dir, "sentinel_export.jsonl"),
	}
	for k, p := range files {
		var data []byte
		switch k {
		case "flat":
			data = flat.Bytes()
		case "eventhub":
			data = hub
		case "blob":
			data = blob.Bytes()
		case "csv":
			data = csvb.Bytes()
		case "api":
			data = api
		case "la":
			data = la
		case "sentinel":
			data = sent.Bytes()
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

type huntJSON struct {
	Findings []struct {
		Rule struct {
			ID   string `json:"id"`
			Tool string `json:"tool"`
		} `json:"rule"`
		Row map[string]any `json:"row"`
	} `json:"findings"`
}

// TestSeedRuleFidelity runs the shipped seed rule over test data covering
// URL forms, near misses, window edges and empty URLs, exported in seven
// Defender and Sentinel shapes (flat API rows, Event Hub, storage blob,
// portal CSV, API JSON, Log Analytics query JSON, Sentinel JSON lines), and
// checks the exact Kusto result and that the findings are byte-identical
// across shapes.
func TestSeedRuleFidelity(t *testing.T) {
	dir := t.TempDir()
	files := writeSeedInputs(t, dir)
	var first string
	for _, shape := range []string{"flat", "eventhub", "blob", "csv", "api", "la", "sentinel"} {
		code, out, errs := run(t, "hunt", "--rules", "rules/builtin/seed", "--now", "2026-03-08T00:00:00Z", "--format", "json", files[shape])
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", shape, code, errs)
		}
		var h huntJSON
		if err := json.Unmarshal([]byte(out), &h); err != nil {
			t.Fatalf("%s: %v\n%s", shape, err, out)
		}
		var got []string
		for _, f := range h.Findings {
			if f.Rule.ID != "3a4d43d5-2326-467c-a22a-4f1f1f3e2890" {
				t.Errorf("unexpected rule %s", f.Rule.ID)
			}
			rep, _ := json.Marshal(f.Row["Report"])
			got = append(got, fmt.Sprintf("%v|%v|%v|%s", f.Row["DeviceName"], f.Row["RemoteUrl"], f.Row["Count"], rep))
		}
		if strings.Join(sortedCopy(got), "\n") != strings.Join(sortedCopy(seedWant), "\n") {
			t.Errorf("%s: findings\n%s\nwant\n%s", shape, strings.Join(got, "\n"), strings.Join(seedWant, "\n"))
		}
		findings := out[:strings.Index(out, `"suppressed"`)]
		if first == "" {
			first = findings
		} else if findings != first {
			t.Errorf("%s: findings differ from the flat export's:\n%s\nvs\n%s", shape, findings, first)
		}
		if shape == "flat" {
			// every finding names the columns of the summarize, in order
			if !strings.Contains(out, `"row":{"DeviceId":"id-dev-a","DeviceName":"dev-a","RemoteUrl":"rm.mspbackups.com","FirstSeen":"2026-03-07T10:00:00.0000000Z","LastSeen":"2026-03-07T10:00:00.0000000Z","Report":[1],"Count":1}`) {
				t.Errorf("row rendering changed:\n%s", out)
			}
		}
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}

// TestExampleIncident checks the README's first command against golden
// output (table for people, JSON for machines).
func TestExampleIncident(t *testing.T) {
	code, out, errs := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "examples/incident/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	testutil.Golden(t, filepath.Join("testdata", "incident.txt"), []byte(out))
	code, out, errs = run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--format", "json", "examples/incident/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	testutil.Golden(t, filepath.Join("testdata", "incident.json"), []byte(out))
}

func TestExitCodes(t *testing.T) {
	if code, _, _ := run(t, "hunt"); code != ExitUsage {
		t.Errorf("hunt without inputs: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "hunt", "--now", "2026-03-08T00:00:00Z", "--fail-on-findings", "--rules", "rules/builtin/seed", "examples/incident/"); code != ExitFindings {
		t.Errorf("--fail-on-findings with findings: exit %d, want 1", code)
	}
	if code, _, _ := run(t, "query", "print x = 1"); code != ExitOK {
		t.Errorf("query print: exit %d", code)
	}
	code, _, errs := run(t, "query", "--check", "DeviceNetworkEvents | summarize count() by AccountUpn")
	if code != ExitUsage || !strings.Contains(errs, "did you mean InitiatingProcessAccountUpn?") || !strings.Contains(errs, "query:1:") {
		t.Errorf("bind error: exit %d, stderr %q", code, errs)
	}
	code, _, errs = run(t, "query", "DeviceNetworkEvents | scan with (step s: true)")
	if code != ExitUsage || !strings.Contains(errs, "not supported") {
		t.Errorf("unsupported operator: exit %d, stderr %q", code, errs)
	}
}

func TestQueryJSONContract(t *testing.T) {
	code, out, errs := run(t, "query", "--format", "json", `print d = datetime(2024-01-02 03:04:05.1234567), t = 1d + 2h, s = "a", n = long(null), dy = dynamic({"k":[1,2]}), r = 1.5, b = true`)
	if code != 0 {
		t.Fatal(errs)
	}
	want := `{"columns":[{"name":"d","type":"datetime"},{"name":"t","type":"timespan"},{"name":"s","type":"string"},{"name":"n","type":"long"},{"name":"dy","type":"dynamic"},{"name":"r","type":"real"},{"name":"b","type":"bool"}],"rows":[
["2024-01-02T03:04:05.1234567Z","1.02:00:00","a",null,{"k":[1,2]},1.5,true]
]}
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestWindowNote: without --now, the seed rule's now()-relative window
// misses an old export; hunt must say so and suggest --now.
func TestWindowNote(t *testing.T) {
	code, out, errs := run(t, "hunt", "--rules", "rules/builtin/seed", "examples/incident/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "0 findings") {
		t.Errorf("expected no findings with the wall clock, got:\n%s", out)
	}
	if !strings.Contains(errs, "time window") || !strings.Contains(errs, "--now") {
		t.Errorf("no hint about the time window and --now:\n%s", errs)
	}
}

// TestExternalLocalFiles: externaldata and watchlists come from local files
// the user names; without them the query fails clearly.
func TestExternalLocalFiles(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "rmm.csv")
	os.WriteFile(csvPath, []byte("Domain,Tool\nanydesk.com,AnyDesk\nrm.mspbackups.com,MSP360\n"), 0o644)
	q := `externaldata(Domain:string, Tool:string)['https://example.com/rmm.csv'] with (format='csv') | where Tool == 'MSP360' | project Domain`
	code, out, errs := run(t, "query", "--format", "csv", "--externaldata", "https://example.com/rmm.csv="+csvPath, q)
	if code != 0 || out != "Domain\nrm.mspbackups.com\n" {
		t.Errorf("externaldata: exit %d, out %q, err %q", code, out, errs)
	}
	code, _, errs = run(t, "query", q)
	if code != ExitUsage || !strings.Contains(errs, "not available offline") || !strings.Contains(errs, "--externaldata") {
		t.Errorf("unresolved externaldata: exit %d, err %q", code, errs)
	}
	code, out, errs = run(t, "query", "--format", "csv", "--watchlist", "rmm="+csvPath, `_GetWatchlist('rmm') | where SearchKey endswith "anydesk.com" | project Tool`)
	if code != 0 || out != "Tool\nAnyDesk\n" {
		t.Errorf("watchlist: exit %d, out %q, err %q", code, out, errs)
	}
}
