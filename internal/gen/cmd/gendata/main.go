// Command gendata writes synthetic Defender telemetry with package gen. It is
// the stand-in the benchmark harness uses until `rmmhunt gen` exists:
//
//	go run ./internal/gen/cmd/gendata --rows 500000 --seed 1 --table DeviceNetworkEvents -o net.jsonl
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rmmhunt/rmmhunt/internal/gen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	d := gen.DefaultOptions()
	fs := flag.NewFlagSet("gendata", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", d.Rows, "number of rows")
	seed := fs.Int64("seed", d.Seed, "random seed")
	table := fs.String("table", d.Table, "table: DeviceNetworkEvents, DeviceProcessEvents or DeviceFileCertificateInfo")
	format := fs.String("format", d.Format, "format: jsonl, eventhub or blob")
	start := fs.String("start", d.Start.Format(time.RFC3339), "first timestamp (RFC 3339)")
	end := fs.String("end", d.End.Format(time.RFC3339), "end of the time range, exclusive (RFC 3339)")
	rmm := fs.Float64("rmm-share", d.RMMShare, "fraction of rows from RMM tools")
	nearMiss := fs.Float64("near-miss-share", d.NearMissShare, "fraction of near-miss rows")
	devices := fs.Int("devices", d.Devices, "number of devices")
	out := fs.String("o", "-", "output file (- for stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o := d
	o.Rows, o.Seed, o.Table, o.Format, o.RMMShare, o.NearMissShare, o.Devices = *rows, *seed, *table, *format, *rmm, *nearMiss, *devices
	var err error
	if o.Start, err = time.Parse(time.RFC3339, *start); err != nil {
		return fmt.Errorf("--start: %w", err)
	}
	if o.End, err = time.Parse(time.RFC3339, *end); err != nil {
		return fmt.Errorf("--end: %w", err)
	}
	w := stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	st, err := gen.Write(w, o)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "gendata: %d rows, %d bytes (%.0f B/row), %d RMM rows, %d near misses\n", st.Rows, st.Bytes, float64(st.Bytes)/float64(max(st.Rows, 1)), st.RMMRows, st.NearMissRows)
	return nil
}
