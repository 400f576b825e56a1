//go:build !amd64 || purego

package ingest

// teddyAVX2 reports whether the Teddy matcher's AVX2 kernel can run: never
// in this build (not amd64, or built with -tags purego).
const teddyAVX2 = false

// teddySpan is how many bytes from a position the kernel would read.
const teddySpan = 32 + teddyWidth - 1

// teddyFind is not called in this build: the Go loop of teddy.next
// examines every position.
func teddyFind(data []byte, from int, t *teddyTables) (int, bool) {
	panic("ingest: teddyFind without AVX2")
}
