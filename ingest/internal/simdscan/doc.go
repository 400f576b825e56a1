// Package simdscan holds the AVX2 kernel of the prefilter's Teddy matcher
// (see ingest/teddy.go): given nibble tables for a three-byte window and
// the two-byte sequences that mark escapes, it finds the next position of
// a chunk where a window or an escape may start, 32 positions per step.
//
// It is Go assembly, not cgo, so the default build stays static and
// cgo-free; a package of its own so that a cgo build of ingest (-tags
// hyperscan) can still use it. Where the kernel cannot run (not amd64, a
// CPU without AVX2, or -tags purego) Available is false and the caller
// examines positions in Go with the same tables.
//
// It imports no package of rmmhunt (only golang.org/x/sys/cpu), so that
// the kernel can be tested alone against its scalar definition.
package simdscan

// Width is the number of bytes in a window.
const Width = 3

// Span is how many bytes from a position Find reads: three 32-byte loads,
// at the position and the two after it.
const Span = 32 + Width - 1

// Tables holds the kernel's constants, 32 bytes each (a 16-entry table
// twice, once per 128-bit lane). find_amd64.s depends on the field order.
type Tables struct {
	// Lo0..Hi2: for window byte 0, 1 and 2, the buckets (bits) that accept
	// a byte by its low and by its high nibble.
	Lo0, Hi0, Lo1, Hi1, Lo2, Hi2 [32]byte
	// Nibble is 0x0f in every byte.
	Nibble [32]byte
	// A position p is also a candidate when data[p] == Esc0 and data[p+1]
	// is Esc1 or Esc2 (every byte of each field the same).
	Esc0, Esc1, Esc2 [32]byte
}
