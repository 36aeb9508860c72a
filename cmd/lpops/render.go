package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/render"
)

const renderUsage = `Usage: lpops render [--config FILE] --out DIR [--force]

Render the host configuration of the orchestrator from the configuration
FILE (its host: section, with the rpc, node, signer and alert keys lpops
itself reads) into DIR:

  livepeer.service, geth.service (host.geth.enabled), lpops.service
                       systemd units: LimitNOFILE, Restart=always, hardening,
                       secrets passed as systemd credentials (LoadCredential=)
  journald.conf.d/lpops.conf, logrotate.d/lpops, chrony.conf,
  sysctl.d/90-lpops.conf, nftables.conf, fstab, lpops-volumes.sh
  user-data.yaml       cloud-init user-data applying all of the above to a
                       fresh Ubuntu host
  transcoder/         with host.transcoder: a remote transcoder host's
                       livepeer-transcoder.service, nftables.conf, chrony.conf,
                       journald.conf.d and user-data.yaml
  aws/cloudformation.yaml
                       instance, data and chain EBS volumes, Elastic IP,
                       security group, DLM snapshot policy; with
                       host.transcoder, an Auto Scaling group of transcoders
  README.txt           what each file is and how to apply it

The same FILE always renders the same bytes; every file is mode 0644 and holds
nothing secret (secret files are named, never read). DIR must be empty or
missing unless --force is given; --force replaces the rendered files and
leaves other files in DIR alone.

Paths in FILE must be absolute, as the host reads them. Rendering needs
host.node.service_addr, host.node.price_per_unit and host.firewall.ssh_cidrs.
Problems are printed one per line as "FILE: key.path: problem"; exit status
1. A usage error exits 2. FILE is --config, else $LPOPS_CONFIG, else
/etc/lpops/lpops.yaml.
`

const renderExample = `lpops render --config /etc/lpops/lpops.yaml --out ./host/lp-orch-1`

func runRender(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := addConfigFlags(fs, false) // renders the unit's credential paths; reads no secret
	out := fs.String("out", "", "output `DIR`")
	force := fs.Bool("force", false, "write into a non-empty DIR, replacing the rendered files")
	fs.Usage = func() {
		fmt.Fprint(stdout, renderUsage, "\nFlags:\n")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fmt.Fprintf(stdout, "\nExample:\n  %s\n", renderExample)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "Run 'lpops render --help' for usage.")
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "lpops render: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	case *out == "":
		fmt.Fprintln(stderr, "lpops render: --out DIR is required\nRun 'lpops render --help' for usage.")
		return 2
	}
	file, from, err := configFile(cf.path)
	if err != nil {
		fmt.Fprintln(stderr, "lpops render:", err)
		return exitUsage
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "lpops render: configuration file (from %s): %v\n", from, err)
		return 1
	}
	// Parse, not Load: Load resolves relative paths against FILE's directory
	// on this machine, which would mean nothing on the host.
	c, err := config.Parse(data, file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	files, err := render.Render(c, render.Options{Source: file})
	if err != nil {
		fmt.Fprintln(stderr, config.InSource(file, err))
		return 1
	}
	stale, err := render.WriteDir(*out, files, *force)
	if err != nil {
		fmt.Fprintln(stderr, "lpops render:", err)
		return 1
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "%s/%s\n", strings.TrimSuffix(*out, "/"), f.Path)
	}
	for _, s := range stale {
		fmt.Fprintf(stderr, "lpops render: %s/%s was not rendered this time and is left as it was\n", strings.TrimSuffix(*out, "/"), s)
	}
	return 0
}
