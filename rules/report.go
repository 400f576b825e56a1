package rules

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// ReportFormats are the formats TestReport.Write accepts.
var ReportFormats = []string{"text", "json", "junit"}

// Write writes the report in one of ReportFormats.
func (r *TestReport) Write(w io.Writer, format string) error {
	switch format {
	case "text", "":
		return r.WriteText(w)
	case "json":
		return r.WriteJSON(w)
	case "junit":
		return r.WriteJUnit(w)
	}
	return fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(ReportFormats, ", "))
}

// WriteText writes one line per case ("PASS file:line: rule / case" or FAIL,
// with the reason indented below a failure) and a summary "N passed, M failed".
func (r *TestReport) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, s := range r.Suites {
		for _, c := range s.Cases {
			tag := "PASS"
			if c.Status != StatusPass {
				tag = "FAIL"
			}
			fmt.Fprintf(&b, "%s %s:%d: %s / %s\n", tag, s.File, c.Line, s.Rule, c.Name)
			if c.Message != "" {
				for _, l := range strings.Split(c.Message, "\n") {
					fmt.Fprintf(&b, "    %s\n", l)
				}
			}
		}
	}
	fmt.Fprintf(&b, "%d passed, %d failed\n", r.Passed, r.Failed)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON:
// {"suites":[{"file","rule","cases":[{"name","line","status","message","columns","rows"}]}],"passed":N,"failed":M}.
func (r *TestReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes the report as JUnit XML for CI: a testsuite per rule-test
// file, a testcase per case (classname = rule id), a failure element for a case
// whose rows differ and an error element for a case whose rule could not run.
func (r *TestReport) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "rmmhunt rule tests"}
	for _, s := range r.Suites {
		js := junitSuite{Name: s.File}
		var total float64
		for _, c := range s.Cases {
			secs := c.Duration.Seconds()
			total += secs
			jc := junitCase{Name: c.Name, Classname: s.Rule, File: s.File, Line: c.Line, Time: fmt.Sprintf("%.3f", secs)}
			first, _, _ := strings.Cut(c.Message, "\n")
			switch c.Status {
			case StatusFail:
				jc.Failure = &junitProblem{Message: first, Type: "mismatch", Text: c.Message}
				js.Failures++
			case StatusError:
				jc.Error = &junitProblem{Message: first, Type: "error", Text: c.Message}
				js.Errors++
			}
			js.Tests++
			js.Cases = append(js.Cases, jc)
		}
		js.Time = fmt.Sprintf("%.3f", total)
		out.Tests += js.Tests
		out.Failures += js.Failures
		out.Errors += js.Errors
		out.Suites = append(out.Suites, js)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
