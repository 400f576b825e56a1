package funcs

import (
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Compare orders two non-null values of comparable types: negative, zero or
// positive. Numbers compare across int/long/real; strings ordinally; bools
// false < true. NaN compares equal to NaN and below everything (callers that
// need Kusto's NaN placement handle it first).
func Compare(a, b types.Value) int {
	switch {
	case a.T.IsNumeric() && b.T.IsNumeric():
		if (a.T == types.Int || a.T == types.Long) && (b.T == types.Int || b.T == types.Long) {
			return cmpInt(a.I, b.I)
		}
		x, y := a.AsFloat(), b.AsFloat()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		case x == y:
			return 0
		}
		// NaN involved
		xn, yn := x != x, y != y
		switch {
		case xn && yn:
			return 0
		case xn:
			return -1
		default:
			return 1
		}
	case a.T == types.String || a.T == types.Guid:
		return strings.Compare(a.S, b.S)
	case a.T == types.Dynamic:
		return strings.Compare(types.DynamicJSON(a.D, true), types.DynamicJSON(b.D, true))
	default:
		return cmpInt(a.I, b.I)
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
