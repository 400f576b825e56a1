package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// scanAll renders every row of the tables, the rejections and the summary
// counts of a set.
func scanAll(t testing.TB, paths []string, noFast bool, workers int) string {
	var rej []string
	s, err := Open(paths, Options{OnReject: func(r Rejection) { rej = append(rej, r.String()) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.noFast = noFast
	var b strings.Builder
	for _, tb := range []string{"DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileCertificateInfo", "DeviceEvents"} {
		sp := fullSpec(t, tb)
		sp.Workers = workers
		err := s.Scan(context.Background(), sp, func(rows []types.Row) error {
			for _, r := range rows {
				for i, v := range r {
					fmt.Fprintf(&b, "%s=%s:%s|", sp.Columns[i], v.T, str(v))
				}
				b.WriteByte('\n')
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	b.WriteString(strings.Join(rej, "\n"))
	for _, f := range s.Summary().Files {
		fmt.Fprintf(&b, "\n%s rec=%d rej=%d blank=%d unrouted=%v unknown=%v", f.File, f.Records, f.Rejected, f.Blank, f.Unrouted, f.UnknownKeys)
		for _, n := range f.TableNames() {
			ts := f.Tables[n]
			fmt.Fprintf(&b, " %s:%d/%d/%d/%d", n, ts.Records, ts.Rows, ts.FieldRejects, ts.RejectedRecords)
		}
	}
	return b.String()
}

func oddLines() []byte {
	lines := []string{
		`{"Timestamp":"2024-01-01T00:00:00Z","RemoteUrl":"caf\u00e9 \ud83d\ude00 \ud800 x\/y\"q\\","RemotePort":12}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","RemotePort":1e3,"ReportId":-5,"LocalPort":2147483648,"InitiatingProcessFileSize":1.5}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","RemotePort":12,"RemotePort":13}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","Remote\u0050ort":14}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","AdditionalFields":"{\"a\":[1,2.5,true,null]}","ReportId_long":7,"ReportId_string":""}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","AdditionalFields":{"x":{"y":[]}},"IsInitiatingProcessRemoteSession":"True","Extra":[1]}`,
		`{"TimeGenerated":"2024-01-01 00:00:00.1234567","RemoteIP":123,"LocalIP":true,"Protocol":{"a":1}}`,
		`{"Timestamp":"2024-01-01T00:00:00Z","RemotePort":"  42 ","LocalPort":"4.0"}`,
		`{"Timestamp":null,"RemotePort":null}`,
		`{}`,
		`{"Timestamp":"2024-01-01T00:00:00Z",}`,
		`{"Timestamp":"2024-01-01T00:00:00Z"} x`,
		`{"records":[{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":1}}]}`,
		`{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":2},"tenantId":"t1","Tenant":"x"}`,
		`{"category":"AdvancedHunting-NoSuchTable","properties":{"RemotePort":2}}`,
		`{"category":"AdvancedHunting-DeviceProcessEvents","properties":"{\"ProcessId\":5}"}`,
		`{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":2,"RemotePort":3}}`,
		`  {"Timestamp":"2024-01-01T00:00:00Z","RemotePort":  7  }  `,
	}
	return []byte(strings.Join(lines, "\r\n") + "\n")
}

func TestFastAndSimplePathsAgree(t *testing.T) {
	dir := t.TempDir()
	gen := writeFile(t, dir, "DeviceNetworkEvents.jsonl", genLines(3000))
	odd := writeFile(t, dir, "odd/DeviceNetworkEvents.jsonl", oddLines())
	sets := [][]string{{gen}, {odd},
		{sample(t, "elastic_m365_defender/test-device.subset.ndjson")},
		{sample(t, "graph2otel_streaming_live/PT1H.sample.json")},
		{sample(t, "otrf_m365d_api_export/Microsoft365DefenderEvents.json")},
		{sample(t, "otrf_sysmon/cmd_bitsadmin_download_psh_script.sysmon_eid3_eid22.ndjson")},
	}
	for _, paths := range sets {
		t.Run(filepath.Base(paths[0]), func(t *testing.T) {
			simple := scanAll(t, paths, true, 1)
			fast := scanAll(t, paths, false, 3)
			if simple != fast {
				sl, fl := strings.Split(simple, "\n"), strings.Split(fast, "\n")
				for i := range sl {
					if i >= len(fl) || sl[i] != fl[i] {
						t.Fatalf("line %d differs:\nsimple %s\nfast   %s", i, sl[i], fl[min(i, len(fl)-1)])
					}
				}
				t.Fatalf("fast path has %d lines, simple %d", len(fl), len(sl))
			}
		})
	}
}

// BenchmarkScan measures a scan of flat JSON lines and of Streaming API
// blob lines, decoding a few columns, serially and with 2 workers.
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	data := genLines(50000)
	flat := filepath.Join(dir, "DeviceNetworkEvents.jsonl")
	os.WriteFile(flat, data, 0o644)
	var blob strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		blob.WriteString(`{"time":"2024-01-01T00:00:00Z","category":"AdvancedHunting-DeviceNetworkEvents","properties":` + l + `,"tenantId":"t"}` + "\r\n")
	}
	blobPath := filepath.Join(dir, "PT1H.json")
	os.WriteFile(blobPath, []byte(blob.String()), 0o644)
	for _, c := range []struct {
		name, path string
		size       int64
	}{{"flat", flat, int64(len(data))}, {"blob", blobPath, int64(blob.Len())}} {
		for _, workers := range []int{1, 2} {
			for _, terms := range [][]string{nil, {"anydesk"}} {
				b.Run(fmt.Sprintf("%s/workers=%d/terms=%d", c.name, workers, len(terms)), func(b *testing.B) {
					s, err := Open([]string{c.path}, Options{})
					if err != nil {
						b.Fatal(err)
					}
					defer s.Close()
					sp := fullSpec(b, "DeviceNetworkEvents")
					sp.Columns = []string{"Timestamp", "DeviceName", "RemoteIP", "RemotePort", "InitiatingProcessFileName"}
					sp.Types = []types.Type{types.DateTime, types.String, types.String, types.Int, types.String}
					sp.Workers = workers
					sp.AnyTerms = terms
					b.SetBytes(c.size)
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						n := 0
						if err := s.Scan(context.Background(), sp, func(rows []types.Row) error { n += len(rows); return nil }); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
