package rules

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

var (
	mdHeadingRE = regexp.MustCompile(`^ {0,3}(#{2,6})[ \t]+(.*?)[ \t]*#*[ \t]*$`)
	// blankNoteRE matches a line that only says the file is intentionally blank.
	blankNoteRE = regexp.MustCompile(`(?i)^[ \t>*_-]*(--|//)?[ \t*_]*intentionally[ \t]+(left[ \t]+)?blank[ \t.*_]*$`)
	mdFenceRE   = regexp.MustCompile("^( {0,3})(`{3,}|~{3,})[ \t]*([^ \t`]*)")
	// kqlLookRE recognises KQL in an untagged fenced block: a pipe into a
	// tabular operator, a let statement, or a tabular source that starts a query.
	kqlLookRE = regexp.MustCompile(`(?m)(\|[ \t]*(where|project|project-away|project-keep|project-rename|project-reorder|extend|summarize|join|union|take|limit|top|top-nested|sort|order|distinct|count|parse|parse-where|mv-expand|mv-apply|make-series|render|lookup|invoke|evaluate|as|serialize|sample|sample-distinct|search|getschema|facet|fork|partition|scan)\b|^[ \t]*let[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*=|^[ \t]*datatable[ \t]*\(|^[ \t]*print\b|^[ \t]*range[ \t]+[A-Za-z_]\w*[ \t]+from\b)`)
)

// LooksLikeKQL reports whether text reads as a KQL query: it pipes into a
// tabular operator, has a let statement, or starts with datatable, print or range.
// Untagged Markdown blocks and .txt files met in a folder are loaded only when
// it holds.
func LooksLikeKQL(text string) bool { return kqlLookRE.MatchString(text) }

// parseMarkdown makes one rule of every KQL fenced block of a Markdown file.
// text has "\n" line ends.
func parseMarkdown(file, text string) ([]*Rule, Diagnostics) {
	var ds Diagnostics
	lines := strings.Split(text, "\n")
	base := baseName(file)
	heading := ""
	type block struct {
		line, indent int
		heading      string
		body         []string
		exact        bool
	}
	var blocks []block
	nonKQL := 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := mdHeadingRE.FindStringSubmatch(l); m != nil {
			heading = m[2]
			continue
		}
		m := mdFenceRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		indent, fence, tag := len(m[1]), m[2], strings.ToLower(m[3])
		if fence[0] == '`' && strings.Contains(l[len(m[0]):], "`") {
			continue // an inline code span, not a fence
		}
		closeRE := regexp.MustCompile("^ {0,3}" + regexp.QuoteMeta(fence[:1]) + "{" + fmt.Sprint(len(fence)) + ",}[ \t]*$")
		end := -1
		for j := i + 1; j < len(lines); j++ {
			if closeRE.MatchString(lines[j]) {
				end = j
				break
			}
		}
		if end < 0 {
			ds.add(file, i+1, indent+1, SeverityError, CodeUnclosedFence, "close it with "+fence,
				"fenced block opened here is never closed")
			break
		}
		b := block{line: i + 2, indent: indent, heading: heading, exact: true}
		for _, c := range lines[i+1 : end] {
			n := min(leadingSpaces(c), indent)
			if n < indent && strings.TrimSpace(c) != "" {
				b.exact = false
			}
			b.body = append(b.body, c[n:])
		}
		i = end
		body := strings.Join(b.body, "\n")
		if strings.TrimSpace(body) == "" && (tag == "" || isKQLTag(tag)) {
			ds.add(file, b.line-1, indent+1, SeverityWarning, CodeEmptyBlock, "", "empty fenced block: no query, no rule")
			continue
		}
		switch {
		case isKQLTag(tag):
		case tag == "" && LooksLikeKQL(body):
		default:
			nonKQL++
			if tag != "" {
				ds.add(file, b.line-1, indent+1, SeverityInfo, CodeNotKQL, "", "fenced block tagged %q is not KQL; not loaded as a rule", tag)
				continue
			}
			first := strings.TrimSpace(body)
			first, _, _ = strings.Cut(first, "\n")
			if len(first) > 60 {
				first = first[:57] + "..."
			}
			ds.add(file, b.line-1, indent+1, SeverityWarning, CodeNotKQL, "tag KQL blocks ```kql",
				"untagged fenced block does not read as KQL (it starts %q); not loaded as a rule", first)
			continue
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 {
		if ds.HasErrors() {
			return nil, ds
		}
		for i, l := range lines {
			if blankNoteRE.MatchString(l) {
				ds.add(file, i+1, 0, SeverityWarning, CodeNoQuery, "", "no query: the file says %q", strings.TrimSpace(l))
				return nil, ds
			}
		}
		hint := ""
		if nonKQL > 0 {
			hint = fmt.Sprintf("%d fenced block(s) were not KQL; tag KQL blocks ```kql", nonKQL)
		}
		ds.add(file, 0, 0, SeverityWarning, CodeNoQuery, hint, "no query: the file has no KQL fenced block")
		return nil, ds
	}
	var rules []*Rule
	ids := map[string]int{}
	names := map[string]int{}
	for _, h := range blocks {
		names[h.heading]++
	}
	seenName := map[string]int{}
	for _, b := range blocks {
		slug := slugify(b.heading)
		if slug == "" {
			slug = "query"
		}
		id := base + "#" + slug
		for n := 2; ids[id] > 0; n++ {
			id = fmt.Sprintf("%s#%s-%d", base, slug, n)
		}
		ids[id]++
		name := base
		if b.heading != "" {
			name += " - " + b.heading
		}
		if names[b.heading] > 1 {
			seenName[b.heading]++
			name = fmt.Sprintf("%s #%d", name, seenName[b.heading])
		}
		r := &Rule{
			ID: id, Name: name, Kind: "Hunting", File: file,
			Query:     normaliseEnd(strings.Join(b.body, "\n")),
			QueryLine: b.line, QueryIndent: b.indent,
			idLine: b.line - 1, exact: b.exact,
		}
		rules = append(rules, r)
	}
	return rules, ds
}

func isKQLTag(tag string) bool { return tag == "kql" || tag == "kusto" || tag == "csl" }

// parseWholeFile makes one rule of a .kql/.csl/.txt file.
func parseWholeFile(file, text string) ([]*Rule, Diagnostics) {
	var ds Diagnostics
	if strings.TrimSpace(text) == "" {
		ds.add(file, 0, 0, SeverityWarning, CodeNoQuery, "", "no query: the file is empty")
		return nil, ds
	}
	id := baseName(file)
	return []*Rule{{
		ID: id, Name: id, Kind: "Hunting", File: file,
		Query: normaliseEnd(text), QueryLine: 1, idLine: 1, exact: true,
	}}, ds
}

// slugify lower-cases s and joins its words with "-".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
