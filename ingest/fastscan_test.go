package ingest

import (
	"math/rand"
	"testing"
)

// refScanString is the byte-at-a-time string scanner scanString must agree
// with.
func refScanString(b []byte, i int) (int, bool, bool) {
	esc := false
	for i++; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return 0, false, false
					}
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		default:
			i++
		}
	}
	return 0, false, false
}

func TestScanStringSWAR(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	alpha := []byte("ab\"\\u0F/n\x1f\x00\x7f\x80\xff !~\x20\x21\x5b\x5d")
	for iter := 0; iter < 20000; iter++ {
		b := make([]byte, 1+r.Intn(40))
		b[0] = '"'
		for i := 1; i < len(b); i++ {
			if r.Intn(3) == 0 {
				b[i] = alpha[r.Intn(len(alpha))]
			} else {
				b[i] = byte(0x20 + r.Intn(0x60))
			}
		}
		e1, s1, ok1 := scanString(b, 0)
		e2, s2, ok2 := refScanString(b, 0)
		if e1 != e2 || s1 != s2 || ok1 != ok2 {
			t.Fatalf("%q: got %d %v %v, want %d %v %v", b, e1, s1, ok1, e2, s2, ok2)
		}
	}
}

func FuzzScanString(f *testing.F) {
	f.Add([]byte(`"abc\"def\u00e9\\" x`))
	f.Fuzz(func(t *testing.T, b []byte) {
		b = append([]byte{'"'}, b...)
		e1, s1, ok1 := scanString(b, 0)
		e2, s2, ok2 := refScanString(b, 0)
		if e1 != e2 || s1 != s2 || ok1 != ok2 {
			t.Fatalf("%q: got %d %v %v, want %d %v %v", b, e1, s1, ok1, e2, s2, ok2)
		}
	})
}
