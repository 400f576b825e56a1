package catalog

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// TestNow is the "now" of every generated rule test file.
const TestNow = "2026-03-08T00:00:00Z"

// col is one column of a test row or expectation.
type col struct {
	k string
	v *yaml.Node
}

type testCase struct {
	name   string
	table  string
	rows   [][]col
	expect [][]col
}

// caseWriter numbers devices and report ids across one test file, so that
// every row lands in its own result group.
type caseWriter struct {
	table string
	n     int
	cases []testCase
}

func (w *caseWriter) device() (id, name string, n int) {
	w.n++
	return fmt.Sprintf("d%d", w.n), fmt.Sprintf("host%d", w.n), w.n
}

func (w *caseWriter) base() []col {
	id, name, n := w.device()
	return []col{
		{"Timestamp", str(fmt.Sprintf("2026-03-07T%02d:%02d:00Z", 10+n/60%10, n%60))},
		{"DeviceId", str(id)},
		{"DeviceName", str(name)},
	}
}

func (w *caseWriter) add(name string, rows, expect [][]col) {
	if len(rows) == 0 {
		return
	}
	w.cases = append(w.cases, testCase{name: name, table: w.table, rows: rows, expect: expect})
}

func flowMap(cs []col) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
	for _, c := range cs {
		m.Content = append(m.Content, str(c.k), c.v)
	}
	return m
}

func (w *caseWriter) encode(ruleID string) []byte {
	cases := seq()
	for _, c := range w.cases {
		rows := seq()
		for _, r := range c.rows {
			rows.Content = append(rows.Content, flowMap(r))
		}
		exp := seq()
		if len(c.expect) == 0 {
			exp.Style = yaml.FlowStyle
		}
		for _, e := range c.expect {
			exp.Content = append(exp.Content, flowMap(e))
		}
		cases.Content = append(cases.Content, mapping("name", c.name, "rows", mapping(c.table, rows), "expect", exp))
	}
	nowNode := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: TestNow}
	doc := mapping("rule", ruleID, "now", nowNode, "cases", cases)
	return encodeYAML(doc, "# Generated rule tests (catalog.GenerateRules); the expectations follow the rule's pure-Go meaning.\n")
}

// stableOrder sorts xs by a hash of seed+x, for a deterministic spread.
func stableOrder(seed string, xs []string) {
	keys := map[string]uint64{}
	for _, x := range xs {
		h := fnv.New64a()
		h.Write([]byte(seed + "|" + x))
		keys[x] = h.Sum64()
	}
	sort.SliceStable(xs, func(i, j int) bool { return keys[xs[i]] < keys[xs[j]] })
}

// sampleHosts returns example hosts for one domain entry: a direct form and a
// deeper subdomain form (when the entry allows subdomains).
func sampleHosts(d Domain) (direct, sub string) {
	switch d.Kind {
	case DomainAndSubdomains:
		return d.Base, "relay-1." + d.Base
	case SubdomainsOnly:
		return "a1." + d.Base, "relay-1.a1." + d.Base
	case Address:
		return d.Base, ""
	default:
		return strings.ReplaceAll(d.Text, "*", "x1"), ""
	}
}

func mustMatchURL(t *Tool, s *netSpec, u string) string {
	h, ok := s.matchURL(u)
	if !ok || !t.MatchHost(h) {
		panic(fmt.Sprintf("catalog: generated positive %q for %s does not match (rule %v, catalog %v)", u, t.Name, ok, t.MatchHost(h)))
	}
	return h
}

func networkTests(c *Catalog, t *Tool, s *netSpec) []byte {
	w := &caseWriter{table: "DeviceNetworkEvents"}
	proc := "agent.exe"
	if len(t.Binaries) > 0 {
		proc = t.Binaries[0]
	}
	row := func(u, p string) []col {
		return append(w.base(), col{"RemoteUrl", str(u)}, col{"InitiatingProcessFileName", str(p)},
			col{"InitiatingProcessAccountName", str("alice")}, col{"ReportId", intNode(w.n)})
	}
	for _, ds := range t.Domains {
		d, _ := cachedDomain(ds)
		direct, sub := sampleHosts(d)
		urls := []string{direct}
		forms := []string{"exact"}
		if sub != "" {
			urls, forms = append(urls, sub), append(forms, "subdomain")
		}
		urls = append(urls, "https://"+direct+":443/connect?id=1#top", "HTTPS://"+strings.ToUpper(direct)+".:8443/")
		forms = append(forms, "URL with scheme, port, path", "upper case, trailing dot")
		if d.Kind == Address {
			urls[len(urls)-1] = "http://admin@" + direct + ":80/"
			forms[len(forms)-1] = "user info"
		}
		var rows, exp [][]col
		for _, u := range urls {
			h := mustMatchURL(t, s, u)
			r := row(u, proc)
			rows = append(rows, r)
			exp = append(exp, []col{r[2], {"RemoteHost", str(h)}, {"Tool", str(t.Name)}})
		}
		w.add(fmt.Sprintf("positive - %s (%s)", ds, strings.Join(forms, ", ")), rows, exp)
	}
	// Lookalikes of the catalogued domains.
	var look []string
	for i, d := range minimalDomains(t) {
		if i >= 4 || d.Kind == Address || d.Kind == Glob {
			continue
		}
		b := d.Base
		look = append(look, "x-"+b, "not"+b, b+".evil.example", "https://evil.example/"+b+"/download",
			"https://evil.example/?next="+b, "https://"+b+"@evil.example/", "https://"+b[:len(b)-1]+"/")
		if d.Kind == SubdomainsOnly {
			look = append(look, b)
		}
	}
	var rows [][]col
	for _, u := range sortedSet(look, false) {
		if _, ok := s.matchURL(u); ok {
			continue
		}
		if t.MatchURL(u) {
			panic(fmt.Sprintf("catalog: rule meaning and catalog disagree on %q for %s", u, t.Name))
		}
		rows = append(rows, row(u, proc))
	}
	w.add("negative - lookalikes (glued labels, other registrable domains, domain in path, query or user info)", rows, nil)
	// Other tools' domains that are not also this tool's.
	type cand struct {
		url, proc string
		near      bool
	}
	var cands []cand
	terms := domainTerms(t)
	for _, o := range c.Tools {
		if o == t {
			continue
		}
		for _, ds := range o.Domains {
			d, _ := cachedDomain(ds)
			h, _ := sampleHosts(d)
			if t.MatchHost(h) {
				continue
			}
			p := "agent.exe"
			if len(o.Binaries) > 0 {
				p = o.Binaries[0]
			}
			near := false
			for _, x := range strings.FieldsFunc(h, isSep) {
				if terms[x] {
					near = true
				}
			}
			cands = append(cands, cand{"https://" + h + "/", p, near})
			break
		}
	}
	keys := make([]string, len(cands))
	byKey := map[string]cand{}
	for i, cd := range cands {
		keys[i] = cd.url
		byKey[cd.url] = cd
	}
	stableOrder(t.ID, keys)
	sort.SliceStable(keys, func(i, j int) bool { return byKey[keys[i]].near && !byKey[keys[j]].near })
	rows = nil
	for _, k := range keys {
		if len(rows) == 12 {
			break
		}
		if _, ok := s.matchURL(k); ok {
			continue
		}
		rows = append(rows, row(k, byKey[k].proc))
	}
	w.add("negative - other tools' domains", rows, nil)
	return w.encode(RuleID(t.ID, KindNetwork))
}

// domainTerms are the distinctive name labels of a tool's domains.
func domainTerms(t *Tool) map[string]bool {
	m := map[string]bool{}
	for _, ds := range t.Domains {
		labels := strings.Split(strings.TrimPrefix(ds, "*."), ".")
		for _, l := range labels[:len(labels)-1] {
			if len(l) >= 4 && !strings.Contains(l, "*") && l != "www" {
				m[l] = true
			}
		}
	}
	return m
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

func processTests(c *Catalog, t *Tool, s *procSpec, owners map[string][]string) []byte {
	w := &caseWriter{table: "DeviceProcessEvents"}
	comp, prod := first(s.Companies), first(s.Products)
	if len(s.Companies) > 0 {
		prod = "" // the company alone pins a binary name
	}
	row := func(r procRow) []col {
		return append(w.base(), col{"FileName", str(r.FileName)}, col{"FolderPath", str(`C:\Program Files\` + r.FileName)},
			col{"ProcessVersionInfoOriginalFileName", str(r.OriginalFileName)},
			col{"ProcessVersionInfoCompanyName", str(r.Company)}, col{"ProcessVersionInfoProductName", str(r.Product)},
			col{"ProcessCommandLine", str(r.FileName)}, col{"AccountName", str("alice")}, col{"ReportId", intNode(w.n)})
	}
	var rows, exp [][]col
	pos := func(r procRow, must bool) {
		if !s.match(r) {
			if must {
				panic(fmt.Sprintf("catalog: generated positive %+v for %s does not match", r, t.Name))
			}
			return
		}
		x := row(r)
		rows = append(rows, x)
		exp = append(exp, []col{x[2], {"FileName", str(r.FileName)}, {"Tool", str(t.Name)}})
	}
	for i, b := range s.Binaries {
		if i < 8 {
			pos(procRow{b, b, comp, prod}, true)
		}
	}
	if b := first(s.Binaries); b != "" {
		pos(procRow{strings.ToUpper(b), "", strings.ToUpper(comp), strings.ToUpper(prod)}, false)
		pos(procRow{"renamed-tool.exe", b, comp, prod}, true)
		for i, co := range s.Companies {
			if i > 0 && i < 6 {
				pos(procRow{b, "", co + " (test build)", ""}, true)
			}
		}
	}
	if len(s.Companies) > 0 && len(s.Products) > 0 {
		for i, p := range s.Products {
			if i < 4 {
				pos(procRow{fmt.Sprintf("installer-%d.exe", i), "", comp, p}, true)
			}
		}
	}
	w.add("positive - binary names, original file names, version info", rows, exp)

	var negs []procRow
	pinned := len(s.Companies) > 0 || len(s.Products) > 0
	for i, b := range s.Binaries {
		if pinned && i < 4 {
			negs = append(negs, procRow{b, b, "Contoso Ltd", "Contoso Utility"})
		}
	}
	if b := first(s.Binaries); b != "" {
		negs = append(negs, procRow{"x" + b, "", comp, ""}, procRow{b + ".bak", "", comp, ""})
		if comp != "" {
			negs = append(negs, procRow{b, "", "X" + strings.ReplaceAll(comp, " ", ""), ""})
		}
	}
	// Same file name, another vendor: binaries other tools share with this one.
	for _, b := range s.Binaries {
		for _, oid := range owners[strings.ToLower(b)] {
			if o := c.Find(oid); o != nil && o != t {
				negs = append(negs, procRow{b, b, firstOr(o.Companies, "Contoso Ltd"), first(o.Products)})
			}
		}
	}
	// A few other tools' binaries with their own version info.
	var others []string
	for _, o := range c.Tools {
		if o != t && len(o.Binaries) > 0 {
			others = append(others, o.ID)
		}
	}
	stableOrder(t.ID, others)
	for i, id := range others {
		if i >= 8 {
			break
		}
		o := c.Find(id)
		negs = append(negs, procRow{o.Binaries[0], o.Binaries[0], first(o.Companies), first(o.Products)})
	}
	rows = nil
	seen := map[procRow]bool{}
	for _, r := range negs {
		if seen[r] || s.match(r) {
			continue
		}
		seen[r] = true
		rows = append(rows, row(r))
	}
	w.add("negative - other vendors' binaries with the same names, lookalikes, other tools", rows, nil)
	return w.encode(RuleID(t.ID, KindProcess))
}

func firstOr(xs []string, def string) string {
	if len(xs) == 0 {
		return def
	}
	return xs[0]
}

func signatureTests(c *Catalog, t *Tool, s *sigSpec) []byte {
	w := &caseWriter{table: "DeviceFileCertificateInfo"}
	row := func(signer string) []col {
		r := w.base()
		return append(r, col{"SHA1", str(fmt.Sprintf("%040x", w.n))}, col{"IsSigned", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}},
			col{"Signer", str(signer)}, col{"Issuer", str("Example Code Signing CA")}, col{"ReportId", intNode(w.n)})
	}
	var rows, exp [][]col
	pos := func(signer string, must bool) {
		if !s.match(signer) {
			if must {
				panic(fmt.Sprintf("catalog: generated positive signer %q for %s does not match", signer, t.Name))
			}
			return
		}
		r := row(signer)
		rows = append(rows, r)
		exp = append(exp, []col{r[2], {"Signer", str(signer)}, {"Tool", str(t.Name)}})
	}
	for i, sg := range t.Signers {
		if i < 8 {
			pos(sg, true)
		}
	}
	pos(strings.ToUpper(s.Signers[0]), false)
	pos(s.Signers[0]+" (code signing)", true)
	w.add("positive - signer names, upper case, longer subject", rows, exp)

	negs := []string{"X" + strings.ReplaceAll(s.Signers[0], " ", ""), "Microsoft Corporation", "Contoso Ltd"}
	var others []string
	for _, o := range c.Tools {
		if o != t && len(o.Signers) > 0 {
			others = append(others, o.ID)
		}
	}
	stableOrder(t.ID, others)
	for _, id := range others {
		if len(negs) >= 11 {
			break
		}
		negs = append(negs, c.Find(id).Signers[0])
	}
	rows = nil
	for _, sg := range sortedSet(negs, true) {
		if !s.match(sg) {
			rows = append(rows, row(sg))
		}
	}
	w.add("negative - lookalike and other vendors' signers", rows, nil)
	return w.encode(RuleID(t.ID, KindSignature))
}
