package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/rmmhunt/rmmhunt/ingest"
	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Version is the rmmhunt version, set at build time with
// -ldflags "-X github.com/rmmhunt/rmmhunt/internal/cli.Version=v1.2.3".
var Version = "0.1.0-dev"

// Exit codes scripts can rely on.
const (
	ExitOK       = 0 // ran (with or without findings)
	ExitFindings = 1 // findings, with --fail-on-findings (or failing rule tests)
	ExitUsage    = 2 // usage or input error
)

// Streams are the standard streams of a run.
type Streams struct {
	In          io.Reader
	Out         io.Writer
	Err         io.Writer
	OutTerminal bool
	ErrTerminal bool
	Width       int
}

// SystemStreams returns the process's streams.
func SystemStreams() *Streams {
	s := &Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	s.OutTerminal = term.IsTerminal(int(os.Stdout.Fd()))
	s.ErrTerminal = term.IsTerminal(int(os.Stderr.Fd()))
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
		s.Width = w
	}
	return s
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func usageErr(format string, a ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, a...)}
}

func inputErr(err error) error { return &exitError{code: ExitUsage, err: err} }

// Main runs rmmhunt with args and returns the exit code.
func Main(args []string, s *Streams) int {
	prof := &cpuProfile{}
	defer prof.stop() // also when the command failed
	root := newRoot(s, prof)
	root.SetArgs(args)
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(safeText(s.Err), "rmmhunt:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(safeText(s.Err), "rmmhunt:", err)
	return ExitUsage
}

func newRoot(s *Streams, prof *cpuProfile) *cobra.Command {
	root := &cobra.Command{
		Use:   "rmmhunt",
		Short: "Hunt RMM-tool abuse with Sentinel/Defender KQL rules over offline exports",
		Long: `rmmhunt runs Microsoft Sentinel and Defender XDR hunting rules, written in KQL,
over the telemetry exports you have (Defender streaming/API/portal exports,
Sentinel exports, Sysmon) — with Kusto's semantics, on your machine.

It ships a rule pack for hundreds of Remote Monitoring & Management tools
(AnyDesk, MSP360/CloudBerry, ScreenConnect, …; MITRE ATT&CK T1219) and checks
the false-positive exclusions you add before it trusts them.`,
		Example: `  # hunt with the built-in rule pack over an export
  rmmhunt hunt --now 2026-03-08T00:00:00Z examples/incident/

  # ad-hoc KQL over the same files
  rmmhunt query 'DeviceNetworkEvents | summarize count() by ActionType' examples/incident/

  # check a rule without running it
  rmmhunt query --check -f my-rule.kql`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// --cpuprofile: hidden; it is for people measuring rmmhunt.
	root.PersistentFlags().StringVar(&prof.path, "cpuprofile", "", "write a Go CPU profile of the run to FILE")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error { return prof.start() }
	root.AddCommand(newQueryCmd(s), newHuntCmd(s), newVersionCmd(s), newGenCmd(s), newExclusionsCmd(s), newRulesCmd(s), newCatalogCmd(s))
	return root
}

func newVersionCmd(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the rmmhunt version, the commit it was built from, the Go version and the prefilter engine (go or hyperscan)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			bi, _ := debug.ReadBuildInfo()
			fmt.Fprint(s.Out, versionText(bi))
			return nil
		},
	}
}

// vcsInfo is the version-control stamp of a build: the commit, its time
// and whether the tree had uncommitted changes ("" when the build has no
// stamp, as with go run from outside a checkout or go test).
type vcsInfo struct {
	revision, time string
	modified       bool
}

func buildVCS(bi *debug.BuildInfo) vcsInfo {
	var v vcsInfo
	if bi == nil {
		return v
	}
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			v.revision = st.Value
		case "vcs.time":
			v.time = st.Value
		case "vcs.modified":
			v.modified = st.Value == "true"
		}
	}
	return v
}

// versionText is what `rmmhunt version` prints: the version, then, when
// the build carries them, the commit (and whether the tree was modified),
// its time, and the Go version.
func versionText(bi *debug.BuildInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rmmhunt %s\n", Version)
	v := buildVCS(bi)
	if v.revision != "" {
		fmt.Fprintf(&b, "commit   %s", v.revision)
		if v.modified {
			b.WriteString(" (with uncommitted changes)")
		}
		b.WriteByte('\n')
	}
	if v.time != "" {
		fmt.Fprintf(&b, "time     %s\n", v.time)
	}
	if bi != nil && bi.GoVersion != "" {
		fmt.Fprintf(&b, "go       %s\n", bi.GoVersion)
	}
	fmt.Fprintf(&b, "prefilter %s\n", ingest.PrefilterDescription())
	return b.String()
}

// fullVersion is the version for run manifests: Version, plus the first
// 12 digits of the commit (and "+dirty" for a modified tree) when the
// build carries them: "0.1.0-dev (c016175e2a1b)".
func fullVersion() string {
	bi, _ := debug.ReadBuildInfo()
	v := buildVCS(bi)
	if v.revision == "" {
		return Version
	}
	rev := v.revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if v.modified {
		rev += "+dirty"
	}
	return Version + " (" + rev + ")"
}

// parseNow parses --now (RFC 3339 or a date); empty means the wall clock.
func parseNow(text string) (int64, error) {
	if text == "" {
		return types.TicksFromTime(time.Now().UTC()), nil
	}
	if t, ok := types.ParseDateTime(text); ok {
		return t, nil
	}
	return 0, usageErr("--now %q is not a date or time (use RFC 3339, e.g. 2026-03-08T00:00:00Z)", text)
}

func writeOut(s *Streams, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(s.Out)
	}
	f, err := os.Create(path)
	if err != nil {
		return inputErr(err)
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func oneOf(flag, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return usageErr("--%s must be one of %s, not %q", flag, strings.Join(allowed, ", "), v)
}

// cpuProfile is the state of the hidden --cpuprofile FILE flag: a Go CPU
// profile of the run (go tool pprof FILE), started before the command runs
// and stopped when Main returns, whether the command succeeded or not.
type cpuProfile struct {
	path string
	f    *os.File
}

func (p *cpuProfile) start() error {
	if p.path == "" {
		return nil
	}
	f, err := os.Create(p.path)
	if err != nil {
		return usageErr("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return usageErr("--cpuprofile: %v", err)
	}
	p.f = f
	return nil
}

func (p *cpuProfile) stop() {
	if p.f != nil {
		pprof.StopCPUProfile()
		p.f.Close()
		p.f = nil
	}
}
