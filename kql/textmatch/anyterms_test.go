package textmatch

import (
	"math/rand"
	"strings"
	"testing"
)

func refHasAny(h string, needles []string) bool {
	for _, n := range needles {
		if HasTerm(h, n, Has, false) {
			return true
		}
	}
	return false
}

func TestAnyTermsAgreesWithHasTerm(t *testing.T) {
	cases := []struct {
		h       string
		needles []string
	}{
		{"rm.mspbackups.com", []string{"mspbackups.com"}},
		{"rm.mspbackups.com", []string{"spbackups.com"}},
		{"RM.MSPBACKUPS.COM:443", []string{"rm.mspbackups.com"}},
		{"xrm.mspbackups.com", []string{"rm.mspbackups.com"}},
		{"a.b", []string{".b", "q"}},
		{"ab", []string{"a"}},
		{"", []string{""}},
		{"x", []string{"", "y"}},
		{"c.mid.al", []string{"mid"}},
		{"foo-bar", []string{"-bar", "bar-"}},
	}
	for _, c := range cases {
		m := NewAnyTerms(c.needles)
		if got, want := m.Has(c.h), refHasAny(c.h, c.needles); got != want {
			t.Errorf("has_any(%q, %q) = %v, want %v", c.h, c.needles, got, want)
		}
	}
	r := rand.New(rand.NewSource(3))
	alpha := "abAB.-1 _/"
	word := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(alpha[r.Intn(len(alpha))])
		}
		return b.String()
	}
	for i := 0; i < 20000; i++ {
		h := word(r.Intn(16))
		var needles []string
		for n := r.Intn(12); n >= 0; n-- {
			needles = append(needles, word(r.Intn(7)))
		}
		if got, want := NewAnyTerms(needles).Has(h), refHasAny(h, needles); got != want {
			t.Fatalf("has_any(%q, %q) = %v, want %v", h, needles, got, want)
		}
	}
	if NewAnyTerms([]string{"é"}) != nil {
		t.Error("non-ASCII needle compiled")
	}
}

func FuzzAnyTerms(f *testing.F) {
	f.Add("rm.mspbackups.com", "mspbackups.com,msp360")
	f.Add("RM.MSPBACKUPS.COM/é", "mspbackups.com,msp360")
	f.Fuzz(func(t *testing.T, h, list string) {
		needles := strings.Split(list, ",")
		m := NewAnyTerms(needles)
		if m == nil {
			return
		}
		if got, want := m.Has(h), refHasAny(h, needles); got != want {
			t.Fatalf("has_any(%q, %q) = %v, want %v", h, needles, got, want)
		}
	})
}
