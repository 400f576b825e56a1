package engine

import (
	"reflect"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TestPushdownSpecs pins what the scan spec of typical hunting queries
// carries: needed columns, prefilter terms and time range.
func TestPushdownSpecs(t *testing.T) {
	now, _ := types.ParseDateTime("2026-03-08T00:00:00Z")
	tests := []struct {
		name      string
		q         string
		terms     []string
		cols      []string
		timeRange bool
		min, max  string
	}{
		{"seed rule", `let Time_start = now(-5d);
let Time_end = now();
DeviceNetworkEvents
| where Timestamp between (Time_start..Time_end)
| where RemoteUrl has_any ('rm.mspbackups.com', 'connect.ra.msp360.com')
and InitiatingProcessVersionInfoCompanyName has_any ('CloudBerry', 'MSP360')
| summarize FirstSeen=min(Timestamp), Report=make_set(ReportId), Count=count() by DeviceId, DeviceName, RemoteUrl`,
			[]string{"rm.mspbackups.com", "connect.ra.msp360.com"}, []string{"Timestamp", "DeviceId", "DeviceName", "RemoteUrl", "InitiatingProcessVersionInfoCompanyName", "ReportId"},
			true, "2026-03-03T00:00:00.0000000Z", "2026-03-08T00:00:00.0000000Z"},
		{"ago and or", `DeviceNetworkEvents | where Timestamp > ago(1d) | where RemoteUrl contains "anydesk" or RemoteUrl endswith ".teamviewer.com" | project DeviceName`,
			[]string{"anydesk", ".teamviewer.com"}, []string{"Timestamp", "DeviceName", "RemoteUrl"}, true, "2026-03-07T00:00:00.0000001Z", "9999-12-31T23:59:59.9999999Z"},
		{"negation has no terms", `DeviceNetworkEvents | where RemoteUrl !has "microsoft" | count`, nil, []string{"RemoteUrl"}, false, "", ""},
		{"pass-through reads all columns", `DeviceNetworkEvents | where RemoteUrl has "x"`, []string{"x"}, nil, false, "", ""},
	}
	for _, tc := range tests {
		q, err := Compile(tc.q, Options{Now: now})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		specs := q.Specs()
		if len(specs) != 1 {
			t.Fatalf("%s: %d specs", tc.name, len(specs))
		}
		sp := specs[0]
		if !reflect.DeepEqual(sp.AnyTerms, tc.terms) {
			t.Errorf("%s: terms %q, want %q", tc.name, sp.AnyTerms, tc.terms)
		}
		if tc.cols != nil && !sameSet(sp.Columns, tc.cols) {
			t.Errorf("%s: columns %v, want %v", tc.name, sp.Columns, tc.cols)
		}
		if tc.cols == nil && len(sp.Columns) < 40 {
			t.Errorf("%s: a pass-through query must read every column, got %d", tc.name, len(sp.Columns))
		}
		if sp.HasTimeRange != tc.timeRange {
			t.Errorf("%s: time range %v, want %v", tc.name, sp.HasTimeRange, tc.timeRange)
		} else if tc.timeRange && (types.FormatDateTime(sp.MinTicks) != tc.min || types.FormatDateTime(sp.MaxTicks) != tc.max) {
			t.Errorf("%s: time range %s .. %s, want %s .. %s", tc.name, types.FormatDateTime(sp.MinTicks), types.FormatDateTime(sp.MaxTicks), tc.min, tc.max)
		}
		if q2, _ := Compile(tc.q, Options{Now: now, NoPushdown: true}); len(q2.Specs()[0].AnyTerms) != 0 || q2.Specs()[0].HasTimeRange {
			t.Errorf("%s: NoPushdown still pushes down", tc.name)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}
