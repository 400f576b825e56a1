package exclusions

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePrecedence(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`a == "x" and b == "y" or c == "z"`, `(a == "x" and b == "y") or c == "z"`},
		{`a == "x" or b == "y" and c == "z"`, `a == "x" or (b == "y" and c == "z")`},
		{`a == "x" and (b == "y" or c == "z")`, `a == "x" and (b == "y" or c == "z")`},
		{`not a == "x" and b == "y"`, `not a == "x" and b == "y"`},
		{`not (a == "x" or b == "y")`, `not (a == "x" or b == "y")`},
		{`not not a == "x"`, `not not a == "x"`},
		{`a == "x" or b == "y" or c == "z"`, `(a == "x" or b == "y") or c == "z"`},
		{`A == 1 AND b != 2 Or c contains "q"`, `(A == 1 and b != 2) or c contains "q"`},
		{`((a == 1))`, `a == 1`},
		{`x in ("a", 'b', @"C:\t")`, `x in ("a", "b", @"C:\t")`},
		{`x in (1,2 ,3)`, `x in (1, 2, 3)`},
		{`x == -5 or y == 1.25`, `x == -5 or y == 1.25`},
		{`p.q.r startswith 'it\'s' and s endswith "a\"b"`, `p.q.r startswith "it's" and s endswith "a\"b"`},
		{`x == @'say ''hi'''`, `x == "say 'hi'"`},
		{`x == "tab\there"`, `x == "tab\there"`},
		{"a == 1\n  and\n  b == 2", `a == 1 and b == 2`},
	}
	for _, tt := range tests {
		e, err := ParseWhen(tt.in)
		if err != nil {
			t.Errorf("ParseWhen(%q): %v", tt.in, err)
			continue
		}
		if got := FormatParenthesized(e); got != tt.want {
			t.Errorf("ParseWhen(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestFormatKeepsAuthorsParentheses(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a == 1 and (b == 2 or c == 3)`, `a == 1 and (b == 2 or c == 3)`},
		{`a == 1 and b == 2 or c == 3`, `a == 1 and b == 2 or c == 3`},
		{`( a == 1 )`, `(a == 1)`},
		{`not(a == 1)`, `not (a == 1)`},
	}
	for _, tt := range tests {
		e, err := ParseWhen(tt.in)
		if err != nil {
			t.Fatalf("ParseWhen(%q): %v", tt.in, err)
		}
		if got := Format(e); got != tt.want {
			t.Errorf("Format(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, pos, msg string
	}{
		{``, "1:1", "empty expression"},
		{`process.name = "x"`, "1:14", "unexpected '='; compare with =="},
		{`process.name =~ "x"`, "1:14", "=~ is KQL"},
		{`process.name == `, "1:17", "expression ends after =="},
		{`process.name == "x`, "1:17", "not terminated"},
		{`process.name == "x" process.name == "y"`, "1:21", "missing and/or?"},
		{`a in ()`, "1:7", "may not be empty"},
		{`a in ("x",)`, "1:11", "may not be empty or end with a comma"},
		{`a in "x"`, "1:6", "expected '(' after in"},
		{`"x" == a`, "1:1", "the field goes on the left"},
		{`a == b`, "1:6", "comparing two fields is not supported"},
		{`(a == "x"`, "1:10", "expected ')'"},
		{`a == "C:\Windows"`, "1:9", `unknown escape \W`},
		{`a == 1 && b == 2`, "1:8", `write and`},
		{`a == 1 || b == 2`, "1:8", `write or`},
		{`a not in ("x")`, "1:3", "'not' goes before a comparison"},
		{`a == 12abc`, "1:6", "invalid number"},
		{`a. == 1`, "1:1", "invalid field name"},
		{`a == 1 and`, "1:11", "expression ends too early"},
		{`and == 1`, "1:1", `found keyword "and"`},
		{`a == 1 and ; b`, "1:12", "unexpected character ';'"},
		{"a == 1\nor b ==", "2:8", "expression ends after =="},
		{"a == \"x\ny\"", "1:6", "not terminated before the end of the line"},
		{`a == "x" ! b`, "1:10", "unexpected '!'"},
		{strings.Repeat("(", 201) + "a == 1" + strings.Repeat(")", 201), "1:201", "nested more than 200 levels"},
		{"a == \"\xff\"", "1:7", "invalid UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseWhen(tt.in)
		if err == nil {
			t.Errorf("ParseWhen(%q): no error, want %s: %s", tt.in, tt.pos, tt.msg)
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("ParseWhen(%q): error %T, want *Error", tt.in, err)
		}
		got := pe.Pos.String()
		if got != tt.pos || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("ParseWhen(%q) = %s: %s\nwant %s: …%s…", tt.in, got, pe.Msg, tt.pos, tt.msg)
		}
		if pe.Code != CodeSyntax {
			t.Errorf("ParseWhen(%q): code %q, want syntax", tt.in, pe.Code)
		}
	}
}

// checkRoundTrip asserts the printer invariants on a parsed expression:
// Format and FormatParenthesized both parse back to the same grouping.
func checkRoundTrip(t *testing.T, src string, e Expr) {
	t.Helper()
	want := FormatParenthesized(e)
	for _, text := range []string{Format(e), want} {
		e2, err := ParseWhen(text)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", src, text, err)
		}
		if got := FormatParenthesized(e2); got != want {
			t.Fatalf("%q printed as %q, which parses as %q, want %q", src, text, got, want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, src := range append(seedWhens, `not (a == 1 or b in ("x", @"y\z")) and c != "q\"" or d endswith "\n"`) {
		e, err := ParseWhen(src)
		if err != nil {
			t.Fatal(err)
		}
		checkRoundTrip(t, src, e)
	}
}

// seedWhens are the seed document's five Filter/Exclusion expressions.
var seedWhens = []string{
	`process.name == "MSP360Backup.exe" or process.name == "CloudBerryBackup.exe"`,
	`process.name == "CloudBerrySync.exe" or destination_ip == "cloudberry.com"`,
	`user == "ITAdminUser" or process.name == "MSP360Monitor.exe"`,
	`process.name == "CloudBerryAgent.exe" and destination_port == 445 or destination_port == 139`,
	`process.name == "powershell.exe" and command_line contains "Invoke-Command" or user == "ITAdminUser"`,
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range seedWhens {
		f.Add(s)
	}
	for _, s := range []string{
		`not (a == 1 or b in ("x", @"y\z")) and c != "q\""`,
		`x in (1, -2, 3.5)`, `((a == 'b'))`, `a == "\t"`, `@"`, `a == 1e5`, "a ==\n1",
	} {
		f.Add(s)
	}
	sch := MapSchema{"T": {
		"InitiatingProcessFileName": "string", "RemotePort": "int", "RemoteIP": "string",
		"InitiatingProcessAccountName": "string", "InitiatingProcessCommandLine": "string",
	}}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseWhen(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1 {
				t.Fatalf("ParseWhen(%q): error without a position: %v", src, err)
			}
			return
		}
		checkRoundTrip(t, src, e)
		ex := &Exclusion{ID: "fuzz", When: e, WhenText: src}
		if c, err := ex.Compile("T", sch); err == nil && c.KQL == "" {
			t.Fatalf("Compile(%q) gave an empty predicate", src)
		}
		l := &Linter{Schema: sch}
		_ = l.lintOne(ex, testNow)
	})
}
