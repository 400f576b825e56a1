package textmatch

// AnyTerms answers has_any over many needles in one pass over the haystack
// instead of one search per needle: Has gives exactly
// HasTerm(h, n, Has, false) for some n. An occurrence of a needle counts
// when a needle that starts (ends) with a letter or digit does not
// continue a term before (after) it.
type AnyTerms struct {
	needles []string // for a non-ASCII haystack
	always  bool     // an empty needle: every haystack matches
	// needles by their first min(4, len) lower-cased bytes and length
	// class; atStart: needles whose first byte is a term byte, which can
	// only start where a term starts.
	atStart, anywhere map[uint32][]string
	shortLens         [4]bool // needle lengths < 4 present
	anyAnywhere       bool
}

// prefixKey packs the first n (≤ 4) lower-cased bytes of s with n.
func prefixKey(s string, n int) uint32 {
	k := uint32(n)
	for i := 0; i < n; i++ {
		k = k<<8 | uint32(lowerASCIIByte(s[i]))
	}
	if n < 4 {
		k |= 0x80000000 // short needles never collide with 4-byte keys of ASCII text
	}
	return k
}

// NewAnyTerms compiles needles; nil when one is not ASCII.
func NewAnyTerms(needles []string) *AnyTerms {
	m := &AnyTerms{needles: needles, atStart: map[uint32][]string{}, anywhere: map[uint32][]string{}}
	for _, n := range needles {
		if !isASCII(n) {
			return nil
		}
		if n == "" {
			m.always = true
			continue
		}
		l := min(len(n), 4)
		if l < 4 {
			m.shortLens[l] = true
		}
		k := prefixKey(n, l)
		if isTermByte(n[0]) {
			m.atStart[k] = append(m.atStart[k], n)
		} else {
			m.anywhere[k] = append(m.anywhere[k], n)
			m.anyAnywhere = true
		}
	}
	return m
}

// Has reports whether h has one of the needles as a term (Kusto has_any).
func (m *AnyTerms) Has(h string) bool {
	if m.always {
		return true
	}
	if !isASCII(h) {
		for _, n := range m.needles {
			if HasTerm(h, n, Has, false) {
				return true
			}
		}
		return false
	}
	for p := 0; p < len(h); p++ {
		start := p == 0 || !isTermByte(h[p-1])
		if !start && !m.anyAnywhere {
			continue
		}
		if start && !isTermByte(h[p]) && !m.anyAnywhere {
			continue
		}
		for l := 1; l <= 4; l++ {
			if l < 4 && !m.shortLens[l] || p+l > len(h) {
				continue
			}
			k := prefixKey(h[p:], l)
			if start {
				if matchAt(h, p, m.atStart[k]) {
					return true
				}
			}
			if m.anyAnywhere && matchAt(h, p, m.anywhere[k]) {
				return true
			}
		}
	}
	return false
}

// matchAt reports whether one of needles occurs at h[p:] and ends where a
// needle ending in a term byte may end.
func matchAt(h string, p int, needles []string) bool {
	for _, n := range needles {
		end := p + len(n)
		if end > len(h) {
			continue
		}
		same := true
		for i := 0; i < len(n); i++ {
			if lowerASCIIByte(h[p+i]) != lowerASCIIByte(n[i]) {
				same = false
				break
			}
		}
		if !same {
			continue
		}
		if isTermByte(n[len(n)-1]) && end < len(h) && isTermByte(h[end]) {
			continue
		}
		return true
	}
	return false
}
