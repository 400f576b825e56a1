package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

//go:embed hunt.html.tmpl
var huntHTML string

// huntTemplate is parsed once; html/template escapes every value from the
// data by its context (text, attribute, URL), so a hostile command line or
// device name shows as text.
var huntTemplate = template.Must(template.New("hunt").Funcs(template.FuncMap{
	"time":     shortTime,
	"fulltime": types.FormatDateTime,
	"bytes":    ByteSize,
	"sev":      func(s string) string { return strings.ToLower(s) },
	"text":     Text,
	"plural":   plural,
	"inc":      func(i int) int { return i + 1 },
	"rfc3339":  func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
	"seconds":  func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) },
	"rate":     func(f float64) string { return fmt.Sprintf("%.0f", f) },
}).Parse(huntHTML))

// WriteHuntHTML writes the hunt as one self-contained HTML page: no
// scripts, no external style sheets, fonts or images. It holds the run
// summary, a timeline per device of findings by tool (SVG), the findings
// by rule and tool with their entities and raw rows (in <details>), the
// suppressed findings with their exclusions, the lint results and the
// run manifest.
func WriteHuntHTML(w io.Writer, h *Hunt) error {
	return huntTemplate.Execute(w, newHTMLView(h))
}

// htmlView is what the template shows, computed from a Hunt.
type htmlView struct {
	H        *Hunt
	Groups   []*htmlGroup
	Supp     []*htmlGroup
	Tools    []htmlTool
	Timeline *timeline
	Tables   []TableSummary
	First    int64
	Last     int64
	HasRange bool
	Records  int64
	Rejects  int64
	Devices  int
	Sanction int
	Lint     map[string]int // counts by severity over both lint lists
	Elapsed  time.Duration
	Rate     float64
}

type htmlTool struct {
	Name  string
	Class string
	Count int
}

type htmlGroup struct {
	*Group
	Severity  string
	ToolClass string
	Rows      []htmlFinding
}

type htmlFinding struct {
	F         *Finding
	Device    string
	First     string
	Last      string
	Count     string
	Cells     []htmlCell
	ToolClass string
	// Chips are the entities shown on the finding's line: all but the
	// host (the line names the device), one per distinct text.
	Chips []htmlChip
}

type htmlChip struct {
	Kind, Label string
}

type htmlCell struct {
	Name, Type, Value string
}

// toolClasses is the number of tool colours in the style sheet.
const toolClasses = 10

func newHTMLView(h *Hunt) *htmlView {
	v := &htmlView{H: h, Tables: h.Summary.Tables(), Records: h.Summary.Records(), Rejects: h.Summary.Rejections(),
		Devices: h.Devices(), Lint: map[string]int{}}
	v.First, v.Last, v.HasRange = h.Summary.TimeRange()
	v.Elapsed = h.Manifest.Timing.Elapsed()
	v.Rate = h.Manifest.Timing.RowsPerSecond(v.Records)
	names, counts := h.ToolCounts()
	classOf := map[string]string{}
	for i, n := range names {
		c := fmt.Sprintf("t%d", i%toolClasses)
		if n == "" {
			c = "tnone"
		}
		classOf[n] = c
		v.Tools = append(v.Tools, htmlTool{Name: toolLabel(n), Class: c, Count: counts[n]})
	}
	v.Sanction = h.SanctionedFindings()
	for _, it := range h.RuleLint {
		v.Lint[it.Severity]++
	}
	for _, it := range h.ExclusionLint {
		v.Lint[it.Severity]++
	}
	v.Groups = htmlGroups(Groups(h.Findings), classOf)
	v.Supp = htmlGroups(Groups(h.Suppressed), classOf)
	v.Timeline = newTimeline(h, v, classOf)
	return v
}

func htmlGroups(gs []*Group, classOf map[string]string) []*htmlGroup {
	var out []*htmlGroup
	for _, g := range gs {
		hg := &htmlGroup{Group: g, Severity: g.Findings[0].Severity(), ToolClass: classOf[g.Tool]}
		if hg.ToolClass == "" {
			hg.ToolClass = "tnone"
		}
		for _, f := range g.Findings {
			hf := htmlFinding{F: f, Device: f.Device(), ToolClass: hg.ToolClass}
			if t, ok := f.FirstSeen(); ok {
				hf.First = shortTime(t)
			}
			if t, ok := f.LastSeen(); ok {
				hf.Last = shortTime(t)
			}
			if c, ok := f.Value("Count"); ok {
				hf.Count = Text(c)
			} else if c, ok := f.Value("count_"); ok {
				hf.Count = Text(c)
			}
			seen := map[string]bool{}
			for _, e := range f.Entities {
				l := e.Label()
				if e.Kind == "Host" || seen[strings.ToLower(l)] {
					continue
				}
				seen[strings.ToLower(l)] = true
				hf.Chips = append(hf.Chips, htmlChip{Kind: e.Kind, Label: l})
			}
			for i, c := range f.Columns {
				if i < len(f.Row) {
					hf.Cells = append(hf.Cells, htmlCell{Name: c.Name, Type: c.Type.String(), Value: Text(f.Row[i])})
				}
			}
			hg.Rows = append(hg.Rows, hf)
		}
		out = append(out, hg)
	}
	return out
}

// shortTime renders ticks as "2026-03-01 04:38:41Z" (seconds precision),
// for people; the raw rows keep Kusto's full text.
func shortTime(ticks int64) string {
	return types.TimeFromTicks(ticks).UTC().Format("2006-01-02 15:04:05Z")
}

// ByteSize renders a byte count with a binary unit: "512 B", "1.5 KiB",
// "2.0 GiB".
func ByteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// timeline is the SVG per-device timeline: one lane per device and tool,
// one bar per finding from its first to its last time.
type timeline struct {
	Width, Height int
	Left, Right   int // plot area x range
	Top           int
	Lanes         []lane
	Ticks         []tick
	NowX          int
	HasNow        bool
	Untimed       int // findings without a device or time, left out
}

type lane struct {
	Y            int
	Device, Tool string
	First        bool // first lane of its device (carries the label)
	Class        string
	Bars         []bar
}

type bar struct {
	X, W  int
	Title string
}

type tick struct {
	X     int
	Label string
}

const (
	tlWidth  = 1100
	tlLeft   = 330
	tlRight  = 1080
	tlTop    = 30
	tlLane   = 24
	tlBottom = 14
)

func newTimeline(h *Hunt, v *htmlView, classOf map[string]string) *timeline {
	type key struct{ dev, tool string }
	byLane := map[key][]*Finding{}
	var keys []key
	tl := &timeline{Width: tlWidth, Left: tlLeft, Right: tlRight, Top: tlTop}
	lo, hi, ok := v.First, v.Last, v.HasRange
	for _, f := range h.Findings {
		first, ok1 := f.FirstSeen()
		last, _ := f.LastSeen()
		dev := f.Device()
		if !ok1 || dev == "" {
			tl.Untimed++
			continue
		}
		if !ok || first < lo {
			lo = first
		}
		if !ok || last > hi {
			hi = last
		}
		ok = true
		k := key{dev, f.Tool}
		if _, seen := byLane[k]; !seen {
			keys = append(keys, k)
		}
		byLane[k] = append(byLane[k], f)
	}
	if len(keys) == 0 {
		return nil
	}
	if hi <= lo {
		hi = lo + types.TicksPerSecond*3600
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].dev != keys[j].dev {
			return keys[i].dev < keys[j].dev
		}
		return keys[i].tool < keys[j].tool
	})
	x := func(t int64) int {
		return tl.Left + int(float64(t-lo)/float64(hi-lo)*float64(tl.Right-tl.Left)+0.5)
	}
	y := tl.Top
	for i, k := range keys {
		ln := lane{Y: y, Device: k.dev, Tool: toolLabel(k.tool), First: i == 0 || keys[i-1].dev != k.dev, Class: classOf[k.tool]}
		if ln.Class == "" {
			ln.Class = "tnone"
		}
		for _, f := range byLane[k] {
			first, _ := f.FirstSeen()
			last, _ := f.LastSeen()
			if last < first {
				last = first
			}
			b := bar{X: x(first), W: x(last) - x(first)}
			if b.W < 4 {
				b.X -= 2
				b.W = 4
			}
			title := fmt.Sprintf("%s · %s\n%s .. %s", ln.Tool, f.Rule.Name, shortTime(first), shortTime(last))
			if c, ok := f.Value("Count"); ok {
				title += fmt.Sprintf(" · %s events", Text(c))
			}
			b.Title = title
			ln.Bars = append(ln.Bars, b)
		}
		tl.Lanes = append(tl.Lanes, ln)
		y += tlLane
	}
	tl.Height = y + tlBottom + 10
	// Ticks: whole days (or hours for short ranges), at most ~12.
	step := int64(24 * 3600 * types.TicksPerSecond)
	for (hi-lo)/step > 12 {
		step *= 2
	}
	for (hi-lo)/step < 2 && step > 3600*types.TicksPerSecond {
		step /= 4
	}
	start := (lo/step + 1) * step
	if lo%step == 0 {
		start = lo
	}
	for t := start; t <= hi; t += step {
		label := types.TimeFromTicks(t).UTC().Format("Jan 2")
		if step < 24*3600*types.TicksPerSecond {
			label = types.TimeFromTicks(t).UTC().Format("Jan 2 15:04")
		}
		tl.Ticks = append(tl.Ticks, tick{X: x(t), Label: label})
	}
	if now := h.Summary.Now; now >= lo && now <= hi {
		tl.NowX, tl.HasNow = x(now), true
	}
	return tl
}

// PlotWidth is the width of the plot area.
func (t *timeline) PlotWidth() int { return t.Right - t.Left }

// AxisY is the bottom of the plot area.
func (t *timeline) AxisY() int {
	if len(t.Lanes) == 0 {
		return t.Top
	}
	return t.Lanes[len(t.Lanes)-1].Y + tlLane
}

// LabelY is the baseline of the tick labels.
func (t *timeline) LabelY() int { return t.AxisY() + 14 }

// ToolX is where tool labels end (right-aligned before the plot).
func (t *timeline) ToolX() int { return t.Left - 10 }

// TextY is the baseline of the lane's labels.
func (l lane) TextY() int { return l.Y + 14 }

// BarY is the top of the lane's bars.
func (l lane) BarY() int { return l.Y + 4 }

// DeviceLabel is the device name, shortened to fit the label column.
func (l lane) DeviceLabel() string {
	s, _ := elide(l.Device, 32)
	return s
}
