package catalog

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Corrections is the hand-written catalog/corrections.yaml: the project's own
// decisions, applied by Import after the public sources are merged. Every
// entry says who made it and why.
type Corrections struct {
	// Version is the file format version (1).
	Version int `yaml:"version"`
	// Aliases map a source's tool name to the catalog name (matching ignores
	// case and punctuation).
	Aliases []Alias `yaml:"aliases"`
	// IgnoreDomains are domain entries dropped from every tool.
	IgnoreDomains []Ignore `yaml:"ignoreDomains"`
	// IgnoreNames are names dropped from every tool's signers and companies
	// (compared case-insensitively).
	IgnoreNames []Ignore `yaml:"ignoreNames"`
	// IgnoreSigners are signer names dropped from every tool (compared
	// case-insensitively); they stay as company names.
	IgnoreSigners []Ignore `yaml:"ignoreSigners"`
	// IgnoreCompanies are company names dropped from every tool.
	IgnoreCompanies []Ignore `yaml:"ignoreCompanies"`
	// IgnoreBinaries are binary names dropped from every tool.
	IgnoreBinaries []Ignore `yaml:"ignoreBinaries"`
	// Tools are per-tool corrections, applied in order.
	Tools []ToolCorrection `yaml:"tools"`
}

// Alias maps a source name to a catalog tool name.
type Alias struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	Who  string `yaml:"who"`
	Why  string `yaml:"why"`
}

// Ignore is one globally ignored value.
type Ignore struct {
	Value string `yaml:"value"`
	Who   string `yaml:"who"`
	Why   string `yaml:"why"`
}

// ToolCorrection changes one tool. Tool names the tool (after aliases and
// earlier renames); Rename renames it (renaming onto an existing tool merges
// the two); Drop removes it; Set overrides scalar fields; Add and Remove
// change lists.
type ToolCorrection struct {
	Tool   string    `yaml:"tool"`
	Rename string    `yaml:"rename,omitempty"`
	Drop   bool      `yaml:"drop,omitempty"`
	Set    *ToolSet  `yaml:"set,omitempty"`
	Add    *ToolList `yaml:"add,omitempty"`
	Remove *ToolList `yaml:"remove,omitempty"`
	Who    string    `yaml:"who"`
	Why    string    `yaml:"why"`
}

// ToolSet holds scalar overrides.
type ToolSet struct {
	Vendor     string   `yaml:"vendor,omitempty"`
	Category   string   `yaml:"category,omitempty"`
	Website    string   `yaml:"website,omitempty"`
	Techniques []string `yaml:"techniques,omitempty"`
}

// ToolList holds list values to add or remove.
type ToolList struct {
	Domains      []string `yaml:"domains,omitempty"`
	Binaries     []string `yaml:"binaries,omitempty"`
	InstallPaths []string `yaml:"installPaths,omitempty"`
	Signers      []string `yaml:"signers,omitempty"`
	Companies    []string `yaml:"companies,omitempty"`
	Products     []string `yaml:"products,omitempty"`
	Ports        []string `yaml:"ports,omitempty"`
}

//go:embed corrections.yaml
var embeddedCorrections []byte

// EmbeddedCorrections returns the corrections compiled into the binary.
func EmbeddedCorrections() (*Corrections, error) { return ParseCorrections(embeddedCorrections) }

// ParseCorrections parses and checks a corrections file: unknown keys, missing
// who/why, empty values and entries that do nothing are errors.
func ParseCorrections(data []byte) (*Corrections, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Corrections
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("corrections: %w", err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("corrections: format version %d is not supported (want 1)", c.Version)
	}
	var errs []string
	need := func(where, who, why string) {
		if strings.TrimSpace(who) == "" || strings.TrimSpace(why) == "" {
			errs = append(errs, where+": who and why are required")
		}
	}
	for i, a := range c.Aliases {
		where := fmt.Sprintf("aliases[%d] (%s)", i, a.From)
		need(where, a.Who, a.Why)
		if a.From == "" || a.To == "" {
			errs = append(errs, where+": from and to are required")
		}
	}
	for _, g := range []struct {
		name string
		list []Ignore
	}{{"ignoreDomains", c.IgnoreDomains}, {"ignoreNames", c.IgnoreNames}, {"ignoreSigners", c.IgnoreSigners},
		{"ignoreCompanies", c.IgnoreCompanies}, {"ignoreBinaries", c.IgnoreBinaries}} {
		name := g.name
		for i, x := range g.list {
			where := fmt.Sprintf("%s[%d] (%s)", name, i, x.Value)
			need(where, x.Who, x.Why)
			if strings.TrimSpace(x.Value) == "" {
				errs = append(errs, where+": empty value")
			}
		}
	}
	for i, t := range c.Tools {
		where := fmt.Sprintf("tools[%d] (%s)", i, t.Tool)
		need(where, t.Who, t.Why)
		if t.Tool == "" {
			errs = append(errs, where+": tool is required")
		}
		if t.Rename == "" && !t.Drop && t.Set == nil && t.Add == nil && t.Remove == nil {
			errs = append(errs, where+": does nothing")
		}
		if t.Set != nil && t.Set.Category != "" && t.Set.Category != CategoryRMM && t.Set.Category != CategoryRAT {
			errs = append(errs, where+": category must be RMM or RAT")
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("corrections: %s", strings.Join(errs, "; "))
	}
	return &c, nil
}

func nameKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// removeFold removes from xs every value equal (case-insensitively when fold)
// to v and reports whether something was removed.
func removeFold(xs []string, v string, fold bool) ([]string, bool) {
	out := xs[:0:0]
	hit := false
	for _, x := range xs {
		if x == v || (fold && strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(v))) {
			hit = true
			continue
		}
		out = append(out, x)
	}
	return out, hit
}
