package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// chunkBytes is the size of the line-aligned chunks handed to workers.
const chunkBytes = 1 << 20

// chunkPool recycles chunk buffers (cap chunkBytes) once a worker is done
// with them; rows never point into them.
var chunkPool sync.Pool

func getChunk(n int) []byte {
	if b, ok := chunkPool.Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n, chunkBytes)
}

func putChunk(b []byte) {
	if cap(b) == chunkBytes {
		b = b[:0]
		chunkPool.Put(&b)
	}
}

// recsPerUnit is how many pre-split records make one unit.
const recsPerUnit = 256

// read runs the container reader of an input, handing units to send in
// order. It returns the read error that ended the input early, if any.
func (st *scanState) read(ctx context.Context, in *input, send func(*unit) bool) error {
	rc, err := in.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	var r io.Reader = rc
	if st.prog != nil {
		r = &countReader{r: rc, p: st.prog}
	}
	if st.limited {
		r = io.LimitReader(rc, 1<<20)
	}
	p := &producer{st: st, in: in, send: send, ctx: ctx}
	switch in.format {
	case FormatCSV:
		err = p.csv(r)
	case FormatJSON:
		err = p.document(r)
	case FormatEventHub:
		br := bufio.NewReaderSize(r, 1<<16)
		head, _ := br.Peek(64 << 10)
		if firstLineComplete(head) {
			err = p.lines(br)
		} else {
			err = p.document(br)
		}
	case FormatXML:
		err = p.xml(r)
	case FormatEVTX:
		err = p.evtx(r)
	default:
		err = p.lines(r)
	}
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func firstLineComplete(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if i := bytes.IndexByte(t, '\n'); i >= 0 {
		return completeJSONObject(bytes.TrimRight(t[:i], " \t\r"))
	}
	return false
}

// producer cuts one input into units.
type producer struct {
	st   *scanState
	in   *input
	send func(*unit) bool
	ctx  context.Context
	seq  int
	recs []rawRec
}

func (p *producer) unit(u *unit) error {
	u.seq = p.seq
	u.in = p.in
	p.seq++
	if !p.send(u) {
		return errStop
	}
	return nil
}

func (p *producer) add(r rawRec) error {
	p.recs = append(p.recs, r)
	if len(p.recs) >= recsPerUnit {
		return p.flush()
	}
	return nil
}

func (p *producer) flush() error {
	if len(p.recs) == 0 {
		return nil
	}
	u := &unit{recs: p.recs}
	p.recs = nil
	return p.unit(u)
}

// readFailure is the rejection for a read error at a line.
func (p *producer) readFailure(line int, err error) error {
	reason := "read error: " + err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) {
		reason = "truncated input: " + err.Error()
		if p.in.comp != "" {
			reason = "truncated " + p.in.comp + " stream: " + err.Error()
		}
	}
	if e := p.add(rawRec{it: &item{line: line, rej: reason}}); e != nil {
		return e
	}
	if e := p.flush(); e != nil {
		return e
	}
	return errors.New(reason)
}

// lines cuts JSON-lines content into line-aligned chunks.
func (p *producer) lines(r io.Reader) error {
	maxRec := p.st.set.opts.MaxRecordBytes
	buf := getChunk(0)
	line := 1
	skipping := false // inside an over-long line
	skipLine := 0
	for {
		if len(buf) == cap(buf) {
			// No newline in a full buffer: grow up to the record limit.
			if cap(buf) >= maxRec+1 {
				if !skipping {
					skipping, skipLine = true, line
				}
				buf = buf[:0]
			} else {
				nb := make([]byte, len(buf), min(2*cap(buf), maxRec+1))
				copy(nb, buf)
				buf = nb
			}
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if skipping {
			if i := bytes.IndexByte(buf, '\n'); i >= 0 {
				if e := p.add(rawRec{it: &item{line: skipLine, rej: fmt.Sprintf("record longer than %d bytes", maxRec)}}); e != nil {
					return e
				}
				if e := p.flush(); e != nil {
					return e
				}
				buf = buf[:copy(buf, buf[i+1:])]
				skipping = false
				line = skipLine + 1
			} else if err == nil {
				buf = buf[:0]
				continue
			}
		}
		if err != nil {
			if skipping {
				return p.readFailure(skipLine, fmt.Errorf("record longer than %d bytes", maxRec))
			}
			if len(buf) > 0 {
				u := &unit{data: buf, firstLine: line}
				line += bytes.Count(buf, []byte{'\n'})
				if !bytes.HasSuffix(buf, []byte{'\n'}) {
					line++
				}
				if e := p.unit(u); e != nil {
					return e
				}
			}
			if err == io.EOF {
				return nil
			}
			return p.readFailure(line-1, err)
		}
		if len(buf) >= chunkBytes/2 || (len(buf) == cap(buf)) {
			i := bytes.LastIndexByte(buf, '\n')
			if i < 0 {
				continue
			}
			chunk := buf[:i+1]
			rest := buf[i+1:]
			u := &unit{data: chunk, firstLine: line}
			line += bytes.Count(chunk, []byte{'\n'})
			var nb []byte
			if len(rest) <= chunkBytes/2 {
				nb = getChunk(len(rest))
			} else {
				nb = make([]byte, len(rest), max(chunkBytes, cap(buf)))
			}
			copy(nb, rest)
			buf = nb
			if e := p.unit(u); e != nil {
				return e
			}
		}
	}
}

// lineCounter counts lines of the bytes read through it, for offsets that
// are asked for in increasing order.
type lineCounter struct {
	r        io.Reader
	read     int64
	newlines []int64 // offsets of newlines not yet passed
	base     int     // lines before newlines[0]
}

func (l *lineCounter) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	for i := 0; i < n; i++ {
		if b[i] == '\n' {
			l.newlines = append(l.newlines, l.read+int64(i))
		}
	}
	l.read += int64(n)
	return n, err
}

// lineAt returns the 1-based line of offset off.
func (l *lineCounter) lineAt(off int64) int {
	i := 0
	for i < len(l.newlines) && l.newlines[i] < off {
		i++
	}
	l.base += i
	l.newlines = l.newlines[i:]
	return l.base + 1
}

// document reads a stream of JSON values: records, arrays of records, and
// objects holding arrays of records (Event Hub "records", API "Results",
// Log Analytics "tables"), streaming those arrays element by element.
func (p *producer) document(r io.Reader) error {
	lc := &lineCounter{r: r}
	dec := json.NewDecoder(lc)
	dec.UseNumber()
	fail := func(err error) error {
		line := lc.lineAt(dec.InputOffset())
		if err == io.ErrUnexpectedEOF || strings.Contains(err.Error(), "unexpected EOF") {
			return p.readFailure(line, fmt.Errorf("truncated JSON document: %w", io.ErrUnexpectedEOF))
		}
		if e := p.add(rawRec{it: &item{line: line, rej: "invalid JSON: " + err.Error() + " (rest of document skipped)"}}); e != nil {
			return e
		}
		if e := p.flush(); e != nil {
			return e
		}
		return fmt.Errorf("invalid JSON at line %d: %v", line, err)
	}
	for {
		start := lc.lineAt(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			return p.flush()
		}
		if err != nil {
			return fail(err)
		}
		switch tok {
		case json.Delim('['):
			if err := p.array(dec, lc, nil); err != nil {
				return fail(err)
			}
		case json.Delim('{'):
			if err := p.object(dec, lc, start); err != nil {
				return fail(err)
			}
		default:
			if e := p.add(rawRec{it: &item{line: start, rej: fmt.Sprintf("JSON %v where an object belongs", tok)}}); e != nil {
				return e
			}
		}
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
}

// array streams the elements of an array whose '[' was read. With names
// set, elements are Log Analytics rows (arrays of values).
func (p *producer) array(dec *json.Decoder, lc *lineCounter, names []string) error {
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		line := lc.lineAt(dec.InputOffset() - int64(len(raw)))
		if names != nil {
			v, err := types.ParseJSONBytes(raw)
			if err != nil {
				return err
			}
			arr, ok := v.([]any)
			if !ok || len(arr) != len(names) {
				if e := p.add(rawRec{it: &item{line: line, rej: fmt.Sprintf("row is not an array of %d values", len(names))}}); e != nil {
					return e
				}
				continue
			}
			b := types.NewBag()
			for i, n := range names {
				b.Set(n, arr[i])
			}
			if e := p.add(rawRec{line: line, val: b}); e != nil {
				return e
			}
			continue
		}
		if e := p.add(rawRec{line: line, text: append([]byte(nil), raw...)}); e != nil {
			return e
		}
	}
	_, err := dec.Token() // ']'
	return err
}

// object reads a top-level object whose '{' was read.
func (p *producer) object(dec *json.Decoder, lc *lineCounter, start int) error {
	rec := types.NewBag()
	streamed := false
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		switch key {
		case "records", "Results":
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			if tok != json.Delim('[') {
				rec.Set(key, tokenValue(tok))
				if d, ok := tok.(json.Delim); ok && d != '[' {
					return fmt.Errorf("%q is not an array", key)
				}
				continue
			}
			streamed = true
			if err := p.array(dec, lc, nil); err != nil {
				return err
			}
		case "tables":
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			if tok != json.Delim('[') {
				return fmt.Errorf("%q is not an array", key)
			}
			streamed = true
			for dec.More() {
				if err := p.laTable(dec, lc); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			v, err := types.ParseJSONBytes(raw)
			if err != nil {
				return err
			}
			rec.Set(key, v)
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	if !streamed {
		return p.add(rawRec{line: start, val: rec})
	}
	return nil
}

func tokenValue(tok json.Token) any {
	switch t := tok.(type) {
	case json.Number:
		v, _ := types.NumberToDynamic(string(t))
		return v
	case json.Delim:
		return nil
	}
	return tok
}

// laTable streams one Log Analytics table {name, columns, rows}.
func (p *producer) laTable(dec *json.Decoder, lc *lineCounter) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if err == nil {
			err = errors.New("tables element is not an object")
		}
		return err
	}
	var names []string
	var pendingRows []json.RawMessage
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		switch kt {
		case "columns":
			var cols []struct {
				Name       string `json:"name"`
				ColumnName string `json:"ColumnName"`
			}
			if err := dec.Decode(&cols); err != nil {
				return err
			}
			for _, c := range cols {
				n := c.Name
				if n == "" {
					n = c.ColumnName
				}
				names = append(names, n)
			}
		case "rows":
			if names == nil {
				if err := dec.Decode(&pendingRows); err != nil {
					return err
				}
				continue
			}
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				if err == nil {
					err = errors.New("rows is not an array")
				}
				return err
			}
			if err := p.array(dec, lc, names); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	for _, raw := range pendingRows {
		v, err := types.ParseJSONBytes(raw)
		if err != nil {
			return err
		}
		arr, _ := v.([]any)
		b := types.NewBag()
		for i, n := range names {
			if i < len(arr) {
				b.Set(n, arr[i])
			}
		}
		if e := p.add(rawRec{line: lc.lineAt(dec.InputOffset()), val: b}); e != nil {
			return e
		}
	}
	return nil
}

// csv reads a CSV export with a header row. A " [UTC]" (or any " [...]")
// suffix on a header is dropped.
func (p *producer) csv(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil
		}
		return p.readFailure(1, err)
	}
	for i, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		h = strings.TrimSpace(h)
		if j := strings.LastIndex(h, " ["); j > 0 && strings.HasSuffix(h, "]") {
			h = h[:j]
		}
		header[i] = h
	}
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return p.flush()
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if e := p.add(rawRec{it: &item{line: pe.StartLine, rej: "invalid CSV: " + pe.Err.Error()}}); e != nil {
					return e
				}
				continue
			}
			line, _ := cr.FieldPos(0)
			return p.readFailure(line, err)
		}
		line, _ := cr.FieldPos(0)
		if len(fields) != len(header) {
			if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
				continue
			}
			if e := p.add(rawRec{it: &item{line: line, rej: fmt.Sprintf("row has %d fields, header has %d", len(fields), len(header))}}); e != nil {
				return e
			}
			continue
		}
		rec := &record{keys: header, vals: make([]any, len(fields)), textual: true}
		for i, f := range fields {
			rec.vals[i] = f
		}
		if e := p.add(rawRec{line: line, rec: rec}); e != nil {
			return e
		}
	}
}

// xml cuts rendered events (<Event …>…</Event>) out of the content.
func (p *producer) xml(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var buf []byte
	line, bufLine := 1, 1
	endTag := []byte("</Event>")
	for {
		chunk, err := br.ReadSlice('>')
		buf = append(buf, chunk...)
		if bytes.HasSuffix(buf, endTag) {
			start := bytes.Index(buf, []byte("<Event"))
			if start < 0 {
				start = 0
			}
			evLine := bufLine + bytes.Count(buf[:start], []byte{'\n'})
			if e := p.add(rawRec{line: evLine, xml: append([]byte(nil), buf[start:]...)}); e != nil {
				return e
			}
			line = bufLine + bytes.Count(buf, []byte{'\n'})
			bufLine = line
			buf = buf[:0]
		}
		if len(buf) > p.st.set.opts.MaxRecordBytes {
			if e := p.add(rawRec{it: &item{line: bufLine, rej: fmt.Sprintf("event longer than %d bytes", p.st.set.opts.MaxRecordBytes)}}); e != nil {
				return e
			}
			bufLine += bytes.Count(buf, []byte{'\n'})
			buf = buf[:0]
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if len(bytes.TrimSpace(buf)) > 0 && bytes.Contains(buf, []byte("<Event")) {
				if e := p.add(rawRec{it: &item{line: bufLine, rej: "truncated XML event (no </Event>)"}}); e != nil {
					return e
				}
			}
			if err == io.EOF {
				return p.flush()
			}
			return p.readFailure(bufLine, err)
		}
	}
}
