package gen

import (
	"fmt"
	"strings"
	"time"
)

// Output formats accepted in Options.Format.
const (
	// FormatJSONL writes flat advanced-hunting API rows, one JSON object per
	// line (LF). The rows do not name their table.
	FormatJSONL = "jsonl"
	// FormatEventHub writes Streaming API Event Hub messages, one per line:
	// {"records":[...]} with Options.RecordsPerMessage records each.
	FormatEventHub = "eventhub"
	// FormatBlob writes a storage-blob PT1H.json: one record per line, CRLF.
	FormatBlob = "blob"
)

// Tables the generator can write (Options.Table).
const (
	TableNetwork     = "DeviceNetworkEvents"
	TableProcess     = "DeviceProcessEvents"
	TableCertificate = "DeviceFileCertificateInfo"
)

// Formats lists the accepted Options.Format values.
func Formats() []string { return []string{FormatJSONL, FormatEventHub, FormatBlob} }

// Tables lists the accepted Options.Table values.
func Tables() []string { return []string{TableNetwork, TableProcess, TableCertificate} }

// ToolProfile describes one RMM tool as it shows up in telemetry: the domains
// its agent talks to, its binaries, install folder and version-info strings.
type ToolProfile struct {
	// Name is the tool's display name (also the key in Stats.ByTool).
	Name string
	// Domains are the hosts the agent connects to.
	Domains []string
	// Binary is the agent's main executable file name.
	Binary string
	// AltBinaries are further executables of the tool that also connect out.
	AltBinaries []string
	// FolderPath is the install folder (without the file name).
	FolderPath string
	// Company is the version-info CompanyName of the binaries.
	Company string
	// AltCompanies are other CompanyName spellings seen for the same tool
	// (older or rebranded builds).
	AltCompanies []string
	// Product is the version-info ProductName.
	Product string
	// Signer is the code-signing subject (DeviceFileCertificateInfo.Signer);
	// empty means Company.
	Signer string
	// Ports are the remote ports used (443 when empty).
	Ports []int
	// Devices is how many devices run the tool (2 when zero).
	Devices int
}

// binaries returns the main binary followed by the alternates.
func (p ToolProfile) binaries() []string {
	out := make([]string, 0, 1+len(p.AltBinaries))
	if p.Binary != "" {
		out = append(out, p.Binary)
	}
	return append(out, p.AltBinaries...)
}

// companies returns the main company name followed by the alternates.
func (p ToolProfile) companies() []string {
	out := make([]string, 0, 1+len(p.AltCompanies))
	if p.Company != "" {
		out = append(out, p.Company)
	}
	return append(out, p.AltCompanies...)
}

// DefaultTools returns the built-in RMM tool profiles: MSP360/CloudBerry,
// AnyDesk, ScreenConnect, TeamViewer, Atera and Splashtop. The slice is new on
// every call, so callers may change it.
func DefaultTools() []ToolProfile {
	return []ToolProfile{
		{
			Name: "MSP360",
			Domains: []string{
				"rm.mspbackups.com",
				"client.rmm.mspbackups.com",
				"settings.services.mspbackups.com",
				"connect.ra.msp360.com",
				"foris.cloudberrylab.com",
			},
			Binary:       "cbb.exe",
			AltBinaries:  []string{"CBBackupPlan.exe", "Online Backup.exe", "Cloud.Backup.Scheduler.exe", "CloudRaService.exe"},
			FolderPath:   `C:\Program Files\MSP360\Online Backup`,
			Company:      "CloudBerry Lab",
			AltCompanies: []string{"MSP360"},
			Product:      "MSP360 Online Backup",
			Signer:       "CloudBerry Lab Inc.",
			Ports:        []int{443},
			Devices:      2,
		},
		{
			Name:         "AnyDesk",
			Domains:      []string{"boot.net.anydesk.com", "relay-7c1e4a90.net.anydesk.com", "api.anydesk.com"},
			Binary:       "AnyDesk.exe",
			FolderPath:   `C:\Program Files (x86)\AnyDesk`,
			Company:      "AnyDesk Software GmbH",
			AltCompanies: []string{"philandro Software GmbH"},
			Product:      "AnyDesk",
			Ports:        []int{443, 80, 6568},
			Devices:      1,
		},
		{
			Name:        "ScreenConnect",
			Domains:     []string{"instance-k3x9qz-relay.screenconnect.com", "control.connectwise.com"},
			Binary:      "ScreenConnect.ClientService.exe",
			AltBinaries: []string{"ScreenConnect.WindowsClient.exe"},
			FolderPath:  `C:\Program Files (x86)\ScreenConnect Client (4c8a1f2e9b7d6a30)`,
			Company:     "ScreenConnect Software",
			Product:     "ScreenConnect",
			Signer:      "ConnectWise, LLC",
			Ports:       []int{8041, 443},
			Devices:     1,
		},
		{
			Name:        "TeamViewer",
			Domains:     []string{"router15.teamviewer.com", "client.teamviewer.com", "master11.teamviewer.com"},
			Binary:      "TeamViewer_Service.exe",
			AltBinaries: []string{"TeamViewer.exe"},
			FolderPath:  `C:\Program Files\TeamViewer`,
			Company:     "TeamViewer Germany GmbH",
			Product:     "TeamViewer",
			Ports:       []int{5938, 443},
			Devices:     2,
		},
		{
			Name:       "Atera",
			Domains:    []string{"agent-api.atera.com", "pubsub.atera.com", "agenthb.atera.com", "ps.atera.com"},
			Binary:     "AteraAgent.exe",
			FolderPath: `C:\Program Files\ATERA Networks\AteraAgent`,
			Company:    "Atera networks LTD",
			Product:    "AteraAgent",
			Signer:     "Atera Networks Ltd",
			Ports:      []int{443},
			Devices:    2,
		},
		{
			Name:        "Splashtop",
			Domains:     []string{"st2-v3-dc.splashtop.com", "api.splashtop.com", "relay.splashtop.com"},
			Binary:      "SRService.exe",
			AltBinaries: []string{"SRServer.exe", "strwinclt.exe"},
			FolderPath:  `C:\Program Files (x86)\Splashtop\Splashtop Remote\Server`,
			Company:     "Splashtop Inc.",
			Product:     "Splashtop Streamer",
			Ports:       []int{443},
			Devices:     1,
		},
	}
}

// Options control what Write produces. The zero value of most fields selects
// a default (see DefaultOptions); RMMShare and NearMissShare are used as given.
type Options struct {
	// Rows is the number of rows (records) to write. Must be >= 0.
	Rows int
	// Seed selects the data: the same Options give the same bytes.
	Seed int64
	// Start and End bound the row timestamps: Start <= Timestamp < End.
	// Zero End means 2026-03-08T00:00:00Z; zero Start means End-7d.
	Start, End time.Time
	// RMMShare is the fraction of rows produced by RMM tools (0..1).
	RMMShare float64
	// NearMissShare is the fraction of rows that look like MSP360 activity
	// but must not match the seed rule: look-alike domains
	// (farm.mspbackups.com, rm.mspbackups.community) and the one-word company
	// name "CloudBerryLab" (0..1). Only DeviceNetworkEvents has near misses.
	NearMissShare float64
	// Devices is the number of devices (50 when zero).
	Devices int
	// Tools are the RMM tools (DefaultTools() when nil).
	Tools []ToolProfile
	// Format is "jsonl" (default), "eventhub" or "blob".
	Format string
	// Table is "DeviceNetworkEvents" (default), "DeviceProcessEvents" or
	// "DeviceFileCertificateInfo".
	Table string
	// RecordsPerMessage is the number of records per Event Hub message (100
	// when zero); only used by the "eventhub" format.
	RecordsPerMessage int
	// TenantID is the tenant GUID of Event Hub and blob records (a fixed
	// made-up GUID when empty).
	TenantID string
}

// DefaultOptions returns the options `rmmhunt gen` starts from: 1000 network
// rows over the 7 days before 2026-03-08, 50 devices, 1% RMM rows and 0.2%
// near misses.
func DefaultOptions() Options {
	end := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	return Options{
		Rows:          1000,
		Seed:          1,
		Start:         end.Add(-7 * 24 * time.Hour),
		End:           end,
		RMMShare:      0.01,
		NearMissShare: 0.002,
		Devices:       50,
		Format:        FormatJSONL,
		Table:         TableNetwork,
	}
}

const defaultTenant = "5f1c3a7e-2b4d-4e8f-9a61-0c2d7b3e8f14"

// normalize fills defaults and validates.
func (o Options) normalize() (Options, error) {
	if o.Rows < 0 {
		return o, fmt.Errorf("gen: Rows must be >= 0, got %d", o.Rows)
	}
	if o.End.IsZero() {
		o.End = time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	}
	if o.Start.IsZero() {
		o.Start = o.End.Add(-7 * 24 * time.Hour)
	}
	o.Start, o.End = o.Start.UTC(), o.End.UTC()
	if !o.Start.Before(o.End) {
		return o, fmt.Errorf("gen: Start (%s) must be before End (%s)", o.Start.Format(time.RFC3339), o.End.Format(time.RFC3339))
	}
	if o.Start.Year() < 1970 || o.End.Year() > 9999 {
		return o, fmt.Errorf("gen: time range %s..%s out of bounds (1970..9999)", o.Start.Format(time.RFC3339), o.End.Format(time.RFC3339))
	}
	if o.RMMShare < 0 || o.RMMShare > 1 || o.RMMShare != o.RMMShare {
		return o, fmt.Errorf("gen: RMMShare must be within 0..1, got %v", o.RMMShare)
	}
	if o.NearMissShare < 0 || o.NearMissShare > 1 || o.NearMissShare != o.NearMissShare {
		return o, fmt.Errorf("gen: NearMissShare must be within 0..1, got %v", o.NearMissShare)
	}
	if o.RMMShare+o.NearMissShare > 1 {
		return o, fmt.Errorf("gen: RMMShare + NearMissShare must not exceed 1, got %v", o.RMMShare+o.NearMissShare)
	}
	if o.Devices == 0 {
		o.Devices = 50
	}
	if o.Devices < 0 || o.Devices > 1_000_000 {
		return o, fmt.Errorf("gen: Devices must be within 1..1000000, got %d", o.Devices)
	}
	if o.Tools == nil {
		o.Tools = DefaultTools()
	}
	for i, t := range o.Tools {
		if t.Name == "" {
			return o, fmt.Errorf("gen: Tools[%d] has no Name", i)
		}
		if len(t.Domains) == 0 {
			return o, fmt.Errorf("gen: tool %q has no Domains", t.Name)
		}
		if len(t.binaries()) == 0 {
			return o, fmt.Errorf("gen: tool %q has no Binary", t.Name)
		}
		for _, p := range t.Ports {
			if p <= 0 || p > 65535 {
				return o, fmt.Errorf("gen: tool %q has port %d out of range", t.Name, p)
			}
		}
		if t.Devices < 0 {
			return o, fmt.Errorf("gen: tool %q has Devices %d < 0", t.Name, t.Devices)
		}
	}
	if o.RMMShare > 0 && len(o.Tools) == 0 {
		return o, fmt.Errorf("gen: RMMShare is %v but Tools is empty", o.RMMShare)
	}
	switch strings.ToLower(o.Format) {
	case "", FormatJSONL:
		o.Format = FormatJSONL
	case FormatEventHub:
		o.Format = FormatEventHub
	case FormatBlob:
		o.Format = FormatBlob
	default:
		return o, fmt.Errorf("gen: unknown format %q (want one of %s)", o.Format, strings.Join(Formats(), ", "))
	}
	switch {
	case o.Table == "":
		o.Table = TableNetwork
	case strings.EqualFold(o.Table, TableNetwork):
		o.Table = TableNetwork
	case strings.EqualFold(o.Table, TableProcess):
		o.Table = TableProcess
	case strings.EqualFold(o.Table, TableCertificate):
		o.Table = TableCertificate
	default:
		return o, fmt.Errorf("gen: unknown table %q (want one of %s)", o.Table, strings.Join(Tables(), ", "))
	}
	if o.RecordsPerMessage == 0 {
		o.RecordsPerMessage = 100
	}
	if o.RecordsPerMessage < 0 {
		return o, fmt.Errorf("gen: RecordsPerMessage must be > 0, got %d", o.RecordsPerMessage)
	}
	if o.TenantID == "" {
		o.TenantID = defaultTenant
	}
	return o, nil
}

// Stats summarises what Write wrote.
type Stats struct {
	// Rows is the number of rows (records) written.
	Rows int
	// Bytes is the number of bytes written.
	Bytes int64
	// RMMRows counts rows produced by RMM tools.
	RMMRows int
	// NearMissRows counts near-miss rows (see Options.NearMissShare).
	NearMissRows int
	// ByTool counts RMM rows per tool name.
	ByTool map[string]int
	// First and Last are the smallest and largest Timestamp written (zero
	// when no row was written).
	First, Last time.Time
}
