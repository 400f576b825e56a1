package catalog

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// flexString accepts a JSON string, number, boolean or null (LOLRMM fields
// drift between these) and keeps its text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = ""
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if b[0] == '{' || b[0] == '[' {
		return fmt.Errorf("expected a scalar, got %.20s", b)
	}
	*f = flexString(b)
	return nil
}

// flexList accepts a JSON array of scalars, a single scalar, or null.
type flexList []string

func (f *flexList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = nil
		return nil
	}
	if b[0] != '[' {
		var s flexString
		if err := s.UnmarshalJSON(b); err != nil {
			return err
		}
		*f = flexList{string(s)}
		return nil
	}
	var items []flexString
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	out := make(flexList, 0, len(items))
	for _, s := range items {
		out = append(out, string(s))
	}
	*f = out
	return nil
}

// peMeta is one PEMetadata item.
type peMeta struct {
	Filename         flexString `json:"Filename"`
	OriginalFileName flexString `json:"OriginalFileName"`
	Description      flexString `json:"Description"`
	Product          flexString `json:"Product"`
	Company          flexString `json:"Company"`
	InternalName     flexString `json:"InternalName"`
}

// peMetaList accepts PEMetadata as one object or an array of objects.
type peMetaList []peMeta

func (p *peMetaList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*p = nil
		return nil
	case b[0] == '{':
		var one peMeta
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*p = peMetaList{one}
		return nil
	case b[0] == '[':
		var many []peMeta
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*p = many
		return nil
	}
	return fmt.Errorf("PEMetadata: expected an object or an array, got %.20s", b)
}

type lolCert struct {
	SignerName     flexString `json:"signer_name"`
	SrcFileCompany flexString `json:"src_file_company"`
}

type lolSigning struct {
	Certificates []lolCert `json:"certificates"`
	SignerNames  flexList  `json:"signer_names"`
	CompanyNames flexList  `json:"company_names"`
}

type lolNetwork struct {
	Description flexString `json:"Description"`
	Domains     flexList   `json:"Domains"`
	Ports       flexList   `json:"Ports"`
}

// lolTool is the part of one rmm_tools.json entry that the catalog uses.
type lolTool struct {
	Name     flexString `json:"Name"`
	Category flexString `json:"Category"`
	Details  struct {
		Website           flexString `json:"Website"`
		PEMetadata        peMetaList `json:"PEMetadata"`
		InstallationPaths flexList   `json:"InstallationPaths"`
	} `json:"Details"`
	InstallationPaths flexList `json:"InstallationPaths"`
	Artifacts         struct {
		Network           []lolNetwork `json:"Network"`
		InstallationPaths flexList     `json:"InstallationPaths"`
	} `json:"Artifacts"`
	CodeSigning *lolSigning `json:"CodeSigning"`
}

// parseLOLRMMTools decodes rmm_tools.json. An entry that does not decode is
// an error naming its position and name.
func parseLOLRMMTools(data []byte) ([]lolTool, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("rmm_tools.json: %w", err)
	}
	out := make([]lolTool, 0, len(raw))
	for i, r := range raw {
		var t lolTool
		if err := json.Unmarshal(r, &t); err != nil {
			var probe struct {
				Name flexString `json:"Name"`
			}
			_ = json.Unmarshal(r, &probe)
			return nil, fmt.Errorf("rmm_tools.json: entry %d (%q): %w", i+1, probe.Name, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// lolCertEntry is one rmm_certificates.json entry.
type lolCertEntry struct {
	Name         flexString `json:"name"`
	CompanyNames flexList   `json:"company_names"`
	SignerNames  flexList   `json:"signer_names"`
	Certificates []lolCert  `json:"certificates"`
}

func parseLOLRMMCerts(data []byte) ([]lolCertEntry, error) {
	var out []lolCertEntry
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("rmm_certificates.json: %w", err)
	}
	return out, nil
}

// uriRow is one (URI, tool) pair of rmm_domains.csv or
// RMM_SummaryNetworkURI.csv.
type uriRow struct {
	URI, Tool string
	Line      int
}

// parseURICSV reads a two-column "URI,RMM_Tool" CSV (BOM, CRLF tolerated).
func parseURICSV(name string, data []byte) ([]uriRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var out []uriRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if line == 1 {
			if len(rec) < 2 || !strings.EqualFold(strings.TrimSpace(rec[0]), "URI") {
				return nil, fmt.Errorf("%s:1: header is not URI,RMM_Tool", name)
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 2 {
			return nil, fmt.Errorf("%s:%d: want 2 fields, got %d", name, line, len(rec))
		}
		out = append(out, uriRow{URI: strings.TrimSpace(rec[0]), Tool: strings.TrimSpace(rec[1]), Line: line})
	}
	return out, nil
}
