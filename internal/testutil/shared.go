// Package testutil holds helpers shared by the project's tests: locating the
// ../shared data folder that CI places beside the checkout, and golden files.
//
// It must never be imported by non-test code.
package testutil

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Update is the -update flag: tests that compare against golden files rewrite
// them instead when it is set.
var Update = flag.Bool("update", false, "rewrite golden files instead of comparing")

// RepoRoot returns the absolute path of the module root (the folder holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDir returns the absolute path of ../shared/<rel> beside the checkout.
// When the folder is absent (a fresh clone without the shared data) the test is
// skipped with a message that says so.
func SharedDir(t testing.TB, rel string) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(), "..", "shared", rel)
	if env := os.Getenv("RMMHUNT_SHARED"); env != "" {
		dir = filepath.Join(env, rel)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not available (%s): %v; CI places ../shared beside the checkout", dir, err)
	}
	return dir
}

// Golden compares got with the golden file at path (relative to the calling
// test's package) or rewrites it when -update is given.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file %s: %v (run the test with -update to create it)", path, err)
	}
	if string(want) != string(got) {
		t.Errorf("output differs from golden file %s (run with -update to accept)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
