package exclusions

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Compiled is an exclusion translated for one table: a KQL boolean
// expression over the table's columns, true for the events it excludes.
type Compiled struct {
	Exclusion *Exclusion
	Table     string
	// KQL is the predicate. For a `when` exclusion it is fully parenthesized
	// (every and/or in parentheses; string equality as =~, lists as in~);
	// for a `kql` exclusion it is the text as written.
	KQL string
	// Columns lists the columns the predicate reads, sorted (nil for a `kql`
	// exclusion, whose text this package does not parse).
	Columns []string
	// Dropped lists, in `when` syntax, the comparisons on fields the table
	// lacks. Each was replaced by a constant that makes it exclude nothing
	// (false where it would have to hold, true under a `not`).
	Dropped []string
	// Never is true when, after dropping, the predicate is the constant
	// false: the exclusion can exclude no event of this table.
	Never bool
}

// Compile translates the exclusion into a KQL predicate over table. The
// string operators keep the `when` language's case-insensitivity: == becomes
// =~, != becomes !~, in becomes in~, and contains/startswith/endswith are
// KQL's own (already case-insensitive). Numbers, booleans, datetimes and
// guids compare with ==, != and in. Comparisons on fields the table lacks
// are dropped (see Compiled.Dropped). It fails, naming the comparison and its
// line:col, when a comparison cannot be written in KQL: a text literal for a
// numeric column, contains on a number, and the like.
func (e *Exclusion) Compile(table string, sch Schema) (*Compiled, error) {
	c := &Compiled{Exclusion: e, Table: table}
	if e.When == nil {
		if e.KQL == "" {
			return nil, fmt.Errorf("exclusion %s has neither a parsed when nor kql", e.ID)
		}
		c.KQL = e.KQL
		return c, nil
	}
	if len(sch.Columns(table)) == 0 {
		return nil, fmt.Errorf("exclusion %s: table %s is unknown to the schema", e.ID, table)
	}
	t := &translator{sch: sch, table: table, ex: e, cols: map[string]bool{}}
	k := t.node(e.When, true)
	if len(t.errs) > 0 {
		t.errs.Sort()
		return nil, t.errs
	}
	k = simplify(k)
	c.KQL = k.String()
	c.Never = k.kind == kConst && !k.val
	for col := range t.cols {
		c.Columns = append(c.Columns, col)
	}
	sort.Strings(c.Columns)
	c.Dropped = t.dropped
	return c, nil
}

// translator builds the KQL tree of one exclusion for one table.
type translator struct {
	sch     Schema
	table   string
	ex      *Exclusion
	errs    ErrorList
	cols    map[string]bool
	dropped []string
}

// node translates e; positive tells whether e sits under an even number of
// `not`s, which decides the constant a dropped comparison becomes.
func (t *translator) node(e Expr, positive bool) *kNode {
	switch e := e.(type) {
	case *Paren:
		return t.node(e.X, positive)
	case *Not:
		return &kNode{kind: kNot, kids: []*kNode{t.node(e.X, !positive)}}
	case *Logical:
		kind := kAnd
		if e.Op == Or {
			kind = kOr
		}
		return &kNode{kind: kind, kids: []*kNode{t.node(e.X, positive), t.node(e.Y, positive)}}
	case *Comparison:
		col, ok := resolveField(t.sch, t.table, e.Field.Name)
		if !ok {
			t.dropped = append(t.dropped, e.String())
			// false where the comparison would have to hold; true under a
			// `not`, so that not(true) is false again.
			return &kNode{kind: kConst, val: !positive}
		}
		text, problem := comparisonKQL(e, col)
		if problem != "" {
			t.errs.Add(t.ex.offsetPos(e.Offset()), t.ex.ID, "%s: %s", e.String(), problem)
			t.errs[len(t.errs)-1].Code = CodeTypeMismatch
			return &kNode{kind: kConst}
		}
		t.cols[col.name] = true
		return &kNode{kind: kAtom, text: text}
	}
	panic(fmt.Sprintf("exclusions: unexpected node %T", e))
}

// kKind is the kind of a node of the KQL output tree.
type kKind int

const (
	kAtom kKind = iota
	kConst
	kNot
	kAnd
	kOr
)

// kNode is the KQL output tree, simplified before printing.
type kNode struct {
	kind kKind
	text string // kAtom
	val  bool   // kConst
	kids []*kNode
}

// simplify folds constants: false and x = false, true or x = true,
// true and x = x, false or x = x, not(const) = !const.
func simplify(n *kNode) *kNode {
	switch n.kind {
	case kNot:
		x := simplify(n.kids[0])
		if x.kind == kConst {
			return &kNode{kind: kConst, val: !x.val}
		}
		return &kNode{kind: kNot, kids: []*kNode{x}}
	case kAnd, kOr:
		x, y := simplify(n.kids[0]), simplify(n.kids[1])
		absorbing := n.kind == kOr // true absorbs or; false absorbs and
		for _, c := range []*kNode{x, y} {
			if c.kind == kConst && c.val == absorbing {
				return c
			}
		}
		if x.kind == kConst {
			return y
		}
		if y.kind == kConst {
			return x
		}
		return &kNode{kind: n.kind, kids: []*kNode{x, y}}
	}
	return n
}

// String prints the tree: every and/or in parentheses, not as not(…).
func (n *kNode) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *kNode) write(b *strings.Builder) {
	switch n.kind {
	case kAtom:
		b.WriteString(n.text)
	case kConst:
		b.WriteString(strconv.FormatBool(n.val))
	case kNot:
		b.WriteString("not(")
		n.kids[0].write(b)
		b.WriteString(")")
	case kAnd, kOr:
		op := " and "
		if n.kind == kOr {
			op = " or "
		}
		b.WriteString("(")
		n.kids[0].write(b)
		b.WriteString(op)
		n.kids[1].write(b)
		b.WriteString(")")
	}
}

// comparisonKQL writes one comparison in KQL, or says why it cannot be.
func comparisonKQL(c *Comparison, col column) (string, string) {
	lits := make([]string, len(c.Values))
	for i, v := range c.Values {
		text, problem := literalKQL(c.Op, col, v)
		if problem != "" {
			return "", problem
		}
		lits[i] = text
	}
	ref := kqlIdent(col.name)
	switch {
	case col.host:
		ref = hostKQL(col.name)
	case col.typ == "dynamic":
		ref = "tostring(" + ref + ")"
	}
	stringy := isStringType(col.typ)
	var op string
	switch c.Op {
	case OpEq:
		op = "=="
		if stringy {
			op = "=~"
		}
	case OpNe:
		op = "!="
		if stringy {
			op = "!~"
		}
	case OpContains, OpStartsWith, OpEndsWith:
		op = c.Op.String()
	case OpIn:
		op = "in"
		if stringy {
			op = "in~"
		}
		return ref + " " + op + " (" + strings.Join(lits, ", ") + ")", ""
	}
	return ref + " " + op + " " + lits[0], ""
}

func isStringType(typ string) bool { return typ == "string" || typ == "dynamic" }

// literalKQL writes a literal as a KQL value for the column, or explains why
// the literal cannot be a value of the column's type.
func literalKQL(op CompareOp, col column, v Literal) (string, string) {
	textOp := op == OpContains || op == OpStartsWith || op == OpEndsWith
	switch col.typ {
	case "string", "dynamic":
		if v.Kind == NumberLit {
			return "", fmt.Sprintf("the number %s cannot be a value of %s, a %s column; quote it (%q) if you mean the text", v.Text, col.name, col.typ, v.Text)
		}
		return kqlQuote(v.Text), ""
	}
	if textOp {
		return "", fmt.Sprintf("%s compares text, but %s is a %s column", op, col.name, col.typ)
	}
	switch col.typ {
	case "int", "long":
		if v.Kind == StringLit {
			if _, err := strconv.ParseInt(strings.TrimSpace(v.Text), 10, 64); err == nil {
				return "", fmt.Sprintf("the text %s cannot be a value of %s, an %s column; write %s without quotes", quoteWhen(v.Text), col.name, col.typ, strings.TrimSpace(v.Text))
			}
			return "", fmt.Sprintf("the text %s cannot be a value of %s, an %s column", quoteWhen(v.Text), col.name, col.typ)
		}
		n, err := strconv.ParseInt(v.Text, 10, 64)
		if err != nil {
			return "", fmt.Sprintf("%s is not a whole number within the range of %s, an %s column", v.Text, col.name, col.typ)
		}
		if col.typ == "int" && (n < math.MinInt32 || n > math.MaxInt32) {
			return "", fmt.Sprintf("%s is outside the range of %s, an int column", v.Text, col.name)
		}
		if isPortColumn(col.name) && (n < 0 || n > 65535) {
			return "", fmt.Sprintf("%s is not a port number (0–65535), the values of %s", v.Text, col.name)
		}
		return strconv.FormatInt(n, 10), ""
	case "real", "double", "decimal":
		if v.Kind == StringLit {
			return "", fmt.Sprintf("the text %s cannot be a value of %s, a %s column", quoteWhen(v.Text), col.name, col.typ)
		}
		if strings.Contains(v.Text, ".") {
			return v.Text, ""
		}
		return v.Text + ".0", ""
	case "bool", "boolean":
		if v.Kind == StringLit {
			switch strings.ToLower(v.Text) {
			case "true":
				return "true", ""
			case "false":
				return "false", ""
			}
		}
		return "", fmt.Sprintf("%s cannot be a value of %s, a bool column; write \"true\" or \"false\"", formatLiteral(v), col.name)
	case "datetime", "date":
		if v.Kind == StringLit {
			if t, ok := parseDatetime(v.Text); ok {
				return "datetime(" + t.UTC().Format("2006-01-02T15:04:05.0000000Z") + ")", ""
			}
		}
		return "", fmt.Sprintf("%s cannot be a value of %s, a datetime column; write a date such as \"2026-01-31T12:00:00Z\"", formatLiteral(v), col.name)
	case "guid", "uuid", "uniqueid":
		if v.Kind == StringLit && guidPattern.MatchString(v.Text) {
			return "guid(" + strings.ToLower(v.Text) + ")", ""
		}
		return "", fmt.Sprintf("%s cannot be a value of %s, a guid column", formatLiteral(v), col.name)
	}
	return "", fmt.Sprintf("exclusions cannot compare %s, a %s column", col.name, col.typ)
}

var guidPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// parseDatetime accepts RFC 3339 timestamps (with or without a zone, which
// then means UTC) and plain dates.
func parseDatetime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02 15:04:05.9999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isPortColumn tells the integer columns that hold TCP/UDP ports.
func isPortColumn(name string) bool { return strings.HasSuffix(name, "Port") }

// isIPColumn tells the string columns that hold IP addresses.
func isIPColumn(name string) bool {
	return strings.HasSuffix(name, "IP") || name == "IPAddress"
}

// ipProblem explains why a literal cannot be (part of) an IP address held
// in an IP column; "" when it can.
func ipProblem(op CompareOp, col column, v Literal) string {
	if !isIPColumn(col.name) || col.typ != "string" || v.Kind != StringLit {
		return ""
	}
	switch op {
	case OpEq, OpNe, OpIn:
		if _, err := netip.ParseAddr(v.Text); err == nil {
			return ""
		}
		return fmt.Sprintf("%s is not an IP address, but %s holds IP addresses", quoteWhen(v.Text), col.name)
	}
	for _, r := range v.Text {
		if !(r == '.' || r == ':' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')) {
			return fmt.Sprintf("%s cannot be part of an IP address, but %s holds IP addresses", quoteWhen(v.Text), col.name)
		}
	}
	return ""
}

var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// kqlIdent writes a column name, bracketing it when it is not a plain
// identifier.
func kqlIdent(name string) string {
	if plainIdent.MatchString(name) {
		return name
	}
	return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name) + "']"
}

// kqlQuote writes s as a KQL string literal: a verbatim literal (@"…", quote
// doubled) when s has backslashes and no control characters, which keeps
// Windows paths readable; otherwise a double-quoted literal with \\ \" \n \r
// \t and \uXXXX escapes.
func kqlQuote(s string) string {
	hasControl := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			hasControl = true
			break
		}
	}
	if strings.Contains(s, `\`) && !hasControl {
		return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
