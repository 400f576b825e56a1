package catalog

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"
)

// HostRegex is the pattern the network rules use to cut the host out of
// RemoteUrl: an optional scheme, optional userinfo, then the host up to the
// first ":", "/", "?" or "#". It has no \d, \w, \s or \b, so Kusto's regex
// dialect and Go's regexp agree on it exactly.
const HostRegex = `^(?:[A-Za-z][A-Za-z0-9+.\-]*://)?(?:[^@/?#]*@)?([^:/?#]+)`

var hostRE = regexp.MustCompile(HostRegex)

// NormalizeHost returns the host part of a RemoteUrl value exactly as the
// generated network rules compute RemoteHost:
//
//	tolower(trim_end(@"\.", extract(HostRegex, 1, RemoteUrl)))
//
// that is: scheme, userinfo, port, path, query and fragment removed, one
// trailing dot removed, lower case. It returns "" when nothing matches.
func NormalizeHost(remoteURL string) string {
	m := hostRE.FindStringSubmatch(remoteURL)
	if m == nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(m[1], "."))
}

// DomainKind says how a catalog domain entry matches hosts.
type DomainKind int

const (
	// DomainAndSubdomains is a bare entry "x.y": it matches the host "x.y"
	// and every host ending in ".x.y" (label-boundary suffix).
	DomainAndSubdomains DomainKind = iota
	// SubdomainsOnly is a wildcard entry "*.x.y": it matches hosts ending in
	// ".x.y" but not "x.y" itself.
	SubdomainsOnly
	// Address is an IPv4 address entry: it matches that host text only.
	Address
	// Glob is an entry with "*" inside a label or as an inner label
	// ("plus*.site24x7.com", "a.*.b.com"): it matches whole hosts only, each
	// "*" standing for any run of characters other than ".".
	Glob
)

// Domain is a parsed catalog domain entry.
type Domain struct {
	// Text is the entry as the catalog writes it.
	Text string
	// Kind is how it matches.
	Kind DomainKind
	// Base is the domain a bare or wildcard entry is anchored on ("x.y" for
	// both "x.y" and "*.x.y"); the address for Address; the entry for Glob.
	Base string
	re   *regexp.Regexp
}

var labelRE = regexp.MustCompile(`^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$`)
var globLabelRE = regexp.MustCompile(`^[a-z0-9_*-]+$`)

// ParseDomain parses one catalog domain entry (already lower case). It
// accepts "x.y", "*.x.y", IPv4 addresses and in-label globs, and rejects
// anything else (ports, paths, regexes, placeholders, upper case) with an
// error naming the entry.
func ParseDomain(s string) (Domain, error) {
	bad := func(why string) (Domain, error) {
		return Domain{}, fmt.Errorf("domain %q: %s", s, why)
	}
	if s == "" {
		return bad("empty")
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if !a.Is4() {
			return bad("only IPv4 addresses are supported")
		}
		return Domain{Text: s, Kind: Address, Base: s}, nil
	}
	body, kind := s, DomainAndSubdomains
	if strings.HasPrefix(s, "*.") {
		body, kind = s[2:], SubdomainsOnly
	}
	labels := strings.Split(body, ".")
	if len(labels) < 2 {
		return bad("needs at least two labels")
	}
	glob := false
	for _, l := range labels {
		if strings.Contains(l, "*") {
			glob = true
			if !globLabelRE.MatchString(l) {
				return bad(fmt.Sprintf("label %q has characters other than a-z 0-9 _ - *", l))
			}
			continue
		}
		if !labelRE.MatchString(l) {
			return bad(fmt.Sprintf("label %q is not a host label (a-z 0-9 _ -, no leading or trailing -)", l))
		}
	}
	if last := labels[len(labels)-1]; strings.Contains(last, "*") || isDigits(last) {
		return bad("the last label must be a name")
	}
	if glob {
		if kind == SubdomainsOnly {
			return bad(`a glob may not also start with "*."`)
		}
		if strings.Contains(s, "**") {
			return bad(`"**" is not supported`)
		}
		if _, err := globNeedle(s); err != nil {
			return bad(err.Error())
		}
		return Domain{Text: s, Kind: Glob, Base: s, re: regexp.MustCompile(GlobRegex(s))}, nil
	}
	return Domain{Text: s, Kind: kind, Base: body}, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// GlobRegex returns the anchored regular expression (valid in both Kusto and
// Go) that a Glob entry stands for: literal text, "*" as "[^.]*".
func GlobRegex(glob string) string {
	parts := strings.Split(glob, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return "^" + strings.Join(parts, `[^.]*`) + "$"
}

// Match reports whether the normalized host h matches the entry.
func (d Domain) Match(h string) bool {
	switch d.Kind {
	case DomainAndSubdomains:
		return h == d.Base || strings.HasSuffix(h, "."+d.Base)
	case SubdomainsOnly:
		return strings.HasSuffix(h, "."+d.Base)
	case Address:
		return h == d.Base
	case Glob:
		return d.re.MatchString(h)
	}
	return false
}

// Needle returns the term sequence that every RemoteUrl whose host matches d
// contains in the sense of Kusto's has operator; the network rules use these
// needles in a has_any prefilter.
func (d Domain) Needle() string {
	if d.Kind == Glob {
		n, _ := globNeedle(d.Text)
		return n
	}
	return d.Base
}

// globNeedle picks a literal piece of a glob that sits on term boundaries in
// every matching host: the text after the last "*" from just past its first
// separator, or the text before the first "*" up to its last separator; the
// longer one wins.
func globNeedle(g string) (string, error) {
	first, last := strings.Index(g, "*"), strings.LastIndex(g, "*")
	suffix, prefix := g[last+1:], g[:first]
	var cands []string
	if i := strings.IndexFunc(suffix, isSep); i >= 0 && i+1 < len(suffix) {
		cands = append(cands, suffix[i+1:])
	}
	if j := strings.LastIndexFunc(prefix, isSep); j > 0 {
		cands = append(cands, prefix[:j])
	}
	best := ""
	for _, c := range cands {
		if len(c) > len(best) && isTermRune(rune(c[0])) && isTermRune(rune(c[len(c)-1])) {
			best = c
		}
	}
	if best == "" {
		return "", fmt.Errorf("no literal piece on term boundaries to prefilter on")
	}
	return best, nil
}

func isSep(r rune) bool { return !isTermRune(r) }

var domainCache sync.Map // string -> Domain or error

func cachedDomain(s string) (Domain, bool) {
	if v, ok := domainCache.Load(s); ok {
		d, ok := v.(Domain)
		return d, ok
	}
	d, err := ParseDomain(s)
	if err != nil {
		domainCache.Store(s, err)
		return Domain{}, false
	}
	domainCache.Store(s, d)
	return d, true
}

// MatchHost reports whether a normalized host (see NormalizeHost) matches one
// of the tool's domain entries: equal to a bare entry or an address, a
// label-boundary subdomain of a bare or "*." entry, or a whole-host match of a
// glob. "*.x.y" does not match "x.y" itself; the catalog lists "x.y" when the
// apex host belongs to the tool too.
func (t *Tool) MatchHost(host string) bool {
	return t.MatchingDomain(host) != ""
}

// MatchingDomain returns the first domain entry (in catalog order) that matches
// host, or "".
func (t *Tool) MatchingDomain(host string) string {
	if host == "" {
		return ""
	}
	for _, s := range t.Domains {
		if d, ok := cachedDomain(s); ok && d.Match(host) {
			return s
		}
	}
	return ""
}

// MatchURL is MatchHost(NormalizeHost(remoteURL)).
func (t *Tool) MatchURL(remoteURL string) bool {
	return t.MatchHost(NormalizeHost(remoteURL))
}

// isTermRune reports whether r is a Kusto term character (a letter or a
// decimal digit); everything else separates terms.
func isTermRune(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || (r > 127 && isUnicodeTerm(r))
}
