// Command rmmhunt runs Microsoft Sentinel / Defender XDR hunting rules (KQL)
// over offline telemetry exports to hunt abuse of RMM tools.
package main

import (
	"os"

	"github.com/rmmhunt/rmmhunt/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.SystemStreams()))
}
