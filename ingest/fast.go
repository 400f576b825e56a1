package ingest

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// The fast path decodes one JSON line without building a tree: a
// validating scanner walks the object, finds each key's raw value, and
// converts only the values of the columns a scan needs. Anything unusual
// (an invalid line, an escaped key, a duplicate key, a shape other than a
// flat record or a Streaming API record, a record whose table must be
// guessed from its columns) falls back to the simple path, which is the
// reference: both give the same rows, rejections and counts.

type span struct{ key, val []byte }

// fastDecoder holds one worker's scratch space.
type fastDecoder struct {
	top, props       []span
	topLay, propsLay keyLayout
	pending          []string
	vals             [][]byte // values of the needed keys (flatLayout)
}

// skipWS returns the index of the first non-space byte at or after i.
func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the end (after the closing quote) of the string that
// starts at b[i] == '"', and whether it holds a backslash. ok is false for
// an invalid string, invalid UTF-8 included (so a line the fast path
// splits needs no separate UTF-8 check: outside strings JSON is ASCII).
// Runs of plain ASCII bytes are skipped 8 at a time.
func scanString(b []byte, i int) (end int, esc bool, ok bool) {
	i++
	for i < len(b) {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			// Flag '"', '\\', bytes < 0x20 and non-ASCII bytes; the
			// lowest flagged byte is exact (false flags only follow a true
			// one).
			q := x ^ 0x2222222222222222
			bs := x ^ 0x5c5c5c5c5c5c5c5c
			m := ((q - lo8) &^ q) | ((bs - lo8) &^ bs) | ((x - 0x2020202020202020) &^ x) | x
			m &= hi8
			if m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1, esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return 0, false, false
					}
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return 0, false, false
			}
			i += size
		default:
			i++
		}
	}
	return 0, false, false
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// scanValue returns the end of the JSON value starting at b[i].
func scanValue(b []byte, i int, depth int) (int, bool) {
	if i >= len(b) || depth > 1000 {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		end, _, ok := scanString(b, i)
		return end, ok
	case c == '{':
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == '}' {
			return i + 1, true
		}
		for {
			if i >= len(b) || b[i] != '"' {
				return 0, false
			}
			end, _, ok := scanString(b, i)
			if !ok {
				return 0, false
			}
			i = skipWS(b, end)
			if i >= len(b) || b[i] != ':' {
				return 0, false
			}
			i, ok = scanValue(b, skipWS(b, i+1), depth+1)
			if !ok {
				return 0, false
			}
			i = skipWS(b, i)
			if i >= len(b) {
				return 0, false
			}
			if b[i] == '}' {
				return i + 1, true
			}
			if b[i] != ',' {
				return 0, false
			}
			i = skipWS(b, i+1)
		}
	case c == '[':
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			i, ok = scanValue(b, i, depth+1)
			if !ok {
				return 0, false
			}
			i = skipWS(b, i)
			if i >= len(b) {
				return 0, false
			}
			if b[i] == ']' {
				return i + 1, true
			}
			if b[i] != ',' {
				return 0, false
			}
			i = skipWS(b, i+1)
		}
	case c == 't':
		return lit(b, i, "true")
	case c == 'f':
		return lit(b, i, "false")
	case c == 'n':
		return lit(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return scanNumber(b, i)
	}
	return 0, false
}

func lit(b []byte, i int, s string) (int, bool) {
	if len(b)-i >= len(s) && string(b[i:i+len(s)]) == s {
		return i + len(s), true
	}
	return 0, false
}

// scanNumber returns the end of the JSON number at b[i]. ok is false for
// an invalid number, and for one whose magnitude overflows a float64
// (1e700): the reference decoder rejects such a record, so the line must
// take its path.
func scanNumber(b []byte, i int) (end int, ok bool) {
	end, exp, ok := scanNumberSyntax(b, i)
	if ok && (exp || end-i > 300) {
		if _, err := types.NumberToDynamic(string(b[i:end])); err != nil {
			return 0, false
		}
	}
	return end, ok
}

func scanNumberSyntax(b []byte, i int) (end int, exp, ok bool) {
	if b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return 0, false, false
	}
	if b[i] == '0' {
		i++
	} else if b[i] >= '1' && b[i] <= '9' {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	} else {
		return 0, false, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return 0, false, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		exp = true
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return 0, false, false
		}
	}
	return i, exp, true
}

// object splits the object at b (the whole of b, surrounding space
// allowed) into key/value spans. ok is false for invalid JSON or an escaped
// key; duplicate keys are found by keyLayout.check.
// hint is the keys of the previous object (keyLayout.keys): a key equal
// to the hint at its position needs no scanning.
func object(b []byte, out []span, hint []string) ([]span, bool) {
	out = out[:0]
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return out, false
	}
	end, ok := objectAt(b, i, &out, hint)
	if !ok || skipWS(b, end) != len(b) {
		return out, false
	}
	return out, true
}

func objectAt(b []byte, i int, out *[]span, hint []string) (int, bool) {
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		var key []byte
		if n := len(*out); n < len(hint) && hasKeyAt(b, i, hint[n]) {
			// the hint's own bytes: keyLayout.check knows them by address
			key = unsafe.Slice(unsafe.StringData(hint[n]), len(hint[n]))
			i += len(hint[n]) + 2
		} else {
			kend, esc, ok := scanString(b, i)
			if !ok || esc {
				return 0, false
			}
			key = b[i+1 : kend-1]
			i = kend
		}
		vs, ve, ok := memberValue(b, i)
		if !ok {
			return 0, false
		}
		*out = append(*out, span{key, b[vs:ve]})
		i = ve
		if i < len(b) && b[i] == ',' {
			i++
			if i < len(b) && b[i] == '"' {
				continue
			}
			i = skipWS(b, i)
			continue
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, false
		}
		if b[i] == '}' {
			return i + 1, true
		}
		if b[i] != ',' {
			return 0, false
		}
		i = skipWS(b, i+1)
	}
}

// memberValue scans, from i just after an object member's key, the colon
// and the value: it returns where the value starts and ends. Compact JSON
// (no spaces) takes the direct branches.
func memberValue(b []byte, i int) (vs, ve int, ok bool) {
	if i >= len(b) || b[i] != ':' {
		i = skipWS(b, i)
		if i >= len(b) || b[i] != ':' {
			return 0, 0, false
		}
	}
	vs = i + 1
	if vs < len(b) && b[vs] <= ' ' {
		vs = skipWS(b, vs)
	}
	if vs < len(b) && b[vs] == '"' {
		ve, _, ok = scanString(b, vs)
	} else {
		ve, ok = scanValue(b, vs, 1)
	}
	return vs, ve, ok
}

// hasKeyAt reports whether b[i:] starts with the string literal "key"
// (key holds no byte a JSON string escapes).
func hasKeyAt(b []byte, i int, key string) bool {
	e := i + 1 + len(key)
	return e < len(b) && b[e] == '"' && string(b[i+1:e]) == key
}

// unquote decodes a JSON string literal (quotes included) as encoding/json
// does.
func unquote(s []byte) string {
	s = s[1 : len(s)-1]
	bs := -1
	for i, c := range s {
		if c == '\\' {
			bs = i
			break
		}
	}
	if bs < 0 {
		return string(s)
	}
	out := make([]byte, 0, len(s))
	out = append(out, s[:bs]...)
	for i := bs; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch s[i+1] {
		case '"', '\\', '/':
			out = append(out, s[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := rune(hex4(s[i+2:]))
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2 := rune(hex4(s[i+2:]))
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		}
		i += 2
	}
	return string(out)
}

func hex4(b []byte) int {
	v := 0
	for _, c := range b[:4] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= int(c - '0')
		case c >= 'a' && c <= 'f':
			v |= int(c-'a') + 10
		default:
			v |= int(c-'A') + 10
		}
	}
	return v
}

// rawValue decodes a raw JSON value as the simple path's decoder would.
func rawValue(raw []byte) (any, bool) {
	switch raw[0] {
	case 'n':
		return nil, true
	case 't':
		return true, true
	case 'f':
		return false, true
	case '"':
		return unquote(raw), true
	case '{', '[':
		v, err := types.ParseJSONBytes(raw)
		return v, err == nil
	}
	v, err := types.NumberToDynamic(string(raw))
	return v, err == nil
}

// putRaw converts a raw value into the builder.
func (b *builder) putRaw(ref colRef, raw []byte) bool {
	if !b.wants(ref) {
		return true
	}
	t := b.ty.types[ref.idx]
	// Integers without a fraction or exponent: no allocation.
	if (t == types.Long || t == types.Int) && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') && len(raw) <= 18 {
		var n int64
		neg := raw[0] == '-'
		digits := raw
		if neg {
			digits = raw[1:]
		}
		plain := len(digits) > 0
		for _, c := range digits {
			if c < '0' || c > '9' {
				plain = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if plain {
			if neg {
				n = -n
			}
			if t == types.Int {
				if n > math.MaxInt32 || n < math.MinInt32 {
					val, reason := convert(n, t, false)
					b.set(ref, val, reason)
					return true
				}
				b.set(ref, types.NewInt(n), "")
				return true
			}
			b.set(ref, types.NewLong(n), "")
			return true
		}
	}
	if raw[0] == '"' && t == types.DateTime && bytes.IndexByte(raw, '\\') < 0 {
		// parsed in place: the value keeps only the ticks (a rejection's
		// reason copies the text)
		val, reason := convert(unsafe.String(&raw[1], len(raw)-2), t, false)
		b.set(ref, val, reason)
		return true
	}
	if raw[0] == '"' && (t == types.String || t == types.DateTime) {
		str := unquote(raw)
		if t == types.String {
			b.set(ref, types.NewString(str), "")
			return true
		}
		val, reason := convert(str, t, false)
		b.set(ref, val, reason)
		return true
	}
	v, ok := rawValue(raw)
	if !ok {
		return false
	}
	val, reason := convert(v, t, false)
	b.set(ref, val, reason)
	return true
}

// line decodes one line; false means "use the simple path".
func (f *fastDecoder) line(w *worker, t []byte, line int, r *result) bool {
	if f.flatLayout(w, t, line, r) {
		return true
	}
	var ok bool
	f.top, ok = object(t, f.top, f.topLay.hint())
	if !ok || !f.topLay.check(f.top) {
		return false
	}
	lay := &f.topLay
	if lay.fallback {
		return false
	}
	kind := w.x.kind
	if lay.envelope(kind) {
		cat, props := f.top[lay.cat].val, f.top[lay.props].val
		if cat[0] != '"' || props[0] != '{' {
			return false
		}
		tenant := ""
		if lay.tenant >= 0 && f.top[lay.tenant].val[0] == '"' {
			tenant = unquote(f.top[lay.tenant].val)
		}
		table, why := tableFromCategory(unquote(cat))
		if why != "" {
			r.delta.unroute(why)
			return true
		}
		f.props, ok = object(props, f.props, f.propsLay.hint())
		if !ok || !f.propsLay.check(f.props) {
			return false
		}
		ts := r.delta.table(table)
		b := w.builder(table)
		if b == nil {
			ts.Records++
			return true
		}
		if !f.fill(b, ts, f.props, &f.propsLay, f.top, lay, tenant) {
			return false
		}
		ts.Records++
		ts.Typed = true
		w.finishRow(b, table, line, ts, &r.outs)
		return true
	}
	if kind == kindStream {
		return false
	}
	table := w.x.table
	if table == "" {
		return false
	}
	ts := r.delta.table(table)
	b := w.builder(table)
	if b == nil {
		ts.Records++
		return true
	}
	if !f.fill(b, ts, f.top, lay, nil, nil, "") {
		return false
	}
	ts.Records++
	ts.Typed = true
	w.finishRow(b, table, line, ts, &r.outs)
	return true
}

// flatLayout decodes a flat record whose keys are the previous record's,
// in the same order (the common case), keeping only the values the
// builder converts. It gives the row line's general path would give; false
// (with nothing counted) leaves the line to that path.
func (f *fastDecoder) flatLayout(w *worker, t []byte, line int, r *result) bool {
	lay := &f.topLay
	kind := w.x.kind
	if !lay.learned || lay.fallback || kind == kindStream || lay.envelope(kind) {
		return false
	}
	table := w.x.table
	if table == "" {
		return false
	}
	b := w.builder(table)
	if b == nil {
		return false
	}
	lay.refsFor(b.ty)
	lay.needFor(b)
	if cap(f.vals) < len(lay.keys) {
		f.vals = make([][]byte, len(lay.keys))
	}
	vals := f.vals[:len(lay.keys)]
	if !matchLayout(t, lay.keys, lay.need, vals) {
		return false
	}
	b.reset()
	for i, need := range lay.need {
		if need && !b.putRaw(lay.refs[i], vals[i]) {
			return false
		}
	}
	ts := r.delta.table(table)
	if len(lay.unknown) > 0 {
		if ts.UnknownKeys == nil {
			ts.UnknownKeys = map[string]int64{}
		}
		for _, k := range lay.unknown {
			ts.UnknownKeys[k]++
		}
	}
	b.finish("")
	ts.Records++
	ts.Typed = true
	w.finishRow(b, table, line, ts, &r.outs)
	return true
}

// matchLayout validates b as a JSON object whose keys are exactly keys, in
// order (keys hold no escapes and no duplicates: a learned layout), and
// stores in vals the raw values of the keys marked in need. false: b is
// not such an object, or not valid JSON.
func matchLayout(b []byte, keys []string, need []bool, vals [][]byte) bool {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipWS(b, i+1)
	if len(keys) == 0 {
		return i < len(b) && b[i] == '}' && skipWS(b, i+1) == len(b)
	}
	for n, key := range keys {
		if i >= len(b) || b[i] != '"' || !hasKeyAt(b, i, key) {
			return false
		}
		vs, ve, ok := memberValue(b, i+len(key)+2)
		if !ok {
			return false
		}
		if need[n] {
			vals[n] = b[vs:ve]
		}
		i = ve
		if n+1 == len(keys) {
			break
		}
		if i < len(b) && b[i] == ',' {
			i++
		} else {
			i = skipWS(b, i)
			if i >= len(b) || b[i] != ',' {
				return false
			}
			i++
		}
		if i < len(b) && b[i] != '"' {
			i = skipWS(b, i)
		}
	}
	i = skipWS(b, i)
	return i < len(b) && b[i] == '}' && skipWS(b, i+1) == len(b)
}

// fill converts the spans of a record (and, for an envelope, its extra
// keys) into the builder.
func (f *fastDecoder) fill(b *builder, ts *TableSummary, fields []span, lay *keyLayout, envelope []span, envLay *keyLayout, tenant string) bool {
	b.reset()
	lay.refsFor(b.ty)
	pending := f.pending[:0]
	for i, s := range fields {
		if !lay.known[i] {
			pending = append(pending, lay.keys[i])
			continue
		}
		if !b.putRaw(lay.refs[i], s.val) {
			return false
		}
	}
	if envelope != nil {
		envLay.refsFor(b.ty)
	}
	for i, s := range envelope {
		switch envLay.keys[i] {
		case "category", "properties", "time", "operationName", "tenantId":
			continue
		}
		if !envLay.known[i] {
			pending = append(pending, envLay.keys[i])
			continue
		}
		if !b.putRaw(envLay.refs[i], s.val) {
			return false
		}
	}
	f.pending = pending
	if len(pending) > 0 && ts.UnknownKeys == nil {
		ts.UnknownKeys = map[string]int64{}
	}
	for _, k := range pending {
		ts.UnknownKeys[k]++
	}
	b.finish(tenant)
	return true
}
