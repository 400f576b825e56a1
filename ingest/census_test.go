package ingest

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// mixedExport is a flat JSON-lines export whose file name names no table:
// flat Defender records of two tables (routed by DeviceId and ActionType),
// Sentinel records (routed by Type), Streaming API records (routed by
// category, one with an unknown category), blank lines and bad lines.
// It returns the content and the counts a correct summary holds.
type mixedWant struct {
	records, blank, rejected int64
	tables                   map[string]int64
	unrouted                 map[string]int64
}

func mixedExport(n int) ([]byte, mixedWant) {
	w := mixedWant{tables: map[string]int64{}, unrouted: map[string]int64{}}
	var b strings.Builder
	for i := 0; i < n; i++ {
		ts := fmt.Sprintf("2024-01-%02dT%02d:%02d:00Z", 1+i%28, i%24, i%60)
		switch i % 10 {
		case 0, 1, 2, 3:
			tool := "svchost.exe"
			if i%40 == 0 {
				tool = "AnyDesk.exe"
			}
			fmt.Fprintf(&b, `{"Timestamp":%q,"DeviceId":"d%d","DeviceName":"host%d","ActionType":"ConnectionSuccess","RemoteIP":"10.0.%d.%d","RemotePort":%d,"InitiatingProcessFileName":%q,"AdditionalFields":null}`+"\n",
				ts, i%7, i%7, i%250, i%200, 400+i%100, tool)
			w.tables["DeviceNetworkEvents"]++
		case 4, 5:
			fmt.Fprintf(&b, `{"Timestamp":%q,"DeviceId":"d%d","ActionType":"ProcessCreated","FileName":"cmd.exe","ProcessCommandLine":"cmd /c echo %d","InitiatingProcessFileName":"explorer.exe","RemoteUrl":""}`+"\n",
				ts, i%7, i)
			w.tables["DeviceProcessEvents"]++
		case 6:
			fmt.Fprintf(&b, `{"TimeGenerated":%q,"Type":"SigninLogs","TenantId":"t1","UserPrincipalName":"u%d@example.com","IPAddress":"192.0.2.%d","AppDisplayName":"x"}`+"\n", ts, i, i%250)
			w.tables["SigninLogs"]++
		case 7:
			if i%20 == 7 {
				fmt.Fprintf(&b, `{"time":%q,"tenantId":"t1","category":"AdvancedHunting-DeviceFileEvents","properties":{"Timestamp":%q,"DeviceId":"d1","ActionType":"FileCreated","FileName":"f%d.txt"}}`+"\n", ts, ts, i)
				w.tables["DeviceFileEvents"]++
			} else {
				fmt.Fprintf(&b, `{"time":%q,"category":"AdvancedHunting-NoSuchTable","properties":{"A":1}}`+"\n", ts)
				w.unrouted[`category "AdvancedHunting-NoSuchTable" names no known table`]++
			}
		case 8:
			switch i % 50 {
			case 8:
				b.WriteString(`{"Timestamp":"2024-01-01T00:00:00Z","Actio` + "\n") // truncated
				w.rejected++
			case 18:
				b.WriteString(`{"Timestamp":"2024-01-01T00:00:00Z","RemotePort":1e400,"DeviceId":"x","ActionType":"ConnectionSuccess"}` + "\n")
				w.rejected++
			case 28:
				b.WriteString(`[{"DeviceId":"x"}]` + "\n")
				w.rejected++
			case 38:
				b.WriteString(`{"DeviceId":"x","ActionType":"Connection` + "\xff" + `"}` + "\n")
				w.rejected++
			default:
				// An escaped key and a key repeated: the reference decoder
				// routes these.
				fmt.Fprintf(&b, `{"Timestamp":%q,"Device\u0049d":"d1","ActionType":"ConnectionFailed","ActionType":"ConnectionSuccess","RemotePort":1.5e3}`+"\n", ts)
				w.tables["DeviceNetworkEvents"]++
			}
		case 9:
			b.WriteString("\n")
			w.blank++
			continue
		}
		w.records++
	}
	return []byte(b.String()), w
}

// countSummary is the parts of a file summary that must not depend on the
// scans that ran.
func countSummary(f *FileSummary) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("records=%d blank=%d rejected=%d err=%q", f.Records, f.Blank, f.Rejected, f.Err))
	var ex []string
	for _, e := range f.Examples {
		ex = append(ex, e.String())
	}
	parts = append(parts, "examples="+strings.Join(ex, ";"))
	var keys []string
	for k := range f.Unrouted {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("unrouted[%s]=%d", k, f.Unrouted[k]))
	}
	for _, name := range f.TableNames() {
		t := f.Tables[name]
		parts = append(parts, fmt.Sprintf("%s: records=%d rows=%d rejectedRecords=%d", name, t.Records, t.Rows, t.RejectedRecords))
	}
	return strings.Join(parts, "\n")
}

func TestCensusSummaryExactWhateverIsScanned(t *testing.T) {
	data, want := mixedExport(2000)
	dir := t.TempDir()
	p := writeFile(t, dir, "export.jsonl", data)
	tables := []string{"DeviceNetworkEvents", "DeviceProcessEvents", "SigninLogs", "DeviceFileEvents", "DeviceEvents"}
	scans := map[string][]string{
		"no scan":              nil,
		"one table, prefilter": {"DeviceNetworkEvents"},
		"an absent table":      {"DeviceEvents"},
		"every table":          tables,
	}
	var ref string
	for _, name := range []string{"every table", "no scan", "one table, prefilter", "an absent table"} {
		for _, refCensus := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/refCensus=%v", name, refCensus), func(t *testing.T) {
				s := openT(t, Options{}, p)
				s.prefilterMin = 0 // prefilter this small file
				s.refCensus = refCensus
				if refCensus {
					// Take the census again, through the reference decoder.
					if err := s.census(); err != nil {
						t.Fatal(err)
					}
				}
				for _, tb := range scans[name] {
					sp := fullSpec(t, tb)
					sp.Workers = 3
					if name == "one table, prefilter" {
						sp.AnyTerms = []string{"anydesk.exe"}
					}
					rows := tableRows(t, s, sp)
					if name == "every table" && int64(len(rows)) != want.tables[tb] {
						t.Errorf("%s: %d rows, want %d", tb, len(rows), want.tables[tb])
					}
				}
				f := s.Summary().Files[0]
				if f.Records != want.records || f.Blank != want.blank || f.Rejected != want.rejected {
					t.Errorf("records %d blank %d rejected %d, want %d %d %d (%v)", f.Records, f.Blank, f.Rejected, want.records, want.blank, want.rejected, f.Examples)
				}
				for _, tb := range tables {
					ts := f.Tables[tb]
					var rec, rows int64
					if ts != nil {
						rec, rows = ts.Records, ts.Rows
					}
					if rec != want.tables[tb] || rows != want.tables[tb] {
						t.Errorf("%s: records %d rows %d, want %d", tb, rec, rows, want.tables[tb])
					}
				}
				if !reflect.DeepEqual(f.Unrouted, want.unrouted) {
					t.Errorf("unrouted %v, want %v", f.Unrouted, want.unrouted)
				}
				if name == "one table, prefilter" && f.Skipped == 0 {
					t.Errorf("the prefilter skipped nothing: the test does not test it")
				}
				got := countSummary(f)
				if ref == "" {
					ref = got
				} else if got != ref {
					t.Errorf("summary differs from the summary after scanning every table:\n%s\nwant\n%s", got, ref)
				}
			})
		}
	}
}

func TestScanReadsOnlyInputsHoldingTheTable(t *testing.T) {
	dir := t.TempDir()
	net := writeFile(t, dir, "a/export.jsonl", genLines(50))
	proc := writeFile(t, dir, "b/export.jsonl", []byte(`{"Timestamp":"2024-01-01T00:00:00Z","DeviceId":"d","ActionType":"ProcessCreated","FileName":"cmd.exe"}`+"\n"))
	netSize, procSize := fileSize(t, net), fileSize(t, proc)
	for _, checkAll := range []bool{false, true} {
		var last Progress
		s := openT(t, Options{CheckAll: checkAll, Progress: func(p Progress) { last = p }}, net, proc)
		if !s.HasTable("DeviceNetworkEvents") || !s.HasTable("DeviceProcessEvents") || s.HasTable("DeviceFileEvents") {
			t.Fatalf("HasTable wrong: %v %v", s.inputs[0].tables, s.inputs[1].tables)
		}
		if s.inputs[0].table != "DeviceNetworkEvents" || s.inputs[1].table != "DeviceProcessEvents" {
			t.Errorf("single-table inputs route to %q and %q", s.inputs[0].table, s.inputs[1].table)
		}
		for _, c := range []struct {
			table string
			rows  int
			bytes int64
		}{{"DeviceNetworkEvents", 50, netSize}, {"DeviceProcessEvents", 1, procSize}, {"DeviceFileEvents", 0, 0}} {
			last = Progress{}
			if n := len(tableRows(t, s, fullSpec(t, c.table))); n != c.rows {
				t.Errorf("checkAll=%v: %s: %d rows, want %d", checkAll, c.table, n, c.rows)
			}
			if last.BytesRead != c.bytes {
				t.Errorf("checkAll=%v: the scan of %s read %d bytes, want %d (the inputs holding it)", checkAll, c.table, last.BytesRead, c.bytes)
			}
		}
	}
}

func fileSize(t *testing.T, p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func TestUnnamedExportSameRowsAsNamed(t *testing.T) {
	data, _ := mixedExport(600)
	// Keep only the network records: a single-table export.
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, `"RemoteIP":"10.0.`) {
			lines = append(lines, l)
		}
	}
	one := []byte(strings.Join(lines, "\n") + "\n")
	dir := t.TempDir()
	named := writeFile(t, dir, "DeviceNetworkEvents.jsonl", one)
	unnamed := writeFile(t, dir, "export.jsonl", one)
	for _, terms := range [][]string{nil, {"anydesk.exe"}} {
		var got [2][]string
		var sums [2]string
		for i, p := range []string{named, unnamed} {
			s := openT(t, Options{}, p)
			s.prefilterMin = 0
			sp := fullSpec(t, "DeviceNetworkEvents")
			sp.AnyTerms = terms
			for _, r := range tableRows(t, s, sp) {
				var parts []string
				for _, c := range sp.Columns {
					parts = append(parts, str(r[c]))
				}
				got[i] = append(got[i], strings.Join(parts, "|"))
			}
			f := s.Summary().Files[0]
			sums[i] = strings.ReplaceAll(countSummary(f), p, "FILE") + fmt.Sprintf(" skipped=%d", f.Skipped)
		}
		if len(got[0]) == 0 || !reflect.DeepEqual(got[0], got[1]) {
			t.Errorf("terms %v: %d rows named, %d unnamed, or they differ", terms, len(got[0]), len(got[1]))
		}
		if sums[0] != sums[1] {
			t.Errorf("terms %v: summaries differ:\n%s\n%s", terms, sums[0], sums[1])
		}
	}
}

// FuzzCensusRouting checks that the census's light routing of JSON lines
// counts exactly what the reference decoder counts.
func FuzzCensusRouting(f *testing.F) {
	data, _ := mixedExport(60)
	f.Add(data, false, false)
	f.Add(oddLines(), false, true)
	f.Add(genLines(3), true, false)
	f.Add([]byte(`{"0":1e700}`+"\n"+`{"RemotePort":-1E+400,"DeviceId":"d"}`), true, false) // out-of-range numbers in a named file
	f.Add([]byte(`{"Type":"DeviceEvents","DeviceId":""}`+"\n"+`{"DeviceId":null,"ActionType":5,"Type":7}`+"\n"+`{"a":{"b":[1e999]}}`), false, false)
	f.Add([]byte(`{"category":"AdvancedHunting-DeviceEvents","properties":"{}"}`+"\n"+`{"category":1,"properties":{}}`), false, false)
	f.Fuzz(func(t *testing.T, data []byte, named, forceJSONL bool) {
		format := FormatAuto
		if forceJSONL {
			format = FormatJSONL
		}
		name := "export.jsonl"
		if named {
			name = "DeviceNetworkEvents.jsonl"
		}
		p := writeFile(t, t.TempDir(), name, data)
		var sums [2]string
		for i, ref := range []bool{false, true} {
			s, err := Open([]string{p}, Options{Format: format, MaxRecordBytes: 1 << 16})
			if err != nil {
				return // content rmmhunt does not read
			}
			if ref {
				// The reference census decodes every line as the scans do.
				s.refCensus = true
				s.sums = summaryStore{}
				if err := s.census(); err != nil {
					t.Fatal(err)
				}
			}
			sums[i] = countSummary(s.Summary().Files[0])
			s.Close()
		}
		if sums[0] != sums[1] {
			t.Errorf("light census:\n%s\nreference census:\n%s", sums[0], sums[1])
		}
	})
}

// TestNamedBigInputSampleCensus: a big flat file named for its table gets
// only a sample census (a full one would double a selective scan's reads),
// yet a record of another table beyond the sample is still found, and the
// summary still counts every record.
func TestNamedBigInputSampleCensus(t *testing.T) {
	var b bytes.Buffer
	for b.Len() <= decodeWholeMax {
		b.Write(genLines(2000))
	}
	flat := int64(bytes.Count(b.Bytes(), []byte("\n")))
	b.WriteString(`{"category":"AdvancedHunting-DeviceProcessEvents","properties":{"Timestamp":"2024-01-01T00:00:00Z","DeviceId":"d","ActionType":"ProcessCreated","FileName":"late.exe"}}` + "\n")
	p := writeFile(t, t.TempDir(), "DeviceNetworkEvents.jsonl", b.Bytes())
	s := openT(t, Options{}, p)
	if s.inputs[0].complete {
		t.Fatal("a big named input took a full census")
	}
	proc := tableRows(t, s, fullSpec(t, "DeviceProcessEvents"))
	if len(proc) != 1 || proc[0]["FileName"].S != "late.exe" {
		t.Fatalf("the record beyond the sample: got %v", proc)
	}
	sp := fullSpec(t, "DeviceNetworkEvents")
	sp.AnyTerms = []string{"anydesk.exe"}
	tableRows(t, s, sp)
	sum := s.Summary()
	if len(sum.Files) != 1 || sum.Files[0].Records != flat+1 {
		t.Fatalf("summary records: %+v, want %d", sum.Files, flat+1)
	}
	// the records the prefilter skipped still count under the named table
	if got := sum.Files[0].Tables["DeviceNetworkEvents"]; got == nil || got.Rows != flat || got.Records != flat {
		t.Fatalf("DeviceNetworkEvents in the summary: %+v, want %d records and rows", got, flat)
	}
	if sum.Files[0].Skipped == 0 {
		t.Fatal("the prefilter skipped nothing: the test does not exercise it")
	}
}
