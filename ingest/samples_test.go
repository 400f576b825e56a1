package ingest

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// check is one expected value of one row.
type check struct {
	row  int
	col  string
	want string
}

func TestSamples(t *testing.T) {
	cases := []struct {
		file   string
		format string
		// rows per table in this file (tables not listed must have none)
		tables map[string]int
		table  string // the table whose values are checked
		checks []check
	}{
		{
			file: "elastic_m365_defender/test-device.subset.ndjson", format: "blob",
			tables: map[string]int{"DeviceNetworkEvents": 17, "DeviceProcessEvents": 1, "DeviceFileCertificateInfo": 1},
			table:  "DeviceNetworkEvents",
			checks: []check{
				{0, "Timestamp", "2022-11-09T17:43:28.1883500Z"},           // 5 fraction digits
				{0, "AdditionalFields", `{"SignatureName":"HTTP_Server"}`}, // JSON-encoded string
				{0, "ReportId", "2321"},
				{0, "RemotePort", "50094"},
				{0, "TenantId", "12345af3-bc0e-4f36-b08e-27759e912345"},
				{1, "AdditionalFields", "null"},
				{1, "Timestamp", "2023-07-19T12:17:42.7782364Z"},
				{11, "RemoteIP", "2a02:cf40::"},
				{16, "RemoteIP", "-"}, // placeholder kept as text
				{16, "ActionType", "SmtpConnectionInspected"},
			},
		},
		{
			file: "graph2otel_streaming_live/PT1H.sample.json", format: "blob",
			tables: map[string]int{"DeviceNetworkEvents": 1, "DeviceProcessEvents": 1, "DeviceFileCertificateInfo": 1},
			table:  "DeviceNetworkEvents",
			checks: []check{
				{0, "Timestamp", "2026-07-18T13:58:42.6664870Z"},
				{0, "InitiatingProcessFileName", "microsoft update assistant"},
				{0, "RemoteUrl", ""},
				{0, "InitiatingProcessUniqueId", "0"},
				{0, "ReportId", "26528"},
				{0, "IsInitiatingProcessRemoteSession", "false"},
				{0, "InitiatingProcessSessionId", "null"},
				{0, "MachineGroup", "main"},
			},
		},
		{
			file: "graph2otel_streaming_live/devicenetwork_live_envelope.json", format: "json",
			tables: map[string]int{"DeviceNetworkEvents": 1},
			table:  "DeviceNetworkEvents",
			checks: []check{
				{0, "Timestamp", "2026-07-18T13:58:42.6664870Z"}, // 6 fraction digits
				{0, "RemoteIP", "20.42.65.85"},
				{0, "RemotePort", "443"},
				{0, "RemoteUrl", ""}, // null
				{0, "ActionType", "ConnectionRequest"},
				{0, "InitiatingProcessFileName", "microsoft update assistant"},
				{0, "ReportId", "26528"},
				{0, "InitiatingProcessUniqueId", "0"},                   // a string in the stream
				{0, "TenantId", "4b8c18bd-2f9f-4227-af55-9f1061cf9c32"}, // from the envelope
			},
		},
		{
			file: "graph2otel_streaming_live/devicefilecert_live_envelope.json", format: "json",
			tables: map[string]int{"DeviceFileCertificateInfo": 1},
			table:  "DeviceFileCertificateInfo",
			checks: []check{{0, "Signer", "Developer ID Application: Google LLC (EQHXZ8M8AV)"}},
		},
		{
			file: "graph2otel_streaming_live/deviceprocess_live_envelope.json", format: "json",
			tables: map[string]int{"DeviceProcessEvents": 1},
			table:  "DeviceProcessEvents",
			checks: []check{{0, "ActionType", "ProcessCreated"}},
		},
		{
			file: "defender_portal_csv_export/advanced_hunting_test.csv", format: "csv",
			tables: map[string]int{"DeviceNetworkEvents": 8, "DeviceProcessEvents": 1, "DeviceEvents": 17},
			table:  "DeviceNetworkEvents",
			checks: []check{
				{1, "InitiatingProcessFileName", "MsSense.exe"},
				{1, "RemoteIP", "20.50.201.200"},
				{1, "RemotePort", "443"},
				{1, "Timestamp", "2023-10-18T15:43:47.1549452Z"},
				{6, "ActionType", "ListeningConnectionCreated"},
				{6, "RemotePort", "null"}, // empty CSV field
			},
		},
		{
			file: "otrf_m365d_api_export/Microsoft365DefenderEvents.json", format: "jsonl",
			tables: map[string]int{"DeviceEvents": 5, "IdentityDirectoryEvents": 2, "CloudAppEvents": 2},
			table:  "DeviceEvents",
			checks: []check{
				{0, "ReportId", "113597"}, // from ReportId_long; ReportId_string is ""
				{0, "ActionType", "LdapSearch"},
				{0, "AdditionalFields", `{"AttributeList":["objectClass"],"DistinguishedName":"CN=596f0e13-7a4b-49a1-a106-0cbcba66b065,CN=ADFS,CN=Microsoft,CN=Program Data,DC=simulandlabs,DC=com","ScopeOfSearch":"Base","SearchFilter":"(objectClass=*)"}`},
				{0, "InitiatingProcessFileName", "powershell.exe"},
			},
		},
		{
			file: "otrf_m365d_api_export/Microsoft365DefenderEvents.Zip", format: "zip+jsonl",
			tables: map[string]int{"DeviceEvents": 5, "IdentityDirectoryEvents": 2, "CloudAppEvents": 2},
			table:  "CloudAppEvents",
			checks: []check{{0, "ActionType", "MailItemsAccessed"}},
		},
		{
			file: "otrf_sysmon/cmd_bitsadmin_download_psh_script.sysmon_eid3_eid22.ndjson", format: "jsonl",
			tables: map[string]int{"DeviceNetworkEvents": 8, "DeviceEvents": 3},
			table:  "DeviceNetworkEvents",
			checks: []check{
				{0, "Timestamp", "2020-10-23T06:36:42.3060000Z"},
				{0, "RemotePort", "1900"},
				{0, "Protocol", "Udp"},
				{0, "InitiatingProcessId", "4584"},
				{3, "RemoteIP", "::1"},
				{3, "RemoteUrl", "localhost"}, // from the EID 22 before it
				{7, "RemoteIP", "151.101.208.133"},
				{7, "RemoteUrl", "raw.githubusercontent.com"},
				{7, "RemoteIPType", "Public"},
			},
		},
		{
			file: "otrf_sysmon/cmd_bitsadmin_download_psh_script.zip", format: "zip+jsonl",
			tables: map[string]int{"DeviceNetworkEvents": 8, "DeviceEvents": 3, "DeviceFileEvents": 8, "DeviceProcessEvents": 2,
				"DeviceImageLoadEvents": 141, "DeviceRegistryEvents": 70},
			table:  "DeviceProcessEvents",
			checks: []check{{0, "ActionType", "ProcessCreated"}},
		},
		{
			file: "otrf_sysmon/sysmon_log4shell_java_serialized_object.windowsevent_eid3_eid22.ndjson", format: "jsonl",
			tables: map[string]int{"DeviceNetworkEvents": 5, "DeviceEvents": 2, "WindowsEvent": 7},
			table:  "DeviceNetworkEvents",
			checks: []check{
				{0, "Timestamp", "2022-05-13T08:54:05.1230000Z"},
				{0, "ActionType", "InboundConnectionAccepted"},
				{0, "LocalPort", "8080"},
				{0, "InitiatingProcessFileName", "tomcat9.exe"},
			},
		},
		{
			file: "otrf_sysmon/sysmon_log4shell_cve2021_44228_java_serialized_object.zip", format: "zip+jsonl",
			tables: map[string]int{"WindowsEvent": 487, "DeviceNetworkEvents": 5, "DeviceEvents": 2, "DeviceFileEvents": 7,
				"DeviceProcessEvents": 2, "DeviceImageLoadEvents": 155, "DeviceRegistryEvents": 292},
			table:  "WindowsEvent",
			checks: []check{{0, "Provider", "Microsoft-Windows-Sysmon"}, {0, "Computer", "WORKSTATION5"}},
		},
		{
			file: "sigma_sysmon/dns_query_win_remote_access_software_domains_non_browsers.anydesk.eid22.json", format: "json",
			tables: map[string]int{"DeviceEvents": 1},
			table:  "DeviceEvents",
			checks: []check{
				{0, "RemoteUrl", "boot.net.anydesk.com"},
				{0, "InitiatingProcessFileName", "AnyDesk.exe"},
				{0, "InitiatingProcessId", "12152"},
				{0, "Timestamp", "2026-08-08T08:33:15.1000000Z"},
			},
		},
		{
			file: "sigma_sysmon/net_connection_win_rdp_outbound_over_non_standard_tools.eid3.json", format: "json",
			tables: map[string]int{"DeviceNetworkEvents": 1},
			table:  "DeviceNetworkEvents",
			checks: []check{{0, "RemoteIP", "::1"}, {0, "RemotePort", "3389"}, {0, "InitiatingProcessFileName", "powershell.exe"}},
		},
		{
			file: "sigma_sysmon/net_connection_win_certutil_initiated_connection.eid3.json", format: "json",
			tables: map[string]int{"DeviceNetworkEvents": 1},
			table:  "DeviceNetworkEvents",
			checks: []check{{0, "RemoteIP", "151.101.0.133"}, {0, "RemotePort", "443"}},
		},
		{
			file: "sigma_sysmon/file_event_win_anydesk_artefact.evtx", format: "evtx",
			tables: map[string]int{"DeviceFileEvents": 5},
			table:  "DeviceFileEvents",
			checks: []check{
				{0, "FileName", "service.conf.new"},
				{0, "InitiatingProcessFileName", "AnyDesk.exe"},
				{0, "DeviceName", "ar-win-dc.attackrange.local"},
				{0, "Timestamp", "2025-10-24T23:34:34.6340000Z"},
			},
		},
		{
			file: "sigma_sysmon/file_event_win_anydesk_artefact.json", format: "json",
			tables: map[string]int{"DeviceFileEvents": 5},
			table:  "DeviceFileEvents",
			checks: []check{{0, "FileName", "service.conf.new"}, {4, "InitiatingProcessId", "9612"}},
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s := openT(t, Options{}, sample(t, c.file))
			names, formats := s.Inputs()
			if len(names) != 1 || formats[0] != c.format {
				t.Fatalf("inputs %v formats %v, want one of format %s", names, formats, c.format)
			}
			// The census alone (no scan yet) knows each table's rows.
			census := s.Summary().Files[0]
			for table, n := range c.tables {
				if ts := census.Tables[table]; ts == nil || ts.Records != int64(n) || ts.Rows != int64(n) {
					t.Errorf("census of %s: %+v, want %d records and rows", table, ts, n)
				}
			}
			for table, n := range c.tables {
				if !s.HasTable(table) {
					t.Errorf("HasTable(%s) = false", table)
				}
				rows := tableRows(t, s, fullSpec(t, table))
				if len(rows) != n {
					t.Errorf("%s: %d rows, want %d", table, len(rows), n)
				}
				if table == c.table {
					for _, ck := range c.checks {
						if ck.row >= len(rows) {
							t.Errorf("no row %d", ck.row)
							continue
						}
						if got := str(rows[ck.row][ck.col]); got != ck.want {
							t.Errorf("row %d %s = %q, want %q", ck.row, ck.col, got, ck.want)
						}
					}
				}
			}
			if s.HasTable("EmailEvents") {
				t.Errorf("HasTable(EmailEvents) = true")
			}
			sum := s.Summary()
			if len(sum.Files) != 1 {
				t.Fatalf("summary has %d files", len(sum.Files))
			}
			f := sum.Files[0]
			if f.Rejected != 0 || sum.TotalRejections() != 0 {
				t.Errorf("rejections: %d %v", f.Rejected, f.Examples)
			}
			for table, n := range c.tables {
				ts := f.Tables[table]
				if ts == nil || ts.Rows != int64(n) || !ts.Typed || !ts.HasTime {
					t.Errorf("summary of %s: %+v, want %d rows with a time range", table, ts, n)
				}
			}
			for table, ts := range f.Tables {
				if _, ok := c.tables[table]; !ok && ts.Records > 0 {
					t.Errorf("unexpected table %s with %d records", table, ts.Records)
				}
			}
		})
	}
}

func TestSampleSummaryDetails(t *testing.T) {
	s := openT(t, Options{}, sample(t, "graph2otel_streaming_live/PT1H.sample.json"))
	tableRows(t, s, fullSpec(t, "DeviceNetworkEvents"))
	f := s.Summary().Files[0]
	for _, k := range []string{"Tenant", "_TimeReceivedBySvc"} {
		if f.UnknownKeys[k] == 0 {
			t.Errorf("unknown key %s not counted: %v", k, f.UnknownKeys)
		}
	}
	ts := f.Tables["DeviceNetworkEvents"]
	if got := types.FormatDateTime(ts.MinTicks); got != "2026-07-18T13:58:42.6664870Z" {
		t.Errorf("min time %s", got)
	}
	// The folder of samples: non-data files are listed as skipped.
	all := openT(t, Options{}, sample(t, ""))
	skipped := 0
	for _, f := range all.Summary().Files {
		if f.Format == "unrecognized" {
			skipped++
		}
	}
	if skipped == 0 {
		t.Errorf("README and licenses were not reported as skipped")
	}
}
