package exclusions

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// FieldAlias maps a field name of the `when` language to a column of one
// table.
type FieldAlias struct {
	Table  string
	Field  string
	Column string
	// Host is true when the field compares the host part of the column (a
	// URL), not the column's raw text: see HostOf.
	Host bool
}

// hostAliases are the fields that compare the host part of the URL column
// they map to (HostOf): `url == "cloudberry.com"` must match
// "https://cloudberry.com:443/path" as people mean it. The column's own name
// (RemoteUrl) and destination.url compare the raw text, as in KQL.
var hostAliases = map[string]bool{"url": true, "destination.domain": true}

// Tables whose events are caused by an "initiating process" described by
// the InitiatingProcess* columns.
var initiatingTables = []string{
	"DeviceNetworkEvents", "DeviceFileEvents", "DeviceRegistryEvents",
	"DeviceImageLoadEvents", "DeviceEvents", "DeviceLogonEvents",
}

// aliasTables lists, in display order, every table the alias table knows.
var aliasTables = []string{
	"DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileEvents",
	"DeviceRegistryEvents", "DeviceImageLoadEvents", "DeviceEvents",
	"DeviceLogonEvents", "DeviceFileCertificateInfo",
}

// aliasGroup gives one mapping of field names to columns for a set of tables.
type aliasGroup struct {
	tables []string
	fields map[string]string
}

// initiatingProcess describes the process that caused an event in the
// tables of initiatingTables.
var initiatingProcess = map[string]string{
	"process.name":                  "InitiatingProcessFileName",
	"process.executable":            "InitiatingProcessFolderPath",
	"process.path":                  "InitiatingProcessFolderPath",
	"process.command_line":          "InitiatingProcessCommandLine",
	"command_line":                  "InitiatingProcessCommandLine",
	"process.pid":                   "InitiatingProcessId",
	"process.hash.sha1":             "InitiatingProcessSHA1",
	"process.hash.sha256":           "InitiatingProcessSHA256",
	"process.hash.md5":              "InitiatingProcessMD5",
	"process.company":               "InitiatingProcessVersionInfoCompanyName",
	"process.pe.company":            "InitiatingProcessVersionInfoCompanyName",
	"process.product":               "InitiatingProcessVersionInfoProductName",
	"process.pe.product":            "InitiatingProcessVersionInfoProductName",
	"process.pe.original_file_name": "InitiatingProcessVersionInfoOriginalFileName",
	"process.pe.description":        "InitiatingProcessVersionInfoFileDescription",
	"process.integrity_level":       "InitiatingProcessIntegrityLevel",
	"process.parent.name":           "InitiatingProcessParentFileName",
	"process.parent.pid":            "InitiatingProcessParentId",
	"user":                          "InitiatingProcessAccountName",
	"user.name":                     "InitiatingProcessAccountName",
	"user.domain":                   "InitiatingProcessAccountDomain",
	"user.sid":                      "InitiatingProcessAccountSid",
	"user.id":                       "InitiatingProcessAccountSid",
	"user.upn":                      "InitiatingProcessAccountUpn",
}

// aliasGroups is the alias table. No two groups map the same field for the
// same table (checked by the tests), so the order of groups does not matter.
var aliasGroups = []aliasGroup{
	{tables: aliasTables, fields: map[string]string{
		"host.name":   "DeviceName",
		"device.name": "DeviceName",
		"host.id":     "DeviceId",
		"device.id":   "DeviceId",
	}},
	{tables: without(aliasTables, "DeviceFileCertificateInfo"), fields: map[string]string{
		"action":       "ActionType",
		"event.action": "ActionType",
	}},
	{tables: without(initiatingTables, "DeviceLogonEvents", "DeviceEvents"), fields: initiatingProcess},
	// DeviceEvents has no InitiatingProcessIntegrityLevel.
	{tables: []string{"DeviceEvents"}, fields: withUserAs(initiatingProcess, map[string]string{
		"process.integrity_level": "",
	})},
	{tables: []string{"DeviceLogonEvents"}, fields: withUserAs(initiatingProcess, map[string]string{
		"user":        "AccountName",
		"user.name":   "AccountName",
		"user.domain": "AccountDomain",
		"user.sid":    "AccountSid",
		"user.id":     "AccountSid",
		"logon.type":  "LogonType",
		"source.ip":   "RemoteIP",
		"source_ip":   "RemoteIP",
		"source.port": "RemotePort",
		"source_port": "RemotePort",
		"user.upn":    "",
	})},
	{tables: []string{"DeviceNetworkEvents", "DeviceEvents"}, fields: map[string]string{
		"destination_ip":     "RemoteIP",
		"destination.ip":     "RemoteIP",
		"destination_port":   "RemotePort",
		"destination.port":   "RemotePort",
		"destination.domain": "RemoteUrl",
		"destination.url":    "RemoteUrl",
		"url":                "RemoteUrl",
		"source_ip":          "LocalIP",
		"source.ip":          "LocalIP",
		"source_port":        "LocalPort",
		"source.port":        "LocalPort",
	}},
	{tables: []string{"DeviceNetworkEvents"}, fields: map[string]string{
		"protocol":         "Protocol",
		"network.protocol": "Protocol",
	}},
	{tables: []string{"DeviceProcessEvents"}, fields: map[string]string{
		"process.name":                  "FileName",
		"process.executable":            "FolderPath",
		"process.path":                  "FolderPath",
		"process.command_line":          "ProcessCommandLine",
		"command_line":                  "ProcessCommandLine",
		"process.pid":                   "ProcessId",
		"process.hash.sha1":             "SHA1",
		"process.hash.sha256":           "SHA256",
		"process.hash.md5":              "MD5",
		"process.company":               "ProcessVersionInfoCompanyName",
		"process.pe.company":            "ProcessVersionInfoCompanyName",
		"process.product":               "ProcessVersionInfoProductName",
		"process.pe.product":            "ProcessVersionInfoProductName",
		"process.pe.original_file_name": "ProcessVersionInfoOriginalFileName",
		"process.pe.description":        "ProcessVersionInfoFileDescription",
		"process.integrity_level":       "ProcessIntegrityLevel",
		"process.parent.name":           "InitiatingProcessFileName",
		"process.parent.executable":     "InitiatingProcessFolderPath",
		"process.parent.path":           "InitiatingProcessFolderPath",
		"process.parent.command_line":   "InitiatingProcessCommandLine",
		"process.parent.pid":            "InitiatingProcessId",
		"process.parent.parent.name":    "InitiatingProcessParentFileName",
		"user":                          "AccountName",
		"user.name":                     "AccountName",
		"user.domain":                   "AccountDomain",
		"user.sid":                      "AccountSid",
		"user.id":                       "AccountSid",
		"user.upn":                      "AccountUpn",
	}},
	{tables: []string{"DeviceFileEvents", "DeviceImageLoadEvents", "DeviceEvents"}, fields: map[string]string{
		"file.name":        "FileName",
		"file.path":        "FolderPath",
		"file.hash.sha1":   "SHA1",
		"file.hash.sha256": "SHA256",
		"file.hash.md5":    "MD5",
	}},
	{tables: []string{"DeviceFileEvents"}, fields: map[string]string{
		"file.origin_url": "FileOriginUrl",
	}},
	{tables: []string{"DeviceRegistryEvents"}, fields: map[string]string{
		"registry.key":   "RegistryKey",
		"registry.value": "RegistryValueName",
		"registry.data":  "RegistryValueData",
	}},
	{tables: []string{"DeviceFileCertificateInfo"}, fields: map[string]string{
		"signer":           "Signer",
		"issuer":           "Issuer",
		"file.hash.sha1":   "SHA1",
		"cert.serial":      "CertificateSerialNumber",
		"cert.is_trusted":  "IsTrusted",
		"cert.signer_hash": "SignerHash",
	}},
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

// withUserAs copies base and overrides the given fields; an empty column
// removes the field.
func withUserAs(base, over map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// aliasIndex is table → field → column, built from aliasGroups.
var aliasIndex = buildAliasIndex()

func buildAliasIndex() map[string]map[string]string {
	idx := map[string]map[string]string{}
	for _, g := range aliasGroups {
		for _, t := range g.tables {
			if idx[t] == nil {
				idx[t] = map[string]string{}
			}
			for f, c := range g.fields {
				idx[t][f] = c
			}
		}
	}
	return idx
}

// AliasTables lists the tables the alias table knows, in display order.
func AliasTables() []string { return append([]string(nil), aliasTables...) }

// FieldAliases returns the alias table for one table, sorted by field; with
// table "" it returns every table's aliases, table by table.
func FieldAliases(table string) []FieldAlias {
	tables := aliasTables
	if table != "" {
		tables = []string{table}
	}
	var out []FieldAlias
	for _, t := range tables {
		var fs []string
		for f := range aliasIndex[t] {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		for _, f := range fs {
			out = append(out, FieldAlias{Table: t, Field: f, Column: aliasIndex[t][f], Host: hostAliases[f]})
		}
	}
	return out
}

// WriteFieldTable prints the alias table (what `rmmhunt exclusions fields`
// shows): for each table, each field, the column it stands for and, when sch
// knows it, the column's type. Aliases whose column sch lacks are marked.
// With no tables given it prints every table the alias table knows.
func WriteFieldTable(w io.Writer, sch Schema, tables ...string) error {
	if len(tables) == 0 {
		tables = aliasTables
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s\n", t)
		fas := FieldAliases(t)
		if len(fas) == 0 {
			fmt.Fprintf(tw, "  (no aliases: use the table's column names)\n")
		}
		for _, fa := range fas {
			typ := "?"
			if sch != nil {
				if ty, ok := sch.ColumnType(t, fa.Column); ok {
					typ = ty
				} else {
					typ = "(column not in schema)"
				}
			}
			col := fa.Column
			if fa.Host {
				col = "host of " + col
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", fa.Field, col, typ)
		}
	}
	fmt.Fprintln(tw, "\nAny column of the table may also be used by its own name (case-sensitive, as in KQL).")
	fmt.Fprintln(tw, "\"host of RemoteUrl\": the host name cut from the URL (scheme, user info, port, path, query\nand one trailing dot removed; lower case); RemoteUrl by its own name compares the raw text.")
	return tw.Flush()
}

// column is a field resolved against one table.
type column struct {
	name string // the table's column name
	typ  string // its Kusto type
	// host is true when the field compares the host part of the column
	// (hostAliases), not its raw text.
	host bool
}

// resolveField resolves a field name for table: a column of the table by its
// own name first, then an alias whose column the table has.
func resolveField(sch Schema, table, field string) (column, bool) {
	if typ, ok := sch.ColumnType(table, field); ok {
		return column{name: field, typ: typ}, true
	}
	if c, ok := aliasIndex[table][field]; ok {
		if typ, ok := sch.ColumnType(table, c); ok {
			return column{name: c, typ: typ, host: hostAliases[field] && isStringType(typ)}, true
		}
	}
	return column{}, false
}

// fieldCandidates lists the names a field could have been meant as in the
// given tables: their aliases and columns.
func fieldCandidates(sch Schema, tables []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range tables {
		for _, fa := range FieldAliases(t) {
			if _, ok := sch.ColumnType(t, fa.Column); ok {
				add(fa.Field)
			}
		}
		for _, c := range sch.Columns(t) {
			add(c)
		}
	}
	sort.Strings(out)
	return out
}

// didYouMean returns the candidate closest to name, or "" when none is close.
// A case-insensitive exact match wins; otherwise the smallest edit distance
// within a third of the name's length (at least 2).
func didYouMean(name string, candidates []string) string {
	lname := strings.ToLower(name)
	best, bestD := "", -1
	limit := utf8.RuneCountInString(name) / 3
	if limit < 2 {
		limit = 2
	}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == lname {
			return c
		}
		d := editDistance(lname, lc)
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
