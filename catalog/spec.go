package catalog

import (
	"regexp"
	"sort"
	"strings"
)

// Rule kinds: the suffix of each generated file name.
const (
	// KindNetwork rules read DeviceNetworkEvents.
	KindNetwork = "netconn"
	// KindProcess rules read DeviceProcessEvents.
	KindProcess = "createproc"
	// KindSignature rules read DeviceFileCertificateInfo.
	KindSignature = "filesig"
)

// netSpec is the meaning of one network rule: the has_any prefilter needles,
// then the exact hosts, the label-boundary suffixes and the glob regexes that
// the normalized host is tested against.
type netSpec struct {
	Needles  []string
	Exact    []string // host == x
	Suffixes []string // host endswith "."+x
	Globs    []string // anchored regexes on the host
	globREs  []*regexp.Regexp
}

// subsumes reports whether every host matching b also matches a.
func subsumes(a, b Domain) bool {
	under := func(base string) bool { return b.Base == a.Base || strings.HasSuffix(b.Base, "."+a.Base) }
	globUnder := func() bool {
		tail := b.Text[strings.LastIndex(b.Text, "*")+1:]
		return strings.HasSuffix(tail, "."+a.Base)
	}
	switch a.Kind {
	case DomainAndSubdomains:
		switch b.Kind {
		case DomainAndSubdomains, SubdomainsOnly:
			return under(b.Base)
		case Glob:
			return globUnder()
		}
	case SubdomainsOnly:
		switch b.Kind {
		case DomainAndSubdomains:
			return strings.HasSuffix(b.Base, "."+a.Base)
		case SubdomainsOnly:
			return under(b.Base)
		case Glob:
			return globUnder()
		}
	case Address, Glob:
		return b.Kind == a.Kind && b.Text == a.Text
	}
	return false
}

// minimalDomains drops the entries that another entry already covers.
func minimalDomains(t *Tool) []Domain {
	var ds []Domain
	for _, s := range t.Domains {
		if d, ok := cachedDomain(s); ok {
			ds = append(ds, d)
		}
	}
	var out []Domain
	for i, d := range ds {
		covered := false
		for j, e := range ds {
			if i != j && subsumes(e, d) && (!subsumes(d, e) || e.Text < d.Text) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, d)
		}
	}
	return out
}

// minimalNeedles drops every needle that contains another needle as a term
// sequence (anything that has the longer one also has the shorter one).
func minimalNeedles(xs []string) []string {
	xs = sortedSet(xs, true)
	var out []string
	for i, a := range xs {
		redundant := false
		for j, b := range xs {
			if i != j && hasTerm(a, b) && (!hasTerm(b, a) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, a)
		}
	}
	return out
}

func networkSpec(t *Tool) (*netSpec, bool) {
	ds := minimalDomains(t)
	if len(ds) == 0 {
		return nil, false
	}
	s := &netSpec{}
	var needles []string
	for _, d := range ds {
		needles = append(needles, d.Needle())
		switch d.Kind {
		case DomainAndSubdomains:
			s.Exact = append(s.Exact, d.Base)
			s.Suffixes = append(s.Suffixes, d.Base)
		case SubdomainsOnly:
			s.Suffixes = append(s.Suffixes, d.Base)
		case Address:
			s.Exact = append(s.Exact, d.Base)
		case Glob:
			s.Globs = append(s.Globs, GlobRegex(d.Text))
		}
	}
	s.Needles = minimalNeedles(needles)
	sort.Strings(s.Exact)
	sort.Strings(s.Suffixes)
	sort.Strings(s.Globs)
	for _, g := range s.Globs {
		s.globREs = append(s.globREs, regexp.MustCompile(g))
	}
	return s, true
}

// matchURL evaluates the network rule's conditions on one RemoteUrl and
// returns the RemoteHost it computes.
func (s *netSpec) matchURL(u string) (string, bool) {
	if u == "" || !hasAnyTerm(u, s.Needles) {
		return "", false
	}
	h := NormalizeHost(u)
	for _, x := range s.Exact {
		if h == x {
			return h, true
		}
	}
	for _, x := range s.Suffixes {
		if hasSuffixFold(h, "."+x) {
			return h, true
		}
	}
	for _, re := range s.globREs {
		if re.MatchString(h) {
			return h, true
		}
	}
	return h, false
}

// hasSuffixFold is Kusto's endswith (case-insensitive, simple folding).
func hasSuffixFold(h, suf string) bool {
	hr, sr := []rune(h), []rune(suf)
	if len(sr) > len(hr) {
		return false
	}
	return foldEqualRunes(hr[len(hr)-len(sr):], sr)
}

// procSpec is the meaning of one process rule:
//
//	(N and C) or (C and P)   when companies are known (the second part when products are too)
//	N and P                  when only products are known
//	N                        when neither is (only distinctive binaries)
//
// where N is FileName or ProcessVersionInfoOriginalFileName in~ Binaries, C is
// ProcessVersionInfoCompanyName has_any Companies and P is
// ProcessVersionInfoProductName has_any Products.
type procSpec struct {
	Binaries  []string
	Companies []string
	Products  []string
	// Excluded are binaries left out because, without a company or product to
	// pin them, they are generic or shared with another tool.
	Excluded []string
}

// genericBinaries are file names too common to identify a tool on their own.
var genericBinaries = map[string]bool{
	"agent.exe": true, "app.exe": true, "client.exe": true, "connect.exe": true, "host.exe": true,
	"install.exe": true, "installer.exe": true, "launcher.exe": true, "main.exe": true, "remote desktop.exe": true,
	"run.exe": true, "server.exe": true, "service.exe": true, "setup.exe": true, "start.exe": true,
	"update.exe": true, "updater.exe": true, "viewer.exe": true, "uninstall.exe": true, "helper.exe": true,
	"cmd.exe": true, "powershell.exe": true, "rundll32.exe": true, "svchost.exe": true, "msiexec.exe": true,
	"explorer.exe": true, "conhost.exe": true, "python.exe": true, "java.exe": true, "node.exe": true,
	"agent": true, "client": true, "server": true, "service": true, "viewer": true,
}

// binaryOwners maps a lower-case binary name to the ids of the tools that
// list it.
func binaryOwners(c *Catalog) map[string][]string {
	m := map[string][]string{}
	for _, t := range c.Tools {
		for _, b := range t.Binaries {
			k := strings.ToLower(b)
			m[k] = append(m[k], t.ID)
		}
	}
	return m
}

func processSpec(t *Tool, owners map[string][]string) (*procSpec, bool) {
	s := &procSpec{Companies: minimalNeedles(t.Companies), Products: minimalNeedles(t.Products)}
	pinned := len(s.Companies) > 0 || len(s.Products) > 0
	for _, b := range sortedSet(t.Binaries, true) {
		k := strings.ToLower(b)
		if !pinned && (genericBinaries[k] || len(owners[k]) > 1) {
			s.Excluded = append(s.Excluded, b)
			continue
		}
		s.Binaries = append(s.Binaries, b)
	}
	if len(s.Binaries) == 0 && !(len(s.Companies) > 0 && len(s.Products) > 0) {
		return nil, false
	}
	return s, true
}

// procRow is the part of a DeviceProcessEvents row a process rule reads.
type procRow struct {
	FileName, OriginalFileName, Company, Product string
}

func (s *procSpec) match(r procRow) bool {
	n := len(s.Binaries) > 0 && (equalFoldAny(r.FileName, s.Binaries) || equalFoldAny(r.OriginalFileName, s.Binaries))
	c := len(s.Companies) > 0 && hasAnyTerm(r.Company, s.Companies)
	p := len(s.Products) > 0 && hasAnyTerm(r.Product, s.Products)
	switch {
	case len(s.Companies) > 0:
		return (n && c) || (c && p)
	case len(s.Products) > 0:
		return n && p
	default:
		return n
	}
}

// sigSpec is the meaning of one signature rule: Signer has_any Signers.
type sigSpec struct {
	Signers []string
}

func signatureSpec(t *Tool) (*sigSpec, bool) {
	if len(t.Signers) == 0 {
		return nil, false
	}
	return &sigSpec{Signers: minimalNeedles(t.Signers)}, true
}

func (s *sigSpec) match(signer string) bool { return hasAnyTerm(signer, s.Signers) }
