package ingest

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/ingest/evtx"
)

// evtxChunk is one 64 KiB chunk of an EVTX file.
type evtxChunk struct {
	data  []byte
	index int
}

// evtx hands the chunks of an EVTX file to the workers.
func (p *producer) evtx(r io.Reader) error {
	er, err := evtx.NewReader(r)
	if err != nil {
		if e := p.add(rawRec{it: &item{line: 1, rej: err.Error()}}); e != nil {
			return e
		}
		p.flush()
		return err
	}
	for {
		data, idx, err := er.NextChunk()
		if err == io.EOF {
			return p.flush()
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && !evtx.IsChunk(data) {
				return p.flush()
			}
			return p.readFailure(0, fmt.Errorf("EVTX chunk %d: %w", idx, err))
		}
		if !evtx.IsChunk(data) {
			continue // an unused chunk
		}
		if e := p.unit(&unit{recs: []rawRec{{evtx: &evtxChunk{data: data, index: idx}}}}); e != nil {
			return e
		}
	}
}

// evtxChunk decodes one chunk's records into Windows events. An event's
// "line" is its event record identifier.
func (w *worker) evtxChunk(c *evtxChunk, r *result) {
	recs, err := evtx.ParseChunk(c.data)
	for _, rec := range recs {
		r.delta.records++
		line := int(rec.ID)
		if rec.Err != nil {
			w.addRej(Rejection{File: w.file, Line: line, Reason: rec.Err.Error()}, r)
			continue
		}
		ev, err := sysEventFromElement(rec.Event, rec.Written.Format("2006-01-02T15:04:05.0000000Z"))
		if err != nil {
			w.addRej(Rejection{File: w.file, Line: line, Reason: err.Error()}, r)
			continue
		}
		ev.line = line
		r.outs = append(r.outs, out{sys: ev})
	}
	if err != nil {
		w.addRej(Rejection{File: w.file, Line: 0, Reason: fmt.Sprintf("EVTX chunk %d: %v", c.index, err)}, r)
	}
}

// sysEventFromElement normalises a rendered <Event> element.
func sysEventFromElement(e *evtx.Element, written string) (*sysEvent, error) {
	sys := e.Child("System")
	if sys == nil {
		return nil, errors.New("event has no System element")
	}
	idText := strings.TrimSpace(sys.Child("EventID").Text)
	id, err := strconv.Atoi(idText)
	if err != nil {
		return nil, fmt.Errorf("EventID %s is not a number", quoteShort(idText))
	}
	ev := &sysEvent{id: id, provider: sys.Child("Provider").Attr("Name"),
		channel: sys.Child("Channel").Text, computer: sys.Child("Computer").Text,
		sysTime: sys.Child("TimeCreated").Attr("SystemTime"), data: map[string]string{}}
	if ev.sysTime == "" {
		ev.sysTime = written
	}
	data := e.Child("EventData")
	if data == nil {
		if ud := e.Child("UserData"); ud != nil && len(ud.Children) > 0 {
			for _, c := range ud.Children[0].Children {
				ev.data[c.Name] = c.Text
			}
		}
		return ev, nil
	}
	for i, d := range data.Children {
		name := d.Attr("Name")
		if name == "" {
			name = "Data" + strconv.Itoa(i)
		}
		ev.data[name] = d.Text
	}
	return ev, nil
}
