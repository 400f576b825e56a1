//go:build hyperscan

package ingest

/*
#cgo pkg-config: libhs
#include <hs.h>
#include <stdint.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

// rm_ctx is one scan's state, on rm_scan's stack.
typedef struct {
	const unsigned char *data;
	const int64_t *starts; // line starts, ascending; starts[0] == 0
	size_t nlines;
	size_t end;            // len(data)
	unsigned char *hits;
	size_t lo, hi;         // the last line marked: [lo, hi)
	unsigned int esc;      // ids >= esc are escapes (backslash + a byte)
} rm_ctx;

static int rm_on_match(unsigned int id, unsigned long long from,
		unsigned long long to, unsigned int flags, void *p) {
	rm_ctx *c = (rm_ctx *)p;
	size_t off = (size_t)to - 1; // the match's last byte: patterns hold no '\n'
	if (off >= c->lo && off < c->hi) {
		return 0;
	}
	if (id >= c->esc) {
		// The backslash at to-2 starts an escape only if an even number
		// of backslashes precede it (escapes are parsed from the line's
		// start, and a line break is no backslash).
		size_t k = (size_t)to - 2, n = 0;
		while (k > 0 && c->data[k - 1] == '\\') {
			k--;
			n++;
		}
		if (n & 1) {
			return 0;
		}
	}
	size_t lo = 0, hi = c->nlines - 1;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		if ((size_t)c->starts[mid] <= off) {
			lo = mid;
		} else {
			hi = mid - 1;
		}
	}
	c->hits[lo] = 1;
	c->lo = (size_t)c->starts[lo];
	c->hi = lo + 1 < c->nlines ? (size_t)c->starts[lo + 1] : c->end;
	return 0;
}

// rm_lines writes to out (room for cap) the offset after each '\n' of
// d[*pos:len], and moves *pos to where it stopped: len, unless out is full.
static size_t rm_lines(const unsigned char *d, size_t len, size_t *pos,
		int64_t *out, size_t cap) {
	size_t i = *pos, n = 0;
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	while (i + 32 <= len && n + 32 <= cap) {
		__m128i a = _mm_loadu_si128((const __m128i *)(d + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(d + i + 16));
		uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, nl)) |
			(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, nl)) << 16;
		while (m) {
			out[n++] = (int64_t)(i + __builtin_ctz(m) + 1);
			m &= m - 1;
		}
		i += 32;
	}
#endif
	for (; i < len && n < cap; i++) {
		if (d[i] == '\n') {
			out[n++] = (int64_t)(i + 1);
		}
	}
	*pos = i;
	return n;
}

static hs_error_t rm_scan(const hs_database_t *db, hs_scratch_t *scratch,
		const char *data, size_t len, const int64_t *starts, size_t nlines,
		unsigned char *hits, unsigned int esc) {
	rm_ctx c = {(const unsigned char *)data, starts, nlines, len, hits, 1, 0, esc};
	return hs_scan(db, data, (unsigned int)len, 0, scratch, rm_on_match, &c);
}
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// PrefilterEngine names the engine that finds the lines a scan's prefilter
// keeps: "go" in the default build, "hyperscan" when built with
// -tags hyperscan.
const PrefilterEngine = "hyperscan"

// rm_scan reads lineIndex.starts as int64.
var _ [unsafe.Sizeof(int(0)) - 8]byte
var _ [8 - unsafe.Sizeof(int(0))]byte

// newLineScanner compiles pf's patterns into a Hyperscan database. If
// Hyperscan cannot compile them (say, on a CPU it does not support) the
// scan uses the pure-Go engine, which gives the same answer.
func newLineScanner(pf *prefilter, sample []byte) lineScanner {
	hs, err := newHSScanner(pf)
	if err != nil {
		return newGoScanner(pf, sample)
	}
	return hs
}

// hsScanner is the Hyperscan engine. One block-mode database holds, as
// literals: the terms (caseless), the fold sequences, and the escapes that
// could hide a term (a lone backslash when any escape could; else \u, and
// \/ for terms with a slash), whose matches are kept only when the
// backslash starts an escape. Every match marks its line; a C callback does
// it, so matches never cross into Go.
type hsScanner struct {
	st  *hsState
	esc C.uint // first escape id
}

// hsState owns the C memory of an hsScanner; a cleanup frees it.
type hsState struct {
	db   *C.hs_database_t
	mu   sync.Mutex
	free []*C.hs_scratch_t // scratch spaces not in use: one per concurrent scan
}

func newHSScanner(pf *prefilter) (*hsScanner, error) {
	type lit struct {
		b     []byte
		flags C.uint
	}
	var lits []lit
	for _, t := range pf.terms {
		lits = append(lits, lit{t, C.HS_FLAG_CASELESS})
	}
	for _, f := range pf.folds {
		lits = append(lits, lit{f, 0})
	}
	esc := len(lits)
	if pf.all {
		lits = append(lits, lit{[]byte(`\`), 0}) // any backslash: no parity check
		esc++
	} else {
		lits = append(lits, lit{[]byte(`\u`), 0})
		if pf.slash {
			lits = append(lits, lit{[]byte(`\/`), 0})
		}
	}
	n := len(lits)
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("hyperscan: %d patterns", n)
	}
	// The arrays hs_compile_lit_multi reads live in C memory.
	ptrs := (*[1 << 28]*C.char)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
	flags := (*[1 << 28]C.uint)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(C.uint(0)))))[:n:n]
	ids := (*[1 << 28]C.uint)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(C.uint(0)))))[:n:n]
	lens := (*[1 << 28]C.size_t)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(C.size_t(0)))))[:n:n]
	defer func() {
		for _, p := range ptrs {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(&ptrs[0]))
		C.free(unsafe.Pointer(&flags[0]))
		C.free(unsafe.Pointer(&ids[0]))
		C.free(unsafe.Pointer(&lens[0]))
	}()
	for i, l := range lits {
		ptrs[i] = (*C.char)(C.CBytes(l.b))
		flags[i], ids[i], lens[i] = l.flags, C.uint(i), C.size_t(len(l.b))
	}
	var db *C.hs_database_t
	var cerr *C.hs_compile_error_t
	if rc := C.hs_compile_lit_multi(&ptrs[0], &flags[0], &ids[0], &lens[0], C.uint(n), C.HS_MODE_BLOCK, nil, &db, &cerr); rc != C.HS_SUCCESS {
		msg := "unknown error"
		if cerr != nil {
			msg = C.GoString(cerr.message)
			C.hs_free_compile_error(cerr)
		}
		return nil, fmt.Errorf("hyperscan: compiling %d literals: %s (code %d)", n, msg, int(rc))
	}
	st := &hsState{db: db}
	hs := &hsScanner{st: st, esc: C.uint(esc)}
	runtime.AddCleanup(hs, (*hsState).close, st)
	return hs, nil
}

// close frees the database and the idle scratch spaces; it runs once the
// scanner is unreachable, so no scan is in progress.
func (st *hsState) close() {
	for _, s := range st.free {
		C.hs_free_scratch(s)
	}
	st.free = nil
	C.hs_free_database(st.db)
	st.db = nil
}

func (st *hsState) scratch() (*C.hs_scratch_t, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if n := len(st.free); n > 0 {
		s := st.free[n-1]
		st.free = st.free[:n-1]
		return s, nil
	}
	var s *C.hs_scratch_t
	if rc := C.hs_alloc_scratch(st.db, &s); rc != C.HS_SUCCESS {
		return nil, fmt.Errorf("hyperscan: hs_alloc_scratch: code %d", int(rc))
	}
	return s, nil
}

func (st *hsState) release(s *C.hs_scratch_t) {
	st.mu.Lock()
	st.free = append(st.free, s)
	st.mu.Unlock()
}

// appendLineStarts appends the offset after each '\n' of data to starts
// (in C: about 4x bytes.IndexByte per line on telemetry lines).
func appendLineStarts(starts []int, data []byte) []int {
	var pos C.size_t
	for int(pos) < len(data) {
		if cap(starts)-len(starts) < 64 {
			starts = slices.Grow(starts, max(64, len(data)/256))
		}
		n := len(starts)
		room := starts[n:cap(starts)]
		k := C.rm_lines((*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data)), &pos,
			(*C.int64_t)(unsafe.Pointer(&room[0])), C.size_t(len(room)))
		starts = starts[:n+int(k)]
	}
	return starts
}

func (h *hsScanner) name() string { return "hyperscan" }

func (h *hsScanner) scanLines(data []byte, li *lineIndex, hits []bool) {
	if len(data) > math.MaxUint32 {
		panic("ingest: hyperscan: chunk over 4 GiB") // chunks are 1 MiB
	}
	s, err := h.st.scratch()
	if err != nil {
		// Out of memory in C: keep every line (the prefilter is
		// conservative, so this costs time, never answers).
		for i := range hits {
			hits[i] = true
		}
		return
	}
	rc := C.rm_scan(h.st.db, s, (*C.char)(unsafe.Pointer(&data[0])), C.size_t(len(data)),
		(*C.int64_t)(unsafe.Pointer(&li.starts[0])), C.size_t(len(li.starts)),
		(*C.uchar)(unsafe.Pointer(&hits[0])), h.esc)
	h.st.release(s)
	runtime.KeepAlive(h)
	if rc != C.HS_SUCCESS {
		for i := range hits {
			hits[i] = true
		}
	}
}
