package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ImportOptions names the public source files Import reads. Only LOLRMMTools
// is required.
type ImportOptions struct {
	// LOLRMMTools is the path of LOLRMM's rmm_tools.json.
	LOLRMMTools string
	// LOLRMMCerts is the path of LOLRMM's rmm_certificates.json (optional).
	LOLRMMCerts string
	// LOLRMMDomains is the path of LOLRMM's rmm_domains.csv (optional).
	LOLRMMDomains string
	// JischellDir is the root of a jischell-msft/RemoteManagementMonitoringTools
	// copy, holding RMM/<Tool>/rmm_*.yaml and "Network Indicators/" (optional).
	JischellDir string
	// Corrections is the path of the corrections file; empty means the
	// corrections embedded in the binary (catalog/corrections.yaml).
	Corrections string
}

// ImportReport says what Import did, for the import command to print.
type ImportReport struct {
	// Read lists each source file read and how many entries it held.
	Read []string
	// Tools is the number of tools in the result.
	Tools int
	// Merged lists tools assembled from more than one entry of one source.
	Merged []string
	// Created lists tools that only the jischell repository knows.
	Created []string
	// Dropped lists source values that were not taken, with the reason.
	Dropped []string
	// Converted lists source values that were rewritten, with the result.
	Converted []string
	// Corrected lists the corrections applied.
	Corrected []string
	// Stale lists corrections that matched nothing (the upstream data
	// changed, or the correction has a typo).
	Stale []string
	// Unknown lists source rows that name a tool the catalog does not have.
	Unknown []string
}

// String renders the report as plain text, one finding per line.
func (r *ImportReport) String() string {
	var b strings.Builder
	for _, s := range r.Read {
		fmt.Fprintf(&b, "read %s\n", s)
	}
	fmt.Fprintf(&b, "tools: %d\n", r.Tools)
	for _, sec := range []struct {
		name string
		xs   []string
	}{{"merged", r.Merged}, {"created", r.Created}, {"dropped", r.Dropped}, {"converted", r.Converted},
		{"corrected", r.Corrected}, {"stale correction", r.Stale}, {"unknown tool", r.Unknown}} {
		for _, x := range sec.xs {
			fmt.Fprintf(&b, "%s: %s\n", sec.name, x)
		}
	}
	return b.String()
}

type builder struct {
	tools   map[string]*Tool // by nameKey
	order   []string
	aliases map[string]string
	rep     *ImportReport
	votes   map[*Tool]map[string]int // vendor candidates from code-signing data
	seenLOL map[string]int
}

func (b *builder) resolve(name string) string {
	name = strings.TrimSpace(name)
	if to, ok := b.aliases[nameKey(name)]; ok {
		return to
	}
	return name
}

func (b *builder) get(name string) *Tool {
	return b.tools[nameKey(b.resolve(name))]
}

func (b *builder) create(name string) *Tool {
	name = b.resolve(name)
	if t := b.tools[nameKey(name)]; t != nil {
		return t
	}
	t := &Tool{Name: name}
	b.tools[nameKey(name)] = t
	b.order = append(b.order, nameKey(name))
	return t
}

func (b *builder) note(t *Tool, list *[]string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	t.Notes = append(t.Notes, msg)
	*list = append(*list, t.Name+": "+msg)
}

// Import builds a catalog from the public files named by opts and applies the
// corrections. The result is normalized and validated.
func Import(opts ImportOptions) (*Catalog, *ImportReport, error) {
	rep := &ImportReport{}
	var corr *Corrections
	var err error
	if opts.Corrections != "" {
		data, rerr := os.ReadFile(opts.Corrections)
		if rerr != nil {
			return nil, nil, fmt.Errorf("catalog import: %w", rerr)
		}
		corr, err = ParseCorrections(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", opts.Corrections, err)
		}
	} else if corr, err = EmbeddedCorrections(); err != nil {
		return nil, nil, err
	}
	b := &builder{tools: map[string]*Tool{}, aliases: map[string]string{}, rep: rep,
		votes: map[*Tool]map[string]int{}, seenLOL: map[string]int{}}
	for _, a := range corr.Aliases {
		b.aliases[nameKey(a.From)] = a.To
	}
	if opts.LOLRMMTools == "" {
		return nil, nil, fmt.Errorf("catalog import: the LOLRMM rmm_tools.json path is required")
	}
	data, err := os.ReadFile(opts.LOLRMMTools)
	if err != nil {
		return nil, nil, fmt.Errorf("catalog import: %w", err)
	}
	lts, err := parseLOLRMMTools(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", opts.LOLRMMTools, err)
	}
	rep.Read = append(rep.Read, fmt.Sprintf("%s: %d entries", filepath.Base(opts.LOLRMMTools), len(lts)))
	for _, lt := range lts {
		b.addLOLRMM(lt)
	}
	if opts.LOLRMMCerts != "" {
		data, err := os.ReadFile(opts.LOLRMMCerts)
		if err != nil {
			return nil, nil, fmt.Errorf("catalog import: %w", err)
		}
		ces, err := parseLOLRMMCerts(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", opts.LOLRMMCerts, err)
		}
		rep.Read = append(rep.Read, fmt.Sprintf("%s: %d entries", filepath.Base(opts.LOLRMMCerts), len(ces)))
		for _, ce := range ces {
			t := b.get(string(ce.Name))
			if t == nil {
				rep.Unknown = append(rep.Unknown, fmt.Sprintf("rmm_certificates.json: %q", ce.Name))
				continue
			}
			b.addSigning(t, "lolrmm", ce.Certificates, ce.SignerNames, ce.CompanyNames)
		}
	}
	if opts.LOLRMMDomains != "" {
		if err := b.addURICSV(opts.LOLRMMDomains, "lolrmm", false); err != nil {
			return nil, nil, err
		}
	}
	if opts.JischellDir != "" {
		if err := b.addJischell(opts.JischellDir); err != nil {
			return nil, nil, err
		}
	}
	c := &Catalog{Version: FormatVersion}
	for _, k := range b.order {
		c.Tools = append(c.Tools, b.tools[k])
	}
	c = b.applyCorrections(c, corr)
	for _, t := range c.Tools {
		if t.Vendor == "" {
			t.Vendor = pickVendor(b.votes[t], t)
		}
		t.ID = Slug(t.Name)
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	rep.Tools = len(c.Tools)
	sort.Strings(rep.Unknown)
	for _, l := range []*[]string{&rep.Merged, &rep.Created, &rep.Dropped, &rep.Converted, &rep.Corrected, &rep.Stale, &rep.Unknown} {
		*l = uniqueInOrder(*l)
	}
	return c, rep, nil
}

func (b *builder) addLOLRMM(lt lolTool) {
	name := strings.TrimSpace(string(lt.Name))
	if name == "" {
		b.rep.Dropped = append(b.rep.Dropped, "rmm_tools.json: an entry without a name")
		return
	}
	t := b.create(name)
	k := nameKey(t.Name)
	b.seenLOL[k]++
	if b.seenLOL[k] == 2 {
		b.note(t, &b.rep.Merged, "lolrmm lists this tool in more than one entry (%q); the entries were merged", name)
	}
	t.Sources = append(t.Sources, "lolrmm")
	cat := strings.ToUpper(strings.TrimSpace(string(lt.Category)))
	if t.Category == "" && (cat == CategoryRMM || cat == CategoryRAT) {
		t.Category = cat
	}
	if t.Website == "" {
		t.Website = cleanWebsite(string(lt.Details.Website))
	}
	for _, n := range lt.Artifacts.Network {
		for _, d := range n.Domains {
			b.addDomain(t, "lolrmm", d)
		}
		for _, p := range n.Ports {
			b.addPort(t, p)
		}
	}
	for _, pe := range lt.Details.PEMetadata {
		for _, f := range []flexString{pe.Filename, pe.OriginalFileName} {
			b.addBinary(t, "lolrmm", string(f))
		}
		if p := cleanName(string(pe.Product)); p != "" {
			t.Products = append(t.Products, p)
		}
		if c := cleanName(string(pe.Company)); c != "" {
			t.Companies = append(t.Companies, c)
		}
	}
	paths := append(append(append([]string{}, lt.Details.InstallationPaths...), lt.InstallationPaths...), lt.Artifacts.InstallationPaths...)
	for _, p := range paths {
		b.addInstallPath(t, p)
	}
	if lt.CodeSigning != nil {
		b.addSigning(t, "lolrmm", lt.CodeSigning.Certificates, lt.CodeSigning.SignerNames, lt.CodeSigning.CompanyNames)
	}
}

func (b *builder) addSigning(t *Tool, src string, certs []lolCert, signers, companies []string) {
	if b.votes[t] == nil {
		b.votes[t] = map[string]int{}
	}
	for _, c := range certs {
		if s := b.cleanSigner(t, src, string(c.SignerName)); s != "" {
			t.Signers = append(t.Signers, s)
			b.votes[t][s]++
		}
		if co := cleanName(string(c.SrcFileCompany)); co != "" {
			t.Companies = append(t.Companies, co)
			b.votes[t][co] += 2
		}
	}
	for _, s := range signers {
		if s = b.cleanSigner(t, src, s); s != "" {
			t.Signers = append(t.Signers, s)
		}
	}
	for _, co := range companies {
		if co = cleanName(co); co != "" {
			t.Companies = append(t.Companies, co)
		}
	}
}

func (b *builder) cleanSigner(t *Tool, src, s string) string {
	s = strings.TrimSpace(s)
	if c := cleanName(s); c != s && c != "" && strings.HasSuffix(s, `\`) {
		b.note(t, &b.rep.Converted, "%s: signer %q cleaned to %q (trailing backslash)", src, s, c)
	}
	return cleanName(s)
}

var placeholders = map[string]bool{"": true, "n/a": true, "na": true, "none": true, "null": true, "-": true,
	"unknown": true, "tbd": true, "user_managed": true}

// cleanName trims a name and maps placeholders to "".
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimRight(s, `, \`))
	if placeholders[strings.ToLower(s)] {
		return ""
	}
	return s
}

func cleanWebsite(s string) string {
	s = strings.TrimSpace(s)
	if placeholders[strings.ToLower(s)] || !strings.Contains(s, ".") {
		return ""
	}
	return s
}

var portRE = regexp.MustCompile(`^([0-9]{1,5})(?:-([0-9]{1,5}))?$`)

func (b *builder) addPort(t *Tool, p string) {
	p = strings.Trim(strings.TrimSpace(p), `'"`)
	if p == "" {
		return
	}
	m := portRE.FindStringSubmatch(p)
	ok := m != nil
	if ok {
		lo, _ := strconv.Atoi(m[1])
		hi := lo
		if m[2] != "" {
			hi, _ = strconv.Atoi(m[2])
		}
		ok = lo >= 1 && hi <= 65535 && lo <= hi
	}
	if !ok {
		b.note(t, &b.rep.Dropped, "port %q dropped (not a port or range)", p)
		return
	}
	t.Ports = append(t.Ports, p)
}

var (
	regexAtomRE = regexp.MustCompile(`\[[^\]]*\](?:\{[0-9,]+\}|[+*?])?|\.\*|\\d(?:\{[0-9,]+\}|[+*?])?`)
	hostPortRE  = regexp.MustCompile(`^(.*):([0-9]{1,5})$`)
)

// addDomain canonicalizes one source domain string and adds it, recording
// every drop and conversion on the tool.
func (b *builder) addDomain(t *Tool, src, raw string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return
	}
	low := strings.ToLower(s)
	if placeholders[low] || strings.HasPrefix(s, "<") {
		b.note(t, &b.rep.Dropped, "%s: domain %q dropped (placeholder: the operator chooses the server)", src, raw)
		return
	}
	if i := strings.Index(low, "://"); i >= 0 {
		low = low[i+3:]
	}
	if i := strings.IndexAny(low, "/?#"); i >= 0 {
		low = low[:i]
	}
	if m := hostPortRE.FindStringSubmatch(low); m != nil {
		low = m[1]
		t.Ports = append(t.Ports, m[2])
	}
	if strings.ContainsAny(low, `[]{}()+?\|^$`) {
		conv := regexAtomRE.ReplaceAllString(low, "*")
		conv = strings.ReplaceAll(conv, `\.`, ".")
		if strings.ContainsAny(conv, `[]{}()+?\|^$`) {
			b.note(t, &b.rep.Dropped, "%s: domain %q dropped (a regular expression that has no glob form)", src, raw)
			return
		}
		b.note(t, &b.rep.Converted, "%s: domain %q (regular expression with port) converted to glob %q", src, raw, conv)
		low = conv
	}
	low = strings.TrimSuffix(low, ".")
	if low != strings.ToLower(s) && !strings.ContainsAny(s, `[]{}()+?\|^$`) {
		b.note(t, &b.rep.Converted, "%s: domain %q written as %q", src, raw, low)
	}
	if _, err := ParseDomain(low); err != nil {
		b.note(t, &b.rep.Dropped, "%s: %v: dropped", src, err)
		return
	}
	t.Domains = append(t.Domains, low)
}

var execExtRE = regexp.MustCompile(`(?i)^[^\\/:*?"<>|]+\.exe$`)
var plainNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{2,}$`)

// addBinary takes a PEMetadata or jischell file name: "x.exe", or an
// extension-less executable name ("tmate"); other names (.msi, .dll, typos)
// are dropped with a note.
func (b *builder) addBinary(t *Tool, src, f string) {
	f = strings.TrimSpace(f)
	if f == "" || placeholders[strings.ToLower(f)] {
		return
	}
	if execExtRE.MatchString(f) || plainNameRE.MatchString(f) {
		t.Binaries = append(t.Binaries, f)
		return
	}
	if strings.ContainsAny(f, "*?") {
		t.InstallPaths = append(t.InstallPaths, f)
		return
	}
	b.note(t, &b.rep.Dropped, "%s: file name %q not taken as a binary (not an executable name)", src, f)
}

// addInstallPath keeps a path or pattern; an exact "name.exe" (no folder, no
// wildcard) is a binary name, and the exact file name at the end of a path is
// taken as a binary too.
func (b *builder) addInstallPath(t *Tool, p string) {
	p = strings.TrimSpace(p)
	if p == "" || placeholders[strings.ToLower(p)] {
		return
	}
	base := p
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		base = p[i+1:]
	}
	if base == p && execExtRE.MatchString(p) {
		t.Binaries = append(t.Binaries, p)
		return
	}
	t.InstallPaths = append(t.InstallPaths, p)
	if base != p && execExtRE.MatchString(base) {
		t.Binaries = append(t.Binaries, base)
	}
}

func (b *builder) addURICSV(path, src string, create bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("catalog import: %w", err)
	}
	rows, err := parseURICSV(filepath.Base(path), data)
	if err != nil {
		return err
	}
	b.rep.Read = append(b.rep.Read, fmt.Sprintf("%s: %d rows", filepath.Base(path), len(rows)))
	for _, r := range rows {
		t := b.get(r.Tool)
		if t == nil && create {
			t = b.create(r.Tool)
			t.Category = CategoryRMM
			b.note(t, &b.rep.Created, "only the jischell repository lists this tool; category RMM assumed")
		}
		if t == nil {
			b.rep.Unknown = append(b.rep.Unknown, fmt.Sprintf("%s:%d: %q", filepath.Base(path), r.Line, r.Tool))
			continue
		}
		t.Sources = append(t.Sources, src)
		b.addDomain(t, src, r.URI)
	}
	return nil
}

func (b *builder) addJischell(dir string) error {
	csvPath := filepath.Join(dir, "Network Indicators", "RMM_SummaryNetworkURI.csv")
	if _, err := os.Stat(csvPath); err == nil {
		if err := b.addURICSV(csvPath, "jischell", true); err != nil {
			return err
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "RMM", "*", "rmm_*.yaml"))
	if err != nil {
		return fmt.Errorf("catalog import: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("catalog import: no RMM/<Tool>/rmm_*.yaml files under %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("catalog import: %w", err)
		}
		folder := filepath.Base(filepath.Dir(f))
		t := b.get(folder)
		if t == nil {
			t = b.create(folder)
			t.Category = CategoryRMM
			b.note(t, &b.rep.Created, "only the jischell repository lists this tool; category RMM assumed")
		}
		t.Sources = append(t.Sources, "jischell")
		facts := scanJischellRule(string(data))
		for _, d := range facts.Domains {
			b.addDomain(t, "jischell", d)
		}
		for _, x := range facts.Binaries {
			b.addBinary(t, "jischell", x)
		}
		t.Companies = append(t.Companies, facts.Companies...)
		t.Products = append(t.Products, facts.Products...)
		for _, s := range facts.Signers {
			if s = b.cleanSigner(t, "jischell", s); s != "" {
				t.Signers = append(t.Signers, s)
			}
		}
	}
	b.rep.Read = append(b.rep.Read, fmt.Sprintf("%s: %d rule files", filepath.Join(dir, "RMM"), len(files)))
	return nil
}

func pickVendor(votes map[string]int, t *Tool) string {
	best, n := "", 0
	for v, c := range votes {
		if !containsFold(t.Companies, v) && !containsFold(t.Signers, v) {
			continue // dropped by a correction
		}
		if c > n || (c == n && v < best) {
			best, n = v, c
		}
	}
	return best
}

func containsFold(xs []string, v string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// applyCorrections applies the global ignore lists, then the per-tool
// corrections in order.
func (b *builder) applyCorrections(c *Catalog, corr *Corrections) *Catalog {
	rep := b.rep
	// Sort each tool's lists first so notes come out in a stable order.
	for _, t := range c.Tools {
		t.normalize()
	}
	type glob struct {
		list []Ignore
		get  func(*Tool) *[]string
		what string
		fold bool
	}
	hits, misses := map[string]bool{}, map[string]string{}
	globals := []glob{
		{corr.IgnoreDomains, func(t *Tool) *[]string { return &t.Domains }, "domain", false},
		{corr.IgnoreNames, func(t *Tool) *[]string { return &t.Signers }, "signer", true},
		{corr.IgnoreNames, func(t *Tool) *[]string { return &t.Companies }, "company", true},
		{corr.IgnoreSigners, func(t *Tool) *[]string { return &t.Signers }, "signer", true},
		{corr.IgnoreCompanies, func(t *Tool) *[]string { return &t.Companies }, "company", true},
		{corr.IgnoreBinaries, func(t *Tool) *[]string { return &t.Binaries }, "binary", true},
	}
	for _, g := range globals {
		for _, ig := range g.list {
			hit := false
			for _, t := range c.Tools {
				l := g.get(t)
				var removed bool
				*l, removed = removeFold(*l, ig.Value, g.fold)
				if removed {
					hit = true
					t.Notes = append(t.Notes, fmt.Sprintf("corrections: %s %q ignored (%s: %s)", g.what, ig.Value, ig.Who, ig.Why))
					t.Sources = append(t.Sources, "corrections")
				}
			}
			if hit {
				rep.Corrected = append(rep.Corrected, fmt.Sprintf("%s %q ignored everywhere", g.what, ig.Value))
				hits[ig.Value] = true
			} else {
				misses[ig.Value] = g.what
			}
		}
	}
	for v, what := range misses {
		if !hits[v] {
			rep.Stale = append(rep.Stale, fmt.Sprintf("ignore %s %q matches no tool", what, v))
		}
	}
	sort.Strings(rep.Stale)
	byKey := map[string]*Tool{}
	for _, t := range c.Tools {
		byKey[nameKey(t.Name)] = t
	}
	for _, tc := range corr.Tools {
		t := byKey[nameKey(tc.Tool)]
		if t == nil {
			rep.Stale = append(rep.Stale, fmt.Sprintf("tool %q not found", tc.Tool))
			continue
		}
		who := fmt.Sprintf("(%s: %s)", tc.Who, tc.Why)
		record := func(what string) {
			t.Notes = append(t.Notes, "corrections: "+what+" "+who)
			rep.Corrected = append(rep.Corrected, t.Name+": "+what)
			t.Sources = append(t.Sources, "corrections")
		}
		if tc.Drop {
			delete(byKey, nameKey(t.Name))
			rep.Corrected = append(rep.Corrected, fmt.Sprintf("%s: dropped %s", t.Name, who))
			continue
		}
		if tc.Remove != nil {
			b.applyList(t, tc.Remove, false, record, rep)
		}
		if tc.Add != nil {
			b.applyList(t, tc.Add, true, record, rep)
		}
		if s := tc.Set; s != nil {
			if s.Vendor != "" {
				t.Vendor = s.Vendor
				record(fmt.Sprintf("vendor set to %q", s.Vendor))
			}
			if s.Category != "" {
				t.Category = s.Category
				record(fmt.Sprintf("category set to %s", s.Category))
			}
			if s.Website != "" {
				t.Website = s.Website
				record(fmt.Sprintf("website set to %q", s.Website))
			}
			if len(s.Techniques) > 0 {
				t.Techniques = append([]string(nil), s.Techniques...)
				record(fmt.Sprintf("techniques set to %s", strings.Join(s.Techniques, ", ")))
			}
		}
		if tc.Rename != "" {
			old := t.Name
			delete(byKey, nameKey(old))
			if into := byKey[nameKey(tc.Rename)]; into != nil && into != t {
				mergeInto(into, t)
				into.Notes = append(into.Notes, fmt.Sprintf("corrections: merged %q into this tool %s", old, who))
				rep.Corrected = append(rep.Corrected, fmt.Sprintf("%s: merged into %s", old, into.Name))
				continue
			}
			t.Name = tc.Rename
			byKey[nameKey(t.Name)] = t
			record(fmt.Sprintf("renamed from %q", old))
		}
	}
	out := &Catalog{Version: c.Version}
	for _, t := range c.Tools {
		if byKey[nameKey(t.Name)] == t {
			out.Tools = append(out.Tools, t)
		}
	}
	return out
}

func (b *builder) applyList(t *Tool, l *ToolList, add bool, record func(string), rep *ImportReport) {
	fields := []struct {
		what string
		vals []string
		dst  *[]string
		fold bool
	}{
		{"domain", l.Domains, &t.Domains, false},
		{"binary", l.Binaries, &t.Binaries, true},
		{"install path", l.InstallPaths, &t.InstallPaths, true},
		{"signer", l.Signers, &t.Signers, true},
		{"company", l.Companies, &t.Companies, true},
		{"product", l.Products, &t.Products, true},
		{"port", l.Ports, &t.Ports, false},
	}
	for _, f := range fields {
		for _, v := range f.vals {
			if add {
				if f.what == "domain" {
					v = strings.ToLower(strings.TrimSpace(v))
					if _, err := ParseDomain(v); err != nil {
						rep.Stale = append(rep.Stale, fmt.Sprintf("%s: cannot add %v", t.Name, err))
						continue
					}
				}
				*f.dst = append(*f.dst, v)
				record(fmt.Sprintf("added %s %q", f.what, v))
				continue
			}
			var removed bool
			*f.dst, removed = removeFold(*f.dst, v, f.fold)
			if !removed {
				rep.Stale = append(rep.Stale, fmt.Sprintf("%s: %s %q to remove is not there", t.Name, f.what, v))
				continue
			}
			record(fmt.Sprintf("removed %s %q", f.what, v))
		}
	}
}

func mergeInto(dst, src *Tool) {
	dst.Domains = append(dst.Domains, src.Domains...)
	dst.Binaries = append(dst.Binaries, src.Binaries...)
	dst.InstallPaths = append(dst.InstallPaths, src.InstallPaths...)
	dst.Signers = append(dst.Signers, src.Signers...)
	dst.Companies = append(dst.Companies, src.Companies...)
	dst.Products = append(dst.Products, src.Products...)
	dst.Ports = append(dst.Ports, src.Ports...)
	dst.Sources = append(dst.Sources, src.Sources...)
	dst.Sources = append(dst.Sources, "corrections")
	dst.Notes = append(dst.Notes, src.Notes...)
	if dst.Website == "" {
		dst.Website = src.Website
	}
	if dst.Vendor == "" {
		dst.Vendor = src.Vendor
	}
}

func uniqueInOrder(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
