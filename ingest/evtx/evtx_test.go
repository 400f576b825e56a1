package evtx

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

func readSample(t testing.TB) []byte {
	dir := testutil.SharedDir(t, "data/telemetry")
	data, err := os.ReadFile(filepath.Join(dir, "sigma_sysmon/file_event_win_anydesk_artefact.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSampleFile(t *testing.T) {
	r, err := NewReader(bytes.NewReader(readSample(t)))
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	for {
		c, _, err := r.NextChunk()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !IsChunk(c) {
			continue
		}
		rs, err := ParseChunk(c)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rs...)
	}
	if len(recs) != 5 {
		t.Fatalf("%d records", len(recs))
	}
	e := recs[0].Event
	sys := e.Child("System")
	tests := []struct{ got, want string }{
		{e.Name, "Event"},
		{sys.Child("Provider").Attr("Name"), "Microsoft-Windows-Sysmon"},
		{sys.Child("EventID").Text, "11"},
		{sys.Child("Computer").Text, "ar-win-dc.attackrange.local"},
		{sys.Child("Security").Attr("UserID"), "S-1-5-18"},
		{sys.Child("Keywords").Text, "0x8000000000000000"},
		{sys.Child("TimeCreated").Attr("SystemTime"), "2025-10-24T23:34:34.6406700Z"},
		{sys.Child("EventRecordID").Text, "14961"},
		{e.Child("EventData").Children[2].Text, "{5AA13A44-0D08-68FC-DC1D-000000004002}"},
		{e.Child("EventData").Children[5].Attr("Name"), "TargetFilename"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
	if recs[0].ID != 1 || recs[0].Written.Year() != 2025 {
		t.Errorf("record id %d written %v", recs[0].ID, recs[0].Written)
	}
}

func TestCorrupt(t *testing.T) {
	if _, err := NewReader(strings.NewReader("not evtx")); err == nil {
		t.Error("short input accepted")
	}
	if _, err := ParseChunk(make([]byte, ChunkSize)); err == nil {
		t.Error("zero chunk accepted")
	}
	data := readSample(t)
	chunk := append([]byte(nil), data[FileHeaderSize:FileHeaderSize+ChunkSize]...)
	// Break the first record's BinXML: the record is reported, the others read.
	chunk[512+24+10] = 0xee
	recs, err := ParseChunk(chunk)
	if err != nil || len(recs) == 0 {
		t.Fatalf("records %d err %v", len(recs), err)
	}
}

func FuzzParseChunk(f *testing.F) {
	data := readSample(f)
	f.Add(data[FileHeaderSize : FileHeaderSize+ChunkSize])
	f.Fuzz(func(t *testing.T, chunk []byte) {
		if len(chunk) > ChunkSize {
			chunk = chunk[:ChunkSize]
		}
		recs, _ := ParseChunk(chunk)
		for _, r := range recs {
			if r.Err == nil && r.Event == nil {
				t.Fatal("record without event or error")
			}
		}
	})
}
