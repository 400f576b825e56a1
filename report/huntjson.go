package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

// WriteHuntJSON writes the hunt as one JSON document (docs/reports.md has
// the schema): findings (one per line), suppressed findings, summary, lint
// and manifest. Everything but manifest.timing is the same for two runs
// over the same inputs with the same --now.
func WriteHuntJSON(w io.Writer, h *Hunt) error {
	var sb strings.Builder
	sb.WriteString("{\"findings\":")
	findingList(&sb, h.Findings)
	sb.WriteString(",\"suppressed\":")
	findingList(&sb, h.Suppressed)
	sb.WriteString(",\n\"summary\":")
	summaryJSON(&sb, h)
	sb.WriteString(",\n\"lint\":{\"rules\":")
	lintJSON(&sb, h.RuleLint)
	sb.WriteString(",\"exclusions\":")
	lintJSON(&sb, h.ExclusionLint)
	sb.WriteString("},\n\"manifest\":")
	ManifestJSON(&sb, &h.Manifest)
	sb.WriteString("}\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

// findingList appends findings as a JSON array, one finding per line.
func findingList(sb *strings.Builder, fs []*Finding) {
	sb.WriteByte('[')
	for i, f := range fs {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n")
		FindingJSON(sb, f)
	}
	sb.WriteString("\n]")
}

// WriteHuntJSONLines writes one JSON object per finding (FindingJSON).
func WriteHuntJSONLines(w io.Writer, h *Hunt) error {
	var sb strings.Builder
	for _, f := range h.Findings {
		sb.Reset()
		FindingJSON(&sb, f)
		sb.WriteByte('\n')
		if _, err := io.WriteString(w, sb.String()); err != nil {
			return err
		}
	}
	return nil
}

// CSVPrefix starts the names of the columns rmmhunt adds to the CSV
// output, so that they never collide with a rule's own result columns.
const CSVPrefix = "rmmhunt_"

// csvMeta are the columns rmmhunt adds in front of each CSV record.
var csvMeta = []string{"rule_id", "rule_name", "severity", "tool", "sanctioned"}

// WriteHuntCSV writes one record per finding: rmmhunt_rule_id,
// rmmhunt_rule_name, rmmhunt_severity, rmmhunt_tool and rmmhunt_sanctioned
// (true when the tool is on the sanctioned list for the device), then the
// union of the rules' result columns in first-seen order. A rule's own
// column keeps its name; should one be named like an rmmhunt column
// (compared case-insensitively), the rmmhunt column takes a "_" suffix.
// Values are exact: no terminal escaping (docs/reports.md).
func WriteHuntCSV(w io.Writer, h *Hunt) error {
	var cols []types.Column
	seen := map[string]bool{}
	taken := map[string]bool{}
	for _, f := range h.Findings {
		for _, c := range f.Columns {
			if !seen[c.Name] {
				seen[c.Name] = true
				taken[strings.ToLower(c.Name)] = true
				cols = append(cols, c)
			}
		}
	}
	var head []types.Column
	for _, m := range csvMeta {
		name := CSVPrefix + m
		for taken[strings.ToLower(name)] {
			name += "_"
		}
		taken[strings.ToLower(name)] = true
		typ := types.String
		if m == "sanctioned" {
			typ = types.Bool
		}
		head = append(head, types.Column{Name: name, Type: typ})
	}
	t := Table{Columns: append(head, cols...)}
	for _, f := range h.Findings {
		row := types.Row{types.NewString(f.Rule.ID), types.NewString(f.Rule.Name), types.NewString(f.Rule.Severity), types.NewString(f.Tool),
			types.NewBool(f.Sanctioned != nil)}
		for _, c := range cols {
			v, ok := f.Value(c.Name)
			if !ok {
				v = types.Null(c.Type)
			}
			row = append(row, v)
		}
		t.Rows = append(t.Rows, row)
	}
	return WriteCSV(w, t)
}

// RuleJSON appends the rule's identity and metadata as a JSON object.
func RuleJSON(sb *strings.Builder, r *rules.Rule) {
	sb.WriteString(`{"id":`)
	types.WriteJSONString(sb, r.ID)
	sb.WriteString(`,"name":`)
	types.WriteJSONString(sb, r.Name)
	sb.WriteString(`,"severity":`)
	types.WriteJSONString(sb, r.Severity)
	sb.WriteString(`,"tactics":`)
	stringList(sb, r.Tactics)
	sb.WriteString(`,"techniques":`)
	stringList(sb, r.Techniques)
	if r.Tool != "" {
		sb.WriteString(`,"tool":`)
		types.WriteJSONString(sb, r.Tool)
	}
	sb.WriteString(`,"file":`)
	types.WriteJSONString(sb, r.File)
	sb.WriteString("}")
}

func stringList(sb *strings.Builder, xs []string) {
	sb.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			sb.WriteByte(',')
		}
		types.WriteJSONString(sb, x)
	}
	sb.WriteByte(']')
}

// FindingJSON appends one finding: rule, tool, sanctioned entry, the
// exclusions of a suppressed finding, entities and the result row.
func FindingJSON(sb *strings.Builder, f *Finding) {
	sb.WriteString(`{"rule":`)
	RuleJSON(sb, f.Rule)
	if f.Tool != "" {
		sb.WriteString(`,"tool":`)
		types.WriteJSONString(sb, f.Tool)
	}
	if f.Sanctioned != nil {
		sb.WriteString(`,"sanctioned":{"tool":`)
		types.WriteJSONString(sb, f.Sanctioned.Tool)
		sb.WriteString(`,"owner":`)
		types.WriteJSONString(sb, f.Sanctioned.Owner)
		sb.WriteString(`,"reason":`)
		types.WriteJSONString(sb, f.Sanctioned.Reason)
		sb.WriteString("}")
	}
	if len(f.SuppressedBy) > 0 {
		ids := make([]string, len(f.SuppressedBy))
		for i, e := range f.SuppressedBy {
			ids[i] = e.ID
		}
		sb.WriteString(`,"exclusions":`)
		stringList(sb, ids)
		sb.WriteString(`,"suppressed_by":[`)
		for i, e := range f.SuppressedBy {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`{"id":`)
			types.WriteJSONString(sb, e.ID)
			if e.Name != "" {
				sb.WriteString(`,"name":`)
				types.WriteJSONString(sb, e.Name)
			}
			sb.WriteString(`,"owner":`)
			types.WriteJSONString(sb, e.Owner)
			sb.WriteString(`,"reason":`)
			types.WriteJSONString(sb, e.Reason)
			sb.WriteString(`,"expires":`)
			if e.Expires == "" {
				sb.WriteString("null")
			} else {
				types.WriteJSONString(sb, e.Expires)
			}
			if e.File != "" {
				sb.WriteString(`,"file":`)
				types.WriteJSONString(sb, e.File)
				fmt.Fprintf(sb, `,"line":%d`, e.Line)
			}
			sb.WriteString("}")
		}
		sb.WriteString("]")
	}
	sb.WriteString(`,"entities":`)
	EntitiesJSON(sb, f.Entities)
	sb.WriteString(`,"row":`)
	RowObject(sb, f.Columns, f.Row)
	sb.WriteString("}")
}

// EntitiesJSON appends entities as [{"kind":"Host","HostName":…},…].
func EntitiesJSON(sb *strings.Builder, es []Entity) {
	sb.WriteByte('[')
	for i, e := range es {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"kind":`)
		types.WriteJSONString(sb, e.Kind)
		for _, f := range e.Fields {
			sb.WriteByte(',')
			types.WriteJSONString(sb, f.Name)
			sb.WriteByte(':')
			types.WriteJSONString(sb, f.Value)
		}
		sb.WriteByte('}')
	}
	sb.WriteByte(']')
}

func summaryJSON(sb *strings.Builder, h *Hunt) {
	s := &h.Summary
	sb.WriteString(`{"now":`)
	types.WriteJSONString(sb, types.FormatDateTime(s.Now))
	fmt.Fprintf(sb, `,"rules":%d,"rules_failed":%d,"findings":%d,"suppressed":%d,"sanctioned":%d,"devices":%d,"records":%d,"rejections":%d`,
		s.RulesRun, s.RulesFailed, len(h.Findings), len(h.Suppressed), h.SanctionedFindings(), h.Devices(), s.Records(), s.Rejections())
	if first, last, ok := s.TimeRange(); ok {
		sb.WriteString(`,"first":`)
		types.WriteJSONString(sb, types.FormatDateTime(first))
		sb.WriteString(`,"last":`)
		types.WriteJSONString(sb, types.FormatDateTime(last))
	}
	sb.WriteString(`,"rule_errors":`)
	stringList(sb, orEmpty(s.RuleErrors))
	sb.WriteString(`,"notes":`)
	stringList(sb, orEmpty(s.Notes))
	sb.WriteString(`,"tables":{`)
	for i, t := range s.Tables() {
		if i > 0 {
			sb.WriteByte(',')
		}
		types.WriteJSONString(sb, t.Name)
		sb.WriteByte(':')
		tableJSON(sb, t, false)
	}
	sb.WriteString(`},"inputs":[`)
	for i, f := range s.Inputs {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"file":`)
		types.WriteJSONString(sb, f.File)
		sb.WriteString(`,"format":`)
		types.WriteJSONString(sb, f.Format)
		fmt.Fprintf(sb, `,"records":%d,"skipped_by_prefilter":%d,"rejected":%d,"tables":{`, f.Records, f.Skipped, f.Rejected)
		for j, t := range f.Tables {
			if j > 0 {
				sb.WriteByte(',')
			}
			types.WriteJSONString(sb, t.Name)
			sb.WriteByte(':')
			tableJSON(sb, t, true)
		}
		sb.WriteString(`},"rejections":`)
		stringList(sb, orEmpty(f.Rejections))
		if len(f.Unrouted) > 0 {
			sb.WriteString(`,"unrouted":{`)
			keys := make([]string, 0, len(f.Unrouted))
			for k := range f.Unrouted {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for k, key := range keys {
				if k > 0 {
					sb.WriteByte(',')
				}
				types.WriteJSONString(sb, key)
				fmt.Fprintf(sb, ":%d", f.Unrouted[key])
			}
			sb.WriteString("}")
		}
		if f.Err != "" {
			sb.WriteString(`,"error":`)
			types.WriteJSONString(sb, f.Err)
		}
		sb.WriteString("}")
	}
	sb.WriteString("]}")
}

func tableJSON(sb *strings.Builder, t TableSummary, examples bool) {
	fmt.Fprintf(sb, `{"rows":%d,"field_rejections":%d,"rejected_records":%d`, t.Rows, t.FieldRejections, t.RejectedRecords)
	if t.HasTime {
		sb.WriteString(`,"first":`)
		types.WriteJSONString(sb, types.FormatDateTime(t.First))
		sb.WriteString(`,"last":`)
		types.WriteJSONString(sb, types.FormatDateTime(t.Last))
	}
	if examples {
		sb.WriteString(`,"rejections":`)
		stringList(sb, orEmpty(t.Rejections))
	}
	sb.WriteString("}")
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func lintJSON(sb *strings.Builder, items []LintItem) {
	sb.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n{\"subject\":")
		types.WriteJSONString(sb, it.Subject)
		sb.WriteString(`,"severity":`)
		types.WriteJSONString(sb, it.Severity)
		sb.WriteString(`,"code":`)
		types.WriteJSONString(sb, it.Code)
		sb.WriteString(`,"message":`)
		types.WriteJSONString(sb, it.Message)
		if it.Location != "" {
			sb.WriteString(`,"location":`)
			types.WriteJSONString(sb, it.Location)
		}
		sb.WriteByte('}')
	}
	sb.WriteByte(']')
}

func digestJSON(sb *strings.Builder, d FileDigest) {
	sb.WriteString(`{"path":`)
	types.WriteJSONString(sb, d.Path)
	fmt.Fprintf(sb, `,"size":%d,"sha256":`, d.Size)
	if d.SHA256 == "" {
		sb.WriteString("null")
	} else {
		types.WriteJSONString(sb, d.SHA256)
	}
	if d.Err != "" {
		sb.WriteString(`,"error":`)
		types.WriteJSONString(sb, d.Err)
	}
	sb.WriteByte('}')
}

// ManifestJSON appends the run manifest. Its "timing" member holds every
// value that changes from run to run.
func ManifestJSON(sb *strings.Builder, m *Manifest) {
	sb.WriteString(`{"tool":`)
	types.WriteJSONString(sb, m.Tool)
	sb.WriteString(`,"version":`)
	types.WriteJSONString(sb, m.Version)
	sb.WriteString(`,"now":`)
	types.WriteJSONString(sb, types.FormatDateTime(m.Now))
	sb.WriteString(`,"rule_pack":{"sources":`)
	stringList(sb, orEmpty(m.RulePack.Sources))
	fmt.Fprintf(sb, `,"rules":%d,"sha256":`, m.RulePack.Rules)
	types.WriteJSONString(sb, m.RulePack.SHA256)
	sb.WriteString(`},"exclusions":[`)
	for i, d := range m.Exclusions {
		if i > 0 {
			sb.WriteByte(',')
		}
		digestJSON(sb, d)
	}
	sb.WriteString(`],"sanctioned":`)
	if m.Sanctioned == nil {
		sb.WriteString("null")
	} else {
		digestJSON(sb, *m.Sanctioned)
	}
	sb.WriteString(`,"inputs":[`)
	for i, d := range m.Inputs {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("\n")
		digestJSON(sb, d)
	}
	c := m.Counts
	fmt.Fprintf(sb, "],\n\"counts\":{\"inputs\":%d,\"records\":%d,\"rejections\":%d,\"rules_run\":%d,\"rules_failed\":%d,\"findings\":%d,\"suppressed\":%d,\"sanctioned\":%d,\"devices\":%d}",
		c.Inputs, c.Records, c.Rejections, c.RulesRun, c.RulesFailed, c.Findings, c.Suppressed, c.Sanctioned, c.Devices)
	sb.WriteString(",\n\"timing\":{\"started\":")
	types.WriteJSONString(sb, m.Timing.Started.UTC().Format(time.RFC3339Nano))
	sb.WriteString(`,"finished":`)
	types.WriteJSONString(sb, m.Timing.Finished.UTC().Format(time.RFC3339Nano))
	sb.WriteString(`,"elapsed_seconds":`)
	sb.WriteString(strconv.FormatFloat(m.Timing.Elapsed().Seconds(), 'f', 3, 64))
	sb.WriteString(`,"rows_per_second":`)
	sb.WriteString(strconv.FormatFloat(m.Timing.RowsPerSecond(c.Records), 'f', 0, 64))
	sb.WriteString("}}")
}
