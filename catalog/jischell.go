package catalog

import (
	"regexp"
	"strings"
)

// jischellFacts are the names a jischell rule file's query mentions.
type jischellFacts struct {
	Domains, Binaries, Companies, Products, Signers []string
}

// stripKQLComments removes // comments outside string literals, line by line.
func stripKQLComments(s string) string {
	var b strings.Builder
	var quote rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			b.WriteRune(r)
			if r == '\\' && i+1 < len(rs) && rs[i+1] != '\n' {
				i++
				b.WriteRune(rs[i])
			} else if r == quote || r == '\n' {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
			b.WriteRune(r)
		case r == '/' && i+1 < len(rs) && rs[i+1] == '/':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			if i < len(rs) {
				b.WriteRune('\n')
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	predRE   = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\s+(has_any|has|=~|in~|==)\s*(\([^)]*\)|'[^'\n]*'|"[^"\n]*")`)
	quotedRE = regexp.MustCompile(`'([^'\n]*)'|"([^"\n]*)"`)
)

// scanJischellRule extracts names from the query of one jischell rule file by
// a plain text scan (the files are not valid YAML): every positive
// `Column has|has_any|=~|in~|== <string or list>` predicate on a column it
// knows. Everything before the "query:" key is ignored.
func scanJischellRule(text string) jischellFacts {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if i := strings.Index(text, "\nquery:"); i >= 0 {
		text = text[i:]
	}
	text = stripKQLComments(text)
	var f jischellFacts
	for _, m := range predRE.FindAllStringSubmatch(text, -1) {
		col, op, arg := m[1], m[2], m[3]
		var vals []string
		for _, q := range quotedRE.FindAllStringSubmatch(arg, -1) {
			v := q[1] + q[2]
			if strings.TrimSpace(v) != "" {
				vals = append(vals, strings.TrimSpace(v))
			}
		}
		switch col {
		case "ProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoCompanyName":
			if op == "has" || op == "has_any" {
				f.Companies = append(f.Companies, vals...)
			}
		case "ProcessVersionInfoProductName", "InitiatingProcessVersionInfoProductName":
			if op == "has" || op == "has_any" {
				f.Products = append(f.Products, vals...)
			}
		case "Signer":
			if op == "has" || op == "has_any" {
				f.Signers = append(f.Signers, vals...)
			}
		case "RemoteUrl":
			if op == "has" || op == "has_any" {
				f.Domains = append(f.Domains, vals...)
			}
		case "FileName", "InitiatingProcessFileName", "ProcessVersionInfoOriginalFileName":
			if op == "=~" || op == "in~" || op == "==" {
				f.Binaries = append(f.Binaries, vals...)
			}
		}
	}
	return f
}
