package exclusions

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Severity is "error" or "warning".
type Severity string

// The severities. An exclusion with an error finding is unsafe: hunt refuses
// to apply it unless told --allow-unsafe-exclusions.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// The finding codes. docs/exclusions.md explains each with an example.
const (
	// CodeSyntax (error): the `when` expression does not parse.
	CodeSyntax = "syntax"
	// CodeInvalid (error): the file or entry breaks the format (missing id,
	// duplicate id, unknown key, bad expires, …).
	CodeInvalid = "invalid"
	// CodeAmbiguousPrecedence (error): and and or mixed without parentheses.
	CodeAmbiguousPrecedence = "ambiguous-precedence"
	// CodeTypeMismatch (error): a literal that cannot be a value of the
	// field's column (a host name for an IP column, text for a port, …).
	CodeTypeMismatch = "type-mismatch"
	// CodeUnknownField (error): a field that is neither an alias nor a column.
	CodeUnknownField = "unknown-field"
	// CodeInvalidKQL (error): a `kql` expression the KQL checker rejects.
	CodeInvalidKQL = "invalid-kql"
	// CodeOverBroad (warning): a disjunct excluding on an account, a common
	// system binary, a port or negations alone.
	CodeOverBroad = "over-broad"
	// CodeNeverApplies (warning): a disjunct no event of the rule can satisfy.
	CodeNeverApplies = "never-applies"
	// CodeUnknownRule (error): the exclusion names a rule that is not among
	// the rules given to the linter: a typo or a stale id, so the exclusion
	// protects nothing. Unsafe leaves it out: an exclusion for a rule the
	// hunt does not run hides nothing.
	CodeUnknownRule = "unknown-rule"
	// CodeExpired (warning): the expires date has passed.
	CodeExpired = "expired"
	// CodeNoExpiry (warning): the exclusion has no expires date.
	CodeNoExpiry = "no-expiry"
	// CodeNeverMatched (warning, with data): the exclusion matched no event.
	CodeNeverMatched = "never-matched"
	// CodeSuppressesMost (warning, with data): the exclusion hides more than
	// half of a rule's findings.
	CodeSuppressesMost = "suppresses-most"
)

// codeSeverity gives each code its severity.
var codeSeverity = map[string]Severity{
	CodeSyntax:              SeverityError,
	CodeInvalid:             SeverityError,
	CodeAmbiguousPrecedence: SeverityError,
	CodeTypeMismatch:        SeverityError,
	CodeUnknownField:        SeverityError,
	CodeInvalidKQL:          SeverityError,
	CodeOverBroad:           SeverityWarning,
	CodeNeverApplies:        SeverityWarning,
	CodeUnknownRule:         SeverityError,
	CodeExpired:             SeverityWarning,
	CodeNoExpiry:            SeverityWarning,
	CodeNeverMatched:        SeverityWarning,
	CodeSuppressesMost:      SeverityWarning,
}

// Finding is one lint result. The first four fields are the JSON contract
// of `rmmhunt exclusions lint --format json`; the position follows.
type Finding struct {
	Exclusion string   `json:"exclusion"`
	Severity  Severity `json:"severity"`
	Code      string   `json:"code"`
	Message   string   `json:"message"`
	File      string   `json:"file,omitempty"`
	Line      int      `json:"line,omitempty"`
	Column    int      `json:"column,omitempty"`
}

// Pos returns the finding's position.
func (f Finding) Pos() Pos { return Pos{File: f.File, Line: f.Line, Col: f.Column} }

func newFinding(pos Pos, id, code, format string, args ...any) Finding {
	return Finding{
		Exclusion: id,
		Severity:  codeSeverity[code],
		Code:      code,
		Message:   fmt.Sprintf(format, args...),
		File:      pos.File,
		Line:      pos.Line,
		Column:    pos.Col,
	}
}

// ErrorFindings turns the error returned by Parse, LoadFile, Load or NewSet
// into findings (code "syntax" or "invalid", severity error), so that lint
// can report a broken file together with the findings on its valid entries.
// Other errors (a file that cannot be read) become one finding with no
// exclusion.
func ErrorFindings(err error) []Finding {
	if err == nil {
		return nil
	}
	var el ErrorList
	if !errors.As(err, &el) {
		return []Finding{{Severity: SeverityError, Code: CodeInvalid, Message: err.Error()}}
	}
	out := make([]Finding, 0, len(el))
	for _, e := range el {
		code := e.Code
		if code == "" {
			code = CodeInvalid
		}
		out = append(out, newFinding(e.Pos, e.Exclusion, code, "%s", e.Msg))
	}
	return out
}

// HasErrors reports whether any finding is an error.
func HasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Unsafe lists, sorted, the ids of the exclusions that have at least one
// error finding other than unknown-rule: the ones hunt must not apply
// without --allow-unsafe-exclusions (see Set.Without). unknown-rule does not
// make an exclusion unsafe to apply: for a rule that is not run it hides
// nothing (lint still fails on it).
func Unsafe(findings []Finding) []string {
	seen := map[string]bool{}
	var ids []string
	for _, f := range findings {
		if f.Severity == SeverityError && f.Code != CodeUnknownRule && f.Exclusion != "" && !seen[f.Exclusion] {
			seen[f.Exclusion] = true
			ids = append(ids, f.Exclusion)
		}
	}
	sort.Strings(ids)
	return ids
}

// SortFindings orders findings by file, line, column, code, exclusion and
// message: the order every renderer uses.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Pos() != b.Pos() {
			return a.Pos().less(b.Pos())
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Exclusion != b.Exclusion {
			return a.Exclusion < b.Exclusion
		}
		return a.Message < b.Message
	})
}

// Linter checks exclusions. Schema is required; Rules, when given, make the
// rule-aware checks possible (never-applies, unknown-rule, and field and type
// checks against each rule's own table).
type Linter struct {
	Schema Schema
	// Rules are the rules the exclusions are checked against (optional).
	Rules []RuleInfo
	// Now decides what has expired; the zero value means time.Now().
	Now time.Time
	// CheckKQL, when set, checks a `kql` exclusion's text as a boolean
	// expression over table; an error becomes an invalid-kql finding.
	CheckKQL func(table, expr string) error
}

// Lint checks every exclusion of the set and returns the findings, sorted.
func (l *Linter) Lint(set *Set) []Finding {
	now := l.Now
	if now.IsZero() {
		now = time.Now()
	}
	var out []Finding
	for _, e := range set.Exclusions {
		out = append(out, l.lintOne(e, now)...)
	}
	return dedupe(out)
}

func dedupe(fs []Finding) []Finding {
	SortFindings(fs)
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f == fs[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// lintOne runs every check on one exclusion.
func (l *Linter) lintOne(e *Exclusion, now time.Time) []Finding {
	var out []Finding
	add := func(pos Pos, code, format string, args ...any) {
		out = append(out, newFinding(pos, e.ID, code, format, args...))
	}

	// Expiry.
	if !e.HasExpiry() {
		add(e.Pos, CodeNoExpiry, "no expires date: an exclusion without one stays in force after its reason is gone; add expires: YYYY-MM-DD and review it then")
	} else if e.Expired(now) {
		days := int(now.Sub(e.Expires.AddDate(0, 0, 1)).Hours()/24) + 1
		add(e.expiresPos, CodeExpired, "expired on %s (%s ago): it no longer applies; renew or delete it", e.Expires.Format("2006-01-02"), plural(days, "day"))
	}

	// Rules.
	rules, tables := l.rulesOf(e)
	if len(l.Rules) > 0 {
		for i, name := range e.Rules {
			if name != "*" && !l.knowsRule(name) {
				add(e.ruleRefPos(i), CodeUnknownRule, "rule %q is not among the %s given, so the exclusion applies to no rule by that name%s",
					name, plural(len(l.Rules), "rule"), l.ruleHint(name))
			}
		}
	}

	if e.When == nil {
		// Without rules the table a kql exclusion will run over is unknown.
		if l.CheckKQL != nil && e.KQL != "" && len(rules) > 0 {
			for _, t := range tables {
				if err := l.CheckKQL(t, e.KQL); err != nil {
					add(e.ExprPos, CodeInvalidKQL, "kql over %s: %v", t, err)
				}
			}
		}
		return out
	}

	c := &checker{l: l, e: e, rules: rules, tables: tables, add: add}
	c.precedence(e.When, true)
	c.fields(e.When)
	disjuncts, ok := dnf(e.When, false)
	if ok {
		for _, d := range disjuncts {
			c.overBroad(d, len(disjuncts))
			for _, r := range c.rules {
				c.neverApplies(r, d, len(disjuncts))
			}
		}
	}
	return out
}

// knowsRule reports whether name is the id (case-insensitively) or the name
// (exactly) of a given rule: the test Exclusion.AppliesTo makes (namesRule).
func (l *Linter) knowsRule(name string) bool {
	for _, r := range l.Rules {
		if namesRule(name, r.ID(), r.Name()) {
			return true
		}
	}
	return false
}

// ruleHint suggests the given rule a mistyped rule id or name was meant to
// be (closest id or name), else how to find the right one.
func (l *Linter) ruleHint(name string) string {
	var cands []string
	label := map[string]RuleInfo{}
	for _, r := range l.Rules {
		for _, c := range []string{r.ID(), r.Name()} {
			if c != "" {
				if _, dup := label[c]; !dup {
					label[c] = r
					cands = append(cands, c)
				}
			}
		}
	}
	if s := didYouMean(name, cands); s != "" {
		r := label[s]
		if s == r.ID() {
			return fmt.Sprintf("; did you mean %s (%s)?", s, r.Name())
		}
		return fmt.Sprintf("; did you mean %q (%s)?", s, r.ID())
	}
	return "; rmmhunt rules list shows the ids and names (lint the exclusions with --rules when they are for your own rules)"
}

// rulesOf returns the given rules the exclusion applies to whose tables the
// schema knows, and the tables to check its fields against: those rules'
// tables, or, when there are none, every table the alias table knows that
// the schema knows too.
func (l *Linter) rulesOf(e *Exclusion) ([]RuleInfo, []string) {
	var rules []RuleInfo
	var tables []string
	seen := map[string]bool{}
	for _, r := range l.Rules {
		if !e.AppliesTo(r.ID(), r.Name()) || len(l.Schema.Columns(r.Table())) == 0 {
			continue
		}
		rules = append(rules, r)
		if !seen[r.Table()] {
			seen[r.Table()] = true
			tables = append(tables, r.Table())
		}
	}
	if len(tables) == 0 {
		for _, t := range aliasTables {
			if len(l.Schema.Columns(t)) > 0 {
				tables = append(tables, t)
			}
		}
	}
	return rules, tables
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// checker holds what the checks of one `when` exclusion share.
type checker struct {
	l      *Linter
	e      *Exclusion
	rules  []RuleInfo // the given rules the exclusion applies to
	tables []string   // the tables its fields are checked against
	add    func(pos Pos, code, format string, args ...any)
}

// resolve resolves a field in the first of the checked tables that has it.
func (c *checker) resolve(field string) (column, bool) {
	for _, t := range c.tables {
		if col, ok := resolveField(c.l.Schema, t, field); ok {
			return col, true
		}
	}
	return column{}, false
}

// fields reports unknown fields and literals that cannot be values of their
// columns, in every checked table.
func (c *checker) fields(e Expr) {
	walkComparisons(e, func(cmp *Comparison) {
		pos := c.e.offsetPos(cmp.Field.Off)
		resolved := false
		for _, t := range c.tables {
			col, ok := resolveField(c.l.Schema, t, cmp.Field.Name)
			if !ok {
				continue
			}
			resolved = true
			for _, v := range cmp.Values {
				if _, problem := literalKQL(cmp.Op, col, v); problem != "" {
					c.add(c.e.offsetPos(v.Off), CodeTypeMismatch, "%s: %s", cmp, problem)
					continue
				}
				if problem := hostProblem(cmp.Field.Name, cmp.Op, col, v); problem != "" {
					c.add(c.e.offsetPos(v.Off), CodeTypeMismatch, "%s: %s", cmp, problem)
					continue
				}
				if problem := ipProblem(cmp.Op, col, v); problem != "" {
					hint := ""
					if _, ok := resolveField(c.l.Schema, t, "RemoteUrl"); ok && strings.HasPrefix(col.name, "Remote") {
						hint = "; a host name belongs in url or destination.domain (RemoteUrl)"
					}
					c.add(c.e.offsetPos(v.Off), CodeTypeMismatch, "%s: %s%s, so the comparison is never true", cmp, problem, hint)
				}
			}
		}
		if resolved || c.anyTableHas(cmp.Field.Name) {
			return // a field of other tables only: never-applies reports it per rule
		}
		where := "any table with aliases"
		if len(c.rules) > 0 {
			where = strings.Join(c.tables, ", ") + " or any table with aliases"
		}
		hint := ""
		if s := didYouMean(cmp.Field.Name, fieldCandidates(c.l.Schema, c.tables)); s != "" {
			hint = fmt.Sprintf("; did you mean %s?", s)
		}
		c.add(pos, CodeUnknownField, "unknown field %s: not an alias or a column of %s%s (rmmhunt exclusions fields lists them)", cmp.Field.Name, where, hint)
	})
}

func walkComparisons(e Expr, f func(*Comparison)) {
	switch e := e.(type) {
	case *Paren:
		walkComparisons(e.X, f)
	case *Not:
		walkComparisons(e.X, f)
	case *Logical:
		walkComparisons(e.X, f)
		walkComparisons(e.Y, f)
	case *Comparison:
		f(e)
	}
}

// precedence reports every run of and/or operators that mixes the two
// without parentheses. top tells whether e starts a new run.
func (c *checker) precedence(e Expr, top bool) {
	switch n := e.(type) {
	case *Paren:
		c.precedence(n.X, true)
	case *Not:
		c.precedence(n.X, true)
	case *Logical:
		if top {
			var leaves []Expr
			var ops []LogicalOp
			flattenRun(n, &leaves, &ops)
			if mixed(ops) {
				c.reportAmbiguous(n, leaves, ops)
			}
		}
		c.precedence(n.X, false)
		c.precedence(n.Y, false)
	}
}

// flattenRun lists, in source order, the operands and operators of the run
// of unparenthesized and/or operators rooted at e.
func flattenRun(e Expr, leaves *[]Expr, ops *[]LogicalOp) {
	if n, ok := e.(*Logical); ok {
		flattenRun(n.X, leaves, ops)
		*ops = append(*ops, n.Op)
		flattenRun(n.Y, leaves, ops)
		return
	}
	*leaves = append(*leaves, e)
}

func mixed(ops []LogicalOp) bool {
	for _, op := range ops {
		if op != ops[0] {
			return true
		}
	}
	return false
}

// buildRun rebuilds a run with `lower` as the operator that binds loosest.
func buildRun(leaves []Expr, ops []LogicalOp, lower LogicalOp) Expr {
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i] == lower {
			return &Logical{Op: lower, X: buildRun(leaves[:i+1], ops[:i], lower), Y: buildRun(leaves[i+1:], ops[i+1:], lower)}
		}
	}
	x := leaves[0]
	for i, op := range ops {
		x = &Logical{Op: op, X: x, Y: leaves[i+1]}
	}
	return x
}

// reportAmbiguous explains how a mixed run parses, what that parse excludes
// that a reader may not expect, and how to write the other reading.
func (c *checker) reportAmbiguous(root *Logical, leaves []Expr, ops []LogicalOp) {
	parse := FormatParenthesized(root)
	other := FormatParenthesized(buildRun(leaves, ops, And))

	// The disjuncts of the parse: maximal and-groups of the run.
	var groups [][]Expr
	cur := []Expr{leaves[0]}
	for i, op := range ops {
		if op == Or {
			groups = append(groups, cur)
			cur = nil
		}
		cur = append(cur, leaves[i+1])
	}
	groups = append(groups, cur)

	// For each disjunct, the fields the and-groups among the others constrain
	// but it does not: what it excludes "whatever" they are.
	groupFields := make([][]string, len(groups))
	inMulti := map[string]int{} // field → number of and-groups naming it
	var order []string          // fields of and-groups, first appearance first
	for gi, g := range groups {
		seen := map[string]bool{}
		for _, x := range g {
			for _, f := range fieldNames(x) {
				if !seen[f] {
					seen[f] = true
					groupFields[gi] = append(groupFields[gi], f)
				}
			}
		}
		if len(g) > 1 {
			for _, f := range groupFields[gi] {
				if inMulti[f] == 0 {
					order = append(order, f)
				}
				inMulti[f]++
			}
		}
	}
	const maxConsequences = 3
	var consequences []string
	more := 0
	for gi, g := range groups {
		mine := map[string]bool{}
		for _, f := range groupFields[gi] {
			mine[f] = true
		}
		var missing []string
		for _, f := range order {
			if !mine[f] {
				missing = append(missing, f)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if len(consequences) == maxConsequences {
			more++
			continue
		}
		var gtext []string
		for _, x := range g {
			gtext = append(gtext, operandText(x))
		}
		consequences = append(consequences, fmt.Sprintf("every event with %s, whatever the %s", strings.Join(gtext, " and "), nounList(missing)))
	}
	if more > 0 {
		consequences = append(consequences, fmt.Sprintf("%d more such groups", more))
	}
	msg := "mixes and with or without parentheses; it parses as " + parse
	if len(consequences) > 0 {
		msg += ": it excludes " + strings.Join(consequences, ", and ")
	}
	msg += fmt.Sprintf(". If you meant %s, write those parentheses; if the parse is what you meant, write its parentheses to say so", other)
	c.add(c.e.offsetPos(root.Offset()), CodeAmbiguousPrecedence, "%s", msg)
}

// operandText prints an operand of a run, parenthesized when it is itself
// an and/or (which can only come from the author's parentheses).
func operandText(x Expr) string {
	if _, ok := unparen(x).(*Logical); ok {
		return "(" + FormatParenthesized(x) + ")"
	}
	return FormatParenthesized(x)
}

// fieldNames lists the fields an expression compares, in order, once each.
func fieldNames(e Expr) []string {
	var out []string
	seen := map[string]bool{}
	walkComparisons(e, func(c *Comparison) {
		if !seen[c.Field.Name] {
			seen[c.Field.Name] = true
			out = append(out, c.Field.Name)
		}
	})
	return out
}

// noun names a field in prose: process.name → "process", command_line →
// "command line", destination_port → "destination port"; a column name
// stays as it is.
func noun(field string) string {
	if strings.ToLower(field) != field {
		return field
	}
	f := strings.TrimSuffix(field, ".name")
	return strings.NewReplacer(".", " ", "_", " ").Replace(f)
}

func nounList(fields []string) string {
	var ns []string
	seen := map[string]bool{}
	for _, f := range fields {
		n := noun(f)
		if !seen[n] {
			seen[n] = true
			ns = append(ns, n)
		}
	}
	switch len(ns) {
	case 1:
		return ns[0]
	default:
		return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
	}
}

// literal is a comparison in negation normal form: the comparison, negated
// or not.
type literal struct {
	cmp *Comparison
	neg bool
}

func (l literal) String() string {
	if l.neg {
		return "not " + l.cmp.String()
	}
	return l.cmp.String()
}

// maxDisjuncts bounds the disjunctive normal form; larger expressions skip
// the disjunct-level checks (over-broad, never-applies).
const maxDisjuncts = 256

// dnf returns e (negated when neg) as a disjunction of conjunctions of
// literals; ok is false when that would exceed maxDisjuncts.
func dnf(e Expr, neg bool) ([][]literal, bool) {
	switch n := e.(type) {
	case *Paren:
		return dnf(n.X, neg)
	case *Not:
		return dnf(n.X, !neg)
	case *Comparison:
		return [][]literal{{{cmp: n, neg: neg}}}, true
	case *Logical:
		x, ok := dnf(n.X, neg)
		if !ok {
			return nil, false
		}
		y, ok := dnf(n.Y, neg)
		if !ok {
			return nil, false
		}
		if (n.Op == Or) != neg {
			if len(x)+len(y) > maxDisjuncts {
				return nil, false
			}
			return append(append([][]literal{}, x...), y...), true
		}
		if len(x)*len(y) > maxDisjuncts {
			return nil, false
		}
		var out [][]literal
		for _, a := range x {
			for _, b := range y {
				out = append(out, append(append([]literal{}, a...), b...))
			}
		}
		return out, true
	}
	return nil, false
}

func conjunctionText(d []literal) string {
	parts := make([]string, len(d))
	for i, l := range d {
		parts[i] = l.String()
	}
	return strings.Join(parts, " and ")
}

// subject names a disjunct in a message.
func subject(d []literal, n int) string {
	if n == 1 {
		return "the exclusion (" + conjunctionText(d) + ")"
	}
	return "disjunct " + conjunctionText(d)
}

// commonBinaries are Windows and shell binaries that run everywhere and that
// intruders use too: excluding on one of them alone hides their abuse.
var commonBinaries = map[string]bool{
	"powershell.exe": true, "pwsh.exe": true, "powershell_ise.exe": true,
	"cmd.exe": true, "rundll32.exe": true, "regsvr32.exe": true,
	"svchost.exe": true, "mshta.exe": true, "wscript.exe": true,
	"cscript.exe": true, "msiexec.exe": true, "conhost.exe": true,
	"explorer.exe": true, "dllhost.exe": true, "taskhostw.exe": true,
	"wmic.exe": true, "wmiprvse.exe": true, "schtasks.exe": true,
	"certutil.exe": true, "bitsadmin.exe": true, "net.exe": true,
	"net1.exe": true, "reg.exe": true, "sc.exe": true, "msbuild.exe": true,
	"installutil.exe": true, "curl.exe": true, "bash.exe": true,
	"wsl.exe": true, "ssh.exe": true, "mstsc.exe": true, "lsass.exe": true,
	"services.exe": true, "winlogon.exe": true, "werfault.exe": true,
	"regasm.exe": true, "regsvcs.exe": true, "forfiles.exe": true,
	"hh.exe": true, "wuauclt.exe": true, "notepad.exe": true,
}

// The kinds of weak literal, in message order.
const (
	weakAccount = iota
	weakBinary
	weakPort
	weakEmpty
	weakNegation
	weakKinds
)

var weakNames = [weakKinds]string{"an account", "a common system binary", "a port", "an empty pattern", "negations"}

// weakness classifies a literal: which weak kind it is, or -1 when it
// narrows the events in a way that counts (a specific process, command
// line, destination, device, …). For a common binary it also returns the
// binaries named (an `in` list naming one is as weak as naming it alone).
func (c *checker) weakness(l literal) (int, []string) {
	if l.neg || l.cmp.Op == OpNe {
		return weakNegation, nil
	}
	if l.cmp.Op == OpContains || l.cmp.Op == OpStartsWith || l.cmp.Op == OpEndsWith {
		if l.cmp.Values[0].Text == "" {
			return weakEmpty, nil
		}
	}
	col, ok := c.resolve(l.cmp.Field.Name)
	if !ok {
		return -1, nil
	}
	switch {
	case strings.Contains(col.name, "Account"):
		return weakAccount, nil
	case isPortColumn(col.name) && (l.cmp.Op == OpEq || l.cmp.Op == OpIn):
		return weakPort, nil
	case strings.HasSuffix(col.name, "FileName") || strings.HasSuffix(col.name, "FolderPath"):
		if l.cmp.Op != OpEq && l.cmp.Op != OpIn && l.cmp.Op != OpEndsWith {
			return -1, nil
		}
		var common []string
		for _, v := range l.cmp.Values {
			base := strings.ToLower(v.Text)
			if i := strings.LastIndexAny(base, `\/`); i >= 0 {
				base = base[i+1:]
			}
			if commonBinaries[base] {
				common = append(common, base)
			}
		}
		if len(common) > 0 {
			return weakBinary, common
		}
	}
	return -1, nil
}

// overBroad warns about a disjunct every literal of which is weak.
func (c *checker) overBroad(d []literal, n int) {
	var kinds [weakKinds]bool
	var binaries []string
	for _, l := range d {
		w, bins := c.weakness(l)
		if w < 0 {
			return
		}
		kinds[w] = true
		binaries = append(binaries, bins...)
	}
	var names []string
	for k, on := range kinds {
		if on {
			name := weakNames[k]
			if k == weakBinary {
				name += " (" + strings.Join(binaries, ", ") + ")"
			}
			names = append(names, name)
		}
	}
	what := names[0]
	if len(names) > 1 {
		what = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	var why string
	switch {
	case len(names) == 1 && kinds[weakNegation]:
		why = "it excludes every event except the ones it names"
	case len(names) == 1 && kinds[weakEmpty]:
		why = "an empty contains/startswith/endswith pattern is true of every event"
	case len(names) == 1 && kinds[weakAccount]:
		why = "every event of that account is excluded, whatever the process or destination, including an intruder's use of it"
	case len(names) == 1 && kinds[weakBinary]:
		why = "every event of that binary is excluded, whatever it runs or connects to, and intruders use it too"
	case len(names) == 1 && kinds[weakPort]:
		why = "every event on that port is excluded, whatever the process"
	default:
		why = "nothing in it ties the excluded events to the benign activity"
	}
	pos := c.e.offsetPos(d[0].cmp.Offset())
	c.add(pos, CodeOverBroad, "%s excludes on %s alone: %s; scope it to the process, device or destination it is about", subject(d, n), what, why)
}

// neverApplies warns about a disjunct no event of the rule can satisfy: it
// compares a field the rule's table lacks, or requires a value the rule's
// query never lets through.
func (c *checker) neverApplies(r RuleInfo, d []literal, n int) {
	table := r.Table()
	for _, l := range d {
		col, ok := resolveField(c.l.Schema, table, l.cmp.Field.Name)
		if !ok {
			if !c.anyTableHas(l.cmp.Field.Name) {
				if _, known := c.resolve(l.cmp.Field.Name); !known {
					return // unknown-field already says it
				}
			}
			c.add(c.e.offsetPos(l.cmp.Offset()), CodeNeverApplies, "%s never applies to rule %s: its table %s has no column for %s", subject(d, n), ruleLabel(r), table, l.cmp.Field.Name)
			return
		}
		if l.neg || !isStringType(col.typ) {
			continue
		}
		op, values, ok := r.RequiredValues(col.name)
		if !ok || len(values) == 0 {
			continue
		}
		if col.host {
			values = requiredHosts(op, values)
		}
		if possible, known := canMeet(l.cmp, op, values); known && !possible {
			c.add(c.e.offsetPos(l.cmp.Offset()), CodeNeverApplies, "%s never applies to rule %s: the rule only matches events where %s %s (%s), and %s is never true of those", subject(d, n), ruleLabel(r), col.name, op, quoteList(values), l.cmp)
			return
		}
	}
}

func (c *checker) anyTableHas(field string) bool {
	for _, t := range aliasTables {
		if _, ok := resolveField(c.l.Schema, t, field); ok {
			return true
		}
	}
	return false
}

func ruleLabel(r RuleInfo) string {
	if r.Name() != "" && r.Name() != r.ID() {
		return fmt.Sprintf("%q (%s)", r.Name(), r.ID())
	}
	return r.ID()
}

func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = quoteWhen(v)
	}
	return strings.Join(q, ", ")
}

// requiredHosts turns a rule's requirement on a URL column into one on its
// host, for comparing with a field that compares hosts: the values of an
// exact requirement (==, in, =~, in~) become their hosts; term and
// substring requirements stay (a host's terms are among its URL's).
func requiredHosts(op string, values []string) []string {
	switch strings.TrimSuffix(strings.ToLower(op), "_cs") {
	case "==", "in", "=~", "in~":
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = HostOf(v)
		}
		return out
	}
	return values
}

// canMeet decides whether some value can satisfy both the exclusion's
// comparison and the rule's requirement `op (values…)`. known is false when
// this package cannot decide (then the linter stays quiet).
func canMeet(cmp *Comparison, op string, values []string) (possible, known bool) {
	switch cmp.Op {
	case OpEq, OpIn:
		// The excluded values are known: does any pass the rule?
		for _, v := range cmp.Values {
			ok, known := satisfies(op, values, v.Text)
			if !known {
				return false, false
			}
			if ok {
				return true, true
			}
		}
		return false, true
	case OpContains, OpStartsWith, OpEndsWith:
		// Only an exact requirement lists every value the rule lets through.
		switch strings.ToLower(op) {
		case "in~", "=~", "in", "==":
		default:
			return false, false
		}
		for _, rv := range values {
			var ok bool
			switch cmp.Op {
			case OpContains:
				ok = indexFold(rv, cmp.Values[0].Text, true, 0) >= 0
			case OpStartsWith:
				ok = hasPrefix(rv, cmp.Values[0].Text, true)
			case OpEndsWith:
				ok = hasSuffix(rv, cmp.Values[0].Text, true)
			}
			if ok {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

// MatchCount is what one run over data observed for one exclusion and one
// rule it applies to; the engine computes it and LintMatches judges it.
type MatchCount struct {
	Exclusion string
	Rule      string
	// Events is the number of events of the rule's query input that the
	// exclusion matched.
	Events int
	// Findings is the number of suppressed findings that name the exclusion.
	Findings int
	// RuleFindings is the number of findings the rule produced with no
	// exclusion applied (kept plus suppressed).
	RuleFindings int
}

// LintMatches reports, from counts the caller computed over data,
// never-matched (an exclusion of the set that matched no event of any rule)
// and suppresses-most (an exclusion that hides more than half of a rule's
// findings). Expired exclusions are left out: they did not apply.
func LintMatches(set *Set, counts []MatchCount, now time.Time) []Finding {
	var out []Finding
	byID := map[string][]MatchCount{}
	for _, c := range counts {
		byID[c.Exclusion] = append(byID[c.Exclusion], c)
	}
	for _, e := range set.Exclusions {
		if e.Expired(now) {
			continue
		}
		cs := byID[e.ID]
		events := 0
		for _, c := range cs {
			events += c.Events
		}
		switch {
		case len(cs) == 0:
			out = append(out, newFinding(e.Pos, e.ID, CodeNeverMatched, "applied to none of the rules run over the data, so it matched nothing"))
		case events == 0:
			out = append(out, newFinding(e.Pos, e.ID, CodeNeverMatched, "matched no event of the %s it applies to in the data; check its values against real events, or delete it", plural(len(cs), "rule")))
		}
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Rule < cs[j].Rule })
		for _, c := range cs {
			if c.RuleFindings > 0 && 2*c.Findings > c.RuleFindings {
				out = append(out, newFinding(e.Pos, e.ID, CodeSuppressesMost, "suppresses %d of the %d findings of rule %s (%d%%): an exclusion that hides most of what a rule finds hides an attack as easily", c.Findings, c.RuleFindings, c.Rule, 100*c.Findings/c.RuleFindings))
			}
		}
	}
	return dedupe(out)
}
