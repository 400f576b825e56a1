package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// sharedImportOptions points Import at the reference copies in ../shared.
func sharedImportOptions(t *testing.T) ImportOptions {
	t.Helper()
	ref := testutil.SharedDir(t, "reference")
	return ImportOptions{
		LOLRMMTools:   filepath.Join(ref, "lolrmm", "rmm_tools.json"),
		LOLRMMCerts:   filepath.Join(ref, "lolrmm", "rmm_certificates.json"),
		LOLRMMDomains: filepath.Join(ref, "lolrmm", "rmm_domains.csv"),
		JischellDir:   filepath.Join(ref, "jischell-rmm"),
		Corrections:   "corrections.yaml",
	}
}

// TestImportMatchesCommitted re-imports the public catalogs and checks that
// the committed tools.yaml is exactly the result (run with -update after
// changing corrections.yaml or the importer).
func TestImportMatchesCommitted(t *testing.T) {
	c, rep, err := Import(sharedImportOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Save(c)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "tools.yaml", out)
	// the report names its inputs; make it independent of where ../shared is
	report := strings.ReplaceAll(rep.String(), testutil.SharedDir(t, "reference"), "<shared>/reference")
	testutil.Golden(t, "testdata/import_report.txt", []byte(report))
}

// TestImportCommittedIsClean: with the pinned reference data every correction
// applies and every source row names a known tool.
func TestImportCommittedIsClean(t *testing.T) {
	_, rep, err := Import(sharedImportOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Stale) > 0 || len(rep.Unknown) > 0 {
		t.Errorf("stale corrections %q, unknown tools %q", rep.Stale, rep.Unknown)
	}
}

const driftTools = `[
 {"Name": "Foo RMM", "Category": "RMM", "Details": {"Website": "https://foo.example",
   "PEMetadata": {"Filename": "foo.exe", "OriginalFileName": "", "Description": "Foo"},
   "InstallationPaths": ["C:\\Program Files\\Foo\\foo-agent.exe", "fooctl.exe", "C:\\*\\foo*.exe"]},
  "Artifacts": {"Network": [{"Description": "d", "Domains": ["*.foo.example", "user_managed", "<operator-configured server>",
     "relay-[a-f0-9]{8}.net.foo.example:443", "Upload_Data.Foo.Example", "N/A"], "Ports": ["443", 8080, "1000-65535", "99999"]}]},
  "CodeSigning": {"certificates": [{"signer_name": "Foo Corp\\", "src_file_company": "Foo Corporation "}], "signer_names": ["N/A"]}},
 {"Name": "Foo RMM", "Category": "RMM", "Details": {"Website": "",
   "PEMetadata": [{"Filename": "foo-svc.exe", "OriginalFileName": "foo-svc.exe", "Description": "", "Product": "Foo", "Company": "Foo Corporation"},
                  {"Filename": "foo.msi", "OriginalFileName": "", "Description": ""}]},
  "Artifacts": {"Network": [{"Domains": ["foo.example"], "Ports": []}]}},
 {"Name": "Bar", "Category": "RAT", "Details": {"Website": "N/A", "PEMetadata": null}, "InstallationPaths": ["bar.exe"],
  "Artifacts": {"Network": [{"Domains": ["github.com", "bar.example"]}]}},
 {"Name": "Gone", "Category": "RMM", "Details": {}, "Artifacts": {}}
]`

const driftRule = "id: x\r\nname: y\r\nrequiredDataConnectors:\r\n    - connectorId: MicrosoftThreatProtection\r\n    dataTypes:\r\n        - DeviceNetworkEvents\r\n" +
	"query: |\r\n  DeviceNetworkEvents // 'not.a.domain'\r\n  | where RemoteUrl has_any (\r\n\t'baz.example',\t// Baz\r\n      \"api.baz.example\",\r\n      'baz-heartbeat',\r\n  )\r\n" +
	"  | where InitiatingProcessVersionInfoCompanyName has 'Baz Ltd'\r\n  | where FileName =~ 'baz.exe' or FileName startswith 'bz'\r\n"

const driftCorrections = `version: 1
aliases:
  - {from: BazTool, to: Baz, who: t, why: folder name}
ignoreDomains:
  - {value: github.com, who: t, why: generic}
tools:
  - {tool: Gone, drop: true, who: t, why: test drop}
  - {tool: Bar, rename: Foo RMM, who: t, why: test merge}
  - {tool: Foo RMM, remove: {domains: ["not-there.example"]}, who: t, why: stale}
  - {tool: Foo RMM, add: {domains: ["Extra.Foo.example"]}, set: {vendor: Foo Inc}, who: t, why: test add}
`

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestImportDrift feeds the importer every schema drift the LOLRMM README
// lists, a jischell rule with the repository's defects, and corrections of
// every kind.
func TestImportDrift(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rmm_tools.json"), driftTools)
	writeFile(t, filepath.Join(dir, "rmm_domains.csv"), "URI,RMM_Tool\n*.foo.example,Foo RMM\nx.unknown.example,Nobody\n")
	writeFile(t, filepath.Join(dir, "corr.yaml"), driftCorrections)
	j := filepath.Join(dir, "jis")
	writeFile(t, filepath.Join(j, "RMM", "BazTool", "rmm_BazTool_netconn.yaml"), driftRule)
	writeFile(t, filepath.Join(j, "Network Indicators", "RMM_SummaryNetworkURI.csv"), "\ufeffURI,RMM_Tool\r\nbaz.example,BazTool\r\n")
	c, rep, err := Import(ImportOptions{LOLRMMTools: filepath.Join(dir, "rmm_tools.json"), LOLRMMDomains: filepath.Join(dir, "rmm_domains.csv"),
		JischellDir: j, Corrections: filepath.Join(dir, "corr.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Save(c)
	if c.Find("Gone") != nil || c.Find("Bar") != nil || len(c.Tools) != 2 {
		t.Fatalf("want Foo RMM and Baz only:\n%s", out)
	}
	foo, baz := c.Find("foo-rmm"), c.Find("Baz")
	if foo == nil || baz == nil {
		t.Fatalf("missing tools:\n%s", out)
	}
	eq := func(what string, got, want []string) {
		t.Helper()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	eq("foo domains", foo.Domains, []string{"*.foo.example", "bar.example", "extra.foo.example", "foo.example", "relay-*.net.foo.example", "upload_data.foo.example"})
	eq("foo binaries", foo.Binaries, []string{"bar.exe", "foo-agent.exe", "foo-svc.exe", "foo.exe", "fooctl.exe"})
	eq("foo ports", foo.Ports, []string{"443", "1000-65535", "8080"})
	eq("foo signers", foo.Signers, []string{"Foo Corp"})
	eq("foo companies", foo.Companies, []string{"Foo Corporation"})
	eq("foo products", foo.Products, []string{"Foo"})
	if foo.Vendor != "Foo Inc" || foo.Website != "https://foo.example" || foo.Category != CategoryRMM {
		t.Errorf("foo scalars: %+v", foo)
	}
	eq("baz domains", baz.Domains, []string{"api.baz.example", "baz.example"})
	eq("baz binaries", baz.Binaries, []string{"baz.exe"})
	eq("baz companies", baz.Companies, []string{"Baz Ltd"})
	report := rep.String()
	for _, want := range []string{"merged: Foo RMM", `converted to glob "relay-*.net.foo.example"`, `port "99999" dropped`,
		`"foo.msi" not taken`, `placeholder`, `stale correction: Foo RMM: domain "not-there.example" to remove is not there`,
		`unknown tool: rmm_domains.csv:3: "Nobody"`, `"baz-heartbeat": needs at least two labels`, `created: Baz`} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "not.a.domain") {
		t.Error("a // comment was read as a predicate")
	}
}

func FuzzParseLOLRMMTools(f *testing.F) {
	f.Add([]byte(driftTools))
	f.Add([]byte(`[{"Name": 1, "Details": {"PEMetadata": "x"}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tools, err := parseLOLRMMTools(data)
		if err != nil {
			return
		}
		b := &builder{tools: map[string]*Tool{}, aliases: map[string]string{}, rep: &ImportReport{}, votes: map[*Tool]map[string]int{}, seenLOL: map[string]int{}}
		for _, lt := range tools {
			b.addLOLRMM(lt)
		}
		for _, tool := range b.tools {
			for _, d := range tool.Domains {
				if _, err := ParseDomain(d); err != nil {
					t.Fatalf("importer kept an invalid domain: %v", err)
				}
			}
		}
	})
}

func FuzzScanJischellRule(f *testing.F) {
	f.Add(driftRule)
	f.Add("query: |\n  | where Signer has_any ('a', \"b\") // 'c'\n")
	f.Fuzz(func(t *testing.T, text string) {
		facts := scanJischellRule(text)
		for _, v := range append(append(facts.Domains, facts.Companies...), facts.Signers...) {
			if strings.TrimSpace(v) != v || v == "" {
				t.Fatalf("untrimmed or empty value %q", v)
			}
		}
	})
}

func FuzzParseURICSV(f *testing.F) {
	f.Add([]byte("URI,RMM_Tool\na.com,A\n"))
	f.Add([]byte("\ufeffURI,RMM_Tool\r\n\"a,b\",c\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parseURICSV("x.csv", data)
		if err == nil {
			for _, r := range rows {
				if r.Line < 2 {
					t.Fatalf("row on line %d", r.Line)
				}
			}
		}
	})
}

func FuzzParseCorrections(f *testing.F) {
	f.Add([]byte(driftCorrections))
	f.Add(embeddedCorrections)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCorrections(data)
		if err != nil {
			return
		}
		for _, tc := range c.Tools {
			if tc.Who == "" || tc.Why == "" {
				t.Fatal("accepted a correction without who/why")
			}
		}
	})
}

func TestCorrectionsRequireWhoWhy(t *testing.T) {
	for _, bad := range []string{
		"version: 1\ntools:\n  - {tool: A, drop: true}\n",
		"version: 1\naliases:\n  - {from: A, to: B, who: x}\n",
		"version: 1\nignoreDomains:\n  - {value: a.com, why: y}\n",
		"version: 1\ntools:\n  - {tool: A, who: x, why: y}\n",
		"version: 1\ntools:\n  - {tool: A, set: {category: VPN}, who: x, why: y}\n",
		"version: 2\n",
		"version: 1\nbogus: 1\n",
	} {
		if _, err := ParseCorrections([]byte(bad)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
	if _, err := EmbeddedCorrections(); err != nil {
		t.Fatal(err)
	}
}
