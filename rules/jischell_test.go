package rules

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// jischell loads the whole reference repository once per test.
func loadJischell(t *testing.T) (dir string, p *Pack, ds Diagnostics, rel func(string) string) {
	t.Helper()
	dir = testutil.SharedDir(t, "reference/jischell-rmm")
	p, ds = Load(dir)
	rel = func(f string) string {
		r, err := filepath.Rel(dir, f)
		if err != nil {
			t.Fatalf("rel %s: %v", f, err)
		}
		return filepath.ToSlash(r)
	}
	return dir, p, ds, rel
}

type defect struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Defect string `json:"defect"`
}

func readDefects(t *testing.T, dir string) []defect {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "defects.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Defects []defect }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Defects
}

func TestJischellYAML(t *testing.T) {
	dir, p, ds, rel := loadJischell(t)
	if errs := ds.Filter(SeverityError); len(errs) > 0 {
		t.Fatalf("errors loading the reference rules:\n%s", errs)
	}
	// Every YAML file gives exactly one rule and the indentation warning at 8:5.
	var yamlFiles []string
	_ = filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(f, ".yaml") {
			yamlFiles = append(yamlFiles, f)
		}
		return nil
	})
	if len(yamlFiles) != 168 {
		t.Fatalf("found %d YAML files, the README says 168", len(yamlFiles))
	}
	perFile := map[string]int{}
	for _, r := range p.Rules {
		perFile[r.File]++
	}
	indent := map[string][]Diagnostic{}
	for _, d := range ds {
		if d.Code == CodeYAMLIndent {
			indent[d.File] = append(indent[d.File], d)
		}
	}
	for _, f := range yamlFiles {
		if perFile[f] != 1 {
			t.Errorf("%s: %d rules, want 1", rel(f), perFile[f])
		}
		got := indent[f]
		if len(got) != 1 || got[0].Line != 8 || got[0].Col != 5 || got[0].Severity != SeverityWarning {
			t.Errorf("%s: yaml-indentation diagnostics %v, want one warning at 8:5", rel(f), got)
		}
	}
	// The same list as defects.json, file and line.
	var want, have []string
	for _, d := range readDefects(t, dir) {
		if d.Defect == "yaml-indentation" {
			want = append(want, d.File+":"+itoa(d.Line))
		}
	}
	for f, list := range indent {
		for _, d := range list {
			have = append(have, rel(f)+":"+itoa(d.Line))
		}
	}
	slices.Sort(want)
	slices.Sort(have)
	if !slices.Equal(want, have) {
		t.Errorf("yaml-indentation entries differ from defects.json\n got: %v\nwant: %v", have, want)
	}
	// The YAML keys all arrive: single-string tactics and techniques, data types.
	for _, r := range p.Rules {
		if !strings.HasSuffix(r.File, ".yaml") {
			continue
		}
		if r.ID == "" || !strings.HasPrefix(r.Name, "Remote Management and Monitoring tool") && !strings.Contains(r.Name, "RMM") {
			t.Errorf("%s: id %q name %q", rel(r.File), r.ID, r.Name)
		}
		if !slices.Equal(r.Tactics, []string{"CommandAndControl"}) || !slices.Equal(r.Techniques, []string{"T1219"}) {
			t.Errorf("%s: tactics %v techniques %v", rel(r.File), r.Tactics, r.Techniques)
		}
		if len(r.DataTypes) == 0 || r.Description == "" || r.Kind != "Hunting" {
			t.Errorf("%s: dataTypes %v, description %q, kind %q", rel(r.File), r.DataTypes, r.Description, r.Kind)
		}
	}
}

func TestJischellMarkdown(t *testing.T) {
	dir, p, ds, rel := loadJischell(t)
	// Blocks per RMM_AHQ file: a rule, or a warning saying why the block is not one.
	blocks := map[string]int{}
	rulesFromMD := 0
	for _, r := range p.Rules {
		if strings.HasSuffix(r.File, ".md") {
			blocks[rel(r.File)]++
			rulesFromMD++
		}
	}
	noRule := 0
	for _, d := range ds {
		if d.Code == CodeEmptyBlock || d.Code == CodeNotKQL && d.Severity == SeverityWarning {
			if strings.Contains(d.File, "RMM_AHQ_") && !strings.Contains(d.File, "Network Indicators") {
				blocks[rel(d.File)]++
				noRule++
			}
		}
	}
	hist := map[int][]string{}
	mdFiles, _ := filepath.Glob(filepath.Join(dir, "RMM", "*", "RMM_AHQ_*.md"))
	for _, f := range mdFiles {
		n := blocks[rel(f)]
		hist[n] = append(hist[n], filepath.Base(f))
	}
	// The README's table: 66 files with 3 blocks, 2 with 2, 2 with 1, 6 with 0.
	wantNames := map[int][]string{
		2: {"RMM_AHQ_ChromeRDP.md", "RMM_AHQ_DattoRMM.md"},
		1: {"RMM_AHQ_Addigy.md", "RMM_AHQ_EHorus.md"},
		0: {"RMM_AHQ_Auvik.md", "RMM_AHQ_BeAnywhere.md", "RMM_AHQ_BlueTrait.io.md", "RMM_AHQ_CrossLoop.md", "RMM_AHQ_DeskDay.md", "RMM_AHQ_ElectricAI.md"},
	}
	if len(hist[3]) != 66 || len(hist) != 4 {
		t.Errorf("blocks per file: %d files with 3, histogram %v", len(hist[3]), hist)
	}
	for n, want := range wantNames {
		got := hist[n]
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("files with %d blocks: %v, want %v", n, got, want)
		}
	}
	// The NetworkURI file adds one block.
	var uri []*Rule
	for _, r := range p.Rules {
		if strings.HasSuffix(r.File, "RMM_AHQ_NetworkURI.md") {
			uri = append(uri, r)
		}
	}
	if len(uri) != 1 || uri[0].Name != "RMM_AHQ_NetworkURI - NetworkConnection" || !strings.Contains(uri[0].Query, "datatable(URI:string") {
		t.Errorf("NetworkURI rules: %+v", uri)
	}
	if total := rulesFromMD - len(uri) + noRule; total != 66*3+2*2+2*1 {
		t.Errorf("md blocks: %d rules + %d blocks without a query = %d, want %d", rulesFromMD-len(uri), noRule, total, 66*3+2*2+2*1)
	}
	// The six "Intentionally blank" files: a no-query warning each, as in defects.json.
	var want, have []string
	for _, d := range readDefects(t, dir) {
		if d.Defect == "no-query" {
			want = append(want, d.File+":"+itoa(d.Line))
		}
	}
	for _, d := range ds {
		if d.Code == CodeNoQuery && strings.Contains(d.Message, "Intentionally blank") {
			if d.Severity != SeverityWarning {
				t.Errorf("%s: severity %s, want warning", d, d.Severity)
			}
			have = append(have, rel(d.File)+":"+itoa(d.Line))
		}
	}
	slices.Sort(want)
	slices.Sort(have)
	if !slices.Equal(want, have) {
		t.Errorf("no-query warnings differ from defects.json\n got: %v\nwant: %v", have, want)
	}
	// Names and ids follow the file and the heading.
	r := p.Rule("RMM_AHQ_MSP360_CloudBerry#network-connection")
	if r == nil {
		t.Fatal("no rule RMM_AHQ_MSP360_CloudBerry#network-connection")
	}
	if r.Name != "RMM_AHQ_MSP360_CloudBerry - Network Connection" || r.QueryLine != 50 || !strings.HasPrefix(r.Query, "let Time_start = now(-5d);\n") {
		t.Errorf("MSP360 network block: name %q, query line %d, query %q", r.Name, r.QueryLine, r.Query[:40])
	}
}

// TestJischellNothingSkipped: every file of the folder gives a rule or a diagnostic.
func TestJischellNothingSkipped(t *testing.T) {
	dir, p, ds, rel := loadJischell(t)
	accounted := map[string]bool{}
	for _, r := range p.Rules {
		accounted[r.File] = true
	}
	for _, d := range ds {
		accounted[d.File] = true
	}
	n := 0
	_ = filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
			if !accounted[f] {
				t.Errorf("%s: silently skipped", rel(f))
			}
		}
		return nil
	})
	if n < 168+77 {
		t.Errorf("walked only %d files", n)
	}
}

// TestJischellQueryPositions: every query line is where FilePos says it is.
func TestJischellQueryPositions(t *testing.T) {
	_, p, _, rel := loadJischell(t)
	checked := 0
	for _, r := range p.Rules {
		data, err := os.ReadFile(r.File)
		if err != nil {
			t.Fatal(err)
		}
		checkPositions(t, rel(r.File), normaliseText(data), r)
		checked++
	}
	if checked != len(p.Rules) || checked == 0 {
		t.Fatalf("checked %d of %d", checked, len(p.Rules))
	}
	seed := p.Rule("3a4d43d5-2326-467c-a22a-4f1f1f3e2890")
	if seed == nil {
		t.Fatal("seed rule missing")
	}
	// Line 23 of the file holds the trailing comma (defects.json): query line 11.
	if l, c := seed.FilePos(11, 34); l != 23 || c != 36 {
		t.Errorf("FilePos(11,34) = %d:%d, want 23:36", l, c)
	}
}

// checkPositions verifies that each line of r.Query is the text of the file
// line FilePos names, from the column FilePos names.
func checkPositions(t *testing.T, name, text string, r *Rule) {
	t.Helper()
	if !r.exact {
		return
	}
	lines := strings.Split(text, "\n")
	for i, ql := range strings.Split(strings.TrimSuffix(r.Query, "\n"), "\n") {
		if ql == "" {
			continue
		}
		line, col := r.FilePos(i+1, 1)
		if line > len(lines) || col-1 > len(lines[line-1]) || lines[line-1][col-1:] != ql {
			got := ""
			if line <= len(lines) {
				got = lines[line-1]
			}
			t.Errorf("%s: rule %s query line %d maps to %d:%d = %q, want %q", name, r.ID, i+1, line, col, got, ql)
			return
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
