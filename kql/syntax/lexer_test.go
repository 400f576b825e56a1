package syntax

import (
	"fmt"
	"strings"
	"testing"
)

// tokSummary renders tokens as kind:text or kind=value for comparisons.
func tokSummary(toks []Token) string {
	var parts []string
	for _, t := range toks {
		switch t.Kind {
		case TokEOF:
			continue
		case TokString:
			parts = append(parts, fmt.Sprintf("str=%q", t.Str))
		case TokLong:
			parts = append(parts, fmt.Sprintf("long=%d", t.Int))
		case TokReal:
			parts = append(parts, fmt.Sprintf("real=%g", t.Float))
		case TokTimespan:
			parts = append(parts, fmt.Sprintf("ts=%d", t.Ticks))
		case TokIdent:
			parts = append(parts, "id:"+t.Text)
		case TokOp:
			parts = append(parts, "op:"+t.Text)
		case TokGoo:
			parts = append(parts, "goo:"+t.GooKw+"("+t.Str+")")
		case TokGuidLit:
			parts = append(parts, "guid:"+t.Str)
		default:
			parts = append(parts, t.Kind.String()+":"+t.Text)
		}
	}
	return strings.Join(parts, " ")
}

// TestLexVectors covers kql-semantics.md §1.3 and §1.8.
func TestLexVectors(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  string // substring of the first error, "" for none
	}{
		// §1.3 string literals
		{`"a\tb"`, `str="a\tb"`, ""},
		{`'O\'Brien'`, `str="O'Brien"`, ""},
		{`@'O''Brien'`, `str="O'Brien"`, ""},
		{`@"\d+\.\d+"`, `str="\\d+\\.\\d+"`, ""},
		{`"\\d+"`, `str="\\d+"`, ""},
		{`"\d+"`, `str="+"`, `invalid escape sequence '\d'`},
		{`"a\.b"`, `str="ab"`, `invalid escape sequence '\.'`},
		{`"\u00e9"`, `str="é"`, ""},
		{`"\x41"`, `str="A"`, ""},
		{`"\101"`, `str="A"`, ""},
		{`"\0"`, `str="\x00"`, ""},
		{`"\U0001F600"`, `str="😀"`, ""},
		{`"\u00g1"`, `str="00g1"`, `expected 4 hexadecimal digits`},
		{`"a" "b"`, `str="ab"`, ""},
		{`"ab" // x` + "\n" + `'cd'`, `str="abcd"`, ""},
		{`"ab" // x` + "\r\n" + `@'c''d' h"e"`, `str="abc'de"`, ""},
		{`h'pw'`, `str="pw"`, ""},
		{`H@'x\y'`, `str="x\\y"`, ""},
		{"```x\\y```", `str="x\\y"`, ""},
		{"~~~a\nb~~~", `str="a\nb"`, ""},
		{"```open", `str="open"`, "unterminated multi-line"},
		{`"abc`, `str="abc"`, "unterminated string literal"},
		{"'a\nb'", `str="a" id:b str=""`, "unterminated string literal"},
		{`@"a`, `str="a"`, "unterminated string literal"},
		{`"say \"hi\""`, `str="say \"hi\""`, ""},
		{`@"say ""hi"""`, `str="say \"hi\""`, ""},
		{`"\a\b\f\n\r\t\v\'\""`, `str="\a\b\f\n\r\t\v'\""`, ""},
		// §1.8 tokens
		{`1..5`, `long=1 op:.. long=5`, ""},
		{`1.5..2.5`, `real=1.5 op:.. real=2.5`, ""},
		{`1...5`, `real=1 op:.. long=5`, ""},
		{`between (Time_start..Time_end)`, `id:between op:( id:Time_start op:.. id:Time_end op:)`, ""},
		{`1.5h`, `ts=54000000000`, ""},
		{`1e5`, `real=100000`, ""},
		{`1.`, `real=1`, ""},
		{`1E-7`, `real=1e-07`, ""},
		{`1.5e3`, `real=1500`, ""},
		{`0x1F`, `long=31`, ""},
		{`0X1f`, `long=31`, ""},
		{`100ns`, `id:100ns`, ""},
		{`1x`, `id:1x`, ""},
		{`1w`, `id:1w`, ""},
		{`1us`, `id:1us`, ""},
		{`1L`, `id:1L`, ""},
		{`5min`, `ts=3000000000`, ""},
		{`5m`, `ts=3000000000`, ""},
		{`5ms`, `ts=50000`, ""},
		{`!in~`, `op:!in~`, ""},
		{`!has_cs`, `op:!has_cs`, ""},
		{`!between`, `op:!between`, ""},
		{`in~`, `op:in~`, ""},
		{`!in`, `op:!in`, ""},
		{`!= !~ =~ <> <= >= == =>`, `op:!= op:!~ op:=~ op:<> op:<= op:>= op:== op:=>`, ""},
		{`matches regex`, `id:matches id:regex`, ""},
		{`has_any("a",` + " // c\n" + `"b")`, `id:has_any op:( str="a" op:, str="b" op:)`, ""},
		{`$left.DeviceId`, `id:$left op:. id:DeviceId`, ""},
		{`$right`, `id:$right`, ""},
		{"a\u00a0b\u200bc\ufeffd\u3000e\u2009f\u202fg", `id:a id:b id:c id:d id:e id:f id:g`, ""},
		{"a\tb\r\nc\fd", `id:a id:b id:c id:d`, ""},
		{`x // comment`, `id:x`, ""},
		{"x // c\u2028y", `id:x id:y`, ""},
		{`/* c */`, `illegal token:/* id:c op:* op:/`, "no /* */ block comments"},
		{`!x`, `op:! id:x`, ""},
		{"#connect cluster('x')\nT", `directive:#connect cluster('x') id:T`, "client directive"},
		{`datetime(2020-01-01 10:00)`, `goo:datetime(2020-01-01 10:00)`, ""},
		{`datetime (2020-01-01)`, `goo:datetime(2020-01-01)`, ""},
		{`typeof(string)`, `goo:typeof(string)`, ""},
		{`long(-1)`, `goo:long(-1)`, ""},
		{`datetime(2020`, `illegal token:datetime(2020`, "missing ')'"},
		{`74be27de-1e4e-49d9-b579-fe0b331d3642`, `guid:74be27de-1e4e-49d9-b579-fe0b331d3642`, ""},
		{`12345678-1234-1234-1234-12345678901`, `long=12345678 op:- long=1234 op:- long=1234 op:- long=1234 op:- long=12345678901`, ""},
		{`74be27de-1e4e-49d9-b579-fe0b331d3642x`, `id:74be27de op:- illegal token:1e4e op:- id:49d9 op:- id:b579 op:- id:fe0b331d3642x`, "malformed numeric literal"},
		{`a-b`, `id:a op:- id:b`, ""},
		{`é`, `illegal token:é`, "unexpected character"},
		{`a & b`, `id:a illegal token:& id:b`, "unexpected character"},
		{`9223372036854775808`, `long=0`, "out of range"},
		{`9223372036854775807`, `long=9223372036854775807`, ""},
		{`1.5x`, `illegal token:1.5x`, "malformed numeric literal"},
		{`2days 1tick 3microseconds 1nanosecond 10sec`, `ts=1728000000000 ts=1 ts=30 ts=0 ts=100000000`, ""},
		{`1d2`, `id:1d2`, ""},
		{`[ 'a b' ]`, `op:[ str="a b" op:]`, ""},
	}
	for _, tc := range tests {
		toks, errs := Lex(tc.in)
		if got := tokSummary(toks); got != tc.want {
			t.Errorf("Lex(%q) = %s, want %s", tc.in, got, tc.want)
		}
		switch {
		case tc.wantErr == "" && len(errs) > 0:
			t.Errorf("Lex(%q): unexpected error %v", tc.in, errs[0])
		case tc.wantErr != "" && len(errs) == 0:
			t.Errorf("Lex(%q): no error, want one containing %q", tc.in, tc.wantErr)
		case tc.wantErr != "" && !strings.Contains(errs[0].Msg, tc.wantErr):
			t.Errorf("Lex(%q): error %q, want one containing %q", tc.in, errs[0].Msg, tc.wantErr)
		}
	}
}

// TestTimespanSuffixes checks the whole suffix table of §1.5.
func TestTimespanSuffixes(t *testing.T) {
	units := map[int64][]string{
		TicksPerDay:         {"d", "day", "days"},
		TicksPerHour:        {"h", "hr", "hrs", "hour", "hours"},
		TicksPerMinute:      {"m", "min", "minute", "minutes"},
		TicksPerSecond:      {"s", "sec", "second", "seconds"},
		TicksPerMillisecond: {"ms", "milli", "millis", "millisec", "millisecond", "milliseconds"},
		TicksPerMicrosecond: {"micro", "micros", "microsec", "microsecond", "microseconds"},
		1:                   {"tick", "ticks"},
	}
	for per, suffixes := range units {
		for _, s := range suffixes {
			toks, errs := Lex("2" + s)
			if len(errs) > 0 || toks[0].Kind != TokTimespan || toks[0].Ticks != 2*per {
				t.Errorf("2%s: got %s (errors %v), want %d ticks", s, tokSummary(toks), errs, 2*per)
			}
		}
	}
	for _, s := range []string{"nano", "nanos", "nanosec", "nanosecond", "nanoseconds"} {
		toks, _ := Lex("300" + s)
		if toks[0].Kind != TokTimespan || toks[0].Ticks != 3 {
			t.Errorf("300%s: got %s, want 3 ticks", s, tokSummary(toks))
		}
	}
}

// TestPosition checks line and column computation (columns in characters).
func TestPosition(t *testing.T) {
	src := "ab\r\nc\té\nx\ry"
	tests := []struct {
		off       int
		line, col int
	}{
		{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {4, 2, 1}, {5, 2, 2}, {6, 2, 3}, {8, 2, 4}, {9, 3, 1}, {11, 4, 1}, {100, 4, 2},
	}
	for _, tc := range tests {
		if l, c := Position(src, Pos(tc.off)); l != tc.line || c != tc.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}
