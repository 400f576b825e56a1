package main

import (
	"regexp"
	"strings"
)

// termBoundary is what may stand next to a matched term in Kusto's has: the
// start or end of the string, or a character that is neither a Unicode
// letter nor a decimal digit (underscore and punctuation are separators).
const termBoundary = `[^\p{L}\p{Nd}]`

// hasRegex returns the RE2 pattern (for DuckDB's regexp_matches) that is true
// exactly when the string has any of terms in Kusto's sense, for terms that
// start and end with a letter or digit (all the queries' terms do): the
// escaped terms as one alternation between term boundaries, case-insensitive
// (RE2's (?i) uses simple case folding, as Kusto does).
func hasRegex(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = regexp.QuoteMeta(t)
	}
	return `(?i)(^|` + termBoundary + `)(` + strings.Join(quoted, "|") + `)($|` + termBoundary + `)`
}

var reSQLRegex = regexp.MustCompile(`regexp_matches\([^,]+,\s*'((?:[^']|'')*)'\)`)

// sqlHasTerms returns, for every regexp_matches in a query, the terms of its
// alternation and whether the pattern is exactly hasRegex(terms).
func sqlHasTerms(sqlText string) (terms [][]string, wellFormed []bool) {
	prefix := `(?i)(^|` + termBoundary + `)(`
	suffix := `)($|` + termBoundary + `)`
	for _, m := range reSQLRegex.FindAllStringSubmatch(sqlText, -1) {
		pat := strings.ReplaceAll(m[1], "''", "'")
		inner, ok := strings.CutPrefix(pat, prefix)
		if ok {
			inner, ok = strings.CutSuffix(inner, suffix)
		}
		var ts []string
		if ok {
			for _, q := range strings.Split(inner, "|") {
				ts = append(ts, unquoteMeta(q))
			}
		}
		terms = append(terms, ts)
		wellFormed = append(wellFormed, ok && hasRegex(ts) == pat)
	}
	return terms, wellFormed
}

func unquoteMeta(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
