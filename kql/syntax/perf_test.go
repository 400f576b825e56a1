package syntax

import (
	"strings"
	"testing"
	"time"
)

// TestAdversarialInputsAreFast guards against quadratic or exponential
// behaviour on deeply nested or repetitive input.
func TestAdversarialInputsAreFast(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("(", 60000), strings.Repeat("[", 60000), strings.Repeat("a in (", 10000),
		strings.Repeat("{", 60000), "dynamic(" + strings.Repeat("[", 30000), strings.Repeat("| where ", 8000),
		strings.Repeat("\"a\" ", 15000), strings.Repeat("-", 60000), strings.Repeat("x.", 30000), strings.Repeat("f(", 30000),
		"let f = " + strings.Repeat("() { ", 10000), strings.Repeat("é", 30000), strings.Repeat("#\n", 30000),
		strings.Repeat("T | join (", 5000), strings.Repeat("T | mv-apply x on (", 5000), strings.Repeat("datatable(a:long)[", 5000),
	} {
		start := time.Now()
		_, errs := Parse(s, Options{})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%q...: %v (%d errors)", s[:20], d, len(errs))
		}
	}
}
