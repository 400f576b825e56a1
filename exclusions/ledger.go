package exclusions

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"sync"
)

// LedgerEntry is one suppressed event: which rule would have seen it, which
// exclusions removed it, and enough of the event to find it again.
type LedgerEntry struct {
	Rule     string `json:"rule"`
	RuleName string `json:"rule_name,omitempty"`
	// Exclusions are the ids of every exclusion that matched the event,
	// sorted.
	Exclusions []string `json:"exclusions"`
	Table      string   `json:"table,omitempty"`
	// ReportID, DeviceName and Timestamp identify the event; Timestamp is in
	// the engine's datetime text (2024-01-02T03:04:05.1234567Z) and ReportID
	// as Kusto renders the column (a long, in decimal, for Defender).
	ReportID   string `json:"ReportId,omitempty"`
	DeviceName string `json:"DeviceName,omitempty"`
	Timestamp  string `json:"Timestamp,omitempty"`
	// Columns holds the event's key columns (see LedgerColumns), by name.
	Columns map[string]any `json:"columns,omitempty"`
}

// LedgerWriter writes LedgerEntry values as JSON lines. It is safe for
// concurrent use; call Flush when done.
type LedgerWriter struct {
	mu  sync.Mutex
	w   *bufio.Writer
	enc *json.Encoder
	n   int
}

// NewLedgerWriter returns a writer of JSON lines to w.
func NewLedgerWriter(w io.Writer) *LedgerWriter {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &LedgerWriter{w: bw, enc: enc}
}

// Write writes one entry as one line. Its exclusions are sorted first; an
// entry without a rule or without exclusions is refused.
func (l *LedgerWriter) Write(e LedgerEntry) error {
	if e.Rule == "" {
		return errors.New("ledger entry without a rule id")
	}
	if len(e.Exclusions) == 0 {
		return errors.New("ledger entry for rule " + e.Rule + " names no exclusion")
	}
	e.Exclusions = append([]string(nil), e.Exclusions...)
	sort.Strings(e.Exclusions)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.enc.Encode(e); err != nil {
		return err
	}
	l.n++
	return nil
}

// Count is the number of entries written so far.
func (l *LedgerWriter) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// Flush writes buffered entries to the underlying writer.
func (l *LedgerWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Flush()
}

// identityColumns are written as the entry's own fields, not in Columns.
var identityColumns = map[string]bool{"ReportId": true, "DeviceName": true, "Timestamp": true}

// LedgerColumns lists, sorted, the key columns to record for a suppressed
// event of table: the columns behind the table's aliases that the schema
// has (what a reviewer needs to judge the exclusion) plus every column the
// given compiled exclusions read, minus ReportId, DeviceName and Timestamp
// (which LedgerEntry holds itself) and dynamic columns.
func LedgerColumns(table string, sch Schema, compiled ...*Compiled) []string {
	set := map[string]bool{}
	for _, fa := range FieldAliases(table) {
		set[fa.Column] = true
	}
	for _, c := range compiled {
		for _, col := range c.Columns {
			set[col] = true
		}
	}
	var out []string
	for col := range set {
		typ, ok := sch.ColumnType(table, col)
		if !ok || typ == "dynamic" || identityColumns[col] {
			continue
		}
		out = append(out, col)
	}
	sort.Strings(out)
	return out
}
