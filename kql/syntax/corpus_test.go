package syntax

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
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
	var total, ok, several, severalOK, severalParts, severalPartsOK int
	var failures []string
	for _, r := range recs {
		if !r.LooksLikeKQL {
			continue
		}
		q, errs := Parse(r.Query, Options{})
		if r.SeveralQueries {
			several++
			parts, good := splitAndParse(r.Query)
			severalParts += parts
			severalPartsOK += good
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
	t.Logf("corpus: %d/%d single queries parse (%.1f%%); several-query texts: %d, parsed whole: %d; split at blank lines: %d/%d queries parse",
		ok, total, 100*rate, several, severalOK, severalPartsOK, severalParts)
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

// splitAndParse splits a notebook-style text into queries at blank lines
// that fall between complete statements: blocks are joined greedily until
// the joined text parses (or no block is left). It returns the number of
// queries found and how many parse.
func splitAndParse(text string) (queries, good int) {
	var blocks []string
	for _, b := range blankLine.Split(strings.ReplaceAll(text, "\r\n", "\n"), -1) {
		if strings.TrimSpace(stripComments(b)) != "" {
			blocks = append(blocks, b)
		}
	}
	for i := 0; i < len(blocks); {
		cur := blocks[i]
		j := i + 1
		for {
			_, errs := Parse(cur, Options{})
			if len(errs) == 0 {
				good++
				break
			}
			if j == len(blocks) {
				break
			}
			// Only join when the next block continues this one (starts with an operator).
			next := strings.TrimSpace(stripComments(blocks[j]))
			if !strings.HasPrefix(next, "|") && !strings.HasPrefix(next, ")") && !strings.HasPrefix(cur, "let") {
				break
			}
			cur += "\n\n" + blocks[j]
			j++
		}
		queries++
		i = j
	}
	return queries, good
}

var blankLine = regexp.MustCompile(`\n[ \t]*\n`)

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
