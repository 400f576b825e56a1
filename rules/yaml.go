package rules

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rmmhunt/rmmhunt/internal/yamlpos"
)

// sentinelKeys are the top-level keys of Sentinel hunting queries and
// analytics rules (plus this project's own "tool" and "rmmKind", which the
// catalog-generated rules carry and which land in Rule.Tool and Rule.Extra). Keys outside this list still
// load (into Rule.Extra) but are reported, as a warning when they look like a
// misspelling of one of these.
var sentinelKeys = []string{
	"id", "name", "description", "severity", "requiredDataConnectors", "queryFrequency",
	"queryPeriod", "triggerOperator", "triggerThreshold", "tactics", "relevantTechniques",
	"subTechniques", "query", "entityMappings", "customDetails", "alertDetailsOverride",
	"eventGroupingSettings", "incidentConfiguration", "suppressionDuration",
	"suppressionEnabled", "version", "kind", "tags", "metadata", "status",
	"sentinelEntitiesMappings", "templateVersion", "enabled", "displayName", "tool", "rmmKind",
}

// yamlHint suggests a fix for a yaml.v3 error message.
func yamlHint(msg string) string {
	switch {
	case strings.Contains(msg, "tab character"):
		return "YAML indents with spaces, never tabs: replace the tabs in this block"
	case strings.Contains(msg, "mapping values are not allowed"):
		return `a value holding ": " must be quoted, or this line is indented differently from the keys around it`
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "'-' indicator"):
		return "this line is indented differently from the keys (or list items) around it"
	case strings.Contains(msg, "','"), strings.Contains(msg, "end of stream"), strings.Contains(msg, "node content"):
		return "a bracket or quote opened here is not closed"
	}
	return "a rule file is a YAML mapping of keys such as id, name and query (query: | then the KQL, indented)"
}

// decodeDocs parses every YAML document of text into nodes.
func decodeDocs(text string) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &n)
	}
}

// parseYAML loads the rules of one Sentinel YAML file. text has "\n" line ends.
func parseYAML(file, text string) ([]*Rule, Diagnostics) {
	var ds Diagnostics
	docs, err := decodeDocs(text)
	if err == nil {
		return rulesFromDocs(file, text, docs, &ds), ds
	}
	// The known jischell defect: dataTypes: level with "- connectorId:".
	if fixed, repaired := repairDataTypes(text); len(repaired) > 0 {
		for _, r := range repaired {
			ds.add(file, r.line, r.indent+1, SeverityWarning, CodeYAMLIndent,
				"indent dataTypes: and its list 2 more spaces in the file",
				"'dataTypes:' is indented level with the '- connectorId:' list item (%d spaces) instead of under it (%d); read as if it were indented under it",
				r.indent, r.indent+2)
		}
		if docs, err2 := decodeDocs(fixed); err2 == nil {
			return rulesFromDocs(file, fixed, docs, &ds), ds
		}
		text = fixed
	}
	line, col, msg := yamlpos.Position(err, text)
	ds.add(file, line, col, SeverityError, CodeYAMLSyntax, yamlHint(msg), "not valid YAML: %s; the file was not loaded", msg)
	return nil, ds
}

type repair struct{ line, indent int }

var connectorItemRE = regexp.MustCompile(`^( *)- +connectorId *:`)

// repairDataTypes fixes exactly the jischell defect: inside the top-level
// requiredDataConnectors list, a "dataTypes:" key at the same indentation as
// the "- connectorId:" item it belongs to. The key line and the lines under it
// are indented two more spaces. It returns the repaired text and the (1-based)
// lines it changed; no lines when the pattern is absent.
func repairDataTypes(text string) (string, []repair) {
	lines := strings.Split(text, "\n")
	var fixes []repair
	for i := 0; i < len(lines); i++ {
		if strings.TrimRight(lines[i], " ") != "requiredDataConnectors:" {
			continue
		}
		item := -1 // indentation of the current "- connectorId:" item
		for j := i + 1; j < len(lines); j++ {
			l := lines[j]
			if strings.TrimSpace(l) == "" {
				continue
			}
			ind := leadingSpaces(l)
			if ind == 0 {
				break // next top-level key
			}
			if m := connectorItemRE.FindStringSubmatch(l); m != nil {
				item = len(m[1])
				continue
			}
			if item >= 0 && ind == item && strings.HasPrefix(l[ind:], "dataTypes:") {
				fixes = append(fixes, repair{line: j + 1, indent: ind})
				lines[j] = "  " + l
				for k := j + 1; k < len(lines); k++ {
					if strings.TrimSpace(lines[k]) == "" {
						continue
					}
					if leadingSpaces(lines[k]) <= item {
						break
					}
					lines[k] = "  " + lines[k]
					j = k
				}
			}
		}
	}
	return strings.Join(lines, "\n"), fixes
}

func leadingSpaces(s string) int {
	return len(s) - len(strings.TrimLeft(s, " "))
}

// rulesFromDocs turns parsed documents into rules, one per non-empty document.
func rulesFromDocs(file, text string, docs []*yaml.Node, ds *Diagnostics) []*Rule {
	lines := strings.Split(text, "\n")
	var rules []*Rule
	seen := false
	for _, doc := range docs {
		if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		seen = true
		if root.Kind != yaml.MappingNode {
			ds.add(file, root.Line, root.Column, SeverityError, CodeShape, "a Sentinel rule file is a mapping of keys such as id, name and query",
				"a rule must be a YAML mapping (key: value), found %s", kindName(root))
			continue
		}
		before := len(*ds)
		checkDuplicateKeys(file, root, ds)
		b := newRuleBuilder(file, lines, ds)
		for i := 0; i+1 < len(root.Content); i += 2 {
			b.key(root.Content[i], root.Content[i+1])
		}
		if r := b.finish(root.Line); r != nil && !Diagnostics((*ds)[before:]).HasErrors() {
			rules = append(rules, r)
		}
	}
	if !seen {
		ds.add(file, 1, 0, SeverityError, CodeMissingQuery, "", "empty YAML file: no rule and no query")
	}
	return rules
}

func checkDuplicateKeys(file string, n *yaml.Node, ds *Diagnostics) {
	if n.Kind == yaml.MappingNode {
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode {
				if first, ok := seen[k.Value]; ok {
					ds.add(file, k.Line, k.Column, SeverityError, CodeDuplicateKey, fmt.Sprintf("first given at line %d", first.Line),
						"key %q is given twice", k.Value)
				} else {
					seen[k.Value] = k
				}
			}
		}
	}
	for _, c := range n.Content {
		checkDuplicateKeys(file, c, ds)
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return "a scalar (" + strings.TrimPrefix(n.Tag, "!!") + ")"
	}
	return "nothing"
}

// ruleBuilder collects the keys of one YAML rule.
type ruleBuilder struct {
	file  string
	lines []string
	ds    *Diagnostics
	r     *Rule
	query *yaml.Node
}

func newRuleBuilder(file string, lines []string, ds *Diagnostics) *ruleBuilder {
	return &ruleBuilder{file: file, lines: lines, ds: ds, r: &Rule{File: file}}
}

func (b *ruleBuilder) errf(n *yaml.Node, hint, format string, args ...any) {
	b.ds.add(b.file, n.Line, n.Column, SeverityError, CodeShape, hint, format, args...)
}

// str returns the text of a scalar node, reporting other kinds.
func (b *ruleBuilder) str(key string, v *yaml.Node) (string, bool) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode {
		b.errf(v, "", "%s must be a single value, found %s", key, kindName(v))
		return "", false
	}
	if v.Tag == "!!null" {
		return "", true
	}
	return v.Value, true
}

// strs accepts one scalar or a list of scalars.
func (b *ruleBuilder) strs(key string, v *yaml.Node) []string {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
			return nil
		}
		return []string{v.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range v.Content {
			if s, ok := b.str(key+" item", c); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	b.errf(v, "write one value or a list of values", "%s must be a string or a list of strings, found %s", key, kindName(v))
	return nil
}

func (b *ruleBuilder) key(k, v *yaml.Node) {
	if k.Kind != yaml.ScalarNode {
		b.errf(k, "", "keys must be plain names, found %s", kindName(k))
		return
	}
	r := b.r
	switch k.Value {
	case "id":
		r.ID, _ = b.str("id", v)
		r.idLine = k.Line
	case "name":
		r.Name, _ = b.str("name", v)
	case "description":
		r.Description, _ = b.str("description", v)
	case "severity":
		r.Severity, _ = b.str("severity", v)
	case "tool":
		r.Tool, _ = b.str("tool", v)
	case "kind":
		r.Kind, _ = b.str("kind", v)
	case "tactics":
		r.Tactics = b.strs("tactics", v)
	case "relevantTechniques":
		r.Techniques = b.strs("relevantTechniques", v)
	case "query":
		if _, ok := b.str("query", v); ok {
			b.query = v
		}
	case "requiredDataConnectors":
		b.connectors(v)
	case "entityMappings":
		b.entities(v)
	default:
		var x any
		if err := v.Decode(&x); err != nil {
			b.errf(v, "", "%s: %v", k.Value, err)
			return
		}
		if r.Extra == nil {
			r.Extra = map[string]any{}
		}
		r.Extra[k.Value] = x
		if !slices.Contains(sentinelKeys, k.Value) {
			if near := nearest(k.Value, sentinelKeys); near != "" {
				b.ds.add(b.file, k.Line, k.Column, SeverityWarning, CodeUnknownKey, "did you mean "+near+"?",
					"unknown key %q (kept as an extra field)", k.Value)
			} else {
				b.ds.add(b.file, k.Line, k.Column, SeverityInfo, CodeUnknownKey, "",
					"key %q is not a Sentinel rule key (kept as an extra field)", k.Value)
			}
		}
	}
}

func (b *ruleBuilder) connectors(v *yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return
	}
	if v.Kind != yaml.SequenceNode {
		b.errf(v, "write a list of {connectorId, dataTypes}", "requiredDataConnectors must be a list, found %s", kindName(v))
		return
	}
	for _, item := range v.Content {
		if item.Kind != yaml.MappingNode {
			b.errf(item, "", "requiredDataConnectors item must be a mapping with connectorId and dataTypes, found %s", kindName(item))
			continue
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, val := item.Content[i], item.Content[i+1]
			switch k.Value {
			case "dataTypes":
				for _, t := range b.strs("dataTypes", val) {
					if !slices.Contains(b.r.DataTypes, t) {
						b.r.DataTypes = append(b.r.DataTypes, t)
					}
				}
			case "connectorId":
				b.str("connectorId", val)
			default:
				b.ds.add(b.file, k.Line, k.Column, SeverityWarning, CodeUnknownKey, "a connector has connectorId and dataTypes",
					"unknown key %q in requiredDataConnectors (ignored)", k.Value)
			}
		}
	}
}

func (b *ruleBuilder) entities(v *yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return
	}
	if v.Kind != yaml.SequenceNode {
		b.errf(v, "", "entityMappings must be a list, found %s", kindName(v))
		return
	}
	for _, item := range v.Content {
		var em EntityMapping
		if item.Kind != yaml.MappingNode {
			b.errf(item, "", "entityMappings item must be a mapping with entityType and fieldMappings, found %s", kindName(item))
			continue
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, val := item.Content[i], item.Content[i+1]
			switch k.Value {
			case "entityType":
				em.EntityType, _ = b.str("entityType", val)
			case "fieldMappings":
				if val.Kind != yaml.SequenceNode {
					b.errf(val, "", "fieldMappings must be a list, found %s", kindName(val))
					continue
				}
				for _, fm := range val.Content {
					if fm.Kind != yaml.MappingNode {
						b.errf(fm, "", "fieldMappings item must be a mapping with identifier and columnName, found %s", kindName(fm))
						continue
					}
					var f FieldMapping
					for j := 0; j+1 < len(fm.Content); j += 2 {
						switch fm.Content[j].Value {
						case "identifier":
							f.Identifier, _ = b.str("identifier", fm.Content[j+1])
						case "columnName":
							f.ColumnName, _ = b.str("columnName", fm.Content[j+1])
						default:
							b.ds.add(b.file, fm.Content[j].Line, fm.Content[j].Column, SeverityWarning, CodeUnknownKey, "a field mapping has identifier and columnName",
								"unknown key %q in fieldMappings (ignored)", fm.Content[j].Value)
						}
					}
					if f.Identifier == "" || f.ColumnName == "" {
						b.errf(fm, "", "a field mapping needs both identifier and columnName")
						continue
					}
					em.FieldMappings = append(em.FieldMappings, f)
				}
			default:
				b.ds.add(b.file, k.Line, k.Column, SeverityWarning, CodeUnknownKey, "an entity mapping has entityType and fieldMappings",
					"unknown key %q in entityMappings (ignored)", k.Value)
			}
		}
		if em.EntityType == "" {
			b.errf(item, "", "an entity mapping needs an entityType")
			continue
		}
		b.r.EntityMappings = append(b.r.EntityMappings, em)
	}
}

var blockHeaderRE = regexp.MustCompile(`^[|>]([1-9]?)[-+]?([1-9]?)`)

// setQuery places the query node's text in the rule.
func (b *ruleBuilder) setQuery() {
	v, r := b.query, b.r
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	r.Query = v.Value
	switch v.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		r.QueryLine = v.Line + 1
		r.QueryIndent = b.blockIndent(v)
		r.exact = v.Style == yaml.LiteralStyle
		if v.Style == yaml.FoldedStyle {
			b.ds.add(b.file, v.Line, v.Column, SeverityWarning, CodeFoldedQuery, "write query: | to keep line breaks",
				"query is a folded block (>): its line breaks become spaces, so a // comment hides the rest of the query")
		}
	default:
		r.QueryLine = v.Line
		r.QueryIndent = v.Column - 1
		if v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
			r.QueryIndent++
		}
		// A plain scalar maps exactly when it is the text on its own line.
		r.exact = false
		if v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 && v.Line >= 1 && v.Line <= len(b.lines) {
			l := b.lines[v.Line-1]
			r.exact = v.Column-1 <= len(l) && strings.HasPrefix(l[v.Column-1:], v.Value)
		}
	}
}

// blockIndent finds the indentation of a block scalar's content lines.
func (b *ruleBuilder) blockIndent(v *yaml.Node) int {
	if v.Line >= 1 && v.Line <= len(b.lines) {
		hdr := b.lines[v.Line-1]
		if v.Column-1 < len(hdr) {
			if m := blockHeaderRE.FindStringSubmatch(hdr[v.Column-1:]); m != nil {
				if d := m[1] + m[2]; d != "" {
					parent := 0
					if k := b.keyIndent(v.Line); k >= 0 {
						parent = k
					}
					n, _ := strconv.Atoi(d)
					return parent + n
				}
			}
		}
	}
	for i := v.Line; i < len(b.lines); i++ { // b.lines[v.Line] is the line after the header
		if strings.TrimSpace(b.lines[i]) != "" {
			return leadingSpaces(b.lines[i])
		}
	}
	return 0
}

// keyIndent is the indentation of the key on a (1-based) line.
func (b *ruleBuilder) keyIndent(line int) int {
	if line < 1 || line > len(b.lines) {
		return -1
	}
	return leadingSpaces(b.lines[line-1])
}

// finish checks the collected rule and returns it, or nil when it has no query.
func (b *ruleBuilder) finish(line int) *Rule {
	r := b.r
	if b.query != nil {
		b.setQuery()
	} else {
		b.ds.add(b.file, line, 0, SeverityError, CodeMissingQuery, "add a 'query: |' block with the KQL", "rule %q has no query", cmpOr(r.ID, r.Name, b.file))
		return nil
	}
	if strings.TrimSpace(r.Query) == "" {
		l, c := r.QueryLine, 0
		if b.query != nil {
			l, c = b.query.Line, b.query.Column
		}
		b.ds.add(b.file, l, c, SeverityError, CodeMissingQuery, "", "rule %q has an empty query", cmpOr(r.ID, r.Name, b.file))
		return nil
	}
	stripQueryFence(r, b.file, b.ds)
	r.Query = normaliseEnd(r.Query)
	if r.ID == "" {
		r.ID = baseName(b.file)
		b.ds.add(b.file, line, 0, SeverityWarning, CodeMissingID, "Sentinel rules carry a GUID id",
			"rule has no id; using the file name %q", r.ID)
	}
	if r.Name == "" {
		r.Name = r.ID
		b.ds.add(b.file, line, 0, SeverityWarning, CodeMissingName, "", "rule has no name; using its id %q", r.ID)
	}
	if r.Kind == "" {
		r.Kind = "Hunting"
	}
	if r.idLine == 0 {
		r.idLine = r.QueryLine
	}
	return r
}

func cmpOr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

var (
	fenceOpenRE  = regexp.MustCompile("(?i)^```+\\s*(kusto|kql|csl)?\\s*$")
	fenceCloseRE = regexp.MustCompile("^```+$")
)

// stripQueryFence removes a ```kusto … ``` wrapper around a YAML query.
func stripQueryFence(r *Rule, file string, ds *Diagnostics) {
	lines := strings.Split(r.Query, "\n")
	first, last := -1, -1
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 || first == last {
		return
	}
	if !fenceOpenRE.MatchString(strings.TrimSpace(lines[first])) || !fenceCloseRE.MatchString(strings.TrimSpace(lines[last])) {
		return
	}
	line, col := r.FilePos(first+1, 1)
	ds.add(file, line, col, SeverityWarning, CodeQueryFence, "the query should be bare KQL", "query is wrapped in a ``` fence; the fence lines were removed")
	r.Query = strings.Join(lines[first+1:last], "\n")
	r.QueryLine += first + 1
}

// normaliseEnd removes trailing blank lines and ends the text with one "\n".
func normaliseEnd(q string) string {
	lines := strings.Split(q, "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// nearest returns the candidate within edit distance 2 of s (case-insensitive), or "".
func nearest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
