package catalog

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// GeneratedFile is one file of the generated rule pack. Path is relative to the
// pack's root and uses "/" ("anydesk/anydesk_netconn.yaml").
type GeneratedFile struct {
	Path string
	Data []byte
}

// RuleID returns the stable rule id of a tool's rule of one kind: a UUID
// version 5 (SHA-1, RFC 9562) of "rmmhunt:<tool-id>:<kind>" in the URL
// namespace.
func RuleID(toolID, kind string) string {
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns)
	h.Write([]byte("rmmhunt:" + toolID + ":" + kind))
	u := h.Sum(nil)[:16]
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// kqlString renders s as a double-quoted KQL string literal.
func kqlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// kqlVerbatim renders s as a verbatim KQL string (@"..."), for regexes.
func kqlVerbatim(s string) string { return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func kqlArray(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = kqlString(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func kqlList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = kqlString(x)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

func networkQuery(t *Tool, s *netSpec) string {
	var b strings.Builder
	b.WriteString("DeviceNetworkEvents\n")
	b.WriteString("| where isnotempty(RemoteUrl)\n")
	fmt.Fprintf(&b, "| where RemoteUrl has_any %s\n", kqlList(s.Needles))
	fmt.Fprintf(&b, "| extend RemoteHost = tolower(trim_end(@\"\\.\", extract(%s, 1, RemoteUrl)))\n", kqlVerbatim(HostRegex))
	var conds []string
	if len(s.Exact) > 0 {
		conds = append(conds, "RemoteHost in "+kqlList(s.Exact))
	}
	for _, x := range s.Suffixes {
		conds = append(conds, "RemoteHost endswith "+kqlString("."+x))
	}
	for _, g := range s.Globs {
		conds = append(conds, fmt.Sprintf("isnotempty(extract(%s, 0, RemoteHost))", kqlVerbatim(g)))
	}
	b.WriteString("| where " + strings.Join(conds, "\n    or ") + "\n")
	b.WriteString("| summarize FirstSeen = min(Timestamp), LastSeen = max(Timestamp), Count = count(),\n")
	b.WriteString("    ReportIds = make_set(ReportId, 100), RemoteUrls = make_set(RemoteUrl, 20)\n")
	b.WriteString("    by DeviceId, DeviceName, RemoteHost, InitiatingProcessFileName, InitiatingProcessAccountName\n")
	fmt.Fprintf(&b, "| extend Tool = %s\n", kqlString(t.Name))
	return b.String()
}

func processQuery(t *Tool, s *procSpec) string {
	var b strings.Builder
	var lets []string
	if len(s.Binaries) > 0 {
		lets = append(lets, "let RmmBinaries = dynamic("+kqlArray(s.Binaries)+");")
	}
	if len(s.Companies) > 0 {
		lets = append(lets, "let RmmCompanies = dynamic("+kqlArray(s.Companies)+");")
	}
	if len(s.Products) > 0 {
		lets = append(lets, "let RmmProducts = dynamic("+kqlArray(s.Products)+");")
	}
	n := "(FileName in~ (RmmBinaries) or ProcessVersionInfoOriginalFileName in~ (RmmBinaries))"
	c := "ProcessVersionInfoCompanyName has_any (RmmCompanies)"
	p := "ProcessVersionInfoProductName has_any (RmmProducts)"
	var cond string
	switch {
	case len(s.Companies) > 0:
		var parts []string
		if len(s.Binaries) > 0 {
			parts = append(parts, "("+n+" and "+c+")")
		}
		if len(s.Products) > 0 {
			parts = append(parts, "("+c+" and "+p+")")
		}
		cond = strings.Join(parts, "\n    or ")
	case len(s.Products) > 0:
		cond = n + " and " + p
	default:
		cond = n
	}
	for _, l := range lets {
		b.WriteString(l + "\n")
	}
	b.WriteString("DeviceProcessEvents\n")
	b.WriteString("| where " + cond + "\n")
	b.WriteString("| summarize FirstSeen = min(Timestamp), LastSeen = max(Timestamp), Count = count(),\n")
	b.WriteString("    ReportIds = make_set(ReportId, 100), CommandLines = make_set(ProcessCommandLine, 20)\n")
	b.WriteString("    by DeviceId, DeviceName, AccountName, FileName, FolderPath, ProcessVersionInfoCompanyName, ProcessVersionInfoProductName\n")
	fmt.Fprintf(&b, "| extend Tool = %s\n", kqlString(t.Name))
	return b.String()
}

func signatureQuery(t *Tool, s *sigSpec) string {
	var b strings.Builder
	b.WriteString("DeviceFileCertificateInfo\n")
	fmt.Fprintf(&b, "| where Signer has_any %s\n", kqlList(s.Signers))
	b.WriteString("| summarize FirstSeen = min(Timestamp), LastSeen = max(Timestamp), Count = count(),\n")
	b.WriteString("    ReportIds = make_set(ReportId, 100), SHA1s = make_set(SHA1, 20)\n")
	b.WriteString("    by DeviceId, DeviceName, Signer, Issuer\n")
	fmt.Fprintf(&b, "| extend Tool = %s\n", kqlString(t.Name))
	return b.String()
}

// scalar and yaml node helpers
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
func intNode(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(n)}
}
func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i < len(kv); i += 2 {
		v, ok := kv[i+1].(*yaml.Node)
		if !ok {
			v = str(fmt.Sprint(kv[i+1]))
		}
		m.Content = append(m.Content, str(kv[i].(string)), v)
	}
	return m
}
func strSeq(xs []string) *yaml.Node {
	n := seq()
	for _, x := range xs {
		n.Content = append(n.Content, str(x))
	}
	return n
}

type entity struct{ typ, id, col string }

func entityMappings(es []entity) *yaml.Node {
	out := seq()
	for _, e := range es {
		out.Content = append(out.Content, mapping("entityType", e.typ,
			"fieldMappings", seq(mapping("identifier", e.id, "columnName", e.col))))
	}
	return out
}

// ruleVersion is the version written into every generated rule; bump it
// when the rule shapes change.
const ruleVersion = "1.0.0"

func ruleDoc(t *Tool, kind, table, name, desc, severity, query string, es []entity) []byte {
	q := str(query)
	q.Style = yaml.LiteralStyle
	d := str(desc)
	d.Style = yaml.LiteralStyle
	doc := mapping(
		"id", RuleID(t.ID, kind),
		"name", name,
		"description", d,
		"severity", severity,
		"requiredDataConnectors", seq(mapping("connectorId", "MicrosoftThreatProtection", "dataTypes", strSeq([]string{table}))),
		"tactics", strSeq([]string{"CommandAndControl"}),
		"relevantTechniques", strSeq(t.TechniqueList()),
		"tool", t.Name,
		"rmmKind", kind,
		"entityMappings", entityMappings(es),
		"query", q,
		"version", ruleVersion,
	)
	return encodeYAML(doc, "# Generated from the rmmhunt catalog (catalog/tools.yaml) by catalog.GenerateRules; do not edit.\n")
}

func encodeYAML(doc *yaml.Node, header string) []byte {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		panic(fmt.Sprintf("catalog: encoding generated YAML: %v", err)) // only fails on programming errors
	}
	_ = enc.Close()
	return buf.Bytes()
}

func listText(xs []string, max int) string {
	if len(xs) <= max {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:max], ", ") + fmt.Sprintf(", … (%d in all)", len(xs))
}

const noTimeFilter = "The query has no time filter: it hunts over the whole export; add a lookback when scheduling it."

// GenerateRules returns the rule pack for the catalog: for each tool, a
// network rule when it has domains, a process rule when it has binaries (or a
// company and a product), a signature rule when it has signers, and one
// test-data file per rule. Output is deterministic.
func GenerateRules(c *Catalog) []GeneratedFile {
	owners := binaryOwners(c)
	tools := append([]*Tool(nil), c.Tools...)
	sort.Slice(tools, func(i, j int) bool { return tools[i].ID < tools[j].ID })
	var out []GeneratedFile
	add := func(t *Tool, kind string, rule, tests []byte) {
		base := t.ID + "/" + t.ID + "_" + kind
		out = append(out, GeneratedFile{Path: base + ".yaml", Data: rule}, GeneratedFile{Path: base + ".tests.yaml", Data: tests})
	}
	for _, t := range tools {
		src := strings.Join(t.Sources, ", ")
		if s, ok := networkSpec(t); ok {
			desc := fmt.Sprintf("Connections to %s infrastructure. The remote host is cut from RemoteUrl (scheme, user info, port,\n"+
				"path, query and one trailing dot removed; lower case) and must equal a catalogued host or end with \".\"\n"+
				"plus a catalogued domain (label boundary, never a bare substring or term match).\n"+
				"Domains: %s.\nCatalog sources: %s. %s\n", t.Name, listText(t.Domains, 12), src, noTimeFilter)
			add(t, KindNetwork, ruleDoc(t, KindNetwork, "DeviceNetworkEvents", t.Name+" - network connection to tool domains", desc, "Medium",
				networkQuery(t, s), []entity{{"Host", "HostName", "DeviceName"}, {"URL", "Url", "RemoteHost"},
					{"Process", "ProcessName", "InitiatingProcessFileName"}, {"Account", "Name", "InitiatingProcessAccountName"}}),
				networkTests(c, t, s))
		}
		if s, ok := processSpec(t, owners); ok {
			desc := fmt.Sprintf("Processes of %s: an executable named like the tool's binaries (file name or original file name)\n"+
				"whose version info names the vendor or product, or version info naming both vendor and product.\n"+
				"Binaries: %s. Companies: %s. Products: %s.\n", t.Name, listText(s.Binaries, 12), orNone(s.Companies), orNone(s.Products))
			if len(s.Companies) == 0 && len(s.Products) == 0 {
				desc = fmt.Sprintf("Processes of %s by file name or original file name; the catalog knows no company or product\n"+
					"for it, so only names that no other catalogued tool uses and that are not generic are matched.\nBinaries: %s.\n", t.Name, listText(s.Binaries, 12))
			}
			if len(s.Excluded) > 0 {
				desc += fmt.Sprintf("Left out as generic or shared with another tool: %s.\n", strings.Join(s.Excluded, ", "))
			}
			desc += fmt.Sprintf("Catalog sources: %s. %s\n", src, noTimeFilter)
			add(t, KindProcess, ruleDoc(t, KindProcess, "DeviceProcessEvents", t.Name+" - process of the tool", desc, "Medium",
				processQuery(t, s), []entity{{"Host", "HostName", "DeviceName"}, {"Process", "ProcessName", "FileName"},
					{"Account", "Name", "AccountName"}}),
				processTests(c, t, s, owners))
		}
		if s, ok := signatureSpec(t); ok {
			desc := fmt.Sprintf("Files signed with a certificate of %s's maker (Signer names the vendor as a whole term\n"+
				"sequence). The vendor may sign other products too.\nSigners: %s.\nCatalog sources: %s. %s\n",
				t.Name, strings.Join(s.Signers, ", "), src, noTimeFilter)
			add(t, KindSignature, ruleDoc(t, KindSignature, "DeviceFileCertificateInfo", t.Name+" - file signed by the tool's vendor", desc, "Low",
				signatureQuery(t, s), []entity{{"Host", "HostName", "DeviceName"}}),
				signatureTests(c, t, s))
		}
	}
	return out
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return listText(xs, 12)
}

// WriteRules writes the rule pack for c under dir (rules/builtin/catalog) and
// removes generated files of tools or kinds that no longer exist. It returns
// the number of files written.
func WriteRules(dir string, c *Catalog) (int, error) {
	files := GenerateRules(c)
	keep := map[string]bool{}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		keep[p] = true
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, fmt.Errorf("catalog: %w", err)
		}
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return 0, fmt.Errorf("catalog: %w", err)
		}
	}
	stale, err := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	if err != nil {
		return 0, fmt.Errorf("catalog: %w", err)
	}
	for _, p := range stale {
		if !keep[p] {
			if err := os.Remove(p); err != nil {
				return 0, fmt.Errorf("catalog: %w", err)
			}
			_ = os.Remove(filepath.Dir(p)) // only succeeds when the folder is now empty
		}
	}
	return len(files), nil
}
