package exclusions

import (
	"fmt"
	"strings"

	"github.com/rmmhunt/rmmhunt/catalog"
)

// HostOf returns the host part of a URL as exclusions compare it for the
// fields url and destination.domain: the scheme, user info, port, path,
// query and fragment removed, one trailing dot removed, lower case.
// "https://User@CloudBerry.com.:443/x?y" gives "cloudberry.com"; a bare
// host name gives itself, lower-cased; text with no host gives "".
func HostOf(url string) string { return catalog.NormalizeHost(url) }

// hostKQL is the KQL expression computing HostOf(column) for each event:
// the built-in network rules' expression (catalog.HostRegex), so that an
// exclusion's host and a rule's RemoteHost are the same string.
func hostKQL(column string) string {
	return "tolower(trim_end(" + kqlQuote(`\.`) + ", extract(" + kqlQuote(catalog.HostRegex) + ", 1, " + kqlIdent(column) + ")))"
}

// hostProblem explains why a literal compared with the host of a URL column
// can never match ("" when it can): a value for ==, != or in that is not
// its own host (it has a scheme, port, path, user info or a trailing dot),
// or a contains/startswith/endswith pattern with a character no host name
// holds.
func hostProblem(field string, op CompareOp, col column, v Literal) string {
	if !col.host || v.Kind != StringLit {
		return ""
	}
	switch op {
	case OpEq, OpNe, OpIn:
		h := HostOf(v.Text)
		if h == strings.ToLower(v.Text) {
			return ""
		}
		if h == "" {
			return fmt.Sprintf("%s compares the host name cut from %s, and %s holds no host name, so the comparison is never true", field, col.name, quoteWhen(v.Text))
		}
		return fmt.Sprintf("%s compares the host name cut from %s (scheme, port, path and trailing dot removed), so %s never equals it; write %s, or compare the raw column (%s)",
			field, col.name, quoteWhen(v.Text), quoteWhen(h), col.name)
	}
	if i := strings.IndexAny(v.Text, ":/?#@"); i >= 0 {
		return fmt.Sprintf("%s compares the host name cut from %s, which never holds %q, so the comparison is never true; compare the raw column (%s) to match the rest of the URL",
			field, col.name, v.Text[i:i+1], col.name)
	}
	return ""
}
