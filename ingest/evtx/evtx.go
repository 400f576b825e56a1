package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Sizes of the file header and of a chunk.
const (
	FileHeaderSize = 4096
	ChunkSize      = 65536
)

var (
	fileMagic  = []byte("ElfFile\x00")
	chunkMagic = []byte("ElfChnk\x00")
)

// Attr is one attribute of an element.
type Attr struct {
	Name, Value string
}

// Element is one XML element of a rendered event.
type Element struct {
	Name     string
	Attrs    []Attr
	Children []*Element
	// Text is the element's text content (values and substitutions
	// rendered as text, concatenated).
	Text string
}

// Child returns the first child element with the name, or nil.
func (e *Element) Child(name string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Attr returns the value of the named attribute ("" when absent).
func (e *Element) Attr(name string) string {
	if e == nil {
		return ""
	}
	for _, a := range e.Attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Record is one event record of a chunk.
type Record struct {
	// ID is the event record identifier.
	ID uint64
	// Written is the record's write time.
	Written time.Time
	// Event is the rendered root element (normally <Event>).
	Event *Element
	// Err is set when the record's BinXML could not be read; Event is then
	// nil.
	Err error
}

// Reader reads the chunks of an EVTX stream.
type Reader struct {
	r     io.Reader
	index int
}

// NewReader checks the file header and returns a reader positioned at the
// first chunk.
func NewReader(r io.Reader) (*Reader, error) {
	head := make([]byte, FileHeaderSize)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("evtx: reading file header: %w", err)
	}
	if !bytes.HasPrefix(head, fileMagic) {
		return nil, errors.New("evtx: not an EVTX file (no ElfFile signature)")
	}
	return &Reader{r: r}, nil
}

// NextChunk returns the next chunk's bytes and its 0-based index. It
// returns io.EOF after the last chunk, and io.ErrUnexpectedEOF for a
// truncated chunk.
func (r *Reader) NextChunk() ([]byte, int, error) {
	buf := make([]byte, ChunkSize)
	n, err := io.ReadFull(r.r, buf)
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	idx := r.index
	r.index++
	if err != nil {
		return buf[:n], idx, io.ErrUnexpectedEOF
	}
	return buf, idx, nil
}

// IsChunk reports whether b starts with a chunk signature. Unused chunks
// at the end of a file are all zero bytes.
func IsChunk(b []byte) bool { return bytes.HasPrefix(b, chunkMagic) }

// ParseChunk reads the event records of one chunk. A chunk header error
// returns an error; an error inside one record is reported in that
// Record's Err and reading goes on with the next record.
func ParseChunk(chunk []byte) ([]Record, error) {
	if len(chunk) < 512 || !IsChunk(chunk) {
		return nil, errors.New("evtx: not a chunk (no ElfChnk signature)")
	}
	free := int(binary.LittleEndian.Uint32(chunk[48:]))
	if free > len(chunk) || free < 512 {
		free = len(chunk)
	}
	var out []Record
	off := 512
	for off+24 <= free {
		if !bytes.Equal(chunk[off:off+4], []byte{0x2a, 0x2a, 0, 0}) {
			if len(out) == 0 {
				return nil, fmt.Errorf("evtx: no record signature at chunk offset %d", off)
			}
			break
		}
		size := int(binary.LittleEndian.Uint32(chunk[off+4:]))
		if size < 28 || off+size > len(chunk) {
			return out, fmt.Errorf("evtx: record at chunk offset %d has bad size %d", off, size)
		}
		rec := Record{ID: binary.LittleEndian.Uint64(chunk[off+8:])}
		rec.Written = fileTime(binary.LittleEndian.Uint64(chunk[off+16:]))
		p := &parser{chunk: chunk}
		nodes, err := p.fragment(off+24, off+size-4)
		if err != nil {
			rec.Err = fmt.Errorf("evtx: record %d: %w", rec.ID, err)
		} else {
			for _, n := range nodes {
				if n.elem != nil {
					rec.Event = n.elem
					break
				}
			}
			if rec.Event == nil {
				rec.Err = fmt.Errorf("evtx: record %d has no element", rec.ID)
			}
		}
		out = append(out, rec)
		off += size
	}
	return out, nil
}

// fileTime converts a FILETIME (100 ns intervals since 1601-01-01 UTC).
func fileTime(ft uint64) time.Time {
	const unixOffset = 11644473600 // seconds from 1601-01-01 to 1970-01-01
	sec := int64(ft / 10_000_000)
	ns := int64(ft%10_000_000) * 100
	return time.Unix(sec-unixOffset, ns).UTC()
}

// node is an element or a text piece of element content.
type node struct {
	elem *Element
	text string
}

type value struct {
	typ  byte
	off  int // chunk offset of the data
	size int
}

// parser reads BinXML at absolute chunk offsets.
type parser struct {
	chunk  []byte
	values []value
	depth  int
	steps  int
}

var errCorrupt = errors.New("corrupt BinXML")

func (p *parser) need(off, n int) error {
	if off < 0 || n < 0 || off+n > len(p.chunk) {
		return fmt.Errorf("%w: read of %d bytes at offset %d is outside the chunk", errCorrupt, n, off)
	}
	return nil
}

func (p *parser) u16(off int) (int, error) {
	if err := p.need(off, 2); err != nil {
		return 0, err
	}
	return int(binary.LittleEndian.Uint16(p.chunk[off:])), nil
}

func (p *parser) u32(off int) (int, error) {
	if err := p.need(off, 4); err != nil {
		return 0, err
	}
	return int(binary.LittleEndian.Uint32(p.chunk[off:])), nil
}

func (p *parser) utf16(off, chars int) (string, error) {
	if err := p.need(off, 2*chars); err != nil {
		return "", err
	}
	u := make([]uint16, chars)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(p.chunk[off+2*i:])
	}
	return string(utf16.Decode(u)), nil
}

// name reads the name structure at a chunk offset; inline is the size the
// structure occupies when it is stored at the reading position.
func (p *parser) name(off int) (string, int, error) {
	n, err := p.u16(off + 6)
	if err != nil {
		return "", 0, err
	}
	s, err := p.utf16(off+8, n)
	if err != nil {
		return "", 0, err
	}
	return s, 10 + 2*n, nil
}

// nameRef reads a name offset at pos; when the name is stored right there
// it is skipped. It returns the name and the position after the reference.
func (p *parser) nameRef(pos int) (string, int, error) {
	noff, err := p.u32(pos)
	if err != nil {
		return "", 0, err
	}
	pos += 4
	name, size, err := p.name(noff)
	if err != nil {
		return "", 0, err
	}
	if noff == pos {
		pos += size
	}
	return name, pos, nil
}

const maxDepth = 64

// fragment reads tokens from pos until EOF or end, returning top-level
// nodes.
func (p *parser) fragment(pos, end int) ([]node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d", errCorrupt, maxDepth)
	}
	var out []node
	for pos < end {
		if err := p.need(pos, 1); err != nil {
			return nil, err
		}
		tok := p.chunk[pos]
		switch tok &^ 0x40 {
		case 0x00: // end of fragment
			return out, nil
		case 0x0f: // fragment header
			pos += 4
		case 0x0c: // template instance
			nodes, next, err := p.template(pos)
			if err != nil {
				return nil, err
			}
			out = append(out, nodes...)
			pos = next
		case 0x01: // element
			e, next, err := p.element(pos)
			if err != nil {
				return nil, err
			}
			out = append(out, node{elem: e})
			pos = next
		case 0x05, 0x0d, 0x0e, 0x07, 0x08, 0x09:
			nodes, next, err := p.content(pos)
			if err != nil {
				return nil, err
			}
			out = append(out, nodes...)
			pos = next
		case 0x0a, 0x0b:
			next, err := p.skipPI(pos)
			if err != nil {
				return nil, err
			}
			pos = next
		default:
			return nil, fmt.Errorf("%w: unexpected token 0x%02x at offset %d", errCorrupt, tok, pos)
		}
	}
	return out, nil
}

func (p *parser) skipPI(pos int) (int, error) {
	if p.chunk[pos]&^0x40 == 0x0a {
		_, next, err := p.nameRef(pos + 1)
		return next, err
	}
	n, err := p.u16(pos + 1)
	if err != nil {
		return 0, err
	}
	return pos + 3 + 2*n, p.need(pos+3, 2*n)
}

// element reads an element starting at its open-start token.
func (p *parser) element(pos int) (*Element, int, error) {
	p.steps++
	if p.steps > 1<<20 {
		return nil, 0, fmt.Errorf("%w: too many elements", errCorrupt)
	}
	tok := p.chunk[pos]
	// token, dependency identifier (2), data size (4), name reference.
	name, next, err := p.nameRef(pos + 7)
	if err != nil {
		return nil, 0, err
	}
	e := &Element{Name: name}
	pos = next
	if tok&0x40 != 0 {
		pos += 4 // attribute list size
		for {
			if err := p.need(pos, 1); err != nil {
				return nil, 0, err
			}
			t := p.chunk[pos]
			if t&^0x40 != 0x06 {
				break
			}
			aname, next, err := p.nameRef(pos + 1)
			if err != nil {
				return nil, 0, err
			}
			nodes, next2, err := p.content(next)
			if err != nil {
				return nil, 0, err
			}
			var sb strings.Builder
			for _, n := range nodes {
				sb.WriteString(n.text)
			}
			e.Attrs = append(e.Attrs, Attr{aname, sb.String()})
			pos = next2
		}
	}
	if err := p.need(pos, 1); err != nil {
		return nil, 0, err
	}
	switch p.chunk[pos] {
	case 0x03: // empty element
		return e, pos + 1, nil
	case 0x02: // close start element: content follows
		pos++
	default:
		return nil, 0, fmt.Errorf("%w: element %s: expected close of start tag at offset %d, got 0x%02x", errCorrupt, name, pos, p.chunk[pos])
	}
	var text strings.Builder
	for {
		if err := p.need(pos, 1); err != nil {
			return nil, 0, err
		}
		t := p.chunk[pos]
		switch t &^ 0x40 {
		case 0x04: // end element
			e.Text = text.String()
			return e, pos + 1, nil
		case 0x01:
			c, next, err := p.element(pos)
			if err != nil {
				return nil, 0, err
			}
			e.Children = append(e.Children, c)
			pos = next
		case 0x05, 0x0d, 0x0e, 0x07, 0x08, 0x09:
			nodes, next, err := p.content(pos)
			if err != nil {
				return nil, 0, err
			}
			for _, n := range nodes {
				if n.elem != nil {
					e.Children = append(e.Children, n.elem)
				} else {
					text.WriteString(n.text)
				}
			}
			pos = next
		case 0x0a, 0x0b:
			next, err := p.skipPI(pos)
			if err != nil {
				return nil, 0, err
			}
			pos = next
		case 0x0c:
			nodes, next, err := p.template(pos)
			if err != nil {
				return nil, 0, err
			}
			for _, n := range nodes {
				if n.elem != nil {
					e.Children = append(e.Children, n.elem)
				}
			}
			pos = next
		default:
			return nil, 0, fmt.Errorf("%w: element %s: unexpected token 0x%02x at offset %d", errCorrupt, name, t, pos)
		}
	}
}

// content reads a run of value, substitution, CDATA and reference tokens.
func (p *parser) content(pos int) ([]node, int, error) {
	var out []node
	for {
		if err := p.need(pos, 1); err != nil {
			return nil, 0, err
		}
		t := p.chunk[pos]
		switch t &^ 0x40 {
		case 0x05: // value: type (1), then a length-prefixed UTF-16 string
			n, err := p.u16(pos + 2)
			if err != nil {
				return nil, 0, err
			}
			s, err := p.utf16(pos+4, n)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, node{text: s})
			pos += 4 + 2*n
		case 0x07: // CDATA
			n, err := p.u16(pos + 1)
			if err != nil {
				return nil, 0, err
			}
			s, err := p.utf16(pos+3, n)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, node{text: s})
			pos += 3 + 2*n
		case 0x08: // character reference
			c, err := p.u16(pos + 1)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, node{text: string(rune(c))})
			pos += 3
		case 0x09: // entity reference
			name, next, err := p.nameRef(pos + 1)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, node{text: entity(name)})
			pos = next
		case 0x0d, 0x0e: // substitution: id (2), type (1)
			id, err := p.u16(pos + 1)
			if err != nil {
				return nil, 0, err
			}
			if err := p.need(pos+3, 1); err != nil {
				return nil, 0, err
			}
			optional := t&^0x40 == 0x0e
			pos += 4
			if id >= len(p.values) {
				if optional {
					continue
				}
				return nil, 0, fmt.Errorf("%w: substitution %d of %d values", errCorrupt, id, len(p.values))
			}
			v := p.values[id]
			if optional && (v.typ == 0 || v.size == 0) {
				continue
			}
			nodes, err := p.render(v)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, nodes...)
		default:
			return out, pos, nil
		}
	}
}

func entity(name string) string {
	switch name {
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "amp":
		return "&"
	case "quot":
		return `"`
	case "apos":
		return "'"
	}
	return "&" + name + ";"
}

// template reads a template instance: token (1), unknown (1), template id
// (4), definition offset (4), the definition when stored inline, then the
// value descriptors and values.
func (p *parser) template(pos int) ([]node, int, error) {
	defOff, err := p.u32(pos + 6)
	if err != nil {
		return nil, 0, err
	}
	pos += 10
	// Definition: next offset (4), GUID (16), data size (4), BinXML.
	dataSize, err := p.u32(defOff + 20)
	if err != nil {
		return nil, 0, err
	}
	bodyStart := defOff + 24
	if err := p.need(bodyStart, dataSize); err != nil {
		return nil, 0, err
	}
	if defOff == pos {
		pos = bodyStart + dataSize
	}
	count, err := p.u32(pos)
	if err != nil {
		return nil, 0, err
	}
	pos += 4
	if count > 4096 {
		return nil, 0, fmt.Errorf("%w: %d template values", errCorrupt, count)
	}
	if err := p.need(pos, 4*count); err != nil {
		return nil, 0, err
	}
	vals := make([]value, count)
	data := pos + 4*count
	for i := range vals {
		vals[i].size = int(binary.LittleEndian.Uint16(p.chunk[pos+4*i:]))
		vals[i].typ = p.chunk[pos+4*i+2]
		vals[i].off = data
		data += vals[i].size
	}
	if err := p.need(pos+4*count, data-(pos+4*count)); err != nil {
		return nil, 0, err
	}
	saved := p.values
	p.values = vals
	nodes, err := p.fragment(bodyStart, bodyStart+dataSize)
	p.values = saved
	if err != nil {
		return nil, 0, err
	}
	return nodes, data, nil
}

// render turns a substitution value into nodes (text, or elements for
// embedded BinXML).
func (p *parser) render(v value) ([]node, error) {
	b := p.chunk[v.off : v.off+v.size]
	if v.typ == 0x21 { // embedded BinXML
		saved := p.values
		nodes, err := p.fragment(v.off, v.off+v.size)
		p.values = saved
		return nodes, err
	}
	s, err := valueText(v.typ, b)
	if err != nil {
		return nil, err
	}
	return []node{{text: s}}, nil
}

func utf16Text(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	s := string(utf16.Decode(u))
	return strings.TrimRight(s, "\x00")
}

// valueText renders a typed value as Windows renders it in event XML.
func valueText(typ byte, b []byte) (string, error) {
	need := func(n int) error {
		if len(b) < n {
			return fmt.Errorf("%w: value of type 0x%02x has %d bytes, needs %d", errCorrupt, typ, len(b), n)
		}
		return nil
	}
	if typ&0x80 != 0 { // arrays
		base := typ &^ 0x80
		if base == 0x01 {
			parts := strings.Split(strings.TrimRight(utf16Text(b), "\x00"), "\x00")
			return strings.Join(parts, ", "), nil
		}
		width := map[byte]int{0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8, 0x0d: 4, 0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8}[base]
		if width == 0 {
			return fmt.Sprintf("0x%x", b), nil
		}
		var parts []string
		for i := 0; i+width <= len(b); i += width {
			s, err := valueText(base, b[i:i+width])
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ", "), nil
	}
	le := binary.LittleEndian
	switch typ {
	case 0x00:
		return "", nil
	case 0x01:
		return utf16Text(b), nil
	case 0x02:
		return strings.TrimRight(string(b), "\x00"), nil
	case 0x03:
		if err := need(1); err != nil {
			return "", err
		}
		return strconv.Itoa(int(int8(b[0]))), nil
	case 0x04:
		if err := need(1); err != nil {
			return "", err
		}
		return strconv.Itoa(int(b[0])), nil
	case 0x05:
		if err := need(2); err != nil {
			return "", err
		}
		return strconv.Itoa(int(int16(le.Uint16(b)))), nil
	case 0x06:
		if err := need(2); err != nil {
			return "", err
		}
		return strconv.Itoa(int(le.Uint16(b))), nil
	case 0x07:
		if err := need(4); err != nil {
			return "", err
		}
		return strconv.FormatInt(int64(int32(le.Uint32(b))), 10), nil
	case 0x08:
		if err := need(4); err != nil {
			return "", err
		}
		return strconv.FormatUint(uint64(le.Uint32(b)), 10), nil
	case 0x09:
		if err := need(8); err != nil {
			return "", err
		}
		return strconv.FormatInt(int64(le.Uint64(b)), 10), nil
	case 0x0a:
		if err := need(8); err != nil {
			return "", err
		}
		return strconv.FormatUint(le.Uint64(b), 10), nil
	case 0x0b:
		if err := need(4); err != nil {
			return "", err
		}
		return strconv.FormatFloat(float64(math.Float32frombits(le.Uint32(b))), 'g', -1, 32), nil
	case 0x0c:
		if err := need(8); err != nil {
			return "", err
		}
		return strconv.FormatFloat(math.Float64frombits(le.Uint64(b)), 'g', -1, 64), nil
	case 0x0d:
		if err := need(1); err != nil {
			return "", err
		}
		nz := false
		for _, c := range b {
			nz = nz || c != 0
		}
		return strconv.FormatBool(nz), nil
	case 0x0e:
		return strings.ToUpper(fmt.Sprintf("%x", b)), nil
	case 0x0f:
		if err := need(16); err != nil {
			return "", err
		}
		return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", le.Uint32(b), le.Uint16(b[4:]), le.Uint16(b[6:]),
			b[8:10], b[10:16]), nil
	case 0x10:
		switch len(b) {
		case 4:
			return fmt.Sprintf("0x%x", le.Uint32(b)), nil
		case 8:
			return fmt.Sprintf("0x%x", le.Uint64(b)), nil
		}
		return fmt.Sprintf("0x%x", b), nil
	case 0x11:
		if err := need(8); err != nil {
			return "", err
		}
		return fileTime(le.Uint64(b)).Format("2006-01-02T15:04:05.0000000Z"), nil
	case 0x12:
		if err := need(16); err != nil {
			return "", err
		}
		t := time.Date(int(le.Uint16(b)), time.Month(le.Uint16(b[2:])), int(le.Uint16(b[6:])),
			int(le.Uint16(b[8:])), int(le.Uint16(b[10:])), int(le.Uint16(b[12:])), int(le.Uint16(b[14:]))*1e6, time.UTC)
		return t.Format("2006-01-02T15:04:05.0000000Z"), nil
	case 0x13:
		return sidText(b)
	case 0x14:
		if err := need(4); err != nil {
			return "", err
		}
		return fmt.Sprintf("0x%x", le.Uint32(b)), nil
	case 0x15:
		if err := need(8); err != nil {
			return "", err
		}
		return fmt.Sprintf("0x%x", le.Uint64(b)), nil
	}
	return fmt.Sprintf("0x%x", b), nil
}

func sidText(b []byte) (string, error) {
	if len(b) < 8 {
		return "", fmt.Errorf("%w: SID of %d bytes", errCorrupt, len(b))
	}
	n := int(b[1])
	if len(b) < 8+4*n {
		return "", fmt.Errorf("%w: SID with %d sub-authorities in %d bytes", errCorrupt, n, len(b))
	}
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "S-%d-%d", b[0], auth)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "-%d", binary.LittleEndian.Uint32(b[8+4*i:]))
	}
	return sb.String(), nil
}
