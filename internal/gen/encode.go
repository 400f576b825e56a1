package gen

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// obj appends one JSON object, field by field, in the order written. Writing
// bytes directly keeps key order fixed and generation fast (gigabytes of
// rows for the benchmarks).
type obj struct {
	b []byte
	n int
}

func (o *obj) reset() {
	o.b = append(o.b[:0], '{')
	o.n = 0
}

func (o *obj) end() []byte {
	o.b = append(o.b, '}')
	return o.b
}

func (o *obj) key(k string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *obj) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

// strOrNull writes null for the empty string.
func (o *obj) strOrNull(k, v string) {
	if v == "" {
		o.null(k)
		return
	}
	o.str(k, v)
}

func (o *obj) null(k string) {
	o.key(k)
	o.b = append(o.b, "null"...)
}

func (o *obj) num(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *obj) boolean(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

// ticks are 100 ns units since the Unix epoch.
func (o *obj) time(k string, ticks int64) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = appendTicks(o.b, ticks)
	o.b = append(o.b, '"')
}

// raw writes already encoded JSON (nil means null).
func (o *obj) raw(k string, v []byte) {
	if v == nil {
		o.null(k)
		return
	}
	o.key(k)
	o.b = append(o.b, v...)
}

// timeLayout is how Defender writes datetimes: 7 fraction digits and Z.
const timeLayout = "2006-01-02T15:04:05.0000000Z"

func appendTicks(b []byte, ticks int64) []byte {
	return time.Unix(0, ticks*100).UTC().AppendFormat(b, timeLayout)
}

func toTicks(t time.Time) int64 { return t.UnixNano() / 100 }

func fromTicks(ticks int64) time.Time { return time.Unix(0, ticks*100).UTC() }

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal. Invalid UTF-8 is
// replaced by U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
