package syntax

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// TicksPerSecond etc. are the 100 ns tick units of datetime and timespan values.
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute            = 60 * TicksPerSecond
	TicksPerHour              = 60 * TicksPerMinute
	TicksPerDay               = 24 * TicksPerHour
	// UnixEpochTicks is 1970-01-01T00:00:00Z in ticks since 0001-01-01.
	UnixEpochTicks int64 = 621_355_968_000_000_000
	// MaxDateTimeTicks is 9999-12-31T23:59:59.9999999Z.
	MaxDateTimeTicks int64 = 3_155_378_975_999_999_999
)

// ParseDateTime decodes the text of a datetime literal (the goo text of
// datetime(...)) into ticks since 0001-01-01T00:00:00Z. Accepted forms: ISO 8601
// date `YYYY-MM-DD` optionally followed by `T` or spaces and `HH:MM[:SS[.f]]`
// with 1 to 7 fraction digits, optionally followed by `Z` or an offset
// `±HH:MM`/`±HHMM` (converted to UTC); also RFC 1123 / RFC 822 / RFC 850 dates.
func ParseDateTime(text string) (int64, error) {
	s := strings.TrimSpace(text)
	// Any Unicode space may separate the date and the time.
	s = strings.Map(func(r rune) rune {
		if IsWhitespace(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if t, ok, err := parseISODateTime(s); ok {
		return t, err
	}
	if t, ok, err := parseUSDateTime(s); ok {
		return t, err
	}
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, time.RFC822, time.RFC822Z, time.RFC850,
		"Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return timeToTicks(t), nil
		}
	}
	return 0, fmt.Errorf("invalid datetime literal %q (expected ISO 8601, e.g. 2024-01-31 or 2024-01-31T13:45:00.5Z)", text)
}

func timeToTicks(t time.Time) int64 {
	t = t.UTC()
	return (t.Unix()+UnixEpochTicks/TicksPerSecond)*TicksPerSecond + int64(t.Nanosecond()/100)
}

func digitsAt(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return 0, false
		}
		v = v*10 + int(s[k]-'0')
	}
	return v, true
}

// parseISODateTime reports ok=false when s does not even start like an ISO
// date; ok=true with an error when it does but is invalid.
func parseISODateTime(s string) (int64, bool, error) {
	bad := func(why string) (int64, bool, error) {
		return 0, true, fmt.Errorf("invalid datetime literal %q: %s", s, why)
	}
	year, ok1 := digitsAt(s, 0, 4)
	if !ok1 || len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false, nil
	}
	month, ok2 := digitsAt(s, 5, 2)
	day, ok3 := digitsAt(s, 8, 2)
	if !ok2 || !ok3 {
		return bad("expected YYYY-MM-DD")
	}
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return bad("no such date")
	}
	i := 10
	var hh, mm, ss, frac int
	if i < len(s) && (s[i] == 'T' || s[i] == ' ' || s[i] == 't') {
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		var ok bool
		if hh, ok = digitsAt(s, j, 2); !ok || j+5 > len(s) || s[j+2] != ':' {
			if j == len(s) && s[i] == ' ' {
				i = j
				goto zone
			}
			return bad("expected HH:MM after the date")
		}
		if mm, ok = digitsAt(s, j+3, 2); !ok {
			return bad("expected HH:MM after the date")
		}
		i = j + 5
		if i < len(s) && s[i] == ':' {
			if ss, ok = digitsAt(s, i+1, 2); !ok {
				return bad("expected seconds as two digits")
			}
			i += 3
			if i < len(s) && s[i] == '.' {
				k := i + 1
				for k < len(s) && isDigit(s[k]) {
					k++
				}
				n := k - i - 1
				if n < 1 || n > 7 {
					return bad("the fraction of a second must have 1 to 7 digits")
				}
				frac, _ = strconv.Atoi(s[i+1:k] + strings.Repeat("0", 7-n))
				i = k
			}
		}
		if hh > 23 || mm > 59 || ss > 59 {
			return bad("time of day out of range")
		}
	}
zone:
	offset := 0
	rest := strings.TrimSpace(s[i:])
	switch {
	case rest == "":
	case rest == "Z" || rest == "z":
	case rest[0] == '+' || rest[0] == '-':
		h, ok := digitsAt(rest, 1, 2)
		var m int
		var okm bool
		switch {
		case len(rest) == 3:
			okm = true
		case len(rest) == 6 && rest[3] == ':':
			m, okm = digitsAt(rest, 4, 2)
		case len(rest) == 5:
			m, okm = digitsAt(rest, 3, 2)
		}
		if !ok || !okm || h > 14 || m > 59 {
			return bad("invalid UTC offset")
		}
		offset = (h*60 + m) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return bad(fmt.Sprintf("unexpected text %q", rest))
	}
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, time.UTC)
	ticks := timeToTicks(t) + int64(frac) - int64(offset)*TicksPerSecond
	if ticks < 0 || ticks > MaxDateTimeTicks {
		return bad("out of range")
	}
	return ticks, true, nil
}

// parseUSDateTime accepts the invariant-culture form MM/DD/YYYY [HH:MM[:SS[.f]]].
func parseUSDateTime(s string) (int64, bool, error) {
	slash1 := strings.IndexByte(s, '/')
	if slash1 < 1 || slash1 > 2 {
		return 0, false, nil
	}
	rest := s[slash1+1:]
	slash2 := strings.IndexByte(rest, '/')
	if slash2 < 1 || slash2 > 2 || len(rest) < slash2+5 {
		return 0, false, nil
	}
	m, err1 := strconv.Atoi(s[:slash1])
	d, err2 := strconv.Atoi(rest[:slash2])
	y, err3 := strconv.Atoi(rest[slash2+1 : slash2+5])
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, true, fmt.Errorf("invalid datetime literal %q", s)
	}
	iso := fmt.Sprintf("%04d-%02d-%02d%s", y, m, d, rest[slash2+5:])
	t, ok, err := parseISODateTime(iso)
	if !ok || err != nil {
		return 0, true, fmt.Errorf("invalid datetime literal %q", s)
	}
	return t, true, nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ParseTimespan decodes the text of a timespan literal (the goo text of
// timespan(...)/time(...)): `[-][d.]hh:mm[:ss[.fffffff]]`, a number of days
// (`2` = 2 days), or a number with a unit (`15 seconds`, `1d`, `1.5h`).
func ParseTimespan(text string) (int64, error) {
	s := strings.TrimSpace(text)
	bad := fmt.Errorf("invalid timespan literal %q (expected [d.]hh:mm:ss[.fffffff], a number of days, or a number with a unit such as 5m)", text)
	neg := false
	body := s
	if strings.HasPrefix(body, "-") {
		neg = true
		body = strings.TrimSpace(body[1:])
	} else if strings.HasPrefix(body, "+") {
		body = strings.TrimSpace(body[1:])
	}
	if body == "" {
		return 0, bad
	}
	var ticks int64
	if strings.Contains(body, ":") {
		parts := strings.Split(body, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, bad
		}
		days := int64(0)
		hpart := parts[0]
		if dot := strings.IndexByte(hpart, '.'); dot >= 0 {
			d, err := strconv.ParseInt(hpart[:dot], 10, 64)
			if err != nil || d < 0 || d > 10675199 {
				return 0, bad
			}
			days = d
			hpart = hpart[dot+1:]
		}
		h, err1 := strconv.Atoi(hpart)
		m, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || strings.ContainsAny(hpart+parts[1], "+-") {
			return 0, bad
		}
		ticks = days*TicksPerDay + int64(h)*TicksPerHour + int64(m)*TicksPerMinute
		if len(parts) == 3 {
			sec := parts[2]
			frac := ""
			if dot := strings.IndexByte(sec, '.'); dot >= 0 {
				sec, frac = sec[:dot], sec[dot+1:]
				if len(frac) < 1 || len(frac) > 7 {
					return 0, bad
				}
				for k := 0; k < len(frac); k++ {
					if !isDigit(frac[k]) {
						return 0, bad
					}
				}
			}
			sv, err := strconv.Atoi(sec)
			if err != nil || sv < 0 || sv > 59 || strings.ContainsAny(sec, "+-") {
				return 0, bad
			}
			ticks += int64(sv) * TicksPerSecond
			if frac != "" {
				f, _ := strconv.Atoi(frac + strings.Repeat("0", 7-len(frac)))
				ticks += int64(f)
			}
		}
	} else {
		i := 0
		for i < len(body) && (isDigit(body[i]) || body[i] == '.') {
			i++
		}
		num, unit := body[:i], strings.TrimSpace(body[i:])
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, bad
		}
		per := float64(TicksPerDay)
		if unit != "" {
			p, n := timespanUnit(unit)
			if n != len(unit) {
				return 0, bad
			}
			per = p
		}
		if math.Abs(v*per) > math.MaxInt64 {
			return 0, bad
		}
		ticks = int64(math.Round(v * per))
	}
	if neg {
		ticks = -ticks
	}
	return ticks, nil
}

// decodeGoo turns a typed literal token into a Literal. It returns an error
// message for an invalid value.
func decodeGoo(t Token) (*Literal, string) {
	lit := &Literal{Span: Span{t.Pos, t.End}, TypeName: t.GooKw, Raw: t.Text}
	text := strings.TrimSpace(t.Str)
	isNull := text == "null"
	switch t.GooKw {
	case "datetime", "date":
		lit.Kind = LitDateTime
	case "timespan", "time":
		lit.Kind = LitTimespan
	case "guid", "uniqueid":
		lit.Kind = LitGuid
	case "int":
		lit.Kind = LitInt
	case "long":
		lit.Kind = LitLong
	case "real", "double":
		lit.Kind = LitReal
	case "decimal":
		lit.Kind = LitDecimal
	case "bool", "boolean":
		lit.Kind = LitBool
	default:
		return lit, fmt.Sprintf("unexpected typed literal %s(...)", t.GooKw)
	}
	if isNull {
		lit.Null = true
		return lit, ""
	}
	switch lit.Kind {
	case LitDateTime:
		v, err := ParseDateTime(text)
		if err != nil {
			return lit, err.Error()
		}
		lit.Ticks = v
	case LitTimespan:
		v, err := ParseTimespan(text)
		if err != nil {
			return lit, err.Error()
		}
		lit.Ticks = v
	case LitGuid:
		g := strings.ToLower(text)
		if len(g) == 32 && strings.IndexFunc(g, func(r rune) bool { return !isHex(byte(r)) || r > 127 }) < 0 {
			g = g[:8] + "-" + g[8:12] + "-" + g[12:16] + "-" + g[16:20] + "-" + g[20:]
		}
		lx := &lexer{src: g}
		if !lx.isGuidAt(0) || len(g) != 36 {
			return lit, fmt.Sprintf("invalid guid literal %q", text)
		}
		lit.Str = g
	case LitInt, LitLong:
		v, err := parseSignedInt(text)
		if err != nil {
			return lit, fmt.Sprintf("invalid %s literal %q", t.GooKw, text)
		}
		if lit.Kind == LitInt && (v < math.MinInt32 || v > math.MaxInt32) {
			return lit, fmt.Sprintf("int literal %q is out of range (use long)", text)
		}
		lit.Int = v
	case LitReal, LitDecimal:
		switch strings.ToLower(text) {
		case "nan":
			lit.Real = math.NaN()
		case "+inf", "inf":
			lit.Real = math.Inf(1)
		case "-inf":
			lit.Real = math.Inf(-1)
		default:
			v, err := strconv.ParseFloat(text, 64)
			if err != nil || strings.ContainsAny(text, "xXpP_") || strings.EqualFold(strings.TrimLeft(text, "+-"), "infinity") {
				return lit, fmt.Sprintf("invalid %s literal %q", t.GooKw, text)
			}
			lit.Real = v
		}
	case LitBool:
		switch strings.ToLower(text) {
		case "true", "1":
			lit.Bool = true
		case "false", "0":
			lit.Bool = false
		default:
			return lit, fmt.Sprintf("invalid bool literal %q", text)
		}
	}
	return lit, ""
}

func parseSignedInt(s string) (int64, error) {
	neg := false
	body := s
	if strings.HasPrefix(body, "-") || strings.HasPrefix(body, "+") {
		neg = body[0] == '-'
		body = strings.TrimSpace(body[1:])
	}
	if body == "" || body[0] == '+' || body[0] == '-' {
		return 0, fmt.Errorf("invalid")
	}
	var u uint64
	var err error
	if strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X") {
		u, err = strconv.ParseUint(body[2:], 16, 64)
		if err != nil {
			return 0, err
		}
		v := int64(u)
		if neg {
			v = -v
		}
		return v, nil
	}
	u, err = strconv.ParseUint(body, 10, 64)
	if err != nil {
		return 0, err
	}
	if neg {
		if u > 1<<63 {
			return 0, fmt.Errorf("out of range")
		}
		return -int64(u), nil
	}
	if u > math.MaxInt64 {
		return 0, fmt.Errorf("out of range")
	}
	return int64(u), nil
}

// timeFromUnix renders Unix seconds as YYYY-MM-DDTHH:MM:SS (UTC).
func timeFromUnix(secs int64) string {
	return time.Unix(secs, 0).UTC().Format("2006-01-02T15:04:05")
}
