package catalog

import (
	"fmt"
	"strings"
	"testing"
)

// benignHosts are popular SaaS, CDN and platform hosts that no rule may match.
var benignHosts = []string{
	"www.microsoft.com", "login.microsoftonline.com", "graph.microsoft.com", "outlook.office365.com", "teams.microsoft.com",
	"settings-win.data.microsoft.com", "v10.events.data.microsoft.com", "download.windowsupdate.com", "sls.update.microsoft.com",
	"ctldl.windowsupdate.com", "officecdn.microsoft.com", "aka.ms", "go.microsoft.com", "support.microsoft.com",
	"mystorage.blob.core.windows.net", "myapp.azurewebsites.net", "login.live.com", "onedrive.live.com", "www.bing.com",
	"portal.azure.com", "management.azure.com", "defender.microsoft.com", "mobile.events.data.microsoft.com",
	"www.google.com", "www.googleapis.com", "storage.googleapis.com", "fonts.googleapis.com", "fonts.gstatic.com",
	"www.gstatic.com", "accounts.google.com", "mail.google.com", "drive.google.com", "docs.google.com",
	"clients2.google.com", "update.googleapis.com", "www.youtube.com", "i.ytimg.com", "googleads.g.doubleclick.net",
	"s3.amazonaws.com", "my-bucket.s3.us-east-1.amazonaws.com", "ec2.us-west-2.amazonaws.com", "checkip.amazonaws.com",
	"d1234abcd.cloudfront.net", "sts.amazonaws.com", "aws.amazon.com", "www.amazon.com",
	"www.cloudflare.com", "cdnjs.cloudflare.com", "one.one.one.one", "cloudflare-dns.com", "cdn.cloudflare.net",
	"a248.e.akamai.net", "e1234.dscb.akamaiedge.net", "www.akamai.com", "cdn.jsdelivr.net", "unpkg.com", "fastly.net",
	"github.com", "api.github.com", "raw.githubusercontent.com", "objects.githubusercontent.com", "codeload.github.com",
	"ghcr.io", "gitlab.com", "bitbucket.org", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "proxy.golang.org",
	"slack.com", "app.slack.com", "files.slack.com", "zoom.us", "us02web.zoom.us", "www.dropbox.com", "dl.dropboxusercontent.com",
	"app.box.com", "www.salesforce.com", "login.salesforce.com", "mycompany.atlassian.net", "okta.com", "mycompany.okta.com",
	"api-1234.duosecurity.com", "www.icloud.com", "www.apple.com", "swscan.apple.com", "www.mozilla.org",
	"addons.mozilla.org", "www.linkedin.com", "www.facebook.com", "twitter.com", "www.wikipedia.org",
	"www.zoho.com", "mail.zoho.com", "www.freshworks.com", "www.goto.com", "www.adobe.com", "acrobat.adobe.com",
	"www.office.com", "www.webex.com", "www.docker.com", "registry-1.docker.io", "stunserver.stunprotocol.org",
	"downloads.io", "en.softonic.com", "www.basecamp.com",
}

// benignProcs are everyday processes (file name, company, product); some
// share a file name with a catalogued binary but come from another vendor.
var benignProcs = [][3]string{
	{"chrome.exe", "Google LLC", "Google Chrome"}, {"msedge.exe", "Microsoft Corporation", "Microsoft Edge"},
	{"Teams.exe", "Microsoft Corporation", "Microsoft Teams"}, {"OneDrive.exe", "Microsoft Corporation", "Microsoft OneDrive"},
	{"svchost.exe", "Microsoft Corporation", "Microsoft® Windows® Operating System"}, {"explorer.exe", "Microsoft Corporation", "Microsoft® Windows® Operating System"},
	{"Zoom.exe", "Zoom Video Communications, Inc.", "Zoom"}, {"slack.exe", "Slack Technologies, LLC", "Slack"},
	{"Dropbox.exe", "Dropbox, Inc.", "Dropbox"}, {"firefox.exe", "Mozilla Corporation", "Firefox"},
	{"Code.exe", "Microsoft Corporation", "Visual Studio Code"}, {"git.exe", "The Git Development Community", "Git"},
	{"python.exe", "Python Software Foundation", "Python"}, {"7zFM.exe", "Igor Pavlov", "7-Zip"},
	{"WINWORD.EXE", "Microsoft Corporation", "Microsoft Office"}, {"OUTLOOK.EXE", "Microsoft Corporation", "Microsoft Office"},
	{"Connect.exe", "Contoso Ltd", "Contoso Connect"}, {"Remote Desktop.exe", "Contoso Ltd", "Contoso Remote"},
	{"setup.exe", "Contoso Ltd", "Contoso Setup"}, {"agent.exe", "Datadog, Inc.", "Datadog Agent"},
	{"powershell.exe", "Microsoft Corporation", "Microsoft® Windows® Operating System"}, {"AcroRd32.exe", "Adobe Inc.", "Adobe Acrobat Reader"},
	{"java.exe", "Oracle Corporation", "Java Platform SE"}, {"node.exe", "Node.js", "Node.js"},
	{"CSFalconService.exe", "CrowdStrike, Inc.", "CrowdStrike Falcon Sensor"}, {"vmtoolsd.exe", "VMware, Inc.", "VMware Tools"},
}

var benignSigners = []string{"Microsoft Corporation", "Microsoft Windows", "Google LLC", "Mozilla Corporation",
	"Zoom Video Communications, Inc.", "Slack Technologies, LLC", "Dropbox, Inc", "Adobe Inc.", "Oracle America, Inc.",
	"Apple Inc.", "Intel Corporation", "NVIDIA Corporation", "Cisco Systems, Inc.", "Amazon.com Services LLC",
	"Cloudflare, Inc.", "GitHub, Inc.", "Python Software Foundation", "win.rar GmbH", "VMware, Inc.", "Citrix Systems, Inc.",
	"Dell Inc", "HP Inc.", "Lenovo", "Realtek Semiconductor Corp.", "Symantec Corporation", "CrowdStrike, Inc.",
	"Notepad++", "The Qt Company Oy", "Unity Technologies SF", "OpenVPN Inc."}

type packSpecs struct {
	tool *Tool
	net  *netSpec
	proc *procSpec
	sig  *sigSpec
}

func allSpecs(t *testing.T) (*Catalog, []packSpecs) {
	t.Helper()
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	owners := binaryOwners(c)
	var out []packSpecs
	for _, tool := range c.Tools {
		p := packSpecs{tool: tool}
		p.net, _ = networkSpec(tool)
		p.proc, _ = processSpec(tool, owners)
		p.sig, _ = signatureSpec(tool)
		out = append(out, p)
	}
	return c, out
}

// TestCoverage checks the pack's promised coverage.
func TestCoverage(t *testing.T) {
	_, specs := allSpecs(t)
	nNet, nProcOrSig, nProc, nSig := 0, 0, 0, 0
	for _, p := range specs {
		if p.net != nil {
			nNet++
		}
		if p.proc != nil {
			nProc++
		}
		if p.sig != nil {
			nSig++
		}
		if p.proc != nil || p.sig != nil {
			nProcOrSig++
		}
	}
	t.Logf("tools %d: network %d, process %d, signature %d, process or signature %d", len(specs), nNet, nProc, nSig, nProcOrSig)
	if nNet < 200 || nProcOrSig < 100 {
		t.Errorf("coverage: %d tools with a network rule (want >= 200), %d with a process or signature rule (want >= 100)", nNet, nProcOrSig)
	}
}

// TestMixedDataset mixes every tool's domains, binaries and signers into
// benign traffic: each tool is found by its own rules, and the benign rows
// yield no finding from any rule.
func TestMixedDataset(t *testing.T) {
	c, specs := allSpecs(t)
	type netRow struct{ url, tool string }
	var net []netRow
	for i, h := range benignHosts {
		net = append(net, netRow{[]string{"https://%s/", "%s", "http://%s:80/x?y=1", "%s."}[i%4], ""})
		net[len(net)-1].url = fmt.Sprintf(net[len(net)-1].url, h)
	}
	for _, tool := range c.Tools {
		for _, ds := range tool.Domains {
			d, _ := cachedDomain(ds)
			direct, sub := sampleHosts(d)
			net = append(net, netRow{"https://" + direct + ":443/api", tool.ID})
			if sub != "" {
				net = append(net, netRow{strings.ToUpper(sub), tool.ID})
			}
		}
	}
	found := map[string]map[string]bool{}
	mark := func(id, kind string) {
		if found[id] == nil {
			found[id] = map[string]bool{}
		}
		found[id][kind] = true
	}
	for _, r := range net {
		for _, p := range specs {
			if p.net == nil {
				continue
			}
			if _, ok := p.net.matchURL(r.url); ok {
				if r.tool == "" {
					t.Errorf("benign %q matched the network rule of %s", r.url, p.tool.Name)
				} else if r.tool == p.tool.ID {
					mark(p.tool.ID, KindNetwork)
				} else if !p.tool.MatchURL(r.url) {
					t.Errorf("%s's %q matched %s's rule but not its catalog entry", r.tool, r.url, p.tool.ID)
				}
			}
		}
	}
	type procIn struct {
		row  procRow
		tool string
	}
	var procs []procIn
	for _, b := range benignProcs {
		procs = append(procs, procIn{procRow{b[0], b[0], b[1], b[2]}, ""})
	}
	for _, p := range specs {
		if p.proc == nil {
			continue
		}
		r := procRow{Company: first(p.proc.Companies), Product: first(p.proc.Products)}
		if len(p.proc.Binaries) > 0 {
			r.FileName, r.OriginalFileName = p.proc.Binaries[0], p.proc.Binaries[0]
			if len(p.proc.Companies) > 0 {
				r.Product = ""
			}
		}
		procs = append(procs, procIn{r, p.tool.ID})
	}
	for _, r := range procs {
		for _, p := range specs {
			if p.proc != nil && p.proc.match(r.row) {
				if r.tool == "" {
					t.Errorf("benign process %+v matched the process rule of %s", r.row, p.tool.Name)
				} else if r.tool == p.tool.ID {
					mark(p.tool.ID, KindProcess)
				}
			}
		}
	}
	var sigs []procIn
	for _, s := range benignSigners {
		sigs = append(sigs, procIn{procRow{Company: s}, ""})
	}
	for _, p := range specs {
		if p.sig != nil {
			for _, s := range p.tool.Signers {
				sigs = append(sigs, procIn{procRow{Company: s}, p.tool.ID})
			}
		}
	}
	for _, r := range sigs {
		for _, p := range specs {
			if p.sig != nil && p.sig.match(r.row.Company) {
				if r.tool == "" {
					t.Errorf("benign signer %q matched the signature rule of %s", r.row.Company, p.tool.Name)
				} else if r.tool == p.tool.ID {
					mark(p.tool.ID, KindSignature)
				}
			}
		}
	}
	for _, p := range specs {
		for kind, has := range map[string]bool{KindNetwork: p.net != nil, KindProcess: p.proc != nil, KindSignature: p.sig != nil} {
			if has && !found[p.tool.ID][kind] {
				t.Errorf("%s: its %s rule found nothing in the mixed data set", p.tool.Name, kind)
			}
		}
	}
}
