package ingest

import (
	"fmt"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// item is what decoding one record yields: a record for a table, a Windows
// event to map (in order, on one goroutine), an unrouted record, or a
// record rejection.
type item struct {
	line  int
	rec   *record
	sys   *sysEvent
	why   string // unrouted: the reason no table holds the record
	rej   string // record rejection reason
	table string // table of a rejected record, when known
}

// recordKind restricts how records are interpreted.
type recordKind uint8

const (
	kindAuto   recordKind = iota // recognise every shape
	kindStream                   // Streaming API envelopes only
	kindFlat                     // flat records only (no envelopes, no events)
)

// expander turns decoded JSON values into items. One per worker.
type expander struct {
	kind   recordKind
	table  string // Options.Table or the table named by the file name
	router *router
	out    []item
}

func (x *expander) emit(it item) { x.out = append(x.out, it) }

func (x *expander) reject(line int, reason string) {
	x.emit(item{line: line, rej: reason})
}

// value expands one top-level value. inArray is true for elements of a
// top-level JSON array (a document of records).
func (x *expander) value(v any, line int, allowArray bool) {
	switch t := v.(type) {
	case *types.Bag:
		x.object(t, line)
	case []any:
		if !allowArray {
			x.reject(line, "JSON array where an object belongs")
			return
		}
		for _, e := range t {
			if b, ok := e.(*types.Bag); ok {
				x.object(b, line)
			} else {
				x.reject(line, fmt.Sprintf("array element is %s, not an object", describe(e)))
			}
		}
	default:
		x.reject(line, fmt.Sprintf("JSON %s where an object belongs", describe(v)))
	}
}

// object expands one JSON object.
func (x *expander) object(b *types.Bag, line int) {
	if x.kind != kindFlat {
		if recs, ok := b.Get("records"); ok {
			arr, ok := recs.([]any)
			if !ok {
				x.reject(line, "\"records\" is not an array")
				return
			}
			for _, e := range arr {
				eb, ok := e.(*types.Bag)
				if !ok {
					x.reject(line, fmt.Sprintf("records element is %s, not an object", describe(e)))
					continue
				}
				x.stream(eb, line)
			}
			return
		}
		if _, ok := b.Get("category"); ok {
			if _, ok := b.Get("properties"); ok {
				x.stream(b, line)
				return
			}
		}
		if x.kind == kindStream {
			x.reject(line, "not a Streaming API record (no category and properties)")
			return
		}
	}
	if res, ok := b.Get("Results"); ok {
		if _, ok := b.Get("Schema"); ok {
			arr, ok := res.([]any)
			if !ok {
				x.reject(line, "\"Results\" is not an array")
				return
			}
			for _, e := range arr {
				if eb, ok := e.(*types.Bag); ok {
					x.flat(eb, line)
				} else {
					x.reject(line, fmt.Sprintf("Results element is %s, not an object", describe(e)))
				}
			}
			return
		}
	}
	if tabs, ok := b.Get("tables"); ok {
		if arr, ok := tabs.([]any); ok {
			for _, t := range arr {
				x.laTable(bagOf(t), line)
			}
			return
		}
	}
	if x.kind == kindAuto {
		ev, ok, err := windowsEventFromBag(b)
		if ok {
			if err != nil {
				x.reject(line, err.Error())
				return
			}
			ev.line = line
			laTable := ""
			if t, _ := b.Get("Type"); t != nil {
				if s, ok := t.(string); ok {
					if _, known := typerFor(s); known {
						laTable = s
					}
				}
			}
			if laTable != "" {
				x.flat(b, line)
				if ev.isSysmon() {
					x.emit(item{line: line, sys: ev})
				}
				return
			}
			x.emit(item{line: line, sys: ev})
			return
		}
	}
	x.flat(b, line)
}

// laTable expands a Log Analytics query API table {name, columns, rows}.
func (x *expander) laTable(t *types.Bag, line int) {
	if t == nil {
		x.reject(line, "tables element is not an object")
		return
	}
	cols, _ := bagGet(t, "columns").([]any)
	rows, _ := bagGet(t, "rows").([]any)
	names := make([]string, len(cols))
	for i, c := range cols {
		cb := bagOf(c)
		names[i] = scalarText(bagGet(cb, "name"))
		if names[i] == "" {
			names[i] = scalarText(bagGet(cb, "ColumnName"))
		}
	}
	for _, r := range rows {
		arr, ok := r.([]any)
		if !ok {
			x.reject(line, fmt.Sprintf("row is %s, not an array", describe(r)))
			continue
		}
		if len(arr) != len(names) {
			x.reject(line, fmt.Sprintf("row has %d values for %d columns", len(arr), len(names)))
			continue
		}
		rb := types.NewBag()
		for i, n := range names {
			rb.Set(n, arr[i])
		}
		x.object(rb, line)
	}
}

// stream expands one Streaming API record {category, properties, …}.
func (x *expander) stream(b *types.Bag, line int) {
	cat, _ := bagGet(b, "category").(string)
	table, why := tableFromCategory(cat)
	props := bagGet(b, "properties")
	if s, ok := props.(string); ok {
		d, err := types.ParseJSON(s)
		if err != nil {
			x.emit(item{line: line, rej: "properties is a string that is not JSON", table: table})
			return
		}
		props = d
	}
	pb, ok := props.(*types.Bag)
	if !ok {
		x.emit(item{line: line, rej: fmt.Sprintf("properties is %s, not an object", describe(props)), table: table})
		return
	}
	if why != "" {
		x.emit(item{line: line, why: why})
		return
	}
	rec := &record{table: table, keys: append([]string(nil), pb.Keys...), vals: make([]any, 0, len(pb.Keys)+4)}
	for _, k := range pb.Keys {
		rec.vals = append(rec.vals, pb.Vals[k])
	}
	for _, k := range b.Keys {
		switch k {
		case "category", "properties", "time", "operationName":
		case "tenantId":
			rec.tenant, _ = b.Vals[k].(string)
		default:
			rec.keys = append(rec.keys, k)
			rec.vals = append(rec.vals, b.Vals[k])
		}
	}
	x.emit(item{line: line, rec: rec})
}

// flat emits a record without a table field: routed by the file's table,
// else per record (see router.routeFlat).
func (x *expander) flat(b *types.Bag, line int) {
	rec := &record{keys: b.Keys, vals: make([]any, len(b.Keys))}
	for i, k := range b.Keys {
		rec.vals[i] = b.Vals[k]
	}
	x.flatRecord(rec, line)
}

// whyNoTable is the unrouted reason of a flat record no table fits.
const whyNoTable = "no table matches the record's columns"

func (x *expander) flatRecord(rec *record, line int) {
	rec.table = x.table
	if rec.table == "" {
		rec.table = x.router.routeFlat(rec)
	}
	if rec.table == "" {
		x.emit(item{line: line, why: whyNoTable})
		return
	}
	x.emit(item{line: line, rec: rec})
}
