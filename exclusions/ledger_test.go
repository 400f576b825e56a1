package exclusions

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

func TestLedgerWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewLedgerWriter(&b)
	e := LedgerEntry{
		Rule:       seedRule.ID(),
		RuleName:   seedRule.Name(),
		Exclusions: []string{"z-second", "a-first"},
		Table:      "DeviceNetworkEvents",
		ReportID:   "12345",
		DeviceName: "backup-01.corp.example.com",
		Timestamp:  "2026-05-01T02:03:04.0000000Z",
		Columns:    map[string]any{"RemoteUrl": "rm.mspbackups.com", "RemotePort": 443, "InitiatingProcessFileName": "cbb.exe"},
	}
	if err := w.Write(e); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(LedgerEntry{Rule: "r"}); err == nil {
		t.Error("an entry without exclusions was written")
	}
	if err := w.Write(LedgerEntry{Exclusions: []string{"x"}}); err == nil {
		t.Error("an entry without a rule was written")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"3a4d43d5-2326-467c-a22a-4f1f1f3e2890","rule_name":"Remote Management and Monitoring tool - MSP360_CloudBerry - Network Connection","exclusions":["a-first","z-second"],"table":"DeviceNetworkEvents","ReportId":"12345","DeviceName":"backup-01.corp.example.com","Timestamp":"2026-05-01T02:03:04.0000000Z","columns":{"InitiatingProcessFileName":"cbb.exe","RemotePort":443,"RemoteUrl":"rm.mspbackups.com"}}` + "\n"
	if b.String() != want {
		t.Errorf("ledger line:\n%s\nwant:\n%s", b.String(), want)
	}
	if e.Exclusions[0] != "z-second" {
		t.Error("Write sorted the caller's slice")
	}
	if w.Count() != 1 {
		t.Errorf("Count = %d", w.Count())
	}
}

func TestLedgerWriterConcurrent(t *testing.T) {
	var b bytes.Buffer
	w := NewLedgerWriter(&b)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				_ = w.Write(LedgerEntry{Rule: "r", Exclusions: []string{"x"}, Columns: map[string]any{"a": strings.Repeat("y", 100)}})
			}
		}()
	}
	wg.Wait()
	_ = w.Flush()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	for _, l := range lines {
		var e LedgerEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
	}
}

func TestLedgerColumns(t *testing.T) {
	set := loadExample(t, "msp360-seed-scenarios.yaml")
	c, err := set.Exclusions[3].Compile("DeviceNetworkEvents", ProjectSchema{})
	if err != nil {
		t.Fatal(err)
	}
	cols := LedgerColumns("DeviceNetworkEvents", ProjectSchema{}, c)
	got := "," + strings.Join(cols, ",") + ","
	for _, want := range []string{"InitiatingProcessFileName", "RemotePort", "RemoteIP", "RemoteUrl", "InitiatingProcessAccountName", "DeviceId"} {
		if !strings.Contains(got, ","+want+",") {
			t.Errorf("LedgerColumns lacks %s: %v", want, cols)
		}
	}
	for _, not := range []string{"DeviceName", "ReportId", "Timestamp"} {
		if strings.Contains(got, ","+not+",") {
			t.Errorf("LedgerColumns repeats the identity column %s", not)
		}
	}
}
