package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func runQuery(t *testing.T, q string) *Result {
	t.Helper()
	cq, err := Compile(q, Options{Now: types.TicksFromTime(mustTime("2026-03-08T00:00:00Z"))})
	if err != nil {
		t.Fatalf("compile %q: %v", q, err)
	}
	res, err := cq.Run(context.Background(), nil)
	if err != nil {
		t.Fatalf("run %q: %v", q, err)
	}
	return res
}

func render(res *Result) string {
	var sb strings.Builder
	for i, c := range res.Columns {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(c.Name + ":" + c.Type.String())
	}
	for _, r := range res.Rows {
		sb.WriteString("\n")
		for i, v := range r {
			if i > 0 {
				sb.WriteString(",")
			}
			if !v.Valid {
				sb.WriteString("null")
			} else {
				sb.WriteString(types.ToString(v))
			}
		}
	}
	return sb.String()
}

func TestSmoke(t *testing.T) {
	tests := []struct{ q, want string }{
		{`print 1+2`, "print_0:long\n3"},
		{`print x = strcat("a", 1, true)`, "x:string\na1True"},
		{`datatable(a:long, b:string)[1,"x",2,"y",1,"z"] | summarize c=count(), s=make_set(b) by a`, "a:long,c:long,s:dynamic\n1,2,[\"x\",\"z\"]\n2,1,[\"y\"]"},
		{`datatable(u:string)["https://rm.mspbackups.com/x","farm.mspbackups.com"] | where u has_any ("rm.mspbackups.com", 'x.y',
   // comment
   "z")`, "u:string\nhttps://rm.mspbackups.com/x"},
		{`let T = datatable(a:long)[3,1,2]; T | sort by a asc`, "a:long\n1\n2\n3"},
		{`print now()`, "print_0:datetime\n2026-03-08T00:00:00.0000000Z"},
		{`print ago(1d)`, "print_0:datetime\n2026-03-07T00:00:00.0000000Z"},
	}
	for _, tc := range tests {
		got := render(runQuery(t, tc.q))
		if got != tc.want {
			t.Errorf("%s\n got: %q\nwant: %q", tc.q, got, tc.want)
		}
	}
}

// TestInFoldSet: in~ over constant strings (a set of fold keys) answers
// as the element-by-element comparison does (a list with a per-row
// element, which can never match, takes that path).
func TestInFoldSet(t *testing.T) {
	data := `datatable(x:string)['k','K','\u212a','s','S','\u017f','σας','ΣΑΣ','ΣΑς','i','I','\u0130','\u0131','straße','STRASSE','STRAẞE','','x']`
	list := `'k', 's', 'σας', 'i', 'straße', ''`
	for _, op := range []string{"in~", "!in~"} {
		set := render(runQuery(t, data+" | where x "+op+" ("+list+")"))
		each := render(runQuery(t, data+" | where x "+op+" ("+list+", strcat(x, '#'))"))
		if set != each {
			t.Errorf("%s: with a constant set\n%s\nelement by element\n%s", op, set, each)
		}
	}
}
