package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/rmmhunt/rmmhunt/schema"
)

// Format names an input format. Detection by content picks one per file;
// Options.Format forces one for every file.
type Format string

// The input formats.
const (
	FormatAuto Format = ""
	// FormatEventHub: Event Hub messages {"records":[…]} (a document, or
	// one message per line).
	FormatEventHub Format = "eventhub"
	// FormatBlob: one Streaming API record per line (storage-blob
	// PT1H.json, CRLF or LF).
	FormatBlob Format = "blob"
	// FormatCSV: Advanced Hunting portal (or Log Analytics) CSV export.
	FormatCSV Format = "csv"
	// FormatJSON: a JSON document — the Advanced Hunting API
	// runHuntingQuery result {Schema, Results}, the Log Analytics query API
	// result {tables:[…]}, an array of records, or pretty-printed records
	// one after another.
	FormatJSON Format = "json"
	// FormatJSONL: flat JSON records, one per line (Advanced Hunting and
	// Log Analytics exports; flat Sysmon JSON).
	FormatJSONL Format = "jsonl"
	// FormatEVTX: a binary Windows event log file.
	FormatEVTX Format = "evtx"
	// FormatXML: rendered Windows events (<Event>…</Event>, XmlWinEventLog).
	FormatXML Format = "xml"
)

// Formats lists the formats --input-format accepts.
var Formats = []Format{FormatEventHub, FormatBlob, FormatCSV, FormatJSON, FormatJSONL, FormatEVTX, FormatXML}

// ParseFormat maps a --input-format value to a Format ("auto" and "" are
// FormatAuto).
func ParseFormat(s string) (Format, error) {
	if s == "" || s == "auto" {
		return FormatAuto, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown input format %q (want auto, %s)", s, strings.Join(names, ", "))
}

// Options configure a Set.
type Options struct {
	// Format forces a format for every input (FormatAuto: detect).
	Format Format
	// Table routes every record that does not name its table (flat JSON
	// lines, CSV, API JSON) to this table. Records that name their table
	// (Streaming API category, Log Analytics Type, Sysmon events) keep it.
	Table string
	// CheckAll types every column of every record on every scan, so that
	// the summary reports every field rejection (--strict needs this);
	// otherwise only the scanned columns are typed and checked.
	CheckAll bool
	// OnReject, when set, receives every rejection once, in input order
	// (the --rejects writer). It is called from the scanning goroutine.
	OnReject func(Rejection)
	// MaxRecordBytes rejects records longer than this (0: 64 MiB).
	MaxRecordBytes int
	// Stdin is read for the path "-" (nil: os.Stdin).
	Stdin io.Reader
	// TempDir holds the copy of standard input (""; os.TempDir()).
	TempDir string
	// Progress, when set, is called during each Scan from the scanning
	// goroutine (the one that calls emit), at most about every 100 ms and
	// once when the scan ends.
	Progress func(Progress)
}

// Progress is how far a Scan has got.
type Progress struct {
	// BytesRead is the content read so far (decompressed bytes), summed
	// over the scan's inputs.
	BytesRead int64
	// TotalBytes is the content size of the scan's inputs, or 0 when it is
	// unknown (standard input, compressed inputs).
	TotalBytes int64
	// Records is the records read so far (prefilter-skipped included).
	Records int64
}

// input is one file (or archive member) to read.
type input struct {
	name   string // display name: path, or path!member
	path   string // file on disk
	member string // zip member, "" for a plain file
	format Format // detected or forced container format
	comp   string // "gzip", "zstd", "zip" or ""
	kind   recordKind
	table  string // table named by the file name
	size   int64
	// census: the tables the input holds (records routed to them); exact
	// once complete (after the census at Open).
	tables   map[string]bool
	complete bool
	serial   bool // records depend on earlier records (Sysmon): no prefilter
}

// Set is the inputs of one run. It implements source.Source.
type Set struct {
	opts   Options
	inputs []*input
	temp   string
	sums   summaryStore
	seen   *rejectDedup
	// noFast turns the fast JSON-lines decoder off (tests compare both).
	noFast bool
	// prefilterMin: inputs up to this size are decoded whole even when a
	// scan has terms (cheap, and their field rejections and time ranges
	// stay exact); tests lower it to exercise the prefilter on small files.
	prefilterMin int64
	// refCensus routes every census record through the reference decoder
	// (tests compare it with the light routing of JSON lines).
	refCensus bool
}

// decodeWholeMax is the default Set.prefilterMin.
const decodeWholeMax = 8 << 20

// Open expands paths (files, folders recursively, globs, "-" for stdin),
// detects each file's format by content, and takes a census of every input:
// one pass that learns exactly which tables it holds and counts its
// records (see census.go). Missing paths and unreadable files are errors.
func Open(paths []string, opts Options) (*Set, error) {
	if opts.MaxRecordBytes <= 0 {
		opts.MaxRecordBytes = 64 << 20
	}
	if opts.Table != "" {
		if _, ok := schema.Lookup(opts.Table); !ok {
			return nil, fmt.Errorf("unknown table %q", opts.Table)
		}
	}
	s := &Set{opts: opts, seen: newRejectDedup(), prefilterMin: decodeWholeMax}
	type file struct {
		path     string
		explicit bool
	}
	var files []file
	for _, p := range paths {
		if p == "-" {
			tmp, err := s.bufferStdin()
			if err != nil {
				s.Close()
				return nil, err
			}
			files = append(files, file{tmp, true})
			continue
		}
		found, err := expandPath(p)
		if err != nil {
			s.Close()
			return nil, err
		}
		for _, f := range found {
			files = append(files, file{f, f == p})
		}
	}
	for _, f := range files {
		ins, err := s.openFile(f.path)
		if err != nil {
			s.Close()
			return nil, err
		}
		for _, in := range ins {
			if in.format == FormatAuto {
				if f.explicit {
					s.Close()
					return nil, fmt.Errorf("input %s: content is not a format rmmhunt reads (force one with --input-format)", in.name)
				}
				fs := newFileSummary(in.name, "unrecognized")
				fs.Err = "content is not a format rmmhunt reads; skipped"
				s.sums.offer(fs, false)
				continue
			}
			s.inputs = append(s.inputs, in)
		}
	}
	if err := s.census(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close removes the temporary copy of standard input.
func (s *Set) Close() error {
	if s.temp != "" {
		err := os.Remove(s.temp)
		s.temp = ""
		return err
	}
	return nil
}

func (s *Set) bufferStdin() (string, error) {
	if s.temp != "" {
		return "", errors.New(`"-" (standard input) given twice`)
	}
	in := s.opts.Stdin
	if in == nil {
		in = os.Stdin
	}
	f, err := os.CreateTemp(s.opts.TempDir, "rmmhunt-stdin-*")
	if err != nil {
		return "", fmt.Errorf("buffering standard input: %w", err)
	}
	s.temp = f.Name()
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		return "", fmt.Errorf("buffering standard input: %w", err)
	}
	return f.Name(), f.Close()
}

// expandPath lists the files of a path: the file itself, a folder's files
// recursively (sorted, hidden entries skipped), or a glob's matches.
func expandPath(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		if strings.ContainsAny(p, "*?[") {
			matches, gerr := filepath.Glob(p)
			if gerr != nil {
				return nil, fmt.Errorf("bad glob %q: %v", p, gerr)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("no input matches %q", p)
			}
			sort.Strings(matches)
			var out []string
			for _, m := range matches {
				sub, err := expandPath(m)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
			}
			return out, nil
		}
		return nil, fmt.Errorf("input %s: %w", p, err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != p && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading folder %s: %w", p, err)
	}
	sort.Strings(out)
	return out, nil
}

var (
	magicGzip = []byte{0x1f, 0x8b}
	magicZstd = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicZip  = []byte("PK\x03\x04")
	magicEVTX = []byte("ElfFile\x00")
)

// openFile makes the inputs of one file (one per member of a zip).
func (s *Set) openFile(path string) ([]*input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", path, err)
	}
	st, _ := f.Stat()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	name := path
	if path == s.temp {
		name = "<stdin>"
	}
	if bytes.HasPrefix(head, magicZip) {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", path, err)
		}
		defer zr.Close()
		var out []*input
		for _, zf := range zr.File {
			if zf.FileInfo().IsDir() || strings.HasPrefix(filepath.Base(zf.Name), ".") || strings.HasPrefix(zf.Name, "__MACOSX/") {
				continue
			}
			in := &input{name: name + "!" + zf.Name, path: path, member: zf.Name, comp: "zip", size: int64(zf.UncompressedSize64)}
			if err := s.detect(in); err != nil {
				return nil, err
			}
			out = append(out, in)
		}
		return out, nil
	}
	in := &input{name: name, path: path, size: st.Size()}
	if err := s.detect(in); err != nil {
		return nil, err
	}
	return []*input{in}, nil
}

// multiCloser closes a decompressor and the file under it.
type multiCloser struct {
	io.Reader
	closers []func() error
}

func (m *multiCloser) Close() error {
	var first error
	for _, c := range m.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// open returns the decompressed content of an input.
func (in *input) open() (io.ReadCloser, error) {
	mc := &multiCloser{}
	var r io.Reader
	if in.member != "" {
		zr, err := zip.OpenReader(in.path)
		if err != nil {
			return nil, err
		}
		mc.closers = append(mc.closers, zr.Close)
		var zf *zip.File
		for _, f := range zr.File {
			if f.Name == in.member {
				zf = f
				break
			}
		}
		if zf == nil {
			mc.Close()
			return nil, fmt.Errorf("zip member %s vanished", in.member)
		}
		rc, err := zf.Open()
		if err != nil {
			mc.Close()
			return nil, err
		}
		mc.closers = append([]func() error{rc.Close}, mc.closers...)
		r = rc
	} else {
		f, err := os.Open(in.path)
		if err != nil {
			return nil, err
		}
		mc.closers = append(mc.closers, f.Close)
		r = f
	}
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, magicGzip):
		gz, err := gzip.NewReader(br)
		if err != nil {
			mc.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		mc.closers = append([]func() error{gz.Close}, mc.closers...)
		if in.comp == "" {
			in.comp = "gzip"
		}
		r = gz
	case bytes.HasPrefix(head, magicZstd):
		zd, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			mc.Close()
			return nil, fmt.Errorf("zstd: %w", err)
		}
		mc.closers = append([]func() error{func() error { zd.Close(); return nil }}, mc.closers...)
		if in.comp == "" {
			in.comp = "zstd"
		}
		r = zd
	default:
		r = br
	}
	mc.Reader = r
	return mc, nil
}

// formatName is the summary's format: compression+format.
func (in *input) formatName() string {
	if in.comp != "" {
		return in.comp + "+" + string(in.format)
	}
	return string(in.format)
}

// detect reads the head of an input and picks its format.
func (s *Set) detect(in *input) error {
	in.table = s.opts.Table
	if in.table == "" {
		in.table = tableFromName(in.name)
	}
	rc, err := in.open()
	if err != nil {
		return fmt.Errorf("input %s: %w", in.name, err)
	}
	defer rc.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		// A truncated compressed stream still has a readable head.
		if n == 0 {
			return fmt.Errorf("input %s: %w", in.name, err)
		}
	}
	head = head[:n]
	if s.opts.Format != FormatAuto {
		in.format = s.opts.Format
	} else {
		in.format = detectFormat(head, in.name)
	}
	switch in.format {
	case FormatEventHub, FormatBlob:
		in.kind = kindStream
	case FormatJSONL, FormatCSV:
		if s.opts.Format != FormatAuto {
			in.kind = kindFlat
		}
	}
	in.serial = in.format == FormatEVTX || in.format == FormatXML || looksLikeWindowsEvent(head)
	return nil
}

// detectFormat picks a format from the first bytes of the content.
func detectFormat(head []byte, name string) Format {
	if bytes.HasPrefix(head, magicEVTX) {
		return FormatEVTX
	}
	b := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 {
		return FormatJSONL
	}
	switch t[0] {
	case '<':
		return FormatXML
	case '[':
		return FormatJSON
	case '{':
		line := t
		if i := bytes.IndexByte(t, '\n'); i >= 0 {
			line = t[:i]
		} else if len(t) == len(head) {
			// A first line longer than the head: assume JSON lines unless
			// it is an envelope document.
			if bytes.Contains(line, []byte(`"records"`)) {
				return FormatEventHub
			}
			return FormatJSONL
		}
		line = bytes.TrimRight(line, " \t\r")
		if !completeJSONObject(line) {
			return FormatJSON
		}
		switch {
		case bytes.Contains(line, []byte(`"records"`)) && bytes.Contains(line, []byte(`"category"`)):
			return FormatEventHub
		case bytes.Contains(line, []byte(`"category":`)) && bytes.Contains(line, []byte(`"properties":`)) ||
			bytes.Contains(line, []byte(`"category": `)) && bytes.Contains(line, []byte(`"properties": `)):
			return FormatBlob
		case bytes.Contains(line, []byte(`"tables"`)) || bytes.Contains(line, []byte(`"Results"`)) && bytes.Contains(line, []byte(`"Schema"`)):
			return FormatJSON
		}
		return FormatJSONL
	}
	if csvHeader(t) {
		return FormatCSV
	}
	return FormatAuto
}

var (
	allColumnsOnce sync.Once
	allColumns     map[string]bool
)

// csvHeader reports whether the first line is a CSV header naming at least
// one known column.
func csvHeader(t []byte) bool {
	allColumnsOnce.Do(func() {
		allColumns = map[string]bool{}
		for _, tab := range schema.All() {
			for _, c := range tab.Columns {
				allColumns[c.Name] = true
			}
		}
	})
	line := t
	if i := bytes.IndexByte(t, '\n'); i >= 0 {
		line = t[:i]
	}
	fields := strings.Split(strings.TrimRight(string(line), "\r"), ",")
	if len(fields) < 2 {
		return false
	}
	for _, f := range fields {
		f = strings.Trim(strings.TrimSpace(f), `"`)
		if j := strings.LastIndex(f, " ["); j > 0 {
			f = f[:j]
		}
		if allColumns[baseColumn(f)] {
			return true
		}
	}
	return false
}

// completeJSONObject reports whether line holds one whole JSON object
// (braces balance outside strings).
func completeJSONObject(line []byte) bool {
	depth, inStr, esc := 0, false, false
	for i, c := range line {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return len(bytes.TrimSpace(line[i+1:])) == 0
			}
		}
	}
	return false
}

// looksLikeWindowsEvent reports whether content starts with a Windows
// event in one of its JSON shapes (records then depend on each other).
func looksLikeWindowsEvent(head []byte) bool {
	for _, k := range []string{`"EventID"`, `"winlog"`, `"event_id"`} {
		if bytes.Contains(head, []byte(k)) {
			return true
		}
	}
	return false
}

// rejectDedup remembers which rejections were passed to OnReject, so a
// second scan of a file does not report them again. It keeps 8 bytes per
// rejection.
type rejectDedup struct {
	mu   sync.Mutex
	seen map[uint64]struct{}
}

func newRejectDedup() *rejectDedup { return &rejectDedup{seen: map[uint64]struct{}{}} }
