package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

var verbose = flag.Bool("conformance.v", false, "print every failing oracle case")
var only = flag.String("conformance.only", "", "run only cases whose id contains this text")

type oracleCase struct {
	ID               string `json:"id"`
	Family           string `json:"family"`
	Nondeterministic bool   `json:"nondeterministic"`
	KQL              string `json:"kql"`
	Kusto            struct {
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
		RowCount int      `json:"row_count"`
		Rows     []string `json:"rows"`
		Error    string   `json:"error"`
	} `json:"kusto"`
}

func loadOracle(t *testing.T) []oracleCase {
	dir := testutil.SharedDir(t, "conformance/kusto-oracle")
	f, err := os.Open(filepath.Join(dir, "oracle.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []oracleCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var c oracleCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// outcome of one case
type outcome struct {
	pass   bool
	reason string
}

var lastOpRe = regexp.MustCompile(`\|\s*(sort|order|top|serialize)(?:\s[^|]*)?$`)

func orderedQuery(q string) bool {
	// the harness rule: the last tabular operator in the text
	return lastOpRe.MatchString(stripComments(q))
}

func stripComments(q string) string {
	var lines []string
	for _, l := range strings.Split(q, "\n") {
		if i := strings.Index(l, "//"); i >= 0 && !strings.Contains(l[:i], "\"") && !strings.Contains(l[:i], "'") {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// RunCase runs one oracle case with the given engine options.
func runCase(c oracleCase, opts engine.Options) outcome {
	q, err := engine.Compile(c.KQL, opts)
	var res *engine.Result
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err = q.Run(ctx, nil)
		cancel()
	}
	if c.Kusto.Error != "" {
		if err != nil {
			return outcome{pass: true}
		}
		return outcome{reason: "kusto rejected the query; we returned rows"}
	}
	if err != nil {
		return outcome{reason: "error: " + err.Error()}
	}
	if len(res.Columns) != len(c.Kusto.Columns) {
		return outcome{reason: fmt.Sprintf("columns: got %v, want %v", colDesc(res), c.Kusto.Columns)}
	}
	for i, col := range res.Columns {
		want := c.Kusto.Columns[i]
		if col.Name != want.Name && !guidNameMatch(col.Name, want.Name) {
			return outcome{reason: fmt.Sprintf("column %d name: got %s, want %s", i, col.Name, want.Name)}
		}
		if TypeClass(col.Type) != want.Type {
			return outcome{reason: fmt.Sprintf("column %s type: got %s (%s), want %s", col.Name, TypeClass(col.Type), col.Type, want.Type)}
		}
	}
	if len(res.Rows) != c.Kusto.RowCount {
		return outcome{reason: fmt.Sprintf("row count: got %d, want %d; first rows %v", len(res.Rows), c.Kusto.RowCount, firstRows(res, 3, false))}
	}
	if c.Nondeterministic {
		return outcome{pass: true}
	}
	setOrder := strings.Contains(c.KQL, "make_set") || strings.Contains(c.KQL, "make_bag") || strings.Contains(c.KQL, "makeset")
	got := make([]string, len(res.Rows))
	for i, r := range res.Rows {
		got[i] = Row(r, setOrder)
	}
	want := append([]string(nil), c.Kusto.Rows...)
	if setOrder {
		want = normalizeWant(c, want)
	}
	if c.Kusto.RowCount > len(c.Kusto.Rows) {
		// truncated: every recorded row must occur in ours
		have := map[string]int{}
		for _, g := range got {
			have[g]++
		}
		for _, w := range want {
			if have[w] == 0 {
				return outcome{reason: "missing recorded row " + w}
			}
			have[w]--
		}
		return outcome{pass: true}
	}
	classes := make([]string, len(res.Columns))
	for i, col := range res.Columns {
		classes[i] = TypeClass(col.Type)
	}
	if orderedQuery(c.KQL) {
		// row by row; rows tied on every sort key form blocks compared as
		// multisets
		for i := 0; i < len(want); {
			j := i + 1
			if res.Ties != nil {
				for j < len(want) && res.Ties[j] == res.Ties[i] {
					j++
				}
			}
			if !multisetClose(got[i:j], want[i:j], classes) {
				return outcome{reason: fmt.Sprintf("row %d: got %s, want %s", i, strings.Join(got[i:j], " "), strings.Join(want[i:j], " "))}
			}
			i = j
		}
		return outcome{pass: true}
	}
	if !multisetClose(got, want, classes) {
		return outcome{reason: fmt.Sprintf("rows differ (as multisets): got %v, want %v", got, want)}
	}
	return outcome{pass: true}
}

// normalizeWant re-renders recorded rows with set-ordered arrays by parsing
// them through our renderer when possible: we sort the lines of each
// top-level array block textually, which is what Row(…, true) does.
func normalizeWant(c oracleCase, rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = sortArrayBlocks(r)
	}
	return out
}

// sortArrayBlocks sorts the elements of every innermost-level array printed
// one element per line (scalar elements only), matching Cell(…, true) for
// arrays of scalars.
func sortArrayBlocks(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		out = append(out, l)
		if !strings.HasSuffix(l, "[") {
			continue
		}
		// collect scalar element lines until the closing bracket
		j := i + 1
		var elems []string
		ok := true
		for ; j < len(lines); j++ {
			t := strings.TrimSpace(lines[j])
			if strings.HasPrefix(t, "]") {
				break
			}
			if strings.HasSuffix(t, "[") || strings.HasSuffix(t, "{") {
				ok = false
				break
			}
			elems = append(elems, lines[j])
		}
		if !ok || j >= len(lines) {
			continue
		}
		ind := ""
		if len(elems) > 0 {
			ind = elems[0][:len(elems[0])-len(strings.TrimLeft(elems[0], " "))]
		}
		vals := make([]string, len(elems))
		for k, e := range elems {
			vals[k] = strings.TrimSuffix(strings.TrimSpace(e), ",")
		}
		sort.Strings(vals)
		for k, v := range vals {
			if k < len(vals)-1 {
				v += ","
			}
			out = append(out, ind+v)
		}
		i = j - 1
	}
	return strings.Join(out, "\n")
}

var guidSuffixRe = regexp.MustCompile(`_?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// guidNameMatch compares a generated column name that ends in a random GUID
// (Kusto makes a new one on every run) by its prefix.
func guidNameMatch(got, want string) bool {
	loc := guidSuffixRe.FindStringIndex(want)
	if loc == nil {
		return false
	}
	g := guidSuffixRe.FindStringIndex(got)
	return g != nil && got[:g[0]] == want[:loc[0]]
}

func colDesc(r *engine.Result) string {
	var parts []string
	for _, c := range r.Columns {
		parts = append(parts, c.Name+":"+TypeClass(c.Type))
	}
	return strings.Join(parts, ",")
}

func firstRows(r *engine.Result, n int, setOrder bool) []string {
	var out []string
	for i, row := range r.Rows {
		if i >= n {
			break
		}
		out = append(out, Row(row, setOrder))
	}
	return out
}

func oracleNow() int64 { return types.TicksFromTime(time.Date(2026, 6, 4, 18, 57, 0, 0, time.UTC)) }

// TestOracle runs every recorded case, prints a pass/fail table per family,
// and fails when the number of passing cases drops below the count recorded
// in testdata/oracle_pass_count.txt (run with -update to raise it).
func TestOracle(t *testing.T) {
	cases := loadOracle(t)
	type fam struct{ pass, total int }
	fams := map[string]*fam{}
	pass := 0
	var failures []string
	for _, c := range cases {
		if *only != "" && !strings.Contains(c.ID, *only) {
			continue
		}
		o := safeRun(c, engine.Options{Now: oracleNow()})
		f := fams[c.Family]
		if f == nil {
			f = &fam{}
			fams[c.Family] = f
		}
		f.total++
		if o.pass {
			f.pass++
			pass++
		} else {
			failures = append(failures, fmt.Sprintf("%s [%s]\n    %s\n    -> %s", c.ID, c.Family, oneLine(c.KQL), o.reason))
		}
	}
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-28s %6s %6s %7s\n", "family", "pass", "total", "rate")
	for _, n := range names {
		f := fams[n]
		fmt.Fprintf(&sb, "%-28s %6d %6d %6.1f%%\n", n, f.pass, f.total, 100*float64(f.pass)/float64(f.total))
	}
	fmt.Fprintf(&sb, "%-28s %6d %6d %6.1f%%\n", "TOTAL", pass, len(cases), 100*float64(pass)/float64(max(1, len(cases))))
	t.Log("\n" + sb.String())
	if *verbose {
		for _, f := range failures {
			t.Log(f)
		}
	}
	if *only != "" {
		for _, f := range failures {
			t.Log(f)
		}
		return
	}
	countFile := filepath.Join("testdata", "oracle_pass_count.txt")
	if *testutil.Update {
		os.WriteFile(countFile, []byte(strconv.Itoa(pass)+"\n"), 0o644)
		return
	}
	b, err := os.ReadFile(countFile)
	if err != nil {
		t.Fatalf("reading %s: %v (run with -update to record the pass count)", countFile, err)
	}
	want, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pass < want {
		t.Errorf("oracle pass count dropped: %d < %d recorded in %s", pass, want, countFile)
	}
}

func safeRun(c oracleCase, opts engine.Options) (o outcome) {
	defer func() {
		if r := recover(); r != nil {
			o = outcome{reason: fmt.Sprintf("PANIC: %v", r)}
		}
	}()
	return runCase(c, opts)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

var queryFlag = flag.String("conformance.query", "", "run this KQL text and print the rendered result (debugging aid)")

// TestQuery runs the query given with -conformance.query and logs its
// result in oracle rendering; it is skipped without the flag.
func TestQuery(t *testing.T) {
	if *queryFlag == "" {
		t.Skip("no -conformance.query given")
	}
	q, err := engine.Compile(*queryFlag, engine.Options{Now: oracleNow()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(colDesc(res))
	for _, r := range res.Rows {
		t.Log(Row(r, false))
	}
}

// TestOraclePushdown checks that every oracle case gives the same answer
// (or the same failure) with and without pushdown.
func TestOraclePushdown(t *testing.T) {
	for _, c := range loadOracle(t) {
		a, errA := renderRun(c.KQL, engine.Options{Now: oracleNow()})
		b, errB := renderRun(c.KQL, engine.Options{Now: oracleNow(), NoPushdown: true})
		if (errA == nil) != (errB == nil) || a != b {
			t.Errorf("%s: pushdown changes the answer\nwith:    %s %v\nwithout: %s %v", c.ID, a, errA, b, errB)
		}
	}
}

func renderRun(src string, opts engine.Options) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	q, err := engine.Compile(src, opts)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := q.Run(ctx, nil)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString(colDesc(res))
	for _, r := range res.Rows {
		sb.WriteString("\n" + Row(r, false))
	}
	return sb.String(), nil
}
