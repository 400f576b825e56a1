package ingest

import (
	"context"
	"runtime"
	"sync"
)

// The census is one full pass over every input at Open. It learns exactly
// which tables each input holds, so that a Scan of table T reads only the
// inputs that hold T, and it gives the summary its exact per-file and
// per-table record counts and record rejections, whatever tables the
// scans later read (see docs/ingest.md, "Routing and the census").
//
// JSON lines (flat records and Streaming API records) are routed without
// decoding values: a validating scan splits each line into key and raw
// value spans, and the table comes from the Streaming API category, the
// file name, or the keys (the record's Type, ActionType and non-empty
// columns, as router.routeFlat decides). A line the light path cannot
// decide exactly as the reference decoder would (invalid JSON or UTF-8, an
// escaped or duplicate key, a Windows event, an envelope of several
// records, a number out of range, which the validating scan rejects) goes
// through the reference decoder. The other formats (CSV, JSON documents,
// EVTX, XML, Windows events in JSON) go through the reference pipeline
// with no column typed. With
// Options.CheckAll the census types every column of every table instead,
// so that every field rejection is known.

// censusRouteLines routes the lines of a chunk in a census without
// decoding values. It returns false when the chunk must take the reference
// path (CheckAll, Windows events, or Set.refCensus in tests).
func (w *worker) censusRouteLines(u *unit, r *result) bool {
	set := w.st.set
	if set.opts.CheckAll || w.in.serial || set.refCensus {
		return false
	}
	c := censusPool.Get().(*censusScratch)
	defer censusPool.Put(c)
	eachRecord(u.data, u.firstLine, r, func(t []byte, line int) {
		if !c.route(w, t, r) {
			w.decodeText(t, line, false, r)
		}
	})
	return true
}

// censusScratch is one census worker's scratch space.
type censusScratch struct {
	top  []span
	lay  keyLayout
	vals []any
	rec  record
}

var censusPool = sync.Pool{New: func() any { return &censusScratch{} }}

// route counts one JSON line under its table (or as unrouted). It returns
// false when the reference decoder must decide.
func (c *censusScratch) route(w *worker, t []byte, r *result) bool {
	// object validates UTF-8 as it scans (see scanString): a line it
	// splits needs no separate check.
	var ok bool
	c.top, ok = object(t, c.top, c.lay.hint())
	if !ok || !c.lay.check(c.top) || c.lay.fallback {
		return false
	}
	lay := &c.lay
	kind := w.x.kind
	if lay.envelope(kind) {
		cat, props := c.top[lay.cat].val, c.top[lay.props].val
		if cat[0] != '"' || props[0] != '{' {
			return false
		}
		table, why := tableFromCategory(unquote(cat))
		if why != "" {
			r.delta.unroute(why)
			return true
		}
		r.delta.table(table).Records++
		return true
	}
	if kind == kindStream {
		return false
	}
	table := w.x.table
	if table == "" {
		table = c.routeFlat(w)
	}
	if table == "" {
		r.delta.unroute(whyNoTable)
		return true
	}
	r.delta.table(table).Records++
	return true
}

// routeFlat routes a flat record from its spans: the values routing reads
// (Type, ActionType) are decoded, every other value only marked empty or
// not, and router.routeFlat decides as it does for decoded records.
func (c *censusScratch) routeFlat(w *worker) string {
	c.vals = c.vals[:0]
	for i, s := range c.top {
		v := s.val
		var x any
		switch {
		case v[0] == 'n':
			x = nil
		case len(v) == 2 && v[0] == '"':
			x = ""
		case v[0] == '"' && (c.lay.keys[i] == "Type" || c.lay.keys[i] == "ActionType"):
			x = unquote(v)
		default:
			x = true // a non-empty value routing does not read
		}
		c.vals = append(c.vals, x)
	}
	c.rec = record{keys: c.lay.keys, vals: c.vals}
	return w.x.router.routeFlat(&c.rec)
}

// census reads every input once (see the comment at the top of this
// file): each input's tables become exact, and the summary gets its
// record counts.
func (s *Set) census() error {
	workers := runtime.NumCPU()
	// The census reads whole inputs: it reports progress like a scan (a
	// first pass over the inputs, for the CLI's progress line).
	prog := newProgress(s)
	defer prog.tick(true)
	for _, in := range s.inputs {
		if s.sampleCensus(in, workers) {
			continue
		}
		st := &scanState{set: s, census: true, prog: prog}
		in.tables = map[string]bool{}
		fs, err := st.scanInput(context.Background(), in, nil, workers)
		if err != nil {
			return err
		}
		in.noteTables(fs)
		in.complete = true
		// An input whose every routed record went to one table, with no
		// flat record left unrouted, routes its flat records to that table
		// from now on: the same answer as routing each record by its keys,
		// and the scans can then take the fast path.
		if in.table == "" && !in.serial && len(in.tables) == 1 && fs.Unrouted[whyNoTable] == 0 {
			for name := range in.tables {
				in.table = name
			}
		}
	}
	return nil
}

// sampleCensus takes only a sample census of a big flat JSON-lines or CSV
// input whose file name (or --table) names its table, and reports whether
// it did. Every flat record of such an input goes to the named table, so a
// full census would only re-read the file to count lines that the scans
// count anyway, doubling the cost of a selective query. The input stays
// incomplete: a scan of any table still reads it, so a record of another
// table (a Streaming API envelope in a renamed file) is never lost, and
// its summary counts come from the scans (records the prefilter did not
// decode are reported as skipped). --strict (CheckAll) always takes the
// full census.
func (s *Set) sampleCensus(in *input, workers int) bool {
	if s.opts.CheckAll || s.refCensus || in.table == "" || in.serial || in.size <= s.prefilterMin ||
		(in.format != FormatJSONL && in.format != FormatCSV) {
		return false
	}
	st := &scanState{set: s, census: true, limited: true}
	in.tables = map[string]bool{}
	fs, err := st.scanInput(context.Background(), in, nil, workers)
	if err != nil {
		return false // the full census reports it
	}
	in.noteTables(fs)
	in.complete = false
	s.sums.markNamed(in.name, in.table)
	return true
}

// noteTables records the tables a read of the input routed records to.
func (in *input) noteTables(fs *FileSummary) {
	for name, t := range fs.Tables {
		if t.Records > 0 {
			in.tables[name] = true
		}
	}
}
