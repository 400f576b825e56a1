package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/report"
)

// progressDelay is how long a run goes before progress shows, and
// progressEvery the least time between two progress lines (variables so
// that tests can shorten them).
var (
	progressDelay = time.Second
	progressEvery = 250 * time.Millisecond
)

// progress shows on standard error how far a hunt has read: bytes and
// records, records per second and, when the input size is known, an ETA.
// It shows only when standard error is a terminal, the run has lasted a
// second, and --quiet is off; the line is cleared when the run ends.
type progress struct {
	s       *Streams
	enabled bool

	mu      sync.Mutex
	cur     ingest.Progress
	pass    int   // scans seen so far (a hunt may scan the inputs more than once)
	done    int64 // records of the finished scans
	started time.Time
	passAt  time.Time // when the current scan started
	shown   bool
	stopc   chan struct{}
	wg      sync.WaitGroup
}

func newProgress(s *Streams, quiet bool) *progress {
	return &progress{s: s, enabled: s.ErrTerminal && !quiet}
}

// update receives ingest's progress reports (from the scanning goroutine);
// nil when progress is off, so ingest does no bookkeeping.
func (p *progress) update(pr ingest.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pass == 0 || pr.BytesRead < p.cur.BytesRead || (pr.Records < p.cur.Records) {
		p.pass++
		p.done += p.cur.Records
		p.passAt = time.Now()
	}
	p.cur = pr
}

// hook returns the function to give ingest (nil when progress is off).
func (p *progress) hook() func(ingest.Progress) {
	if !p.enabled {
		return nil
	}
	return p.update
}

// start begins showing progress after progressDelay.
func (p *progress) start() {
	if !p.enabled {
		return
	}
	p.started = time.Now()
	p.stopc = make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case <-time.After(progressDelay):
		case <-p.stopc:
			return
		}
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			p.draw()
			select {
			case <-t.C:
			case <-p.stopc:
				return
			}
		}
	}()
}

// stop ends progress and clears its line.
func (p *progress) stop() {
	if !p.enabled || p.stopc == nil {
		return
	}
	close(p.stopc)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.s.Err, "\r\x1b[K")
	}
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := progressLine(p.cur, p.pass, p.done, time.Since(p.started), time.Since(p.passAt))
	if p.s.Width > 0 && len(line) > p.s.Width-1 {
		line = line[:p.s.Width-1]
	}
	fmt.Fprint(p.s.Err, "\r\x1b[K"+line)
	p.shown = true
}

// progressLine renders one progress report: the current scan's bytes (of
// the total when known), the records of every scan so far, the rate, and
// the current scan's ETA when its total is known (from the current scan's
// rate: passElapsed is its age).
func progressLine(cur ingest.Progress, pass int, done int64, elapsed, passElapsed time.Duration) string {
	records := done + cur.Records
	line := "reading"
	if pass > 1 {
		line = fmt.Sprintf("reading (pass %d)", pass)
	}
	if cur.TotalBytes > 0 {
		pct := 100 * float64(cur.BytesRead) / float64(cur.TotalBytes)
		line += fmt.Sprintf(" %s of %s (%.0f%%)", report.ByteSize(cur.BytesRead), report.ByteSize(cur.TotalBytes), pct)
	} else {
		line += " " + report.ByteSize(cur.BytesRead)
	}
	line += fmt.Sprintf(", %d rows", records)
	if s := elapsed.Seconds(); s > 0 {
		line += fmt.Sprintf(", %.0f rows/s", float64(records)/s)
	}
	if cur.TotalBytes > 0 && cur.BytesRead > 0 && cur.BytesRead < cur.TotalBytes && passElapsed > 0 {
		rate := float64(cur.BytesRead) / passElapsed.Seconds()
		if rate > 0 {
			eta := time.Duration(float64(cur.TotalBytes-cur.BytesRead) / rate * float64(time.Second))
			line += ", ETA " + eta.Round(time.Second).String()
		}
	}
	return line
}
