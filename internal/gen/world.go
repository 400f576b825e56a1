package gen

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The world is everything that does not change from row to row: devices,
// their users, the programs that run on them (with hashes and version info)
// and which devices run which RMM tool. It depends only on the seed, the
// device count and the tools, never on the table or the row count, so the
// network, process and certificate tables of one seed describe the same
// machines and processes (joins on DeviceId and process ids find matches).

// account is a Windows account as Defender reports it.
type account struct {
	name, domain, sid string
	upn               string // "" means null
}

var (
	systemAccount  = account{name: "system", domain: "nt authority", sid: "S-1-5-18"}
	networkAccount = account{name: "network service", domain: "nt authority", sid: "S-1-5-20"}
)

// program is an executable with its version info and the hosts it talks to.
type program struct {
	key         string // unique key, used for process ids
	file        string // file name as reported (case as on disk)
	folder      string // folder path template; {user} is replaced per device
	company     string // "" means null
	product     string
	version     string
	description string
	original    string
	cmd         string // command line template; {path} and {user} are replaced
	parent      *program
	system      bool // runs as SYSTEM
	network     bool // runs as NETWORK SERVICE
	size        int64
	domains     []string
	ports       []int
	httpPaths   []string
	weight      int
	lifetime    time.Duration
	signer      string
	issuer      string
	microsoft   bool // signed by Microsoft (IsRootSignerMicrosoft)
	sha1        string
	sha256      string
	md5         string
	tool        int  // index into Options.Tools, -1 for benign programs
	nearMiss    bool // look-alike of MSP360 that the seed rule must not match
	inbound     bool // accepts inbound connections (RDP)
}

// path returns the full path of the program on a device, lower-cased the way
// Defender usually reports InitiatingProcessFolderPath.
func (p *program) path(user string) string {
	return strings.ToLower(strings.ReplaceAll(p.folder, "{user}", user) + `\` + p.file)
}

// commandLine renders the program's command line for a user.
func (p *program) commandLine(user string) string {
	c := strings.ReplaceAll(p.cmd, "{path}", strings.ReplaceAll(p.folder, "{user}", user)+`\`+p.file)
	return strings.ReplaceAll(c, "{user}", user)
}

type device struct {
	id, name string
	ip       string
	user     account
	server   bool
	tools    []int // indexes into Options.Tools
	nearMiss bool
}

type world struct {
	seed      uint64
	devices   []device
	benign    []*program // weighted choice by weight
	benignSum int
	tools     []toolState
	nearMiss  []*program
	nmDevices []int
	parents   map[string]*program // by key; only read by key, never ranged over
}

type toolState struct {
	profile  ToolProfile
	programs []*program
	devices  []int
}

// Parent processes.
var (
	progWininit  = &program{key: "wininit", file: "wininit.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.2506", description: "Windows Start-Up Application", original: "WinInit.exe", cmd: "wininit.exe", system: true, size: 438272, lifetime: 30 * 24 * time.Hour, microsoft: true}
	progServices = &program{key: "services", file: "services.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.2506", description: "Services and Controller app", original: "services.exe", cmd: `C:\Windows\system32\services.exe`, parent: progWininit, system: true, size: 722944, lifetime: 30 * 24 * time.Hour, microsoft: true}
	progUserinit = &program{key: "userinit", file: "userinit.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.1", description: "Userinit Logon Application", original: "USERINIT.EXE", cmd: `C:\Windows\system32\userinit.exe`, size: 65536, lifetime: 30 * 24 * time.Hour, microsoft: true}
	progExplorer = &program{key: "explorer", file: "explorer.exe", folder: `C:\Windows`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.3085", description: "Windows Explorer", original: "EXPLORER.EXE", cmd: `C:\Windows\Explorer.EXE`, parent: progUserinit, size: 5395968, lifetime: 3 * 24 * time.Hour, microsoft: true}
)

func benignPrograms() []*program {
	const chromeVer = "122.0.6261.95"
	const edgeVer = "122.0.2365.66"
	svchost := func(key, group, svc string, network bool, weight int, domains ...string) *program {
		return &program{key: key, file: "svchost.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.1", description: "Host Process for Windows Services", original: "svchost.exe",
			cmd: `C:\Windows\system32\svchost.exe -k ` + group + ` -p -s ` + svc, parent: progServices, system: !network, network: network, size: 57360, domains: domains, weight: weight, lifetime: 5 * 24 * time.Hour, microsoft: true}
	}
	return []*program{
		{key: "chrome", file: "chrome.exe", folder: `C:\Program Files\Google\Chrome\Application`, company: "Google LLC", product: "Google Chrome", version: chromeVer, description: "Google Chrome", original: "chrome.exe",
			cmd:    `"{path}" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle=2148 --field-trial-handle=1948,i,1283746528374651823,9384756192837465012,262144 /prefetch:3`,
			parent: progExplorer, size: 3166808, weight: 18, lifetime: 8 * time.Hour, signer: "Google LLC",
			domains:   []string{"www.google.com", "google.com", "fonts.gstatic.com", "www.gstatic.com", "ssl.gstatic.com", "apis.google.com", "www.youtube.com", "i.ytimg.com", "github.com", "avatars.githubusercontent.com", "app.slack.com", "d3ag4hukkh62yn.cloudfront.net", "www.linkedin.com", "stackoverflow.com", "en.wikipedia.org", "s3.amazonaws.com", "zoom.us"},
			httpPaths: []string{"/", "/search?q=quarterly+report", "/favicon.ico", "/generate_204", "/s/player/4b7c2f91/base.js", "/login"}},
		{key: "msedge", file: "msedge.exe", folder: `C:\Program Files (x86)\Microsoft\Edge\Application`, company: "Microsoft Corporation", product: "Microsoft Edge", version: edgeVer, description: "Microsoft Edge", original: "msedge.exe",
			cmd:    `"{path}" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle=2412 --field-trial-handle=2216,i,5529387466182735521,1652290047718305529,262144 /prefetch:3`,
			parent: progExplorer, size: 4013480, weight: 14, lifetime: 8 * time.Hour, microsoft: true,
			domains:   []string{"www.bing.com", "edge.microsoft.com", "login.microsoftonline.com", "www.office.com", "outlook.office.com", "ntp.msn.com", "assets.msn.com", "config.edge.skype.com", "github.com", "docs.github.com", "a248.e.akamai.net", "contoso.sharepoint.com", "portal.azure.com"},
			httpPaths: []string{"/", "/edge/ntp", "/owa/", "/en-us/microsoft-365", "/favicon.ico"}},
		svchost("svc-wu", "netsvcs", "wuauserv", false, 8, "fe2cr.update.microsoft.com", "sls.update.microsoft.com", "download.windowsupdate.com", "ctldl.windowsupdate.com", "7.tlu.dl.delivery.mp.microsoft.com", "settings-win.data.microsoft.com", "slscr.update.microsoft.com"),
		svchost("svc-utc", "utcsvc", "DiagTrack", false, 4, "v10.events.data.microsoft.com", "self.events.data.microsoft.com", "umwatsonc.events.data.microsoft.com"),
		svchost("svc-dnscache", "NetworkService", "Dnscache", true, 3, "www.msftconnecttest.com", "dns.msftncsi.com", "time.windows.com"),
		{key: "teams", file: "ms-teams.exe", folder: `C:\Program Files\WindowsApps\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe`, company: "Microsoft Corporation", product: "Microsoft Teams", version: "24033.811.2738.2546", description: "Microsoft Teams", original: "ms-teams.exe",
			cmd: `"{path}" msteams:system-initiated`, parent: progExplorer, size: 1372704, weight: 8, lifetime: 24 * time.Hour, microsoft: true,
			domains: []string{"teams.microsoft.com", "teams.events.data.microsoft.com", "statics.teams.cdn.office.net", "presence.teams.microsoft.com", "api.spaces.skype.com", "teams.live.com"}},
		{key: "onedrive", file: "OneDrive.exe", folder: `C:\Users\{user}\AppData\Local\Microsoft\OneDrive`, company: "Microsoft Corporation", product: "Microsoft OneDrive", version: "24.020.0128.0003", description: "Microsoft OneDrive", original: "OneDrive.exe",
			cmd: `"{path}" /background`, parent: progExplorer, size: 3590048, weight: 6, lifetime: 3 * 24 * time.Hour, microsoft: true,
			domains: []string{"g.live.com", "oneclient.sfx.ms", "contoso-my.sharepoint.com", "skyapi.live.net", "onedrive.live.com", "login.live.com"}},
		{key: "mssense", file: "MsSense.exe", folder: `C:\Program Files\Windows Defender Advanced Threat Protection`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.8672.22621.3155", description: "Windows Defender Advanced Threat Protection Service Executable", original: "MsSense.exe",
			cmd: `"MsSense.exe"`, parent: progServices, system: true, size: 3998720, weight: 5, lifetime: 14 * 24 * time.Hour, microsoft: true,
			domains: []string{"winatp-gw-eus.microsoft.com", "winatp-gw-cus.microsoft.com", "us-v20.events.data.microsoft.com", "unitedstates.x.cp.wd.microsoft.com", "automatedirstrprdcus.blob.core.windows.net"}},
		{key: "msmpeng", file: "MsMpEng.exe", folder: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24020.7-0`, company: "Microsoft Corporation", product: "Microsoft Malware Protection", version: "4.18.24020.7", description: "Antimalware Service Executable", original: "MsMpEng.exe",
			cmd: `"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24020.7-0\MsMpEng.exe"`, parent: progServices, system: true, size: 133560, weight: 3, lifetime: 14 * 24 * time.Hour, microsoft: true,
			domains: []string{"wdcp.microsoft.com", "definitionupdates.microsoft.com", "go.microsoft.com", "fe3cr.delivery.mp.microsoft.com"}},
		{key: "googleupdater", file: "updater.exe", folder: `C:\Program Files (x86)\Google\GoogleUpdater\124.0.6315.0`, company: "Google LLC", product: "Google Updater", version: "124.0.6315.0", description: "Google Updater", original: "updater.exe",
			cmd: `"{path}" --wake --system`, parent: progServices, system: true, size: 4591912, weight: 2, lifetime: 2 * time.Hour, signer: "Google LLC",
			domains: []string{"update.googleapis.com", "dl.google.com", "edgedl.me.gvt1.com", "redirector.gvt1.com"}, httpPaths: []string{"/service/update2/json", "/edgedl/release2/chrome/acq2mxhvqjexjqcm6mqa4xpbxrba_122.0.6261.95/122.0.6261.95_chrome_installer.exe"}},
		{key: "zoom", file: "Zoom.exe", folder: `C:\Users\{user}\AppData\Roaming\Zoom\bin`, company: "Zoom Video Communications, Inc.", product: "Zoom", version: "5.17.11.34827", description: "Zoom Meetings", original: "Zoom.exe",
			cmd: `"{path}" "--action=preload"`, parent: progExplorer, size: 423464, weight: 3, lifetime: 12 * time.Hour,
			domains: []string{"zoom.us", "us05web.zoom.us", "log.zoom.us", "us05polling.zoom.us"}},
		{key: "slack", file: "slack.exe", folder: `C:\Users\{user}\AppData\Local\slack\app-4.36.140`, company: "Slack Technologies Inc.", product: "Slack", version: "4.36.140", description: "Slack", original: "slack.exe",
			cmd: `"{path}" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --user-data-dir="C:\Users\{user}\AppData\Roaming\Slack" --mojo-platform-channel-handle=1996 /prefetch:8`, parent: progExplorer, size: 158347296, weight: 3, lifetime: 24 * time.Hour,
			domains: []string{"slack.com", "wss-primary.slack.com", "edgeapi.slack.com", "a.slack-edge.com", "files.slack.com"}},
		{key: "outlook", file: "OUTLOOK.EXE", folder: `C:\Program Files\Microsoft Office\root\Office16`, company: "Microsoft Corporation", product: "Microsoft Outlook", version: "16.0.17328.20162", description: "Microsoft Outlook", original: "Outlook.exe",
			cmd: `"{path}" `, parent: progExplorer, size: 42950088, weight: 6, lifetime: 10 * time.Hour, microsoft: true,
			domains: []string{"outlook.office365.com", "outlook.office.com", "substrate.office.com", "login.microsoftonline.com", "nexusrules.officeapps.live.com", "ecs.office.com"}},
		{key: "c2r", file: "OfficeClickToRun.exe", folder: `C:\Program Files\Common Files\microsoft shared\ClickToRun`, company: "Microsoft Corporation", product: "Microsoft Office", version: "16.0.17328.20162", description: "Microsoft Office Click-to-Run (SxS)", original: "OfficeClickToRun.exe",
			cmd: `"{path}" /service`, parent: progServices, system: true, size: 12120976, weight: 2, lifetime: 5 * 24 * time.Hour, microsoft: true,
			domains: []string{"officecdn.microsoft.com", "mrodevicemgr.officeapps.live.com", "officeclient.microsoft.com"}},
		{key: "searchhost", file: "SearchHost.exe", folder: `C:\Windows\SystemApps\MicrosoftWindows.Client.CBS_cw5n1h2txyewy`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "2124.33803.0.0", description: "SearchHost.exe", original: "SearchHost.exe",
			cmd: `"{path}" -ServerName:Windows.Search.Host`, parent: progServices, size: 918528, weight: 3, lifetime: 6 * time.Hour, microsoft: true,
			domains: []string{"www.bing.com", "r.bing.com", "th.bing.com", "arc.msn.com"}},
		{key: "ssm", file: "amazon-ssm-agent.exe", folder: `C:\Program Files\Amazon\SSM`, company: "", product: "", version: "", description: "", original: "",
			cmd: `"{path}"`, parent: progServices, system: true, size: 31207936, weight: 1, lifetime: 10 * 24 * time.Hour, signer: "Amazon.com Services LLC",
			domains: []string{"ssm.us-east-1.amazonaws.com", "ec2messages.us-east-1.amazonaws.com", "ssmmessages.us-east-1.amazonaws.com"}},
		{key: "git", file: "git-remote-https.exe", folder: `C:\Program Files\Git\mingw64\libexec\git-core`, company: "The Git Development Community", product: "Git", version: "2.44.0.windows.1", description: "Git for Windows", original: "git-remote-https.exe",
			cmd: `"{path}" origin https://github.com/contoso/infra-scripts.git`, parent: progExplorer, size: 4950016, weight: 1, lifetime: time.Minute,
			domains: []string{"github.com", "codeload.github.com", "objects.githubusercontent.com"}},
		{key: "rdp", file: "svchost.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.1", description: "Host Process for Windows Services", original: "svchost.exe",
			cmd: `C:\Windows\System32\svchost.exe -k termsvcs -s TermService`, parent: progServices, network: true, size: 57360, weight: 2, lifetime: 7 * 24 * time.Hour, microsoft: true, inbound: true},
	}
}

// Near misses of the seed rule: an MSP360 binary talking to a look-alike
// domain, or signed with the one-word company name.
func nearMissPrograms() []*program {
	base := func(key, file, company string, domains ...string) *program {
		return &program{key: key, file: file, folder: `C:\Program Files\MSP360\Online Backup`, company: company, product: "MSP360 Online Backup", version: "7.9.4.83", description: "Online Backup", original: file,
			cmd: `"{path}" -service`, parent: progServices, system: true, size: 1874432, domains: domains, ports: []int{443}, lifetime: 24 * time.Hour, signer: "CloudBerry Lab Inc.", nearMiss: true, tool: -1}
	}
	return []*program{
		base("nm-farm", "cbb.exe", "CloudBerry Lab", "farm.mspbackups.com"),
		base("nm-community", "Online Backup.exe", "MSP360", "rm.mspbackups.community"),
		base("nm-oneword", "CBBackupPlan.exe", "CloudBerryLab", "rm.mspbackups.com", "client.rmm.mspbackups.com"),
	}
}

var (
	firstNames = []string{"amelia", "ben", "chloe", "daniel", "emma", "farid", "grace", "hiro", "isla", "jonas", "kofi", "lena", "mateo", "nina", "omar", "priya", "quinn", "rosa", "sven", "tara", "umar", "vera", "wei", "yara", "zoe"}
	lastNames  = []string{"adams", "baker", "chen", "diaz", "evans", "fischer", "garcia", "hughes", "ito", "jensen", "khan", "lopez", "moreau", "novak", "oconnor", "patel", "rossi", "silva", "tanaka", "weber"}
	sites      = []string{"nyc", "lon", "ber", "sfo", "tor", "syd"}
	serverRole = []string{"fs", "sql", "app", "dc", "web", "print", "backup"}
)

const domainSID = "S-1-5-21-1004336348-1177238915-682003330"

func newWorld(o Options) *world {
	seed := uint64(o.Seed)
	r := rand.New(rand.NewPCG(seed, 0x5eed0f3a11d0e1c5))
	w := &world{seed: seed, parents: map[string]*program{}}
	for _, p := range []*program{progWininit, progServices, progUserinit, progExplorer} {
		q := *p
		w.parents[p.key] = &q
	}
	fix := func(p *program) {
		if p.parent != nil {
			p.parent = w.parents[p.parent.key]
		}
	}
	for _, k := range []string{"wininit", "services", "userinit", "explorer"} {
		fix(w.parents[k])
		finishProgram(w.parents[k])
	}
	for _, p := range benignPrograms() {
		p.tool = -1
		fix(p)
		finishProgram(p)
		w.benign = append(w.benign, p)
		w.benignSum += p.weight
	}
	for _, p := range nearMissPrograms() {
		fix(p)
		finishProgram(p)
		w.nearMiss = append(w.nearMiss, p)
	}

	// Devices.
	usedNames := map[string]bool{}
	for i := 0; i < o.Devices; i++ {
		d := device{}
		var id [20]byte
		for j := range id {
			id[j] = byte(r.Uint32())
		}
		d.id = hex.EncodeToString(id[:])
		site := sites[r.IntN(len(sites))]
		d.server = r.IntN(100) < 15
		var host string
		for {
			if d.server {
				host = fmt.Sprintf("srv-%s-%s%02d", site, serverRole[r.IntN(len(serverRole))], 1+r.IntN(30))
			} else {
				host = fmt.Sprintf("wks-%s-%04d", site, 1+r.IntN(9999))
			}
			if !usedNames[host] {
				break
			}
		}
		usedNames[host] = true
		d.name = host + ".corp.contoso.com"
		d.ip = fmt.Sprintf("10.%d.%d.%d", 10+r.IntN(40), r.IntN(256), 2+r.IntN(250))
		fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		name := fn + "." + ln
		if d.server {
			name = "adm-" + fn[:1] + ln
		}
		d.user = account{name: name, domain: "contoso", sid: fmt.Sprintf("%s-%d", domainSID, 1100+r.IntN(90000)), upn: name + "@contoso.com"}
		w.devices = append(w.devices, d)
	}

	// RMM tools: each runs on its own devices, preferring devices that run
	// no other tool so that incidents read clearly.
	for ti, t := range o.Tools {
		ts := toolState{profile: t}
		comps := t.companies()
		for bi, b := range t.binaries() {
			company := ""
			if len(comps) > 0 {
				company = comps[bi%len(comps)]
			}
			signer := t.Signer
			if signer == "" {
				signer = t.Company
			}
			ports := t.Ports
			if len(ports) == 0 {
				ports = []int{443}
			}
			folder := t.FolderPath
			if folder == "" {
				folder = `C:\Program Files\` + t.Name
			}
			p := &program{key: fmt.Sprintf("tool-%d-%d", ti, bi), file: b, folder: folder, company: company, product: t.Product,
				version: fmt.Sprintf("%d.%d.%d.%d", 5+r.IntN(4), r.IntN(10), r.IntN(10), r.IntN(300)), description: strings.TrimSuffix(b, ".exe"), original: b,
				cmd: `"{path}"`, parent: w.parents["services"], system: true, size: 400_000 + r.Int64N(8_000_000),
				domains: t.Domains, ports: ports, lifetime: 24 * time.Hour, signer: signer, tool: ti}
			if bi > 0 {
				p.cmd = `"{path}" -service`
			}
			finishProgram(p)
			ts.programs = append(ts.programs, p)
		}
		n := t.Devices
		if n == 0 {
			n = 2
		}
		ts.devices = w.pickDevices(r, n)
		for _, di := range ts.devices {
			w.devices[di].tools = append(w.devices[di].tools, ti)
		}
		w.tools = append(w.tools, ts)
	}
	w.nmDevices = w.pickDevices(r, 2)
	for _, di := range w.nmDevices {
		w.devices[di].nearMiss = true
	}
	return w
}

// pickDevices chooses n distinct devices, those without any tool first.
func (w *world) pickDevices(r *rand.Rand, n int) []int {
	if n > len(w.devices) {
		n = len(w.devices)
	}
	var free, busy []int
	for i, d := range w.devices {
		if len(d.tools) == 0 && !d.nearMiss {
			free = append(free, i)
		} else {
			busy = append(busy, i)
		}
	}
	r.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	r.Shuffle(len(busy), func(i, j int) { busy[i], busy[j] = busy[j], busy[i] })
	return append(free, busy...)[:n]
}

// finishProgram fills hashes and signing facts derived from the program's
// identity, so they are stable across runs and tables.
func finishProgram(p *program) {
	id := "rmmhunt-gen\x00" + p.folder + `\` + p.file + "\x00" + p.version
	s1 := sha1.Sum([]byte(id))
	s2 := sha256.Sum256([]byte(id))
	m := md5.Sum([]byte(id))
	p.sha1, p.sha256, p.md5 = hex.EncodeToString(s1[:]), hex.EncodeToString(s2[:]), hex.EncodeToString(m[:])
	if p.signer == "" {
		switch {
		case p.microsoft && p.folder == `C:\Windows\System32`, p.microsoft && p.folder == `C:\Windows`:
			p.signer = "Microsoft Windows"
		case p.microsoft:
			p.signer = "Microsoft Corporation"
		default:
			p.signer = p.company
		}
	}
	if p.issuer == "" {
		switch {
		case p.signer == "Microsoft Windows":
			p.issuer = "Microsoft Windows Production PCA 2011"
		case p.microsoft:
			p.issuer = "Microsoft Code Signing PCA 2011"
		case len(p.signer)%3 == 0:
			p.issuer = "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1"
		case len(p.signer)%3 == 1:
			p.issuer = "Sectigo Public Code Signing CA R36"
		default:
			p.issuer = "GlobalSign GCC R45 EV CodeSigning CA 2020"
		}
	}
}

// mix is a stateless 64-bit hash (splitmix64 finaliser) over several values.
func mix(vals ...uint64) uint64 {
	h := uint64(0x243f6a8885a308d3)
	for _, v := range vals {
		h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		h ^= h >> 30
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 27
		h *= 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// instance identifies one run of a program on a device: the run that is
// alive at time t. Runs start at fixed slots of the program's lifetime,
// shifted per device.
type instance struct {
	pid     int64
	created int64 // ticks
}

func (w *world) instance(p *program, dev int, t int64) instance {
	life := int64(p.lifetime / 100)
	if life <= 0 {
		life = int64(time.Hour / 100)
	}
	phase := int64(mix(w.seed, uint64(dev), strHash(p.key)) % uint64(life))
	slot := floorDiv(t-phase, life)
	start := slot*life + phase
	h := mix(w.seed, uint64(dev), strHash(p.key), uint64(slot))
	pid := int64(4 * (250 + h%12000))
	if p.key == "wininit" || p.key == "services" {
		pid = int64(4 * (100 + h%150)) // boot-time processes have small ids
	}
	return instance{pid: pid, created: start}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// remoteIP returns one of a few stable public addresses of a host.
func remoteIP(host string, k int) string {
	h := mix(strHash(host), uint64(k%4))
	a, b := byte(h>>8), byte(h>>16)
	c := 1 + byte(h>>24)%253
	suffix := func(s ...string) bool {
		for _, x := range s {
			if strings.HasSuffix(host, x) {
				return true
			}
		}
		return false
	}
	switch {
	case suffix("google.com", "gstatic.com", "googleapis.com", "youtube.com", "ytimg.com", "gvt1.com"):
		return fmt.Sprintf("142.250.%d.%d", a, c)
	case suffix("microsoft.com", "windowsupdate.com", "office.com", "office365.com", "live.com", "live.net", "msn.com", "skype.com", "sharepoint.com", "sfx.ms", "officeapps.live.com", "office.net", "bing.com", "windows.net", "azure.com", "msftncsi.com", "msftconnecttest.com", "windows.com"):
		return fmt.Sprintf("%d.%d.%d.%d", []int{13, 20, 40, 52}[h%4], 64+a%64, b, c)
	case suffix("amazonaws.com", "cloudfront.net", "mspbackups.com", "cloudberrylab.com", "splashtop.com"):
		return fmt.Sprintf("%d.%d.%d.%d", []int{3, 18, 52, 54}[h%4], a, b, c)
	case suffix("akamai.net"):
		return fmt.Sprintf("23.%d.%d.%d", a, b, c)
	case suffix("github.com", "githubusercontent.com"):
		return fmt.Sprintf("140.82.%d.%d", 112+a%16, c)
	case suffix("slack.com", "slack-edge.com"):
		return fmt.Sprintf("34.%d.%d.%d", a, b, c)
	case suffix("zoom.us"):
		return fmt.Sprintf("170.114.%d.%d", a, c)
	case suffix("anydesk.com"):
		return fmt.Sprintf("195.181.%d.%d", 160+a%16, c)
	case suffix("teamviewer.com"):
		return fmt.Sprintf("217.146.%d.%d", a%32, c)
	case suffix("screenconnect.com", "connectwise.com"):
		return fmt.Sprintf("147.75.%d.%d", a, c)
	case suffix("atera.com"):
		return fmt.Sprintf("20.%d.%d.%d", 40+a%40, b, c)
	default:
		return fmt.Sprintf("104.%d.%d.%d", 16+a%16, b, c)
	}
}
