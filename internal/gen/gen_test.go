package gen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

func mustWrite(t *testing.T, o Options) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Write(&buf, o)
	if err != nil {
		t.Fatalf("Write(%+v): %v", o, err)
	}
	if st.Bytes != int64(buf.Len()) {
		t.Errorf("Stats.Bytes = %d, wrote %d", st.Bytes, buf.Len())
	}
	return buf.Bytes(), st
}

func small(table, format string) Options {
	o := DefaultOptions()
	o.Rows, o.Table, o.Format, o.RMMShare = 400, table, format, 0.05
	o.RecordsPerMessage = 7
	return o
}

func TestDeterministic(t *testing.T) {
	for _, table := range Tables() {
		for _, format := range Formats() {
			t.Run(table+"/"+format, func(t *testing.T) {
				o := small(table, format)
				a, _ := mustWrite(t, o)
				b, _ := mustWrite(t, o)
				if !bytes.Equal(a, b) {
					t.Fatal("same options gave different bytes")
				}
				o.Seed++
				c, _ := mustWrite(t, o)
				if bytes.Equal(a, c) {
					t.Fatal("a different seed gave the same bytes")
				}
			})
		}
	}
}

// records splits the output into flat rows (the properties of envelopes).
func records(t *testing.T, data []byte, format string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		if !json.Valid(line) {
			t.Fatalf("invalid JSON line: %.200s", line)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		switch format {
		case FormatJSONL:
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		case FormatBlob:
			var env map[string]any
			if err := dec.Decode(&env); err != nil {
				t.Fatal(err)
			}
			out = append(out, checkEnvelope(t, env))
		case FormatEventHub:
			var msg struct{ Records []map[string]any }
			if err := dec.Decode(&msg); err != nil {
				t.Fatal(err)
			}
			if len(msg.Records) == 0 {
				t.Fatalf("message without records: %.200s", line)
			}
			for _, env := range msg.Records {
				out = append(out, checkEnvelope(t, env))
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// netLite holds the network columns the content tests look at; decoding only
// these keeps the tests fast.
type netLite struct {
	Timestamp                               string
	DeviceId                                string
	DeviceName                              string
	RemoteUrl                               *string
	InitiatingProcessFileName               *string
	InitiatingProcessVersionInfoCompanyName *string
	InitiatingProcessId                     int64
	ProcessId                               int64
	AdditionalFields                        struct{ Query string }
}

func (r netLite) url() string {
	if r.RemoteUrl == nil {
		return ""
	}
	return *r.RemoteUrl
}

func (r netLite) company() string {
	if r.InitiatingProcessVersionInfoCompanyName == nil {
		return ""
	}
	return *r.InitiatingProcessVersionInfoCompanyName
}

func liteRows(t *testing.T, data []byte) []netLite {
	t.Helper()
	var out []netLite
	for _, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		var r netLite
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("%v in %.200s", err, line)
		}
		out = append(out, r)
	}
	return out
}

func checkEnvelope(t *testing.T, env map[string]any) map[string]any {
	t.Helper()
	for _, k := range []string{"time", "tenantId", "operationName", "category"} {
		if _, ok := env[k].(string); !ok {
			t.Fatalf("envelope field %s missing or not a string: %v", k, env)
		}
	}
	if env["operationName"] != "Publish" || !strings.HasPrefix(env["category"].(string), "AdvancedHunting-") {
		t.Fatalf("bad envelope: %v", env)
	}
	p, ok := env["properties"].(map[string]any)
	if !ok {
		t.Fatalf("envelope without properties object: %v", env)
	}
	return p
}

var (
	reTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)
	reDeviceID  = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// Column types per table: s string, S string or null, n number, N number or
// null, t datetime string, T datetime or null, b bool, o object or null.
var columnTypes = map[string]map[string]byte{
	TableNetwork: {
		"Timestamp": 't', "DeviceId": 's', "DeviceName": 's', "ActionType": 's', "RemoteIP": 's', "RemotePort": 'n', "RemoteUrl": 'S',
		"LocalIP": 's', "LocalPort": 'n', "Protocol": 's', "LocalIPType": 's', "RemoteIPType": 's',
		"InitiatingProcessSHA1": 'S', "InitiatingProcessSHA256": 'S', "InitiatingProcessMD5": 'S', "InitiatingProcessFileName": 'S', "InitiatingProcessFileSize": 'N',
		"InitiatingProcessVersionInfoCompanyName": 'S', "InitiatingProcessVersionInfoProductName": 'S', "InitiatingProcessVersionInfoProductVersion": 'S',
		"InitiatingProcessVersionInfoInternalFileName": 'S', "InitiatingProcessVersionInfoOriginalFileName": 'S', "InitiatingProcessVersionInfoFileDescription": 'S',
		"InitiatingProcessId": 'n', "InitiatingProcessCommandLine": 'S', "InitiatingProcessCreationTime": 'T', "InitiatingProcessFolderPath": 'S',
		"InitiatingProcessParentFileName": 'S', "InitiatingProcessParentId": 'n', "InitiatingProcessParentCreationTime": 'T',
		"InitiatingProcessAccountDomain": 'S', "InitiatingProcessAccountName": 'S', "InitiatingProcessAccountSid": 'S', "InitiatingProcessAccountUpn": 'S',
		"InitiatingProcessAccountObjectId": 'S', "InitiatingProcessIntegrityLevel": 'S', "InitiatingProcessTokenElevation": 's',
		"ReportId": 'n', "AppGuardContainerId": 's', "AdditionalFields": 'o',
	},
	TableProcess: {
		"Timestamp": 't', "DeviceId": 's', "DeviceName": 's', "ActionType": 's', "FileName": 's', "FolderPath": 's', "SHA1": 's', "SHA256": 's', "MD5": 's',
		"FileSize": 'n', "ProcessVersionInfoCompanyName": 'S', "ProcessVersionInfoProductName": 'S', "ProcessVersionInfoProductVersion": 'S',
		"ProcessVersionInfoInternalFileName": 'S', "ProcessVersionInfoOriginalFileName": 'S', "ProcessVersionInfoFileDescription": 'S',
		"ProcessId": 'n', "ProcessCommandLine": 's', "ProcessIntegrityLevel": 's', "ProcessTokenElevation": 's', "ProcessCreationTime": 't',
		"AccountDomain": 's', "AccountName": 's', "AccountSid": 's', "AccountUpn": 'S', "AccountObjectId": 'S', "LogonId": 'n',
		"InitiatingProcessFileName": 's', "InitiatingProcessId": 'n', "InitiatingProcessCommandLine": 's', "InitiatingProcessParentId": 'n',
		"ReportId": 'n', "AppGuardContainerId": 's', "AdditionalFields": 'o',
	},
	TableCertificate: {
		"Timestamp": 't', "DeviceId": 's', "DeviceName": 's', "SHA1": 's', "IsSigned": 'b', "SignatureType": 's', "Signer": 's', "SignerHash": 's',
		"Issuer": 's', "IssuerHash": 's', "CertificateSerialNumber": 's', "CrlDistributionPointUrls": 'S', "CertificateCreationTime": 't',
		"CertificateExpirationTime": 't', "CertificateCountersignatureTime": 'T', "IsTrusted": 'b', "IsRootSignerMicrosoft": 'b', "ReportId": 'n',
	},
}

func checkType(t *testing.T, col string, want byte, v any, present bool) {
	t.Helper()
	if !present {
		t.Fatalf("column %s missing", col)
	}
	if v == nil {
		if want == 'S' || want == 'N' || want == 'T' || want == 'o' {
			return
		}
		t.Fatalf("column %s is null", col)
	}
	ok := false
	switch want {
	case 's', 'S':
		_, ok = v.(string)
	case 'n', 'N':
		n, isNum := v.(json.Number)
		_, err := n.Int64()
		ok = isNum && err == nil
	case 't', 'T':
		s, isStr := v.(string)
		ok = isStr && reTimestamp.MatchString(s)
	case 'b':
		_, ok = v.(bool)
	case 'o':
		_, ok = v.(map[string]any)
	}
	if !ok {
		t.Fatalf("column %s = %#v, want type %c", col, v, want)
	}
}

func TestRowsAndTypes(t *testing.T) {
	for _, table := range Tables() {
		for _, format := range Formats() {
			t.Run(table+"/"+format, func(t *testing.T) {
				o := small(table, format)
				data, st := mustWrite(t, o)
				recs := records(t, data, format)
				if len(recs) != o.Rows || st.Rows != o.Rows {
					t.Fatalf("got %d records (Stats.Rows %d), want %d", len(recs), st.Rows, o.Rows)
				}
				lines := bytes.Count(data, []byte("\n"))
				wantLines := o.Rows
				if format == FormatEventHub {
					wantLines = (o.Rows + o.RecordsPerMessage - 1) / o.RecordsPerMessage
				}
				if lines != wantLines {
					t.Errorf("%d lines, want %d", lines, wantLines)
				}
				crlf := bytes.Count(data, []byte("\r\n"))
				if format == FormatBlob && crlf != lines {
					t.Errorf("blob: %d CRLF of %d lines", crlf, lines)
				}
				if format != FormatBlob && crlf != 0 {
					t.Errorf("%s: %d CRLF line ends, want LF", format, crlf)
				}
				prev := ""
				for _, r := range recs {
					for col, want := range columnTypes[table] {
						v, ok := r[col]
						checkType(t, col, want, v, ok)
					}
					if !reDeviceID.MatchString(r["DeviceId"].(string)) {
						t.Fatalf("DeviceId %q is not 40 hex digits", r["DeviceId"])
					}
					ts := r["Timestamp"].(string)
					if ts < prev {
						t.Fatalf("timestamps not ascending: %s after %s", ts, prev)
					}
					prev = ts
					tt, _ := time.Parse(time.RFC3339Nano, ts)
					if tt.Before(o.Start) || !tt.Before(o.End) {
						t.Fatalf("Timestamp %s outside %s..%s", ts, o.Start, o.End)
					}
				}
			})
		}
	}
}

func TestZeroRows(t *testing.T) {
	for _, format := range Formats() {
		o := small(TableNetwork, format)
		o.Rows = 0
		data, st := mustWrite(t, o)
		if len(data) != 0 || st.Rows != 0 || !st.First.IsZero() {
			t.Errorf("%s: zero rows wrote %q, %+v", format, data, st)
		}
	}
}

func TestRMMShare(t *testing.T) {
	binaries := map[string]string{}
	for _, tool := range DefaultTools() {
		for _, b := range tool.binaries() {
			binaries[b] = tool.Name
		}
	}
	for _, share := range []float64{0, 0.02, 0.2} {
		o := DefaultOptions()
		o.Rows, o.RMMShare, o.NearMissShare = 4000, share, 0
		data, st := mustWrite(t, o)
		n := 0
		for _, r := range liteRows(t, data) {
			if r.InitiatingProcessFileName != nil && binaries[*r.InitiatingProcessFileName] != "" {
				n++
			} else if isToolDomain(r.AdditionalFields.Query) {
				n++ // DNS inspection of a tool's domain
			}
		}
		if n != st.RMMRows {
			t.Errorf("share %v: found %d RMM rows in the output, Stats says %d", share, n, st.RMMRows)
		}
		got := float64(n) / float64(o.Rows)
		if math.Abs(got-share) > 0.2*share+0.004 {
			t.Errorf("share %v: got %.4f", share, got)
		}
	}
}

func isToolDomain(h string) bool {
	for _, tool := range DefaultTools() {
		for _, d := range tool.Domains {
			if d == h {
				return true
			}
		}
	}
	return false
}

// has is Kusto's has (term match, case-insensitive), as specified in the
// project's semantics notes; enough to check what the seed rule matches.
func has(h, n string) bool {
	hr, nr := []rune(strings.ToLower(h)), []rune(strings.ToLower(n))
	term := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for p := 0; p+len(nr) <= len(hr); p++ {
		if string(hr[p:p+len(nr)]) != string(nr) {
			continue
		}
		if term(nr[0]) && p > 0 && term(hr[p-1]) {
			continue
		}
		if e := p + len(nr); term(nr[len(nr)-1]) && e < len(hr) && term(hr[e]) {
			continue
		}
		return true
	}
	return false
}

func hasAny(h string, ns ...string) bool {
	for _, n := range ns {
		if has(h, n) {
			return true
		}
	}
	return false
}

// seedMatch is the seed rule's filter without its time window.
func seedMatch(r netLite) bool {
	return hasAny(r.url(), DefaultTools()[0].Domains...) && hasAny(r.company(), "CloudBerry", "MSP360")
}

func TestNearMissesDoNotMatchSeedRule(t *testing.T) {
	o := DefaultOptions()
	o.Rows, o.RMMShare, o.NearMissShare = 3000, 0, 0.05
	data, st := mustWrite(t, o)
	if st.NearMissRows == 0 {
		t.Fatal("no near misses written")
	}
	var sawFarm, sawCommunity, sawOneWord bool
	for _, r := range liteRows(t, data) {
		if seedMatch(r) {
			t.Fatalf("with RMMShare 0 the seed rule matched %+v", r)
		}
		url, company := r.url(), r.company()
		sawFarm = sawFarm || strings.Contains(strings.ToLower(url), "farm.mspbackups.com")
		sawCommunity = sawCommunity || strings.Contains(strings.ToLower(url), "rm.mspbackups.community")
		sawOneWord = sawOneWord || company == "CloudBerryLab"
	}
	if !sawFarm || !sawCommunity || !sawOneWord {
		t.Errorf("near misses missing: farm %v community %v CloudBerryLab %v", sawFarm, sawCommunity, sawOneWord)
	}
}

func TestHasHelper(t *testing.T) {
	for _, c := range []struct {
		h, n string
		want bool
	}{
		{"rm.mspbackups.com", "rm.mspbackups.com", true},
		{"https://RM.MSPBACKUPS.COM:443/x", "rm.mspbackups.com", true},
		{"farm.mspbackups.com", "rm.mspbackups.com", false},
		{"rm.mspbackups.community", "rm.mspbackups.com", false},
		{"CloudBerry Lab", "CloudBerry", true},
		{"CloudBerryLab", "CloudBerry", false},
		{"", "x", false},
	} {
		if got := has(c.h, c.n); got != c.want {
			t.Errorf("has(%q, %q) = %v, want %v", c.h, c.n, got, c.want)
		}
	}
}

// Process ids of network rows match process-creation rows of the same seed,
// so a join of the two tables finds rows (the benchmark's join query).
func TestTablesShareProcesses(t *testing.T) {
	o := DefaultOptions()
	o.Rows, o.RMMShare = 3000, 0.05
	netData, _ := mustWrite(t, o)
	o.Table, o.Rows = TableProcess, 1000
	procData, _ := mustWrite(t, o)
	type key struct {
		dev string
		pid int64
	}
	created := map[key]bool{}
	for _, r := range liteRows(t, procData) {
		created[key{r.DeviceId, r.ProcessId}] = true
	}
	joined := 0
	for _, r := range liteRows(t, netData) {
		if created[key{r.DeviceId, r.InitiatingProcessId}] {
			joined++
		}
	}
	if joined < 100 {
		t.Errorf("only %d of %d network rows join a process creation", joined, o.Rows)
	}
}

func TestOptionErrors(t *testing.T) {
	base := DefaultOptions()
	for _, c := range []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"negative rows", func(o *Options) { o.Rows = -1 }, "Rows"},
		{"bad format", func(o *Options) { o.Format = "csv" }, `unknown format "csv"`},
		{"bad table", func(o *Options) { o.Table = "DeviceEvents" }, `unknown table "DeviceEvents"`},
		{"start after end", func(o *Options) { o.Start = o.End.Add(time.Hour) }, "must be before"},
		{"share", func(o *Options) { o.RMMShare = 1.5 }, "RMMShare"},
		{"nan share", func(o *Options) { o.NearMissShare = math.NaN() }, "NearMissShare"},
		{"shares sum", func(o *Options) { o.RMMShare, o.NearMissShare = 0.7, 0.7 }, "must not exceed"},
		{"no tools", func(o *Options) { o.Tools = []ToolProfile{} }, "Tools is empty"},
		{"tool without domains", func(o *Options) { o.Tools = []ToolProfile{{Name: "x", Binary: "x.exe"}} }, "no Domains"},
		{"bad port", func(o *Options) {
			o.Tools = []ToolProfile{{Name: "x", Binary: "x.exe", Domains: []string{"x.com"}, Ports: []int{70000}}}
		}, "port 70000"},
		{"devices", func(o *Options) { o.Devices = -3 }, "Devices"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := base
			c.mod(&o)
			_, err := Write(&bytes.Buffer{}, o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `C:\Program Files\x "y"`, "tab\tnl\ncr\r\x01\x1f", "Microsoft® Windows®", "bad \xff utf8", "<&>"} {
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q encoded as invalid JSON %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q round-tripped to %q, want %q", s, back, wantBack)
		}
	}
}

// TestExampleIncidentUpToDate regenerates examples/incident and compares it
// with the committed files; run with -update to rewrite them.
func TestExampleIncidentUpToDate(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(), "examples", "incident")
	var net []netLite
	for _, table := range Tables() {
		data, _ := mustWrite(t, ExampleIncident(table))
		testutil.Golden(t, filepath.Join(dir, table+".jsonl"), data)
		if table == TableNetwork {
			net = liteRows(t, data)
		}
	}
	// The seed rule, run with --now IncidentNow, must find MSP360 on two
	// devices, with several RemoteUrl forms; some rows must fall outside the
	// window.
	lo, hi := IncidentNow.Add(-5*24*time.Hour), IncidentNow
	devices, urls := map[string]bool{}, map[string]bool{}
	outside := 0
	for _, r := range net {
		ts, _ := time.Parse(time.RFC3339Nano, r.Timestamp)
		in := !ts.Before(lo) && !ts.After(hi)
		if !in {
			outside++
		}
		if in && seedMatch(r) {
			devices[r.DeviceName] = true
			urls[r.url()] = true
		}
	}
	if len(devices) != 2 || len(urls) < 3 || outside == 0 {
		t.Errorf("seed rule finds %d devices (%v) with %d RemoteUrl forms, %d rows outside the window; want 2 devices, >= 3 forms, some outside", len(devices), devices, len(urls), outside)
	}
	total := int64(0)
	for _, table := range Tables() {
		if fi, err := os.Stat(filepath.Join(dir, table+".jsonl")); err == nil {
			total += fi.Size()
		}
	}
	if total > 3<<20 {
		t.Errorf("example incident is %d bytes, keep it under 3 MiB", total)
	}
}
