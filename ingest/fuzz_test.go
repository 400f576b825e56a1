package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// fuzzRead reads data as a file of the given name and format; it must
// never panic or hang, and every record must become a row, a rejection or
// an unrouted count.
func fuzzRead(t *testing.T, data []byte, name string, format Format) {
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open([]string{p}, Options{Format: format, MaxRecordBytes: 1 << 16})
	if err != nil {
		return // unrecognised content named explicitly
	}
	defer s.Close()
	for _, tb := range []string{"DeviceNetworkEvents", "DeviceEvents"} {
		sp := fullSpec(t, tb)
		sp.Workers = 2
		if err := s.Scan(context.Background(), sp, func([]types.Row) error { return nil }); err != nil {
			t.Fatalf("scan: %v", err)
		}
	}
	_ = s.Summary()
}

func FuzzJSONLines(f *testing.F) {
	f.Add(genLines(3))
	f.Add(oddLines())
	f.Add([]byte(xmlEvents))
	f.Add([]byte(`{"records":[{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":1}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "DeviceNetworkEvents.jsonl", FormatJSONL) })
}

func FuzzAutoDetect(f *testing.F) {
	f.Add(genLines(2))
	f.Add([]byte("Timestamp [UTC],RemotePort\n2024-01-01,5\n"))
	f.Add([]byte(`{"Schema":[],"Results":[{"Timestamp":"2024-01-01T00:00:00Z","ActionType":"ConnectionSuccess","DeviceId":"x"}]}`))
	f.Add([]byte(`{"tables":[{"name":"t","columns":[{"name":"Type"},{"name":"RemotePort"}],"rows":[["DeviceNetworkEvents",3]]}]}`))
	f.Add([]byte(xmlEvents))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "input.dat", FormatAuto) })
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("Timestamp [UTC],RemotePort,AdditionalFields\n2024-01-01,5,\"{\"\"a\"\":1}\"\n,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "DeviceNetworkEvents.csv", FormatCSV) })
}

func FuzzJSONDocument(f *testing.F) {
	f.Add([]byte(`{"records":[{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":1}}],"x":2}`))
	f.Add([]byte(`[{"RemotePort":1},{"RemotePort":"x"}]`))
	f.Add([]byte(`{"tables":[{"columns":[{"name":"RemotePort"}],"rows":[[1],[2,3]]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "DeviceNetworkEvents.json", FormatJSON) })
}

func FuzzXML(f *testing.F) {
	f.Add([]byte(xmlEvents))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "events.xml", FormatXML) })
}

func FuzzEVTXFile(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(sharedOrEmpty(f), "sigma_sysmon/file_event_win_anydesk_artefact.evtx")); err == nil {
		f.Add(data)
	}
	f.Add(append([]byte("ElfFile\x00"), make([]byte, 5000)...))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "x.evtx", FormatEVTX) })
}

// FuzzFastPath checks that the fast and simple decoders agree on any line.
func FuzzFastPath(f *testing.F) {
	for _, l := range splitLines(oddLines()) {
		f.Add(l)
	}
	for _, l := range splitLines(genLines(5)) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		p := filepath.Join(t.TempDir(), "DeviceNetworkEvents.jsonl")
		if err := os.WriteFile(p, append(line, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		if detectFormat(append(line, '\n'), p) == FormatAuto {
			return // not a format we read: Open refuses it
		}
		if a, b := scanAll(t, []string{p}, true, 1), scanAll(t, []string{p}, false, 1); a != b {
			t.Fatalf("fast and simple paths differ on %q:\nsimple %s\nfast   %s", line, a, b)
		}
	})
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range b {
		if c == '\n' {
			out = append(out, append([]byte(nil), b[start:i]...))
			start = i + 1
		}
	}
	return out
}

func sharedOrEmpty(tb testing.TB) string {
	dir := filepath.Join("..", "..", "shared", "data", "telemetry")
	if env := os.Getenv("RMMHUNT_SHARED"); env != "" {
		dir = filepath.Join(env, "data", "telemetry")
	}
	return dir
}

// FuzzStreamingAPI reads data as forced storage-blob lines and as a forced
// Event Hub document (Streaming API records only).
func FuzzStreamingAPI(f *testing.F) {
	rec := `{"time":"2024-01-01T00:00:00Z","tenantId":"t","category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":1,"Timestamp":"2024-01-01T00:00:00Z"}}`
	f.Add([]byte(rec+"\r\n"+rec+"\r\n"), false)
	f.Add([]byte(`{"records":[`+rec+`,`+rec+`]}`), true)
	f.Add([]byte(`{"records":[`+rec+"]}\n"+`{"records":[{"category":"x","properties":"{}"}]}`+"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, eventHub bool) {
		if eventHub {
			fuzzRead(t, data, "message.json", FormatEventHub)
		} else {
			fuzzRead(t, data, "PT1H.json", FormatBlob)
		}
	})
}
