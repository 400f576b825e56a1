package types

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func TestFormatDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"2020-01-01", "2020-01-01T00:00:00.0000000Z"},
		{"2020-01-01 10:00:00.123", "2020-01-01T10:00:00.1230000Z"},
		{"2014-05-25T08:20:03.123456Z", "2014-05-25T08:20:03.1234560Z"},
		{"2014-05-25T08:20", "2014-05-25T08:20:00.0000000Z"},
		{"2015-12-31 23:59:59.9", "2015-12-31T23:59:59.9000000Z"},
		{"0001-01-01", "0001-01-01T00:00:00.0000000Z"},
		{"9999-12-31 23:59:59.9999999", "9999-12-31T23:59:59.9999999Z"},
		{"2021-09-02T18:23:41Z", "2021-09-02T18:23:41.0000000Z"},
		{"2022-11-09T17:43:28.18835Z", "2022-11-09T17:43:28.1883500Z"},
		{"2026-08-08 08:33:15.100", "2026-08-08T08:33:15.1000000Z"},
		{"2020-01-01T02:00:00+02:00", "2020-01-01T00:00:00.0000000Z"},
		{"1969-12-31T23:59:59.9999999Z", "1969-12-31T23:59:59.9999999Z"},
	}
	for _, tc := range tests {
		ticks, ok := ParseDateTime(tc.in)
		if !ok {
			t.Errorf("ParseDateTime(%q) failed", tc.in)
			continue
		}
		if got := FormatDateTime(ticks); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"2020-02-30", "2020-13-01", "not a date", "", "2020-01-01T25:00"} {
		if _, ok := ParseDateTime(bad); ok {
			t.Errorf("ParseDateTime(%q) succeeded", bad)
		}
	}
	// tick facts from kql-semantics §4.1
	if v, _ := ParseDateTime("1970-01-01"); v != UnixEpochTicks {
		t.Errorf("1970 ticks %d", v)
	}
	if v, _ := ParseDateTime("2020-01-01"); v != 637134336000000000 {
		t.Errorf("2020 ticks %d", v)
	}
}

func TestTimeSpan(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"1.02:03:04", "1.02:03:04"},
		{"01:00:00", "01:00:00"},
		{"1d", "1.00:00:00"},
		{"90s", "00:01:30"},
		{"-1d", "-1.00:00:00"},
		{"1.5h", "01:30:00"},
		{"100ms", "00:00:00.1000000"},
		{"1tick", "00:00:00.0000001"},
		{"-1.02:03:04.5", "-1.02:03:04.5000000"},
	}
	for _, tc := range tests {
		ticks, ok := ParseTimeSpan(tc.in)
		if !ok {
			t.Errorf("ParseTimeSpan(%q) failed", tc.in)
			continue
		}
		if got := FormatTimeSpan(ticks); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"1.5", "abc", "", "1w", "25:00:00"} {
		if _, ok := ParseTimeSpan(bad); ok {
			t.Errorf("ParseTimeSpan(%q) succeeded", bad)
		}
	}
}

func TestToString(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{NewBool(true), "True"},
		{NewLong(-9), "-9"},
		{NewReal(1.5), "1.5"},
		{NewReal(1), "1.0"},
		{NewReal(1500), "1500.0"},
		{NewReal(math.Inf(1)), "inf"},
		{NewReal(math.NaN()), "NaN"},
		{NewReal(math.Copysign(0, -1)), "-0.0"},
		{Null(Long), ""},
		{Null(String), ""},
		{NewGuid("74BE27DE-1E4E-49D9-B579-FE0B331D3642"), "74be27de-1e4e-49d9-b579-fe0b331d3642"},
		{NewDynamic("3"), "3"},
		{NewDynamic(true), "true"},
		{Null(Dynamic), ""},
	}
	for _, tc := range tests {
		if got := ToString(tc.v); got != tc.want {
			t.Errorf("ToString(%+v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	d, err := ParseJSON(`{"b":2,"a":[1,1.5,"x",null,true,{"c":{}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := DynamicJSON(d, false); got != `{"b":2,"a":[1,1.5,"x",null,true,{"c":{}}]}` {
		t.Errorf("insertion order: %s", got)
	}
	if got := DynamicToString(d); got != `{"a":[1,1.5,"x",null,true,{"c":{}}],"b":2}` {
		t.Errorf("tostring sorts keys: %s", got)
	}
	if _, err := ParseJSON(`{"a":1} x`); err == nil {
		t.Error("trailing data accepted")
	}
	if k := DynamicKind(int64(1)); k != "long" {
		t.Errorf("kind %s", k)
	}
}

func FuzzParseDateTime(f *testing.F) {
	f.Add("2020-01-01T10:00:00.1234567Z")
	f.Add("Sat, 8 Nov 2014 15:05:02 GMT")
	f.Fuzz(func(t *testing.T, s string) {
		if ticks, ok := ParseDateTime(s); ok {
			if ticks < 0 || ticks > MaxDateTimeTicks {
				t.Fatalf("%q parsed out of range: %d", s, ticks)
			}
			back, ok := ParseDateTime(FormatDateTime(ticks))
			if !ok || back != ticks {
				t.Fatalf("%q: format/parse round trip %d -> %s -> %d", s, ticks, FormatDateTime(ticks), back)
			}
		}
	})
}

func FuzzParseTimeSpan(f *testing.F) {
	f.Add("1.02:03:04.5")
	f.Add("90s")
	f.Fuzz(func(t *testing.T, s string) {
		if ticks, ok := ParseTimeSpan(s); ok {
			if back, ok := ParseTimeSpan(FormatTimeSpan(ticks)); !ok || back != ticks {
				t.Fatalf("%q: round trip %d -> %s -> %d", s, ticks, FormatTimeSpan(ticks), back)
			}
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add(`{"a":[1,2,{"b":null}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseJSON(s)
		if err != nil {
			return
		}
		again, err := ParseJSON(DynamicJSON(d, false))
		if err != nil || !DynamicEqual(d, again) {
			t.Fatalf("%q: re-parse of %s failed: %v", s, DynamicJSON(d, false), err)
		}
	})
}

// TestParseISOAgreesWithTimeDate: the arithmetic date conversion gives
// what time.Date gives, for every day of years around the edges and the
// leap rules, and rejects days a month does not have.
func TestParseISOAgreesWithTimeDate(t *testing.T) {
	for _, year := range []int{1, 2, 3, 4, 99, 100, 399, 400, 1600, 1700, 1900, 1969, 1970, 1999, 2000, 2024, 2026, 2100, 9999} {
		for month := 1; month <= 12; month++ {
			for day := 1; day <= 31; day++ {
				s := fmt.Sprintf("%04d-%02d-%02dT13:45:07.1234567Z", year, month, day)
				got, ok := ParseDateTime(s)
				tm := time.Date(year, time.Month(month), day, 13, 45, 7, 123456700, time.UTC)
				valid := tm.Day() == day
				if ok != valid || ok && got != TicksFromTime(tm) {
					t.Fatalf("%s: %d %v, want %d %v", s, got, ok, TicksFromTime(tm), valid)
				}
			}
		}
	}
}
