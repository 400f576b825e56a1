package gen

import (
	"fmt"
	"strings"
)

// child is a short-lived process started by another one.
type child struct {
	prog *program
	cmd  string
}

var (
	progCmd        = &program{key: "cmd", file: "cmd.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.2506", description: "Windows Command Processor", original: "Cmd.Exe", size: 323584, microsoft: true}
	progPowerShell = &program{key: "powershell", file: "powershell.exe", folder: `C:\Windows\System32\WindowsPowerShell\v1.0`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.2506", description: "Windows PowerShell", original: "PowerShell.EXE", size: 455680, microsoft: true}
	progConhost    = &program{key: "conhost", file: "conhost.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Microsoft® Windows® Operating System", version: "10.0.22621.2506", description: "Console Window Host", original: "CONHOST.EXE", size: 1011712, microsoft: true}
	progMsiexec    = &program{key: "msiexec", file: "msiexec.exe", folder: `C:\Windows\System32`, company: "Microsoft Corporation", product: "Windows Installer - Unicode", version: "5.0.22621.2506", description: "Windows® installer", original: "msiexec.exe", size: 69632, microsoft: true}
)

func init() {
	for _, p := range []*program{progCmd, progPowerShell, progConhost, progMsiexec} {
		finishProgram(p)
	}
}

// What RMM agents run on the machines they manage: the signals hunters look
// for after a network hit.
var rmmChildren = []child{
	{progCmd, `cmd.exe /c "whoami /all"`},
	{progCmd, `cmd.exe /c net group "domain admins" /domain`},
	{progCmd, `cmd.exe /c ipconfig /all`},
	{progPowerShell, `powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Windows\Temp\rmm_script_{n}.ps1"`},
	{progPowerShell, `powershell.exe -NoProfile -NonInteractive -Command "Get-Service | Where-Object {$_.Status -eq 'Running'}"`},
	{progMsiexec, `msiexec.exe /i "C:\Windows\Temp\agent_update_{n}.msi" /qn`},
	{progConhost, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`},
}

// processRow writes one DeviceProcessEvents row into g.row.
func (g *generator) processRow(t int64) rowKind {
	if g.r.Float64() < g.o.RMMShare {
		ti, p, dev := g.pickTool()
		if g.r.IntN(100) < 65 {
			g.writeCreation(t, dev, p)
		} else {
			c := pick(g.r, rmmChildren)
			g.writeChild(t, dev, p, c.prog, strings.ReplaceAll(c.cmd, "{n}", fmt.Sprint(1000+g.r.IntN(9000))))
		}
		return rowKind{tool: ti}
	}
	dev := g.r.IntN(len(g.w.devices))
	p := g.pickProgram()
	switch n := g.r.IntN(100); {
	case n < 70:
		g.writeCreation(t, dev, p)
	case strings.Contains(p.cmd, "--type=utility"):
		// Browsers and Electron apps start renderer processes of themselves.
		cmd := strings.Replace(p.commandLine(g.w.devices[dev].user.name), "--type=utility --utility-sub-type=network.mojom.NetworkService", "--type=renderer", 1)
		g.writeChild(t, dev, p, p, cmd)
	default:
		g.writeChild(t, dev, p, progConhost, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`)
	}
	return benignKind
}

// writeCreation writes the creation of the run of p alive at t: its process
// id is the one network rows of that run carry as InitiatingProcessId.
func (g *generator) writeCreation(t int64, dev int, p *program) {
	d := &g.w.devices[dev]
	inst := g.w.instance(p, dev, t)
	parent := p.parent
	if parent == nil {
		parent = g.w.parents["services"]
	}
	g.writeProcess(t, dev, p, inst.pid, p.commandLine(d.user.name), accountFor(p, d), parent)
}

// writeChild writes the creation of a short-lived child of the run of
// parent alive at t.
func (g *generator) writeChild(t int64, dev int, parent, c *program, cmd string) {
	d := &g.w.devices[dev]
	pid := int64(4 * (250 + g.r.IntN(12000)))
	g.writeProcess(t, dev, c, pid, cmd, accountFor(parent, d), parent)
}

func (g *generator) writeProcess(t int64, dev int, p *program, pid int64, cmd string, acct account, parent *program) {
	d := &g.w.devices[dev]
	o := &g.row
	o.reset()
	o.time("Timestamp", t)
	o.str("DeviceId", d.id)
	o.str("DeviceName", d.name)
	o.str("ActionType", "ProcessCreated")
	o.str("FileName", p.file)
	o.str("FolderPath", strings.ReplaceAll(p.folder, "{user}", d.user.name)+`\`+p.file)
	o.str("SHA1", p.sha1)
	o.str("SHA256", p.sha256)
	o.str("MD5", p.md5)
	o.num("FileSize", p.size)
	o.strOrNull("ProcessVersionInfoCompanyName", p.company)
	o.strOrNull("ProcessVersionInfoProductName", p.product)
	o.strOrNull("ProcessVersionInfoProductVersion", p.version)
	o.strOrNull("ProcessVersionInfoInternalFileName", p.original)
	o.strOrNull("ProcessVersionInfoOriginalFileName", p.original)
	o.strOrNull("ProcessVersionInfoFileDescription", p.description)
	o.num("ProcessId", pid)
	o.str("ProcessCommandLine", cmd)
	level, elev := integrity(acct)
	o.str("ProcessIntegrityLevel", level)
	o.str("ProcessTokenElevation", elev)
	o.time("ProcessCreationTime", t)
	o.str("AccountDomain", acct.domain)
	o.str("AccountName", acct.name)
	o.str("AccountSid", acct.sid)
	o.strOrNull("AccountUpn", acct.upn)
	o.strOrNull("AccountObjectId", objectID(acct))
	o.num("LogonId", logonID(acct, d))
	g.writeInitiating(o, t, dev, parent)
	o.num("ReportId", g.nextReportID())
	o.str("AppGuardContainerId", "")
	o.null("AdditionalFields")
}

// logonID is 999 (0x3e7) for SYSTEM, 996 for NETWORK SERVICE, and a stable
// per-device session id for the interactive user.
func logonID(a account, d *device) int64 {
	switch a.sid {
	case systemAccount.sid:
		return 999
	case networkAccount.sid:
		return 996
	}
	return int64(100_000 + mix(strHash(d.id))%9_000_000)
}
