// Package sanction reads the list of RMM tools an organisation runs on
// purpose ("sanctioned tools"), optionally scoped to device name patterns,
// device groups or tenants, and tells whether a finding falls in that scope.
//
// Sanctioned findings are labelled and sorted after the others, never
// hidden. The package imports only the YAML library and the standard
// library.
package sanction

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Entry is one sanctioned tool and its scope. An empty scope (no devices,
// groups or tenants) sanctions the tool everywhere.
type Entry struct {
	Tool         string   `yaml:"tool"`
	Devices      []string `yaml:"devices"`       // device name glob patterns (case-insensitive; * and ?)
	DeviceGroups []string `yaml:"device_groups"` // Defender machine groups (MachineGroup)
	Tenants      []string `yaml:"tenants"`       // tenant ids (TenantId)
	Owner        string   `yaml:"owner"`
	Reason       string   `yaml:"reason"`
	Line         int      `yaml:"-"`
}

// Config is a sanctioned-tools file.
type Config struct {
	File    string
	Entries []*Entry
}

type fileShape struct {
	Sanctioned []yaml.Node `yaml:"sanctioned"`
}

// Load reads a sanctioned-tools file. Errors carry file:line.
func Load(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// Parse parses a sanctioned-tools file's content.
func Parse(file string, data []byte) (*Config, error) {
	var shape fileShape
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&shape); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	c := &Config{File: file}
	for _, n := range shape.Sanctioned {
		var e Entry
		d := n
		if err := d.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s:%d:%d: %v", file, n.Line, n.Column, err)
		}
		known := map[string]bool{"tool": true, "devices": true, "device_groups": true, "tenants": true, "owner": true, "reason": true}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; !known[k] {
				return nil, fmt.Errorf("%s:%d:%d: unknown key %q (want tool, devices, device_groups, tenants, owner, reason)", file, n.Content[i].Line, n.Content[i].Column, k)
			}
		}
		if strings.TrimSpace(e.Tool) == "" {
			return nil, fmt.Errorf("%s:%d:%d: a sanctioned entry needs a tool", file, n.Line, n.Column)
		}
		for _, p := range e.Devices {
			if _, err := path.Match(strings.ToLower(p), ""); err != nil {
				return nil, fmt.Errorf("%s:%d:%d: bad device pattern %q: %v", file, n.Line, n.Column, p, err)
			}
		}
		e.Line = n.Line
		c.Entries = append(c.Entries, &e)
	}
	return c, nil
}

// Match returns the entry that sanctions a finding of tool on a device
// (name, machine group, tenant; empty when unknown), or nil. A scope
// dimension the finding does not carry cannot match.
func (c *Config) Match(tool, device, group, tenant string) *Entry {
	if c == nil || tool == "" {
		return nil
	}
	for _, e := range c.Entries {
		if !strings.EqualFold(e.Tool, tool) {
			continue
		}
		if len(e.Devices) == 0 && len(e.DeviceGroups) == 0 && len(e.Tenants) == 0 {
			return e
		}
		for _, p := range e.Devices {
			if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(device)); ok && device != "" {
				return e
			}
		}
		for _, g := range e.DeviceGroups {
			if group != "" && strings.EqualFold(g, group) {
				return e
			}
		}
		for _, t := range e.Tenants {
			if tenant != "" && strings.EqualFold(t, tenant) {
				return e
			}
		}
	}
	return nil
}
