package ruletest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/engine"
	"github.com/rmmhunt/rmmhunt/kql/syntax"
	"github.com/rmmhunt/rmmhunt/rules"
	"github.com/rmmhunt/rmmhunt/schema"
)

// Diagnostic codes produced by Lint (the loader's codes are in package rules).
const (
	CodeKQLError       = "kql-error"         // the query does not parse or bind
	CodeKQLWarning     = "kql-warning"       // the engine accepted the query with a warning
	CodeTermDomain     = "term-match-domain" // has/contains with a domain name: not a host test
	CodeWildcardNeedle = "wildcard-needle"   // a * in a has/contains needle is a literal character
	CodeNowRelative    = "now-relative"      // the query looks back from now()/ago()
	CodeNoSeverity     = "missing-severity"  // a YAML rule without severity
	CodeNoEntities     = "missing-entities"  // a YAML rule without entity mappings
	CodeEntityColumn   = "entity-column"     // an entity mapping names a column the query does not return
)

// LintOptions configure Lint.
type LintOptions struct {
	// Tables resolves a table name to its schema; nil means schema.Lookup.
	Tables func(name string) (*schema.Table, bool)
	// Lenient accepts a trailing comma in lists (reported as a warning), as
	// the hunt and query commands do with --lenient-lists.
	Lenient bool
}

// Lint checks every rule of the pack and returns the diagnostics in file and
// line order. It does not repeat the loader's diagnostics; callers add those
// (rules.Load returns them).
func Lint(p *rules.Pack, opts LintOptions) rules.Diagnostics {
	var ds rules.Diagnostics
	for _, r := range p.Rules {
		ds = append(ds, LintRule(r, opts)...)
	}
	ds.Sort()
	return ds
}

// LintRule checks one rule:
//
//   - the query must parse and bind (errors at their file:line:col, with the
//     engine's hint, such as "did you mean InitiatingProcessAccountUpn?");
//   - has/has_any/has_all/contains with a domain-looking needle is a warning
//     unless the query also compares the host exactly (a term match is not a
//     host test: "anydesk.com.evil.example" and "https://evil.example/?u=anydesk.com"
//     match too), and a * in such a needle is a literal character;
//   - now()/ago() windows are noted (over an export, pin the clock with --now);
//   - YAML rules should give a severity and entity mappings, and every mapped
//     column must be a result column of the query.
func LintRule(r *rules.Rule, opts LintOptions) rules.Diagnostics {
	var ds rules.Diagnostics
	add := func(kqlLine, kqlCol int, sev rules.Severity, code, hint, format string, args ...any) {
		line, col := r.FilePos(kqlLine, kqlCol)
		ds = append(ds, rules.Diagnostic{File: r.File, Line: line, Col: col, Severity: sev, Code: code,
			Message: fmt.Sprintf(format, args...), Hint: hint})
	}
	at := func(off syntax.Pos) (int, int) { return syntax.Position(r.Query, off) }

	isYAML := strings.HasSuffix(strings.ToLower(r.File), ".yaml") || strings.HasSuffix(strings.ToLower(r.File), ".yml")
	if isYAML && strings.TrimSpace(r.Severity) == "" {
		ds = append(ds, rules.Diagnostic{File: r.File, Severity: rules.SeverityWarning, Code: CodeNoSeverity,
			Message: fmt.Sprintf("rule %q has no severity", r.Name), Hint: "add severity: Informational, Low, Medium or High"})
	}
	if strings.TrimSpace(r.Query) == "" {
		return ds // the loader reports a missing query
	}

	q, err := engine.Compile(r.Query, engine.Options{Tables: opts.Tables, Lenient: opts.Lenient})
	var el syntax.ErrorList
	switch {
	case err == nil:
		for _, w := range q.Warnings() {
			add(w.Line, w.Col, rules.SeverityWarning, CodeKQLWarning, w.Hint, "%s", w.Msg)
		}
	case errors.As(err, &el):
		for _, e := range el {
			msg := e.Msg
			if e.Code != "" {
				msg += " [" + e.Code + "]"
			}
			add(e.Line, e.Col, rules.SeverityError, CodeKQLError, e.Hint, "%s", msg)
		}
	default:
		add(1, 1, rules.SeverityError, CodeKQLError, "", "%v", err)
	}

	if isYAML && len(r.EntityMappings) == 0 {
		sev := rules.SeverityWarning
		hint := "map result columns to entities (Host: DeviceName, Account, Process, URL …) so alerts name what they concern"
		if strings.EqualFold(r.Kind, "Hunting") {
			sev = rules.SeverityInfo
		}
		ds = append(ds, rules.Diagnostic{File: r.File, Severity: sev, Code: CodeNoEntities,
			Message: fmt.Sprintf("rule %q has no entityMappings", r.Name), Hint: hint})
	}
	if q != nil && len(r.EntityMappings) > 0 {
		have := map[string]bool{}
		var names []string
		for _, c := range q.Columns() {
			have[c.Name] = true
			names = append(names, c.Name)
		}
		for _, em := range r.EntityMappings {
			for _, fm := range em.FieldMappings {
				if !have[fm.ColumnName] {
					ds = append(ds, rules.Diagnostic{File: r.File, Severity: rules.SeverityWarning, Code: CodeEntityColumn,
						Message: fmt.Sprintf("entity mapping %s.%s names column %q, which the query does not return", em.EntityType, fm.Identifier, fm.ColumnName),
						Hint:    "result columns: " + strings.Join(names, ", ")})
				}
			}
		}
	}

	ast, perrs := syntax.Parse(r.Query, syntax.Options{Lenient: true})
	if len(perrs) > 0 || ast == nil {
		return ds
	}
	for _, f := range termFindings(ast) {
		l, c := at(f.pos)
		if len(f.wildcard) > 0 {
			add(l, c, rules.SeverityWarning, CodeWildcardNeedle, "has and contains compare text; test the host with endswith or an anchored regular expression",
				"%s %s: the * is a literal character, not a wildcard, so no host matches it", f.op, quoteList(f.wildcard, 3))
		}
		if len(f.needles) > 0 {
			d := strings.TrimPrefix(f.needles[0], ".")
			add(l, c, rules.SeverityWarning, CodeTermDomain,
				fmt.Sprintf("cut the host from the URL and test host == %q or host endswith %q", d, "."+d),
				"%s %s is a term match, not a host test: it also matches %q and %q",
				f.op, quoteList(f.needles, 3), d+".evil.example", "https://evil.example/?u="+d)
		}
	}
	if pos, n := nowCalls(ast); n > 0 {
		l, c := at(pos)
		add(l, c, rules.SeverityInfo, CodeNowRelative, "over an export, pin the clock: rmmhunt hunt --now 2026-03-08T00:00:00Z",
			"the query's window is relative to now() (%d call(s) of now()/ago()); over old exports nothing falls in it unless now() is pinned", n)
	}
	return ds
}

// termFinding is one term or substring test with domain-looking needles:
// those not backed by an exact host test, and those holding a *.
type termFinding struct {
	pos      syntax.Pos
	op       string
	needles  []string
	wildcard []string
}

// domainRE matches text that reads as a DNS name: at least two labels, the
// last one letters (a TLD), optional leading "." or "*." .
var domainRE = regexp.MustCompile(`(?i)^(?:\*\.|\.)?(?:[a-z0-9_*](?:[a-z0-9_*-]*[a-z0-9_*])?\.)+[a-z]{2,63}\.?$`)

// fileExts are last labels that make a dotted word a file name, not a host.
var fileExts = map[string]bool{"exe": true, "dll": true, "msi": true, "sys": true, "bat": true, "cmd": true, "ps1": true,
	"vbs": true, "js": true, "jar": true, "zip": true, "txt": true, "log": true, "ini": true, "cfg": true, "xml": true,
	"json": true, "lnk": true, "scr": true, "tmp": true, "dat": true, "db": true, "msp": true, "cab": true, "py": true,
	"sh": true, "hta": true, "pdf": true, "doc": true, "docx": true, "xls": true, "xlsx": true, "config": true}

// hostWords mark an operand that holds URLs or host names.
var hostWords = []string{"url", "host", "domain", "fqdn", "dns", "uri", "referer", "referrer", "sni", "site"}

// looksLikeDomain reports whether s reads as a host name rather than a file
// name.
func looksLikeDomain(s string) bool {
	if !domainRE.MatchString(s) {
		return false
	}
	last := strings.ToLower(strings.TrimSuffix(s, "."))
	last = last[strings.LastIndexByte(last, '.')+1:]
	return !fileExts[last]
}

func mentionsHost(x syntax.Expr) bool {
	found := false
	syntax.Inspect(x, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			low := strings.ToLower(id.Name)
			for _, w := range hostWords {
				if strings.Contains(low, w) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

var termOps = map[string]bool{"has": true, "has_cs": true, "!has": true, "!has_cs": true, "contains": true,
	"contains_cs": true, "!contains": true, "!contains_cs": true, "has_any": true, "has_all": true}

// exactOps compare a host exactly or at a label boundary.
var exactOps = map[string]bool{"==": true, "=~": true, "in": true, "in~": true, "endswith": true, "endswith_cs": true,
	"matches regex": true}

// termFindings finds term and substring tests of URL or host operands (a
// column whose name says url, host, domain, …) with domain-looking needles
// that the query does not back with an exact host test. Company, product and
// signer names that look like domains (PDQ.com) are left alone.
func termFindings(q *syntax.Query) []termFinding {
	lets := map[string]syntax.Expr{}
	for _, s := range q.Stmts {
		if l, ok := s.(*syntax.LetStmt); ok && l.Name != nil {
			lets[l.Name.Name] = l.Value
		}
	}
	// strings of an operand: literals, dynamic arrays, and let names bound to them.
	var stringsOf func(x syntax.Expr, depth int) []string
	stringsOf = func(x syntax.Expr, depth int) []string {
		switch v := x.(type) {
		case *syntax.Literal:
			if v.Kind == syntax.LitString && !v.Null {
				return []string{v.Str}
			}
		case *syntax.ParenExpr:
			return stringsOf(v.X, depth)
		case *syntax.DynamicLit:
			var out []string
			syntax.Inspect(v, func(n syntax.Node) bool {
				if s, ok := n.(*syntax.DynScalar); ok && s.Lit != nil && s.Lit.Kind == syntax.LitString {
					out = append(out, s.Lit.Str)
				}
				return true
			})
			return out
		case *syntax.Ident:
			if def, ok := lets[v.Name]; ok && depth < 8 {
				return stringsOf(def, depth+1)
			}
		}
		return nil
	}
	type use struct {
		pos     syntax.Pos
		op      string
		needles []string
		host    bool
	}
	var uses []use
	exact := map[string]bool{}
	var regexes []string
	syntax.Inspect(q, func(n syntax.Node) bool {
		switch v := n.(type) {
		case *syntax.BinaryExpr:
			op := strings.ToLower(v.Op)
			if termOps[op] {
				uses = append(uses, use{v.OpPos, v.Op, stringsOf(v.Y, 0), mentionsHost(v.X)})
			}
			if exactOps[op] {
				for _, s := range stringsOf(v.Y, 0) {
					if op == "matches regex" {
						regexes = append(regexes, s)
					} else {
						exact[strings.ToLower(s)] = true
					}
				}
			}
		case *syntax.InExpr:
			op := strings.ToLower(v.Op)
			var all []string
			for _, e := range v.List {
				all = append(all, stringsOf(e, 0)...)
			}
			if termOps[op] {
				uses = append(uses, use{v.OpPos, v.Op, all, mentionsHost(v.X)})
			}
			if exactOps[op] {
				for _, s := range all {
					exact[strings.ToLower(s)] = true
				}
			}
		case *syntax.CallExpr:
			switch strings.ToLower(v.Name()) {
			case "extract", "extract_all", "matches_regex":
				if len(v.Args) > 0 {
					regexes = append(regexes, stringsOf(v.Args[0], 0)...)
				}
			}
		}
		return true
	})
	backed := func(d string) bool {
		d = strings.ToLower(strings.TrimPrefix(d, "."))
		if exact[d] || exact["."+d] {
			return true
		}
		quoted := regexp.QuoteMeta(d)
		for _, re := range regexes {
			if strings.Contains(strings.ToLower(re), quoted) {
				return true
			}
		}
		return false
	}
	var out []termFinding
	for _, u := range uses {
		f := termFinding{pos: u.pos, op: u.op}
		seen := map[string]bool{}
		for _, s := range u.needles {
			if seen[s] || !u.host || !looksLikeDomain(s) {
				continue
			}
			seen[s] = true
			switch {
			case strings.Contains(s, "*"):
				f.wildcard = append(f.wildcard, s)
			case !backed(s):
				f.needles = append(f.needles, s)
			}
		}
		if len(f.needles)+len(f.wildcard) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// nowCalls returns the position of the first now()/ago() call and how many
// there are.
func nowCalls(q *syntax.Query) (syntax.Pos, int) {
	var first syntax.Pos
	n := 0
	syntax.Inspect(q, func(x syntax.Node) bool {
		if c, ok := x.(*syntax.CallExpr); ok {
			switch strings.ToLower(c.Name()) {
			case "now", "ago":
				if n == 0 {
					first = c.Pos()
				}
				n++
			}
		}
		return true
	})
	return first, n
}

// quoteList renders up to max quoted strings and how many more there are.
func quoteList(xs []string, max int) string {
	var parts []string
	for i, x := range xs {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(xs)-max))
			break
		}
		parts = append(parts, fmt.Sprintf("%q", x))
	}
	return strings.Join(parts, ", ")
}
