package hunt

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/exclusions"
	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
)

// scenarioEvent is a DeviceNetworkEvents record the seed rule matches; each
// has its own RemoteUrl so each becomes its own finding.
type scenarioEvent struct {
	report     int64
	proc, user string
	port       int64
	cmd        string
	url        string
}

var scenarioEvents = []scenarioEvent{
	{1, "MSP360Backup.exe", "svc", 443, "", "rm.mspbackups.com/1"},
	{2, "CloudBerrySync.exe", "svc", 443, "", "rm.mspbackups.com/2"},
	{3, "cbb.exe", "ITAdminUser", 443, "", "rm.mspbackups.com/3"},
	{4, "CloudBerryAgent.exe", "svc", 445, "", "rm.mspbackups.com/4"},
	{5, "evil.exe", "svc", 139, "", "rm.mspbackups.com/5"},
	{6, "powershell.exe", "bob", 443, "powershell -c Invoke-Command -ComputerName x", "rm.mspbackups.com/6"},
	{7, "cbb.exe", "alice", 443, "", "rm.mspbackups.com/7"},
	{8, "CloudBerryAgent.exe", "svc", 443, "", "rm.mspbackups.com/8"},
}

// Which events each seed scenario suppresses under standard precedence
// (not > and > or), worked out by hand from the scenario text.
var scenarioWant = map[string][]int64{
	"msp360-seed-scheduled-backup":           {1},
	"msp360-seed-cloudberry-sync":            {2}, // destination_ip == "cloudberry.com" can never match
	"msp360-seed-admin-monitoring":           {3},
	"msp360-seed-network-discovery":          {4, 5}, // (agent and 445) or 139: evil.exe on 139 too
	"msp360-seed-powershell-troubleshooting": {3, 6}, // (powershell and Invoke-Command) or ITAdminUser
}

func scenarioSource(t *testing.T) *source.Memory {
	tab, _ := schema.Lookup("DeviceNetworkEvents")
	var cols []types.Column
	for _, c := range tab.Columns {
		typ, _ := types.ParseType(c.Type)
		cols = append(cols, types.Column{Name: c.Name, Type: typ})
	}
	ts, _ := types.ParseDateTime("2026-03-07T12:00:00Z")
	var rows []types.Row
	for _, e := range scenarioEvents {
		row := make(types.Row, len(cols))
		for i, c := range cols {
			row[i] = types.Null(c.Type)
		}
		set := func(name string, v types.Value) {
			row[tab.Index(name)] = v
		}
		set("Timestamp", types.NewDateTime(ts))
		set("DeviceId", types.NewString("d1"))
		set("DeviceName", types.NewString("host1"))
		set("RemoteUrl", types.NewString(e.url))
		set("RemoteIP", types.NewString("203.0.113.9"))
		set("RemotePort", types.NewInt(e.port))
		set("InitiatingProcessFileName", types.NewString(e.proc))
		set("InitiatingProcessAccountName", types.NewString(e.user))
		set("InitiatingProcessCommandLine", types.NewString(e.cmd))
		set("InitiatingProcessVersionInfoCompanyName", types.NewString("CloudBerry Lab"))
		set("ReportId", types.NewLong(e.report))
		rows = append(rows, row)
	}
	return &source.Memory{Tables: map[string]*source.MemoryTable{"DeviceNetworkEvents": {Columns: cols, Rows: rows}}}
}

func seedPack(t *testing.T) *rules.Pack {
	p, ds := rules.Load(filepath.Join(testutil.RepoRoot(), "rules", "builtin", "seed"))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return p
}

func rowSet(cols []types.Column, rows []types.Row) []string {
	var out []string
	for _, r := range rows {
		var sb strings.Builder
		for i, v := range r {
			sb.WriteString(cols[i].Name + "=" + types.ToString(v) + ";")
		}
		out = append(out, sb.String())
	}
	sort.Strings(out)
	return out
}

// TestSeedScenarios applies each of the seed's five false-positive
// scenarios, as translated in examples/exclusions, to the seed rule.
func TestSeedScenarios(t *testing.T) {
	pack := seedPack(t)
	now, _ := types.ParseDateTime("2026-03-08T00:00:00Z")
	all, err := exclusions.Load(filepath.Join(testutil.RepoRoot(), "examples", "exclusions", "msp360-seed-scenarios.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	base, err := Run(context.Background(), pack, scenarioSource(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Findings) != len(scenarioEvents) {
		t.Fatalf("without exclusions: %d findings, want %d", len(base.Findings), len(scenarioEvents))
	}
	baseRows := rowSet(base.Findings[0].Columns, findingRows(base.Findings))
	for id, want := range scenarioWant {
		var others []string
		for _, e := range all.Exclusions {
			if e.ID != id {
				others = append(others, e.ID)
			}
		}
		one := all.Without(others...)
		var ledger bytes.Buffer
		lw := exclusions.NewLedgerWriter(&ledger)
		res, err := Run(context.Background(), pack, scenarioSource(t), Options{Now: now, Exclusions: one, Ledger: lw})
		if err != nil {
			t.Fatal(err)
		}
		if f := res.Failed(); len(f) > 0 {
			t.Fatalf("%s: %s", id, f[0].ErrText)
		}
		var got []int64
		for _, s := range res.Suppressed {
			v, _ := s.Value("Report")
			for _, r := range v.D.([]any) {
				got = append(got, r.(int64))
			}
			if len(s.Exclusions) != 1 || s.Exclusions[0] != id {
				t.Errorf("%s: suppressed finding names %v", id, s.Exclusions)
			}
		}
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		if !equalInts(got, want) {
			t.Errorf("%s suppresses ReportIds %v, want %v", id, got, want)
		}
		// findings and suppressed findings add up to the unexcluded result
		var rows []types.Row
		rows = append(rows, findingRows(res.Findings)...)
		for _, s := range res.Suppressed {
			rows = append(rows, s.Row)
		}
		if strings.Join(rowSet(base.Findings[0].Columns, rows), "\n") != strings.Join(baseRows, "\n") {
			t.Errorf("%s: findings + suppressed != findings without exclusions", id)
		}
		// the ledger has one line per suppressed event
		lines := strings.Split(strings.TrimSpace(ledger.String()), "\n")
		if ledger.Len() == 0 {
			lines = nil
		}
		if len(lines) != len(want) {
			t.Errorf("%s: ledger has %d lines, want %d:\n%s", id, len(lines), len(want), ledger.String())
		}
		for _, l := range lines {
			var e exclusions.LedgerEntry
			if err := json.Unmarshal([]byte(l), &e); err != nil {
				t.Fatalf("%s: ledger line %q: %v", id, l, err)
			}
			if e.Rule != "3a4d43d5-2326-467c-a22a-4f1f1f3e2890" || len(e.Exclusions) != 1 || e.Exclusions[0] != id || e.DeviceName != "host1" || e.ReportID == "" {
				t.Errorf("%s: ledger entry %+v", id, e)
			}
		}
	}
}

// TestOverlappingExclusions applies all five scenarios at once: an event
// matched by two exclusions is suppressed once and names both.
func TestOverlappingExclusions(t *testing.T) {
	pack := seedPack(t)
	now, _ := types.ParseDateTime("2026-03-08T00:00:00Z")
	all, err := exclusions.Load(filepath.Join(testutil.RepoRoot(), "examples", "exclusions", "msp360-seed-scenarios.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var ledger bytes.Buffer
	res, err := Run(context.Background(), pack, scenarioSource(t), Options{Now: now, Exclusions: all, Ledger: exclusions.NewLedgerWriter(&ledger)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 || len(res.Suppressed) != 6 {
		t.Fatalf("kept %d, suppressed %d; want 2 and 6", len(res.Findings), len(res.Suppressed))
	}
	for _, s := range res.Suppressed {
		v, _ := s.Value("RemoteUrl")
		if v.S == "rm.mspbackups.com/3" && strings.Join(s.Exclusions, ",") != "msp360-seed-admin-monitoring,msp360-seed-powershell-troubleshooting" {
			t.Errorf("event 3 names %v", s.Exclusions)
		}
	}
	if n := strings.Count(ledger.String(), "\n"); n != 6 {
		t.Errorf("ledger lines %d, want 6", n)
	}
}

func findingRows(fs []*Finding) []types.Row {
	out := make([]types.Row, len(fs))
	for i, f := range fs {
		out[i] = f.Row
	}
	return out
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
