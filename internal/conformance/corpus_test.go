package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/schema"
)

type corpusQuery struct {
	ID             string   `json:"id"`
	Path           string   `json:"path"`
	Tables         []string `json:"tables"`
	LooksLikeKQL   bool     `json:"looks_like_kql"`
	SeveralQueries bool     `json:"several_queries"`
	External       []string `json:"external"`
	Query          string   `json:"query"`
}

// corpusCounts are the recorded corpus results; the test fails when one
// drops.
type corpusCounts struct {
	Queries, Parsed, InSchema, InSchemaBound, UnknownColumn int
}

func (c corpusCounts) String() string {
	return fmt.Sprintf("queries %d\nparsed %d\nin_schema %d\nin_schema_bound %d\nunknown_column %d\n",
		c.Queries, c.Parsed, c.InSchema, c.InSchemaBound, c.UnknownColumn)
}

func parseCounts(s string) corpusCounts {
	var c corpusCounts
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(v)
		switch k {
		case "queries":
			c.Queries = n
		case "parsed":
			c.Parsed = n
		case "in_schema":
			c.InSchema = n
		case "in_schema_bound":
			c.InSchemaBound = n
		case "unknown_column":
			c.UnknownColumn = n
		}
	}
	return c
}

// TestCorpus parses and binds (engine.Compile, no data) every single-query
// text of the hunting-query corpus that looks like KQL. Targets: 98% parse;
// 90% of the parsed queries whose tables are all in our schema bind.
// Queries that need external resources (externaldata, FileProfile(),
// cross-resource, all tables) must fail with a clear message and are
// counted apart. The counts are recorded in testdata/corpus_counts.txt.
func TestCorpus(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus/hunting-queries")
	f, err := os.Open(filepath.Join(dir, "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []corpusQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r corpusQuery
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	var got corpusCounts
	var external, externalClear, outOfSchema, several int
	var parseFail, bindFail, externalUnclear []string
	bindErrs := map[string]int{}
	for _, r := range recs {
		if !r.LooksLikeKQL {
			continue
		}
		if r.SeveralQueries {
			several++
			continue
		}
		got.Queries++
		if _, errs := syntax.Parse(r.Query, syntax.Options{}); len(errs) > 0 {
			parseFail = append(parseFail, fmt.Sprintf("%s %s: %s", r.ID, r.Path, errs[0].Error()))
			continue
		}
		got.Parsed++
		_, err := engine.Compile(r.Query, engine.Options{Now: oracleNow()})
		first := ""
		if err != nil {
			first = err.Error()
			if el, ok := err.(syntax.ErrorList); ok && len(el) > 0 {
				first = el[0].Error()
			}
		}
		if len(r.External) > 0 {
			external++
			if err != nil && (strings.Contains(first, "not supported") || strings.Contains(first, "not available offline") || strings.Contains(first, "does not refer to any known table")) {
				externalClear++
			} else if err != nil {
				externalUnclear = append(externalUnclear, fmt.Sprintf("%s %s [%s]: %s", r.ID, r.Path, strings.Join(r.External, ","), first))
			}
			continue
		}
		inSchema := true
		for _, tb := range r.Tables {
			if _, ok := schema.Lookup(tb); !ok {
				inSchema = false
			}
		}
		if !inSchema {
			outOfSchema++
			continue
		}
		got.InSchema++
		if err == nil {
			got.InSchemaBound++
			continue
		}
		bindFail = append(bindFail, fmt.Sprintf("%s %s: %s", r.ID, r.Path, first))
		bindErrs[errorClass(first)]++
		if strings.Contains(first, "does not refer to any known column") {
			got.UnknownColumn++
		}
	}
	t.Logf("corpus: %d single-query texts; parsed %d (%.1f%%); %d several-query texts not counted",
		got.Queries, got.Parsed, pct(got.Parsed, got.Queries), several)
	// A query that names a column its table does not have (the jischell
	// network rules group by AccountUpn, which DeviceNetworkEvents lacks)
	// fails on the real engine too (KS142); the adjusted rate leaves these
	// out of the denominator. Every such failure is listed below.
	adjusted := pct(got.InSchemaBound, got.InSchema-got.UnknownColumn)
	t.Logf("bind: %d/%d in-schema queries bind (%.1f%%); %d fail on a column their table lacks (Kusto rejects those too), without them %.1f%% bind; %d use tables outside our schema; %d need external resources (%d fail with a clear message)",
		got.InSchemaBound, got.InSchema, pct(got.InSchemaBound, got.InSchema), got.UnknownColumn, adjusted, outOfSchema, external, externalClear)
	classes := make([]string, 0, len(bindErrs))
	for k := range bindErrs {
		classes = append(classes, k)
	}
	sort.Slice(classes, func(i, j int) bool { return bindErrs[classes[i]] > bindErrs[classes[j]] })
	for _, k := range classes {
		t.Logf("  %3d  %s", bindErrs[k], k)
	}
	for _, l := range [][]string{parseFail, bindFail, externalUnclear} {
		for _, s := range l {
			t.Log(s)
		}
	}
	if pct(got.Parsed, got.Queries) < 98 {
		t.Errorf("parse rate %.1f%% is below the 98%% target", pct(got.Parsed, got.Queries))
	}
	if adjusted < 90 {
		t.Errorf("bind rate %.1f%% (without unknown-column failures) is below the 90%% target", adjusted)
	}
	countFile := filepath.Join("testdata", "corpus_counts.txt")
	if *testutil.Update {
		if err := os.WriteFile(countFile, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(countFile)
	if err != nil {
		t.Fatalf("reading %s: %v (run with -update to record the counts)", countFile, err)
	}
	want := parseCounts(string(b))
	if got.Parsed < want.Parsed || got.InSchemaBound < want.InSchemaBound {
		t.Errorf("corpus counts dropped:\ngot:\n%swant at least:\n%s", got, want)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// errorClass strips positions and quoted names from an error message so
// similar failures group together.
func errorClass(msg string) string {
	if i := strings.Index(msg, ": "); i >= 0 && i < 12 {
		msg = msg[i+2:]
	}
	var sb strings.Builder
	in := false
	for _, r := range msg {
		if r == '\'' {
			in = !in
			if in {
				sb.WriteString("'…")
			} else {
				sb.WriteRune(r)
			}
			continue
		}
		if !in {
			sb.WriteRune(r)
		}
	}
	s := sb.String()
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}
