package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestVisible(t *testing.T) {
	for _, tt := range []struct{ in, want, lines string }{
		{"plain text", "plain text", "plain text"},
		{`C:\Windows\System32\cmd.exe`, `C:\Windows\System32\cmd.exe`, `C:\Windows\System32\cmd.exe`},
		{"dévice-ü 日本", "dévice-ü 日本", "dévice-ü 日本"},
		{"\x1b[2J\x1b]0;pwned\x07", `\x1b[2J\x1b]0;pwned\x07`, `\x1b[2J\x1b]0;pwned\x07`},
		{"ok\rEVIL", `ok\rEVIL`, `ok\rEVIL`},
		{"a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"nul\x00del\x7f", `nul\x00del\x7f`, `nul\x00del\x7f`},
		{"c1 \u009b31m \u0085", `c1 \u009b31m \u0085`, `c1 \u009b31m \u0085`},
		{"invoice\u202egpj.exe", `invoice\u202egpj.exe`, `invoice\u202egpj.exe`},
		{"\u2066x\u2069 \u200e\u200f\u061c \u2028\u2029", `\u2066x\u2069 \u200e\u200f\u061c \u2028\u2029`, `\u2066x\u2069 \u200e\u200f\u061c \u2028\u2029`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`, `bad \xff\xfe utf8`},
	} {
		if got := Visible(tt.in); got != tt.want {
			t.Errorf("Visible(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := VisibleLines(tt.in); got != tt.lines {
			t.Errorf("VisibleLines(%q) = %q, want %q", tt.in, got, tt.lines)
		}
	}
}

// hostile are values a telemetry export can carry that would act on a
// terminal printed raw: clear screen, window title and bell, carriage
// return overwriting, an 8-bit CSI, a right-to-left override.
var hostile = []string{"\x1b[2J\x1b]0;owned\x07", "ok\rFAKE", "x\u009b31my", "invoice\u202egpj.exe", "nul\x00", "a\nb"}

// rawControl reports the first character of s a terminal would act on,
// allowing line feeds (the writer's own) and, when ansi, the report's own
// SGR colour sequences.
func rawControl(s string, ansi bool) (rune, bool) {
	if ansi {
		for _, seq := range []string{ansiReset, ansiBold, ansiDim, "\x1b[1;31m", "\x1b[1;33m", "\x1b[36m"} {
			s = strings.ReplaceAll(s, seq, "")
		}
	}
	for _, r := range s {
		if r != '\n' && unsafeRune(r) {
			return r, true
		}
	}
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	return 0, false
}

func hostileHunt() *Hunt {
	h := sampleHunt()
	for i, f := range append(append([]*Finding{}, h.Findings...), h.Suppressed...) {
		f.Row[0] = str(hostile[i%len(hostile)] + "-dev")
		f.Row[3] = str(strings.Join(hostile, " "))
	}
	h.Findings[0].Rule.Name = "Rule \x1b[31mred\x1b[0m \u202eeman"
	h.Findings[0].Tool = "Any\x07Desk"
	h.Findings[0].Sanctioned = &Sanction{Tool: "Any\x07Desk", Reason: "help\rdesk"}
	h.Summary.Notes = []string{"note with \x1b]0;title\x07"}
	h.Summary.Inputs[0].File = "evil\x1b[2J.jsonl"
	h.Summary.Inputs[0].Format = "unrecognized"
	h.Suppressed[0].SuppressedBy[0].Owner = "soc\x1b[8m"
	return h
}

// TestTerminalEscapesHostileValues: no control character from the data
// reaches the terminal report, the query table or their column names, in
// any mode; each shows as a visible escape.
func TestTerminalEscapesHostileValues(t *testing.T) {
	for _, o := range []TextOptions{{}, {Wide: true}, {Color: true, Width: 80}, {Color: true, Width: 300}} {
		var b bytes.Buffer
		if err := WriteHuntText(&b, hostileHunt(), o); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if r, bad := rawControl(out, o.Color); bad {
			t.Errorf("%+v: terminal report prints %U raw:\n%q", o, r, out)
		}
		for _, want := range []string{`\x1b[2J\x1b]0;owned\x07`, `Rule \x1b[31mred\x1b[0m \u202eeman`, `Any\x07Desk`, `note with \x1b]0;title\x07`, `evil\x1b[2J.jsonl`} {
			if !strings.Contains(out, want) {
				t.Errorf("%+v: terminal report lacks the visible escape %q:\n%s", o, want, out)
			}
		}
	}
	tab := Table{Columns: []types.Column{{Name: "col\x1b[1m", Type: types.String}}}
	for _, h := range hostile {
		tab.Rows = append(tab.Rows, types.Row{str(h)})
	}
	for _, o := range []TableOptions{{}, {MaxWidth: 10}, {MaxWidth: 48, FitWidth: 20, Priority: columnPriority}} {
		var b bytes.Buffer
		if err := WriteText(&b, tab, o); err != nil {
			t.Fatal(err)
		}
		if r, bad := rawControl(b.String(), false); bad {
			t.Errorf("%+v: table prints %U raw:\n%q", o, r, b.String())
		}
		if !strings.Contains(b.String(), `col\x1b[1m`) || !strings.Contains(b.String(), `ok\rFAKE`) {
			t.Errorf("%+v: table lacks visible escapes:\n%s", o, b.String())
		}
	}
}

// TestMachineFormatsKeepHostileValues: JSON and CSV carry the data exactly
// (JSON escapes it by its own rules; CSV holds it quoted, byte for byte).
func TestMachineFormatsKeepHostileValues(t *testing.T) {
	h := hostileHunt()
	want := strings.Join(hostile, " ")
	var js bytes.Buffer
	if err := WriteHuntJSONLines(&js, h); err != nil {
		t.Fatal(err)
	}
	for _, r := range strings.TrimSuffix(js.String(), "\n") {
		if r < 0x20 && r != '\n' {
			t.Errorf("JSON lines hold %U raw (JSON escapes C0 controls)", r)
		}
	}
	var doc struct{ Row map[string]any }
	if err := json.Unmarshal([]byte(strings.SplitN(js.String(), "\n", 2)[0]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Row["ProcessCommandLine"] != want {
		t.Errorf("JSON value %q, want %q", doc.Row["ProcessCommandLine"], want)
	}
	var c bytes.Buffer
	if err := WriteHuntCSV(&c, h); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, name := range recs[0] {
		if name == "ProcessCommandLine" {
			col = i
		}
	}
	if col < 0 || recs[1][col] != strings.ReplaceAll(want, "\r", "\n") && recs[1][col] != want {
		t.Errorf("CSV value %q, want %q", recs[1][col], want)
	}
}

// FuzzVisible: the result never holds a character a terminal acts on, and
// text without one comes back unchanged.
func FuzzVisible(f *testing.F) {
	for _, s := range append([]string{"", "plain", `C:\x`, "日本"}, hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Visible(s)
		if r, bad := rawControl(v, false); bad || strings.ContainsRune(v, '\n') {
			t.Fatalf("Visible(%q) = %q holds %U", s, v, r)
		}
		if _, bad := rawControl(s, false); !bad && !strings.ContainsRune(s, '\n') && v != s {
			t.Fatalf("Visible changed clean text %q to %q", s, v)
		}
		vl := VisibleLines(s)
		if r, bad := rawControl(strings.ReplaceAll(vl, "\t", ""), false); bad {
			t.Fatalf("VisibleLines(%q) = %q holds %U", s, vl, r)
		}
		if strings.Count(vl, "\n") != strings.Count(s, "\n") {
			t.Fatalf("VisibleLines(%q) = %q changed the line feeds", s, vl)
		}
	})
}
