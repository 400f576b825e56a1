package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestProgress(t *testing.T) {
	dir := t.TempDir()
	data := genLines(2000)
	plain := writeFile(t, dir, "DeviceNetworkEvents.jsonl", data)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	comp := writeFile(t, dir, "z/DeviceNetworkEvents.jsonl.gz", gz.Bytes())
	lines := int64(bytes.Count(data, []byte{'\n'}))
	for _, c := range []struct {
		name      string
		paths     []string
		wantTotal int64
		wantBytes int64
		wantRecs  int64
	}{
		{"plain", []string{plain}, int64(len(data)), int64(len(data)), lines},
		{"gzip", []string{comp}, 0, int64(len(data)), lines},
		{"both", []string{plain, comp}, 0, 2 * int64(len(data)), 2 * lines},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []Progress
			s := openT(t, Options{Progress: func(p Progress) { got = append(got, p) }}, c.paths...)
			sp := fullSpec(t, "DeviceNetworkEvents")
			sp.Workers = 2
			if err := s.Scan(context.Background(), sp, func([]types.Row) error { return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				t.Fatal("no progress reported")
			}
			last := got[len(got)-1]
			if last.TotalBytes != c.wantTotal || last.BytesRead != c.wantBytes || last.Records != c.wantRecs {
				t.Fatalf("last progress %+v, want total %d, bytes %d, records %d", last, c.wantTotal, c.wantBytes, c.wantRecs)
			}
			for i := 1; i < len(got); i++ {
				if got[i].BytesRead < got[i-1].BytesRead || got[i].Records < got[i-1].Records {
					t.Fatalf("progress went back: %+v then %+v", got[i-1], got[i])
				}
			}
		})
	}
}
