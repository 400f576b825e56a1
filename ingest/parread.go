package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/rmmhunt/rmmhunt/kql/source"
)

// Parallel reading of plain JSON-lines files: instead of one goroutine
// reading the file and cutting it into units for the workers, each worker
// claims the next chunk of the file (by index), reads it with ReadAt and
// decodes it. Chunk k owns the lines that start in its byte range
// [k·parChunk, (k+1)·parChunk): it skips the end of a line begun in the
// chunk before and reads past its end to finish its last line. Workers do
// not know how many lines come before their chunk, so they number lines
// from 1 and the collector, which merges the chunks in order, shifts them.
// Rows, rejections, counts and the order of everything emitted are those
// of the reading goroutine (lines in readers.go), which stays the path for
// compressed inputs, archive members, the other formats and the sampled
// census.

// parallelReads enables parallel reading (tests turn it off to compare).
var parallelReads = true

// parChunk is the byte range a chunk owns (tests shrink it).
var parChunk int64 = 256 << 10

// parTail is how far past its range a worker reads at first, to finish its
// last line without a second read.
const parTail = 16 << 10

// parallelOK reports whether an input is read by the workers themselves.
// Over-long lines are rejected as the reading goroutine rejects them only
// when the record limit is at least the chunk size (below that, that
// goroutine's limit depends on its buffer sizes).
func (st *scanState) parallelOK(in *input) bool {
	return parallelReads && !st.limited && in.member == "" && in.comp == "" &&
		(in.format == FormatJSONL || in.format == FormatBlob) &&
		int64(st.set.opts.MaxRecordBytes) >= parChunk
}

// scanParallel reads one plain JSON-lines input with workers that read
// their own chunks.
func (st *scanState) scanParallel(pctx context.Context, in *input, emit source.Emit, workers int) (*FileSummary, error) {
	ctx, cancel := context.WithCancel(pctx)
	defer cancel()
	fs := newFileSummary(in.name, in.formatName())
	f, err := os.Open(in.path)
	if err != nil {
		return fs, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fs, err
	}
	size := fi.Size()
	if st.prefilters(in) {
		sample := make([]byte, min(size, sampleBytes))
		n, _ := f.ReadAt(sample, 0) // a failed read shows in the chunks
		st.pf.prepare(sample[:n])
	}
	chunks := (size + parChunk - 1) / parChunk
	results := make(chan *result, workers)
	// Bound the chunks in flight so memory does not grow with the input.
	slots := make(chan struct{}, 2*workers+2)
	var claim atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr := &parReader{st: st, wk: st.newWorker(in), f: f, size: size}
			for {
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return
				}
				k := claim.Add(1) - 1
				if k >= chunks {
					<-slots
					return
				}
				r := pr.chunk(k)
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	col := st.newCollector(in, fs, emit)
	ord := reorder{pending: map[int]*result{}}
	line := 1 // the line number of the next chunk's first line
	var firstErr, readErr error
	ord.drain(results, slots, func(p *result) bool {
		p.shiftLines(line - 1)
		line += p.lines
		if err := col.merge(p); err != nil {
			firstErr = err
		}
		if p.readErr != nil {
			readErr = p.readErr
		}
		if firstErr != nil || readErr != nil {
			cancel()
			return false
		}
		return true
	})
	st.units += uint64(chunks)
	// a read error ends the input (as it ends the reading goroutine); the
	// cancel that stopped the workers is this function's own
	return st.finishInput(pctx, fs, col, firstErr, readErr)
}

// parReader is one worker's reader of chunks.
type parReader struct {
	st   *scanState
	wk   *worker
	f    *os.File
	size int64
	buf  []byte
}

// readAt fills b from offset off; it returns the bytes read and the error
// that cut the read short (io.EOF at the end of the file).
func (pr *parReader) readAt(b []byte, off int64) (int, error) {
	n, err := pr.f.ReadAt(b, off)
	if err == nil && n < len(b) {
		err = io.EOF
	}
	return n, err
}

// chunk reads and decodes chunk k.
func (pr *parReader) chunk(k int64) *result {
	st := pr.st
	maxRec := st.set.opts.MaxRecordBytes
	s := k * parChunk
	e := min(s+parChunk, pr.size)
	lo := s // the window starts one byte early to see the newline before s
	if k > 0 {
		lo = s - 1
	}
	want := int(min(e-lo+min(parTail, parChunk), pr.size-lo))
	if cap(pr.buf) < want {
		pr.buf = make([]byte, want)
	}
	buf := pr.buf[:want]
	n, rerr := pr.readAt(buf, lo)
	buf = buf[:n]
	if p := st.prog; p != nil {
		p.bytes.Add(e - s)
	}
	r := &result{u: &unit{seq: int(k), in: pr.wk.in, data: buf[:0], firstLine: 1}}
	if rerr != nil && rerr != io.EOF {
		return pr.failed(r, rerr)
	}
	// The lines that start in [s, e): at 0, or after a newline at s-1 …
	// e-2 (window offsets s-1-lo … e-2-lo).
	nlEnd := min(int(e-lo)-1, len(buf))
	first, last := -1, -1
	if k == 0 {
		first = 0
	}
	if nlEnd > 0 {
		if j := bytes.IndexByte(buf[:nlEnd], '\n'); j >= 0 {
			if first < 0 {
				first = j + 1
			}
			last = bytes.LastIndexByte(buf[:nlEnd], '\n') + 1
		}
	}
	if first < 0 {
		return r // inside a line begun before this chunk
	}
	if last < 0 {
		last = first
	}
	// The end of the last line: its newline, or the end of the file.
	end, long, nl, err := pr.lineEnd(&buf, lo, last, rerr == io.EOF, maxRec)
	if err != nil {
		return pr.failed(r, err)
	}
	if long {
		end = last
	}
	r = pr.wk.process(&unit{seq: int(k), in: pr.wk.in, data: buf[first:end], firstLine: 1})
	r.lines = bytes.Count(buf[first:end], []byte{'\n'})
	if long {
		at := 1 + r.lines
		reason := fmt.Sprintf("record longer than %d bytes", maxRec)
		if nl {
			r.lines++
		} else {
			// the reading goroutine reports the end of the file inside
			// an over-long record as a read failure
			reason = "read error: " + reason
			r.readErr = errors.New(reason)
		}
		pr.wk.addRej(Rejection{File: pr.wk.file, Line: at, Reason: reason, Raw: rawText(nil)}, r)
	}
	if cap(pr.buf) > 4*int(parChunk+parTail) {
		pr.buf = nil // one long line does not keep a big buffer
	}
	return r
}

// lineEnd finds the end of the line that starts at window offset start:
// the offset after its newline, or the end of the file. It reads on when
// the window ends first (growing *buf). long reports a line longer than
// maxRec bytes (without its newline), which is not kept whole; nl reports
// whether such a line ends with a newline.
func (pr *parReader) lineEnd(buf *[]byte, lo int64, start int, eof bool, maxRec int) (end int, long, nl bool, err error) {
	b := *buf
	from := start
	for {
		if i := bytes.IndexByte(b[from:], '\n'); i >= 0 {
			end = from + i + 1
			if end-1-start > maxRec {
				return end, true, true, nil
			}
			return end, false, false, nil
		}
		if len(b)-start > maxRec {
			nl, err := pr.skipLine(lo + int64(len(b)))
			return len(b), true, nl, err
		}
		if eof {
			return len(b), false, false, nil
		}
		// read on: double the line's room, up to the record limit + 1
		from = len(b)
		grow := min(max(len(b)-start, parTail), maxRec+1-(len(b)-start))
		if cap(b)-len(b) < grow {
			nb := make([]byte, len(b), len(b)+grow)
			copy(nb, b)
			b = nb
		}
		n, rerr := pr.readAt(b[len(b):len(b)+grow], lo+int64(len(b)))
		b = b[:len(b)+n]
		*buf = b
		pr.buf = b[:0]
		if rerr == io.EOF {
			eof = true
		} else if rerr != nil {
			return 0, false, false, rerr
		}
	}
}

// skipLine looks for the newline that ends an over-long line, from offset
// off; it reports whether there is one before the end of the file.
func (pr *parReader) skipLine(off int64) (bool, error) {
	var scratch [64 << 10]byte
	for {
		n, err := pr.readAt(scratch[:], off)
		if bytes.IndexByte(scratch[:n], '\n') >= 0 {
			return true, nil
		}
		off += int64(n)
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// failed ends the input at a read error, as the reading goroutine does.
func (pr *parReader) failed(r *result, err error) *result {
	reason := "read error: " + err.Error()
	r.u.data = nil
	r.readErr = errors.New(reason)
	pr.wk.addRej(Rejection{File: pr.wk.file, Line: 1, Reason: reason}, r)
	return r
}
