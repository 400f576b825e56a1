package ruletest

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/report"
	"github.com/rmmhunt/rmmhunt/schema"
)

func TestValue(t *testing.T) {
	ts := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   any
		typ  types.Type
		want string // report.Text of the result
		null bool
		err  string
	}{
		{"string as given", "AnyDesk.exe", types.String, "AnyDesk.exe", false, ""},
		{"string null is empty", nil, types.String, "", false, ""},
		{"string from int", 42, types.String, "42", false, ""},
		{"string from bool", true, types.String, "true", false, ""},
		{"string from real", 1.5, types.String, "1.5", false, ""},
		{"string from timestamp", ts, types.String, "2026-03-07T10:00:00Z", false, ""},
		{"long from int", 7, types.Long, "7", false, ""},
		{"long from string", " 12 ", types.Long, "12", false, ""},
		{"long from integral real", 3.0, types.Long, "3", false, ""},
		{"long from uint64", uint64(9), types.Long, "9", false, ""},
		{"long too big", uint64(math.MaxUint64), types.Long, "", false, "does not fit a long"},
		{"long from fraction", 1.5, types.Long, "", false, "not an integer"},
		{"long from word", "many", types.Long, "", false, `"many" is not an integer`},
		{"long from bool", true, types.Long, "", false, "not an integer"},
		{"long null", nil, types.Long, "", true, ""},
		{"int range", 1 << 40, types.Int, "", false, "does not fit an int"},
		{"int", 443, types.Int, "443", false, ""},
		{"real from int", 2, types.Real, "2.0", false, ""},
		{"real from string", "2.5", types.Real, "2.5", false, ""},
		{"real NaN", "NaN", types.Real, "NaN", false, ""},
		{"real lower-case inf is not Kusto", "inf", types.Real, "", false, "not a number"},
		{"decimal", 0.25, types.Decimal, "0.25", false, ""},
		{"datetime from timestamp", ts, types.DateTime, "2026-03-07T10:00:00.0000000Z", false, ""},
		{"datetime from string", "2026-03-07T10:00:00.5Z", types.DateTime, "2026-03-07T10:00:00.5000000Z", false, ""},
		{"datetime empty is null", "", types.DateTime, "", true, ""},
		{"datetime bad", "yesterday", types.DateTime, "", false, "not a datetime"},
		{"datetime from number", 5, types.DateTime, "", false, "is not a datetime"},
		{"timespan", "1d", types.TimeSpan, "1.00:00:00", false, ""},
		{"timespan clock", "00:05:00", types.TimeSpan, "00:05:00", false, ""},
		{"timespan bad", "soon", types.TimeSpan, "", false, "not a timespan"},
		// Kusto's tostring(): bools are True/False, datetimes have 7 fraction digits.
		{"bool", false, types.Bool, "False", false, ""},
		{"bool from 1", 1, types.Bool, "True", false, ""},
		{"bool from 2", 2, types.Bool, "", false, "is not a bool"},
		{"bool from string", "TRUE", types.Bool, "True", false, ""},
		{"bool from word", "yes", types.Bool, "", false, "is not a bool"},
		{"guid", "{1B4E28BA-2FA1-11D2-883F-0016D3CCA427}", types.Guid, "1b4e28ba-2fa1-11d2-883f-0016d3cca427", false, ""},
		{"guid bad", "1b4e28ba", types.Guid, "", false, "not a guid"},
		{"dynamic json text", `{"b":1,"a":[true,null]}`, types.Dynamic, `{"b":1,"a":[true,null]}`, false, ""},
		{"dynamic plain text", "not json", types.Dynamic, "not json", false, ""},
		{"dynamic json null", "null", types.Dynamic, "", true, ""},
		{"dynamic mapping sorted", map[string]any{"z": 1, "a": "x"}, types.Dynamic, `{"a":"x","z":1}`, false, ""},
		{"dynamic list", []any{1, "two", 3.5, nil}, types.Dynamic, `[1,"two",3.5,null]`, false, ""},
		{"dynamic mapping with int keys", map[any]any{1: "x"}, types.Dynamic, `{"1":"x"}`, false, ""},
		{"dynamic timestamp", []any{ts}, types.Dynamic, `["2026-03-07T10:00:00.0000000Z"]`, false, ""},
		{"unsupported type", "x", types.Unknown, "", false, "not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Value(tc.in, tc.typ)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Value(%#v, %s) error = %v, want one containing %q", tc.in, tc.typ, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Value(%#v, %s): %v", tc.in, tc.typ, err)
			}
			if v.T != tc.typ {
				t.Errorf("type %s, want %s", v.T, tc.typ)
			}
			if v.IsNull() != tc.null {
				t.Errorf("null = %v, want %v", v.IsNull(), tc.null)
			}
			if got := report.Text(v); got != tc.want {
				t.Errorf("text %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTable(t *testing.T) {
	tab, ok := schema.Lookup("DeviceNetworkEvents")
	if !ok {
		t.Fatal("no DeviceNetworkEvents schema")
	}
	tests := []struct {
		name string
		rows []map[string]any
		err  string
	}{
		{"ok", []map[string]any{{"Timestamp": "2026-03-07T10:00:00Z", "RemoteUrl": "anydesk.com", "RemotePort": 443}}, ""},
		{"TimeGenerated resolves to Timestamp", []map[string]any{{"TimeGenerated": "2026-03-07T10:00:00Z"}}, ""},
		{"misspelt column", []map[string]any{{"RemoteURL": "x"}}, "RemoteURL is not a column of DeviceNetworkEvents; did you mean RemoteUrl?"},
		{"unknown column", []map[string]any{{}, {"AccountUpn": "x"}}, "row 2: AccountUpn is not a column"},
		{"both time names", []map[string]any{{"Timestamp": "2026-03-07T10:00:00Z", "TimeGenerated": "2026-03-07T11:00:00Z"}}, "both give column Timestamp"},
		{"bad value", []map[string]any{{"RemotePort": "https"}}, "RemotePort (int): \"https\" is not an integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cols, rows, err := Table(tab, tc.rows)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) != len(tab.Columns) || len(rows) != len(tc.rows) {
				t.Fatalf("%d columns, %d rows", len(cols), len(rows))
			}
			for i, c := range cols {
				if rows[0][i].T != c.Type {
					t.Errorf("column %s: value of type %s", c.Name, rows[0][i].T)
				}
				// Missing cells are null; strings are "".
				if _, given := tc.rows[0][c.Name]; !given && c.Name != "Timestamp" {
					if c.Type == types.String && (!rows[0][i].Valid || rows[0][i].S != "") || c.Type != types.String && rows[0][i].Valid {
						t.Errorf("column %s: missing cell is %+v, want null", c.Name, rows[0][i])
					}
				}
			}
		})
	}
}

// FuzzValue: Value never panics, and a value it accepts has the asked type
// and renders to text that converts back to the same text.
func FuzzValue(f *testing.F) {
	for _, s := range []string{"", "1", "-2.5", "NaN", "2026-03-07T10:00:00Z", "1d", "true", `{"a":[1]}`, "{1b4e28ba-2fa1-11d2-883f-0016d3cca427}", "1e400"} {
		for typ := types.Bool; typ <= types.Dynamic; typ++ {
			f.Add(s, uint8(typ))
		}
	}
	f.Fuzz(func(t *testing.T, s string, typ uint8) {
		tt := types.Type(typ%uint8(types.Dynamic)) + 1
		v, err := Value(s, tt)
		if err != nil {
			return
		}
		if v.T != tt {
			t.Fatalf("Value(%q, %s) has type %s", s, tt, v.T)
		}
		text := report.Text(v)
		if v.IsNull() || tt == types.Dynamic || tt == types.Decimal || tt == types.Real {
			return
		}
		again, err := Value(text, tt)
		if err != nil {
			t.Fatalf("Value(%q, %s) renders %q, which does not convert back: %v", s, tt, text, err)
		}
		if report.Text(again) != text {
			t.Fatalf("Value(%q, %s): %q then %q", s, tt, text, report.Text(again))
		}
	})
}
