package gen

import "time"

// IncidentNow is the --now the example incident in examples/incident is
// meant to be hunted with: the seed rule's window now(-5d)..now() is then
// 2026-03-03T00:00:00Z..2026-03-08T00:00:00Z.
var IncidentNow = time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)

// ExampleIncident returns the options that generate table of the bundled
// example incident (examples/incident/<table>.jsonl): twelve devices over
// 2026-03-01..2026-03-08 06:00 (so some rows fall outside the seed rule's
// five-day window on either side), two of them running MSP360, one AnyDesk,
// two with MSP360 look-alikes (near misses), and benign noise on all.
func ExampleIncident(table string) Options {
	rows := map[string]int{TableNetwork: 900, TableProcess: 260, TableCertificate: 150}[table]
	tools := DefaultTools()
	return Options{
		Rows:          rows,
		Seed:          20260308,
		Start:         IncidentNow.Add(-7 * 24 * time.Hour),
		End:           IncidentNow.Add(6 * time.Hour),
		RMMShare:      0.06,
		NearMissShare: 0.015,
		Devices:       12,
		Tools:         []ToolProfile{tools[0], tools[1]}, // MSP360 on 2 devices, AnyDesk on 1
		Format:        FormatJSONL,
		Table:         table,
	}
}
