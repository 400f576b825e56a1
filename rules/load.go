package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// builtinFS holds the built-in rule pack: the seed rule (builtin/seed) and the
// rules generated from the RMM catalog (builtin/catalog), with their tests.
//
//go:embed builtin
var builtinFS embed.FS

// BuiltinPrefix starts the File of every built-in rule ("builtin/seed/…").
const BuiltinPrefix = "builtin/"

// Pack is a set of rules with unique ids, in load order (files in lexical
// order, rules in file order).
type Pack struct {
	// Rules are the loaded rules.
	Rules []*Rule

	byID map[string]*Rule
	read map[string]func(string) ([]byte, error) // file -> reader of sibling files
}

// Rule returns the rule with the given id, or nil.
func (p *Pack) Rule(id string) *Rule {
	if p == nil {
		return nil
	}
	return p.byID[id]
}

// Add appends rules to the pack. A rule whose id is already in the pack is
// left out with a duplicate-id error naming both files.
func (p *Pack) Add(rules ...*Rule) Diagnostics {
	return p.add(os.ReadFile, rules)
}

func (p *Pack) add(read func(string) ([]byte, error), rules []*Rule) Diagnostics {
	var ds Diagnostics
	if p.byID == nil {
		p.byID = map[string]*Rule{}
		p.read = map[string]func(string) ([]byte, error){}
	}
	for _, r := range rules {
		if first, ok := p.byID[r.ID]; ok {
			ds.add(r.File, r.idLine, 0, SeverityError, CodeDuplicateID, "rule ids must be unique in a pack; this rule was left out",
				"duplicate rule id %q: also used by %s:%d", r.ID, first.File, first.idLine)
			continue
		}
		p.byID[r.ID] = r
		p.Rules = append(p.Rules, r)
		if _, ok := p.read[r.File]; !ok {
			p.read[r.File] = read
		}
	}
	return ds
}

// Rule-file kinds by extension.
const (
	fileYAML = iota + 1
	fileMarkdown
	fileKQL
	fileText
	fileTests
)

// fileKind classifies a file name; 0 means not a rule file.
func fileKind(name string) int {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".tests.yaml"), strings.HasSuffix(lower, ".tests.yml"):
		return fileTests
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"):
		return fileYAML
	case strings.HasSuffix(lower, ".md"), strings.HasSuffix(lower, ".markdown"):
		return fileMarkdown
	case strings.HasSuffix(lower, ".kql"), strings.HasSuffix(lower, ".csl"):
		return fileKQL
	case strings.HasSuffix(lower, ".txt"):
		return fileText
	}
	return 0
}

// baseName is the file name without folder and extension.
func baseName(file string) string {
	b := path.Base(filepath.ToSlash(file))
	if i := strings.LastIndexByte(b, '.'); i > 0 {
		b = b[:i]
	}
	return b
}

// normaliseText removes a UTF-8 byte-order mark and turns CRLF and lone CR
// line ends into "\n" (line numbers are unchanged).
func normaliseText(data []byte) string {
	s := strings.TrimPrefix(string(data), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// LoadBytes loads the rules held by data as if it were the file name: the
// extension chooses the format (.yaml/.yml Sentinel YAML, .md Markdown fenced
// blocks, .kql/.csl/.txt one whole-file query). Use it for stdin and tests.
// The diagnostics come in line order.
func LoadBytes(name string, data []byte) ([]*Rule, Diagnostics) {
	var ds Diagnostics
	if !utf8.Valid(data) {
		ds.add(name, 0, 0, SeverityError, CodeRead, "save the file as UTF-8", "file is not valid UTF-8 text")
		return nil, ds
	}
	text := normaliseText(data)
	var rules []*Rule
	switch fileKind(name) {
	case fileYAML:
		rules, ds = parseYAML(name, text)
	case fileMarkdown:
		rules, ds = parseMarkdown(name, text)
	case fileKQL, fileText:
		rules, ds = parseWholeFile(name, text)
	case fileTests:
		ds.add(name, 0, 0, SeverityError, CodeFileType, "rule tests are found beside their rules (FindTests)", "a .tests.yaml file holds rule tests, not rules")
	default:
		ds.add(name, 0, 0, SeverityError, CodeFileType, "rule files end in .yaml, .yml, .md, .kql, .csl or .txt", "not a rule file: unknown extension %q", path.Ext(name))
	}
	ds.Sort()
	return rules, ds
}

// LoadFile loads the rules of one file. Every problem is a diagnostic; a file
// that yields no rule always yields at least one diagnostic saying why.
func LoadFile(path string) ([]*Rule, Diagnostics) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Diagnostics{{File: path, Severity: SeverityError, Code: CodeRead, Message: err.Error()}}
	}
	return LoadBytes(path, data)
}

// Load loads rule files and folders (recursively, skipping folders whose name
// starts with ".") into one pack. Files met in a folder that are not rule files
// (and .txt files that do not read as KQL) are reported as info diagnostics;
// *.tests.yaml files are rule tests (see FindTests) and are not loaded here.
// Rule ids must be unique across the pack.
func Load(paths ...string) (*Pack, Diagnostics) {
	p := &Pack{}
	var ds Diagnostics
	seen := map[string]bool{}
	loadOne := func(file string, walked bool) {
		abs, err := filepath.Abs(file)
		if err == nil {
			if seen[abs] {
				return
			}
			seen[abs] = true
		}
		kind := fileKind(file)
		if walked && kind == fileTests {
			return
		}
		if walked && kind == 0 {
			ds.add(file, 0, 0, SeverityInfo, CodeNotRuleFile, "", "not a rule file (extension %q); not loaded", filepath.Ext(file))
			return
		}
		data, err := os.ReadFile(file)
		if err != nil {
			ds.add(file, 0, 0, SeverityError, CodeRead, "", "%v", err)
			return
		}
		if walked && kind == fileText && !LooksLikeKQL(normaliseText(data)) {
			ds.add(file, 0, 0, SeverityInfo, CodeNotRuleFile, "", "text file does not read as KQL; not loaded")
			return
		}
		rules, fds := LoadBytes(file, data)
		ds = append(ds, fds...)
		ds = append(ds, p.add(os.ReadFile, rules)...)
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			ds.add(root, 0, 0, SeverityError, CodeRead, "", "%v", err)
			continue
		}
		if !info.IsDir() {
			loadOne(root, false)
			continue
		}
		err = filepath.WalkDir(root, func(file string, d fs.DirEntry, err error) error {
			if err != nil {
				ds.add(file, 0, 0, SeverityError, CodeRead, "", "%v", err)
				return nil
			}
			if d.IsDir() {
				if file != root && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			loadOne(file, true)
			return nil
		})
		if err != nil {
			ds.add(root, 0, 0, SeverityError, CodeRead, "", "%v", err)
		}
	}
	return p, ds
}

// Builtin loads the built-in rule pack embedded in the binary: every .yaml/.yml
// file under rules/builtin (the seed rule and the catalog-generated rules),
// without the *.tests.yaml rule tests. It fails if any file has an error;
// warnings are returned by BuiltinDiagnostics.
func Builtin() (*Pack, error) {
	p, ds := loadBuiltin()
	if err := ds.Err(); err != nil {
		return nil, fmt.Errorf("built-in rule pack: %w", err)
	}
	return p, nil
}

// BuiltinDiagnostics returns every diagnostic of the built-in pack (which
// should be none; a test keeps it that way).
func BuiltinDiagnostics() Diagnostics {
	_, ds := loadBuiltin()
	return ds
}

func loadBuiltin() (*Pack, Diagnostics) {
	p := &Pack{}
	var ds Diagnostics
	read := func(name string) ([]byte, error) { return fs.ReadFile(builtinFS, name) }
	err := fs.WalkDir(builtinFS, "builtin", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || fileKind(name) != fileYAML {
			return nil
		}
		data, err := read(name)
		if err != nil {
			return err
		}
		rules, fds := LoadBytes(name, data)
		ds = append(ds, fds...)
		ds = append(ds, p.add(read, rules)...)
		return nil
	})
	if err != nil {
		ds.add("builtin", 0, 0, SeverityError, CodeRead, "", "%v", err)
	}
	return p, ds
}
