package ruletest

import (
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/rules"
)

func TestRunnerRun(t *testing.T) {
	now := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		query  string
		tables map[string][]map[string]any
		cols   string
		rows   []string // cells joined by " | "
		err    string
	}{
		{
			name:  "typed cells rendered as Kusto text",
			query: "DeviceNetworkEvents | project Timestamp, RemotePort, RemoteUrl, Ok = RemotePort > 400, Extra = AdditionalFields.k, Blank = InitiatingProcessId",
			tables: map[string][]map[string]any{"DeviceNetworkEvents": {
				{"Timestamp": "2026-03-07T10:00:00Z", "RemotePort": 443, "RemoteUrl": "anydesk.com", "AdditionalFields": `{"k":"v"}`},
			}},
			cols: "Timestamp,RemotePort,RemoteUrl,Ok,Extra,Blank",
			rows: []string{"2026-03-07T10:00:00.0000000Z | 443 | anydesk.com | True | v | "},
		},
		{
			name:   "now() is pinned",
			query:  "DeviceProcessEvents | where Timestamp > ago(1d) | project FileName",
			tables: map[string][]map[string]any{"DeviceProcessEvents": {{"Timestamp": "2026-03-07T12:00:00Z", "FileName": "in.exe"}, {"Timestamp": "2026-03-06T12:00:00Z", "FileName": "out.exe"}}},
			cols:   "FileName",
			rows:   []string{"in.exe"},
		},
		{
			name:   "tables without rows are empty",
			query:  "DeviceFileCertificateInfo | count",
			tables: map[string][]map[string]any{},
			cols:   "Count",
			rows:   []string{"0"},
		},
		{
			name:   "unknown table",
			query:  "print 1",
			tables: map[string][]map[string]any{"DeviceNetworkEvent": {}},
			err:    `unknown table "DeviceNetworkEvent"; did you mean DeviceNetworkEvents?`,
		},
		{
			name:   "bad cell",
			query:  "print 1",
			tables: map[string][]map[string]any{"DeviceNetworkEvents": {{"Timestamp": "soon"}}},
			err:    `DeviceNetworkEvents row 1: Timestamp (datetime): "soon" is not a datetime`,
		},
		{
			name:  "query error",
			query: "DeviceNetworkEvents | where AccountUpn == 'x'",
			err:   "AccountUpn",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cols, rows, err := (&Runner{}).Run(tc.query, now, tc.tables)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(cols, ","); got != tc.cols {
				t.Errorf("columns %s, want %s", got, tc.cols)
			}
			var got []string
			for _, r := range rows {
				got = append(got, strings.Join(r, " | "))
			}
			if strings.Join(got, "\n") != strings.Join(tc.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.rows, "\n"))
			}
		})
	}
}

// TestRunnerLenient: a trailing comma fails unless Lenient is set.
func TestRunnerLenient(t *testing.T) {
	q := `DeviceNetworkEvents | where RemoteUrl has_any ("anydesk.com",) | project RemoteUrl`
	tables := map[string][]map[string]any{"DeviceNetworkEvents": {{"RemoteUrl": "relay.anydesk.com"}}}
	if _, _, err := (&Runner{}).Run(q, time.Now(), tables); err == nil {
		t.Fatal("strict runner accepted a trailing comma")
	}
	_, rows, err := (&Runner{Lenient: true}).Run(q, time.Now(), tables)
	if err != nil || len(rows) != 1 {
		t.Fatalf("lenient: rows %v, err %v", rows, err)
	}
}

// TestRunTestsFromFile: a rule and its test file, through rules.RunTests.
func TestRunTestsFromFile(t *testing.T) {
	rs, ds := rules.LoadBytes("r.kql", []byte("DeviceNetworkEvents\n| where RemoteUrl endswith \".example.org\"\n| project DeviceName, RemoteUrl\n"))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	tf, ds := rules.ParseTests("r.tests.yaml", []byte(`rule: `+rs[0].ID+`
now: 2026-03-08T00:00:00Z
cases:
  - name: match
    rows:
      DeviceNetworkEvents:
        - {DeviceName: h1, RemoteUrl: a.example.org}
        - {DeviceName: h2, RemoteUrl: example.org.evil}
    expect:
      - {DeviceName: h1}
  - name: wrong expectation
    rows:
      DeviceNetworkEvents:
        - {DeviceName: h1, RemoteUrl: a.example.org}
    expect: []
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	p := &rules.Pack{}
	p.Add(rs...)
	rep := rules.RunTests(p, []*rules.TestFile{tf}, &Runner{})
	if rep.Passed != 1 || rep.Failed != 1 {
		t.Fatalf("passed %d failed %d: %+v", rep.Passed, rep.Failed, rep.Suites)
	}
	if c := rep.Suites[0].Cases[1]; c.Status != rules.StatusFail || !strings.Contains(c.Message, "want 0 row(s), got 1") {
		t.Errorf("second case: %+v", c)
	}
}
