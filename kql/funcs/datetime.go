package funcs

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Datetime and timespan functions. Datetimes are 100 ns ticks since
// 0001-01-01; every calendar computation works on ticks and returns null
// when the result leaves 0001-01-01 .. 9999-12-31 23:59:59.9999999.

const ticksPerWeek = 7 * types.TicksPerDay

func dtInRange(t int64) bool { return t >= 0 && t <= types.MaxDateTimeTicks }

func dtOrNull(t int64, ok bool) types.Value {
	if !ok || !dtInRange(t) {
		return types.Null(types.DateTime)
	}
	return types.NewDateTime(t)
}

// floorDiv and floorMod divide rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// civil returns the calendar date of a datetime (ticks >= 0).
func civil(t int64) (y int, m time.Month, d int) {
	return types.TimeFromTicks(t).Date()
}

// ticksOfDate returns the ticks of midnight of y-m-d; the date is
// normalised as time.Date does (month 13 is January of the next year), and
// years 0 and 10000 give out-of-range ticks that callers check.
func ticksOfDate(y int, m time.Month, d int) int64 {
	return types.TicksFromTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// addMonths adds n calendar months, clamping the day to the last day of the
// target month and keeping the time of day.
func addMonths(t int64, n int64) (int64, bool) {
	if n > 120000 || n < -120000 {
		return 0, false
	}
	y, m, d := civil(t)
	tod := floorMod(t, types.TicksPerDay)
	total := int64(y)*12 + int64(m-1) + n
	ny, nm := floorDiv(total, 12), time.Month(floorMod(total, 12)+1)
	if ny < 1 || ny > 9999 {
		return 0, false
	}
	if dim := types.DaysInMonth(int(ny), int(nm)); d > dim {
		d = dim
	}
	r := ticksOfDate(int(ny), nm, d) + tod
	return r, dtInRange(r)
}

// mulAdd returns t + n*unit, reporting overflow or a result out of range.
func mulAdd(t, n, unit int64) (int64, bool) {
	if unit != 0 && (n > types.MaxDateTimeTicks/unit || n < -types.MaxDateTimeTicks/unit) {
		return 0, false
	}
	r := t + n*unit
	return r, dtInRange(r)
}

// dayIndex is the number of whole days since 0001-01-01 (a Monday).
func dayIndex(t int64) int64 { return floorDiv(t, types.TicksPerDay) }

// sundayDow is the day of the week, Sunday = 0.
func sundayDow(t int64) int64 { return floorMod(dayIndex(t)+1, 7) }

// startOf returns the start of the day/week/month/year holding t, moved by
// off units; the result is not range-checked (endof* needs the start of the
// unit after 9999-12-31).
func startOf(unit string, t, off int64) (int64, bool) {
	if off > 4_000_000 || off < -4_000_000 {
		return 0, false
	}
	switch unit {
	case "day":
		return (dayIndex(t) + off) * types.TicksPerDay, true
	case "week":
		return (dayIndex(t) - sundayDow(t) + 7*off) * types.TicksPerDay, true
	case "month":
		y, m, _ := civil(t)
		total := int64(y)*12 + int64(m-1) + off
		ny := floorDiv(total, 12)
		if ny < 0 || ny > 10001 {
			return 0, false
		}
		return ticksOfDate(int(ny), time.Month(floorMod(total, 12)+1), 1), true
	case "year":
		y, _, _ := civil(t)
		ny := int64(y) + off
		if ny < 0 || ny > 10001 {
			return 0, false
		}
		return ticksOfDate(int(ny), 1, 1), true
	}
	return 0, false
}

func isoWeek(t int64) int {
	_, w := types.TimeFromTicks(t).ISOWeek()
	return w
}

// ---- argument helpers shared by the families in this package ----

func checkArg(name string, args []Arg, i int, ok func(types.Type) bool, what string) error {
	if i < len(args) && !ok(args[i].Type) {
		return argErr("%s(): argument %d must be %s, not %s", name, i+1, what, args[i].Type)
	}
	return nil
}

func checkArgs(name string, args []Arg, ok func(types.Type) bool, what string, idx ...int) error {
	for _, i := range idx {
		if err := checkArg(name, args, i, ok, what); err != nil {
			return err
		}
	}
	return nil
}

// constString returns the value of a constant string argument.
func constString(args []Arg, i int) (string, bool) {
	if i >= len(args) || args[i].Const == nil || args[i].Const.T != types.String {
		return "", false
	}
	return args[i].Const.S, true
}

func anyNull(a []types.Value) bool {
	for _, v := range a {
		if !v.Valid {
			return true
		}
	}
	return false
}

// nullIn wraps an evaluator so that any null argument gives a null result.
func nullIn(ret types.Type, f EvalFunc) EvalFunc {
	return func(a []types.Value) types.Value {
		if anyNull(a) {
			return types.Null(ret)
		}
		return f(a)
	}
}

// widest is the result type of bin()-like numeric signatures.
func widest(ts ...types.Type) types.Type {
	w := types.Int
	for _, t := range ts {
		switch {
		case t == types.Real:
			w = types.Real
		case t == types.Decimal && w != types.Real:
			w = types.Decimal
		case t == types.Long && w == types.Int:
			w = types.Long
		}
	}
	return w
}

func numValue(t types.Type, f float64, i int64) types.Value {
	switch t {
	case types.Int:
		return types.NewInt(i)
	case types.Long:
		return types.NewLong(i)
	case types.Decimal:
		return types.NewDecimal(f)
	}
	return types.NewReal(f)
}

// ---- bin / floor / bin_at ----

func compileBin(name string) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		v, s := args[0].Type, args[1].Type
		switch {
		case v.IsNumeric() && s.IsNumeric():
			rt := widest(v, s)
			if rt.IsInteger() {
				return rt, nullIn(rt, func(a []types.Value) types.Value {
					if a[1].I <= 0 {
						return types.Null(rt)
					}
					return numValue(rt, 0, floorDiv(a[0].I, a[1].I)*a[1].I)
				}), nil
			}
			return rt, nullIn(rt, func(a []types.Value) types.Value {
				x, size := a[0].AsFloat(), a[1].AsFloat()
				if !(size > 0) {
					return types.Null(rt)
				}
				return numValue(rt, math.Floor(x/size)*size, 0)
			}), nil
		case (v == types.TimeSpan || v == types.DateTime) && s == types.TimeSpan:
			rt := v
			return rt, nullIn(rt, func(a []types.Value) types.Value {
				if a[1].I <= 0 {
					return types.Null(rt)
				}
				return types.Value{T: rt, Valid: true, I: floorDiv(a[0].I, a[1].I) * a[1].I}
			}), nil
		}
		return 0, nil, argErr("%s(): cannot round %s by %s (use a number by a number, a timespan by a timespan, or a datetime by a timespan)", name, v, s)
	}
}

func compileBinAt(args []Arg) (types.Type, EvalFunc, error) {
	v, s, f := args[0].Type, args[1].Type, args[2].Type
	switch {
	case v.IsNumeric() && s.IsNumeric() && f.IsNumeric():
		rt := widest(v, s, f)
		if rt.IsInteger() {
			return rt, nullIn(rt, func(a []types.Value) types.Value {
				if a[1].I <= 0 {
					return types.Null(rt)
				}
				return numValue(rt, 0, a[2].I+floorDiv(a[0].I-a[2].I, a[1].I)*a[1].I)
			}), nil
		}
		return rt, nullIn(rt, func(a []types.Value) types.Value {
			x, size, fp := a[0].AsFloat(), a[1].AsFloat(), a[2].AsFloat()
			if !(size > 0) {
				return types.Null(rt)
			}
			return numValue(rt, fp+math.Floor((x-fp)/size)*size, 0)
		}), nil
	case (v == types.TimeSpan || v == types.DateTime) && s == types.TimeSpan && f == v:
		rt := v
		return rt, nullIn(rt, func(a []types.Value) types.Value {
			if a[1].I <= 0 {
				return types.Null(rt)
			}
			r := a[2].I + floorDiv(a[0].I-a[2].I, a[1].I)*a[1].I
			if rt == types.DateTime {
				return dtOrNull(r, true)
			}
			return types.NewTimeSpan(r)
		}), nil
	}
	return 0, nil, argErr("bin_at(): unsupported argument types (%s, %s, %s); use numbers, (timespan, timespan, timespan) or (datetime, timespan, datetime)", v, s, f)
}

// ---- startof / endof ----

func compileStartEnd(name, unit string, end bool) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg(name, args, 0, isDateTime, "a datetime"); err != nil {
			return 0, nil, err
		}
		if err := checkArg(name, args, 1, isInteger, "an integer offset"); err != nil {
			return 0, nil, err
		}
		return types.DateTime, nullIn(types.DateTime, func(a []types.Value) types.Value {
			var off int64
			if len(a) > 1 {
				off = a[1].I
			}
			if end {
				r, ok := startOf(unit, a[0].I, off+1)
				return dtOrNull(r-1, ok)
			}
			r, ok := startOf(unit, a[0].I, off)
			return dtOrNull(r, ok)
		}), nil
	}
}

// ---- datetime parts ----

var dateDiffParts = map[string]bool{
	"year": true, "quarter": true, "month": true, "week": true, "day": true, "hour": true, "minute": true,
	"second": true, "millisecond": true, "microsecond": true, "nanosecond": true,
}

func partArg(name string, args []Arg, allowed map[string]bool) (string, error) {
	if args[0].Type != types.String {
		return "", argErr("%s(): the part must be a string, not %s", name, args[0].Type)
	}
	p, ok := constString(args, 0)
	if !ok {
		return "", argErr("%s(): the part must be a string literal", name)
	}
	lp := strings.ToLower(p)
	if !allowed[lp] {
		return "", argErr("%s(): unknown part %q", name, p)
	}
	return lp, nil
}

func compileDatetimeAdd(args []Arg) (types.Type, EvalFunc, error) {
	part, err := partArg("datetime_add", args, dateDiffParts)
	if err != nil {
		return 0, nil, err
	}
	if err := checkArg("datetime_add", args, 1, isInteger, "an integer"); err != nil {
		return 0, nil, err
	}
	if err := checkArg("datetime_add", args, 2, isDateTime, "a datetime"); err != nil {
		return 0, nil, err
	}
	unit := map[string]int64{
		"week": ticksPerWeek, "day": types.TicksPerDay, "hour": types.TicksPerHour,
		"minute": types.TicksPerMinute, "second": types.TicksPerSecond,
		"millisecond": types.TicksPerMillisecond, "microsecond": types.TicksPerMicrosecond,
	}[part]
	return types.DateTime, nullIn(types.DateTime, func(a []types.Value) types.Value {
		n, t := a[1].I, a[2].I
		switch part {
		case "year":
			if n > 10000 || n < -10000 {
				return types.Null(types.DateTime)
			}
			return dtOrNull(addMonths(t, 12*n))
		case "quarter":
			if n > 40000 || n < -40000 {
				return types.Null(types.DateTime)
			}
			return dtOrNull(addMonths(t, 3*n))
		case "month":
			return dtOrNull(addMonths(t, n))
		case "nanosecond":
			return dtOrNull(mulAdd(t, n/100, 1))
		}
		return dtOrNull(mulAdd(t, n, unit))
	}), nil
}

func compileDatetimeDiff(args []Arg) (types.Type, EvalFunc, error) {
	part, err := partArg("datetime_diff", args, dateDiffParts)
	if err != nil {
		return 0, nil, err
	}
	if err := checkArgs("datetime_diff", args, isDateTime, "a datetime", 1, 2); err != nil {
		return 0, nil, err
	}
	// The real engine types datetime_diff('week', ...) as real (observed).
	rt := types.Long
	if part == "week" {
		rt = types.Real
	}
	unit := map[string]int64{
		"day": types.TicksPerDay, "hour": types.TicksPerHour, "minute": types.TicksPerMinute,
		"second": types.TicksPerSecond, "millisecond": types.TicksPerMillisecond,
		"microsecond": types.TicksPerMicrosecond,
	}[part]
	return rt, nullIn(rt, func(a []types.Value) types.Value {
		t1, t2 := a[1].I, a[2].I
		switch part {
		case "year", "quarter", "month":
			y1, m1, _ := civil(t1)
			y2, m2, _ := civil(t2)
			switch part {
			case "year":
				return types.NewLong(int64(y1 - y2))
			case "quarter":
				return types.NewLong(int64(y1*4+int(m1-1)/3) - int64(y2*4+int(m2-1)/3))
			}
			return types.NewLong(int64(y1*12+int(m1)) - int64(y2*12+int(m2)))
		case "week":
			w1 := dayIndex(t1) - sundayDow(t1)
			w2 := dayIndex(t2) - sundayDow(t2)
			return types.NewReal(float64((w1 - w2) / 7))
		case "nanosecond":
			return types.NewLong((t1 - t2) * 100)
		}
		return types.NewLong(floorDiv(t1, unit) - floorDiv(t2, unit))
	}), nil
}

var datePartParts = map[string]bool{
	"year": true, "quarter": true, "month": true, "week_of_year": true, "day": true, "dayofyear": true,
	"hour": true, "minute": true, "second": true, "millisecond": true, "microsecond": true, "nanosecond": true,
}

func datePart(part string, t int64) int64 {
	tm := types.TimeFromTicks(t)
	frac := floorMod(t, types.TicksPerSecond)
	switch part {
	case "year":
		return int64(tm.Year())
	case "quarter":
		return int64(tm.Month()-1)/3 + 1
	case "month":
		return int64(tm.Month())
	case "week_of_year":
		return int64(isoWeek(t))
	case "day":
		return int64(tm.Day())
	case "dayofyear":
		return int64(tm.YearDay())
	case "hour":
		return int64(tm.Hour())
	case "minute":
		return int64(tm.Minute())
	case "second":
		return int64(tm.Second())
	case "millisecond":
		return frac / types.TicksPerMillisecond
	case "microsecond":
		return frac / types.TicksPerMicrosecond
	case "nanosecond":
		return frac * 100
	}
	return 0
}

func compileDatetimePart(name string) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		part, err := partArg(name, args, datePartParts)
		if err != nil {
			return 0, nil, err
		}
		if err := checkArg(name, args, 1, isDateTime, "a datetime"); err != nil {
			return 0, nil, err
		}
		return types.Int, nullIn(types.Int, func(a []types.Value) types.Value {
			return types.NewInt(datePart(part, a[1].I))
		}), nil
	}
}

// dtPartFn registers a one-argument datetime -> int function.
func dtPartFn(name string, f func(t int64) int64) {
	register(&Scalar{Name: name, MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := checkArg(name, args, 0, isDateTime, "a datetime"); err != nil {
				return 0, nil, err
			}
			return types.Int, nullIn(types.Int, func(a []types.Value) types.Value {
				return types.NewInt(f(a[0].I))
			}), nil
		}})
}

// ---- format_datetime / format_timespan ----

// fmtToken is one element of a compiled format: a literal delimiter run
// (letter 0) or a specifier letter repeated n times.
type fmtToken struct {
	letter byte
	n      int
	lit    string
}

const fmtDelimiters = " /-:,._[]"

// compileFormat tokenises a format_datetime/format_timespan format. max
// gives, per specifier letter, the run lengths that exist (longest first);
// a longer run is split greedily ("dddd" is "dd" then "dd").
func compileFormat(name, format string, max map[byte][]int) ([]fmtToken, error) {
	if format == "" {
		return nil, argErr("%s(): the format must not be empty", name)
	}
	var toks []fmtToken
	for i := 0; i < len(format); {
		c := format[i]
		if strings.IndexByte(fmtDelimiters, c) >= 0 {
			j := i
			for j < len(format) && strings.IndexByte(fmtDelimiters, format[j]) >= 0 {
				j++
			}
			toks = append(toks, fmtToken{lit: format[i:j]})
			i = j
			continue
		}
		lens, ok := max[c]
		if !ok {
			return nil, argErr("%s(): unsupported character %q in format %q (supported: the documented specifiers and the delimiters %q)", name, string(c), format, fmtDelimiters)
		}
		run := 0
		for i+run < len(format) && format[i+run] == c {
			run++
		}
		for run > 0 {
			took := 0
			for _, l := range lens {
				if l <= run {
					took = l
					break
				}
			}
			if took == 0 {
				return nil, argErr("%s(): unsupported specifier %q in format %q", name, strings.Repeat(string(c), run), format)
			}
			toks = append(toks, fmtToken{letter: c, n: took})
			run -= took
			i += took
		}
	}
	return toks, nil
}

func pad(x int64, n int) string {
	s := strconv.FormatInt(x, 10)
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// fraction renders the first n of the 7 fraction digits; trim drops
// trailing zeros (the F specifiers).
func fraction(frac int64, n int, trim bool) string {
	s := pad(frac, 7)[:n]
	if trim {
		s = strings.TrimRight(s, "0")
	}
	return s
}

var dtFormatLens = map[byte][]int{
	'd': {2, 1}, 'f': {7, 6, 5, 4, 3, 2, 1}, 'F': {7, 6, 5, 4, 3, 2, 1}, 'h': {2, 1}, 'H': {2, 1},
	'm': {2, 1}, 'M': {2, 1}, 's': {2, 1}, 'y': {4, 2, 1}, 't': {2},
}

var tsFormatLens = map[byte][]int{
	'd': {8, 7, 6, 5, 4, 3, 2, 1}, 'f': {7, 6, 5, 4, 3, 2, 1}, 'F': {7, 6, 5, 4, 3, 2, 1},
	'h': {2, 1}, 'H': {2, 1}, 'm': {2, 1}, 's': {2, 1},
}

func formatDateTime(toks []fmtToken, t int64) string {
	tm := types.TimeFromTicks(t)
	frac := floorMod(t, types.TicksPerSecond)
	var sb strings.Builder
	for _, k := range toks {
		switch k.letter {
		case 0:
			sb.WriteString(k.lit)
		case 'd':
			sb.WriteString(pad(int64(tm.Day()), k.n))
		case 'M':
			sb.WriteString(pad(int64(tm.Month()), k.n))
		case 'y':
			y := int64(tm.Year())
			if k.n < 4 {
				y %= 100
			}
			sb.WriteString(pad(y, k.n))
		case 'H':
			sb.WriteString(pad(int64(tm.Hour()), k.n))
		case 'h':
			h := int64(tm.Hour() % 12)
			if h == 0 {
				h = 12
			}
			sb.WriteString(pad(h, k.n))
		case 'm':
			sb.WriteString(pad(int64(tm.Minute()), k.n))
		case 's':
			sb.WriteString(pad(int64(tm.Second()), k.n))
		case 'f', 'F':
			sb.WriteString(fraction(frac, k.n, k.letter == 'F'))
		case 't':
			if tm.Hour() < 12 {
				sb.WriteString("AM")
			} else {
				sb.WriteString("PM")
			}
		}
	}
	return sb.String()
}

func formatTimeSpan(toks []fmtToken, t int64) string {
	var sb strings.Builder
	u := uint64(t)
	if t < 0 {
		sb.WriteByte('-')
		u = uint64(-t)
	}
	days := int64(u / uint64(types.TicksPerDay))
	rem := int64(u % uint64(types.TicksPerDay))
	h := rem / types.TicksPerHour
	m := rem % types.TicksPerHour / types.TicksPerMinute
	s := rem % types.TicksPerMinute / types.TicksPerSecond
	frac := rem % types.TicksPerSecond
	for _, k := range toks {
		switch k.letter {
		case 0:
			sb.WriteString(k.lit)
		case 'd':
			sb.WriteString(pad(days, k.n))
		case 'h', 'H':
			sb.WriteString(pad(h, k.n))
		case 'm':
			sb.WriteString(pad(m, k.n))
		case 's':
			sb.WriteString(pad(s, k.n))
		case 'f', 'F':
			sb.WriteString(fraction(frac, k.n, k.letter == 'F'))
		}
	}
	return sb.String()
}

func compileFormatFn(name string, valType types.Type, lens map[byte][]int, render func([]fmtToken, int64) string) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg(name, args, 0, func(t types.Type) bool { return t == valType }, "a "+valType.String()); err != nil {
			return 0, nil, err
		}
		if args[1].Type != types.String {
			return 0, nil, argErr("%s(): the format must be a string, not %s", name, args[1].Type)
		}
		f, ok := constString(args, 1)
		if !ok {
			return 0, nil, argErr("%s(): the format must be a string literal", name)
		}
		toks, err := compileFormat(name, f, lens)
		if err != nil {
			return 0, nil, err
		}
		return types.String, func(a []types.Value) types.Value {
			if !a[0].Valid {
				return types.NewString("")
			}
			return types.NewString(render(toks, a[0].I))
		}, nil
	}
}

// ---- make_datetime / make_timespan ----

func compileMakeDatetime(args []Arg) (types.Type, EvalFunc, error) {
	if len(args) == 1 {
		return 0, nil, argErr("make_datetime(): the one-argument form is not supported; pass year, month, day[, hour, minute, second]")
	}
	if len(args) < 3 {
		return 0, nil, argErr("make_datetime(): needs year, month and day")
	}
	for i := range args {
		if err := checkArg("make_datetime", args, i, isNumeric, "a number"); err != nil {
			return 0, nil, err
		}
	}
	return types.DateTime, nullIn(types.DateTime, func(a []types.Value) types.Value {
		var parts [5]int64
		for i := 0; i < 5 && i < len(a); i++ {
			if a[i].T.IsInteger() {
				parts[i] = a[i].I
			} else {
				f := a[i].AsFloat()
				if f != math.Trunc(f) || math.Abs(f) > 1e9 {
					return types.Null(types.DateTime)
				}
				parts[i] = int64(f)
			}
		}
		var sec float64
		if len(a) > 5 {
			sec = a[5].AsFloat()
		}
		y, mo, d, h, mi := parts[0], parts[1], parts[2], parts[3], parts[4]
		if y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > int64(types.DaysInMonth(int(y), int(mo))) ||
			h < 0 || h > 23 || mi < 0 || mi > 59 || !(sec >= 0 && sec < 60) {
			return types.Null(types.DateTime)
		}
		t := ticksOfDate(int(y), time.Month(mo), int(d)) + h*types.TicksPerHour + mi*types.TicksPerMinute +
			int64(math.Round(sec*float64(types.TicksPerSecond)))
		return dtOrNull(t, true)
	}), nil
}

func compileMakeTimespan(args []Arg) (types.Type, EvalFunc, error) {
	if len(args) == 1 {
		return 0, nil, argErr("make_timespan(): the one-argument form is not supported; pass [days,] hours, minutes[, seconds]")
	}
	for i := range args {
		if err := checkArg("make_timespan", args, i, isNumeric, "a number"); err != nil {
			return 0, nil, err
		}
	}
	return types.TimeSpan, nullIn(types.TimeSpan, func(a []types.Value) types.Value {
		f := make([]float64, len(a))
		for i, v := range a {
			f[i] = v.AsFloat()
		}
		var d, h, m, s float64
		switch len(f) {
		case 2:
			h, m = f[0], f[1]
		case 3:
			h, m, s = f[0], f[1], f[2]
		default:
			d, h, m, s = f[0], f[1], f[2], f[3]
		}
		whole := func(x float64, max float64) bool { return x == math.Trunc(x) && x >= 0 && x <= max }
		if !whole(d, 10675199) || !whole(h, 23) || !whole(m, 59) || !(s >= 0 && s < 60) {
			return types.Null(types.TimeSpan)
		}
		t := int64(d)*types.TicksPerDay + int64(h)*types.TicksPerHour + int64(m)*types.TicksPerMinute +
			int64(math.Round(s*float64(types.TicksPerSecond)))
		return types.NewTimeSpan(t)
	}), nil
}

func compileUnixTime(name string, unit int64, nanos bool) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg(name, args, 0, isNumeric, "a number"); err != nil {
			return 0, nil, err
		}
		return types.DateTime, nullIn(types.DateTime, func(a []types.Value) types.Value {
			v := a[0]
			if v.T.IsInteger() {
				if nanos {
					return dtOrNull(mulAdd(types.UnixEpochTicks, floorDiv(v.I, 100), 1))
				}
				return dtOrNull(mulAdd(types.UnixEpochTicks, v.I, unit))
			}
			f := v.AsFloat()
			var ticks float64
			if nanos {
				ticks = f / 100
			} else {
				ticks = f * float64(unit)
			}
			if math.IsNaN(ticks) || math.Abs(ticks) > float64(types.MaxDateTimeTicks) {
				return types.Null(types.DateTime)
			}
			return dtOrNull(types.UnixEpochTicks+int64(math.Floor(ticks)), true)
		}), nil
	}
}

func init() {
	register(&Scalar{Name: "bin", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg, Compile: compileBin("bin")})
	register(&Scalar{Name: "floor", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg, Compile: compileBin("floor")})
	register(&Scalar{Name: "bin_at", MinArgs: 3, MaxArgs: 3, NameKind: NameFirstArg, Compile: compileBinAt})

	for _, u := range []string{"day", "week", "month", "year"} {
		nk := NameNone
		if u == "day" {
			nk = NameFirstArg
		}
		register(&Scalar{Name: "startof" + u, MinArgs: 1, MaxArgs: 2, NameKind: nk, Compile: compileStartEnd("startof"+u, u, false)})
		register(&Scalar{Name: "endof" + u, MinArgs: 1, MaxArgs: 2, NameKind: NameNone, Compile: compileStartEnd("endof"+u, u, true)})
	}

	register(&Scalar{Name: "dayofweek", MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			if err := checkArg("dayofweek", args, 0, isDateTime, "a datetime"); err != nil {
				return 0, nil, err
			}
			return types.TimeSpan, nullIn(types.TimeSpan, func(a []types.Value) types.Value {
				// The engine returns null on the last day (9999-12-31):
				// its computation adds a day first (observed).
				if a[0].I > types.MaxDateTimeTicks-types.TicksPerDay {
					return types.Null(types.TimeSpan)
				}
				return types.NewTimeSpan(sundayDow(a[0].I) * types.TicksPerDay)
			}), nil
		}})
	dtPartFn("dayofmonth", func(t int64) int64 { return datePart("day", t) })
	dtPartFn("dayofyear", func(t int64) int64 { return datePart("dayofyear", t) })
	dtPartFn("monthofyear", func(t int64) int64 { return datePart("month", t) })
	dtPartFn("getmonth", func(t int64) int64 { return datePart("month", t) })
	dtPartFn("getyear", func(t int64) int64 { return datePart("year", t) })
	dtPartFn("hourofday", func(t int64) int64 { return datePart("hour", t) })
	dtPartFn("week_of_year", func(t int64) int64 { return int64(isoWeek(t)) })
	// weekofyear is the deprecated name; every observed value equals the
	// ISO 8601 week.
	dtPartFn("weekofyear", func(t int64) int64 { return int64(isoWeek(t)) })

	register(&Scalar{Name: "datetime_add", MinArgs: 3, MaxArgs: 3, NameKind: NameNone, Compile: compileDatetimeAdd})
	register(&Scalar{Name: "datetime_diff", MinArgs: 3, MaxArgs: 3, NameKind: NameNone, Compile: compileDatetimeDiff})
	register(&Scalar{Name: "datetime_part", MinArgs: 2, MaxArgs: 2, NameKind: NameNone, Compile: compileDatetimePart("datetime_part")})
	register(&Scalar{Name: "datepart", MinArgs: 2, MaxArgs: 2, NameKind: NameNone, Compile: compileDatetimePart("datepart")})

	register(&Scalar{Name: "format_datetime", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: compileFormatFn("format_datetime", types.DateTime, dtFormatLens, formatDateTime)})
	register(&Scalar{Name: "format_timespan", MinArgs: 2, MaxArgs: 2, NameKind: NameFirstArg,
		Compile: compileFormatFn("format_timespan", types.TimeSpan, tsFormatLens, formatTimeSpan)})

	register(&Scalar{Name: "make_datetime", MinArgs: 1, MaxArgs: 6, NameKind: NameNone, Compile: compileMakeDatetime})
	register(&Scalar{Name: "make_timespan", MinArgs: 1, MaxArgs: 4, NameKind: NameNone, Compile: compileMakeTimespan})

	register(&Scalar{Name: "unixtime_seconds_todatetime", MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: compileUnixTime("unixtime_seconds_todatetime", types.TicksPerSecond, false)})
	register(&Scalar{Name: "unixtime_milliseconds_todatetime", MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: compileUnixTime("unixtime_milliseconds_todatetime", types.TicksPerMillisecond, false)})
	register(&Scalar{Name: "unixtime_microseconds_todatetime", MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: compileUnixTime("unixtime_microseconds_todatetime", types.TicksPerMicrosecond, false)})
	register(&Scalar{Name: "unixtime_nanoseconds_todatetime", MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: compileUnixTime("unixtime_nanoseconds_todatetime", 0, true)})
}
