package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/rmmhunt/rmmhunt/internal/gen"
)

func newGenCmd(s *Streams) *cobra.Command {
	d := gen.DefaultOptions()
	o := d
	var start, end, output string
	cmd := &cobra.Command{
		Use:   "gen [flags]",
		Short: "Generate deterministic synthetic telemetry (for examples and benchmarks)",
		Long: `gen writes synthetic Defender telemetry: realistic benign traffic with a
configurable share of RMM-tool activity and near misses. The same --seed
always gives the same bytes.`,
		Example: `  rmmhunt gen --rows 1000000 --seed 1 -o net.jsonl
  rmmhunt gen --table DeviceProcessEvents --format eventhub --rows 5000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.Start, err = time.Parse(time.RFC3339, start); err != nil {
				return usageErr("--start: %v", err)
			}
			if o.End, err = time.Parse(time.RFC3339, end); err != nil {
				return usageErr("--end: %v", err)
			}
			return writeOut(s, output, func(w io.Writer) error {
				st, err := gen.Write(w, o)
				if err != nil {
					return usageErr("%v", err)
				}
				fmt.Fprintf(s.Err, "wrote %d rows\n", st.Rows)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Rows, "rows", d.Rows, "number of rows")
	f.Int64Var(&o.Seed, "seed", d.Seed, "random seed")
	f.StringVar(&o.Table, "table", d.Table, "table: DeviceNetworkEvents, DeviceProcessEvents or DeviceFileCertificateInfo")
	f.StringVar(&o.Format, "format", d.Format, "format: jsonl (flat API rows), eventhub ({\"records\":[…]}), blob (PT1H.json, CRLF)")
	f.StringVar(&start, "start", d.Start.Format(time.RFC3339), "first timestamp (RFC 3339)")
	f.StringVar(&end, "end", d.End.Format(time.RFC3339), "end of the time range, exclusive (RFC 3339)")
	f.Float64Var(&o.RMMShare, "rmm-share", d.RMMShare, "fraction of rows from RMM tools")
	f.Float64Var(&o.NearMissShare, "near-miss-share", d.NearMissShare, "fraction of near-miss rows")
	f.IntVar(&o.Devices, "devices", d.Devices, "number of devices")
	f.StringVarP(&output, "output", "o", "-", "output file (- for standard output)")
	return cmd
}
