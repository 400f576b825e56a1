package rules

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Severity says how bad a diagnostic is.
type Severity string

// The severities, from worst to mildest.
const (
	// SeverityError: the file or rule cannot be used as written.
	SeverityError Severity = "error"
	// SeverityWarning: the file was used, but not exactly as written (a repair,
	// a fallback) or it holds no query.
	SeverityWarning Severity = "warning"
	// SeverityInfo: something worth knowing that changes nothing, such as a
	// file in a rule folder that is not a rule file.
	SeverityInfo Severity = "info"
)

// Diagnostic codes produced by this package.
const (
	CodeRead           = "read-error"        // the file could not be read
	CodeFileType       = "unknown-file-type" // a file named explicitly has no rule extension
	CodeNotRuleFile    = "not-a-rule-file"   // a file met while walking a folder was not loaded
	CodeYAMLSyntax     = "yaml-syntax"       // the file is not valid YAML (after the one known repair); not loaded
	CodeYAMLIndent     = "yaml-indentation"  // the known dataTypes indentation defect, repaired
	CodeShape          = "bad-value"         // a key has the wrong kind of value
	CodeDuplicateKey   = "duplicate-key"     // a mapping repeats a key
	CodeUnknownKey     = "unknown-key"       // a top-level key that no Sentinel rule uses
	CodeMissingQuery   = "missing-query"     // a YAML rule without query (or an empty one)
	CodeMissingID      = "missing-id"        // a YAML rule without id; the file name is used
	CodeMissingName    = "missing-name"      // a YAML rule without name; the id is used
	CodeNoQuery        = "no-query"          // a Markdown/KQL file that holds no query
	CodeEmptyBlock     = "empty-block"       // an empty KQL or untagged fenced block
	CodeNotKQL         = "not-kql-block"     // a fenced block that is not KQL was left out
	CodeUnclosedFence  = "unclosed-fence"    // a Markdown fence without its closing fence
	CodeQueryFence     = "query-fence"       // a ```kusto fence around a YAML query, removed
	CodeFoldedQuery    = "folded-query"      // query: > (folded) turns line breaks into spaces
	CodeDuplicateID    = "duplicate-id"      // two rules in a pack share an id
	CodeTestSyntax     = "test-syntax"       // a rule-test file is malformed
	CodeTestUnknownKey = "test-unknown-key"  // a rule-test file has a key this format does not know
)

// Diagnostic is one problem found in a file, with its position.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"` // 1-based; 0 when the problem concerns the whole file
	Col      int      `json:"col,omitempty"`  // 1-based; 0 when unknown
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
}

// Location renders where the diagnostic points as "file:line:col",
// leaving out the line and column when unknown (0).
func (d Diagnostic) Location() string {
	switch {
	case d.Line <= 0:
		return d.File
	case d.Col <= 0:
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Col)
}

// String renders the diagnostic as "file:line:col: severity: message (hint)",
// leaving out the parts that are unknown.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Location())
	fmt.Fprintf(&b, ": %s: %s", d.Severity, d.Message)
	if d.Hint != "" {
		fmt.Fprintf(&b, " (%s)", d.Hint)
	}
	return b.String()
}

// Diagnostics is a list of diagnostics, normally in file and line order.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == SeverityError })
}

// Filter returns the diagnostics of the given severity.
func (ds Diagnostics) Filter(sev Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == sev {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders the diagnostics by file, line and column, keeping the order of
// diagnostics at the same position.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}

// String renders one diagnostic per line.
func (ds Diagnostics) String() string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Err returns nil when there are no errors, else an error listing every
// error diagnostic, one per line.
func (ds Diagnostics) Err() error {
	var errs []error
	for _, d := range ds {
		if d.Severity == SeverityError {
			errs = append(errs, errors.New(d.String()))
		}
	}
	return errors.Join(errs...)
}

func (ds *Diagnostics) add(file string, line, col int, sev Severity, code, hint, format string, args ...any) {
	*ds = append(*ds, Diagnostic{File: file, Line: line, Col: col, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Hint: hint})
}
