//go:build amd64 && !purego

package ingest

import "golang.org/x/sys/cpu"

// teddyAVX2 reports whether the Teddy matcher's AVX2 kernel can run.
var teddyAVX2 = cpu.X86.HasAVX2

// teddySpan is how many bytes from a position the kernel reads: three
// 32-byte loads, at the position and the two after it.
const teddySpan = 32 + teddyWidth - 1

// teddyFind returns the first candidate position at or after from (see
// teddy.next), examining positions p with p+teddySpan <= len(data); when
// none is a candidate it returns the first position it did not examine and
// false. from+teddySpan must be <= len(data).
func teddyFind(data []byte, from int, t *teddyTables) (int, bool) {
	return teddyFindAVX2(&data[0], len(data), from, t)
}

//go:noescape
func teddyFindAVX2(data *byte, n, from int, t *teddyTables) (p int, found bool)
