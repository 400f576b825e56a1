package yamlpos

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestPosition(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		line, col  int
		msg        string // a fragment of the message
	}{
		{"scanner error, 1-based", "a: 1\nb: [1, 2\nc: 3\n", 2, 1, "did not find expected ',' or ']'"},
		// yaml.v3 says line 1 (0-based) for the list that starts on line 2
		{"parser error, corrected", "a:\n  - x\n  y: 2\n", 2, 3, "did not find expected '-' indicator"},
		{"tab indentation", "a:\n\tb: 1\n", 2, 2, "cannot start any token"},
		{"first line, no line named", "\"abc\n", 1, 1, "found unexpected end of stream"},
		{"indented line, column of first non-blank", "list:\n  - a\n    - b: [\n", 3, 5, ""},
		{"CRLF", "a: 1\r\nb: [1\r\n", 2, 1, ""},
		{"unknown anchor names no line", "a: *nope\n", 0, 0, "anchor"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			err := yaml.Unmarshal([]byte(tt.text), &v)
			if err == nil {
				t.Fatal("no error")
			}
			line, col, msg := Position(err, tt.text)
			if line != tt.line || col != tt.col || !strings.Contains(msg, tt.msg) || strings.HasPrefix(msg, "yaml:") {
				t.Errorf("Position = %d:%d %q, want %d:%d containing %q (error %q)", line, col, msg, tt.line, tt.col, tt.msg, err)
			}
		})
	}
}

// FuzzPosition: any YAML error maps to a line of the text (or 0 for the
// whole document), with a column on that line.
func FuzzPosition(f *testing.F) {
	for _, s := range []string{"a: [1\n", "a:\n  - x\n  y: 2\n", "\t", "a: *b", "k: \"\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var v any
		err := yaml.Unmarshal([]byte(text), &v)
		if err == nil {
			return
		}
		line, col, _ := Position(err, text)
		lines := strings.Split(text, "\n")
		if line < 0 || line > len(lines) || (line == 0) != (col == 0) || col < 0 {
			t.Fatalf("position %d:%d outside the %d-line text", line, col, len(lines))
		}
		if line > 0 && col > len([]rune(lines[line-1]))+1 {
			t.Fatalf("column %d beyond line %d (%q)", col, line, lines[line-1])
		}
	})
}
