package schema

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// notColumns lists record fields seen in the telemetry samples that are not
// table columns, each with the reason. Everything else must be in the schema.
var notColumns = map[string]string{
	// None so far: every field of the samples' properties objects is a
	// documented column. Envelope fields (Tenant, tenantId, time, category,
	// operationName, _TimeReceivedBySvc) sit outside "properties" and are
	// not checked as columns.
}

// streamingRecord is one Defender Streaming API record (Event Hub or blob).
type streamingRecord struct {
	Category   string                     `json:"category"`
	Properties map[string]json.RawMessage `json:"properties"`
}

func tableOfCategory(t *testing.T, category string) *Table {
	t.Helper()
	name, ok := strings.CutPrefix(category, "AdvancedHunting-")
	if !ok {
		t.Fatalf("unexpected category %q", category)
	}
	tab, ok := Lookup(name)
	if !ok {
		t.Fatalf("category %q names unknown table %s", category, name)
	}
	return tab
}

// checkFields reports every field of a record that the table lacks.
func checkFields(t *testing.T, where string, tab *Table, fields []string, missing map[string]bool) {
	t.Helper()
	for _, f := range fields {
		if _, ok := tab.Column(f); ok {
			continue
		}
		if reason, ok := notColumns[f]; ok {
			t.Logf("%s: %s.%s skipped: %s", where, tab.Name, f, reason)
			continue
		}
		key := tab.Name + "." + f
		if !missing[key] {
			missing[key] = true
			hint := Suggest(tab, f)
			t.Errorf("%s: field %s is not a column of %s (did you mean %q?)", where, f, tab.Name, hint)
		}
	}
}

func keys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestTelemetryStreamingFieldsAreColumns(t *testing.T) {
	dir := testutil.SharedDir(t, "data/telemetry")
	missing := map[string]bool{}
	seen := map[string]int{}

	// Event Hub records, one per line.
	path := filepath.Join(dir, "elastic_m365_defender", "test-device.subset.ndjson")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r streamingRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		tab := tableOfCategory(t, r.Category)
		seen[tab.Name]++
		checkFields(t, filepath.Base(path)+":"+itoa(line), tab, keys(r.Properties), missing)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	// Live storage-account records captured by graph2otel.
	for _, name := range []string{"devicenetwork_live_envelope.json", "deviceprocess_live_envelope.json", "devicefilecert_live_envelope.json"} {
		p := filepath.Join(dir, "graph2otel_streaming_live", name)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var r streamingRecord
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		tab := tableOfCategory(t, r.Category)
		seen[tab.Name]++
		checkFields(t, name, tab, keys(r.Properties), missing)
	}

	for _, want := range []string{"DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileCertificateInfo"} {
		if seen[want] == 0 {
			t.Errorf("no %s records checked", want)
		}
	}
	t.Logf("records checked per table: %v", seen)
}

// TestTelemetryStreamingTypes checks that the JSON value kinds in the
// samples agree with the column types: numbers in int/long columns, booleans
// in bool columns.
func TestTelemetryStreamingTypes(t *testing.T) {
	dir := testutil.SharedDir(t, "data/telemetry")
	p := filepath.Join(dir, "graph2otel_streaming_live", "PT1H.sample.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, ln := range strings.Split(string(data), "\n") {
		ln = strings.TrimSpace(ln)
		if ln == "" {
			continue
		}
		var r streamingRecord
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatalf("%s:%d: %v", p, i+1, err)
		}
		tab := tableOfCategory(t, r.Category)
		for k, raw := range r.Properties {
			c, ok := tab.Column(k)
			if !ok || string(raw) == "null" {
				continue
			}
			n++
			switch c.Type {
			case TypeInt, TypeLong:
				if raw[0] == '"' || raw[0] == 't' || raw[0] == 'f' || raw[0] == '{' || raw[0] == '[' {
					t.Errorf("%s.%s is %s but the sample has %s", tab.Name, k, c.Type, raw)
				}
			case TypeBool:
				if string(raw) != "true" && string(raw) != "false" {
					t.Errorf("%s.%s is bool but the sample has %s", tab.Name, k, raw)
				}
			case TypeDatetime:
				if raw[0] != '"' {
					t.Errorf("%s.%s is datetime but the sample has %s", tab.Name, k, raw)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no values checked")
	}
}

// TestTelemetryPortalCSVHeader checks the Advanced Hunting portal export of a
// union of DeviceProcessEvents, DeviceNetworkEvents and DeviceEvents: every
// header column belongs to at least one of the three tables.
func TestTelemetryPortalCSVHeader(t *testing.T) {
	dir := testutil.SharedDir(t, "data/telemetry")
	f, err := os.Open(filepath.Join(dir, "defender_portal_csv_export", "advanced_hunting_test.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header, err := csv.NewReader(f).Read()
	if err != nil {
		t.Fatal(err)
	}
	var tables []*Table
	for _, n := range []string{"DeviceProcessEvents", "DeviceNetworkEvents", "DeviceEvents"} {
		tab, _ := Lookup(n)
		tables = append(tables, tab)
	}
	for _, h := range header {
		found := false
		for _, tab := range tables {
			if _, ok := tab.Column(h); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("CSV column %q is in none of the union's tables", h)
		}
	}
}

// TestTelemetryWindowsEventFields checks the Log Analytics WindowsEvent export.
func TestTelemetryWindowsEventFields(t *testing.T) {
	dir := testutil.SharedDir(t, "data/telemetry")
	p := filepath.Join(dir, "otrf_sysmon", "sysmon_log4shell_java_serialized_object.windowsevent_eid3_eid22.ndjson")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := Lookup("WindowsEvent")
	missing := map[string]bool{}
	for i, ln := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(ln) == "" {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(ln), &m); err != nil {
			t.Fatalf("%s:%d: %v", p, i+1, err)
		}
		checkFields(t, filepath.Base(p)+":"+itoa(i+1), tab, keys(m), missing)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// unionComputed lists columns of the OTRF Advanced Hunting API export that
// its union query computed with extend; they belong to no table.
var unionComputed = map[string]string{
	"AppId":              "documented in none of the three tables: computed by the exporting query",
	"Permissions":        "documented in none of the three tables: computed by the exporting query",
	"PermissionsAddedTo": "documented in none of the three tables: computed by the exporting query",
	"UserId":             "documented in none of the three tables: computed by the exporting query",
	"rawData":            "documented in none of the three tables: computed by the exporting query",
	"spnID":              "documented in none of the three tables: computed by the exporting query",
}

// TestTelemetryAPIExportColumns checks the Advanced Hunting API export of a
// union of DeviceEvents, IdentityDirectoryEvents and CloudAppEvents. Kusto
// suffixes a column whose type differs between the union's tables with
// _<type>; the base name must still be a column of one of the tables.
func TestTelemetryAPIExportColumns(t *testing.T) {
	dir := testutil.SharedDir(t, "data/telemetry")
	data, err := os.ReadFile(filepath.Join(dir, "otrf_m365d_api_export", "Microsoft365DefenderEvents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tables []*Table
	for _, n := range []string{"DeviceEvents", "IdentityDirectoryEvents", "CloudAppEvents"} {
		tab, _ := Lookup(n)
		tables = append(tables, tab)
	}
	cols := map[string]bool{}
	for i, ln := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(ln) == "" {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(ln), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for k := range m {
			cols[k] = true
		}
	}
	for k := range cols {
		base := k
		for _, suf := range []string{"_string", "_long", "_dynamic", "_int", "_bool", "_datetime"} {
			if b, ok := strings.CutSuffix(k, suf); ok {
				base = b
			}
		}
		if reason, ok := unionComputed[base]; ok {
			t.Logf("%s skipped: %s", k, reason)
			continue
		}
		found := false
		for _, tab := range tables {
			if _, ok := tab.Column(base); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("export column %q (base %q) is in none of the union's tables", k, base)
		}
	}
}
