// Package yamlpos turns go.yaml.in/yaml/v3 error messages into source
// positions. yaml.v3 names a line but no column, reports its parser's
// errors one line early (0-based) and its scanner's 1-based, and leaves
// the line out for errors on the first line; the rule, rule-test and
// exclusion loaders all need the same correction. It must never import
// other rmmhunt packages.
package yamlpos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// lineRE finds the line number in a yaml.v3 error message.
var lineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// parserErrors start the messages of yaml.v3's parser (as opposed to its
// scanner): their lines are 0-based.
var parserErrors = []string{
	"did not find expected <document start>", "did not find expected node content",
	"did not find expected '-' indicator", "did not find expected key",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"found incompatible YAML document", "found duplicate %YAML directive",
	"found duplicate %TAG directive", "found undefined tag handle",
}

// Position returns where a yaml.v3 error in text points — the 1-based
// line and the column (in characters) of that line's first non-blank
// character — and the message without its "yaml: line N:" prefix (for a
// *yaml.TypeError, its first error). The line is that of the construct
// the error concerns (an unclosed bracket or quote, a block scalar) as
// yaml.v3 names it; line and col are 0 for errors about the whole
// document (an unknown anchor or alias).
func Position(err error, text string) (line, col int, msg string) {
	msg = err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		msg = msg[len(m[0]):]
		line, _ = strconv.Atoi(m[1])
		for _, p := range parserErrors {
			if strings.HasPrefix(msg, p) {
				line++
				break
			}
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
		if strings.Contains(msg, "anchor") || strings.Contains(msg, "alias") {
			return 0, 0, msg
		}
		line = 1
	}
	lines := strings.Split(strings.TrimRight(text, "\r\n"), "\n")
	if line > len(lines) {
		line = len(lines)
	}
	if line < 1 {
		return 0, 0, msg
	}
	l := strings.TrimRight(lines[line-1], "\r")
	col = utf8.RuneCountInString(l) - utf8.RuneCountInString(strings.TrimLeft(l, " \t")) + 1
	return line, col, msg
}
