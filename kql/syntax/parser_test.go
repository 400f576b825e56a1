package syntax

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// sexpr renders an expression tree compactly for comparisons.
func sexpr(n Node) string {
	switch x := n.(type) {
	case nil:
		return "nil"
	case *Ident:
		return x.Name
	case *Literal:
		if x.Null {
			return x.Kind.String() + "(null)"
		}
		switch x.Kind {
		case LitString:
			return strconv.Quote(x.Str)
		case LitLong, LitInt:
			return strconv.FormatInt(x.Int, 10)
		case LitReal, LitDecimal:
			return strconv.FormatFloat(x.Real, 'g', -1, 64)
		case LitBool:
			return strconv.FormatBool(x.Bool)
		case LitTimespan:
			return "ts:" + strconv.FormatInt(x.Ticks, 10)
		case LitDateTime:
			return "dt:" + FormatDateTime(x.Ticks)
		case LitGuid:
			return "guid:" + x.Str
		}
	case *BinaryExpr:
		return x.Op + "(" + sexpr(x.X) + "," + sexpr(x.Y) + ")"
	case *InExpr:
		var el []string
		for _, e := range x.List {
			el = append(el, sexpr(e))
		}
		return x.Op + "(" + sexpr(x.X) + ",[" + strings.Join(el, ",") + "])"
	case *BetweenExpr:
		op := "between"
		if x.Not {
			op = "!between"
		}
		return op + "(" + sexpr(x.X) + "," + sexpr(x.Lo) + "," + sexpr(x.Hi) + ")"
	case *UnaryExpr:
		if x.Op == "-" {
			return "neg(" + sexpr(x.X) + ")"
		}
		return "pos(" + sexpr(x.X) + ")"
	case *ParenExpr:
		return "(" + sexpr(x.X) + ")"
	case *CallExpr:
		var el []string
		for _, e := range x.Args {
			el = append(el, sexpr(e))
		}
		return sexpr(x.Fun) + "(" + strings.Join(el, ",") + ")"
	case *MemberExpr:
		return sexpr(x.X) + "." + x.Name.Name
	case *IndexExpr:
		return sexpr(x.X) + "[" + sexpr(x.Index) + "]"
	case *StarExpr:
		return "*"
	case *WildcardName:
		return "pattern:" + x.Pattern
	case *NamedExpr:
		var el []string
		for _, id := range x.Names {
			el = append(el, id.Name)
		}
		return strings.Join(el, ",") + "=" + sexpr(x.Value)
	case *PipeExpr:
		return "pipe(" + sexpr(x.X) + "," + x.Op.OpName() + ")"
	case *DynamicLit:
		return "dynamic(" + Print(x.Value) + ")"
	case *TypeofExpr:
		return Print(x)
	case *BadExpr:
		return "BAD"
	}
	return fmt.Sprintf("<%T>", n)
}

// TestParseExprVectors covers kql-semantics.md §2.3 and more of the ladder.
func TestParseExprVectors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`A and B or C`, `or(and(A,B),C)`},
		{`A or B and C`, `or(A,and(B,C))`},
		{`not(A) and B`, `and(not(A),B)`},
		{`x + 1 > 2 and s has "a"`, `and(>(+(x,1),2),has(s,"a"))`},
		{`x > 1 == true`, `==(>(x,1),true)`},
		{`a + b has "x"`, `+(a,has(b,"x"))`},
		{`x between (1 .. 5) and y`, `and(between(x,1,5),y)`},
		{`x between (1..5)`, `between(x,1,5)`},
		{`x !between (now(-5d) .. now())`, `!between(x,now(neg(ts:4320000000000)),now())`},
		{`x in (1, 2) or y !in~ ("a")`, `or(in(x,[1,2]),!in~(y,["a"]))`},
		{`-x * 2`, `*(neg(x),2)`},
		{`x == y =~ "z"`, `==(x,=~(y,"z"))`},
		{`a - b - c`, `-(-(a,b),c)`},
		{`a / b * c % d`, `%(*(/(a,b),c),d)`},
		{`a * b + c * d`, `+(*(a,b),*(c,d))`},
		{`a < b + 1`, `<(a,+(b,1))`},
		{`x in~ ("A", "B")`, `in~(x,["A","B"])`},
		{`x !in (dynamic([1,2]))`, `!in(x,[dynamic([1, 2])])`},
		{`x has_any ("a", "b")`, `has_any(x,["a","b"])`},
		{`x has_all ('a')`, `has_all(x,["a"])`},
		{`x in (T | distinct a)`, `in(x,[pipe(T,distinct)])`},
		{`x has_any ((T | distinct URI))`, `has_any(x,[(pipe(T,distinct))])`},
		{`x in (L)`, `in(x,[L])`},
		{`x in("a")`, `in(x,["a"])`},
		{`s matches regex @"\d+"`, `matches regex(s,"\\d+")`},
		{`s !contains_cs "a" and s notlike "b%"`, `and(!contains_cs(s,"a"),notlike(s,"b%"))`},
		{`s !has "a" or s !startswith "b" or s hassuffix_cs "c"`, `or(or(!has(s,"a"),!startswith(s,"b")),hassuffix_cs(s,"c"))`},
		{`* has "x"`, `has(*,"x")`},
		{`d.a.b[0]["c"]`, `d.a.b[0]["c"]`},
		{`d['key name']`, `d["key name"]`},
		{`parse_json(x).[0].name`, `parse_json(x)[0].name`},
		{`['Column With Spaces'] == 1`, `==(Column With Spaces,1)`},
		{`$left.DeviceId == $right.DeviceId`, `==($left.DeviceId,$right.DeviceId)`},
		{`f(a, b = 2, *)`, `f(a,b=2,*)`},
		{`count()`, `count()`},
		{`cluster('c').database('d').T`, `cluster("c").database("d").T`},
		{`toscalar(T | summarize count())`, `toscalar(pipe(T,summarize))`},
		{`iff(x > 1, "a", "b")`, `iff(>(x,1),"a","b")`},
		{`"a" "b" // c` + "\n" + `'c'`, `"abc"`},
		{`true and TRUE and False`, `and(and(true,true),false)`},
		{`-5`, `neg(5)`},
		{`+5`, `pos(5)`},
		{`x - -1`, `-(x,neg(1))`},
		{`Col : "x"`, `:(Col,"x")`},
		{`(a or b) and c`, `and((or(a,b)),c)`},
		{`74be27de-1e4e-49d9-b579-fe0b331d3642 == g`, `==(guid:74be27de-1e4e-49d9-b579-fe0b331d3642,g)`},
		{`x in (1, 2,` + "\n// c\n" + `3)`, `in(x,[1,2,3])`},
		{`x !in~ // c` + "\n" + `("a")`, `!in~(x,["a"])`},
		{`typeof(string)`, `typeof(string)`},
		{`a == 1 and b == 2 and c == 3`, `and(and(==(a,1),==(b,2)),==(c,3))`},
		{`1x`, `1x`},
	}
	for _, tc := range tests {
		x, errs := ParseExpr(tc.in)
		if len(errs) > 0 {
			t.Errorf("ParseExpr(%q): %v", tc.in, errs)
			continue
		}
		if got := sexpr(x); got != tc.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", tc.in, got, tc.want)
		}
		checkExprRoundTrip(t, tc.in, x)
		checkSpans(t, tc.in, x)
	}
}

func checkExprRoundTrip(t *testing.T, in string, x Expr) {
	t.Helper()
	text := Print(x)
	x2, errs := ParseExpr(text)
	if len(errs) > 0 {
		t.Errorf("%q printed as %q which does not parse: %v", in, text, errs)
		return
	}
	if Print(x2) != text {
		t.Errorf("%q: printing not stable: %q then %q", in, text, Print(x2))
	}
}

// checkSpans verifies that every node's span is ordered and lies within its
// parent's span.
func checkSpans(t *testing.T, name string, root Node) {
	t.Helper()
	var walk func(n Node, lo, hi Pos)
	walk = func(n Node, lo, hi Pos) {
		if n.Pos() > n.End() || n.Pos() < lo || n.End() > hi {
			t.Errorf("%s: %T span [%d,%d) not within parent [%d,%d)", name, n, n.Pos(), n.End(), lo, hi)
			return
		}
		for _, c := range Children(n) {
			walk(c, n.Pos(), n.End())
		}
	}
	walk(root, root.Pos(), root.End())
}

// TestLiteralValues covers §1.4–§1.6 typed literal decoding.
func TestLiteralValues(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  string
	}{
		{`datetime(2020-01-01)`, `dt:2020-01-01T00:00:00.0000000Z`, ""},
		{`datetime(2020-01-01 10:00:00.123)`, `dt:2020-01-01T10:00:00.1230000Z`, ""},
		{`datetime(2014-05-25T08:20:03.123456Z)`, `dt:2014-05-25T08:20:03.1234560Z`, ""},
		{`datetime(2014-05-25T08:20)`, `dt:2014-05-25T08:20:00.0000000Z`, ""},
		{`datetime(2015-12-31 23:59:59.9)`, `dt:2015-12-31T23:59:59.9000000Z`, ""},
		{`datetime(0001-01-01)`, `dt:0001-01-01T00:00:00.0000000Z`, ""},
		{`datetime(9999-12-31 23:59:59.9999999)`, `dt:9999-12-31T23:59:59.9999999Z`, ""},
		{`datetime(2020-01-01T10:00:00+02:00)`, `dt:2020-01-01T08:00:00.0000000Z`, ""},
		{`date(2021-03-04)`, `dt:2021-03-04T00:00:00.0000000Z`, ""},
		{`datetime("2022-01-16")`, `dt:2022-01-16T00:00:00.0000000Z`, ""},
		{"datetime(2021-01-01\u202f10:10:17)", `dt:2021-01-01T10:10:17.0000000Z`, ""},
		{`datetime(01/16/2022 00:00:00)`, `dt:2022-01-16T00:00:00.0000000Z`, ""},
		{`datetime(null)`, `datetime(null)`, ""},
		{`datetime(2020-02-30)`, ``, "no such date"},
		{`datetime(2020-13-01)`, ``, "no such date"},
		{`datetime(not a date)`, ``, "invalid datetime literal"},
		{`datetime(2020-01-01 10:00:00.12345678)`, ``, "1 to 7 digits"},
		{`timespan(2)`, `ts:1728000000000`, ""},
		{`time(00:01:00)`, `ts:600000000`, ""},
		{`timespan(1.02:03:04.5)`, `ts:937845000000`, ""},
		{`timespan(15 seconds)`, `ts:150000000`, ""},
		{`time(1d)`, `ts:864000000000`, ""},
		{`timespan(-01:00:00)`, `ts:-36000000000`, ""},
		{`timespan(null)`, `timespan(null)`, ""},
		{`timespan(1w)`, ``, "invalid timespan"},
		{`int(2)`, `2`, ""},
		{`int(null)`, `int(null)`, ""},
		{`int(3000000000)`, ``, "out of range"},
		{`long(-1)`, `-1`, ""},
		{`long(0x10)`, `16`, ""},
		{`long(x)`, ``, "invalid long literal"},
		{`real(1.5)`, `1.5`, ""},
		{`double(null)`, `real(null)`, ""},
		{`real(nan)`, `NaN`, ""},
		{`real(+inf)`, `+Inf`, ""},
		{`real(-inf)`, `-Inf`, ""},
		{`decimal(1.5)`, `1.5`, ""},
		{`bool(true)`, `true`, ""},
		{`bool(null)`, `bool(null)`, ""},
		{`bool(maybe)`, ``, "invalid bool"},
		{`guid(74be27de-1e4e-49d9-b579-fe0b331d3642)`, `guid:74be27de-1e4e-49d9-b579-fe0b331d3642`, ""},
		{`guid(null)`, `guid(null)`, ""},
		{`guid(nope)`, ``, "invalid guid"},
		{`0x7fffffffffffffff`, `9223372036854775807`, ""},
		{`1.5h`, `ts:54000000000`, ""},
		{`100ms`, `ts:1000000`, ""},
		{`90s`, `ts:900000000`, ""},
		{`1tick`, `ts:1`, ""},
	}
	for _, tc := range tests {
		x, errs := ParseExpr(tc.in)
		if tc.wantErr != "" {
			if len(errs) == 0 || !strings.Contains(errs[0].Msg, tc.wantErr) {
				t.Errorf("%s: errors %v, want one containing %q", tc.in, errs, tc.wantErr)
			}
			continue
		}
		if len(errs) > 0 {
			t.Errorf("%s: %v", tc.in, errs)
			continue
		}
		got := sexpr(x)
		if lit, ok := x.(*Literal); ok && lit.Kind == LitReal && math.IsInf(lit.Real, 1) {
			got = "+Inf"
		}
		if got != tc.want {
			t.Errorf("%s = %s, want %s", tc.in, got, tc.want)
		}
		checkExprRoundTrip(t, tc.in, x)
	}
}

// TestDynamicLiteral checks the JSON-like tree of dynamic(...).
func TestDynamicLiteral(t *testing.T) {
	x, errs := ParseExpr(`dynamic({"a": [1, -2.5, "s", true, null, datetime(2020-01-01)], "b": {"c": {}}, d: []})`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := x.(*DynamicLit)
	obj := d.Value.(*DynObject)
	if len(obj.Members) != 3 || obj.Members[0].Key != "a" || obj.Members[1].Key != "b" || obj.Members[2].Key != "d" {
		t.Fatalf("members: %s", Print(d))
	}
	arr := obj.Members[0].Value.(*DynArray)
	if len(arr.Elems) != 6 {
		t.Fatalf("array: %s", Print(arr))
	}
	if v := arr.Elems[1].(*DynScalar).Lit; v.Kind != LitReal || v.Real != -2.5 {
		t.Errorf("signed real: %+v", v)
	}
	if _, ok := arr.Elems[4].(*DynNull); !ok {
		t.Errorf("null: %T", arr.Elems[4])
	}
	if v := arr.Elems[5].(*DynScalar).Lit; v.Kind != LitDateTime {
		t.Errorf("datetime: %+v", v)
	}
	if got, want := Print(d), `dynamic({"a": [1, -2.5, "s", true, null, datetime(2020-01-01)], "b": {"c": {}}, "d": []})`; got != want {
		t.Errorf("Print = %s, want %s", got, want)
	}
	if x, errs := ParseExpr(`dynamic(null)`); len(errs) > 0 {
		t.Error(errs)
	} else if _, ok := x.(*DynamicLit).Value.(*DynNull); !ok {
		t.Errorf("dynamic(null): %T", x.(*DynamicLit).Value)
	}
	for _, bad := range []string{`dynamic()`, `dynamic({"a" 1})`, `dynamic([1, 2`, `dynamic({1: 2})`} {
		if _, errs := ParseExpr(bad); len(errs) == 0 {
			t.Errorf("%s: no error", bad)
		}
	}
}
