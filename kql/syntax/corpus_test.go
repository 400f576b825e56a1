package syntax

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

type corpusRecord struct {
	ID             string `json:"id"`
	Source         string `json:"source"`
	Path           string `json:"path"`
	LooksLikeKQL   bool   `json:"looks_like_kql"`
	SeveralQueries bool   `json:"several_queries"`
	Query          string `json:"query"`
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r T
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpus parses every hunting query of the shared corpus and requires
// that at least 98% of the single-query texts that look like KQL parse.
func TestCorpus(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus/hunting-queries")
	recs := readJSONL[corpusRecord](t, filepath.Join(dir, "queries.jsonl"))
	var total, ok, several, severalOK int
	var failures []string
	for _, r := range recs {
		if !r.LooksLikeKQL {
			continue
		}
		q, errs := Parse(r.Query, Options{})
		if r.SeveralQueries {
			several++
			if len(errs) == 0 {
				severalOK++
			}
			continue
		}
		total++
		if len(errs) == 0 {
			ok++
			checkRoundTrip(t, r.ID, r.Query, q)
			continue
		}
		failures = append(failures, r.ID+" "+r.Path+": "+errs[0].Detail()+"\n    "+lineOf(r.Query, errs[0].Line))
	}
	for _, f := range failures {
		t.Log(f)
	}
	rate := float64(ok) / float64(total)
	t.Logf("corpus: %d/%d single queries parse (%.1f%%); several-query texts parsed whole: %d/%d", ok, total, 100*rate, severalOK, several)
	if rate < 0.98 {
		t.Errorf("parse rate %.1f%% is below the 98%% target", 100*rate)
	}
}

func lineOf(src string, line int) string {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	if line-1 < len(lines) && line > 0 {
		return strings.TrimSpace(lines[line-1])
	}
	return ""
}

// checkRoundTrip verifies that Print(Parse(x)) parses without errors and
// prints identically again.
func checkRoundTrip(t *testing.T, name, src string, q *Query) {
	t.Helper()
	_ = src
	text := Print(q)
	q2, errs := Parse(text, Options{})
	if len(errs) > 0 {
		t.Errorf("%s: printed query does not parse: %v\n%s", name, errs, text)
		return
	}
	if text2 := Print(q2); text2 != text {
		t.Errorf("%s: printing is not stable:\n--- first ---\n%s\n--- second ---\n%s", name, text, text2)
	}
}
