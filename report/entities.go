package report

import (
	"slices"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
	"github.com/rmmhunt/rmmhunt/rules"
)

// Entity is one entity of a finding, typed like Microsoft Sentinel's
// entities: Kind is a Sentinel entity type (Host, Account, Process, File,
// FileHash, IP, URL, DNS) and Fields are its identifiers, named as Sentinel
// names them where it has a name (HostName, MdatpDeviceId, Name, NTDomain,
// Sid, CommandLine, ProcessId, Address, Url, DomainName, Algorithm, Value),
// in a fixed order.
type Entity struct {
	Kind   string
	Fields []Field
}

// Field is one identifier of an entity.
type Field struct {
	Name, Value string
}

// Get returns the value of an identifier ("" when absent).
func (e Entity) Get(name string) string {
	for _, f := range e.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// Label is a short text naming the entity for people: its most telling
// identifier.
func (e Entity) Label() string {
	for _, n := range []string{"HostName", "Name", "ProcessName", "CommandLine", "Url", "DomainName", "Address", "Value", "FullName"} {
		if v := e.Get(n); v != "" {
			return v
		}
	}
	if len(e.Fields) > 0 {
		return e.Fields[0].Value
	}
	return ""
}

func (e Entity) key() string {
	var sb strings.Builder
	sb.WriteString(e.Kind)
	for _, f := range e.Fields {
		sb.WriteByte(0)
		sb.WriteString(f.Name)
		sb.WriteByte(1)
		sb.WriteString(f.Value)
	}
	return sb.String()
}

// maxExpand bounds the entities one array-valued column gives.
const maxExpand = 20

// kindNames maps entityType spellings to Sentinel's entity type names.
var kindNames = map[string]string{
	"account": "Account", "host": "Host", "ip": "IP", "url": "URL", "dns": "DNS", "process": "Process",
	"file": "File", "filehash": "FileHash", "azureresource": "AzureResource", "cloudapplication": "CloudApplication",
	"registrykey": "RegistryKey", "registryvalue": "RegistryValue", "securitygroup": "SecurityGroup", "mailbox": "Mailbox",
	"malware": "Malware", "mailmessage": "MailMessage", "mailcluster": "MailCluster", "submissionmail": "SubmissionMail",
}

func kindName(s string) string {
	if k, ok := kindNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return k
	}
	return strings.TrimSpace(s)
}

// slot is one identifier filled from the first present of some columns;
// value, when set, is a fixed value used when the entity has other fields.
type slot struct {
	id    string
	cols  []string
	value string
}

// wellKnown are the entity shapes made from well-known Defender and
// Sentinel column names when a rule maps no entity of the kind. The first
// slot is the entity's key: without a value there, no entity.
var wellKnown = []struct {
	kind  string
	slots []slot
	// needs, when set, requires one of these columns too (FileName is a
	// process only next to process columns).
	needs []string
}{
	{"Host", []slot{{id: "HostName", cols: []string{"DeviceName", "Computer", "HostName"}}, {id: "MdatpDeviceId", cols: []string{"DeviceId"}}}, nil},
	{"Account", []slot{{id: "Name", cols: []string{"AccountName"}}, {id: "NTDomain", cols: []string{"AccountDomain"}}, {id: "Sid", cols: []string{"AccountSid"}}, {id: "UPN", cols: []string{"AccountUpn"}}}, nil},
	{"Account", []slot{{id: "Name", cols: []string{"InitiatingProcessAccountName"}}, {id: "NTDomain", cols: []string{"InitiatingProcessAccountDomain"}}, {id: "Sid", cols: []string{"InitiatingProcessAccountSid"}}, {id: "UPN", cols: []string{"InitiatingProcessAccountUpn"}}}, nil},
	{"Process", []slot{{id: "ProcessName", cols: []string{"FileName"}}, {id: "CommandLine", cols: []string{"ProcessCommandLine", "CommandLines"}}, {id: "ProcessId", cols: []string{"ProcessId"}}, {id: "FolderPath", cols: []string{"FolderPath"}}, {id: "SHA256", cols: []string{"SHA256"}}},
		[]string{"ProcessCommandLine", "CommandLines", "ProcessId", "ProcessVersionInfoCompanyName", "ProcessVersionInfoProductName", "ProcessCreationTime"}},
	{"Process", []slot{{id: "ProcessName", cols: []string{"InitiatingProcessFileName"}}, {id: "CommandLine", cols: []string{"InitiatingProcessCommandLine"}}, {id: "ProcessId", cols: []string{"InitiatingProcessId"}}, {id: "FolderPath", cols: []string{"InitiatingProcessFolderPath"}}, {id: "SHA256", cols: []string{"InitiatingProcessSHA256"}}}, nil},
	{"FileHash", []slot{{id: "Value", cols: []string{"SHA256", "SHA256s"}}, {id: "Algorithm", value: "SHA256"}}, nil},
	{"FileHash", []slot{{id: "Value", cols: []string{"SHA1", "SHA1s"}}, {id: "Algorithm", value: "SHA1"}}, nil},
	{"IP", []slot{{id: "Address", cols: []string{"RemoteIP", "RemoteIPs", "IPAddress"}}}, nil},
	{"URL", []slot{{id: "Url", cols: []string{"RemoteUrl", "RemoteUrls", "Url"}}}, nil},
	{"DNS", []slot{{id: "DomainName", cols: []string{"RemoteHost", "DomainName"}}}, nil},
}

// companions complete a mapped entity with identifiers from the columns
// that belong with its mapped column (the device id of the device name,
// the command line of the process name, …).
var companions = map[string][]slot{
	"DeviceName":                   {{id: "MdatpDeviceId", cols: []string{"DeviceId"}}},
	"AccountName":                  {{id: "NTDomain", cols: []string{"AccountDomain"}}, {id: "Sid", cols: []string{"AccountSid"}}},
	"InitiatingProcessAccountName": {{id: "NTDomain", cols: []string{"InitiatingProcessAccountDomain"}}, {id: "Sid", cols: []string{"InitiatingProcessAccountSid"}}},
	"FileName":                     {{id: "CommandLine", cols: []string{"ProcessCommandLine", "CommandLines"}}, {id: "ProcessId", cols: []string{"ProcessId"}}, {id: "FolderPath", cols: []string{"FolderPath"}}, {id: "SHA256", cols: []string{"SHA256"}}},
	"InitiatingProcessFileName":    {{id: "CommandLine", cols: []string{"InitiatingProcessCommandLine"}}, {id: "ProcessId", cols: []string{"InitiatingProcessId"}}, {id: "FolderPath", cols: []string{"InitiatingProcessFolderPath"}}, {id: "SHA256", cols: []string{"InitiatingProcessSHA256"}}},
}

// Entities returns the entities of one result row of rule r: the rule's
// entityMappings when it maps entities of a kind (completed with
// companion columns, e.g. DeviceId next to a Host mapped from DeviceName,
// the command line next to a Process mapped from FileName), and for the
// kinds it does not map, the well-known columns (DeviceName/DeviceId,
// AccountName, FileName with process columns, InitiatingProcess*,
// SHA256/SHA1, RemoteIP, RemoteUrl, RemoteHost). A column holding an array
// (make_set results) gives one entity per element, up to 20. Duplicates and
// empty entities are dropped; the order is the mapping order, then the
// well-known order above.
func Entities(r *rules.Rule, cols []types.Column, row types.Row) []Entity {
	values := func(name string) []string {
		for i, c := range cols {
			if strings.EqualFold(c.Name, name) && i < len(row) {
				return cellValues(row[i])
			}
		}
		return nil
	}
	has := func(name string) bool {
		for _, c := range cols {
			if strings.EqualFold(c.Name, name) {
				return true
			}
		}
		return false
	}
	var out []Entity
	seen := map[string]bool{}
	add := func(es []Entity) {
		for _, e := range es {
			if len(e.Fields) == 0 {
				continue
			}
			if k := e.key(); !seen[k] {
				seen[k] = true
				out = append(out, e)
			}
		}
	}
	mapped := map[string]bool{}
	if r != nil {
		for _, m := range r.EntityMappings {
			kind := kindName(m.EntityType)
			mapped[kind] = true
			var slots []slot
			for _, fm := range m.FieldMappings {
				slots = append(slots, slot{id: fm.Identifier, cols: []string{fm.ColumnName}})
			}
			for _, fm := range m.FieldMappings {
				for _, c := range companions[fm.ColumnName] {
					if !slices.ContainsFunc(slots, func(s slot) bool { return s.id == c.id }) {
						slots = append(slots, c)
					}
				}
			}
			add(build(kind, slots, values, false))
		}
	}
	for _, w := range wellKnown {
		if mapped[w.kind] {
			continue
		}
		if w.needs != nil && !slices.ContainsFunc(w.needs, has) {
			continue
		}
		add(build(w.kind, w.slots, values, true))
	}
	return out
}

// build makes the entities of one shape: array-valued slots expand into
// one entity per element (zipped by index; a single value repeats).
// keyed requires a value in the first slot.
func build(kind string, slots []slot, values func(string) []string, keyed bool) []Entity {
	vals := make([][]string, len(slots))
	n := 0
	for i, s := range slots {
		if s.value != "" {
			vals[i] = []string{s.value}
			continue
		}
		for _, c := range s.cols {
			if v := values(c); len(v) > 0 {
				vals[i] = v
				break
			}
		}
		if len(vals[i]) > n {
			n = len(vals[i])
		}
	}
	if n > maxExpand {
		n = maxExpand
	}
	if keyed && len(vals[0]) == 0 {
		return nil
	}
	var out []Entity
	for k := 0; k < n; k++ {
		e := Entity{Kind: kind}
		real := false
		for i, s := range slots {
			v := vals[i]
			var x string
			switch {
			case len(v) == 1:
				x = v[0]
			case k < len(v):
				x = v[k]
			}
			if x == "" {
				continue
			}
			if s.value == "" {
				real = true
			}
			e.Fields = append(e.Fields, Field{s.id, x})
		}
		if real {
			out = append(out, e)
		}
	}
	return out
}

// cellValues returns the non-empty texts of a cell: one for a scalar, one
// per scalar element for a dynamic array.
func cellValues(v types.Value) []string {
	if !v.Valid {
		return nil
	}
	if v.T == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			var out []string
			for _, x := range arr {
				switch x.(type) {
				case []any, *types.Bag, nil:
					continue
				}
				if s := Text(types.Value{T: types.Dynamic, Valid: true, D: x}); s != "" {
					out = append(out, s)
				}
			}
			return out
		}
	}
	if s := Text(v); s != "" {
		return []string{s}
	}
	return nil
}
