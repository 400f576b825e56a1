package ingest

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
)

// MaxExamples is how many rejections (and unrouted records) a summary keeps
// as examples per file and table.
const MaxExamples = 5

// Rejection is one rejected record or field.
type Rejection struct {
	// File is the input name (an archive member is "archive.zip!member").
	File string
	// Line is the 1-based line of the record's first byte in the
	// (decompressed) input; for EVTX it is the event record number.
	Line int
	// Table is the table the record was routed to ("" when unknown).
	Table string
	// Column is the rejected field's column for a field rejection, "" for a
	// record rejection.
	Column string
	// Reason says what was wrong.
	Reason string
	// Raw is the record's raw text (truncated to 4 KiB) when known.
	Raw string
}

// IsField reports whether r rejects one field (the record was kept).
func (r Rejection) IsField() bool { return r.Column != "" }

// String renders file:line:reason or file:line:column:reason.
func (r Rejection) String() string {
	if r.Column != "" {
		return fmt.Sprintf("%s:%d:%s:%s", r.File, r.Line, r.Column, r.Reason)
	}
	return fmt.Sprintf("%s:%d:%s", r.File, r.Line, r.Reason)
}

// TableSummary counts one table's records in one input file.
type TableSummary struct {
	// Records is the number of records routed to the table and decoded.
	Records int64
	// Rows is the number of rows produced (before any query filter).
	Rows int64
	// Rejected is the number of field rejections among the rows (record
	// rejections whose table is known are counted in RejectedRecords).
	FieldRejects int64
	// RejectedRecords counts records routed to this table that could not
	// become a row.
	RejectedRecords int64
	// Examples are the first MaxExamples rejections.
	Examples []Rejection
	// MinTicks and MaxTicks are the time range of the table's time column
	// over the rows (HasTime false when no row had a time).
	MinTicks, MaxTicks int64
	HasTime            bool
	// UnknownKeys counts record keys that are not columns of the table
	// (informational; counted when the table is typed).
	UnknownKeys map[string]int64
	// Typed is true when a scan of this table typed the records (rows,
	// field rejections and time range are known); false when the table's
	// records were only counted while another table was scanned.
	Typed bool
}

// FileSummary describes one input file.
type FileSummary struct {
	// File is the input name.
	File string
	// Format is the detected (or forced) format, e.g. "gzip+blob".
	Format string
	// Records is the number of records read, including records skipped
	// by a prefilter without decoding.
	Records int64
	// Skipped counts records not decoded because a scan's prefilter
	// proved they could not match; their rejections are not known.
	Skipped int64
	// Blank counts blank lines (informational, not rejections).
	Blank int64
	// Rejected counts record rejections (records that produced no row).
	Rejected int64
	// Examples are the first MaxExamples record rejections.
	Examples []Rejection
	// Unrouted counts records that belong to no supported table (for
	// example Security events or Sysmon event types without a mapping),
	// by reason.
	Unrouted map[string]int64
	// UnknownKeys counts record keys that are not columns of the record's
	// table (informational), by key, over the typed tables.
	UnknownKeys map[string]int64
	// Tables holds per-table counts.
	Tables map[string]*TableSummary
	// Err is a read error that stopped the file early ("" if none).
	Err string
}

// Summary is the run summary over all inputs.
type Summary struct {
	Files []*FileSummary
}

// TotalRejections is the number of record and field rejections.
func (s *Summary) TotalRejections() int64 {
	var n int64
	for _, f := range s.Files {
		n += f.Rejected
		for _, t := range f.Tables {
			n += t.FieldRejects
		}
	}
	return n
}

// TableNames returns the tables with records, sorted.
func (f *FileSummary) TableNames() []string {
	var out []string
	for k := range f.Tables {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func newFileSummary(file, format string) *FileSummary {
	return &FileSummary{File: file, Format: format, Unrouted: map[string]int64{},
		UnknownKeys: map[string]int64{}, Tables: map[string]*TableSummary{}}
}

func (f *FileSummary) table(name string) *TableSummary {
	t := f.Tables[name]
	if t == nil {
		t = &TableSummary{}
		f.Tables[name] = t
	}
	return t
}

func (f *FileSummary) addReject(r Rejection) {
	if r.Column != "" {
		t := f.table(r.Table)
		t.FieldRejects++
		if len(t.Examples) < MaxExamples {
			t.Examples = append(t.Examples, r)
		}
		return
	}
	f.Rejected++
	if len(f.Examples) < MaxExamples {
		f.Examples = append(f.Examples, r)
	}
	if r.Table != "" {
		t := f.table(r.Table)
		t.RejectedRecords++
		if len(t.Examples) < MaxExamples {
			t.Examples = append(t.Examples, r)
		}
	}
}

func (t *TableSummary) addTime(ticks int64) {
	if !t.HasTime {
		t.MinTicks, t.MaxTicks, t.HasTime = ticks, ticks, true
		return
	}
	if ticks < t.MinTicks {
		t.MinTicks = ticks
	}
	if ticks > t.MaxTicks {
		t.MaxTicks = ticks
	}
}

// summaryStore keeps each file's summary: the census's counts (records,
// blank lines, record rejections, unrouted records, per-table records),
// which do not depend on the scans, and per table the typing results (field
// rejections, time range, unknown keys) of the scan that typed the most of
// its rows.
type summaryStore struct {
	mu    sync.Mutex
	files map[string]*fileEntry
	// named: inputs that took a sample census (census.go), by name, and
	// the table their file name names.
	named map[string]string
	order []string
}

type fileEntry struct {
	base    *FileSummary             // the census summary (or the only one)
	typed   map[string]*TableSummary // per table, the best typed summary
	skipped int64                    // the most records one scan skipped
}

// markNamed records that input name took a sample census and that its
// flat records belong to table.
func (s *summaryStore) markNamed(name, table string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.named == nil {
		s.named = map[string]string{}
	}
	s.named[name] = table
}

// attributeNamed counts, for an input that took only a sample census,
// every record not otherwise accounted for (rejected, unrouted, or routed
// to another table by its own envelope) under the table its file name
// names — where routing would have sent each of them — so that records
// the prefilter skipped without decoding are not missing from the table's
// count. Rows then equal records, as after a full census.
func attributeNamed(f *FileSummary, table string) {
	rest := f.Records - f.Rejected
	for _, n := range f.Unrouted {
		rest -= n
	}
	for name, t := range f.Tables {
		if name != table {
			rest -= t.Records
		}
	}
	t := f.Tables[table]
	if t == nil {
		t = &TableSummary{}
		f.Tables[table] = t
	}
	if rest > t.Records {
		t.Records, t.Rows = rest, rest
	}
}

// offer takes the summary of one read of an input: the census's (census
// set) or a scan's.
func (s *summaryStore) offer(fs *FileSummary, census bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string]*fileEntry{}
	}
	e, ok := s.files[fs.File]
	if !ok {
		e = &fileEntry{typed: map[string]*TableSummary{}}
		s.files[fs.File] = e
		s.order = append(s.order, fs.File)
	}
	if census || e.base == nil {
		e.base = fs
	}
	if !census {
		e.skipped = max(e.skipped, fs.Skipped)
	}
	for name, t := range fs.Tables {
		if !t.Typed {
			continue
		}
		if b := e.typed[name]; b == nil || t.Rows > b.Rows {
			e.typed[name] = t
		}
	}
}

func (s *summaryStore) snapshot() *Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &Summary{}
	for _, name := range s.order {
		e := s.files[name]
		f := *e.base
		f.Skipped = e.skipped
		f.Unrouted = maps.Clone(e.base.Unrouted)
		f.Examples = slices.Clone(e.base.Examples)
		f.Tables = map[string]*TableSummary{}
		for tn, bt := range e.base.Tables {
			t := *bt
			t.Examples = slices.Clone(bt.Examples)
			t.UnknownKeys = maps.Clone(bt.UnknownKeys)
			// Every record routed to a table becomes one row.
			t.Rows = t.Records
			if typed := e.typed[tn]; typed != nil && typed != bt {
				t.Typed = true
				t.FieldRejects = typed.FieldRejects
				for _, ex := range typed.Examples {
					if ex.IsField() && len(t.Examples) < MaxExamples {
						t.Examples = append(t.Examples, ex)
					}
				}
				t.MinTicks, t.MaxTicks, t.HasTime = typed.MinTicks, typed.MaxTicks, typed.HasTime
				t.UnknownKeys = maps.Clone(typed.UnknownKeys)
			}
			f.Tables[tn] = &t
		}
		if tn := s.named[name]; tn != "" {
			attributeNamed(&f, tn)
		}
		f.UnknownKeys = map[string]int64{}
		for _, t := range f.Tables {
			for k, n := range t.UnknownKeys {
				f.UnknownKeys[k] += n
			}
		}
		out.Files = append(out.Files, &f)
	}
	return out
}
