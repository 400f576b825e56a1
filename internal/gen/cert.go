package gen

import (
	"encoding/hex"
	"strings"
	"time"
)

// certRow writes one DeviceFileCertificateInfo row into g.row: the signing
// facts of a binary seen on a device. SHA1 matches the SHA1 and
// InitiatingProcessSHA1 columns of the other tables.
func (g *generator) certRow(t int64) rowKind {
	kind := benignKind
	var p *program
	var dev int
	if g.r.Float64() < g.o.RMMShare {
		kind.tool, p, dev = g.pickTool()
	} else {
		dev = g.r.IntN(len(g.w.devices))
		p = g.pickProgram()
		if g.r.IntN(10) == 0 {
			p = pick(g.r, []*program{g.w.parents["services"], g.w.parents["explorer"], progCmd, progPowerShell, progConhost})
		}
	}
	d := &g.w.devices[dev]
	o := &g.row
	o.reset()
	o.time("Timestamp", t)
	o.str("DeviceId", d.id)
	o.str("DeviceName", d.name)
	o.str("SHA1", p.sha1)
	o.boolean("IsSigned", true)
	o.str("SignatureType", "Embedded")
	o.str("Signer", p.signer)
	o.str("SignerHash", hashHex(p.signer, 20))
	o.str("Issuer", p.issuer)
	o.str("IssuerHash", hashHex(p.issuer, 20))
	serial := hashHex("serial\x00"+p.signer, 19)
	if p.microsoft {
		serial = "33" + serial[2:]
	}
	o.str("CertificateSerialNumber", serial)
	crl := "http://crl3.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl"
	switch {
	case p.microsoft && p.signer == "Microsoft Windows":
		crl = "http://www.microsoft.com/pkiops/crl/MicWinProPCA2011_2011-10-19.crl"
	case p.microsoft:
		crl = "http://www.microsoft.com/pkiops/crl/MicCodSigPCA2011_2011-07-08.crl"
	case strings.HasPrefix(p.issuer, "Sectigo"):
		crl = "http://crl.sectigo.com/SectigoPublicCodeSigningCAR36.crl"
	case strings.HasPrefix(p.issuer, "GlobalSign"):
		crl = "http://crl.globalsign.com/gsgccr45evcodesignca2020.crl"
	}
	o.str("CrlDistributionPointUrls", `["`+crl+`"]`)
	h := mix(strHash(p.signer))
	created := time.Date(2023+int(h%3), time.Month(1+h/3%12), 1+int(h/36%28), int(h/1008%24), 0, 0, 0, time.UTC)
	o.time("CertificateCreationTime", toTicks(created))
	o.time("CertificateExpirationTime", toTicks(created.AddDate(1+int(h/24192%3), 0, 0)))
	if g.r.IntN(3) == 0 {
		o.null("CertificateCountersignatureTime")
	} else {
		o.time("CertificateCountersignatureTime", toTicks(created.Add(time.Duration(h%200)*24*time.Hour)))
	}
	o.boolean("IsTrusted", true)
	o.boolean("IsRootSignerMicrosoft", p.microsoft)
	o.num("ReportId", g.nextReportID())
	return kind
}

// hashHex is a stable pseudo-hash of s, n bytes long, in hex.
func hashHex(s string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(mix(strHash(s), uint64(i/8)) >> (8 * (i % 8)))
	}
	return hex.EncodeToString(b)
}
