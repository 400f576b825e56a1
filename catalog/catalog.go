package catalog

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Category values of Tool.Category.
const (
	// CategoryRMM marks remote monitoring and management software.
	CategoryRMM = "RMM"
	// CategoryRAT marks other remote-access software (remote desktop, SSH,
	// tunnels, file sync) that attackers use for access.
	CategoryRAT = "RAT"
)

// FormatVersion is the version of the tools.yaml format written by Save.
const FormatVersion = 1

// Tool is one catalogued tool. Lists are sorted and free of duplicates after
// Normalize. Domain entries use the forms described in Domain patterns
// (docs/catalog.md): "x.y" (the host and its subdomains), "*.x.y" (subdomains
// only), "a*.x.y" (in-label glob, whole host), or an IPv4 address.
type Tool struct {
	// ID is the tool's slug (lower case letters, digits and "-"), stable
	// across imports; rule ids are derived from it.
	ID string `yaml:"id"`
	// Name is the display name, as the public catalogs spell it unless a
	// correction renamed it.
	Name string `yaml:"name"`
	// Vendor is the company behind the tool, when known.
	Vendor string `yaml:"vendor,omitempty"`
	// Category is CategoryRMM or CategoryRAT.
	Category string `yaml:"category"`
	// Website is the vendor's or project's web site.
	Website string `yaml:"website,omitempty"`
	// Domains are the tool's network indicators (lower case).
	Domains []string `yaml:"domains,omitempty"`
	// Binaries are executable file names (as written by the vendor; matched
	// case-insensitively).
	Binaries []string `yaml:"binaries,omitempty"`
	// InstallPaths are glob-like install locations and file-name patterns.
	InstallPaths []string `yaml:"installPaths,omitempty"`
	// Signers are Authenticode signer names (or distinctive parts of them).
	Signers []string `yaml:"signers,omitempty"`
	// Companies are version-info company names (or distinctive parts).
	Companies []string `yaml:"companies,omitempty"`
	// Products are version-info product names.
	Products []string `yaml:"products,omitempty"`
	// Ports are network ports the tool uses ("443", or a range "1000-65535").
	Ports []string `yaml:"ports,omitempty"`
	// Techniques are MITRE ATT&CK technique ids for the generated rules; empty
	// means the default (T1219, T1219.002).
	Techniques []string `yaml:"techniques,omitempty"`
	// Sources name where the facts came from: "lolrmm", "jischell",
	// "corrections".
	Sources []string `yaml:"sources,omitempty"`
	// Notes record import decisions (dropped or converted entries, merges,
	// corrections with who and why).
	Notes []string `yaml:"notes,omitempty"`
}

// Catalog is the whole tool catalog, tools sorted by ID.
type Catalog struct {
	// Version is the file format version (FormatVersion).
	Version int `yaml:"version"`
	// Tools are the catalogued tools.
	Tools []*Tool `yaml:"tools"`
}

// DefaultTechniques are the ATT&CK techniques of a tool without its own list.
var DefaultTechniques = []string{"T1219", "T1219.002"}

// TechniqueList returns t.Techniques, or DefaultTechniques when it is empty.
func (t *Tool) TechniqueList() []string {
	if len(t.Techniques) > 0 {
		return t.Techniques
	}
	return DefaultTechniques
}

// Find returns the tool whose ID or name equals q (name compared
// case-insensitively), or nil.
func (c *Catalog) Find(q string) *Tool {
	for _, t := range c.Tools {
		if t.ID == q {
			return t
		}
	}
	for _, t := range c.Tools {
		if strings.EqualFold(t.Name, q) {
			return t
		}
	}
	return nil
}

// Slug turns a tool name into an ID: lower case ASCII letters and digits, other
// runs of characters become one "-".
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

// sortedSet returns the distinct non-empty values of xs, sorted; "distinct"
// compares with fold when fold is set (the first spelling in sort order wins).
func sortedSet(xs []string, fold bool) []string {
	var out []string
	seen := map[string]bool{}
	cp := slices.Clone(xs)
	sort.Strings(cp)
	for _, x := range cp {
		x = strings.TrimSpace(x)
		if x == "" {
			continue
		}
		k := x
		if fold {
			k = strings.ToLower(x)
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, x)
	}
	return out
}

// Normalize sorts and de-duplicates every list of every tool and sorts the
// tools by ID. Save calls it, so output is deterministic.
func (c *Catalog) Normalize() {
	if c.Version == 0 {
		c.Version = FormatVersion
	}
	for _, t := range c.Tools {
		t.normalize()
	}
	sort.Slice(c.Tools, func(i, j int) bool { return c.Tools[i].ID < c.Tools[j].ID })
}

func (t *Tool) normalize() {
	for i, d := range t.Domains {
		t.Domains[i] = strings.ToLower(strings.TrimSpace(d))
	}
	t.Domains = sortedSet(t.Domains, false)
	t.Binaries = sortedSet(t.Binaries, true)
	t.InstallPaths = sortedSet(t.InstallPaths, false)
	t.Signers = sortedSet(t.Signers, true)
	t.Companies = sortedSet(t.Companies, true)
	t.Products = sortedSet(t.Products, true)
	t.Ports = sortedSet(t.Ports, false)
	sort.Slice(t.Ports, func(i, j int) bool { return portKey(t.Ports[i]) < portKey(t.Ports[j]) })
	t.Techniques = sortedSet(t.Techniques, false)
	t.Sources = sortedSet(t.Sources, false)
	t.Notes = sortedSet(t.Notes, false)
}

func portKey(p string) string {
	lo, _, _ := strings.Cut(p, "-")
	return fmt.Sprintf("%06s|%s", lo, p)
}

// Validate checks the catalog's invariants: unique ids and names, valid slugs,
// known categories, parseable domain entries. It returns every problem found.
func (c *Catalog) Validate() error {
	var errs []string
	ids := map[string]bool{}
	names := map[string]bool{}
	for i, t := range c.Tools {
		where := fmt.Sprintf("tool %d (%q)", i+1, t.Name)
		if t.ID == "" || Slug(t.ID) != t.ID {
			errs = append(errs, fmt.Sprintf("%s: id %q is not a slug", where, t.ID))
		}
		if ids[t.ID] {
			errs = append(errs, fmt.Sprintf("%s: duplicate id %q", where, t.ID))
		}
		ids[t.ID] = true
		if t.Name == "" {
			errs = append(errs, where+": empty name")
		}
		if names[strings.ToLower(t.Name)] {
			errs = append(errs, fmt.Sprintf("%s: duplicate name", where))
		}
		names[strings.ToLower(t.Name)] = true
		if t.Category != CategoryRMM && t.Category != CategoryRAT {
			errs = append(errs, fmt.Sprintf("%s: category %q is not RMM or RAT", where, t.Category))
		}
		for _, d := range t.Domains {
			if _, err := ParseDomain(d); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", where, err))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("catalog: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Load parses a catalog from YAML text. Unknown keys are an error (so a typo
// in a hand edit does not silently drop data); the result is validated.
func Load(data []byte) (*Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if c.Version != FormatVersion {
		return nil, fmt.Errorf("catalog: format version %d is not supported (want %d)", c.Version, FormatVersion)
	}
	for i, t := range c.Tools {
		if t == nil {
			return nil, fmt.Errorf("catalog: tool %d is empty", i+1)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadFile reads and parses a catalog file.
func LoadFile(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// fileHeader starts every saved catalog.
const fileHeader = `# rmmhunt RMM tool catalog. GENERATED by "rmmhunt catalog import"; do not edit.
# Facts come from the public LOLRMM and jischell-msft catalogs; the project's own
# decisions live in catalog/corrections.yaml and are re-applied on every import.
# Format: docs/catalog.md.
`

// Save renders the catalog as deterministic YAML: normalized (sorted tools and
// lists), two-space indentation, a fixed header.
func Save(c *Catalog) ([]byte, error) {
	c.Normalize()
	var buf bytes.Buffer
	buf.WriteString(fileHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return buf.Bytes(), nil
}

//go:embed tools.yaml
var embeddedTools []byte

// Embedded returns the catalog compiled into the binary (catalog/tools.yaml).
// Each call returns a fresh copy that the caller may modify.
func Embedded() (*Catalog, error) {
	return Load(embeddedTools)
}
