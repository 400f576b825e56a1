package exclusions

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/rmmhunt/rmmhunt/internal/yamlpos"
)

// Exclusion is one entry of an exclusion file.
type Exclusion struct {
	ID          string
	Name        string
	Description string
	// Rules lists the rule ids or names the exclusion applies to; ["*"]
	// means every rule.
	Rules []string
	// When is the parsed `when` expression; nil for a `kql` exclusion.
	When Expr
	// WhenText is the `when` expression as written ("" for a `kql` one).
	WhenText string
	// KQL is the `kql` expression as written ("" for a `when` one).
	KQL    string
	Owner  string
	Reason string
	// Expires is the last day the exclusion applies (midnight UTC of that
	// date); zero when the entry has no `expires`.
	Expires time.Time
	// Pos is the position of the entry in its file; ExprPos that of its
	// `when` or `kql` value.
	Pos     Pos
	ExprPos Pos

	expiresPos Pos
	// rulePos holds the position of each entry of Rules.
	rulePos []Pos
	// posOf maps a byte offset of WhenText to its position in the file.
	posOf func(off int) Pos
}

// HasExpiry reports whether the entry has an `expires` date.
func (e *Exclusion) HasExpiry() bool { return !e.Expires.IsZero() }

// Expired reports whether the exclusion no longer applies at now: it applies
// through the whole of its `expires` day (UTC) and stops at the midnight
// after it.
func (e *Exclusion) Expired(now time.Time) bool {
	return e.HasExpiry() && !now.Before(e.Expires.AddDate(0, 0, 1))
}

// AppliesTo reports whether the exclusion names the rule, by id
// (case-insensitively, ids are GUIDs) or by name (exactly), or names "*".
func (e *Exclusion) AppliesTo(ruleID, ruleName string) bool {
	for _, r := range e.Rules {
		if r == "*" || namesRule(r, ruleID, ruleName) {
			return true
		}
	}
	return false
}

// namesRule reports whether the rules entry ref names the rule with this
// id (case-insensitively) or name (exactly).
func namesRule(ref, ruleID, ruleName string) bool {
	return (ruleID != "" && strings.EqualFold(ref, ruleID)) || (ruleName != "" && ref == ruleName)
}

// ruleRefPos returns the position of the i-th entry of Rules (the entry's
// own position when unknown).
func (e *Exclusion) ruleRefPos(i int) Pos {
	if i < len(e.rulePos) {
		return e.rulePos[i]
	}
	return e.Pos
}

// offsetPos returns the file position of a byte offset of WhenText.
func (e *Exclusion) offsetPos(off int) Pos {
	if e.posOf != nil {
		return e.posOf(off)
	}
	return e.ExprPos
}

// File is one loaded exclusion file.
type File struct {
	Path       string
	Exclusions []*Exclusion
}

// LoadFile reads and parses one exclusion file. See Parse for what it
// returns on error.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// entryKeys are the keys an entry may have, in documentation order.
var entryKeys = []string{"id", "name", "description", "rules", "when", "kql", "owner", "reason", "expires"}

// Parse parses an exclusion file held in data; path names it in positions.
// The file is a YAML mapping with one key, `exclusions`, holding a list of
// entries (see docs/exclusions.md). Validation is strict: unknown keys, a
// missing or duplicate id, an entry with both or neither of `when` and `kql`,
// a malformed `expires`, an empty `rules` list and `when` syntax errors are
// all reported, each with its file:line:col, as an ErrorList.
//
// On error Parse still returns the File with every entry that was valid, so
// a linter can report on those too; the error lists the rest.
func Parse(path string, data []byte) (*File, error) {
	f := &File{Path: path}
	var errs ErrorList
	if !utf8.Valid(data) {
		errs.Add(Pos{File: path, Line: 1, Col: 1}, "", "file is not valid UTF-8")
		return f, errs
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			errs.Add(Pos{File: path, Line: 1, Col: 1}, "", "empty file: expected a mapping with the key exclusions")
			return f, errs
		}
		errs = append(errs, yamlError(path, data, err))
		return f, errs
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		errs.Add(Pos{File: path, Line: extra.Line, Col: extra.Column}, "", "a second YAML document is not allowed in an exclusion file")
	} else if !errors.Is(err, io.EOF) {
		errs = append(errs, yamlError(path, data, err))
	}
	src := string(data)
	lines := lineStarts(src)

	root := deref(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = deref(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		errs.Add(nodePos(path, root), "", "expected a mapping with the key exclusions, found %s", kindName(root))
		return f, errs
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], deref(root.Content[i+1])
		switch k.Value {
		case "exclusions":
			if list != nil {
				errs.Add(nodePos(path, k), "", "key exclusions appears twice")
				continue
			}
			list = v
		default:
			errs.Add(nodePos(path, k), "", "unknown top-level key %q (the file holds one key, exclusions)", k.Value)
		}
	}
	if list == nil {
		errs.Add(nodePos(path, root), "", "missing key exclusions")
		return f, errs
	}
	if list.Kind != yaml.SequenceNode {
		if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
			return f, errs.Err()
		}
		errs.Add(nodePos(path, list), "", "exclusions must be a list of entries, found %s", kindName(list))
		return f, errs
	}
	seen := map[string]Pos{}
	for _, item := range list.Content {
		e, ok := parseEntry(path, src, lines, deref(item), &errs)
		if e == nil || e.ID == "" {
			continue
		}
		if first, dup := seen[e.ID]; dup {
			errs.Add(e.Pos, e.ID, "duplicate id %q (first defined at %s)", e.ID, first)
			continue
		}
		seen[e.ID] = e.Pos
		if ok {
			f.Exclusions = append(f.Exclusions, e)
		}
	}
	errs.Sort()
	return f, errs.Err()
}

// parseEntry validates one entry. It returns the entry (nil when it has no
// usable id) and whether it is valid.
func parseEntry(path, src string, lines []int, n *yaml.Node, errs *ErrorList) (*Exclusion, bool) {
	if n.Kind != yaml.MappingNode {
		errs.Add(nodePos(path, n), "", "each exclusion must be a mapping, found %s", kindName(n))
		return nil, false
	}
	e := &Exclusion{Pos: nodePos(path, n)}
	before := len(*errs)
	vals := map[string]*yaml.Node{}
	keyNodes := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if _, dup := vals[k.Value]; dup {
			errs.Add(nodePos(path, k), "", "key %s appears twice in this exclusion", k.Value)
			continue
		}
		if !contains(entryKeys, k.Value) {
			hint := ""
			if s := didYouMean(k.Value, entryKeys); s != "" {
				hint = fmt.Sprintf("; did you mean %s?", s)
			}
			errs.Add(nodePos(path, k), "", "unknown key %q (known keys: %s)%s", k.Value, strings.Join(entryKeys, ", "), hint)
			continue
		}
		vals[k.Value] = v
		keyNodes[k.Value] = k
	}
	str := func(key string, required bool) (string, bool) {
		v, ok := vals[key]
		if !ok {
			if required {
				errs.Add(e.Pos, e.ID, "missing required key %s", key)
			}
			return "", false
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			errs.Add(nodePos(path, v), e.ID, "%s must be a string, found %s", key, kindName(v))
			return "", false
		}
		return v.Value, true
	}
	if id, ok := str("id", true); ok {
		if !idPattern.MatchString(id) {
			errs.Add(nodePos(path, vals["id"]), "", "invalid id %q: use letters, digits and . _ : - (starting with a letter or digit)", id)
		} else {
			e.ID = id
		}
	}
	// Errors found before the id was known belong to this entry too.
	for _, er := range (*errs)[before:] {
		if er.Exclusion == "" {
			er.Exclusion = e.ID
		}
	}
	e.Name, _ = str("name", false)
	e.Description, _ = str("description", false)
	e.Owner, _ = str("owner", false)
	e.Reason, _ = str("reason", false)

	if v, ok := vals["rules"]; !ok {
		errs.Add(e.Pos, e.ID, `missing required key rules (rule ids or names; ["*"] for every rule)`)
	} else if v.Kind != yaml.SequenceNode {
		errs.Add(nodePos(path, v), e.ID, `rules must be a list of rule ids or names (["*"] for every rule), found %s`, kindName(v))
	} else if len(v.Content) == 0 {
		errs.Add(nodePos(path, v), e.ID, `rules is empty: name the rules the exclusion applies to, or ["*"] for every rule`)
	} else {
		seenRule := map[string]bool{}
		for _, r := range v.Content {
			r = deref(r)
			if r.Kind != yaml.ScalarNode || strings.TrimSpace(r.Value) == "" || r.Tag == "!!null" {
				errs.Add(nodePos(path, r), e.ID, "each entry of rules must be a rule id or name, found %s", kindName(r))
				continue
			}
			if seenRule[r.Value] {
				errs.Add(nodePos(path, r), e.ID, "rule %q is listed twice", r.Value)
				continue
			}
			seenRule[r.Value] = true
			e.Rules = append(e.Rules, r.Value)
			e.rulePos = append(e.rulePos, nodePos(path, r))
		}
		if seenRule["*"] && len(e.Rules) > 1 {
			errs.Add(nodePos(path, v), e.ID, `"*" already means every rule; list it alone`)
		}
	}

	if v, ok := vals["expires"]; ok {
		e.expiresPos = nodePos(path, v)
		if v.Kind != yaml.ScalarNode || !datePattern.MatchString(v.Value) {
			errs.Add(nodePos(path, v), e.ID, "expires must be a date written YYYY-MM-DD, found %q", v.Value)
		} else if t, err := time.Parse("2006-01-02", v.Value); err != nil {
			errs.Add(nodePos(path, v), e.ID, "expires: %q is not a calendar date", v.Value)
		} else {
			e.Expires = t
		}
	}

	_, hasWhen := vals["when"]
	_, hasKQL := vals["kql"]
	switch {
	case hasWhen && hasKQL:
		errs.Add(nodePos(path, keyNodes["kql"]), e.ID, "an exclusion has either when or kql, not both")
	case !hasWhen && !hasKQL:
		errs.Add(e.Pos, e.ID, "missing when (or kql): the condition that selects the events to exclude")
	case hasWhen:
		if text, ok := str("when", true); ok {
			v := vals["when"]
			e.ExprPos = nodePos(path, v)
			e.WhenText = text
			e.posOf = scalarMapper(path, src, lines, v, text)
			expr, lerr := parseWhen(text)
			if lerr != nil {
				errs.Add(e.posOf(lerr.off), e.ID, "when: %s", lerr.msg)
				(*errs)[len(*errs)-1].Code = CodeSyntax
			} else {
				e.When = expr
			}
		}
	case hasKQL:
		if text, ok := str("kql", true); ok {
			e.ExprPos = nodePos(path, vals["kql"])
			if strings.TrimSpace(text) == "" {
				errs.Add(e.ExprPos, e.ID, "kql is empty")
			}
			e.KQL = text
		}
	}
	return e, len(*errs) == before
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// deref follows YAML aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func nodePos(path string, n *yaml.Node) Pos {
	return Pos{File: path, Line: n.Line, Col: n.Column}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing (null)"
		}
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.DocumentNode:
		return "a document"
	}
	return "an alias"
}

// yamlError turns a YAML syntax error into a positioned Error (see
// yamlpos.Position).
func yamlError(path string, data []byte, err error) *Error {
	line, col, msg := yamlpos.Position(err, string(data))
	return &Error{Pos: Pos{File: path, Line: line, Col: col}, Code: CodeInvalid, Msg: "invalid YAML: " + msg}
}

// lineStarts returns the byte offset at which each line of src starts.
func lineStarts(src string) []int {
	starts := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// sourceOffset converts a 1-based line and rune column to a byte offset.
func sourceOffset(src string, lines []int, line, col int) int {
	if line < 1 || line > len(lines) {
		return -1
	}
	off := lines[line-1]
	for c := 1; c < col && off < len(src) && src[off] != '\n'; c++ {
		_, n := utf8.DecodeRuneInString(src[off:])
		off += n
	}
	return off
}

// positionOf converts a byte offset of src into a Pos.
func positionOf(path, src string, lines []int, off int) Pos {
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Pos{File: path, Line: i + 1, Col: utf8.RuneCountInString(src[lines[i]:off]) + 1}
}

// scalarMapper maps byte offsets of a scalar's value to positions in the
// YAML source. It walks the value and the source side by side from the
// node's position, skipping what YAML removed (quotes, escape backslashes,
// block indicators, indentation and folded line breaks). Where the two
// cannot be aligned, the rest of the value maps to the node's own position:
// never a wrong line, at worst a less precise one.
func scalarMapper(path, src string, lines []int, n *yaml.Node, value string) func(int) Pos {
	start := nodePos(path, n)
	si := sourceOffset(src, lines, n.Line, n.Column)
	if si < 0 {
		return func(int) Pos { return start }
	}
	offs := make([]int, 0, len(value)+1) // source offset per value byte, -1 when unknown
	vi := 0
	for vi < len(value) {
		r, vn := utf8.DecodeRuneInString(value[vi:])
		found := -1
		for si < len(src) {
			sr, sn := utf8.DecodeRuneInString(src[si:])
			if sr == r {
				found = si
				si += sn
				break
			}
			if !skippable(sr) {
				break
			}
			si += sn
		}
		if found < 0 {
			for ; vi <= len(value); vi++ {
				offs = append(offs, -1)
			}
			break
		}
		for k := 0; k < vn; k++ {
			offs = append(offs, found)
		}
		vi += vn
	}
	if len(offs) == len(value) {
		offs = append(offs, si)
	}
	return func(off int) Pos {
		if off < 0 || off >= len(offs) || offs[off] < 0 {
			return start
		}
		return positionOf(path, src, lines, offs[off])
	}
}

// skippable reports whether YAML may drop a source character between two
// characters of a scalar's value.
func skippable(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\\', '"', '\'', '|', '>', '-', '+':
		return true
	}
	return r >= '0' && r <= '9'
}

// Set is the exclusions of one or more files, with ids unique across them.
type Set struct {
	Files      []*File
	Exclusions []*Exclusion
}

// NewSet combines loaded files. Ids must be unique across files; a repeated
// id is reported at its second definition, and that entry is left out.
func NewSet(files ...*File) (*Set, error) {
	s := &Set{Files: files}
	var errs ErrorList
	seen := map[string]Pos{}
	for _, f := range files {
		for _, e := range f.Exclusions {
			if first, dup := seen[e.ID]; dup {
				errs.Add(e.Pos, e.ID, "duplicate id %q (first defined at %s)", e.ID, first)
				continue
			}
			seen[e.ID] = e.Pos
			s.Exclusions = append(s.Exclusions, e)
		}
	}
	return s, errs.Err()
}

// Load loads the files at paths into a Set. Like Parse it returns every
// valid exclusion even when some are not, with an ErrorList for the rest
// (file read errors are returned as they are).
func Load(paths ...string) (*Set, error) {
	var files []*File
	var errs ErrorList
	for _, p := range paths {
		f, err := LoadFile(p)
		if err != nil {
			var el ErrorList
			if !errors.As(err, &el) {
				return nil, err
			}
			errs = append(errs, el...)
		}
		files = append(files, f)
	}
	s, err := NewSet(files...)
	if err != nil {
		var el ErrorList
		errors.As(err, &el)
		errs = append(errs, el...)
	}
	errs.Sort()
	return s, errs.Err()
}

// Lookup returns the exclusion with the given id.
func (s *Set) Lookup(id string) (*Exclusion, bool) {
	for _, e := range s.Exclusions {
		if e.ID == id {
			return e, true
		}
	}
	return nil, false
}
