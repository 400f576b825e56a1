//go:build hyperscan

package ingest

/*
#cgo pkg-config: libhs
#include <hs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// rm_term is a term whose Hyperscan literal is a window of it: a match of
// the window ending at offset to is the term if the term, lower-cased, is at
// to - end.
typedef struct {
	uint32_t off;   // of the lower-cased term in the blob of terms
	uint32_t len;   // of the term
	uint32_t end;   // the window's end in the term
	uint32_t whole; // the window is the whole term: nothing to verify
} rm_term;

// rm_ctx is one scan's state, on rm_scan's stack.
typedef struct {
	const unsigned char *data;
	const int64_t *starts; // line starts, ascending; starts[0] == 0
	size_t nlines;
	size_t end;            // len(data)
	unsigned char *hits;
	size_t lo, hi;         // the last line marked: [lo, hi)
	const rm_term *terms;  // ids < nterms are terms
	const unsigned char *blob;
	unsigned int nterms;
	unsigned int esc;      // ids >= esc are escapes (backslash + a byte)
} rm_ctx;

static int rm_on_match(unsigned int id, unsigned long long from,
		unsigned long long to, unsigned int flags, void *p) {
	rm_ctx *c = (rm_ctx *)p;
	size_t off = (size_t)to - 1; // the match's last byte: patterns hold no '\n'
	if (off >= c->lo && off < c->hi) {
		return 0;
	}
	if (id < c->nterms) {
		const rm_term *t = &c->terms[id];
		if (!t->whole) {
			if (to < t->end) {
				return 0;
			}
			size_t s = (size_t)to - t->end;
			if (s + t->len > c->end) {
				return 0;
			}
			const unsigned char *d = c->data + s, *tt = c->blob + t->off;
			for (uint32_t i = 0; i < t->len; i++) {
				unsigned char x = d[i];
				if ((unsigned)(x - 'A') < 26u) {
					x += 'a' - 'A';
				}
				if (x != tt[i]) {
					return 0;
				}
			}
		}
	} else if (id >= c->esc) {
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

#if defined(__x86_64__)
__attribute__((target("avx2")))
static size_t rm_lines_avx2(const unsigned char *d, size_t len, size_t *pos,
		int64_t *out, size_t cap) {
	size_t i = *pos, n = 0;
	const __m256i nl = _mm256_set1_epi8('\n');
	while (i + 64 <= len && n + 64 <= cap) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(d + i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(d + i + 32));
		uint64_t m = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, nl)) |
			(uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, nl)) << 32;
		while (m) {
			out[n++] = (int64_t)(i + __builtin_ctzll(m) + 1);
			m &= m - 1;
		}
		i += 64;
	}
	for (; i < len && n < cap; i++) {
		if (d[i] == '\n') {
			out[n++] = (int64_t)(i + 1);
		}
	}
	*pos = i;
	return n;
}
#endif

// rm_lines writes to out (room for cap) the offset after each '\n' of
// d[*pos:len], and moves *pos to where it stopped: len, unless out is full.
static size_t rm_lines(const unsigned char *d, size_t len, size_t *pos,
		int64_t *out, size_t cap) {
#if defined(__x86_64__)
	if (__builtin_cpu_supports("avx2")) {
		return rm_lines_avx2(d, len, pos, out, cap);
	}
#endif
	size_t i = *pos, n = 0;
	while (i < len && n < cap) {
		const unsigned char *q = memchr(d + i, '\n', len - i);
		if (q == NULL) {
			i = len;
			break;
		}
		i = (size_t)(q - d) + 1;
		out[n++] = (int64_t)i;
	}
	*pos = i;
	return n;
}

// rm_scan scans data with a scratch space of its own (allocating one costs
// about a microsecond, against hundreds for a 1 MiB chunk), so that scans
// share nothing but the read-only database.
static hs_error_t rm_scan(const hs_database_t *db,
		const char *data, size_t len, const int64_t *starts, size_t nlines,
		unsigned char *hits, const rm_term *terms, const unsigned char *blob,
		unsigned int nterms, unsigned int esc) {
	hs_scratch_t *scratch = NULL;
	hs_error_t rc = hs_alloc_scratch(db, &scratch);
	if (rc != HS_SUCCESS) {
		return rc;
	}
	rm_ctx c = {(const unsigned char *)data, starts, nlines, len, hits, 1, 0,
		terms, blob, nterms, esc};
	rc = hs_scan(db, data, (unsigned int)len, 0, scratch, rm_on_match, &c);
	hs_free_scratch(scratch);
	return rc;
}
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"unsafe"
)

// PrefilterEngine names the engine that finds the lines a scan's prefilter
// keeps: "go" in the default build, "hyperscan" when built with
// -tags hyperscan.
const PrefilterEngine = "hyperscan"

// rm_scan and rm_lines read and write lineIndex.starts as int64.
var _ [unsafe.Sizeof(int(0)) - 8]byte
var _ [8 - unsafe.Sizeof(int(0))]byte

// newLineScanner compiles pf's patterns into a Hyperscan database, using
// sample (the first chunk) to choose each term's window. If Hyperscan
// cannot compile them (say, on a CPU it does not support) the scan uses the
// pure-Go engine, which gives the same answer.
func newLineScanner(pf *prefilter, sample []byte) lineScanner {
	hs, err := newHSScanner(pf, sample)
	if err != nil {
		return newGoScanner(pf, sample)
	}
	return hs
}

// hsScanner is the Hyperscan engine. One block-mode database holds, as
// literals: a window of each term (caseless), the fold sequences, and the
// escapes that could hide a term (a lone backslash when any escape could;
// else \u, and \/ for terms with a slash). A C callback marks the line of
// each match, after checking the whole term around a window, or that the
// backslash starts an escape; matches never cross into Go.
//
// The windows: Hyperscan's many-literal matcher keys on a literal's last
// bytes, so 200 domains that all end in ".com" would stop at every ".com"
// of the data. Each term longer than hsWindow bytes is instead represented
// by its hsWindow bytes whose bigrams are rarest in a sample of the data.
type hsScanner struct {
	st *hsState
}

// hsWindow is the length of a term's window.
const hsWindow = 8

// hsState owns the database; a cleanup frees it. The terms, for the
// callback, are Go memory without pointers: an rm_term per term and the
// terms' bytes.
type hsState struct {
	db    *C.hs_database_t
	terms []C.rm_term
	blob  []byte
	esc   C.uint // first escape id
}

func newHSScanner(pf *prefilter, sample []byte) (*hsScanner, error) {
	type lit struct {
		b     []byte
		flags C.uint
	}
	var lits []lit
	win := rarestWindows(pf.terms, sample, hsWindow)
	for i, t := range pf.terms {
		lits = append(lits, lit{t[win[i]:min(len(t), win[i]+hsWindow)], C.HS_FLAG_CASELESS})
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
	// The arrays hs_compile_lit_multi reads live in C memory. ptrs must be
	// zeroed: storing a pointer through a Go-typed slot runs the write
	// barrier during a GC, which reads the slot's old value as a pointer,
	// and uninitialised malloc memory may hold stale Go pointers (a freed
	// scratch space keeps the address of the last buffer it scanned).
	ptrs := unsafe.Slice((**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil))))), n)
	flags := unsafe.Slice((*C.uint)(C.malloc(C.size_t(n)*C.size_t(unsafe.Sizeof(C.uint(0))))), n)
	ids := unsafe.Slice((*C.uint)(C.malloc(C.size_t(n)*C.size_t(unsafe.Sizeof(C.uint(0))))), n)
	lens := unsafe.Slice((*C.size_t)(C.malloc(C.size_t(n)*C.size_t(unsafe.Sizeof(C.size_t(0))))), n)
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
	st := &hsState{db: db, esc: C.uint(esc)}
	for i, t := range pf.terms {
		end := min(len(t), win[i]+hsWindow)
		whole := C.uint32_t(0)
		if win[i] == 0 && end == len(t) {
			whole = 1
		}
		st.terms = append(st.terms, C.rm_term{off: C.uint32_t(len(st.blob)), len: C.uint32_t(len(t)), end: C.uint32_t(end), whole: whole})
		st.blob = append(st.blob, t...)
	}
	st.blob = append(st.blob, 0) // never empty
	hs := &hsScanner{st: st}
	runtime.AddCleanup(hs, (*hsState).close, st)
	return hs, nil
}

// close frees the database; it runs once the scanner is unreachable, so no
// scan is in progress.
func (st *hsState) close() {
	C.hs_free_database(st.db)
	st.db = nil
}

// appendLineStarts appends the offset after each '\n' of data to starts
// (in C, with AVX2 where the CPU has it).
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
	if len(data) > math.MaxUint32 || len(h.st.blob) > math.MaxUint32 {
		panic("ingest: hyperscan: chunk or terms over 4 GiB") // chunks are 1 MiB
	}
	st := h.st
	var terms *C.rm_term
	if len(st.terms) > 0 {
		terms = &st.terms[0]
	}
	rc := C.rm_scan(st.db, (*C.char)(unsafe.Pointer(&data[0])), C.size_t(len(data)),
		(*C.int64_t)(unsafe.Pointer(&li.starts[0])), C.size_t(len(li.starts)),
		(*C.uchar)(unsafe.Pointer(&hits[0])), terms, (*C.uchar)(unsafe.Pointer(&st.blob[0])),
		C.uint(len(st.terms)), st.esc)
	runtime.KeepAlive(h)
	if rc != C.HS_SUCCESS {
		// Out of memory in C: keep every line (the prefilter is
		// conservative, so this costs time, never answers).
		for i := range hits {
			hits[i] = true
		}
	}
}
