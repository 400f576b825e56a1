package gen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"time"
)

// rowKind says what produced a row, for Stats.
type rowKind struct {
	tool     int // index into Options.Tools, -1 when benign
	nearMiss bool
}

var benignKind = rowKind{tool: -1}

type generator struct {
	o        Options
	w        *world
	r        *rand.Rand
	row      obj
	reportID int64
}

// Write writes opts.Rows rows of opts.Table to w in opts.Format and returns
// what it wrote. The output depends only on opts: the same options give the
// same bytes on every run and platform.
func Write(w io.Writer, opts Options) (Stats, error) {
	o, err := opts.normalize()
	if err != nil {
		return Stats{}, err
	}
	g := &generator{
		o: o,
		w: newWorld(o),
		r: rand.New(rand.NewPCG(uint64(o.Seed), strHash(o.Table))),
	}
	g.reportID = 1000 + g.r.Int64N(90000)

	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	st := Stats{ByTool: map[string]int{}}
	start, end := toTicks(o.Start), toTicks(o.End)
	span := float64(end - start)
	category := "AdvancedHunting-" + o.Table
	var line []byte
	for i := 0; i < o.Rows; i++ {
		// Timestamps rise through the range with jitter, like an export
		// sorted by time.
		t := start + int64((float64(i)+g.r.Float64())*span/float64(o.Rows))
		if t >= end {
			t = end - 1
		}
		var kind rowKind
		switch o.Table {
		case TableProcess:
			kind = g.processRow(t)
		case TableCertificate:
			kind = g.certRow(t)
		default:
			kind = g.networkRow(t)
		}
		body := g.row.end()
		line = line[:0]
		switch o.Format {
		case FormatJSONL:
			line = append(line, body...)
			line = append(line, '\n')
		case FormatBlob:
			line = g.envelope(line, category, t, body)
			line = append(line, '\r', '\n')
		case FormatEventHub:
			if i%o.RecordsPerMessage == 0 {
				line = append(line, `{"records":[`...)
			} else {
				line = append(line, ',')
			}
			line = g.envelope(line, category, t, body)
			if (i+1)%o.RecordsPerMessage == 0 || i == o.Rows-1 {
				line = append(line, "]}\n"...)
			}
		}
		if _, err := bw.Write(line); err != nil {
			return st, err
		}
		st.Rows++
		if kind.tool >= 0 {
			st.RMMRows++
			st.ByTool[o.Tools[kind.tool].Name]++
		}
		if kind.nearMiss {
			st.NearMissRows++
		}
		tt := fromTicks(t)
		if st.First.IsZero() || tt.Before(st.First) {
			st.First = tt
		}
		if tt.After(st.Last) {
			st.Last = tt
		}
	}
	err = bw.Flush()
	st.Bytes = cw.n
	return st, err
}

// envelope wraps a row as a Streaming API record.
func (g *generator) envelope(b []byte, category string, t int64, body []byte) []byte {
	received := t + int64(30*time.Second/100) + g.r.Int64N(int64(9*time.Minute/100))
	b = append(b, `{"time":"`...)
	b = appendTicks(b, received)
	b = append(b, `","tenantId":"`...)
	b = append(b, g.o.TenantID...)
	b = append(b, `","operationName":"Publish","category":"`...)
	b = append(b, category...)
	b = append(b, `","properties":`...)
	b = append(b, body...)
	b = append(b, `,"Tenant":"DefaultTenant"}`...)
	return b
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// pick returns a random element.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// pickProgram picks a benign program by weight.
func (g *generator) pickProgram() *program {
	n := g.r.IntN(g.w.benignSum)
	for _, p := range g.w.benign {
		n -= p.weight
		if n < 0 {
			return p
		}
	}
	return g.w.benign[len(g.w.benign)-1]
}

// pickTool picks a tool, its program (the main binary most often) and a
// device running it.
func (g *generator) pickTool() (int, *program, int) {
	ti := g.r.IntN(len(g.w.tools))
	ts := g.w.tools[ti]
	p := ts.programs[0]
	if len(ts.programs) > 1 && g.r.IntN(100) < 45 {
		p = ts.programs[1+g.r.IntN(len(ts.programs)-1)]
	}
	return ti, p, ts.devices[g.r.IntN(len(ts.devices))]
}

func (g *generator) nextReportID() int64 {
	g.reportID += 1 + g.r.Int64N(40)
	return g.reportID
}

// accountFor returns the account a program runs as on a device.
func accountFor(p *program, d *device) account {
	switch {
	case p.system:
		return systemAccount
	case p.network:
		return networkAccount
	default:
		return d.user
	}
}

func integrity(a account) (level, elevation string) {
	if a.domain == "nt authority" {
		return "System", "TokenElevationTypeDefault"
	}
	return "Medium", "TokenElevationTypeLimited"
}

// objectID is a stable Entra object id for a domain account.
func objectID(a account) string {
	if a.upn == "" {
		return ""
	}
	h1, h2 := mix(strHash(a.sid), 1), mix(strHash(a.sid), 2)
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(h1 >> (8 * i))
		b[8+i] = byte(h2 >> (8 * i))
	}
	return guidString(b)
}

func guidString(b [16]byte) string {
	const layout = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
	out := make([]byte, 0, len(layout))
	j := 0
	for i := 0; i < len(layout); i++ {
		if layout[i] == '-' {
			out = append(out, '-')
			continue
		}
		v := b[j/2]
		if j%2 == 0 {
			v >>= 4
		}
		out = append(out, hexDigits[v&0xf])
		j++
	}
	return string(out)
}
