package ingest

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// worker decodes units. Each worker goroutine has its own.
type worker struct {
	st       *scanState
	in       *input
	x        *expander
	builders map[string]*builder
	fast     *fastDecoder
	file     string
	li       lineIndex // scratch of the prefilter
	// Partial aggregation (source.Spec.Partial): rows go to sink, built in
	// scratch, at position upos|index (see rowPos).
	sink    source.PartialSink
	scratch types.Row
	upos    uint64 // the unit's position base
	div     int    // rows of the unit given to the sink so far
	fixed   int    // >= 0: the index of the rows being produced (the collector's mapped events)
}

func (st *scanState) newWorker(in *input) *worker {
	w := &worker{st: st, in: in, file: in.name, fixed: -1,
		x:        &expander{kind: in.kind, table: in.table, router: newRouter()},
		builders: map[string]*builder{}}
	if !st.set.noFast {
		w.fast = &fastDecoder{}
	}
	return w
}

// builder returns the row builder of a table: the scanned table's typed
// columns, or every column with CheckAll; nil when the table's records are
// only counted.
func (w *worker) builder(table string) *builder {
	if b, ok := w.builders[table]; ok {
		return b
	}
	var b *builder
	st := w.st
	if st.ty != nil && table == st.ty.tab.Name {
		b = newBuilder(st.ty, st.want)
	} else if st.set.opts.CheckAll {
		if ty, ok := typerFor(table); ok {
			b = newBuilder(ty, nil)
		}
	}
	w.builders[table] = b
	return b
}

func (w *worker) process(u *unit) *result {
	r := &result{u: u}
	w.upos, w.div = w.st.unitPos(u.seq), 0
	if u.data != nil {
		w.lines(u, r)
		return r
	}
	for i := range u.recs {
		w.raw(&u.recs[i], r)
	}
	return r
}

// lines decodes a chunk of complete lines.
func (w *worker) lines(u *unit, r *result) {
	if w.st.census && w.censusRouteLines(u, r) {
		return
	}
	data := u.data
	if w.st.prefilters(w.in) {
		w.prefiltered(u, r)
		return
	}
	if w.st.spec.Partial == nil {
		r.outs = make([]out, 0, len(data)/256+16)
	}
	eachRecord(data, u.firstLine, r, func(t []byte, line int) { w.decodeText(t, line, false, r) })
}

// prefilters reports whether the scan prefilters the lines of in.
func (st *scanState) prefilters(in *input) bool {
	return st.pf != nil && !in.serial && in.size > st.set.prefilterMin
}

// prefiltered decodes the lines of a chunk that may hold a term, and
// counts the others.
func (w *worker) prefiltered(u *unit, r *result) {
	data := u.data
	hits := w.st.pf.lineHits(data, &w.li)
	starts := w.li.starts
	for k, s := range starts {
		end := len(data)
		if k+1 < len(starts) {
			end = starts[k+1] - 1 // before the '\n'
		} else if end > s && data[end-1] == '\n' {
			end--
		}
		t := trimSpace(data[s:end])
		if len(t) == 0 {
			r.delta.blank++
			continue
		}
		r.delta.records++
		if !hits[k] {
			r.delta.skipped++
			continue
		}
		w.decodeText(t, u.firstLine+k, false, r)
	}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// decodeText decodes the JSON text of one record (or array of records).
func (w *worker) decodeText(t []byte, line int, allowArray bool, r *result) {
	// The fast path validates UTF-8 as it scans (scanString) and gives up
	// on invalid text, which the checks below then reject.
	if w.fast != nil && !allowArray && !w.in.serial {
		if w.fast.line(w, t, line, r) {
			return
		}
	}
	if !utf8.Valid(t) {
		bad := 0
		for bad < len(t) {
			rn, size := utf8.DecodeRune(t[bad:])
			if rn == utf8.RuneError && size <= 1 {
				break
			}
			bad += size
		}
		w.rejectRaw(line, "invalid UTF-8 at byte "+itoa(bad+1), t, r)
		return
	}
	v, err := types.ParseJSONBytes(t)
	if err != nil {
		w.rejectRaw(line, jsonReason(err, t), t, r)
		return
	}
	w.x.out = w.x.out[:0]
	w.x.value(v, line, allowArray)
	w.items(w.x.out, t, r)
}

func itoa(n int) string { return strconv.Itoa(n) }

// jsonReason explains why text is not JSON.
func jsonReason(err error, t []byte) string {
	if bytes.IndexByte(t, 0) >= 0 {
		return "NUL byte in record: " + err.Error()
	}
	msg := err.Error()
	if msg == "unexpected EOF" {
		return "truncated JSON (unexpected end of record)"
	}
	return "invalid JSON: " + msg
}

func (w *worker) rejectRaw(line int, reason string, raw []byte, r *result) {
	w.addRej(Rejection{File: w.file, Line: line, Reason: reason, Raw: rawText(raw)}, r)
}

func (w *worker) addRej(rej Rejection, r *result) {
	r.outs = append(r.outs, out{rej: &rej})
}

func rawText(b []byte) string {
	if len(b) > 4096 {
		b = b[:4096]
	}
	return string(b)
}

// raw decodes one pre-split record.
func (w *worker) raw(rr *rawRec, r *result) {
	switch {
	case rr.it != nil:
		w.items([]item{*rr.it}, nil, r)
	case rr.text != nil:
		r.delta.records++
		w.decodeText(rr.text, rr.line, rr.arr, r)
	case rr.val != nil:
		r.delta.records++
		w.x.out = w.x.out[:0]
		w.x.value(rr.val, rr.line, rr.arr)
		w.items(w.x.out, nil, r)
	case rr.rec != nil:
		r.delta.records++
		w.x.out = w.x.out[:0]
		w.x.flatRecord(rr.rec, rr.line)
		w.items(w.x.out, nil, r)
	case rr.xml != nil:
		r.delta.records++
		ev, err := parseXMLEvent(rr.xml)
		if err != nil {
			w.rejectRaw(rr.line, err.Error(), rr.xml, r)
			return
		}
		ev.line = rr.line
		w.addSys(ev, r)
	case rr.ev != nil:
		r.delta.records++
		w.addSys(rr.ev, r)
	case rr.evtx != nil:
		w.evtxChunk(rr.evtx, r)
	}
}

// items turns decoded items into outputs.
func (w *worker) items(its []item, raw []byte, r *result) {
	for _, it := range its {
		switch {
		case it.rej != "":
			w.addRej(Rejection{File: w.file, Line: it.line, Table: it.table, Reason: it.rej, Raw: rawText(raw)}, r)
		case it.why != "":
			r.delta.unroute(it.why)
		case it.sys != nil:
			w.addSys(it.sys, r)
		case it.rec != nil:
			w.record(it.rec, it.line, &r.delta, &r.outs)
		}
	}
}

// record types one routed record and keeps its row when it belongs to the
// scanned table and passes the time range and filter.
func (w *worker) record(rec *record, line int, d *delta, outs *[]out) {
	ts := d.table(rec.table)
	ts.Records++
	b := w.builder(rec.table)
	if b == nil {
		return
	}
	ts.Typed = true
	unknown := func(k string) {
		if ts.UnknownKeys == nil {
			ts.UnknownKeys = map[string]int64{}
		}
		ts.UnknownKeys[k]++
	}
	b.fill(rec, unknown)
	w.finishRow(b, rec.table, line, ts, outs)
}

// finishRow records a built row's rejections and time, and outputs it.
func (w *worker) finishRow(b *builder, table string, line int, ts *TableSummary, outs *[]out) {
	ts.Rows++
	for _, rj := range b.rej {
		rj.File, rj.Line, rj.Table = w.file, line, table
		rj2 := rj
		*outs = append(*outs, out{rej: &rj2})
	}
	ticks, hasTime := b.timeTicks()
	if hasTime {
		ts.addTime(ticks)
	}
	st := w.st
	if st.ty == nil || table != st.ty.tab.Name {
		return
	}
	if st.spec.HasTimeRange && hasTime && (ticks < st.spec.MinTicks || ticks > st.spec.MaxTicks) {
		return
	}
	if st.spec.Partial != nil {
		w.partialRow(b, len(*outs))
		return
	}
	row := make(types.Row, len(st.proj))
	if !st.project(row, b) {
		return
	}
	*outs = append(*outs, out{row: row})
}

// project fills row with the spec's columns of the builder's row and
// reports whether it passes the spec's filter.
func (st *scanState) project(row types.Row, b *builder) bool {
	for i, j := range st.proj {
		if j >= 0 {
			row[i] = b.vals[j]
		} else {
			row[i] = types.Null(st.spec.Types[i])
		}
	}
	return st.spec.Filter == nil || st.spec.Filter(row)
}

// addSys outputs a Windows event for the collector to map, with the index
// its row takes in the unit's order.
func (w *worker) addSys(ev *sysEvent, r *result) {
	r.outs = append(r.outs, out{sys: ev, ord: len(r.outs) + w.div})
}

// partialRow hands the builder's row to the worker's partial sink; nOuts is
// the number of outputs of the unit so far.
func (w *worker) partialRow(b *builder, nOuts int) {
	st := w.st
	row := w.scratch
	if row == nil {
		row = make(types.Row, len(st.proj))
		w.scratch = row
	}
	if !st.project(row, b) {
		return
	}
	idx := w.fixed
	if idx < 0 {
		// the index the row would have among the unit's outputs
		idx = nOuts + w.div
		w.div++
	}
	if w.sink == nil {
		w.sink = st.spec.Partial()
	}
	w.sink.Add(w.upos|uint64(idx), row)
}

// mapSys maps one Windows event (on the collector's goroutine).
func (w *worker) mapSys(m *sysmonMapper, ev *sysEvent, d *delta, outs *[]out) {
	rec, why := m.mapEvent(ev)
	if rec == nil {
		d.unroute(why)
		return
	}
	ts := d.table(rec.table)
	ts.Records++
	b := w.builder(rec.table)
	if b == nil {
		return
	}
	ts.Typed = true
	b.fill(rec, nil)
	w.finishRow(b, rec.table, ev.line, ts, outs)
}

// eachRecord calls fn with each non-blank line of data (without its
// surrounding space) and its line number, counting from first; it counts
// blank lines and records in r.
func eachRecord(data []byte, first int, r *result, fn func(t []byte, line int)) {
	line := first
	for len(data) > 0 {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		cur := line
		line++
		t := trimSpace(l)
		if len(t) == 0 {
			if data != nil || len(l) > 0 {
				r.delta.blank++
			}
			continue
		}
		r.delta.records++
		fn(t, cur)
	}
}
