package ingest

import "unsafe"

// keyLayout remembers the keys of the last object a fast decoder split, in
// order, with what they mean: exports write every record with the same keys
// in the same order, so a record whose keys equal the layout's needs no
// duplicate check and no map lookups.
type keyLayout struct {
	learned bool // keys hold a checked layout
	keys    []string
	// fallback: a key of fallbackKeys is present.
	fallback bool
	// positions of the envelope keys (-1: absent)
	cat, props, tenant int
	// ty is the typer refs and known are for (nil: not computed).
	ty    *typer
	refs  []colRef
	known []bool
	// needB is the builder need and unknown are for (nil: not computed):
	// need marks the keys whose values the builder converts, unknown lists
	// the keys that are no column of its table.
	needB   *builder
	need    []bool
	unknown []string
}

// fallbackKeys are top-level keys of shapes the fast path leaves to the
// simple path.
var fallbackKeys = map[string]bool{"records": true, "Results": true, "tables": true, "Event": true, "winlog": true, "EventID": true}

// check reports whether the spans' keys are free of duplicates, and makes
// them the layout.
func (l *keyLayout) check(sp []span) bool {
	if l.learned && len(sp) == len(l.keys) {
		same := true
		for i := range sp {
			k := sp[i].key
			if len(k) > 0 && len(k) == len(l.keys[i]) && unsafe.SliceData(k) == unsafe.StringData(l.keys[i]) {
				continue // objectAt matched the key against this hint
			}
			if string(k) != l.keys[i] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	var bloom [4]uint64
	for i, s := range sp {
		h := uint64(len(s.key))
		for _, c := range s.key {
			h = h*31 + uint64(c)
		}
		bit := h & 255
		if bloom[bit>>6]&(1<<(bit&63)) != 0 {
			for _, o := range sp[:i] {
				if string(o.key) == string(s.key) {
					l.learned = false // the next record is checked again
					return false
				}
			}
		}
		bloom[bit>>6] |= 1 << (bit & 63)
	}
	l.learned = true
	l.keys = l.keys[:0]
	l.fallback = false
	l.cat, l.props, l.tenant = -1, -1, -1
	l.ty = nil
	for i, s := range sp {
		k := string(s.key)
		l.keys = append(l.keys, k)
		if fallbackKeys[k] {
			l.fallback = true
		}
		switch k {
		case "category":
			l.cat = i
		case "properties":
			l.props = i
		case "tenantId":
			l.tenant = i
		}
	}
	return true
}

// envelope reports whether the layout's object is a Streaming API envelope
// (category and properties) for an input whose records are of kind.
func (l *keyLayout) envelope(kind recordKind) bool {
	return kind != kindFlat && l.cat >= 0 && l.props >= 0
}

// refsFor resolves the layout's keys against a table's typer.
func (l *keyLayout) refsFor(ty *typer) {
	if l.ty == ty {
		return
	}
	l.ty = ty
	l.needB = nil
	l.refs = l.refs[:0]
	l.known = l.known[:0]
	for _, k := range l.keys {
		ref, ok := ty.index[k]
		l.refs = append(l.refs, ref)
		l.known = append(l.known, ok)
	}
}

// needFor computes need and unknown for a builder of the layout's typer
// (refsFor first).
func (l *keyLayout) needFor(b *builder) {
	if l.needB == b {
		return
	}
	l.needB = b
	l.need = l.need[:0]
	l.unknown = l.unknown[:0]
	for i, k := range l.keys {
		l.need = append(l.need, l.known[i] && b.want[l.refs[i].idx])
		if !l.known[i] {
			l.unknown = append(l.unknown, k)
		}
	}
}

// hint returns the keys objectAt may expect (none until learned).
func (l *keyLayout) hint() []string {
	if !l.learned {
		return nil
	}
	return l.keys
}
