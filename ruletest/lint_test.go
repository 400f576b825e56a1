package ruletest

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/rules"
)

const yamlHead = `id: 11111111-2222-3333-4444-555555555555
name: Test rule
severity: Medium
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: DeviceName
query: |
`

func TestLintRule(t *testing.T) {
	tests := []struct {
		name string
		file string
		text string
		want []string // "line:col severity code" (col 0: no column), in order
		msg  string   // a substring of the first diagnostic's text
	}{
		{
			name: "clean rule with an exact host test",
			file: "r.yaml",
			text: yamlHead + `  DeviceNetworkEvents
  | where RemoteUrl has "anydesk.com"
  | extend Host = tolower(extract(@"^(?:[a-z]+://)?([^:/?#]+)", 1, RemoteUrl))
  | where Host == "anydesk.com" or Host endswith ".anydesk.com"
  | project DeviceName, Host
`,
		},
		{
			name: "unknown column at its file position, with the hint",
			file: "r.yaml",
			text: yamlHead + `  DeviceNetworkEvents
  | summarize count() by DeviceName, AccountUpn
`,
			want: []string{"11:38 error kql-error"},
			msg:  "did you mean InitiatingProcessAccountUpn?",
		},
		{
			name: "trailing comma",
			file: "r.kql",
			text: "DeviceNetworkEvents\n| where ActionType in (\"a\",\n  \"b\",\n)\n| project DeviceName\n",
			want: []string{"3:7 error kql-error"},
			msg:  "trailing comma",
		},
		{
			name: "term match on a URL without a host test",
			file: "r.kql",
			text: "let Domains = dynamic([\"anydesk.com\", \"net.anydesk.com\"]);\nDeviceNetworkEvents\n| where RemoteUrl has_any (Domains)\n",
			want: []string{"3:19 warning term-match-domain"},
			msg:  `has_any "anydesk.com", "net.anydesk.com" is a term match, not a host test`,
		},
		{
			name: "contains on a host",
			file: "r.kql",
			text: "DeviceNetworkEvents\n| where RemoteUrl contains 'teamviewer.com'\n",
			want: []string{"2:19 warning term-match-domain"},
		},
		{
			name: "wildcard needle",
			file: "r.kql",
			text: "DeviceNetworkEvents\n| where RemoteUrl has \"*.anydesk.com\"\n",
			want: []string{"2:19 warning wildcard-needle"},
			msg:  "literal character",
		},
		{
			name: "company names that look like domains are not hosts",
			file: "r.kql",
			text: "DeviceFileCertificateInfo\n| where Signer has_any ('PDQ.com', 'Remote.It')\n",
		},
		{
			name: "file names are not hosts",
			file: "r.kql",
			text: "DeviceNetworkEvents\n| where InitiatingProcessFileName has 'AnyDesk.exe' and RemoteUrl has 'x.exe'\n",
		},
		{
			name: "now-relative window",
			file: "r.kql",
			text: "DeviceProcessEvents\n| where Timestamp > ago(7d) and Timestamp < now()\n",
			want: []string{"2:21 info now-relative"},
			msg:  "2 call(s)",
		},
		{
			name: "missing severity and entity mappings, analytics rule",
			file: "r.yaml",
			text: "id: x1\nname: N\nkind: Scheduled\nquery: |\n  DeviceProcessEvents | project DeviceName\n",
			want: []string{"0:0 warning missing-severity", "0:0 warning missing-entities"},
		},
		{
			name: "hunting query without entity mappings is only noted",
			file: "r.yaml",
			text: "id: x1\nname: N\nseverity: Low\nquery: |\n  DeviceProcessEvents | project DeviceName\n",
			want: []string{"0:0 info missing-entities"},
		},
		{
			name: "entity mapping to a column the query drops",
			file: "r.yaml",
			text: yamlHead + "  DeviceProcessEvents | project FileName\n",
			want: []string{"0:0 warning entity-column"},
			msg:  `names column "DeviceName", which the query does not return`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, ds := rules.LoadBytes(tc.file, []byte(tc.text))
			if ds.HasErrors() || len(rs) != 1 {
				t.Fatalf("loading: %d rules, %s", len(rs), ds)
			}
			got := LintRule(rs[0], LintOptions{})
			got.Sort()
			var keys []string
			for _, d := range got {
				keys = append(keys, strings.Join([]string{itoa(d.Line) + ":" + itoa(d.Col), string(d.Severity), d.Code}, " "))
			}
			if strings.Join(keys, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", got, strings.Join(tc.want, "\n"))
			}
			if tc.msg != "" && !strings.Contains(got[0].String(), tc.msg) {
				t.Errorf("%s\ndoes not say %q", got[0], tc.msg)
			}
			for _, d := range got {
				if d.File != tc.file {
					t.Errorf("diagnostic for file %q, want %q", d.File, tc.file)
				}
			}
		})
	}
}

// TestLintBuiltin: the generated pack has no errors or warnings; only the
// seed rule (a jischell-style query) draws remarks.
func TestLintBuiltin(t *testing.T) {
	pack, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ds := Lint(pack, LintOptions{})
	for _, d := range ds {
		if strings.HasPrefix(d.File, rules.BuiltinPrefix+"catalog/") {
			t.Errorf("generated rule: %s", d)
		}
	}
	if ds.HasErrors() {
		t.Errorf("errors in the built-in pack:\n%s", ds.Filter(rules.SeverityError))
	}
}

// TestLintLenient: with Lenient, a trailing comma is a warning.
func TestLintLenient(t *testing.T) {
	rs, _ := rules.LoadBytes("r.kql", []byte("DeviceNetworkEvents\n| where ActionType in (\"a\",)\n"))
	ds := LintRule(rs[0], LintOptions{Lenient: true})
	if len(ds) != 1 || ds[0].Severity != rules.SeverityWarning || ds[0].Code != CodeKQLWarning || ds[0].Line != 2 {
		t.Fatalf("got %s", ds)
	}
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

// FuzzLintRule: any query text lints without panicking, and every diagnostic
// stays inside the file.
func FuzzLintRule(f *testing.F) {
	for _, s := range []string{
		"DeviceNetworkEvents | where RemoteUrl has_any (\"a.com\", \"*.b.com\")",
		"let D = dynamic(['x.org']); DeviceNetworkEvents | where RemoteUrl has_any (D) and RemoteUrl endswith '.x.org'",
		"DeviceProcessEvents | where Timestamp > ago(1d) | summarize count() by AccountUpn",
		"T | where (a",
		"\r\r0", // \r alone ends a line
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		rs, _ := rules.LoadBytes("f.kql", []byte(q))
		for _, r := range rs {
			// \r\n, \r and \n each end a line, as in the KQL parser's positions.
			nl := strings.ReplaceAll(q, "\r\n", "\n")
			lines := strings.Count(nl, "\n") + strings.Count(nl, "\r") + 1
			for _, d := range LintRule(r, LintOptions{}) {
				if d.File != "f.kql" || d.Line < 0 || d.Line > lines+1 {
					t.Fatalf("diagnostic outside the file (%d lines): %s", lines, d)
				}
			}
		}
	})
}
