package ingest

import (
	"encoding/xml"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// sysEvent is one Windows event in normalised form, whatever shape it was
// read from (EVTX, rendered XML, evtx_dump JSON, Winlogbeat, flat JSON,
// Log Analytics WindowsEvent).
type sysEvent struct {
	line     int
	id       int
	provider string
	channel  string
	computer string
	sysTime  string
	data     map[string]string
}

const sysmonProvider = "Microsoft-Windows-Sysmon"

func (e *sysEvent) isSysmon() bool {
	return strings.EqualFold(e.provider, sysmonProvider) || strings.HasPrefix(strings.ToLower(e.channel), "microsoft-windows-sysmon/")
}

// scalarText renders a decoded JSON scalar as event-data text.
func scalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return types.FormatReal(x)
	case bool:
		return strconv.FormatBool(x)
	case *types.Bag:
		if t, ok := x.Get("#text"); ok {
			return scalarText(t)
		}
		if t, ok := x.Get("value"); ok {
			return scalarText(t)
		}
	}
	return types.DynamicJSON(v, false)
}

func bagOf(v any) *types.Bag {
	b, _ := v.(*types.Bag)
	return b
}

func bagGet(b *types.Bag, keys ...string) any {
	for _, k := range keys {
		if b == nil {
			return nil
		}
		v, ok := b.Get(k)
		if !ok {
			return nil
		}
		if k == keys[len(keys)-1] {
			return v
		}
		b = bagOf(v)
	}
	return nil
}

// attr reads an XML attribute as JSON converters write it: under
// "#attributes", with an "@" prefix, or as a plain key.
func attr(b *types.Bag, name string) string {
	if b == nil {
		return ""
	}
	if a := bagOf(bagGet(b, "#attributes")); a != nil {
		if v, ok := a.Get(name); ok {
			return scalarText(v)
		}
	}
	if v, ok := b.Get("@" + name); ok {
		return scalarText(v)
	}
	if v, ok := b.Get(name); ok {
		return scalarText(v)
	}
	return ""
}

// eventDataMap turns an EventData value (object, {"Data":[…]} list, JSON
// text or XML text) into name → text.
func eventDataMap(v any) (map[string]string, error) {
	out := map[string]string{}
	switch x := v.(type) {
	case nil:
		return out, nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return out, nil
		}
		if s[0] == '<' {
			return xmlEventData(s)
		}
		d, err := types.ParseJSON(s)
		if err != nil {
			return nil, fmt.Errorf("EventData is neither JSON nor XML: %v", err)
		}
		return eventDataMap(d)
	case *types.Bag:
		if data, ok := x.Get("Data"); ok {
			if arr, ok := data.([]any); ok {
				for _, e := range arr {
					eb := bagOf(e)
					if name := attr(eb, "Name"); name != "" {
						out[name] = scalarText(bagGet(eb, "#text"))
					}
				}
				return out, nil
			}
		}
		for _, k := range x.Keys {
			if k == "#attributes" {
				continue
			}
			out[k] = scalarText(x.Vals[k])
		}
		return out, nil
	}
	return nil, fmt.Errorf("EventData is %s, not an object", describe(v))
}

// xmlEventData parses <EventData><Data Name="X">v</Data>… (possibly inside
// a <DataItem>) into name → text.
func xmlEventData(s string) (map[string]string, error) {
	out := map[string]string{}
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return out, nil
			}
			return nil, fmt.Errorf("EventData XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Data" {
			var d struct {
				Name string `xml:"Name,attr"`
				Text string `xml:",chardata"`
			}
			if err := dec.DecodeElement(&d, &se); err != nil {
				return nil, fmt.Errorf("EventData XML: %v", err)
			}
			if d.Name != "" {
				out[d.Name] = d.Text
			}
		}
	}
}

// windowsEventFromBag recognises the JSON shapes of a Windows event and
// normalises it. ok is false when b is none of them.
func windowsEventFromBag(b *types.Bag) (*sysEvent, bool, error) {
	// evtx_dump / python-evtx style: {"Event":{"System":…,"EventData":…}}.
	if ev := bagOf(bagGet(b, "Event")); ev != nil {
		sys := bagOf(bagGet(ev, "System"))
		if sys == nil {
			return nil, false, nil
		}
		e := &sysEvent{
			provider: attr(bagOf(bagGet(sys, "Provider")), "Name"),
			channel:  scalarText(bagGet(sys, "Channel")),
			computer: scalarText(bagGet(sys, "Computer")),
			sysTime:  attr(bagOf(bagGet(sys, "TimeCreated")), "SystemTime"),
		}
		idText := scalarText(bagGet(sys, "EventID"))
		id, err := strconv.Atoi(strings.TrimSpace(idText))
		if err != nil {
			return nil, true, fmt.Errorf("EventID %s is not a number", quoteShort(idText))
		}
		e.id = id
		data, _ := ev.Get("EventData")
		if data == nil {
			data, _ = ev.Get("UserData")
		}
		m, err := eventDataMap(data)
		if err != nil {
			return nil, true, err
		}
		e.data = m
		return e, true, nil
	}
	// Winlogbeat / Elastic Common Schema.
	if wl := bagOf(bagGet(b, "winlog")); wl != nil {
		e := &sysEvent{
			provider: scalarText(bagGet(wl, "provider_name")),
			channel:  scalarText(bagGet(wl, "channel")),
			computer: scalarText(bagGet(wl, "computer_name")),
			sysTime:  scalarText(bagGet(b, "@timestamp")),
		}
		if e.computer == "" {
			e.computer = scalarText(bagGet(b, "host", "name"))
		}
		idText := scalarText(bagGet(wl, "event_id"))
		if idText == "" {
			idText = scalarText(bagGet(b, "event", "code"))
		}
		id, err := strconv.Atoi(strings.TrimSpace(idText))
		if err != nil {
			return nil, true, fmt.Errorf("winlog.event_id %s is not a number", quoteShort(idText))
		}
		e.id = id
		m, err := eventDataMap(bagGet(wl, "event_data"))
		if err != nil {
			return nil, true, err
		}
		e.data = m
		return e, true, nil
	}
	// Flat shapes: NXLog / OTRF (EventData fields at the top level) and
	// Log Analytics WindowsEvent / Event (EventData as text or object).
	idv, ok := b.Get("EventID")
	if !ok {
		return nil, false, nil
	}
	provider := ""
	for _, k := range []string{"Provider", "ProviderName", "SourceName", "Source"} {
		if s := scalarText(bagGet(b, k)); s != "" {
			provider = s
			break
		}
	}
	channel := scalarText(bagGet(b, "Channel"))
	if provider == "" && channel == "" {
		return nil, false, nil
	}
	e := &sysEvent{provider: provider, channel: channel}
	for _, k := range []string{"Computer", "Hostname", "host", "ComputerName"} {
		if s, ok := bagGet(b, k).(string); ok && s != "" {
			e.computer = s
			break
		}
	}
	for _, k := range []string{"TimeCreated", "TimeGenerated", "EventTime", "@timestamp"} {
		if s, ok := bagGet(b, k).(string); ok && s != "" {
			e.sysTime = s
			break
		}
	}
	id, err := strconv.Atoi(strings.TrimSpace(scalarText(idv)))
	if err != nil {
		return nil, true, fmt.Errorf("EventID %s is not a number", describe(idv))
	}
	e.id = id
	if ed, ok := b.Get("EventData"); ok {
		m, err := eventDataMap(ed)
		if err != nil {
			return nil, true, err
		}
		e.data = m
		return e, true, nil
	}
	e.data = map[string]string{}
	for _, k := range b.Keys {
		if _, sys := flatSystemKeys[k]; sys {
			continue
		}
		e.data[k] = scalarText(b.Vals[k])
	}
	return e, true, nil
}

// flatSystemKeys are the keys of flat event JSON that are not EventData.
var flatSystemKeys = map[string]struct{}{
	"EventID": {}, "Provider": {}, "ProviderName": {}, "SourceName": {}, "Source": {}, "Channel": {},
	"Computer": {}, "Hostname": {}, "TimeCreated": {}, "TimeGenerated": {}, "EventTime": {}, "@timestamp": {},
	"Message": {}, "Keywords": {}, "Level": {}, "Task": {}, "Opcode": {}, "ProviderGuid": {}, "EventRecordID": {},
	"RecordNumber": {}, "ExecutionProcessID": {}, "ExecutionThreadID": {}, "Version": {}, "@version": {},
	"EventType": {}, "SeverityValue": {}, "Severity": {}, "EventReceivedTime": {}, "SourceModuleName": {},
	"SourceModuleType": {}, "host": {}, "port": {}, "tags": {}, "Category": {},
}

// ---- Sysmon → Defender mapping ----

type procInfo struct {
	image, cmdline, created, company, product, version, description, original string
	sha1, md5, sha256, parentImage, parentID, integrity, user                 string
}

type dnsEntry struct {
	ticks int64
	name  string
	ips   []netip.Addr
}

// maxTracked bounds the process and DNS state kept for correlation.
const maxTracked = 1 << 16

// dnsWindow is how long a DNS answer can name a later connection.
const dnsWindow = types.TicksPerHour

// sysmonMapper turns Sysmon events into Defender-shaped records. It keeps
// bounded state: process information by ProcessGuid (from Event 1) and the
// recent DNS answers of each process (from Event 22). It runs on one
// goroutine, in input order.
type sysmonMapper struct {
	procs     map[string]*procInfo
	procOrder []string
	dns       map[string][]dnsEntry
	dnsOrder  []string
}

func newSysmonMapper() *sysmonMapper {
	return &sysmonMapper{procs: map[string]*procInfo{}, dns: map[string][]dnsEntry{}}
}

func normGUID(s string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(s), "{}"))
}

func placeholder(s string) bool { s = strings.TrimSpace(s); return s == "" || s == "-" }

func clean(s string) string {
	if placeholder(s) {
		return ""
	}
	return s
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func splitUser(u string) (domain, name string) {
	u = clean(u)
	if i := strings.IndexByte(u, '\\'); i >= 0 {
		return u[:i], u[i+1:]
	}
	return "", u
}

// hexOrDec renders "0x3e7" or "999" as decimal text ("" when neither).
func hexOrDec(s string) string {
	s = clean(s)
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		if n, err := strconv.ParseUint(h, 16, 64); err == nil {
			return strconv.FormatInt(int64(n), 10)
		}
		return s
	}
	return s
}

func parseHashes(s string) (sha1, md5, sha256 string) {
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		switch strings.ToUpper(strings.TrimSpace(k)) {
		case "SHA1":
			sha1 = strings.ToLower(v)
		case "MD5":
			md5 = strings.ToLower(v)
		case "SHA256":
			sha256 = strings.ToLower(v)
		}
	}
	return
}

func parseIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	return a, err == nil
}

// normIP renders an address the canonical way (0:0:0:0:0:0:0:1 → ::1);
// placeholders become "" and other text is kept.
func normIP(s string) string {
	if placeholder(s) {
		return ""
	}
	if a, ok := parseIP(s); ok {
		return a.String()
	}
	return s
}

func ipType(s string) string {
	a, ok := parseIP(s)
	if !ok {
		return ""
	}
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "Loopback"
	case a.IsPrivate() || a.IsLinkLocalUnicast():
		return "Private"
	case a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast():
		return "Multicast"
	case a.Is4() && a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "Broadcast"
	case a.IsUnspecified():
		return "Reserved"
	}
	return "Public"
}

func protocolName(s string) string {
	switch strings.ToLower(clean(s)) {
	case "tcp":
		return "Tcp"
	case "udp":
		return "Udp"
	case "":
		return ""
	}
	return s
}

func (m *sysmonMapper) remember(guid string, p *procInfo) {
	if guid == "" {
		return
	}
	if _, ok := m.procs[guid]; !ok {
		if len(m.procOrder) >= maxTracked {
			delete(m.procs, m.procOrder[0])
			m.procOrder = m.procOrder[1:]
		}
		m.procOrder = append(m.procOrder, guid)
	}
	m.procs[guid] = p
}

func (m *sysmonMapper) rememberDNS(guid string, e dnsEntry) {
	if guid == "" {
		return
	}
	list, ok := m.dns[guid]
	if !ok {
		if len(m.dnsOrder) >= maxTracked {
			delete(m.dns, m.dnsOrder[0])
			m.dnsOrder = m.dnsOrder[1:]
		}
		m.dnsOrder = append(m.dnsOrder, guid)
	}
	if len(list) >= 32 {
		list = list[1:]
	}
	m.dns[guid] = append(list, e)
}

// lookupDNS finds the query name whose answer held ip, asked by the same
// process at most dnsWindow before the connection.
func (m *sysmonMapper) lookupDNS(guid string, ip netip.Addr, ticks int64, hasTime bool) string {
	list := m.dns[guid]
	ip = ip.Unmap()
	for i := len(list) - 1; i >= 0; i-- {
		e := list[i]
		if hasTime && e.ticks != 0 && (e.ticks > ticks+types.TicksPerSecond || ticks-e.ticks > dnsWindow) {
			continue
		}
		for _, a := range e.ips {
			if a == ip {
				return e.name
			}
		}
	}
	return ""
}

type kvList struct {
	keys []string
	vals []any
}

func (l *kvList) add(k string, v any) {
	if s, ok := v.(string); ok && s == "" {
		return
	}
	l.keys = append(l.keys, k)
	l.vals = append(l.vals, v)
}

// initiating adds the InitiatingProcess* columns of the event's process.
func (m *sysmonMapper) initiating(l *kvList, d map[string]string) {
	img := clean(d["Image"])
	l.add("InitiatingProcessFileName", baseName(img))
	l.add("InitiatingProcessFolderPath", img)
	l.add("InitiatingProcessId", clean(d["ProcessId"]))
	dom, name := splitUser(d["User"])
	l.add("InitiatingProcessAccountDomain", dom)
	l.add("InitiatingProcessAccountName", name)
	if p := m.procs[normGUID(d["ProcessGuid"])]; p != nil {
		addProcInfo(l, p)
	}
}

func addProcInfo(l *kvList, p *procInfo) {
	l.add("InitiatingProcessCommandLine", p.cmdline)
	l.add("InitiatingProcessCreationTime", p.created)
	l.add("InitiatingProcessVersionInfoCompanyName", p.company)
	l.add("InitiatingProcessVersionInfoProductName", p.product)
	l.add("InitiatingProcessVersionInfoProductVersion", p.version)
	l.add("InitiatingProcessVersionInfoFileDescription", p.description)
	l.add("InitiatingProcessVersionInfoOriginalFileName", p.original)
	l.add("InitiatingProcessSHA1", p.sha1)
	l.add("InitiatingProcessMD5", p.md5)
	l.add("InitiatingProcessSHA256", p.sha256)
	l.add("InitiatingProcessParentFileName", baseName(p.parentImage))
	l.add("InitiatingProcessParentId", p.parentID)
	l.add("InitiatingProcessIntegrityLevel", p.integrity)
}

// mapEvent maps one Windows event. It returns the record, or the reason
// the event has no table.
func (m *sysmonMapper) mapEvent(e *sysEvent) (*record, string) {
	if !e.isSysmon() {
		p := e.provider
		if p == "" {
			p = e.channel
		}
		return nil, fmt.Sprintf("%s event %d has no table mapping", p, e.id)
	}
	d := e.data
	l := &kvList{}
	ts := clean(d["UtcTime"])
	if ts == "" {
		ts = e.sysTime
	}
	l.add("Timestamp", ts)
	l.add("DeviceName", e.computer)
	table := ""
	switch e.id {
	case 1:
		table = "DeviceProcessEvents"
		img := clean(d["Image"])
		sha1, md5, sha256 := parseHashes(d["Hashes"])
		p := &procInfo{image: img, cmdline: clean(d["CommandLine"]), created: ts,
			company: clean(d["Company"]), product: clean(d["Product"]), version: clean(d["FileVersion"]),
			description: clean(d["Description"]), original: clean(d["OriginalFileName"]),
			sha1: sha1, md5: md5, sha256: sha256, parentImage: clean(d["ParentImage"]),
			parentID: clean(d["ParentProcessId"]), integrity: clean(d["IntegrityLevel"]), user: clean(d["User"])}
		l.add("ActionType", "ProcessCreated")
		l.add("FileName", baseName(img))
		l.add("FolderPath", img)
		l.add("SHA1", sha1)
		l.add("MD5", md5)
		l.add("SHA256", sha256)
		l.add("ProcessVersionInfoCompanyName", p.company)
		l.add("ProcessVersionInfoProductName", p.product)
		l.add("ProcessVersionInfoProductVersion", p.version)
		l.add("ProcessVersionInfoFileDescription", p.description)
		l.add("ProcessVersionInfoOriginalFileName", p.original)
		l.add("ProcessId", clean(d["ProcessId"]))
		l.add("ProcessCommandLine", p.cmdline)
		l.add("ProcessIntegrityLevel", p.integrity)
		l.add("ProcessCreationTime", ts)
		dom, name := splitUser(d["User"])
		l.add("AccountDomain", dom)
		l.add("AccountName", name)
		l.add("LogonId", hexOrDec(d["LogonId"]))
		pimg := clean(d["ParentImage"])
		l.add("InitiatingProcessFileName", baseName(pimg))
		l.add("InitiatingProcessFolderPath", pimg)
		l.add("InitiatingProcessId", p.parentID)
		l.add("InitiatingProcessCommandLine", clean(d["ParentCommandLine"]))
		pdom, pname := splitUser(d["ParentUser"])
		l.add("InitiatingProcessAccountDomain", pdom)
		l.add("InitiatingProcessAccountName", pname)
		if pp := m.procs[normGUID(d["ParentProcessGuid"])]; pp != nil {
			addProcInfo(l, pp)
		}
		m.remember(normGUID(d["ProcessGuid"]), p)
	case 3:
		table = "DeviceNetworkEvents"
		local, remote := "Source", "Destination"
		action := "ConnectionSuccess"
		if strings.EqualFold(clean(d["Initiated"]), "false") {
			local, remote = remote, local
			action = "InboundConnectionAccepted"
		}
		rip := normIP(d[remote+"Ip"])
		l.add("ActionType", action)
		l.add("RemoteIP", rip)
		l.add("RemotePort", clean(d[remote+"Port"]))
		l.add("LocalIP", normIP(d[local+"Ip"]))
		l.add("LocalPort", clean(d[local+"Port"]))
		l.add("Protocol", protocolName(d["Protocol"]))
		l.add("LocalIPType", ipType(d[local+"Ip"]))
		l.add("RemoteIPType", ipType(d[remote+"Ip"]))
		if a, ok := parseIP(rip); ok {
			ticks, hasTime := parseTime(ts)
			l.add("RemoteUrl", m.lookupDNS(normGUID(d["ProcessGuid"]), a, ticks, hasTime))
		}
		m.initiating(l, d)
	case 22:
		table = "DeviceEvents"
		name := clean(d["QueryName"])
		entry := dnsEntry{name: name}
		entry.ticks, _ = parseTime(ts)
		add := types.NewBag()
		add.Set("DnsQueryString", name)
		var results []any
		for _, part := range strings.Split(d["QueryResults"], ";") {
			if a, ok := parseIP(part); ok {
				entry.ips = append(entry.ips, a.Unmap())
				r := types.NewBag()
				r.Set("IP", a.String())
				results = append(results, r)
			}
		}
		if results == nil {
			results = []any{}
		}
		add.Set("DnsQueryResult", results)
		add.Set("QueryStatus", clean(d["QueryStatus"]))
		l.add("ActionType", "DnsQueryResponse")
		l.add("RemoteUrl", name)
		l.add("AdditionalFields", add)
		m.initiating(l, d)
		if name != "" && len(entry.ips) > 0 {
			m.rememberDNS(normGUID(d["ProcessGuid"]), entry)
		}
	case 11, 23, 26:
		table = "DeviceFileEvents"
		action := "FileCreated"
		if e.id != 11 {
			action = "FileDeleted"
		}
		f := clean(d["TargetFilename"])
		l.add("ActionType", action)
		l.add("FileName", baseName(f))
		l.add("FolderPath", f)
		m.initiating(l, d)
	case 7:
		table = "DeviceImageLoadEvents"
		f := clean(d["ImageLoaded"])
		l.add("ActionType", "ImageLoaded")
		l.add("FileName", baseName(f))
		l.add("FolderPath", f)
		m.initiating(l, d)
	case 12, 13, 14:
		table = "DeviceRegistryEvents"
		ev := clean(d["EventType"])
		action := map[string]string{"CreateKey": "RegistryKeyCreated", "DeleteKey": "RegistryKeyDeleted",
			"SetValue": "RegistryValueSet", "DeleteValue": "RegistryValueDeleted", "RenameKey": "RegistryKeyRenamed"}[ev]
		if action == "" {
			action = ev
		}
		key, value := clean(d["TargetObject"]), ""
		if e.id != 12 || strings.Contains(ev, "Value") {
			if i := strings.LastIndexByte(key, '\\'); i >= 0 && strings.Contains(ev, "Value") {
				key, value = key[:i], key[i+1:]
			}
		}
		if e.id == 14 {
			l.add("PreviousRegistryKey", key)
			key = clean(d["NewName"])
		}
		l.add("ActionType", action)
		l.add("RegistryKey", key)
		l.add("RegistryValueName", value)
		l.add("RegistryValueData", clean(d["Details"]))
		m.initiating(l, d)
	default:
		return nil, fmt.Sprintf("Sysmon event %d has no table mapping", e.id)
	}
	return &record{table: table, keys: l.keys, vals: l.vals}, ""
}
