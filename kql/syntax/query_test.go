package syntax

import (
	"fmt"
	"strings"
	"testing"
)

// opChain lists the operator names of a pipeline, source first.
func opChain(x Expr) string {
	var ops []string
	for {
		p, ok := x.(*PipeExpr)
		if !ok {
			break
		}
		ops = append([]string{p.Op.OpName()}, ops...)
		x = p.X
	}
	return fmt.Sprintf("%T", x)[len("*syntax."):] + " | " + strings.Join(ops, " | ")
}

func lastExpr(q *Query) Expr {
	if len(q.Stmts) == 0 {
		return nil
	}
	if es, ok := q.Stmts[len(q.Stmts)-1].(*ExprStmt); ok {
		return es.X
	}
	return nil
}

// TestOperators parses one query per tabular operator and source form, and
// checks the pipeline shape, the printed form and the round trip.
func TestOperators(t *testing.T) {
	tests := []struct{ in, chain, printed string }{
		{`T | where a > 1 | filter b`, `Ident | where | filter`, "T\n| where a > 1\n| filter b"},
		{`T | extend a = 1, b, (c, d) = f(x), ['e f'] = 2`, `Ident | extend`, "T\n| extend a = 1, b, (c, d) = f(x), [\"e f\"] = 2"},
		{`T | project a, b = c + 1`, `Ident | project`, ""},
		{`T | project-away a, b*, *c, d*e`, `Ident | project-away`, "T\n| project-away a, b*, *c, d*e"},
		{`T | project-keep a, Init*`, `Ident | project-keep`, ""},
		{`T | project-rename new = old, count = id`, `Ident | project-rename`, ""},
		{`T | project-reorder b, a* asc, c desc`, `Ident | project-reorder`, ""},
		{`T | summarize hint.strategy=shuffle count(), m = max(x) by bin(Timestamp, 1h), k`, `Ident | summarize`, ""},
		{`T | summarize by a, b`, `Ident | summarize`, ""},
		{`T | summarize arg_max(Timestamp, *) by DeviceId`, `Ident | summarize`, ""},
		{`T | summarize count`, `Ident | summarize`, ""},
		{`T | distinct a, b | distinct *`, `Ident | distinct | distinct`, ""},
		{`T | count`, `Ident | count`, ""},
		{`T | take 10 | limit 5`, `Ident | take | limit`, ""},
		{`T | sort by a asc nulls first, b desc | order by c`, `Ident | sort | order`, ""},
		{`T | top 10 by Timestamp desc nulls last`, `Ident | top`, ""},
		{`T | top-nested 2 of cat with others = "x" by s = sum(v) desc, top-nested of sub by max(v)`, `Ident | top-nested`, ""},
		{`T | top-hitters 5 of a by b`, `Ident | top-hitters`, ""},
		{`T | join kind=leftouter hint.strategy=broadcast (U | where x) on a, $left.b == $right.c`, `Ident | join`, ""},
		{`T | join U on a`, `Ident | join`, ""},
		{`T | lookup kind=inner (U) on a`, `Ident | lookup`, ""},
		{`T | union kind=outer withsource=S U, (V | take 1), W*`, `Ident | union`, ""},
		{`T | mv-expand kind=array with_itemindex=i x = arr to typeof(string), y limit 10`, `Ident | mv-expand`, ""},
		{`T | mvexpand x`, `Ident | mvexpand`, ""},
		{`T | mv-apply e = arr to typeof(long) on (summarize s = sum(e) | where s > 1)`, `Ident | mv-apply`, ""},
		{`T | parse kind=regex flags=Ui Msg with * "a=" a:long @"\s+" b *`, `Ident | parse`, ""},
		{`T | parse-where Msg with "x" y`, `Ident | parse-where`, ""},
		{`T | parse-kv Msg as (k1:string, k2:long) with (pair_delimiter=",", kv_delimiter="=")`, `Ident | parse-kv`, ""},
		{`T | serialize | serialize rn = row_number()`, `Ident | serialize | serialize`, ""},
		{`T | as hint.materialized=true X`, `Ident | as`, ""},
		{`T | invoke FileProfile(SHA1, 1000)`, `Ident | invoke`, ""},
		{`T | render timechart with (title="t", ytitle="y")`, `Ident | render`, ""},
		{`T | render barchart kind=stacked`, `Ident | render`, ""},
		{`T | evaluate bag_unpack(x) : (a:string)`, `Ident | evaluate`, ""},
		{`T | make-series kind=nonempty c = count() default = 0 on Timestamp from ago(7d) to now() step 1h by k`, `Ident | make-series`, ""},
		{`T | make-series count() on Timestamp in range(ago(1d), now(), 1h)`, `Ident | make-series`, ""},
		{`T | sample 10 | sample-distinct 5 of k`, `Ident | sample | sample-distinct`, ""},
		{`T | getschema`, `Ident | getschema`, ""},
		{`T | facet by a, b with (take 3)`, `Ident | facet`, ""},
		{`T | reduce by Msg with threshold=0.5`, `Ident | reduce`, ""},
		{`T | consume decodeblocks=true`, `Ident | consume`, ""},
		{`T | fork (where a) b = (take 1 | count)`, `Ident | fork`, ""},
		{`T | partition hint.strategy=native by k (top 1 by t)`, `Ident | partition`, ""},
		{`T | search "x"`, `Ident | search`, ""},
		{`datatable(a:long, b:string)[1, "x", -2, 'y',]`, `DataTableExpr | `, `datatable(a:long, b:string)[1, "x", -2, "y"]`},
		{`datatable(a:long)[]`, `DataTableExpr | `, ""},
		{`print 1, b = "x"`, `PrintExpr | `, ""},
		{`range x from 1 to 10 step 2 | count`, `RangeExpr | count`, ""},
		{`union isfuzzy=true A, B | count`, `UnionExpr | count`, ""},
		{`union *`, `UnionExpr | `, ""},
		{`union withsource=Tbl Device*Events`, `UnionExpr | `, ""},
		{`externaldata(a:string)[h@"https://x/y.csv"] with (format="csv", ignoreFirstRecord=true)`, `ExternalDataExpr | `, ""},
		{`search in (T, U) "x" and Col:"y"`, `SearchExpr | `, ""},
		{`search *`, `SearchExpr | `, ""},
		{`find withsource=S in (T, U) where x == 1 project a, b`, `FindExpr | `, ""},
		{`evaluate python(typeof(*), "code")`, `EvaluateExpr | `, ""},
		{`materialize(T) | take 1`, `CallExpr | take`, ""},
		{`_GetWatchlist('w') | project x`, `CallExpr | project`, ""},
		{`cluster('c').database('d').T | take 1`, `MemberExpr | take`, ""},
		{`workspace('w').T`, `MemberExpr | `, ""},
		{`(T | where a) | count`, `ParenExpr | count`, ""},
		{`T | where * has "x"`, `Ident | where`, ""},
		{`T | extend Count = count, table = 1, value = 2`, `Ident | extend`, ""},
	}
	for _, tc := range tests {
		q, errs := Parse(tc.in, Options{})
		if len(errs) > 0 {
			t.Errorf("Parse(%q): %v", tc.in, errs.String())
			continue
		}
		x := lastExpr(q)
		if got := opChain(x); got != tc.chain {
			t.Errorf("Parse(%q) chain = %q, want %q", tc.in, got, tc.chain)
		}
		if tc.printed != "" {
			if got := Print(q); got != tc.printed {
				t.Errorf("Print(Parse(%q)) = %q, want %q", tc.in, got, tc.printed)
			}
		}
		checkRoundTrip(t, tc.in, tc.in, q)
		checkSpans(t, tc.in, q)
	}
}

// TestStatements checks let/set/declare statements and statement lists.
func TestStatements(t *testing.T) {
	tests := []struct {
		in    string
		kinds string
	}{
		{`let x = 1; T | where a == x`, "let expr"},
		{`let T2 = T | where a; T2`, "let expr"},
		{`let f = (a:string, b:long = 5) { T | where c == a | take b }; f("x")`, "let expr"},
		{`let f = () { 1 }; print f()`, "let expr"},
		{`let g = (T:(*), k:string) { T | where x == k }; g(U, "a")`, "let expr"},
		{`let h = (T:(a:string, b:long)) { T }; h(U)`, "let expr"},
		{`let v = view () { T | take 1 }; v`, "let expr"},
		{`let M = materialize(T | take 1); M`, "let expr"},
		{`let l = dynamic(["a", "b"]); T | where x in (l)`, "let expr"},
		{`set querytrace; set x = 1; T`, "set set expr"},
		{`declare query_parameters(a:string = "x", b:long); T`, "declare expr"},
		{`let a = 1;;; let b = 2; print a, b;`, "let let expr"},
		{`T | take 1; U | take 2`, "expr expr"},
		{`let ['x y'] = 1; print ['x y']`, "let expr"},
		{"// only a comment\nT", "expr"},
		{``, ""},
	}
	for _, tc := range tests {
		q, errs := Parse(tc.in, Options{})
		if len(errs) > 0 {
			t.Errorf("Parse(%q): %v", tc.in, errs.String())
			continue
		}
		var kinds []string
		for _, s := range q.Stmts {
			switch s.(type) {
			case *LetStmt:
				kinds = append(kinds, "let")
			case *SetStmt:
				kinds = append(kinds, "set")
			case *DeclareStmt:
				kinds = append(kinds, "declare")
			case *ExprStmt:
				kinds = append(kinds, "expr")
			}
		}
		if got := strings.Join(kinds, " "); got != tc.kinds {
			t.Errorf("Parse(%q) statements = %q, want %q", tc.in, got, tc.kinds)
		}
		checkRoundTrip(t, tc.in, tc.in, q)
		checkSpans(t, tc.in, q)
	}
	q, _ := Parse(`let f = (a:string, b:long = 5) { a }; f("x")`, Options{})
	fd := q.Stmts[0].(*LetStmt).Value.(*FuncDecl)
	if len(fd.Params) != 2 || fd.Params[0].Type.Name != "string" || fd.Params[1].Default == nil || len(fd.Body) != 1 {
		t.Errorf("func decl: %s", Print(fd))
	}
}

// TestParseErrors checks the first error's position and message.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		in        string
		line, col int
		msg       string
	}{
		{`T | where x has_any ("a", )`, 1, 26, "Missing expression"},
		{`T | where x in ("a",)`, 1, 21, "Missing expression"},
		{`T | where x in ()`, 1, 17, "Missing expression"},
		{`T | extend x = f(1, )`, 1, 20, "Missing expression"},
		{`T | project a, b, | take 1`, 1, 18, "Missing expression"},
		{"T\n| Sha1 in (L)", 2, 3, "unknown tabular operator 'Sha1'"},
		{`T | scan with (step s: true;)`, 1, 5, "not supported: operator scan"},
		{`T | foo`, 1, 5, "unknown tabular operator 'foo'"},
		{`T | where 1 < x < 3`, 1, 17, "cannot follow"},
		{`T | where a == b == c`, 1, 18, "cannot follow"},
		{`T | where x in (1,2) == true`, 1, 22, "cannot follow"},
		{`T | where s has "a" has "b"`, 1, 21, "cannot follow"},
		{`T | where !x`, 1, 11, "expected an expression"},
		{`T | where a /* b */`, 1, 13, "no /* */ block comments"},
		{`T | where x has_any "a"`, 1, 21, "expected '('"},
		{`T | where x between (1, 2)`, 1, 23, "expected '..'"},
		{`T | where (a`, 1, 13, "expected ')'"},
		{`T | where a == "\d"`, 1, 17, `invalid escape sequence '\d'`},
		{"T\n| where a == 'x\n| take 1", 2, 14, "unterminated string literal"},
		{"T | where a == 1\nU", 2, 1, "expected ';' or the end of the query"},
		{`T | where x == datetime(2020-02-30)`, 1, 16, "no such date"},
		{`T | where x == --1`, 1, 17, "unary '-' cannot follow"},
		{"#connect x\nT", 1, 1, "client directive"},
		{`T | join (U) a`, 1, 14, "expected 'on'"},
		{`T | where a == é`, 1, 16, "unexpected character"},
		{`T | sort a`, 1, 10, "expected 'by'"},
		{`T | where x !has_any ("a")`, 1, 13, "there is no '!has_any' operator"},
		{`T | where x !matches regex "a"`, 1, 13, "there is no '!matches' operator"},
		{`let x = ; T`, 1, 8, "expected an expression"},
		{`T | project-rename a`, 1, 20, "project-rename expects"},
		{"T |\n\twhere a == 1 and\n\tb ==", 3, 6, "expected an expression"},
		{"T\n| where a ==\n| take 1", 2, 13, "expected an expression"},
	}
	for _, tc := range tests {
		_, errs := Parse(tc.in, Options{})
		if len(errs) == 0 {
			t.Errorf("Parse(%q): no error, want %q at %d:%d", tc.in, tc.msg, tc.line, tc.col)
			continue
		}
		e := errs[0]
		if e.Line != tc.line || e.Col != tc.col || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("Parse(%q): first error %s, want %d:%d: ...%s...", tc.in, e.Detail(), tc.line, tc.col, tc.msg)
		}
		if want := fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg); e.Error() != want {
			t.Errorf("Error() = %q, want %q", e.Error(), want)
		}
	}
}

// TestSeveralErrors checks that the parser recovers and reports later errors.
func TestSeveralErrors(t *testing.T) {
	src := "T\n| where a ==\n| foo x\n| extend b = (1\n| take 1"
	_, errs := Parse(src, Options{})
	if len(errs) < 3 {
		t.Fatalf("want at least 3 errors, got %v", errs.String())
	}
	lines := []int{2, 3, 5}
	for i, l := range lines {
		if errs[i].Line != l {
			t.Errorf("error %d at line %d, want %d: %s", i, errs[i].Line, l, errs.String())
		}
	}
	for i := 1; i < len(errs); i++ {
		if errs[i-1].Offset > errs[i].Offset {
			t.Errorf("errors not sorted: %s", errs.String())
		}
	}
	if !strings.Contains(errs.Error(), "more errors") {
		t.Errorf("ErrorList.Error() = %q", errs.Error())
	}
	if errs.Err() == nil || ErrorList(nil).Err() != nil {
		t.Error("Err() wrong")
	}
}

// TestLenientTrailingComma checks the Lenient option of §9.1.
func TestLenientTrailingComma(t *testing.T) {
	src := "T\n| where x has_any ('a',\n  'b',  // c\n)\n| project a, b, c\n| extend y = f(1, 2, )"
	_, errs := Parse(src, Options{})
	if len(errs) != 2 || errs[0].Code != "KS006" || errs[0].Line != 3 || errs[0].Col != 7 || errs[1].Line != 6 {
		t.Fatalf("strict: %s", errs.String())
	}
	q, errs := Parse(src, Options{Lenient: true})
	if len(errs) != 0 {
		t.Fatalf("lenient: %s", errs.String())
	}
	if len(q.Warnings) != 2 || q.Warnings[0].Line != 3 || q.Warnings[0].Col != 6 {
		t.Fatalf("lenient warnings: %s", q.Warnings.String())
	}
	var in *InExpr
	Inspect(q, func(n Node) bool {
		if x, ok := n.(*InExpr); ok {
			in = x
		}
		return true
	})
	if in == nil || len(in.List) != 2 {
		t.Fatalf("lenient list: %v", in)
	}
	// A datatable allows trailing commas without a warning.
	q, errs = Parse(`datatable(a:long,)[1, 2,]`, Options{})
	if len(errs) != 0 || len(q.Warnings) != 0 || len(lastExpr(q).(*DataTableExpr).Values) != 2 {
		t.Errorf("datatable: %v %v", errs, q.Warnings)
	}
}

// TestInspect checks the walker visits nodes in source order.
func TestInspect(t *testing.T) {
	q, errs := Parse(`let a = 1; T | where x in (a, "b") | summarize c = count() by k`, Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var names []string
	Inspect(q, func(n Node) bool {
		if id, ok := n.(*Ident); ok {
			names = append(names, id.Name)
		}
		return true
	})
	if got, want := strings.Join(names, ","), "a,T,x,a,c,count,k"; got != want {
		t.Errorf("idents = %s, want %s", got, want)
	}
	var last Pos = -1
	Inspect(q, func(n Node) bool {
		if n.Pos() < last {
			t.Errorf("%T at %d visited after %d", n, n.Pos(), last)
		}
		last = n.Pos()
		return true
	})
}

// TestQueryHelpers checks Query.Position, Query.NewError, Unparen and
// IsTabularSyntax.
func TestQueryHelpers(t *testing.T) {
	q, errs := Parse("let l = (T | distinct a);\nprint x = 1 in (l), y = -1", Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if l, c := q.Position(q.Stmts[1].Pos()); l != 2 || c != 1 {
		t.Errorf("Position = %d:%d", l, c)
	}
	e := q.NewError(q.Stmts[1].Pos()+6, "h", "unknown name %q", "x")
	if e.Error() != `2:7: unknown name "x"` || e.Hint != "h" {
		t.Errorf("NewError = %q", e.Error())
	}
	let := q.Stmts[0].(*LetStmt)
	if !IsTabularSyntax(let.Value) || IsTabularSyntax(&Ident{Name: "T"}) {
		t.Error("IsTabularSyntax")
	}
	if _, ok := Unparen(let.Value).(*PipeExpr); !ok {
		t.Error("Unparen")
	}
	pe := q.Stmts[1].(*ExprStmt).X.(*PrintExpr)
	if len(pe.Exprs) != 2 {
		t.Errorf("print with negative value: %s", Print(pe))
	}
}
