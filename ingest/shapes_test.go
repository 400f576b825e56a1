package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// streamRecords reads the Streaming API records of a sample as ordered
// bags.
func streamRecords(t *testing.T, path string) []*types.Bag {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*types.Bag
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" {
			continue
		}
		v, err := types.ParseJSON(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v.(*types.Bag))
	}
	return out
}

func jsonText(v any) string { return types.DynamicJSON(v, false) }

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zst(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := zstd.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// cellText renders a JSON value as a portal CSV export writes it.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return jsonText(v)
}

// shapes writes the same records in every Defender / Sentinel shape and
// returns shape name → paths.
func shapes(t *testing.T, recs []*types.Bag) map[string][]string {
	dir := t.TempDir()
	out := map[string][]string{}
	byTable := map[string][]*types.Bag{}
	var tables []string
	var lines []string
	for _, r := range recs {
		lines = append(lines, jsonText(r))
		cat, _ := r.Vals["category"].(string)
		table := strings.TrimPrefix(cat, "AdvancedHunting-")
		if byTable[table] == nil {
			tables = append(tables, table)
		}
		byTable[table] = append(byTable[table], r.Vals["properties"].(*types.Bag))
	}
	blob := []byte(strings.Join(lines, "\r\n") + "\r\n")
	out["blob"] = []string{writeFile(t, dir, "blob/PT1H.json", blob)}
	out["blob.gz"] = []string{writeFile(t, dir, "gz/PT1H.json.gz", gz(blob))}
	out["blob.zst"] = []string{writeFile(t, dir, "zst/PT1H.json.zst", zst(blob))}
	out["eventhub"] = []string{writeFile(t, dir, "eh/message.json", []byte("{\n  \"records\": [\n"+strings.Join(lines, ",\n")+"\n  ]\n}\n"))}
	// Event Hub with the keys of every record in reverse order.
	var rev []string
	for _, r := range recs {
		b := types.NewBag()
		for i := len(r.Keys) - 1; i >= 0; i-- {
			b.Set(r.Keys[i], r.Vals[r.Keys[i]])
		}
		rev = append(rev, jsonText(b))
	}
	out["eventhub-reordered"] = []string{writeFile(t, dir, "eh2/m.json", []byte(`{"records":[`+strings.Join(rev, ",")+`]}`))}
	for _, table := range tables {
		props := byTable[table]
		var flat, la []string
		var results []any
		colSet := map[string]bool{}
		var cols []string
		for _, p := range props {
			flat = append(flat, jsonText(p))
			results = append(results, p)
			for _, k := range p.Keys {
				if !colSet[k] {
					colSet[k] = true
					cols = append(cols, k)
				}
			}
			l := types.NewBag()
			for _, k := range p.Keys {
				if k == "Timestamp" {
					l.Set("TimeGenerated", p.Vals[k])
					continue
				}
				l.Set(k, p.Vals[k])
			}
			l.Set("Type", table)
			la = append(la, jsonText(l))
		}
		out["jsonl"] = append(out["jsonl"], writeFile(t, dir, "flat/"+table+".jsonl", []byte(strings.Join(flat, "\n")+"\n")))
		out["la-jsonl"] = append(out["la-jsonl"], writeFile(t, dir, "la/export_"+table+".json", []byte(strings.Join(la, "\n")+"\n")))
		api := types.NewBag()
		var schemaCols []any
		for _, c := range cols {
			sc := types.NewBag()
			sc.Set("Name", c)
			sc.Set("Type", "String")
			schemaCols = append(schemaCols, sc)
		}
		api.Set("Schema", schemaCols)
		api.Set("Results", results)
		out["ah-api"] = append(out["ah-api"], writeFile(t, dir, "api/"+table+".json", []byte(jsonText(api))))
		// Log Analytics query API: one table of rows, routed by Type.
		laCols := []any{}
		for _, c := range append(cols, "Type") {
			cb := types.NewBag()
			cb.Set("name", c)
			cb.Set("type", "string")
			laCols = append(laCols, cb)
		}
		var rows []any
		for _, p := range props {
			var row []any
			for _, c := range cols {
				row = append(row, p.Vals[c])
			}
			rows = append(rows, append(row, table))
		}
		lt := types.NewBag()
		lt.Set("name", "PrimaryResult")
		lt.Set("columns", laCols)
		lt.Set("rows", rows)
		laDoc := types.NewBag()
		laDoc.Set("tables", []any{lt})
		out["la-api"] = append(out["la-api"], writeFile(t, dir, "laapi/q"+table[:7]+"_"+string(rune('a'+len(out["la-api"])))+".json", []byte(jsonText(laDoc))))
		// Portal CSV, headers with a " [UTC]" suffix on the time column.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		hdr := append([]string(nil), cols...)
		for i, h := range hdr {
			if h == "Timestamp" {
				hdr[i] = h + " [UTC]"
			}
		}
		w.Write(hdr)
		for _, p := range props {
			var rec []string
			for _, c := range cols {
				rec = append(rec, cellText(p.Vals[c]))
			}
			w.Write(rec)
		}
		w.Flush()
		out["csv"] = append(out["csv"], writeFile(t, dir, "csv/"+table+".csv", buf.Bytes()))
	}
	return out
}

// rowText renders rows of a table without TenantId (Advanced Hunting
// shapes do not carry it).
func rowText(t *testing.T, s *Set, table string) []string {
	sp := fullSpec(t, table)
	var out []string
	for _, r := range tableRows(t, s, sp) {
		var parts []string
		for _, c := range sp.Columns {
			if c == "TenantId" {
				continue
			}
			v := r[c]
			parts = append(parts, c+"="+v.T.String()+":"+str(v))
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

func TestSameEventsEveryShape(t *testing.T) {
	for _, src := range []string{"graph2otel_streaming_live/PT1H.sample.json", "elastic_m365_defender/test-device.subset.ndjson"} {
		recs := streamRecords(t, sample(t, src))
		paths := shapes(t, recs)
		tables := []string{"DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileCertificateInfo"}
		base := openT(t, Options{}, sample(t, src))
		want := map[string][]string{}
		for _, tb := range tables {
			want[tb] = rowText(t, base, tb)
		}
		var names []string
		for n := range paths {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			t.Run(filepath.Base(src)+"/"+name, func(t *testing.T) {
				s := openT(t, Options{}, paths[name]...)
				for _, tb := range tables {
					got := rowText(t, s, tb)
					if len(got) != len(want[tb]) {
						t.Fatalf("%s: %d rows, want %d", tb, len(got), len(want[tb]))
					}
					for i := range got {
						if got[i] != want[tb][i] {
							t.Errorf("%s row %d differs:\n got %s\nwant %s", tb, i, diffCols(got[i], want[tb][i]), "")
						}
					}
				}
				if n := s.Summary().TotalRejections(); n != 0 {
					t.Errorf("%d rejections", n)
				}
			})
		}
	}
}

func diffCols(a, b string) string {
	as, bs := strings.Split(a, "|"), strings.Split(b, "|")
	var d []string
	for i := range as {
		if i < len(bs) && as[i] != bs[i] {
			d = append(d, as[i]+" (want "+bs[i]+")")
		}
	}
	return strings.Join(d, "; ")
}
