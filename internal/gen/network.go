package gen

import (
	"fmt"
	"strconv"
	"strings"
)

// netEvent is one DeviceNetworkEvents row before encoding.
type netEvent struct {
	dev        int
	action     string
	remoteIP   string
	remotePort int
	remoteURL  string
	urlNull    bool
	localIP    string
	localPort  int
	protocol   string
	localType  string
	remoteType string
	prog       *program // nil: no initiating process (inspection events)
	additional []byte   // nil: null
}

func (g *generator) ephemeral() int { return 49152 + g.r.IntN(16383) }

// networkRow writes one DeviceNetworkEvents row into g.row.
func (g *generator) networkRow(t int64) rowKind {
	u := g.r.Float64()
	switch {
	case u < g.o.RMMShare:
		ti, p, dev := g.pickTool()
		e := g.outbound(dev, p, pick(g.r, p.domains), pick(g.r, p.ports))
		switch n := g.r.IntN(100); {
		case n < 6:
			e.action = "ConnectionFailed"
		case n < 11:
			g.dnsInspected(&e, pick(g.r, p.domains))
		}
		g.rmmURL(&e)
		g.writeNet(t, &e)
		return rowKind{tool: ti}
	case u < g.o.RMMShare+g.o.NearMissShare:
		p := pick(g.r, g.w.nearMiss)
		dev := pick(g.r, g.w.nmDevices)
		e := g.outbound(dev, p, pick(g.r, p.domains), 443)
		g.rmmURL(&e)
		g.writeNet(t, &e)
		return rowKind{tool: -1, nearMiss: true}
	}
	dev := g.r.IntN(len(g.w.devices))
	p := g.pickProgram()
	var e netEvent
	if p.inbound {
		e = g.inbound(dev, p)
	} else {
		host := pick(g.r, p.domains)
		port := 443
		if g.r.IntN(10) == 0 {
			port = 80
		}
		e = g.outbound(dev, p, host, port)
		switch n := g.r.IntN(100); {
		case n < 62:
		case n < 68:
			e.action = "ConnectionFailed"
		case n < 71:
			e.action = "ConnectionAttempt"
		case n < 73:
			e.action = "ConnectionRequest"
		case n < 76:
			e.action = "ListeningConnectionCreated"
			e.remoteIP, e.remotePort, e.remoteURL, e.urlNull, e.remoteType = "0.0.0.0", 0, "", false, "Unspecified"
			e.localIP, e.localType = "0.0.0.0", "Unspecified"
			e.localPort = pick(g.r, []int{5040, 7680, 49664, 49665, 49666, 49668, 135})
		case n < 86:
			g.dnsInspected(&e, host)
		case n < 94:
			e.action = "SslConnectionInspected"
			e.prog, e.remoteURL, e.urlNull, e.remotePort = nil, "", false, 443
			e.additional = fmt.Appendf(nil, `{"direction":"Out","version":"TLSv13","cipher":"TLS_AES_256_GCM_SHA384","server_name":%s,"established":true}`, appendJSONString(nil, host))
		case n < 98:
			e.action = "HttpConnectionInspected"
			e.prog, e.remoteURL, e.urlNull, e.remotePort = nil, "", false, 80
			path := "/"
			if len(p.httpPaths) > 0 {
				path = pick(g.r, p.httpPaths)
			}
			e.additional = fmt.Appendf(nil, `{"direction":"Out","host":%s,"method":"GET","uri":%s,"user_agent":"Microsoft-CryptoAPI/10.0","status_code":200,"trans_depth":1,"request_body_len":0,"response_body_len":%d}`,
				appendJSONString(nil, host), appendJSONString(nil, path), 200+g.r.IntN(90000))
		default:
			e.action = "ConnectionFound"
		}
	}
	g.writeNet(t, &e)
	return benignKind
}

// outbound builds a successful outgoing connection of p on dev to host.
func (g *generator) outbound(dev int, p *program, host string, port int) netEvent {
	d := &g.w.devices[dev]
	e := netEvent{
		dev: dev, action: "ConnectionSuccess",
		remoteIP: remoteIP(host, g.r.IntN(4)), remotePort: port,
		localIP: d.ip, localPort: g.ephemeral(),
		protocol: "Tcp", localType: "Private", remoteType: "Public",
		prog: p,
	}
	if g.r.IntN(50) == 0 {
		e.localIP, e.remoteIP = "::ffff:"+e.localIP, "::ffff:"+e.remoteIP
		e.localType, e.remoteType = "FourToSixMapping", "FourToSixMapping"
	}
	if g.r.IntN(25) == 0 {
		e.protocol = "TcpV4"
	}
	// What Defender knows of the host: often nothing.
	switch n := g.r.IntN(100); {
	case n < 50:
		e.remoteURL = host
	case n < 56:
		scheme := "https"
		if port == 80 {
			scheme = "http"
		}
		path := "/"
		if len(p.httpPaths) > 0 {
			path = pick(g.r, p.httpPaths)
		}
		e.remoteURL = scheme + "://" + host + path
	case n < 58:
		e.remoteURL = strings.ToUpper(host)
	case n < 88:
		e.remoteURL = ""
	default:
		e.urlNull = true
	}
	return e
}

// rmmURL rewrites RemoteUrl in the forms RMM agents' connections show up
// with: bare hosts, URLs with scheme, port and path, upper case, or nothing.
func (g *generator) rmmURL(e *netEvent) {
	if e.prog == nil {
		return
	}
	host := pick(g.r, e.prog.domains)
	port := strconv.Itoa(e.remotePort)
	e.urlNull = false
	switch n := g.r.IntN(100); {
	case n < 45:
		e.remoteURL = host
	case n < 57:
		e.remoteURL = "https://" + host + "/"
	case n < 67:
		e.remoteURL = "https://" + host + ":" + port + pick(g.r, []string{"/api/v1/agent/heartbeat", "/api/Connect/Poll", "/settings?build=7.9.4"})
	case n < 75:
		e.remoteURL = host + ":" + port
	case n < 80:
		e.remoteURL = strings.ToUpper(host)
	case n < 90:
		e.remoteURL = ""
	default:
		e.urlNull = true
	}
	e.remoteIP = remoteIP(host, g.r.IntN(4))
	if strings.HasPrefix(e.localIP, "::ffff:") {
		e.remoteIP = "::ffff:" + e.remoteIP
	}
}

// dnsInspected turns e into a DNS inspection event for host: no initiating
// process, the resolver as the remote end and the query in AdditionalFields.
func (g *generator) dnsInspected(e *netEvent, host string) {
	d := &g.w.devices[e.dev]
	e.action = "DnsConnectionInspected"
	answer := remoteIP(host, 0)
	e.prog = nil
	e.remoteIP, e.remotePort, e.remoteType = dnsServer(d.ip), 53, "Private"
	e.localIP, e.localType = d.ip, "Private"
	e.protocol = "Udp"
	e.remoteURL, e.urlNull = "", false
	e.additional = fmt.Appendf(nil, `{"direction":"Out","conn_state":"SF","query":%s,"qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","answers":[%q],"ttls":[%d],"rejected":false}`,
		appendJSONString(nil, host), answer, 60*(1+g.r.IntN(10)))
}

func dnsServer(ip string) string {
	parts := strings.SplitN(ip, ".", 3)
	return parts[0] + "." + parts[1] + ".0.10"
}

// inbound builds an accepted inbound RDP connection from another host.
func (g *generator) inbound(dev int, p *program) netEvent {
	d := &g.w.devices[dev]
	e := netEvent{
		dev: dev, action: "InboundConnectionAccepted",
		remoteIP:   fmt.Sprintf("10.%d.%d.%d", 10+g.r.IntN(40), g.r.IntN(256), 2+g.r.IntN(250)),
		remotePort: g.ephemeral(), localIP: d.ip, localPort: 3389,
		protocol: "Tcp", localType: "Private", remoteType: "Private", prog: p,
	}
	if g.r.IntN(10) == 0 {
		e.action = "ListeningConnectionCreated"
		e.remoteIP, e.remotePort, e.remoteType = "0.0.0.0", 0, "Unspecified"
		e.localIP, e.localType = "0.0.0.0", "Unspecified"
	}
	return e
}

// writeNet encodes e in the column order of the Defender schema.
func (g *generator) writeNet(t int64, e *netEvent) {
	d := &g.w.devices[e.dev]
	o := &g.row
	o.reset()
	o.time("Timestamp", t)
	o.str("DeviceId", d.id)
	o.str("DeviceName", d.name)
	o.str("ActionType", e.action)
	o.str("RemoteIP", e.remoteIP)
	o.num("RemotePort", int64(e.remotePort))
	if e.urlNull {
		o.null("RemoteUrl")
	} else {
		o.str("RemoteUrl", e.remoteURL)
	}
	o.str("LocalIP", e.localIP)
	o.num("LocalPort", int64(e.localPort))
	o.str("Protocol", e.protocol)
	o.str("LocalIPType", e.localType)
	o.str("RemoteIPType", e.remoteType)
	p := e.prog
	if p == nil {
		for _, k := range []string{"InitiatingProcessSHA1", "InitiatingProcessSHA256", "InitiatingProcessMD5", "InitiatingProcessFileName", "InitiatingProcessFileSize",
			"InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName", "InitiatingProcessVersionInfoProductVersion",
			"InitiatingProcessVersionInfoInternalFileName", "InitiatingProcessVersionInfoOriginalFileName", "InitiatingProcessVersionInfoFileDescription"} {
			o.null(k)
		}
		o.num("InitiatingProcessId", 0)
		for _, k := range []string{"InitiatingProcessCommandLine", "InitiatingProcessCreationTime", "InitiatingProcessFolderPath", "InitiatingProcessParentFileName"} {
			o.null(k)
		}
		o.num("InitiatingProcessParentId", 0)
		for _, k := range []string{"InitiatingProcessParentCreationTime", "InitiatingProcessAccountDomain", "InitiatingProcessAccountName", "InitiatingProcessAccountSid",
			"InitiatingProcessAccountUpn", "InitiatingProcessAccountObjectId", "InitiatingProcessIntegrityLevel"} {
			o.null(k)
		}
		o.str("InitiatingProcessTokenElevation", "None")
	} else {
		g.writeInitiating(o, t, e.dev, p)
	}
	o.num("ReportId", g.nextReportID())
	o.str("AppGuardContainerId", "")
	o.raw("AdditionalFields", e.additional)
}

// writeInitiating writes the InitiatingProcess* columns of a network row for
// the run of p alive at t on dev.
func (g *generator) writeInitiating(o *obj, t int64, dev int, p *program) {
	d := &g.w.devices[dev]
	acct := accountFor(p, d)
	inst := g.w.instance(p, dev, t)
	o.str("InitiatingProcessSHA1", p.sha1)
	o.str("InitiatingProcessSHA256", p.sha256)
	o.str("InitiatingProcessMD5", p.md5)
	o.str("InitiatingProcessFileName", p.file)
	o.num("InitiatingProcessFileSize", p.size)
	o.strOrNull("InitiatingProcessVersionInfoCompanyName", p.company)
	o.strOrNull("InitiatingProcessVersionInfoProductName", p.product)
	o.strOrNull("InitiatingProcessVersionInfoProductVersion", p.version)
	o.strOrNull("InitiatingProcessVersionInfoInternalFileName", p.original)
	o.strOrNull("InitiatingProcessVersionInfoOriginalFileName", p.original)
	o.strOrNull("InitiatingProcessVersionInfoFileDescription", p.description)
	o.num("InitiatingProcessId", inst.pid)
	o.str("InitiatingProcessCommandLine", p.commandLine(d.user.name))
	o.time("InitiatingProcessCreationTime", inst.created)
	o.str("InitiatingProcessFolderPath", p.path(d.user.name))
	if p.parent != nil {
		pi := g.w.instance(p.parent, dev, inst.created)
		o.str("InitiatingProcessParentFileName", p.parent.file)
		o.num("InitiatingProcessParentId", pi.pid)
		o.time("InitiatingProcessParentCreationTime", pi.created)
	} else {
		o.null("InitiatingProcessParentFileName")
		o.num("InitiatingProcessParentId", 0)
		o.null("InitiatingProcessParentCreationTime")
	}
	o.str("InitiatingProcessAccountDomain", acct.domain)
	o.str("InitiatingProcessAccountName", acct.name)
	o.str("InitiatingProcessAccountSid", acct.sid)
	o.strOrNull("InitiatingProcessAccountUpn", acct.upn)
	o.strOrNull("InitiatingProcessAccountObjectId", objectID(acct))
	level, elev := integrity(acct)
	o.str("InitiatingProcessIntegrityLevel", level)
	o.str("InitiatingProcessTokenElevation", elev)
}
