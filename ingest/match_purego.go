//go:build !hyperscan

package ingest

import "bytes"

// PrefilterEngine names the engine that finds the lines a scan's prefilter
// keeps: "go" in the default build, "hyperscan" when built with
// -tags hyperscan.
const PrefilterEngine = "go"

// newLineScanner returns the pure-Go engine; sample is the first chunk.
func newLineScanner(pf *prefilter, sample []byte) lineScanner {
	return newGoScanner(pf, sample)
}

// appendLineStarts appends the offset after each '\n' of data to starts.
func appendLineStarts(starts []int, data []byte) []int {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}
