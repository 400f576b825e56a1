package ingest

import (
	"bytes"
	"strings"
)

// prefilter skips raw lines that contain none of a scan's terms
// (case-insensitively). It is conservative: a line that might hide a term
// behind a JSON escape is never skipped.
type prefilter struct {
	terms [][]byte // lower-cased
	// escapes is true when a term holds a character that JSON may escape
	// (backslash, quote, slash, control): then any line with a backslash
	// is kept.
	escapes bool
}

// newPrefilter returns nil when terms cannot be used (none, an empty term,
// or a non-ASCII term whose case folding bytes cannot decide).
func newPrefilter(terms []string) *prefilter {
	if len(terms) == 0 {
		return nil
	}
	pf := &prefilter{}
	for _, t := range terms {
		if t == "" {
			return nil
		}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c >= 0x80 {
				return nil
			}
			if c == '\\' || c == '"' || c == '/' || c < 0x20 {
				pf.escapes = true
			}
		}
		pf.terms = append(pf.terms, []byte(strings.ToLower(t)))
	}
	return pf
}

var lowerTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		t[i] = c
	}
	return
}()

// lineHits reports, for each line of data (split at '\n'), whether it may
// hold a term.
func (pf *prefilter) lineHits(data []byte) []bool {
	low := make([]byte, len(data))
	for i, c := range data {
		low[i] = lowerTable[c]
	}
	// Line starts.
	var starts []int
	starts = append(starts, 0)
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		if i < len(data) {
			starts = append(starts, i)
		} else {
			starts = append(starts, len(data))
			break
		}
	}
	nLines := len(starts)
	if starts[len(starts)-1] == len(data) && len(data) > 0 {
		// data ends with '\n': the last start is the end, not a line.
		nLines = len(starts) - 1
		starts = starts[:nLines]
	}
	hits := make([]bool, nLines)
	lineOf := func(off int) int {
		lo, hi := 0, nLines-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if starts[mid] <= off {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		return lo
	}
	for _, t := range pf.terms {
		for off := 0; off < len(low); {
			j := bytes.Index(low[off:], t)
			if j < 0 {
				break
			}
			ln := lineOf(off + j)
			hits[ln] = true
			if ln+1 < nLines {
				off = starts[ln+1]
			} else {
				break
			}
		}
	}
	// Keep lines that may hide a term behind an escape.
	for ln := 0; ln < nLines; ln++ {
		if hits[ln] {
			continue
		}
		end := len(data)
		if ln+1 < nLines {
			end = starts[ln+1]
		}
		l := data[starts[ln]:end]
		if bytes.Contains(l, []byte(`\u`)) || bytes.Contains(l, []byte(`\U`)) || (pf.escapes && bytes.IndexByte(l, '\\') >= 0) {
			hits[ln] = true
		}
	}
	return hits
}
