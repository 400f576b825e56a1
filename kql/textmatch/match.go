package textmatch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsTermRune reports whether r is part of a term: a Unicode letter or a
// decimal digit. Everything else (including '_') separates terms.
func IsTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nd, r)
}

// Fold maps r to the canonical member of its simple case-folding orbit
// (the smallest rune in the orbit), so two runes are equal under folding
// exactly when their Fold values are equal.
func Fold(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	if min >= 'A' && min <= 'Z' {
		min += 'a' - 'A'
	}
	return min
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCIIByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// EqualFold reports equality under simple case folding (Kusto's =~).
func EqualFold(a, b string) bool { return strings.EqualFold(a, b) }

// AppendFoldKey appends to dst the key of s under simple case folding: s
// with each rune replaced by Fold of it (an invalid UTF-8 byte by U+FFFD,
// as EqualFold reads it). Two strings are equal under EqualFold exactly
// when their keys are equal, so keys can index a set for in~.
func AppendFoldKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				dst = utf8.AppendRune(dst, Fold(r))
			}
			return dst
		}
		dst = append(dst, lowerASCIIByte(c))
	}
	return dst
}

// foldRunes returns the folded runes of s.
func foldRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, Fold(r))
	}
	return out
}

func runes(s string) []rune { return []rune(s) }

// Contains reports whether needle occurs in h (Kusto contains / contains_cs).
func Contains(h, needle string, caseSensitive bool) bool {
	if caseSensitive {
		return strings.Contains(h, needle)
	}
	if needle == "" {
		return true
	}
	if isASCII(needle) && isASCII(h) {
		return indexASCIIFold(h, needle, 0) >= 0
	}
	return indexRunes(foldRunes(h), foldRunes(needle), 0) >= 0
}

// StartsWith reports whether h starts with prefix (Kusto startswith).
func StartsWith(h, prefix string, caseSensitive bool) bool {
	if caseSensitive {
		return strings.HasPrefix(h, prefix)
	}
	if isASCII(h) && isASCII(prefix) {
		return len(h) >= len(prefix) && strings.EqualFold(h[:len(prefix)], prefix)
	}
	hr, pr := foldRunes(h), foldRunes(prefix)
	if len(pr) > len(hr) {
		return false
	}
	for i := range pr {
		if hr[i] != pr[i] {
			return false
		}
	}
	return true
}

// EndsWith reports whether h ends with suffix (Kusto endswith).
func EndsWith(h, suffix string, caseSensitive bool) bool {
	if caseSensitive {
		return strings.HasSuffix(h, suffix)
	}
	if isASCII(h) && isASCII(suffix) {
		return len(h) >= len(suffix) && strings.EqualFold(h[len(h)-len(suffix):], suffix)
	}
	hr, sr := foldRunes(h), foldRunes(suffix)
	if len(sr) > len(hr) {
		return false
	}
	off := len(hr) - len(sr)
	for i := range sr {
		if hr[off+i] != sr[i] {
			return false
		}
	}
	return true
}

// Mode selects which term boundaries a has-family match requires.
type Mode uint8

// Has-family modes.
const (
	Has       Mode = iota // whole term: both edges
	HasPrefix             // term prefix: start edge only
	HasSuffix             // term suffix: end edge only
)

// HasTerm implements has / has_cs / hasprefix / hassuffix (and _cs) as
// described in kql-semantics.md §3.2.
func HasTerm(h, needle string, mode Mode, caseSensitive bool) bool {
	if needle == "" {
		return true
	}
	if isASCII(h) && isASCII(needle) {
		return hasASCII(h, needle, mode, caseSensitive)
	}
	var hr, nr []rune
	if caseSensitive {
		hr, nr = runes(h), runes(needle)
	} else {
		hr, nr = foldRunes(h), foldRunes(needle)
	}
	checkStart := mode != HasSuffix && IsTermRune(nr[0])
	checkEnd := mode != HasPrefix && IsTermRune(nr[len(nr)-1])
	for p := 0; ; p++ {
		p = indexRunes(hr, nr, p)
		if p < 0 {
			return false
		}
		if checkStart && p > 0 && IsTermRune(hr[p-1]) {
			continue
		}
		end := p + len(nr)
		if checkEnd && end < len(hr) && IsTermRune(hr[end]) {
			continue
		}
		return true
	}
}

func isTermByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func hasASCII(h, needle string, mode Mode, cs bool) bool {
	checkStart := mode != HasSuffix && isTermByte(needle[0])
	checkEnd := mode != HasPrefix && isTermByte(needle[len(needle)-1])
	for p := 0; ; p++ {
		if cs {
			i := strings.Index(h[p:], needle)
			if i < 0 {
				return false
			}
			p += i
		} else {
			p = indexASCIIFold(h, needle, p)
			if p < 0 {
				return false
			}
		}
		if checkStart && p > 0 && isTermByte(h[p-1]) {
			continue
		}
		end := p + len(needle)
		if checkEnd && end < len(h) && isTermByte(h[end]) {
			continue
		}
		return true
	}
}

// indexASCIIFold finds needle in h at or after from, ASCII case-insensitively.
func indexASCIIFold(h, needle string, from int) int {
	n := len(needle)
	if n == 0 {
		return from
	}
	first := lowerASCIIByte(needle[0])
	firstUp := first
	if first >= 'a' && first <= 'z' {
		firstUp = first - ('a' - 'A')
	}
	for i := from; i+n <= len(h); {
		// jump to the next candidate first byte
		j := indexEitherByte(h[i:len(h)-n+1], first, firstUp)
		if j < 0 {
			return -1
		}
		i += j
		if strings.EqualFold(h[i:i+n], needle) {
			return i
		}
		i++
	}
	return -1
}

func indexEitherByte(s string, a, b byte) int {
	if a == b {
		return strings.IndexByte(s, a)
	}
	i := strings.IndexByte(s, a)
	j := strings.IndexByte(s, b)
	switch {
	case i < 0:
		return j
	case j < 0:
		return i
	case i < j:
		return i
	default:
		return j
	}
}

func indexRunes(h, n []rune, from int) int {
	if len(n) == 0 {
		return from
	}
	for i := from; i+len(n) <= len(h); i++ {
		if h[i] != n[0] {
			continue
		}
		ok := true
		for k := 1; k < len(n); k++ {
			if h[i+k] != n[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}
