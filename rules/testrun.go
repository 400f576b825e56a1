package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Runner executes one query over in-memory tables (rows given as column->value
// maps, values as YAML gave them) with now() pinned, returning the result column
// names and each cell rendered as Kusto text.
//
// Columns of a table's schema that a row does not give are null ("" for
// strings); the Runner knows the schemas and fills them in.
type Runner interface {
	Run(query string, now time.Time, tables map[string][]map[string]any) (columns []string, rows [][]string, err error)
}

// Case outcomes.
const (
	StatusPass  = "pass"  // the rule returned exactly the expected rows
	StatusFail  = "fail"  // the rule ran but returned other rows
	StatusError = "error" // the rule could not run (unknown rule, query error)
)

// TestReport is the outcome of running rule-test files.
type TestReport struct {
	// Suites has one entry per test file, in the order given.
	Suites []SuiteResult `json:"suites"`
	// Passed and Failed count cases; Failed includes errors.
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

// OK reports whether every case passed.
func (r *TestReport) OK() bool { return r.Failed == 0 }

// SuiteResult is the outcome of one rule-test file.
type SuiteResult struct {
	File  string       `json:"file"`
	Rule  string       `json:"rule"`
	Cases []CaseResult `json:"cases"`
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	Name string `json:"name"`
	Line int    `json:"line"`
	// Status is StatusPass, StatusFail or StatusError.
	Status string `json:"status"`
	// Message says what went wrong (several lines); empty when the case passed.
	Message string `json:"message,omitempty"`
	// Columns and Rows are what the rule returned.
	Columns  []string      `json:"columns,omitempty"`
	Rows     [][]string    `json:"rows,omitempty"`
	Duration time.Duration `json:"-"`
}

// RunTests runs every case of every test file against the pack's rules through
// runner. A case passes when the rule returns exactly len(expect) rows and each
// expected row can be paired with its own distinct result row whose cells, as
// text, equal the expected ones (columns not named in the expected row are not
// compared).
func RunTests(pack *Pack, files []*TestFile, runner Runner) *TestReport {
	rep := &TestReport{}
	for _, tf := range files {
		s := SuiteResult{File: tf.File, Rule: tf.Rule}
		rule := pack.Rule(tf.Rule)
		for _, c := range tf.Cases {
			cr := CaseResult{Name: c.Name, Line: c.Line}
			if rule == nil {
				cr.Status, cr.Message = StatusError, fmt.Sprintf("rule %q is not in the rule pack", tf.Rule)
			} else {
				start := time.Now()
				cols, rows, err := runner.Run(rule.Query, tf.Now, c.Rows)
				cr.Duration = time.Since(start)
				if err != nil {
					cr.Status, cr.Message = StatusError, "query failed: "+err.Error()
				} else {
					cr.Columns, cr.Rows = cols, rows
					if msg := CompareRows(c.Expect, cols, rows); msg != "" {
						cr.Status, cr.Message = StatusFail, msg
					} else {
						cr.Status = StatusPass
					}
				}
			}
			if cr.Status == StatusPass {
				rep.Passed++
			} else {
				rep.Failed++
			}
			s.Cases = append(s.Cases, cr)
		}
		rep.Suites = append(rep.Suites, s)
	}
	return rep
}

// CompareRows checks a result against expected rows and returns "" when it
// matches, else a message (several lines) saying which expected rows found no
// result row, which result rows were not expected, and showing the result.
func CompareRows(expect []map[string]string, columns []string, rows [][]string) string {
	colIdx := map[string]int{}
	for i, c := range columns {
		if _, ok := colIdx[c]; !ok {
			colIdx[c] = i
		}
	}
	var problems []string
	var missingCols []string
	for _, e := range expect {
		for k := range e {
			if _, ok := colIdx[k]; !ok && !slices.Contains(missingCols, k) {
				missingCols = append(missingCols, k)
			}
		}
	}
	if len(missingCols) > 0 {
		slices.Sort(missingCols)
		problems = append(problems, fmt.Sprintf("expected column(s) %s not in the result (columns: %s)",
			strings.Join(missingCols, ", "), strings.Join(columns, ", ")))
		return finishMessage(problems, columns, rows)
	}
	fits := func(e map[string]string, row []string) bool {
		for k, v := range e {
			i := colIdx[k]
			if i >= len(row) || row[i] != v {
				return false
			}
		}
		return true
	}
	match := matchRows(len(expect), len(rows), func(i, j int) bool { return fits(expect[i], rows[j]) })
	if len(rows) != len(expect) {
		problems = append(problems, fmt.Sprintf("want %d row(s), got %d", len(expect), len(rows)))
	}
	used := make([]bool, len(rows))
	for i, j := range match {
		if j < 0 {
			why := "matches no result row"
			if slices.ContainsFunc(rows, func(r []string) bool { return fits(expect[i], r) }) {
				why = "matches only result rows already paired with other expected rows"
			}
			problems = append(problems, fmt.Sprintf("expected row %d %s %s", i+1, formatExpect(expect[i]), why))
		} else {
			used[j] = true
		}
	}
	for j, u := range used {
		if !u {
			problems = append(problems, fmt.Sprintf("unexpected result row %d: %s", j+1, formatRow(columns, rows[j])))
		}
	}
	if len(problems) == 0 {
		return ""
	}
	return finishMessage(problems, columns, rows)
}

func finishMessage(problems []string, columns []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(problems, "\n"))
	fmt.Fprintf(&b, "\nresult (%d row(s)):\n%s", len(rows), formatTable(columns, rows))
	return strings.TrimRight(b.String(), "\n")
}

// matchRows finds a maximum pairing of n expected rows with m result rows
// (Kuhn's augmenting paths) and returns, for each expected row, its result row
// or -1.
func matchRows(n, m int, fits func(i, j int) bool) []int {
	adj := make([][]int, n)
	for i := range n {
		for j := range m {
			if fits(i, j) {
				adj[i] = append(adj[i], j)
			}
		}
	}
	owner := make([]int, m)
	for j := range owner {
		owner[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for _, j := range adj[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if owner[j] < 0 || try(owner[j], seen) {
				owner[j] = i
				return true
			}
		}
		return false
	}
	for i := range n {
		try(i, make([]bool, m))
	}
	match := make([]int, n)
	for i := range match {
		match[i] = -1
	}
	for j, i := range owner {
		if i >= 0 {
			match[i] = j
		}
	}
	return match
}

func formatExpect(e map[string]string) string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %q", k, e[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func formatRow(columns []string, row []string) string {
	parts := make([]string, 0, len(row))
	for i, v := range row {
		c := fmt.Sprintf("col%d", i+1)
		if i < len(columns) {
			c = columns[i]
		}
		parts = append(parts, fmt.Sprintf("%s: %q", c, v))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// formatTable renders rows as an aligned text table, one line per row.
func formatTable(columns []string, rows [][]string) string {
	width := make([]int, len(columns))
	for i, c := range columns {
		width[i] = len(c)
	}
	for _, r := range rows {
		for i, v := range r {
			if i < len(width) {
				width[i] = max(width[i], len(v))
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("  ")
		for i, v := range cells {
			if i > 0 {
				b.WriteString(" | ")
			}
			if i < len(width) && i < len(cells)-1 {
				fmt.Fprintf(&b, "%-*s", width[i], v)
			} else {
				b.WriteString(v)
			}
		}
		b.WriteByte('\n')
	}
	line(columns)
	for _, r := range rows {
		line(r)
	}
	return b.String()
}
