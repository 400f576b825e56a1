package ingest

import "testing"

// Helpers of this package's tests that the external tests (package
// ingest_test: cli_shapes_test.go) share instead of keeping copies.
var (
	JSONText = jsonText
	CellText = cellText
	Gz       = gz
	Zst      = zst
)

// WriteFile is writeFile: data written to dir/name, folders made.
func WriteFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	return writeFile(t, dir, name, data)
}
