package types

import (
	"strconv"
	"strings"
	"time"
)

// Tick constants: Kusto datetimes and timespans count 100 ns ticks.
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute            = 60 * TicksPerSecond
	TicksPerHour              = 60 * TicksPerMinute
	TicksPerDay               = 24 * TicksPerHour
	// UnixEpochTicks is tolong(datetime(1970-01-01)).
	UnixEpochTicks int64 = 621355968000000000
	// MaxDateTimeTicks is tolong(datetime(9999-12-31 23:59:59.9999999)).
	MaxDateTimeTicks int64 = 3155378975999999999
)

// TicksFromTime converts a time.Time to ticks since 0001-01-01 UTC,
// truncating below 100 ns.
func TicksFromTime(t time.Time) int64 {
	return t.Unix()*TicksPerSecond + int64(t.Nanosecond())/100 + UnixEpochTicks
}

// TimeFromTicks converts ticks since 0001-01-01 to a UTC time.Time.
func TimeFromTicks(ticks int64) time.Time {
	rel := ticks - UnixEpochTicks
	sec := rel / TicksPerSecond
	rem := rel % TicksPerSecond
	if rem < 0 {
		rem += TicksPerSecond
		sec--
	}
	return time.Unix(sec, rem*100).UTC()
}

// FormatDateTime renders ticks the way Kusto does: ISO 8601 UTC with exactly
// seven fraction digits and Z, e.g. 2020-01-02T03:04:05.1234567Z.
func FormatDateTime(ticks int64) string {
	t := TimeFromTicks(ticks)
	var b [40]byte
	out := t.AppendFormat(b[:0], "2006-01-02T15:04:05")
	frac := ticks % TicksPerSecond
	if frac < 0 {
		frac += TicksPerSecond
	}
	out = append(out, '.')
	s := strconv.FormatInt(frac, 10)
	for i := len(s); i < 7; i++ {
		out = append(out, '0')
	}
	out = append(out, s...)
	out = append(out, 'Z')
	return string(out)
}

// FormatTimeSpan renders ticks as Kusto does ([-][d.]hh:mm:ss[.fffffff]).
func FormatTimeSpan(ticks int64) string {
	var sb strings.Builder
	u := uint64(ticks)
	if ticks < 0 {
		sb.WriteByte('-')
		u = uint64(-ticks)
	}
	days := u / uint64(TicksPerDay)
	u %= uint64(TicksPerDay)
	h := u / uint64(TicksPerHour)
	u %= uint64(TicksPerHour)
	m := u / uint64(TicksPerMinute)
	u %= uint64(TicksPerMinute)
	s := u / uint64(TicksPerSecond)
	frac := u % uint64(TicksPerSecond)
	if days > 0 {
		sb.WriteString(strconv.FormatUint(days, 10))
		sb.WriteByte('.')
	}
	two := func(x uint64) {
		if x < 10 {
			sb.WriteByte('0')
		}
		sb.WriteString(strconv.FormatUint(x, 10))
	}
	two(h)
	sb.WriteByte(':')
	two(m)
	sb.WriteByte(':')
	two(s)
	if frac > 0 {
		fs := strconv.FormatUint(frac, 10)
		sb.WriteByte('.')
		for i := len(fs); i < 7; i++ {
			sb.WriteByte('0')
		}
		sb.WriteString(fs)
	}
	return sb.String()
}

// ParseDateTime parses datetime text in the forms Kusto accepts for
// datetime literals and todatetime(): ISO 8601 (date only, or date and time
// separated by T or a space, 0–7+ fraction digits, optional Z or ±hh:mm
// offset), and RFC 822/850/1123 forms. It reports ok=false for text that is
// not a valid date.
func ParseDateTime(s string) (ticks int64, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if t, ok := parseISO(s); ok {
		return t, true
	}
	for _, layout := range rfcLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if y := t.UTC().Year(); y < 1 || y > 9999 {
				return 0, false
			}
			return TicksFromTime(t.UTC()), true
		}
	}
	return 0, false
}

var rfcLayouts = []string{
	time.RFC1123, time.RFC1123Z, time.RFC822, time.RFC822Z, time.RFC850,
	"Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05",
	"01/02/2006 15:04:05", "1/2/2006 15:04:05", "01/02/2006", "1/2/2006 3:04:05 PM",
	"2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05-0700",
}

func digits(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := 0; k < n; k++ {
		c := s[i+k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseISO parses yyyy-MM-dd[(T| )HH:mm[:ss[.f+]]][Z|±hh[:mm]].
func parseISO(s string) (int64, bool) {
	year, ok1 := digits(s, 0, 4)
	if !ok1 || len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	month, ok2 := digits(s, 5, 2)
	day, ok3 := digits(s, 8, 2)
	if !ok2 || !ok3 {
		return 0, false
	}
	i := 10
	hour, min, sec := 0, 0, 0
	var frac int64
	offset := 0
	if i < len(s) && (s[i] == 'T' || s[i] == ' ') {
		i++
		var ok bool
		if hour, ok = digits(s, i, 2); !ok {
			return 0, false
		}
		i += 2
		if i >= len(s) || s[i] != ':' {
			return 0, false
		}
		i++
		if min, ok = digits(s, i, 2); !ok {
			return 0, false
		}
		i += 2
		if i < len(s) && s[i] == ':' {
			i++
			if sec, ok = digits(s, i, 2); !ok {
				return 0, false
			}
			i += 2
			if i < len(s) && s[i] == '.' {
				i++
				start := i
				n := 0
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					if n < 7 {
						frac = frac*10 + int64(s[i]-'0')
						n++
					}
					i++
				}
				if i == start {
					return 0, false
				}
				for ; n < 7; n++ {
					frac *= 10
				}
			}
		}
		if i < len(s) {
			switch s[i] {
			case 'Z', 'z':
				i++
			case '+', '-':
				sign := 1
				if s[i] == '-' {
					sign = -1
				}
				i++
				oh, ok := digits(s, i, 2)
				if !ok {
					return 0, false
				}
				i += 2
				om := 0
				if i < len(s) && s[i] == ':' {
					i++
				}
				if i < len(s) {
					if om, ok = digits(s, i, 2); !ok {
						return 0, false
					}
					i += 2
				}
				offset = sign * (oh*60 + om)
			}
		}
	} else if i < len(s) && (s[i] == 'Z' || s[i] == 'z') {
		i++
	}
	if i != len(s) {
		return 0, false
	}
	if month < 1 || month > 12 || day < 1 || hour > 23 || min > 59 || sec > 59 || year < 1 {
		return 0, false
	}
	if day > DaysInMonth(year, month) {
		return 0, false // 2020-02-30
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+min*60+sec)
	ticks := secs*TicksPerSecond + UnixEpochTicks + frac - int64(offset)*TicksPerMinute
	if ticks < 0 || ticks > MaxDateTimeTicks {
		return 0, false
	}
	return ticks, true
}

// DaysInMonth returns the number of days of a month (1-12) of a proleptic
// Gregorian year.
func DaysInMonth(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days from 1970-01-01 to a valid proleptic
// Gregorian date (Howard Hinnant's days_from_civil): arithmetic only, what
// time.Date computes with a time zone lookup besides.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // y >= 0 here: years start at 1
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

var spanUnits = []struct {
	suffix string
	ticks  int64
}{
	{"milliseconds", TicksPerMillisecond}, {"millisecond", TicksPerMillisecond}, {"millisec", TicksPerMillisecond},
	{"millis", TicksPerMillisecond}, {"milli", TicksPerMillisecond},
	{"microseconds", TicksPerMicrosecond}, {"microsecond", TicksPerMicrosecond}, {"microsec", TicksPerMicrosecond},
	{"micros", TicksPerMicrosecond}, {"micro", TicksPerMicrosecond},
	{"nanoseconds", 0}, {"nanosecond", 0}, {"nanosec", 0}, {"nanos", 0}, {"nano", 0},
	{"seconds", TicksPerSecond}, {"second", TicksPerSecond}, {"sec", TicksPerSecond},
	{"minutes", TicksPerMinute}, {"minute", TicksPerMinute}, {"min", TicksPerMinute},
	{"hours", TicksPerHour}, {"hour", TicksPerHour}, {"hrs", TicksPerHour}, {"hr", TicksPerHour},
	{"days", TicksPerDay}, {"day", TicksPerDay},
	{"ticks", 1}, {"tick", 1},
	{"ms", TicksPerMillisecond},
	{"d", TicksPerDay}, {"h", TicksPerHour}, {"m", TicksPerMinute}, {"s", TicksPerSecond},
}

// SpanUnit returns the ticks of one unit named by a timespan literal suffix
// ("d", "hours", "ms", "tick", ...). Nanosecond suffixes return 0 with ok true;
// callers handle them (value/100 ticks).
func SpanUnit(suffix string) (int64, bool) {
	for _, u := range spanUnits {
		if u.suffix == suffix {
			return u.ticks, true
		}
	}
	return 0, false
}

// ParseNumberWithUnit parses "<digits>[.<digits>]<unit>" (e.g. "1.5h", "90s")
// into ticks.
func ParseNumberWithUnit(s string) (int64, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 || i == len(s) {
		return 0, false
	}
	num, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, false
	}
	unit := s[i:]
	per, ok := SpanUnit(unit)
	if !ok {
		return 0, false
	}
	if per == 0 { // nanoseconds
		return int64(num / 100), true
	}
	if !strings.Contains(s[:i], ".") {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, false
		}
		return n * per, true
	}
	return int64(num*float64(per) + 0.5*sign(num)), true
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// ParseTimeSpan parses timespan text as totimespan() and timespan(...) do:
// "[-][d.]hh:mm[:ss[.fffffff]]", or a number with a unit suffix ("1d",
// "90s", "-1.5h"). A bare number is not accepted here (timespan(2) literal
// days are handled by the parser).
func ParseTimeSpan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	} else if s[0] == '+' {
		s = s[1:]
	}
	var t int64
	var ok bool
	if strings.Contains(s, ":") {
		t, ok = parseClockSpan(s)
	} else {
		t, ok = ParseNumberWithUnit(strings.TrimSpace(s))
	}
	if !ok {
		return 0, false
	}
	if neg {
		t = -t
	}
	return t, true
}

func parseClockSpan(s string) (int64, bool) {
	var days int64
	// optional "d." prefix before hh:
	colon := strings.IndexByte(s, ':')
	if dot := strings.IndexByte(s[:colon], '.'); dot >= 0 {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil || d < 0 {
			return 0, false
		}
		days = d
		s = s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err := strconv.Atoi(parts[0])
	if err != nil || h < 0 || h > 23 || len(parts[0]) > 2 {
		return 0, false
	}
	m, err := strconv.Atoi(parts[1])
	if err != nil || m < 0 || m > 59 || len(parts[1]) != 2 {
		return 0, false
	}
	var sec int
	var frac int64
	if len(parts) == 3 {
		sp := parts[2]
		if dot := strings.IndexByte(sp, '.'); dot >= 0 {
			fs := sp[dot+1:]
			if fs == "" || len(fs) > 7 {
				return 0, false
			}
			for _, c := range fs {
				if c < '0' || c > '9' {
					return 0, false
				}
			}
			f, _ := strconv.ParseInt(fs, 10, 64)
			for i := len(fs); i < 7; i++ {
				f *= 10
			}
			frac = f
			sp = sp[:dot]
		}
		sec, err = strconv.Atoi(sp)
		if err != nil || sec < 0 || sec > 59 || len(sp) != 2 {
			return 0, false
		}
	}
	return days*TicksPerDay + int64(h)*TicksPerHour + int64(m)*TicksPerMinute + int64(sec)*TicksPerSecond + frac, true
}
