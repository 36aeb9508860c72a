package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/livepeer"
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

With signer.kind clef, DIR also holds clef.service, clef/rules.js (the rule
file clef approves lpops' transactions by) and clef/4byte.json. The rule file
names the BondingManager and RoundsManager: from signer.clef.bonding_manager
and signer.clef.rounds_manager, or, with --resolve, read once from the
Controller through the rpc endpoints (the only time render touches the
network; it checks the chain id first). With signer.kind aws-kms the
CloudFormation template gives the instance a role allowed kms:Sign and
kms:GetPublicKey on that one key.

Paths in FILE must be absolute, as the host reads them. Rendering needs
host.node.service_addr, host.node.price_per_unit and host.firewall.ssh_cidrs.
Problems are printed one per line as "FILE: key.path: problem"; exit status
1. A usage error exits 2. FILE is --config, else $LPOPS_CONFIG, else
/etc/lpops/lpops.yaml.
`

const renderExample = `lpops render --config /etc/lpops/lpops.yaml --out ./host/lp-orch-1`

func runRender(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := addConfigFlags(fs, false) // renders the unit's credential paths; reads no secret
	out := fs.String("out", "", "output `DIR`")
	force := fs.Bool("force", false, "write into a non-empty DIR, replacing the rendered files")
	resolve := fs.Bool("resolve", false, "with signer.kind clef, read the BondingManager and RoundsManager for clef's rule file from the Controller on chain")
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
	if *resolve {
		if err := resolveClefContracts(ctx, c, stderr); err != nil {
			fmt.Fprintln(stderr, "lpops render: --resolve:", err)
			return 1
		}
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

// resolveClefContracts fills signer.clef.bonding_manager and rounds_manager
// from the Controller, through the first rpc endpoint that answers on the
// configured chain, and says what it found so the operator can pin them.
func resolveClefContracts(ctx context.Context, c *config.Config, stderr io.Writer) error {
	if c.Signer.Kind != config.SignerKindClef {
		return fmt.Errorf("signer.kind is %s; --resolve reads the contracts of clef's rule file (signer.kind clef)", c.Signer.Kind)
	}
	eps, err := c.EndpointURLs()
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range eps {
		a, err := resolveOn(ctx, e.URL, c)
		if err != nil {
			// The endpoint's name, never its URL: it may hold an API key.
			errs = append(errs, fmt.Errorf("rpc %s: %w", e.Name, err))
			continue
		}
		c.Signer.Clef.BondingManager, c.Signer.Clef.RoundsManager = a.BondingManager.Hex(), a.RoundsManager.Hex()
		fmt.Fprintf(stderr, "lpops render: resolved through rpc %s from the Controller %s: signer.clef.bonding_manager: %s, signer.clef.rounds_manager: %s (set them in the configuration to render without --resolve)\n",
			e.Name, a.Controller.Hex(), a.BondingManager.Hex(), a.RoundsManager.Hex())
		return nil
	}
	return errors.Join(errs...)
}

func resolveOn(ctx context.Context, url string, c *config.Config) (livepeer.Addresses, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Chain.RequestTimeout.Duration)
	defer cancel()
	cl, err := rpc.DialContext(ctx, url)
	if err != nil {
		return livepeer.Addresses{}, errors.New("cannot connect")
	}
	defer cl.Close()
	var id hexutil.Uint64
	if err := cl.CallContext(ctx, &id, "eth_chainId"); err != nil {
		return livepeer.Addresses{}, errors.New("eth_chainId failed")
	}
	if uint64(id) != c.ChainID {
		return livepeer.Addresses{}, fmt.Errorf("chain id %d, not the configured %d", uint64(id), c.ChainID)
	}
	a, err := livepeer.Resolve(ctx, livepeer.RPCCaller{C: cl}, common.HexToAddress(c.Controller))
	if err != nil {
		// A transport error quotes the URL, which may hold an API key.
		return a, errors.New(strings.ReplaceAll(err.Error(), url, "(the endpoint's url)"))
	}
	return a, nil
}
