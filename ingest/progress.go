package ingest

import (
	"io"
	"sync/atomic"
	"time"
)

// progressEvery is the least time between two Progress calls.
const progressEvery = 100 * time.Millisecond

// progress tracks one Scan for Options.Progress.
type progress struct {
	fn      func(Progress)
	total   int64
	bytes   atomic.Int64 // added by the reading goroutine
	records int64        // added by the scanning goroutine
	last    time.Time
}

func newProgress(s *Set) *progress {
	if s.opts.Progress == nil {
		return nil
	}
	p := &progress{fn: s.opts.Progress, last: time.Now()}
	for _, in := range s.inputs {
		if in.comp != "" && in.comp != "zip" {
			p.total = 0
			return p
		}
		p.total += in.size
	}
	return p
}

// tick reports progress when progressEvery has passed (or force is set).
func (p *progress) tick(force bool) {
	if p == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	p.fn(Progress{BytesRead: p.bytes.Load(), TotalBytes: p.total, Records: p.records})
}

// countReader counts the bytes read through it into a progress.
type countReader struct {
	r io.Reader
	p *progress
}

func (c *countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.bytes.Add(int64(n))
	return n, err
}
