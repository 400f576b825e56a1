package ingest

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"runtime"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/source"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// rawRec is one record as a container reader found it, not yet decoded.
type rawRec struct {
	line int
	text []byte     // JSON text of one value
	val  any        // an already decoded JSON value
	rec  *record    // an already split flat record (CSV)
	xml  []byte     // one rendered <Event> element
	ev   *sysEvent  // an already normalised event
	it   *item      // a ready item (a reader-level rejection)
	arr  bool       // text/val may be an array of records
	evtx *evtxChunk // a chunk of an EVTX file
}

// unit is a batch of one file's input handed to a worker.
type unit struct {
	seq       int
	in        *input
	data      []byte // complete lines
	firstLine int
	recs      []rawRec
}

// out is one result of a worker, kept in input order.
type out struct {
	row types.Row
	sys *sysEvent
	rej *Rejection
	ord int // sys: the index of its row in the unit's order (partial aggregation)
}

// delta is the summary counts of one unit.
type delta struct {
	records, skipped, blank int64
	tables                  map[string]*TableSummary
	unrouted                map[string]int64
}

func (d *delta) table(name string) *TableSummary {
	if d.tables == nil {
		d.tables = map[string]*TableSummary{}
	}
	t := d.tables[name]
	if t == nil {
		t = &TableSummary{}
		d.tables[name] = t
	}
	return t
}

// unroute counts a record that belongs to no table.
func (d *delta) unroute(why string) {
	if d.unrouted == nil {
		d.unrouted = map[string]int64{}
	}
	d.unrouted[why]++
}

type result struct {
	u     *unit
	outs  []out
	delta delta
	// Units a worker read itself (parread.go) number their lines from 1:
	// lines is how many lines the unit holds, and readErr ends the input.
	lines   int
	readErr error
}

// shiftLines adds by to the line numbers of a unit's outputs.
func (r *result) shiftLines(by int) {
	if by == 0 {
		return
	}
	for i := range r.outs {
		o := &r.outs[i]
		if o.rej != nil {
			o.rej.Line += by
		}
		if o.sys != nil {
			o.sys.line += by
		}
	}
}

// scanState is one scan's shared, read-only configuration.
type scanState struct {
	set     *Set
	spec    source.Spec
	census  bool // routing and counting only; no rows
	limited bool // a sample: rejections are not reported
	pf      *prefilter
	prog    *progress // nil unless Options.Progress is set (never in a sample census)
	ty      *typer    // spec.Table's typer (nil in a census)
	want    []bool    // spec.Table's columns to type
	proj    []int     // spec column → table column
	// units is the number of units of the inputs scanned before the
	// current one (positions of partial aggregation).
	units uint64
}

// unitPos is the position base of the rows of unit seq of the current
// input: rows are numbered by unit over the whole scan, then by index.
func (st *scanState) unitPos(seq int) uint64 { return (st.units + uint64(seq)) << 32 }

// HasTable implements source.Source. It is exact for inputs that were read
// whole (small inputs at Open, every input after a scan); a large input not
// yet scanned that can hold any table answers true.
func (s *Set) HasTable(name string) bool {
	for _, in := range s.inputs {
		if in.tables[name] {
			return true
		}
		if !in.complete {
			return true
		}
	}
	return false
}

// Summary returns the run summary: per input, the counts of the scan that
// decoded the most of it.
func (s *Set) Summary() *Summary { return s.sums.snapshot() }

// Inputs returns the display names of the inputs and their detected
// formats, in reading order.
func (s *Set) Inputs() (names []string, formats []string) {
	for _, in := range s.inputs {
		names = append(names, in.name)
		formats = append(formats, in.formatName())
	}
	return
}

// Scan implements source.Source: it streams the rows of spec.Table, with
// exactly spec.Columns in order, in input order.
func (s *Set) Scan(ctx context.Context, spec source.Spec, emit source.Emit) error {
	st := &scanState{set: s, spec: spec}
	ty, ok := typerFor(spec.Table)
	if !ok {
		return fmt.Errorf("unknown table %s", spec.Table)
	}
	st.ty = ty
	st.want = make([]bool, len(ty.types))
	st.proj = make([]int, len(spec.Columns))
	for i, c := range spec.Columns {
		st.proj[i] = -1
		if ref, ok := ty.index[c]; ok && ref.prio >= prioAlias {
			if col, _, ok := ty.tab.Resolve(c); ok {
				st.proj[i] = ty.tab.Index(col.Name)
				st.want[st.proj[i]] = true
			}
		}
	}
	if ty.timeIdx >= 0 {
		st.want[ty.timeIdx] = true
	}
	if s.opts.CheckAll {
		for i := range st.want {
			st.want[i] = true
		}
	}
	st.pf = newPrefilter(spec.AnyTerms)
	st.prog = newProgress(s)
	defer st.prog.tick(true)
	workers := spec.Workers
	if workers <= 0 {
		workers = 1
	}
	if workers > 4*runtime.NumCPU() {
		workers = 4 * runtime.NumCPU()
	}
	for _, in := range s.inputs {
		if in.complete && !in.tables[spec.Table] {
			continue
		}
		fs, err := st.scanInput(ctx, in, emit, workers)
		if err != nil {
			return err
		}
		in.noteTables(fs)
	}
	return nil
}

// scanInput reads one input through the worker pipeline.
func (st *scanState) scanInput(ctx context.Context, in *input, emit source.Emit, workers int) (*FileSummary, error) {
	if st.parallelOK(in) {
		return st.scanParallel(ctx, in, emit, workers)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fs := newFileSummary(in.name, in.formatName())
	units := make(chan *unit, workers)
	results := make(chan *result, workers)
	var readErr error
	var wg sync.WaitGroup
	// Bound the units in flight so memory does not grow with the input.
	slots := make(chan struct{}, 2*workers+2)
	go func() {
		defer close(units)
		readErr = st.read(ctx, in, func(u *unit) bool {
			if u.data != nil && st.prefilters(in) {
				st.pf.prepare(u.data) // the first chunk, before any worker has one
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			select {
			case units <- u:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := st.newWorker(in)
			for u := range units {
				r := wk.process(u)
				if u.data != nil {
					putChunk(u.data)
					u.data = nil
				}
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	col := st.newCollector(in, fs, emit)
	ord := reorder{pending: map[int]*result{}}
	var firstErr error
	ord.drain(results, slots, func(p *result) bool {
		if err := col.merge(p); err != nil {
			firstErr = err
			cancel()
			return false
		}
		return true
	})
	st.units += uint64(ord.next)
	return st.finishInput(ctx, fs, col, firstErr, readErr)
}

// reorder hands the results of an input's units, which arrive in any
// order, on in sequence order.
type reorder struct {
	pending map[int]*result // arrived before the results ahead of them
	next    int             // the sequence number of the next result
}

// add takes one result and hands merge the results it makes ready, in
// order, until merge returns false.
func (o *reorder) add(r *result, merge func(*result) bool) {
	o.pending[r.u.seq] = r
	for {
		p, ok := o.pending[o.next]
		if !ok {
			return
		}
		delete(o.pending, o.next)
		o.next++
		if !merge(p) {
			return
		}
	}
}

// drain receives every result, hands them to merge in sequence order, and
// frees a slot for each: when merged, or as it arrives once merge has
// returned false (the input stops; the rest are dropped).
func (o *reorder) drain(results <-chan *result, slots <-chan struct{}, merge func(*result) bool) {
	stopped := false
	for r := range results {
		if stopped {
			<-slots
			continue
		}
		o.add(r, func(p *result) bool {
			<-slots // a slot covers a unit until it is merged
			stopped = !merge(p)
			return !stopped
		})
	}
}

// finishInput completes the summary of an input once its units are merged.
func (st *scanState) finishInput(ctx context.Context, fs *FileSummary, col *collector, firstErr, readErr error) (*FileSummary, error) {
	if firstErr == nil {
		firstErr = col.flush()
	}
	if firstErr != nil {
		if errors.Is(firstErr, errStop) {
			firstErr = nil
		}
		return fs, firstErr
	}
	if err := ctx.Err(); err != nil {
		return fs, err
	}
	if st.limited {
		return fs, nil // a sample: its summary is not reported
	}
	if readErr != nil {
		fs.Err = readErr.Error()
	}
	st.set.sums.offer(fs, st.census)
	return fs, nil
}

var errStop = errors.New("stop")

// ---- collector: in-order merge, Sysmon mapping, emit ----

type collector struct {
	st    *scanState
	in    *input
	fs    *FileSummary
	emit  source.Emit
	batch []types.Row
	sm    *sysmonMapper
	wk    *worker
}

func (st *scanState) newCollector(in *input, fs *FileSummary, emit source.Emit) *collector {
	return &collector{st: st, in: in, fs: fs, emit: emit, sm: newSysmonMapper(), wk: st.newWorker(in)}
}

const batchRows = 1024

func (c *collector) merge(r *result) error {
	fs := c.fs
	d := &r.delta
	fs.Records += d.records
	if p := c.st.prog; p != nil {
		p.records += d.records
		p.tick(false)
	}
	fs.Skipped += d.skipped
	fs.Blank += d.blank
	for k, v := range d.unrouted {
		fs.Unrouted[k] += v
	}
	for name, t := range d.tables {
		c.mergeTable(name, t)
	}
	for _, o := range r.outs {
		switch {
		case o.rej != nil:
			c.reject(*o.rej)
		case o.sys != nil:
			var od delta
			var outs []out
			c.wk.upos, c.wk.fixed = c.st.unitPos(r.u.seq), o.ord
			c.wk.mapSys(c.sm, o.sys, &od, &outs)
			for name, t := range od.tables {
				c.mergeTable(name, t)
			}
			for k, v := range od.unrouted {
				fs.Unrouted[k] += v
			}
			for _, o2 := range outs {
				if o2.rej != nil {
					c.reject(*o2.rej)
				} else if o2.row != nil {
					if err := c.add(o2.row); err != nil {
						return err
					}
				}
			}
		case o.row != nil:
			if err := c.add(o.row); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *collector) mergeTable(name string, t *TableSummary) {
	ft := c.fs.table(name)
	ft.Records += t.Records
	ft.Rows += t.Rows
	ft.Typed = ft.Typed || t.Typed
	for k, v := range t.UnknownKeys {
		if ft.UnknownKeys == nil {
			ft.UnknownKeys = map[string]int64{}
		}
		ft.UnknownKeys[k] += v
	}
	if t.HasTime {
		ft.addTime(t.MinTicks)
		ft.addTime(t.MaxTicks)
	}
}

func (c *collector) reject(r Rejection) {
	if c.st.limited {
		return
	}
	c.fs.addReject(r)
	if f := c.st.set.opts.OnReject; f != nil && c.st.set.seen.first(r) {
		f(r)
	}
}

func (c *collector) add(row types.Row) error {
	if c.emit == nil {
		return nil
	}
	c.batch = append(c.batch, row)
	if len(c.batch) >= batchRows {
		return c.flush()
	}
	return nil
}

func (c *collector) flush() error {
	if len(c.batch) == 0 || c.emit == nil {
		return nil
	}
	b := c.batch
	c.batch = nil
	return c.emit(b)
}

var dedupSeed = maphash.MakeSeed()

// first reports whether r is reported for the first time.
func (d *rejectDedup) first(r Rejection) bool {
	var h maphash.Hash
	h.SetSeed(dedupSeed)
	h.WriteString(r.File)
	h.WriteByte(0)
	fmt.Fprint(&h, r.Line)
	h.WriteByte(0)
	h.WriteString(r.Column)
	h.WriteByte(0)
	h.WriteString(r.Reason)
	k := h.Sum64()
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[k]; ok {
		return false
	}
	d.seen[k] = struct{}{}
	return true
}
