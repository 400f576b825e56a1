package schema

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

// TestCorpusTableCoverage reports, for each table named by the hunting-query
// corpus, how many queries use it and whether the schema has it. It fails
// only if fewer than 90% of the queries name tables that are all known:
// the binder's goal is to bind at least 90% of those.
func TestCorpusTableCoverage(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus/hunting-queries")
	f, err := os.Open(filepath.Join(dir, "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	uses := map[string]int{}
	total, covered := 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4<<20), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		var rec struct {
			Tables []string `json:"tables"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("queries.jsonl:%d: %v", line, err)
		}
		total++
		all := true
		for _, tn := range rec.Tables {
			uses[tn]++
			if _, ok := Lookup(tn); !ok {
				all = false
			}
		}
		if all {
			covered++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(uses))
	for n := range uses {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if uses[names[i]] != uses[names[j]] {
			return uses[names[i]] > uses[names[j]]
		}
		return names[i] < names[j]
	})
	for _, n := range names {
		_, ok := Lookup(n)
		mark := "have"
		if !ok {
			mark = "MISSING"
			if s := SuggestTable(n); s != "" {
				mark += " (did you mean " + s + "?)"
			}
		}
		t.Logf("%4d %-45s %s", uses[n], n, mark)
	}
	pct := 100 * float64(covered) / float64(total)
	t.Logf("%d of %d queries (%.1f%%) name only known tables", covered, total, pct)
	if pct < 90 {
		t.Errorf("only %.1f%% of corpus queries name only known tables; want at least 90%%", pct)
	}
}
