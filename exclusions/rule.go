package exclusions

import (
	"strings"
	"unicode"
)

// RuleInfo is what the linter needs to know about a rule to check the
// exclusions that name it. The rules package implements it; keep it small.
type RuleInfo interface {
	// ID is the rule's id (a GUID for Sentinel rules).
	ID() string
	// Name is the rule's display name.
	Name() string
	// Table is the table the rule's query reads (e.g. DeviceNetworkEvents).
	Table() string
	// RequiredValues reports a requirement the rule's query places on column
	// for every event it can match: the query keeps only events where
	// `column op (values…)` is true, op being a KQL operator applied as "any
	// of the values" — has_any, has, in~, =~, in, ==, contains, startswith,
	// endswith or their _cs forms. ok is false when there is none the rules
	// package could extract (then the linter assumes any value may match).
	// For the seed rule, RequiredValues("RemoteUrl") is has_any with the five
	// MSP360 host names.
	RequiredValues(column string) (op string, values []string, ok bool)
}

// satisfies reports whether the value v can pass `v op (values…)`; known is
// false for operators this package does not evaluate.
func satisfies(op string, values []string, v string) (ok, known bool) {
	op = strings.ToLower(op)
	cs := strings.HasSuffix(op, "_cs")
	base := strings.TrimSuffix(op, "_cs")
	var test func(h, n string) bool
	switch base {
	case "has", "has_any":
		test = func(h, n string) bool { return hasTerm(h, n, !cs) }
	case "=~", "in~":
		test = strings.EqualFold
	case "==", "in":
		test = func(h, n string) bool { return h == n }
	case "contains":
		test = func(h, n string) bool { return indexFold(h, n, !cs, 0) >= 0 }
	case "startswith":
		test = func(h, n string) bool { return hasPrefix(h, n, !cs) }
	case "endswith":
		test = func(h, n string) bool { return hasSuffix(h, n, !cs) }
	default:
		return false, false
	}
	for _, n := range values {
		if test(v, n) {
			return true, true
		}
	}
	return false, true
}

// isTermRune tells term characters for has: Unicode letters and decimal
// digits (see docs: kql-semantics §3.1).
func isTermRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// hasTerm is KQL's has: n occurs in h at term boundaries, where boundaries
// are only required on the sides where n itself starts or ends with a term
// character; an empty n is always found.
func hasTerm(h, n string, fold bool) bool {
	if n == "" {
		return true
	}
	hr, nr := []rune(h), []rune(n)
	for p := 0; p+len(nr) <= len(hr); p++ {
		if !runesEqual(hr[p:p+len(nr)], nr, fold) {
			continue
		}
		startOK := !isTermRune(nr[0]) || p == 0 || !isTermRune(hr[p-1])
		end := p + len(nr)
		endOK := !isTermRune(nr[len(nr)-1]) || end == len(hr) || !isTermRune(hr[end])
		if startOK && endOK {
			return true
		}
	}
	return false
}

func runesEqual(a, b []rune, fold bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		if !fold || !strings.EqualFold(string(a[i]), string(b[i])) {
			return false
		}
	}
	return true
}

// indexFold finds n in h from rune index from; -1 when absent.
func indexFold(h, n string, fold bool, from int) int {
	hr, nr := []rune(h), []rune(n)
	for p := from; p+len(nr) <= len(hr); p++ {
		if runesEqual(hr[p:p+len(nr)], nr, fold) {
			return p
		}
	}
	return -1
}

func hasPrefix(h, n string, fold bool) bool {
	hr, nr := []rune(h), []rune(n)
	return len(nr) <= len(hr) && runesEqual(hr[:len(nr)], nr, fold)
}

func hasSuffix(h, n string, fold bool) bool {
	hr, nr := []rune(h), []rune(n)
	return len(nr) <= len(hr) && runesEqual(hr[len(hr)-len(nr):], nr, fold)
}
