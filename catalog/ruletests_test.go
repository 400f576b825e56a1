package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type testFile struct {
	Rule  string `yaml:"rule"`
	Now   string `yaml:"now"`
	Cases []struct {
		Name   string                      `yaml:"name"`
		Rows   map[string][]map[string]any `yaml:"rows"`
		Expect []map[string]any            `yaml:"expect"`
	} `yaml:"cases"`
}

type ruleFile struct {
	ID                     string   `yaml:"id"`
	Name                   string   `yaml:"name"`
	Description            string   `yaml:"description"`
	Severity               string   `yaml:"severity"`
	Tactics                []string `yaml:"tactics"`
	RelevantTechniques     []string `yaml:"relevantTechniques"`
	Tool                   string   `yaml:"tool"`
	RmmKind                string   `yaml:"rmmKind"`
	Query                  string   `yaml:"query"`
	Version                string   `yaml:"version"`
	RequiredDataConnectors []struct {
		ConnectorID string   `yaml:"connectorId"`
		DataTypes   []string `yaml:"dataTypes"`
	} `yaml:"requiredDataConnectors"`
	EntityMappings []struct {
		EntityType    string `yaml:"entityType"`
		FieldMappings []struct {
			Identifier string `yaml:"identifier"`
			ColumnName string `yaml:"columnName"`
		} `yaml:"fieldMappings"`
	} `yaml:"entityMappings"`
}

func text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// evalCase runs one test case through the rule's pure-Go meaning and returns
// the result rows (group key columns plus Tool), one per group.
func evalCase(p packSpecs, kind string, rows []map[string]any) []map[string]string {
	groups := map[string]map[string]string{}
	var order []string
	for _, r := range rows {
		out := map[string]string{"DeviceName": text(r["DeviceName"]), "Tool": p.tool.Name}
		var key []string
		switch kind {
		case KindNetwork:
			h, ok := p.net.matchURL(text(r["RemoteUrl"]))
			if !ok {
				continue
			}
			out["RemoteHost"] = h
			key = []string{text(r["DeviceId"]), text(r["DeviceName"]), h, text(r["InitiatingProcessFileName"]), text(r["InitiatingProcessAccountName"])}
		case KindProcess:
			pr := procRow{text(r["FileName"]), text(r["ProcessVersionInfoOriginalFileName"]), text(r["ProcessVersionInfoCompanyName"]), text(r["ProcessVersionInfoProductName"])}
			if !p.proc.match(pr) {
				continue
			}
			out["FileName"] = pr.FileName
			key = []string{text(r["DeviceId"]), text(r["DeviceName"]), text(r["AccountName"]), pr.FileName, text(r["FolderPath"]), pr.Company, pr.Product}
		case KindSignature:
			if !p.sig.match(text(r["Signer"])) {
				continue
			}
			out["Signer"] = text(r["Signer"])
			key = []string{text(r["DeviceId"]), text(r["DeviceName"]), text(r["Signer"]), text(r["Issuer"])}
		}
		k := strings.Join(key, "\x00")
		if groups[k] == nil {
			order = append(order, k)
			groups[k] = out
		}
	}
	res := make([]map[string]string, 0, len(order))
	for _, k := range order {
		res = append(res, groups[k])
	}
	return res
}

var forbiddenKQL = regexp.MustCompile(`\bnow\(|\bago\(|\bcontains\b|matches regex|\bhas\s+["(]|RemoteUrl\s+endswith|RemoteUrl\s+has\s`)

// TestGeneratedRules checks every generated rule file (keys, ids, KQL
// subset) and runs every generated test case through the rule's pure-Go
// meaning with the runner's semantics: exactly len(expect) result rows, and
// each expectation equal to exactly one row on its columns.
func TestGeneratedRules(t *testing.T) {
	c, specs := allSpecs(t)
	byName := map[string]packSpecs{}
	for _, p := range specs {
		byName[p.tool.ID] = p
	}
	files := GenerateRules(c)
	rules := map[string]ruleFile{}
	ids := map[string]string{}
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".tests.yaml") {
			continue
		}
		var r ruleFile
		dec := yaml.NewDecoder(strings.NewReader(string(f.Data)))
		dec.KnownFields(true)
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if !uuidRE.MatchString(r.ID) {
			t.Errorf("%s: id %q is not a UUIDv5", f.Path, r.ID)
		}
		if prev, dup := ids[r.ID]; dup {
			t.Errorf("%s: id %s also used by %s", f.Path, r.ID, prev)
		}
		ids[r.ID] = f.Path
		if r.Name == "" || r.Description == "" || r.Severity == "" || r.Tool == "" || r.Version == "" ||
			len(r.Tactics) == 0 || len(r.RelevantTechniques) == 0 || len(r.EntityMappings) == 0 ||
			len(r.RequiredDataConnectors) != 1 || r.RequiredDataConnectors[0].ConnectorID != "MicrosoftThreatProtection" {
			t.Errorf("%s: missing metadata: %+v", f.Path, r)
		}
		if m := forbiddenKQL.FindString(r.Query); m != "" {
			t.Errorf("%s: query uses %q, outside the rule pack's KQL subset", f.Path, m)
		}
		rules[strings.TrimSuffix(f.Path, ".yaml")] = r
	}
	cases := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".tests.yaml") {
			continue
		}
		base := strings.TrimSuffix(f.Path, ".tests.yaml")
		r, ok := rules[base]
		if !ok {
			t.Fatalf("%s: no rule file", f.Path)
		}
		var tf testFile
		if err := yaml.Unmarshal(f.Data, &tf); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if tf.Rule != r.ID {
			t.Errorf("%s: rule %s, want %s", f.Path, tf.Rule, r.ID)
		}
		p := byName[base[:strings.Index(base, "/")]]
		var pos, neg int
		for _, tc := range tf.Cases {
			cases++
			for table, rows := range tc.Rows {
				if table != r.RequiredDataConnectors[0].DataTypes[0] {
					t.Errorf("%s: case %q reads table %s", f.Path, tc.Name, table)
				}
				got := evalCase(p, r.RmmKind, rows)
				if len(got) != len(tc.Expect) {
					t.Errorf("%s: case %q: %d result rows, expected %d", f.Path, tc.Name, len(got), len(tc.Expect))
					continue
				}
				for _, e := range tc.Expect {
					n := 0
					for _, g := range got {
						all := true
						for k, v := range e {
							if g[k] != text(v) {
								all = false
							}
						}
						if all {
							n++
						}
					}
					if n != 1 {
						t.Errorf("%s: case %q: expectation %v equals %d result rows", f.Path, tc.Name, e, n)
					}
				}
			}
			if len(tc.Expect) > 0 {
				pos++
			} else {
				neg++
			}
		}
		if pos == 0 || neg == 0 {
			t.Errorf("%s: %d positive and %d negative cases; want both", f.Path, pos, neg)
		}
	}
	t.Logf("%d rule files, %d test cases", len(rules), cases)
}

func TestRuleIDStable(t *testing.T) {
	// The id depends only on the tool id and kind, so re-imports keep it.
	if a, b := RuleID("anydesk", KindNetwork), RuleID("anydesk", KindNetwork); a != b {
		t.Fatalf("RuleID not deterministic: %s %s", a, b)
	}
	if RuleID("anydesk", KindNetwork) == RuleID("anydesk", KindProcess) {
		t.Fatal("kinds share an id")
	}
}
