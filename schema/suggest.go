package schema

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the best "did you mean" column of t for a name that does
// not resolve, or "" when nothing is close. It tries, in order:
//
//  1. a column whose name equals name ignoring case (Sha1 -> SHA1);
//  2. the other time column, for Timestamp / TimeGenerated;
//  3. a column whose name ends with name, ignoring case, preferring the
//     shortest (AccountUpn -> InitiatingProcessAccountUpn);
//  4. the column at the smallest edit distance (ignoring case), if that
//     distance is small for the name's length.
//
// Ties go to the column documented first.
func Suggest(t *Table, name string) string {
	if t == nil || name == "" {
		return ""
	}
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	if name == Timestamp || name == TimeGenerated {
		if c, aliased, ok := t.Resolve(name); ok && aliased {
			// Resolve would accept it; still the real name is the best hint.
			return c.Name
		}
	}
	return suggest(names, name, true)
}

// SuggestTable returns the best "did you mean" table name for a table name
// that does not resolve, or "" when nothing is close. It uses the same
// ranking as [Suggest] except the suffix rule.
func SuggestTable(name string) string {
	if name == "" {
		return ""
	}
	names := make([]string, len(sorted))
	for i, t := range sorted {
		names[i] = t.Name
	}
	return suggest(names, name, false)
}

// SuggestName is the "did you mean" among any names (functions, fields,
// keys), ranked as [Suggest] ranks columns: equal but for case, else the
// shortest name ending with it, else the nearest by edit distance if that
// is small for the name's length. "" when nothing is close.
func SuggestName(name string, names []string) string {
	if name == "" {
		return ""
	}
	return suggest(names, name, true)
}

func suggest(names []string, name string, suffix bool) string {
	lower := strings.ToLower(name)
	for _, n := range names {
		if n != name && strings.ToLower(n) == lower {
			return n
		}
	}
	if suffix && utf8.RuneCountInString(name) >= 3 {
		best := ""
		for _, n := range names {
			if n == name || len(n) <= len(name) {
				continue
			}
			if strings.HasSuffix(strings.ToLower(n), lower) && (best == "" || len(n) < len(best)) {
				best = n
			}
		}
		if best != "" {
			return best
		}
	}
	limit := maxDistance(utf8.RuneCountInString(name))
	best, bestD := "", limit+1
	for _, n := range names {
		if n == name {
			continue
		}
		d := distance(lower, strings.ToLower(n), bestD)
		if d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// maxDistance is the largest edit distance still worth suggesting for a
// name of n characters: 1 for short names, about a quarter of the length
// for longer ones, at most 4.
func maxDistance(n int) int {
	switch {
	case n <= 4:
		return 1
	case n <= 8:
		return 2
	case n <= 16:
		return 3
	default:
		return 4
	}
}

// distance is the Levenshtein distance between a and b (by rune), capped at
// limit: it returns limit when the distance is limit or more.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}
