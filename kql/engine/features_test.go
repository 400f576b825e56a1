package engine

import (
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// TestFeatures covers the operators and rules added for Kusto fidelity;
// expected values follow the recorded real-engine answers.
func TestFeatures(t *testing.T) {
	tests := []struct{ name, q, want string }{
		{"row_number restart", `datatable(g:string, v:long)["a",1,"a",2,"b",3] | sort by g asc, v asc | serialize rn = row_number(1, g != prev(g))`,
			"g:string,v:long,rn:long\na,1,1\na,2,2\nb,3,1"},
		{"prev next default", `datatable(x:long)[1,2,3] | sort by x asc | serialize p = prev(x, 1, -1), n = next(x, 2)`,
			"x:long,p:long,n:long\n1,-1,3\n2,1,null\n3,2,null"},
		{"row_cumsum and ranks", `datatable(s:long)[10,10,20,5] | sort by s desc | serialize cs = row_cumsum(s), rd = row_rank_dense(s), rm = row_rank_min(s)`,
			"s:long,cs:long,rd:long,rm:long\n20,20,1,1\n10,30,2,2\n10,40,2,2\n5,45,3,4"},
		{"make-series", `datatable(t:long, v:long)[0,1, 2,3, 4,5, 9,9] | make-series s = sum(v) default = -1 on t from 0 to 8 step 2`,
			"s:dynamic,t:dynamic\n[1,3,5,-1],[0,2,4,6]"},
		{"make-series by", `datatable(t:long, v:long, g:string)[1,10,"a", 3,30,"a", 1,5,"b"] | make-series s = sum(v) on t from 1 to 5 step 2 by g`,
			"g:string,s:dynamic,t:dynamic\na,[10,30],[1,3]\nb,[5,0],[1,3]"},
		{"top-nested", `datatable(c:string, s:string, v:long)["a","x",10, "a","y",20, "b","x",35] | top-nested 2 of c by sum(v), top-nested 1 of s by Sub=sum(v)`,
			"c:string,aggregated_c:long,s:string,Sub:long\nb,35,x,35\na,30,y,20"},
		{"mv-apply summarize", `datatable(g:string, l:dynamic)["a",dynamic([1,2]), "b",dynamic([5])] | mv-apply x = l to typeof(long) on (summarize mx = max(x))`,
			"g:string,l:dynamic,mx:long\na,[1,2],2\nb,[5],5"},
		{"partition", `datatable(k:long, v:long)[1,10, 1,20, 2,30] | partition by k (top 1 by v desc)`,
			"k:long,v:long\n1,20\n2,30"},
		{"search terms", `datatable(s:string, n:long)["alpha beta",1, "gamma",2] | search "bet*" or n == 2`,
			"$table:string,s:string,n:long\nsearch_arg0,alpha beta,1\nsearch_arg0,gamma,2"},
		{"parse-kv", `datatable(s:string)["a=1;b=x;a=2"] | parse-kv s as (a:long, b:string, c:string) with (pair_delimiter=';', kv_delimiter='=')`,
			"s:string,a:long,b:string,c:string\na=1;b=x;a=2,1,x,"},
		{"expression over aggregates", `datatable(x:long)[1,2,3] | summarize r = 100.0 * countif(x > 1) / count(), tostring(make_set(x))`,
			"r:real,set_x:string\n66.66666666666667,[1,2,3]"},
		{"decimal arithmetic", `print a = decimal(0.1) + decimal(0.2), b = todecimal("0.1") + todecimal("0.2") == todecimal("0.3")`,
			"a:decimal,b:bool\n0.3,True"},
		{"datetime overflow is null", `print datetime(9999-12-31 23:59:59.9999999) + 1tick`, "print_0:datetime\nnull"},
		{"join null int keys", `datatable(i:int)[0] | join kind=inner (datatable(i:int)[int(null)]) on i | count`, "Count:long\n0"},
		{"bool equals int", `print true == 1, false != 0`, "print_0:bool,print_1:bool\nTrue,False"},
		{"count(x) name", `datatable(u:string)["a"] | summarize count(u)`, "count_u:long\n1"},
		{"time alias downstream", `datatable(Timestamp:datetime)[datetime(2020-01-01)] | extend x = 1 | project TimeGenerated`,
			"Timestamp:datetime\n2020-01-01T00:00:00.0000000Z"},
	}
	for _, tc := range tests {
		got := render(runQuery(t, tc.q))
		if got != tc.want {
			t.Errorf("%s: %s\n got: %q\nwant: %q", tc.name, tc.q, got, tc.want)
		}
	}
}

// TestFeatureErrors covers queries the real engine rejects.
func TestFeatureErrors(t *testing.T) {
	tests := []struct{ q, want string }{
		{`print d = dynamic([1]) | extend first = d[0]`, "keyword"},
		{`datatable(x:long)[1] | extend r = row_number()`, "serialized input"},
		{`datatable(x:long)[1] | sort by x | serialize p = prev(x, 0)`, "positive"},
		{`datatable(c:string, v:long)["a",1] | top-nested 1 of c with others = "x" by sum(v)`, "not supported"},
		{`datatable(s:string)["x1y2"] | parse kind=regex s with a:string b:long`, "string constant between"},
		{`datatable(x:long)[1] | summarize y = x + 1`, "does not refer"},
		{`datatable(x:long)[1] | summarize y = 1 + 2`, "aggregate"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.q, Options{Now: types.TicksFromTime(mustTime("2026-03-08T00:00:00Z"))})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one mentioning %q", tc.q, err, tc.want)
		}
	}
}
