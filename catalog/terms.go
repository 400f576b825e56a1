package catalog

import (
	"unicode"
)

func isUnicodeTerm(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// hasTerm is Kusto's case-insensitive has(h, n) (docs: kql-semantics §3.2):
// some occurrence of n in h (with simple case folding) whose alphanumeric
// edges are not glued to letters or digits of h. The generator uses it to
// check its own test rows; the tests check it against an independent
// implementation.
func hasTerm(h, n string) bool {
	hr, nr := []rune(h), []rune(n)
	if len(nr) == 0 {
		return true
	}
	for p := 0; p+len(nr) <= len(hr); p++ {
		if !foldEqualRunes(hr[p:p+len(nr)], nr) {
			continue
		}
		if isTermRune(nr[0]) && p > 0 && isTermRune(hr[p-1]) {
			continue
		}
		end := p + len(nr)
		if isTermRune(nr[len(nr)-1]) && end < len(hr) && isTermRune(hr[end]) {
			continue
		}
		return true
	}
	return false
}

func hasAnyTerm(h string, needles []string) bool {
	for _, n := range needles {
		if hasTerm(h, n) {
			return true
		}
	}
	return false
}

func foldEqualRunes(a, b []rune) bool {
	for i := range a {
		if !foldRune(a[i], b[i]) {
			return false
		}
	}
	return true
}

func foldRune(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// equalFoldAny is Kusto's in~: equality under simple case folding with any
// element.
func equalFoldAny(s string, xs []string) bool {
	for _, x := range xs {
		a, b := []rune(s), []rune(x)
		if len(a) == len(b) && foldEqualRunes(a, b) {
			return true
		}
	}
	return false
}
