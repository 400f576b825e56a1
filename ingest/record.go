package ingest

import (
	"hash/maphash"
	"strings"
	"sync"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/schema"
)

// record is one decoded record: its routed table and its fields in input
// order.
type record struct {
	table   string
	keys    []string
	vals    []any
	textual bool
	// tenant is the Streaming API envelope's tenantId; it fills TenantId
	// when the record has none.
	tenant string
}

func (r *record) get(key string) (any, bool) {
	for i, k := range r.keys {
		if k == key {
			return r.vals[i], true
		}
	}
	return nil, false
}

func (r *record) getString(key string) string {
	v, _ := r.get(key)
	s, _ := v.(string)
	return s
}

// Priorities of the keys that fill a column: an exact column name beats
// the other time column's name and a union type-conflict name
// (ReportId_long), which beat values synthesised from the envelope.
const (
	prioEnvelope int8 = 1
	prioAlias    int8 = 2
	prioExact    int8 = 3
)

type colRef struct {
	idx  int
	prio int8
}

// typer knows how record keys map to one table's columns.
type typer struct {
	tab     *schema.Table
	types   []types.Type
	index   map[string]colRef
	timeIdx int
	typeIdx int
	tenIdx  int
}

var typerCache sync.Map // table name → *typer

var kustoTypeNames = []string{"bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic"}

func typerFor(table string) (*typer, bool) {
	if t, ok := typerCache.Load(table); ok {
		return t.(*typer), true
	}
	tab, ok := schema.Lookup(table)
	if !ok {
		return nil, false
	}
	ty := &typer{tab: tab, index: map[string]colRef{}, timeIdx: -1, typeIdx: -1, tenIdx: -1}
	for i, c := range tab.Columns {
		t, _ := types.ParseType(c.Type)
		ty.types = append(ty.types, t)
		for _, tn := range kustoTypeNames {
			ty.index[c.Name+"_"+tn] = colRef{i, prioAlias}
		}
		switch c.Name {
		case "Type":
			ty.typeIdx = i
		case "TenantId":
			ty.tenIdx = i
		}
	}
	for i, c := range tab.Columns {
		ty.index[c.Name] = colRef{i, prioExact}
	}
	if tab.TimeColumn != "" {
		ty.timeIdx = tab.Index(tab.TimeColumn)
		other := schema.TimeGenerated
		if tab.TimeColumn == schema.TimeGenerated {
			other = schema.Timestamp
		}
		if _, ok := ty.index[other]; !ok {
			ty.index[other] = colRef{ty.timeIdx, prioAlias}
		}
	}
	t, _ := typerCache.LoadOrStore(table, ty)
	return t.(*typer), true
}

// builder fills one row of a table from keys and values. It is reused
// across records by one worker.
type builder struct {
	ty      *typer
	want    []bool
	wantIdx []int
	vals    []types.Value
	prio    []int8
	rej     []Rejection
}

// newBuilder returns a builder that converts the columns marked in want
// (all columns when want is nil).
func newBuilder(ty *typer, want []bool) *builder {
	n := len(ty.types)
	if want == nil {
		want = make([]bool, n)
		for i := range want {
			want[i] = true
		}
	}
	b := &builder{ty: ty, want: want, vals: make([]types.Value, n), prio: make([]int8, n)}
	for i, w := range want {
		if w {
			b.wantIdx = append(b.wantIdx, i)
		}
	}
	return b
}

func (b *builder) reset() {
	for _, i := range b.wantIdx {
		b.prio[i] = 0
		b.vals[i] = types.Value{}
	}
	b.rej = b.rej[:0]
}

func isEmpty(v types.Value) bool { return !v.Valid || (v.T == types.String && v.S == "") }

// put converts v into column ref.idx unless a better value is there.
func (b *builder) put(ref colRef, v any, textual bool) {
	if !b.wants(ref) {
		return
	}
	val, reason := convert(v, b.ty.types[ref.idx], textual)
	b.set(ref, val, reason)
}

// wants reports whether a value for ref could still change the row.
func (b *builder) wants(ref colRef) bool {
	i := ref.idx
	if !b.want[i] {
		return false
	}
	cur := b.prio[i]
	return cur == 0 || isEmpty(b.vals[i]) || cur < ref.prio
}

// set stores a converted value by the priority rules: an exact column name
// beats an alias, and a non-empty value beats an empty one; among equals
// the first non-empty value wins.
func (b *builder) set(ref colRef, val types.Value, reason string) {
	i := ref.idx
	cur := b.prio[i]
	curEmpty := cur == 0 || isEmpty(b.vals[i])
	if reason != "" {
		b.rej = append(b.rej, Rejection{Column: b.ty.tab.Columns[i].Name, Reason: reason})
	}
	if cur != 0 && (isEmpty(val) || (!curEmpty && ref.prio <= cur)) {
		return
	}
	b.vals[i] = val
	b.prio[i] = ref.prio
}

// fill converts a record's fields. unknown is called with each key that is
// no column of the table.
func (b *builder) fill(rec *record, unknown func(string)) {
	b.reset()
	for k, key := range rec.keys {
		ref, ok := b.ty.index[key]
		if !ok {
			if unknown != nil {
				unknown(key)
			}
			continue
		}
		b.put(ref, rec.vals[k], rec.textual)
	}
	b.finish(rec.tenant)
}

// finish fills unset columns with nulls and the synthesised Type and
// TenantId.
func (b *builder) finish(tenant string) {
	ty := b.ty
	if ty.typeIdx >= 0 && b.want[ty.typeIdx] && isEmpty(b.vals[ty.typeIdx]) {
		b.vals[ty.typeIdx] = types.NewString(ty.tab.Name)
		b.prio[ty.typeIdx] = prioEnvelope
	}
	if tenant != "" && ty.tenIdx >= 0 && b.want[ty.tenIdx] && isEmpty(b.vals[ty.tenIdx]) {
		b.vals[ty.tenIdx] = types.NewString(tenant)
		b.prio[ty.tenIdx] = prioEnvelope
	}
	for _, i := range b.wantIdx {
		if b.prio[i] == 0 {
			b.vals[i] = types.Null(ty.types[i])
		}
	}
}

// timeTicks returns the row's time column value.
func (b *builder) timeTicks() (int64, bool) {
	if b.ty.timeIdx < 0 {
		return 0, false
	}
	v := b.vals[b.ty.timeIdx]
	if !v.Valid {
		return 0, false
	}
	return v.I, true
}

// ---- routing ----

// tableFromCategory maps a Streaming API category to a table name.
func tableFromCategory(cat string) (string, string) {
	name, ok := strings.CutPrefix(cat, "AdvancedHunting-")
	if !ok {
		return "", "category " + quoteShort(cat) + " is not AdvancedHunting-<Table>"
	}
	if _, ok := schema.Lookup(name); !ok {
		return "", "category " + quoteShort(cat) + " names no known table"
	}
	return name, ""
}

// tableFromName finds a known table name in a file path, case-insensitively
// and only as a whole word (not preceded or followed by a letter or
// digit); the longest match wins. DeviceNetworkEvents.jsonl and
// insights-logs-advancedhunting-devicenetworkevents/…/PT1H.json name
// DeviceNetworkEvents; Microsoft365DefenderEvents.json names no table.
func tableFromName(path string) string {
	lp := strings.ToLower(path)
	best := ""
	for _, t := range schema.All() {
		if len(t.Name) <= len(best) {
			continue
		}
		ln := strings.ToLower(t.Name)
		for off := 0; ; {
			i := strings.Index(lp[off:], ln)
			if i < 0 {
				break
			}
			i += off
			end := i + len(ln)
			if (i == 0 || !isAlnum(lp[i-1])) && (end == len(lp) || !isAlnum(lp[end])) {
				best = t.Name
				break
			}
			off = i + 1
		}
	}
	return best
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
}

// actionTables maps Defender ActionTypes to the Device* table that holds
// them; see docs/ingest.md.
var actionTables = map[string]string{
	"ConnectionSuccess":            "DeviceNetworkEvents",
	"ConnectionFailed":             "DeviceNetworkEvents",
	"ConnectionAttempt":            "DeviceNetworkEvents",
	"ConnectionRequest":            "DeviceNetworkEvents",
	"ConnectionFound":              "DeviceNetworkEvents",
	"ConnectionAcknowledged":       "DeviceNetworkEvents",
	"InboundConnectionAccepted":    "DeviceNetworkEvents",
	"ListeningConnectionCreated":   "DeviceNetworkEvents",
	"NetworkSignatureInspected":    "DeviceNetworkEvents",
	"NtlmAuthenticationInspected":  "DeviceNetworkEvents",
	"InboundInternetScanInspected": "DeviceNetworkEvents",
	"ProcessCreated":               "DeviceProcessEvents",
	"FileCreated":                  "DeviceFileEvents",
	"FileModified":                 "DeviceFileEvents",
	"FileDeleted":                  "DeviceFileEvents",
	"FileRenamed":                  "DeviceFileEvents",
	"RegistryKeyCreated":           "DeviceRegistryEvents",
	"RegistryKeyDeleted":           "DeviceRegistryEvents",
	"RegistryKeyRenamed":           "DeviceRegistryEvents",
	"RegistryValueSet":             "DeviceRegistryEvents",
	"RegistryValueDeleted":         "DeviceRegistryEvents",
	"ImageLoaded":                  "DeviceImageLoadEvents",
	"LogonSuccess":                 "DeviceLogonEvents",
	"LogonFailed":                  "DeviceLogonEvents",
	"LogonAttempted":               "DeviceLogonEvents",
}

// actionTable returns the table of a device ActionType.
func actionTable(action string) string {
	if t, ok := actionTables[action]; ok {
		return t
	}
	if strings.HasSuffix(action, "ConnectionInspected") {
		return "DeviceNetworkEvents"
	}
	return "DeviceEvents"
}

func nonEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	}
	return true
}

// baseColumn strips a union type-conflict suffix (ReportId_long →
// ReportId).
func baseColumn(key string) string {
	if i := strings.LastIndexByte(key, '_'); i > 0 {
		suf := key[i+1:]
		for _, tn := range kustoTypeNames {
			if suf == tn {
				return key[:i]
			}
		}
	}
	return key
}

// router routes flat records by their columns; it caches decisions by
// the set of non-empty keys. One per worker.
type router struct {
	cache map[uint64]string
	seed  maphash.Seed
}

var routerSeed = maphash.MakeSeed()

func newRouter() *router { return &router{cache: map[uint64]string{}, seed: routerSeed} }

// routeFlat picks the table of a record that names none: a "Type" that
// names a known table; else a device ActionType; else the table whose
// columns best cover the record's non-empty keys.
func (r *router) routeFlat(rec *record) string {
	if t := rec.getString("Type"); t != "" {
		if _, ok := schema.Lookup(t); ok {
			return t
		}
	}
	device := false
	action := ""
	var h maphash.Hash
	h.SetSeed(r.seed)
	for i, k := range rec.keys {
		if !nonEmptyValue(rec.vals[i]) {
			continue
		}
		h.WriteString(k)
		h.WriteByte(0)
		if k == "DeviceId" || strings.HasPrefix(k, "InitiatingProcess") {
			device = true
		}
		if k == "ActionType" {
			action, _ = rec.vals[i].(string)
		}
	}
	if device && action != "" {
		return actionTable(action)
	}
	sum := h.Sum64()
	if t, ok := r.cache[sum]; ok {
		return t
	}
	best, bestScore := "", -1<<30
	for _, tab := range schema.All() {
		score := 0
		for i, k := range rec.keys {
			if !nonEmptyValue(rec.vals[i]) {
				continue
			}
			if tab.Index(baseColumn(k)) >= 0 || (k == schema.TimeGenerated && tab.TimeColumn != "") {
				score++
			} else {
				score--
			}
		}
		if score > bestScore || (score == bestScore && preferTable(tab.Name, best)) {
			best, bestScore = tab.Name, score
		}
	}
	if len(r.cache) > 4096 {
		clear(r.cache)
	}
	r.cache[sum] = best
	return best
}

// preferTable breaks scoring ties: Defender Device* tables first, then the
// smaller table name order (deterministic).
func preferTable(a, b string) bool {
	da, db := strings.HasPrefix(a, "Device"), strings.HasPrefix(b, "Device")
	if da != db {
		return da
	}
	return a < b
}
