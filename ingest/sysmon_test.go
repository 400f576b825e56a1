package ingest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

const xmlEvents = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>1</EventID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>host1.corp</Computer><TimeCreated SystemTime='2024-03-01T10:00:00.0000000Z'/></System><EventData><Data Name='UtcTime'>2024-03-01 10:00:00.000</Data><Data Name='ProcessGuid'>{AAAAAAAA-0000-0000-0000-000000000001}</Data><Data Name='ProcessId'>4242</Data><Data Name='Image'>C:\Program Files\ScreenConnect\ScreenConnect.ClientService.exe</Data><Data Name='FileVersion'>23.9.8.8811</Data><Data Name='Description'>ScreenConnect Client Service</Data><Data Name='Product'>ScreenConnect</Data><Data Name='Company'>ConnectWise, Inc.</Data><Data Name='OriginalFileName'>ScreenConnect.ClientService.exe</Data><Data Name='CommandLine'>"ScreenConnect.ClientService.exe" "?e=Access"</Data><Data Name='User'>NT AUTHORITY\SYSTEM</Data><Data Name='LogonId'>0x3e7</Data><Data Name='IntegrityLevel'>System</Data><Data Name='Hashes'>SHA1=AB,MD5=CD,SHA256=EF</Data><Data Name='ParentProcessGuid'>{AAAAAAAA-0000-0000-0000-000000000000}</Data><Data Name='ParentProcessId'>700</Data><Data Name='ParentImage'>C:\Windows\System32\services.exe</Data></EventData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>22</EventID><Computer>host1.corp</Computer></System><EventData><Data Name='UtcTime'>2024-03-01 10:00:01.000</Data><Data Name='ProcessGuid'>{aaaaaaaa-0000-0000-0000-000000000001}</Data><Data Name='ProcessId'>4242</Data><Data Name='QueryName'>instance-abc.screenconnect.com</Data><Data Name='QueryStatus'>0</Data><Data Name='QueryResults'>type: 5 relay.screenconnect.com;::ffff:203.0.113.7;</Data><Data Name='Image'>C:\Program Files\ScreenConnect\ScreenConnect.ClientService.exe</Data></EventData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>3</EventID><Computer>host1.corp</Computer></System><EventData><Data Name='UtcTime'>2024-03-01 10:00:02.000</Data><Data Name='ProcessGuid'>{AAAAAAAA-0000-0000-0000-000000000001}</Data><Data Name='ProcessId'>4242</Data><Data Name='Image'>C:\Program Files\ScreenConnect\ScreenConnect.ClientService.exe</Data><Data Name='User'>NT AUTHORITY\SYSTEM</Data><Data Name='Protocol'>tcp</Data><Data Name='Initiated'>true</Data><Data Name='SourceIp'>10.1.1.5</Data><Data Name='SourcePort'>50000</Data><Data Name='DestinationIp'>203.0.113.7</Data><Data Name='DestinationHostname'>-</Data><Data Name='DestinationPort'>443</Data></EventData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>3</EventID><Computer>host1.corp</Computer></System><EventData><Data Name='UtcTime'>2024-03-01 12:00:02.000</Data><Data Name='ProcessGuid'>{AAAAAAAA-0000-0000-0000-000000000001}</Data><Data Name='ProcessId'>4242</Data><Data Name='Image'>C:\Program Files\ScreenConnect\ScreenConnect.ClientService.exe</Data><Data Name='Protocol'>tcp</Data><Data Name='Initiated'>true</Data><Data Name='SourceIp'>10.1.1.5</Data><Data Name='SourcePort'>50001</Data><Data Name='DestinationIp'>203.0.113.7</Data><Data Name='DestinationPort'>443</Data></EventData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID><Computer>host1.corp</Computer></System><EventData><Data Name='TargetUserName'>bob</Data></EventData></Event>
<Event><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>3</EventID>
`

func TestSysmonXMLMappingAndCorrelation(t *testing.T) {
	p := writeFile(t, t.TempDir(), "sysmon.xml", []byte(xmlEvents))
	s := openT(t, Options{}, p)
	if _, f := s.Inputs(); f[0] != "xml" {
		t.Fatalf("format %v", f)
	}
	proc := tableRows(t, s, fullSpec(t, "DeviceProcessEvents"))
	if len(proc) != 1 {
		t.Fatalf("%d process rows", len(proc))
	}
	for col, want := range map[string]string{
		"FileName": "ScreenConnect.ClientService.exe", "ProcessVersionInfoCompanyName": "ConnectWise, Inc.",
		"ProcessId": "4242", "LogonId": "999", "SHA256": "ef", "InitiatingProcessFileName": "services.exe",
		"InitiatingProcessId": "700", "AccountName": "SYSTEM", "DeviceName": "host1.corp",
	} {
		if got := str(proc[0][col]); got != want {
			t.Errorf("process %s = %q, want %q", col, got, want)
		}
	}
	net := tableRows(t, s, fullSpec(t, "DeviceNetworkEvents"))
	if len(net) != 2 {
		t.Fatalf("%d network rows", len(net))
	}
	for col, want := range map[string]string{
		"RemoteUrl": "instance-abc.screenconnect.com", "RemoteIP": "203.0.113.7", "RemotePort": "443",
		"LocalIP": "10.1.1.5", "Protocol": "Tcp", "ActionType": "ConnectionSuccess",
		"InitiatingProcessVersionInfoCompanyName": "ConnectWise, Inc.", "InitiatingProcessVersionInfoProductName": "ScreenConnect",
		"InitiatingProcessVersionInfoProductVersion": "23.9.8.8811", "InitiatingProcessCommandLine": `"ScreenConnect.ClientService.exe" "?e=Access"`,
		"Timestamp": "2024-03-01T10:00:02.0000000Z",
	} {
		if got := str(net[0][col]); got != want {
			t.Errorf("network %s = %q, want %q", col, got, want)
		}
	}
	// Two hours after the DNS answer: outside the correlation window.
	if got := str(net[1]["RemoteUrl"]); got != "" {
		t.Errorf("late connection RemoteUrl = %q", got)
	}
	f := s.Summary().Files[0]
	if f.Rejected != 1 || !strings.Contains(f.Examples[0].Reason, "truncated XML event") {
		t.Errorf("rejections %v", f.Examples)
	}
	if f.Unrouted["Microsoft-Windows-Security-Auditing event 4624 has no table mapping"] != 1 {
		t.Errorf("unrouted %v", f.Unrouted)
	}
}

func TestWindowsEventJSONShapes(t *testing.T) {
	data := map[string]string{
		"winlogbeat":   `{"@timestamp":"2024-03-01T10:00:02.000Z","host":{"name":"h"},"winlog":{"provider_name":"Microsoft-Windows-Sysmon","event_id":"3","computer_name":"h.corp","event_data":{"UtcTime":"2024-03-01 10:00:02.000","Image":"C:\\x\\AnyDesk.exe","Initiated":"true","DestinationIp":"198.51.100.1","DestinationPort":"7070","SourceIp":"10.0.0.1","SourcePort":"1","Protocol":"tcp"}}}`,
		"nxlog":        `{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"h.corp","UtcTime":"2024-03-01 10:00:02.000","Image":"C:\\x\\AnyDesk.exe","Initiated":"true","DestinationIp":"198.51.100.1","DestinationPort":"7070","SourceIp":"10.0.0.1","SourcePort":"1","Protocol":"tcp"}`,
		"windowsevent": `{"TimeGenerated":"2024-03-01T10:00:03Z","Type":"WindowsEvent","Provider":"Microsoft-Windows-Sysmon","Computer":"h.corp","EventID":3,"EventData":"{\"UtcTime\":\"2024-03-01 10:00:02.000\",\"Image\":\"C:\\\\x\\\\AnyDesk.exe\",\"Initiated\":\"true\",\"DestinationIp\":\"198.51.100.1\",\"DestinationPort\":\"7070\",\"SourceIp\":\"10.0.0.1\",\"SourcePort\":\"1\",\"Protocol\":\"tcp\"}"}`,
		"evtxdump":     `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":3,"Computer":"h.corp"},"EventData":{"UtcTime":"2024-03-01 10:00:02.000","Image":"C:\\x\\AnyDesk.exe","Initiated":"true","DestinationIp":"198.51.100.1","DestinationPort":7070,"SourceIp":"10.0.0.1","SourcePort":1,"Protocol":"tcp"}}}`,
		"la-event":     `{"TimeGenerated":"2024-03-01T10:00:03Z","Type":"Event","Source":"Microsoft-Windows-Sysmon","Computer":"h.corp","EventID":3,"EventData":"<DataItem><EventData xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><Data Name=\"UtcTime\">2024-03-01 10:00:02.000</Data><Data Name=\"Image\">C:\\x\\AnyDesk.exe</Data><Data Name=\"Initiated\">true</Data><Data Name=\"DestinationIp\">198.51.100.1</Data><Data Name=\"DestinationPort\">7070</Data><Data Name=\"SourceIp\">10.0.0.1</Data><Data Name=\"SourcePort\">1</Data><Data Name=\"Protocol\">tcp</Data></EventData></DataItem>"}`,
	}
	for name, line := range data {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), name+".json", []byte(line+"\n"))
			s := openT(t, Options{}, p)
			rows := tableRows(t, s, fullSpec(t, "DeviceNetworkEvents"))
			if len(rows) != 1 {
				t.Fatalf("%d rows; summary %+v", len(rows), s.Summary().Files[0])
			}
			r := rows[0]
			if r["RemoteIP"].S != "198.51.100.1" || str(r["RemotePort"]) != "7070" || r["InitiatingProcessFileName"].S != "AnyDesk.exe" ||
				r["DeviceName"].S != "h.corp" || str(r["Timestamp"]) != "2024-03-01T10:00:02.0000000Z" {
				t.Errorf("row %v %v %v %v %v", r["RemoteIP"], str(r["RemotePort"]), r["InitiatingProcessFileName"], r["DeviceName"], str(r["Timestamp"]))
			}
		})
	}
}

func TestRouting(t *testing.T) {
	line := `{"Timestamp":"2024-01-01T00:00:00Z","DeviceId":"d1","ActionType":"%s","FileName":"x.exe"}`
	cases := []struct {
		name, file, action, table, want string
	}{
		{"file name", "DeviceFileEvents.jsonl", "Whatever", "", "DeviceFileEvents"},
		{"option wins", "DeviceFileEvents.jsonl", "ConnectionSuccess", "DeviceEvents", "DeviceEvents"},
		{"network action", "export.jsonl", "ConnectionSuccess", "", "DeviceNetworkEvents"},
		{"inspected action", "export.jsonl", "SshConnectionInspected", "", "DeviceNetworkEvents"},
		{"process action", "export.jsonl", "ProcessCreated", "", "DeviceProcessEvents"},
		{"other action", "export.jsonl", "AntivirusDetection", "", "DeviceEvents"},
		{"not a whole word", "MyDeviceFileEventsx.jsonl", "ProcessCreated", "", "DeviceProcessEvents"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), c.file, []byte(strings.Replace(line, "%s", c.action, 1)+"\n"))
			s := openT(t, Options{Table: c.table}, p)
			if got := s.Summary().Files[0].TableNames(); len(got) != 1 || got[0] != c.want {
				t.Errorf("routed to %v, want %s", got, c.want)
			}
		})
	}
	if _, err := Open([]string{"x"}, Options{Table: "NoSuchTable"}); err == nil {
		t.Error("unknown Options.Table accepted")
	}
}

func TestInputsStdinGlobFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a/DeviceNetworkEvents.jsonl", []byte(goodLine(1)+"\n"))
	writeFile(t, dir, "a/b/DeviceNetworkEvents.jsonl.zst", zst([]byte(goodLine(2)+"\n"+goodLine(3)+"\n")))
	writeFile(t, dir, "a/.hidden/DeviceNetworkEvents.jsonl", []byte(goodLine(4)+"\n"))
	s := openT(t, Options{}, dir+"/a")
	if n := len(tableRows(t, s, fullSpec(t, "DeviceNetworkEvents"))); n != 3 {
		t.Errorf("folder: %d rows", n)
	}
	s = openT(t, Options{}, dir+"/a/*.jsonl")
	if n := len(tableRows(t, s, fullSpec(t, "DeviceNetworkEvents"))); n != 1 {
		t.Errorf("glob: %d rows", n)
	}
	s = openT(t, Options{Stdin: strings.NewReader(goodLine(5) + "\n" + goodLine(6)), Table: "DeviceNetworkEvents"}, "-")
	for i := 0; i < 2; i++ { // stdin is buffered: a second scan works
		if n := len(tableRows(t, s, fullSpec(t, "DeviceNetworkEvents"))); n != 2 {
			t.Errorf("stdin scan %d: %d rows", i, n)
		}
	}
	tmp := s.temp
	s.Close()
	if _, err := os.Stat(tmp); err == nil {
		t.Error("stdin copy not removed")
	}
	if _, err := Open([]string{dir + "/nothing*"}, Options{}); err == nil {
		t.Error("empty glob accepted")
	}
	if _, err := Open([]string{writeFile(t, dir, "notes.txt", []byte("hello\n"))}, Options{}); err == nil {
		t.Error("unrecognised explicit file accepted")
	}
}

// genLines makes n flat DeviceNetworkEvents lines, some mentioning anydesk.
func genLines(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		name := "svchost.exe"
		if i%7 == 0 {
			name = "AnyDesk.exe"
		}
		if i%11 == 0 {
			name = `C:\\Program Files\\AnyDesk\\AnyDesk.exe`
		}
		if i%13 == 0 {
			name = `any\u0064esk.exe`
		}
		add := `null`
		if i%5 == 0 {
			add = `"{\"a\":` + itoa(i) + `}"`
		}
		b.WriteString(`{"Timestamp":"2024-01-01T00:` + twoDigits(i/60%60) + `:` + twoDigits(i%60) + `.` + itoa(i%1000) + `Z","DeviceName":"h` + itoa(i%17) +
			`","ActionType":"ConnectionSuccess","RemoteIP":"10.0.` + itoa(i%200) + `.1","RemotePort":` + itoa(i%65000) +
			`,"InitiatingProcessFileName":"` + name + `","ReportId":` + itoa(i) + `,"AdditionalFields":` + add + `}` + "\n")
	}
	return []byte(b.String())
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

func scanText(t *testing.T, s *Set, spec source.Spec) []string {
	var out []string
	err := s.Scan(context.Background(), spec, func(rows []types.Row) error {
		for _, r := range rows {
			var parts []string
			for _, v := range r {
				parts = append(parts, str(v))
			}
			out = append(out, strings.Join(parts, "|"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParallelPrefilterTimeRangeAgree(t *testing.T) {
	p := writeFile(t, t.TempDir(), "DeviceNetworkEvents.jsonl", genLines(30000))
	s := openT(t, Options{}, p)
	s.prefilterMin = 0 // prefilter this small file too
	base := fullSpec(t, "DeviceNetworkEvents")
	serial := scanText(t, s, base)
	if len(serial) != 30000 {
		t.Fatalf("%d rows", len(serial))
	}
	par := base
	par.Workers = 4
	if got := scanText(t, s, par); strings.Join(got, "\n") != strings.Join(serial, "\n") {
		t.Error("parallel scan differs from serial scan")
	}
	// Prefilter: every row whose file name contains the term must survive.
	pf := par
	pf.AnyTerms = []string{"ANYDESK"}
	got := scanText(t, s, pf)
	var want []string
	for _, r := range serial {
		if strings.Contains(strings.ToLower(r), "anydesk") {
			want = append(want, r)
		}
	}
	var kept []string
	for _, r := range got {
		if strings.Contains(strings.ToLower(r), "anydesk") {
			kept = append(kept, r)
		}
	}
	if strings.Join(kept, "\n") != strings.Join(want, "\n") || len(got) >= len(serial) {
		t.Errorf("prefilter kept %d matching rows of %d (and %d in all)", len(kept), len(want), len(got))
	}
	// A small input is decoded whole: same rows as without terms, and an
	// exact summary.
	small := openT(t, Options{}, p)
	if got := scanText(t, small, pf); len(got) != len(serial) {
		t.Errorf("small input prefiltered: %d rows of %d", len(got), len(serial))
	}
	if f := small.Summary().Files[0]; f.Skipped != 0 || f.Tables["DeviceNetworkEvents"].Rows != 30000 {
		t.Errorf("small input summary: skipped %d, rows %d", f.Skipped, f.Tables["DeviceNetworkEvents"].Rows)
	}
	// Time range and filter.
	tr := par
	tr.TimeColumn, tr.HasTimeRange = "Timestamp", true
	tr.MinTicks, _ = types.ParseDateTime("2024-01-01T00:10:00Z")
	tr.MaxTicks, _ = types.ParseDateTime("2024-01-01T00:20:00Z")
	tr.Filter = func(r types.Row) bool { return r[5].I == 443 }
	for _, r := range scanText(t, s, tr) {
		if !strings.Contains(r, "|443|") {
			t.Fatalf("filter let through %s", r)
		}
	}
	f := s.Summary().Files[0]
	if f.Records != 30000 || !f.Tables["DeviceNetworkEvents"].Typed {
		t.Errorf("summary %+v", f)
	}
}
