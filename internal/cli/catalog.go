package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/catalog"
	"github.com/rmmhunt/rmmhunt/rules"
)

func newCatalogCmd(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "The RMM tool catalog behind the built-in rules: list, show, import",
		Long: `catalog works on rmmhunt's catalog of remote monitoring and management (RMM)
and remote-access tools: their domains, binaries, signers, version-info
companies and products. The built-in rule pack is generated from it (up to
three rules per tool: network, process, signature).

"catalog import" rebuilds the catalog from the public LOLRMM and jischell-msft
data plus rmmhunt's corrections, and regenerates the rule pack and its tests.`,
		Example: `  rmmhunt catalog list
  rmmhunt catalog show anydesk
  rmmhunt catalog import --lolrmm lolrmm/rmm_tools.json --jischell RemoteManagementMonitoringTools/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCatalogListCmd(s), newCatalogShowCmd(s), newCatalogImportCmd(s))
	return cmd
}

// loadCatalog reads --catalog FILE, or the catalog embedded in the binary.
func loadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		c, err := catalog.Embedded()
		if err != nil {
			return nil, inputErr(err)
		}
		return c, nil
	}
	c, err := catalog.LoadFile(path)
	if err != nil {
		return nil, inputErr(err)
	}
	return c, nil
}

// toolRule is a generated rule of a tool, as list and show report it.
type toolRule struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	File string `json:"file"`
}

// toolRules returns, per tool id, the rules the catalog generates, in kind
// order. With the embedded catalog the built-in pack supplies names and
// files; for another catalog they come from catalog.GenerateRules.
func toolRules(c *catalog.Catalog, embedded bool) map[string][]toolRule {
	out := map[string][]toolRule{}
	if embedded {
		if pack, err := rules.Builtin(); err == nil {
			byName := map[string]string{}
			for _, t := range c.Tools {
				byName[t.Name] = t.ID
			}
			for _, r := range pack.Rules {
				kind, _ := r.Extra["rmmKind"].(string)
				id, ok := byName[r.Tool]
				if kind == "" || !ok || !strings.HasPrefix(r.File, rules.BuiltinPrefix+"catalog/") {
					continue
				}
				out[id] = append(out[id], toolRule{Kind: kind, ID: r.ID, Name: r.Name, File: r.File})
			}
		}
	} else {
		for _, f := range catalog.GenerateRules(c) {
			if strings.HasSuffix(f.Path, ".tests.yaml") {
				continue
			}
			dir, file := filepath.Split(filepath.FromSlash(f.Path))
			id := filepath.Base(dir)
			kind := strings.TrimSuffix(strings.TrimPrefix(file, id+"_"), ".yaml")
			out[id] = append(out[id], toolRule{Kind: kind, ID: catalog.RuleID(id, kind), File: f.Path})
		}
	}
	order := map[string]int{catalog.KindNetwork: 0, catalog.KindProcess: 1, catalog.KindSignature: 2}
	for _, rs := range out {
		sort.SliceStable(rs, func(i, j int) bool { return order[rs[i].Kind] < order[rs[j].Kind] })
	}
	return out
}

// toolView is a tool as "catalog show/list --format json" prints it.
type toolView struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Vendor       string     `json:"vendor,omitempty"`
	Category     string     `json:"category"`
	Website      string     `json:"website,omitempty"`
	Domains      []string   `json:"domains"`
	Binaries     []string   `json:"binaries"`
	InstallPaths []string   `json:"installPaths"`
	Signers      []string   `json:"signers"`
	Companies    []string   `json:"companies"`
	Products     []string   `json:"products"`
	Ports        []string   `json:"ports"`
	Techniques   []string   `json:"techniques"`
	Sources      []string   `json:"sources"`
	Notes        []string   `json:"notes,omitempty"`
	Rules        []toolRule `json:"rules"`
}

func viewOf(t *catalog.Tool, rs []toolRule) toolView {
	return toolView{ID: t.ID, Name: t.Name, Vendor: t.Vendor, Category: t.Category, Website: t.Website,
		Domains: orEmpty(t.Domains), Binaries: orEmpty(t.Binaries), InstallPaths: orEmpty(t.InstallPaths),
		Signers: orEmpty(t.Signers), Companies: orEmpty(t.Companies), Products: orEmpty(t.Products),
		Ports: orEmpty(t.Ports), Techniques: t.TechniqueList(), Sources: orEmpty(t.Sources), Notes: t.Notes,
		Rules: append([]toolRule{}, rs...)}
}

func newCatalogListCmd(s *Streams) *cobra.Command {
	var format, file string
	cmd := &cobra.Command{
		Use:   "list [--format text|json]",
		Short: "List the catalogued tools with their indicator counts and rule kinds",
		Long: `list prints one line per catalogued tool: id, name, category, how many
domains, binaries and signers the catalog holds for it, and which rules it
generates (netconn: network, createproc: process, filesig: signature).`,
		Example: `  rmmhunt catalog list
  rmmhunt catalog list --format json | jq -r '.[] | select(.rules | length == 0) | .name'
  rmmhunt catalog list --catalog my-catalog/tools.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("format", format, "text", "json"); err != nil {
				return err
			}
			c, err := loadCatalog(file)
			if err != nil {
				return err
			}
			byTool := toolRules(c, file == "")
			if format == "json" {
				views := make([]toolView, 0, len(c.Tools))
				for _, t := range c.Tools {
					views = append(views, viewOf(t, byTool[t.ID]))
				}
				return writeJSON(s.Out, views)
			}
			tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCATEGORY\tDOMAINS\tBINARIES\tSIGNERS\tRULES")
			nRules := 0
			for _, t := range c.Tools {
				var kinds []string
				for _, r := range byTool[t.ID] {
					kinds = append(kinds, r.Kind)
				}
				nRules += len(kinds)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", t.ID, t.Name, t.Category, len(t.Domains), len(t.Binaries), len(t.Signers), dash(strings.Join(kinds, ",")))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(s.Err, "%d tools, %d rules\n", len(c.Tools), nRules)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json")
	cmd.Flags().StringVar(&file, "catalog", "", "read this tools.yaml instead of the built-in catalog")
	return cmd
}

func newCatalogShowCmd(s *Streams) *cobra.Command {
	var format, file string
	cmd := &cobra.Command{
		Use:   "show TOOL",
		Short: "Show one tool: its indicators, sources, import notes and rules",
		Long: `show prints everything the catalog holds for one tool (by id or by name, any
case): vendor, category, domains, binaries, install paths, signers,
version-info companies and products, ports, ATT&CK techniques, sources, the
import notes, and the rules generated from it.`,
		Example: `  rmmhunt catalog show anydesk
  rmmhunt catalog show "MSP360" --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("format", format, "text", "json"); err != nil {
				return err
			}
			c, err := loadCatalog(file)
			if err != nil {
				return err
			}
			t := c.Find(args[0])
			if t == nil {
				return usageErr("%s", notFoundTool(c, args[0]))
			}
			rs := toolRules(c, file == "")[t.ID]
			if format == "json" {
				return writeJSON(s.Out, viewOf(t, rs))
			}
			writeTool(s.Out, t, rs)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json")
	cmd.Flags().StringVar(&file, "catalog", "", "read this tools.yaml instead of the built-in catalog")
	return cmd
}

// notFoundTool says that no tool is called q and names those whose id or
// name contains it.
func notFoundTool(c *catalog.Catalog, q string) string {
	lq := strings.ToLower(q)
	slug := catalog.Slug(q)
	var near []string
	for _, t := range c.Tools {
		if strings.Contains(strings.ToLower(t.Name), lq) || slug != "" && strings.Contains(t.ID, slug) {
			near = append(near, t.ID)
		}
	}
	msg := fmt.Sprintf("no tool has the id or name %q", q)
	if len(near) > 0 {
		if len(near) > 10 {
			near = append(near[:10], "…")
		}
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	} else {
		msg += " (see rmmhunt catalog list)"
	}
	return msg
}

func writeTool(w io.Writer, t *catalog.Tool, rs []toolRule) {
	fmt.Fprintf(w, "%s (%s)\n", t.Name, t.ID)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	field := func(k string, vs ...string) {
		v := strings.Join(vs, ", ")
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(tw, "  %s:\t%s\n", k, v)
	}
	field("vendor", t.Vendor)
	field("category", t.Category)
	field("website", t.Website)
	field("domains", t.Domains...)
	field("binaries", t.Binaries...)
	field("install paths", t.InstallPaths...)
	field("signers", t.Signers...)
	field("companies", t.Companies...)
	field("products", t.Products...)
	field("ports", t.Ports...)
	tech := strings.Join(t.TechniqueList(), ", ")
	if len(t.Techniques) == 0 {
		tech += " (default)"
	}
	field("techniques", tech)
	field("sources", t.Sources...)
	tw.Flush()
	if len(t.Notes) > 0 {
		fmt.Fprintln(w, "  notes:")
		for _, n := range t.Notes {
			fmt.Fprintf(w, "    - %s\n", n)
		}
	}
	if len(rs) == 0 {
		fmt.Fprintln(w, "rules: none (the catalog has no domain, binary or signer this tool can be matched by)")
		return
	}
	fmt.Fprintln(w, "rules:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rs {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.Kind, r.ID, r.File)
	}
	tw.Flush()
}

func newCatalogImportCmd(s *Streams) *cobra.Command {
	var o catalog.ImportOptions
	var out, rulesOut string
	cmd := &cobra.Command{
		Use:   "import --lolrmm FILE [flags]",
		Short: "Rebuild the catalog from LOLRMM and jischell-msft data, and regenerate the rule pack",
		Long: `import reads the public catalogs, applies rmmhunt's corrections, writes
<out>/tools.yaml and regenerates the rule pack and its tests under
<rules-out> (files of tools or kinds that are gone are removed). It prints the
import report: files read, merges, every dropped or converted value, the
corrections applied, stale corrections and unknown tools.

The defaults (--out catalog, --rules-out rules/builtin/catalog) are the
places in an rmmhunt source checkout; run it from the repository root, then
rebuild so the binary embeds the new catalog and rules. --rules-out "" skips
the rule pack.`,
		Example: `  rmmhunt catalog import --lolrmm lolrmm/rmm_tools.json \
      --lolrmm-certs lolrmm/rmm_certificates.json --lolrmm-domains lolrmm/rmm_domains.csv \
      --jischell RemoteManagementMonitoringTools/
  rmmhunt catalog import --lolrmm rmm_tools.json --out /tmp/cat --rules-out /tmp/rules`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.LOLRMMTools == "" {
				return usageErr("--lolrmm FILE (LOLRMM's rmm_tools.json) is required")
			}
			for flag, dir := range map[string]string{"out": out, "rules-out": rulesOut} {
				if dir == "" {
					continue
				}
				if !cmd.Flags().Changed(flag) {
					if info, err := os.Stat(dir); err != nil || !info.IsDir() {
						return usageErr("--%s %s: no such folder here; run from the rmmhunt repository root or give --%s", flag, dir, flag)
					}
				}
			}
			if out == "" {
				return usageErr("--out must name a folder")
			}
			c, rep, err := catalog.Import(o)
			if err != nil {
				return inputErr(err)
			}
			data, err := catalog.Save(c)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return inputErr(err)
			}
			path := filepath.Join(out, "tools.yaml")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return inputErr(err)
			}
			fmt.Fprint(s.Out, rep.String())
			fmt.Fprintf(s.Err, "wrote %s (%d tools)\n", path, len(c.Tools))
			if rulesOut != "" {
				n, err := catalog.WriteRules(rulesOut, c)
				if err != nil {
					return inputErr(err)
				}
				fmt.Fprintf(s.Err, "wrote the rule pack under %s (%d rule and test files)\n", rulesOut, n)
			}
			if len(rep.Stale) > 0 || len(rep.Unknown) > 0 {
				fmt.Fprintf(s.Err, "warning: %d stale corrections and %d unknown tools (see the report)\n", len(rep.Stale), len(rep.Unknown))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.LOLRMMTools, "lolrmm", "", "LOLRMM rmm_tools.json (required)")
	f.StringVar(&o.LOLRMMCerts, "lolrmm-certs", "", "LOLRMM rmm_certificates.json")
	f.StringVar(&o.LOLRMMDomains, "lolrmm-domains", "", "LOLRMM rmm_domains.csv")
	f.StringVar(&o.JischellDir, "jischell", "", "root of a jischell-msft/RemoteManagementMonitoringTools copy")
	f.StringVar(&o.Corrections, "corrections", "", "corrections file (default: the corrections built into rmmhunt)")
	f.StringVar(&out, "out", "catalog", "folder to write tools.yaml to")
	f.StringVar(&rulesOut, "rules-out", "rules/builtin/catalog", "folder of the generated rule pack (\"\" to skip)")
	return cmd
}
