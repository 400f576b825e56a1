package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// specSource is a Memory source that uses every pushdown hint of the Spec
// the way a real reader may: it drops records whose raw text (all cells
// rendered and joined) contains none of AnyTerms, records outside the time
// range, and rows the Filter rejects.
type specSource struct{ mem *source.Memory }

func (s specSource) HasTable(name string) bool { return s.mem.HasTable(name) }

func (s specSource) Scan(ctx context.Context, spec source.Spec, emit source.Emit) error {
	t := s.mem.Tables[spec.Table]
	timeIdx := -1
	for i, c := range t.Columns {
		if spec.HasTimeRange && c.Name == spec.TimeColumn {
			timeIdx = i
		}
	}
	kept := &source.MemoryTable{Columns: t.Columns}
	for _, r := range t.Rows {
		if len(spec.AnyTerms) > 0 {
			var raw strings.Builder
			for _, v := range r {
				raw.WriteString(types.ToString(v))
				raw.WriteByte('\t')
			}
			text := strings.ToLower(raw.String())
			hit := false
			for _, term := range spec.AnyTerms {
				if strings.Contains(text, strings.ToLower(term)) {
					hit = true
					break
				}
			}
			if !hit {
				continue
			}
		}
		if timeIdx >= 0 && r[timeIdx].Valid && (r[timeIdx].I < spec.MinTicks || r[timeIdx].I > spec.MaxTicks) {
			continue
		}
		kept.Rows = append(kept.Rows, r)
	}
	m := &source.Memory{Tables: map[string]*source.MemoryTable{spec.Table: kept}}
	return m.Scan(ctx, spec, emit)
}

// networkEvents builds a deterministic DeviceNetworkEvents table whose rows
// mix the seed rule's domains and companies with near misses (other case,
// longer terms, other companies, nulls, times inside and outside windows).
func networkEvents(t *testing.T, now int64) *source.MemoryTable {
	tab, ok := schema.Lookup("DeviceNetworkEvents")
	if !ok {
		t.Fatal("DeviceNetworkEvents is not in the schema")
	}
	var cols []types.Column
	for _, c := range tab.Columns {
		typ, ok := types.ParseType(c.Type)
		if !ok {
			typ = types.String
		}
		cols = append(cols, types.Column{Name: c.Name, Type: typ})
	}
	urls := []string{"rm.mspbackups.com", "https://CLIENT.rmm.mspbackups.com/x", "settings.services.mspbackups.com.evil.net",
		"connect.ra.msp360.com", "foris.cloudberrylab.com", "mspbackups.com", "xrm.mspbackups.com", "example.org", "",
		"connect.ra.msp360.community", "foris-cloudberrylab.com"}
	companies := []string{"CloudBerry Lab", "MSP360", "msp360 corp", "CloudBerryLab", "Microsoft", "", "Zoho"}
	devices := []string{"ws1", "ws2", "srv1"}
	const day = 864000000000
	var rows []types.Row
	seed := uint64(42)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	for i := 0; i < 400; i++ {
		r := make(types.Row, len(cols))
		for j, c := range cols {
			r[j] = types.Null(c.Type)
		}
		set := func(name string, v types.Value) {
			for j, c := range cols {
				if c.Name == name {
					r[j] = v
				}
			}
		}
		ts := types.NewDateTime(now - int64(next(10*24))*day/24)
		if next(20) == 0 {
			ts = types.Null(types.DateTime)
		}
		set("Timestamp", ts)
		set("TimeGenerated", ts)
		set("RemoteUrl", types.NewString(urls[next(len(urls))]))
		set("InitiatingProcessVersionInfoCompanyName", types.NewString(companies[next(len(companies))]))
		set("DeviceId", types.NewString(fmt.Sprintf("dev-%d", next(3))))
		set("DeviceName", types.NewString(devices[next(len(devices))]))
		set("ReportId", types.NewLong(int64(next(50))))
		set("RemotePort", types.NewInt(int64([]int{443, 80, 8080}[next(3)])))
		set("ActionType", types.NewString([]string{"ConnectionSuccess", "ConnectionFailed"}[next(2)]))
		rows = append(rows, r)
	}
	return &source.MemoryTable{Columns: cols, Rows: rows}
}

// TestPushdownKeepsAnswers runs seed-like queries over a source that honours
// every pushdown hint, with and without pushdown: the answers must match.
func TestPushdownKeepsAnswers(t *testing.T) {
	now := types.TicksFromTime(mustTime("2026-03-08T00:00:00Z"))
	mem := &source.Memory{Tables: map[string]*source.MemoryTable{"DeviceNetworkEvents": networkEvents(t, now)}}
	src := specSource{mem}
	queries := []string{
		`let Time_start = now(-5d);
let Time_end = now();
DeviceNetworkEvents
| where Timestamp between (Time_start..Time_end)
| where RemoteUrl has_any ('rm.mspbackups.com', 'client.rmm.mspbackups.com', 'settings.services.mspbackups.com', 'connect.ra.msp360.com', 'foris.cloudberrylab.com')
    and InitiatingProcessVersionInfoCompanyName has_any ('CloudBerry', 'MSP360')
| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), Report=make_set(ReportId), Count=count() by DeviceId, DeviceName, RemoteUrl`,
		`DeviceNetworkEvents | where RemoteUrl contains "mspbackups" | summarize count() by RemoteUrl`,
		`DeviceNetworkEvents | where RemoteUrl has "mspbackups.com" or InitiatingProcessVersionInfoCompanyName =~ "zoho" | count`,
		`DeviceNetworkEvents | where RemoteUrl !has "mspbackups" | summarize count() by RemoteUrl`,
		`DeviceNetworkEvents | where RemoteUrl endswith "msp360.com" and Timestamp > ago(2d) | project Timestamp, RemoteUrl, DeviceName`,
		`DeviceNetworkEvents | where InitiatingProcessVersionInfoCompanyName in~ ("msp360", "cloudberry lab") | summarize dcount(RemoteUrl) by InitiatingProcessVersionInfoCompanyName`,
		`DeviceNetworkEvents | where RemoteUrl startswith "https://" or RemoteUrl == "" | summarize count() by RemoteUrl`,
		`DeviceNetworkEvents | where Timestamp >= ago(3d) and Timestamp < ago(1d) | summarize count() by bin(Timestamp, 1d)`,
		`DeviceNetworkEvents | where isempty(RemoteUrl) or RemoteUrl matches regex @"^foris" | count`,
		`DeviceNetworkEvents | extend u = tolower(RemoteUrl) | where u has "cloudberrylab" | summarize count() by u`,
		`DeviceNetworkEvents | where RemotePort == 443 and RemoteUrl has_any ("mspbackups", "msp360") | summarize count() by RemoteUrl, RemotePort`,
		`DeviceNetworkEvents | where TimeGenerated between (ago(4d) .. now()) and not(RemoteUrl has "example") | summarize count()`,
		`DeviceNetworkEvents | where * has "cloudberry" | summarize count() by DeviceName`,
		`DeviceNetworkEvents | where RemoteUrl has_all ("connect", "msp360") | project RemoteUrl`,
		`DeviceNetworkEvents | where isnull(Timestamp) or Timestamp > ago(1d) | summarize count()`,
		`let domains = dynamic(["rm.mspbackups.com", "foris.cloudberrylab.com"]); DeviceNetworkEvents | where RemoteUrl in~ (domains) | summarize count() by RemoteUrl`,
		`DeviceNetworkEvents | where ActionType == "ConnectionSuccess" | where RemoteUrl hassuffix "mspbackups.com" | summarize arg_max(Timestamp, *) by DeviceId | project DeviceId, RemoteUrl`,
	}
	pushed := 0
	for _, q := range queries {
		var outs [2]string
		for i, np := range []bool{false, true} {
			cq, err := Compile(q, Options{Now: now, NoPushdown: np})
			if err != nil {
				t.Fatalf("compile %q: %v", q, err)
			}
			if sp := cq.Specs()[0]; !np && (len(sp.AnyTerms) > 0 || sp.HasTimeRange) {
				pushed++
			}
			res, err := cq.Run(context.Background(), src)
			if err != nil {
				t.Fatalf("run %q: %v", q, err)
			}
			outs[i] = canonical(res)
		}
		if outs[0] != outs[1] {
			t.Errorf("pushdown changed the answer of\n%s\nwith pushdown:\n%s\nwithout:\n%s", q, outs[0], outs[1])
		}
		if !strings.Contains(outs[1], "\n") {
			t.Errorf("query returns no rows, so it tests nothing:\n%s", q)
		}
	}
	// the property is only meaningful if pushdown actually happens
	if pushed < len(queries)/2 {
		t.Errorf("only %d of %d queries pushed terms or a time range down", pushed, len(queries))
	}
}

// canonical renders a result with rows sorted (row order is not part of
// these queries' answers).
func canonical(res *Result) string {
	lines := strings.Split(render(res), "\n")
	head, rows := lines[0], lines[1:]
	sort.Strings(rows)
	return head + "\n" + strings.Join(rows, "\n")
}
