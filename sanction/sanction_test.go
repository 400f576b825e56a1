package sanction

import (
	"strings"
	"testing"
)

const sample = `sanctioned:
  - tool: AnyDesk
    devices: ["it-*", "*.helpdesk.example.com"]
    owner: it@example.com
    reason: helpdesk remote support
  - tool: MSP360
    device_groups: ["Backup servers"]
  - tool: TeamViewer
`

func TestMatch(t *testing.T) {
	c, err := Parse("s.yaml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tool, device, group string
		want                bool
	}{
		{"AnyDesk", "IT-042", "", true},
		{"anydesk", "pc1.helpdesk.example.com", "", true},
		{"AnyDesk", "fin-007", "", false},
		{"AnyDesk", "", "", false},
		{"MSP360", "srv1", "Backup servers", true},
		{"MSP360", "srv1", "", false},
		{"TeamViewer", "anything", "", true},
		{"ScreenConnect", "it-1", "", false},
	}
	for _, tc := range tests {
		if got := c.Match(tc.tool, tc.device, tc.group, "") != nil; got != tc.want {
			t.Errorf("Match(%q, %q, %q) = %v, want %v", tc.tool, tc.device, tc.group, got, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, bad := range []string{
		"sanctioned:\n  - devices: [x]\n",
		"sanctioned:\n  - tool: A\n    device: [x]\n",
		"sanctioned:\n  - tool: A\n    devices: ['[']\n",
		"nope: 1\n",
	} {
		_, err := Parse("s.yaml", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), "s.yaml") {
			t.Errorf("%q: error %v, want one naming the file", bad, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse("f.yaml", b)
		if err == nil {
			c.Match("AnyDesk", "x", "y", "z")
		}
	})
}
