package engine

import (
	"context"
	"testing"
	"time"
)

// FuzzCompileRun: no query text may panic the binder or the executor; every
// outcome is a result or an error.
func FuzzCompileRun(f *testing.F) {
	for _, s := range []string{
		`print x = strcat("a", 1), y = tolong("12"), z = bin(datetime(2020-01-01), 1d)`,
		`datatable(a:long, b:string)[1,"x",2,"y"] | summarize c = count(), s = make_set(b) by a | sort by a`,
		`datatable(d:dynamic)[dynamic([1,2]), dynamic({"k":1})] | mv-expand d | extend t = gettype(d)`,
		`let T = datatable(k:long, v:string)[1,"a",2,"b"]; T | join kind=leftouter (T | project k, w = v) on k`,
		`range x from 1 to 5 step 2 | extend y = x * 2 | where y > 2 | top 2 by y`,
		`print parse_json('{"a":[1,2]}').a[1], extract("(\\d+)", 1, "ab12")`,
		`DeviceNetworkEvents | where RemoteUrl has_any ("a.com", "b.com") | summarize count() by DeviceName`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		cq, err := Compile(q, Options{Now: 637134336000000000})
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		cq.Run(ctx, nil)
	})
}
