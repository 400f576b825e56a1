package conformance

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// splitRow splits a recorded row "(c1, c2, ...)" into its cells, guided by
// the column type classes: strings are not escaped in the recording, so a
// string cell's end is found by trying each later quote and backtracking
// when the rest of the row does not parse; dynamic cells are read as one
// JSON value.
func splitRow(row string, classes []string) ([]string, bool) {
	if !strings.HasPrefix(row, "(") || !strings.HasSuffix(row, ")") {
		return nil, false
	}
	body := row[1 : len(row)-1]
	out := make([]string, len(classes))
	var rec func(s string, i int) bool
	rec = func(s string, i int) bool {
		if i == len(classes) {
			return s == ""
		}
		if i > 0 {
			if !strings.HasPrefix(s, ", ") {
				return false
			}
			s = s[2:]
		}
		if strings.HasPrefix(s, "null") && (len(s) == 4 || strings.HasPrefix(s[4:], ", ")) {
			out[i] = "null"
			if rec(s[4:], i+1) {
				return true
			}
		}
		switch classes[i] {
		case "String", "Guid":
			if !strings.HasPrefix(s, "'") {
				return false
			}
			for j := 1; j < len(s); j++ {
				if s[j] != '\'' {
					continue
				}
				out[i] = s[:j+1]
				if rec(s[j+1:], i+1) {
					return true
				}
			}
			return false
		case "Dynamic":
			dec := json.NewDecoder(strings.NewReader(s))
			var v any
			if err := dec.Decode(&v); err != nil {
				return false
			}
			n := int(dec.InputOffset())
			out[i] = s[:n]
			return rec(s[n:], i+1)
		default:
			j := strings.Index(s, ", ")
			if j < 0 {
				j = len(s)
			}
			out[i] = s[:j]
			return rec(s[j:], i+1)
		}
	}
	if !rec(body, 0) {
		return nil, false
	}
	return out, true
}

var numberRe = regexp.MustCompile(`-?(?:\d+(?:\.\d+)?(?:E[+-]\d+)?|Infinity)|NaN`)

// realClose compares two rendered reals with the harness's tolerance: a
// relative or absolute difference of at most 1e-9.
func realClose(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return false
	}
	d := math.Abs(x - y)
	return d <= 1e-9 || d <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}

// dynamicClose compares two rendered dynamic cells, allowing the real
// tolerance for numbers that carry a fraction or exponent.
func dynamicClose(a, b string) bool {
	if a == b {
		return true
	}
	sa, sb := numberRe.Split(a, -1), numberRe.Split(b, -1)
	if len(sa) != len(sb) {
		return false
	}
	for i := range sa {
		if sa[i] != sb[i] {
			return false
		}
	}
	na, nb := numberRe.FindAllString(a, -1), numberRe.FindAllString(b, -1)
	for i := range na {
		if na[i] == nb[i] {
			continue
		}
		if !strings.ContainsAny(na[i]+nb[i], ".E") || !realClose(na[i], nb[i]) {
			return false
		}
	}
	return true
}

// rowsClose reports whether a rendered row of ours matches a recorded row
// within the numeric tolerance (reals only; everything else exactly).
func rowsClose(got, want string, classes []string) bool {
	if got == want {
		return true
	}
	g, ok1 := splitRow(got, classes)
	w, ok2 := splitRow(want, classes)
	if !ok1 || !ok2 {
		return false
	}
	for i := range classes {
		switch {
		case g[i] == w[i]:
		case classes[i] == "Real" && realClose(g[i], w[i]):
		case classes[i] == "Dynamic" && dynamicClose(g[i], w[i]):
		default:
			return false
		}
	}
	return true
}

// multisetClose matches every wanted row to a distinct row of ours.
func multisetClose(got, want []string, classes []string) bool {
	if len(got) != len(want) {
		return false
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && rowsClose(g, w, classes) {
				used[i] = true
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
