//go:build amd64 && !purego

package simdscan

import "golang.org/x/sys/cpu"

// Available reports whether Find can run: the CPU has AVX2.
var Available = cpu.X86.HasAVX2

// Find returns the first candidate position p >= from: a window start
// where, for some bucket, all six nibble lookups of t accept data[p],
// data[p+1] and data[p+2]; or an escape start. It examines blocks of 32
// positions, from, from+32, ..., while a block's start+Span <= len(data)
// (so it reads no byte past the data); when none is a candidate it returns
// the first position it did not examine and false. Available must be true
// and from+Span <= len(data).
func Find(data []byte, from int, t *Tables) (int, bool) {
	return findAVX2(&data[0], len(data), from, t)
}

//go:noescape
func findAVX2(data *byte, n, from int, t *Tables) (p int, found bool)
