package ingest

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/ingest/internal/simdscan"
)

// refHits is the obviously right answer lineHits must give: a line is a
// hit when its lower-cased text contains a term, or it holds an escape
// (parsed from the line's start) that could hide one.
func refHits(pf *prefilter, data []byte) []bool {
	var out []bool
	for len(data) > 0 {
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		low := bytes.ToLower(l)
		hit := false
		for _, t := range pf.terms {
			if bytes.Contains(low, t) {
				hit = true
			}
		}
		for _, f := range pf.folds {
			if bytes.Contains(l, f) {
				hit = true
			}
		}
		for i := 0; i < len(l) && !hit; i++ {
			if l[i] != '\\' {
				continue
			}
			var nx byte
			if i+1 < len(l) {
				nx = l[i+1]
			}
			if pf.all || nx == 'u' || pf.slash && nx == '/' {
				hit = true
			}
			i++
		}
		out = append(out, hit)
	}
	return out
}

func checkHits(t *testing.T, terms []string, data []byte) {
	t.Helper()
	pf := newPrefilter(terms)
	if pf == nil {
		return
	}
	want := refHits(pf, data)
	// The build's engine (lineHits), the pure-Go one whatever the build,
	// and each of the pure-Go engine's matchers (Teddy with its AVX2 kernel
	// where the CPU has one, and without it).
	for i, eng := range []string{PrefilterEngine, "go", "go-anchors", "go-teddy", "go-teddy-avx2"} {
		var got []bool
		switch {
		case i == 0:
			got = pf.lineHits(data, &lineIndex{})
			if pf.eng.name() != PrefilterEngine {
				t.Fatalf("terms %q: lineHits used the %s engine, want %s", terms, pf.eng.name(), PrefilterEngine)
			}
		case eng == "go":
			got = scanWith(newGoScanner(pf, data), data, &lineIndex{})
		case eng == "go-anchors":
			got = scanWith(&goScanner{pf: pf, m: newMatcher(pf.terms, data)}, data, &lineIndex{})
		default:
			if pf.all || eng == "go-teddy-avx2" && !simdscan.Available || slices.ContainsFunc(pf.terms, func(t []byte) bool { return len(t) < teddyWidth }) {
				continue
			}
			// Windows from covers (at most teddyMaxWindows of them) and
			// each term's rarest (as many as the terms: buckets alias).
			var tds []*teddy
			tg := newTermGrams(pf.terms, data)
			for _, per := range []float64{1, 4096} {
				if starts := tg.cover(per); starts != nil {
					tds = append(tds, newTeddy(pf.terms, starts, pf.slash))
				}
			}
			tds = append(tds, newTeddy(pf.terms, rarestWindows(pf.terms, data, teddyWidth), pf.slash))
			for _, td := range tds {
				td.simd = eng == "go-teddy-avx2"
				got = scanWith(&goScanner{pf: pf, td: td}, data, &lineIndex{})
				if fmt.Sprint(got) != fmt.Sprint(want) {
					break
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			for i := range want {
				if i >= len(got) || got[i] != want[i] {
					t.Fatalf("%s engine: terms %q: line %d: got %v, want %v\n%q", eng, terms, i, got[min(i, len(got)-1)], want[i], strings.Split(string(data), "\n")[i])
				}
			}
			t.Fatalf("%s engine: terms %q: %d lines, want %d", eng, terms, len(got), len(want))
		}
	}
}

func TestLineHits(t *testing.T) {
	data := []byte(strings.Join([]string{
		`{"RemoteUrl":"rm.MSPBackups.com","Company":"CloudBerry Lab"}`,
		`{"RemoteUrl":"www.example.com","Path":"C:\\Users\\x"}`,
		`{"RemoteUrl":"cloud\u0062erry.com"}`,
		`{"RemoteUrl":"a\/b"}`,
		``,
		`{"x":"MSP360"}`,
		`{"x":"msp36"}`,
		`{"x":"C:\\\\u"}`,
		`trailing \`,
		`\u at start`,
		`{"x":"Q"}`,
		`{"x":"any\u00e9desK"}`,
		`{"x":"ſvchoſt"}`,
		`{"x":"qq"} no newline at the end`,
	}, "\n"))
	for _, terms := range [][]string{
		{"cloudberry"}, {"CloudBerry", "MSP360"}, {"rm.mspbackups.com"}, {"q"}, {"qq", "x"},
		{"a/b"}, {`a"b`}, {"anydesk"}, {"svchost"}, {"ms", "msp", "msp3", "msp36", "msp360"}, {"com"}, {".com"}, {"s\\x"},
	} {
		checkHits(t, terms, data)
	}
	// Terms that repeat a trigram, once a cover panicked on them.
	checkHits(t, []string{"00001", "000"}, []byte("0000"))
	checkHits(t, []string{"abcabcz", "abc"}, bytes.Repeat([]byte("xx abc yy\n"), 50))
	if pf := newPrefilter([]string{"é"}); pf != nil {
		t.Fatal("non-ASCII term accepted")
	}
	if pf := newPrefilter([]string{"a", ""}); pf != nil {
		t.Fatal("empty term accepted")
	}
}

// TestLineHitsRandom compares lineHits with refHits on random text over a
// small alphabet (so terms occur often, in both cases, across anchors),
// with up to 500 terms.
func TestLineHitsRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alpha := []byte("abcABC.-\\u/\"\n x0skK\xe2\x84\xaa\xc5\xbf")
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcABC.-x0/sk"[r.Intn(13)]
		}
		return string(b)
	}
	for iter := 0; iter < 300; iter++ {
		data := make([]byte, r.Intn(4000))
		for i := range data {
			data[i] = alpha[r.Intn(len(alpha))]
		}
		var terms []string
		for n := 1 + r.Intn([]int{3, 20, 500}[iter%3]); n > 0; n-- {
			terms = append(terms, word(1+r.Intn(8)))
		}
		checkHits(t, terms, data)
	}
	// Terms longer than the engines' windows and keys, and data made of
	// pieces of them (a window without the rest of its term, a term cut
	// short or with one byte changed, in either case) and line breaks.
	for iter := 0; iter < 300; iter++ {
		var terms []string
		for n := 1 + r.Intn([]int{2, 10, 200}[iter%3]); n > 0; n-- {
			terms = append(terms, word(9+r.Intn(12)))
		}
		var data []byte
		for len(data) < 3000 {
			t := []byte(terms[r.Intn(len(terms))])
			switch r.Intn(4) {
			case 0: // a piece
				i := r.Intn(len(t))
				t = t[i : i+1+r.Intn(len(t)-i)]
			case 1: // one byte changed
				t[r.Intn(len(t))] = alpha[r.Intn(len(alpha))]
			case 2: // flipped case
				for i := range t {
					if r.Intn(2) == 0 && isLetter(t[i]) {
						t[i] ^= 0x20
					}
				}
			}
			data = append(data, t...)
			data = append(data, alpha[r.Intn(len(alpha))])
		}
		checkHits(t, terms, data)
	}
}

// TestLineHitsRepeats: terms and text over two letters, so that terms
// repeat their trigrams and share them with each other.
func TestLineHitsRepeats(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for iter := 0; iter < 500; iter++ {
		var terms []string
		for n := 1 + r.Intn(6); n > 0; n-- {
			b := make([]byte, 3+r.Intn(6))
			for i := range b {
				b[i] = "aB"[r.Intn(2)]
			}
			terms = append(terms, string(b))
		}
		data := make([]byte, r.Intn(300))
		for i := range data {
			data[i] = "abAB\n"[r.Intn(5)]
		}
		checkHits(t, terms, data)
	}
}

func FuzzLineHits(f *testing.F) {
	f.Add([]byte("{\"a\":\"CloudBerry\"}\n{\"b\":\"x\\u0041\"}\nmsp360\n"), "cloudberry,msp360")
	f.Add([]byte("a\\\\u\nb\\/c\n"), "b/c,q")
	f.Fuzz(func(t *testing.T, data []byte, terms string) {
		checkHits(t, strings.Split(terms, ","), data)
	})
}

// BenchmarkLineHits measures the matcher on generated telemetry lines with
// few and with many terms: the pure-Go engine, and the build's engine when
// that is another one (-tags hyperscan).
func BenchmarkLineHits(b *testing.B) {
	data := genLines(20000)
	many := []string{"cloudberry", "msp360"}
	for i := 0; i < 430; i++ {
		many = append(many, fmt.Sprintf("relay%d.example-rmm%d.com", i, i*7))
	}
	engines := []string{"go"}
	if PrefilterEngine != "go" {
		engines = append(engines, PrefilterEngine)
	}
	for _, eng := range engines {
		for _, terms := range [][]string{{"cloudberry", "msp360"}, many} {
			b.Run(fmt.Sprintf("engine=%s/terms=%d", eng, len(terms)), func(b *testing.B) {
				pf := newPrefilter(terms)
				var sc lineScanner = newGoScanner(pf, data)
				if eng != "go" {
					pf.lineHits(data, &lineIndex{})
					sc = pf.eng
				}
				if sc.name() != eng {
					b.Fatalf("engine %s, want %s", sc.name(), eng)
				}
				b.SetBytes(int64(len(data)))
				for i := 0; i < b.N; i++ {
					scanWith(sc, data, &lineIndex{})
				}
			})
		}
	}
}
