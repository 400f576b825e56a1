package syntax

import (
	"strings"
	"testing"
	"time"
)

var fuzzSeeds = []string{
	`T | where a > 1 and b has_any ("x", "y") | summarize count() by bin(Timestamp, 1h)`,
	"let x = now(-5d);\nT\n| where Timestamp between (x..now())\n| where Url has_any (\n  'a', // c\n  'b',\n)",
	`datatable(a:long, b:dynamic)[1, dynamic({"k": [1, 2]}), -2, dynamic(null)] | mv-expand b to typeof(long)`,
	`T | join kind=leftouter (U | where x in (V | distinct y)) on $left.a == $right.b | project-away *Id`,
	`T | parse kind=regex Msg with * @"\d+" n:long "x" rest | top 5 by n desc nulls first`,
	`let f = (a:string, b:long = 5) { T | take b }; f("x") | render timechart with (title="x")`,
	`print datetime(2020-01-01 10:00:00.123), timespan(1.02:03:04), guid(74be27de-1e4e-49d9-b579-fe0b331d3642), real(nan), "a\tb" 'c' @"d""e"`,
	"T | where s matches regex \"[a-z]\" or s !contains_cs h'x' | mv-apply e = arr on (summarize max(e))",
	"```multi\nline``` ~~~x~~~ #dir\n/* */ !x \"\\d\" 100ns 1..5 0x1F 1e5 1.",
	`(((((((((((a)))))))))))`,
	`union withsource=S T*, (U | count) | make-series c = count() default = 0 on t from 1 to 2 step 1 by k`,
	`T | top-nested 2 of a with others = "o" by s = sum(v), top-nested of b by max(v) | fork (take 1) (count)`,
}

// FuzzLex checks that the lexer terminates, does not panic, yields tokens
// that cover increasing, in-range offsets, and ends with EOF.
func FuzzLex(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks, _ := Lex(src)
		if len(toks) == 0 || toks[len(toks)-1].Kind != TokEOF {
			t.Fatalf("token stream does not end with EOF")
		}
		last := Pos(0)
		for _, tk := range toks {
			if tk.Pos < last || tk.End < tk.Pos || int(tk.End) > len(src) {
				t.Fatalf("bad token span %d..%d after %d (len %d): %v", tk.Pos, tk.End, last, len(src), tk)
			}
			if tk.Kind != TokEOF && tk.End == tk.Pos {
				t.Fatalf("empty token %v", tk)
			}
			last = tk.End
		}
	})
}

// FuzzParse checks that the parser terminates quickly and does not panic,
// that errors carry valid positions, that spans nest, and that any query
// that parses without errors prints to text that parses to the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 1<<16 {
			return
		}
		start := time.Now()
		q, errs := Parse(src, Options{})
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("parse took %v", d)
		}
		for _, e := range errs {
			if e.Offset < 0 || int(e.Offset) > len(src) || e.Line < 1 || e.Col < 1 {
				t.Fatalf("bad error position %+v", e)
			}
		}
		checkSpans(t, "fuzz", q)
		if len(errs) > 0 {
			return
		}
		text := Print(q)
		q2, errs2 := Parse(text, Options{})
		if len(errs2) > 0 {
			t.Fatalf("printed form does not parse: %v\ninput: %q\nprinted: %q", errs2, src, text)
		}
		if text2 := Print(q2); text2 != text {
			t.Fatalf("printing not stable\ninput: %q\nfirst: %q\nsecond: %q", src, text, text2)
		}
		if _, err := ParseExpr(strings.TrimSpace(src)); err == nil {
			_ = err
		}
	})
}
