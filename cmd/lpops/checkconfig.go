package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"

	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/notify"
	"github.com/lpops/lpops/internal/signer"
)

const checkConfigUsage = `Usage: lpops check-config [--syntax-only] [--credentials-dir DIR] [FILE | --config FILE]

Load and validate the configuration FILE without running anything: decode it
strictly (unknown keys are errors), apply defaults and the network preset,
check every setting, then check that the keystore file can be read and that
the passphrase and every endpoint URL kept in a file or environment variable
resolve. Secrets are read but never printed. Nothing is sent to the chain.

With --syntax-only it checks the file alone, for a configuration repository's
CI: it parses it and checks keys, types and every setting that needs no
secret, and reads no secret file and no environment variable.

FILE is the argument, or --config, else $LPOPS_CONFIG, else
/etc/lpops/lpops.yaml. Secret files under /run/credentials/lpops.service/,
which exist only inside the running unit, are read from
host.lpops.credentials_dir (or --credentials-dir) instead.

On success it prints "FILE: ok" and a summary and exits 0; settings that are
valid but risky (a listen address other than loopback) are printed to stderr
as "FILE: warning: key.path: problem" and do not change the exit status.
Otherwise it prints
every problem to stderr, one per line as "FILE: key.path: problem", and exits
1. A usage error exits 2.

Example:
  lpops check-config /etc/lpops/lpops.yaml
  lpops check-config --syntax-only examples/lpops.yaml
`

const checkConfigShortUsage = "Usage: lpops check-config [--syntax-only] [FILE | --config FILE]\nRun 'lpops check-config --help' for details.\n"

func runCheckConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := addConfigFlags(fs, true)
	syntaxOnly := fs.Bool("syntax-only", false, "check the file alone: read no secret file and no environment variable")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, checkConfigUsage, "\nFlags:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprint(stderr, checkConfigShortUsage)
		return exitUsage
	}
	switch {
	case fs.NArg() > 1:
		fmt.Fprintf(stderr, "lpops check-config: want one FILE argument, got %d\n%s", fs.NArg(), checkConfigShortUsage)
		return exitUsage
	case fs.NArg() == 1 && cf.path != "" && cf.path != fs.Arg(0):
		fmt.Fprintf(stderr, "lpops check-config: give FILE or --config FILE, not both\n%s", checkConfigShortUsage)
		return exitUsage
	case fs.NArg() == 1:
		cf.path = fs.Arg(0)
	}
	if *syntaxOnly {
		return checkSyntax(cf.path, stdout, stderr)
	}
	c, code := cf.load(stderr)
	if c == nil {
		return code
	}
	signer, err := checkSecrets(ctx, c)
	if err != nil {
		fmt.Fprintln(stderr, config.InSource(cf.file, c.Place(err)))
		if cf.mapped > 0 {
			fmt.Fprintf(stderr, "%s: note: outside lpops.service, the %d files under %s were read from %s (host.lpops.credentials_dir, or --credentials-dir)\n",
				cf.file, cf.mapped, config.CredentialsPrefix, c.Host.Lpops.CredentialsDir)
		}
		return exitError
	}
	for _, w := range c.Warnings() {
		fmt.Fprintf(stderr, "%s: warning: %s\n", cf.file, w)
	}
	fmt.Fprintf(stdout, "%s: ok\n", cf.file)
	printSummary(stdout, c, signer)
	return exitOK
}

// checkSyntax is check-config --syntax-only: Parse, not Load, so that
// nothing but the file itself is read (and relative paths stay as written).
func checkSyntax(flagPath string, stdout, stderr io.Writer) int {
	file, from, err := configFile(flagPath)
	if err != nil {
		fmt.Fprintln(stderr, "lpops check-config:", err)
		return exitUsage
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "lpops check-config: configuration file (from %s): %v\n", from, err)
		return exitError
	}
	c, err := config.Parse(data, file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	for _, w := range c.Warnings() {
		fmt.Fprintf(stderr, "%s: warning: %s\n", file, w)
	}
	fmt.Fprintf(stdout, "%s: ok (syntax only: no secret was read)\n", file)
	printSummary(stdout, c, "")
	return exitOK
}

// checkSecrets does what Load does not: it reads the keystore file, the
// passphrase and the endpoint URLs kept outside the file, so a missing
// credential shows up now rather than when the daemon first needs it. It
// returns the keystore's address ("" without a keystore). A remote signer
// is reached as the daemon would: KMS answers GetPublicKey (credentials, key
// spec and usage checked), clef answers its version.
func checkSecrets(ctx context.Context, c *config.Config) (signer string, err error) {
	var errs []error
	if k := c.Signer.Kind; k == config.SignerKindAWSKMS || k == config.SignerKindClef {
		s, err := openSigner(ctx, c, k == config.SignerKindAWSKMS)
		if err != nil {
			errs = append(errs, fmt.Errorf("signer: %w", err))
		} else {
			signer = s.Address().Hex()
			s.Close()
		}
	} else if c.Signer.Keystore != "" {
		addr, err := keystoreAddress(c.Signer.Keystore)
		if err != nil {
			errs = append(errs, fmt.Errorf("signer.keystore: %w", err))
		}
		signer = addr
		pass, err := c.Signer.Passphrase()
		if err != nil {
			errs = append(errs, err)
		}
		clear(pass)
	}
	errs = append(errs, checkEntrySigners(ctx, c)...)
	if _, err := c.EndpointURLs(); err != nil {
		errs = append(errs, err)
	}
	// Channel secrets (tokens, webhook URLs in files) are read as the daemon
	// would, so a missing one shows up now.
	if _, err := notify.NewAll(c.Alerts.Channels); err != nil {
		errs = append(errs, err)
	}
	if _, err := api.ConfigToken(c.API); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.Alerts.Heartbeat.URL(); err != nil {
		errs = append(errs, err)
	}
	if err := ha.CheckSecrets(c.HA); err != nil {
		errs = append(errs, err)
	}
	return signer, errors.Join(errs...)
}

// checkEntrySigners checks the signers of orchestrators: entries that name
// their own as checkSecrets checks the top-level one: the keystore and its
// passphrase read, a remote signer reached.
func checkEntrySigners(ctx context.Context, c *config.Config) []error {
	var errs []error
	for i, o := range c.Orchestrators() {
		if !o.OwnSigner {
			continue
		}
		p := fmt.Sprintf("orchestrators[%d].signer", i)
		if k := o.Signer.Kind; k == config.SignerKindAWSKMS || k == config.SignerKindClef {
			s, err := signer.Open(ctx, o.Signer, new(big.Int).SetUint64(c.ChainID), k == config.SignerKindAWSKMS)
			if err != nil {
				errs = append(errs, config.SignerErrorAt(err, p))
			} else {
				s.Close()
			}
			continue
		}
		if _, err := keystoreAddress(o.Signer.Keystore); err != nil {
			errs = append(errs, fmt.Errorf("%s.keystore: %w", p, err))
		}
		pass, err := o.Signer.Passphrase()
		if err != nil {
			errs = append(errs, config.SignerErrorAt(err, p))
		}
		clear(pass)
	}
	return errs
}

// openSigner opens the configured signer backend, read-only (the account
// only) or able to sign.
func openSigner(ctx context.Context, c *config.Config, readOnly bool) (signer.Backend, error) {
	return signer.Open(ctx, c.Signer, new(big.Int).SetUint64(c.ChainID), readOnly)
}

// keystoreAddress reads a go-ethereum keystore file far enough to know it is
// one and whose key it holds, without decrypting it.
func keystoreAddress(path string) (string, error) {
	s, err := signer.Watch(path)
	if err != nil {
		return "", err
	}
	return s.Address().Hex(), nil
}

func printSummary(w io.Writer, c *config.Config, signer string) {
	r := c.Redacted()
	names := make([]string, len(r.RPC))
	for i, e := range r.RPC {
		names[i] = e.Name
	}
	line := func(k, format string, a ...any) {
		fmt.Fprintf(w, "  %-17s %s\n", k+":", fmt.Sprintf(format, a...))
	}
	line("network", "%s", c.Network)
	line("chain id", "%d", c.ChainID)
	line("controller", "%s", c.Controller)
	orchs := c.Orchestrators()
	if len(orchs) == 1 {
		line("orchestrator", "%s", orchs[0].Address)
	} else {
		line("orchestrators", "%d", len(orchs))
		for i, o := range orchs {
			how := "top-level signer"
			if o.OwnSigner {
				how = "own signer (" + o.Signer.Kind + ")"
			}
			line(fmt.Sprintf("  [%d]", i), "%s, %s", o.Address, how)
		}
	}
	line("endpoints", "%s", strings.Join(names, ", "))
	if c.Node.CLIURL != "" {
		line("node", "%s", c.Node.CLIURL)
	}
	line("reward", "%s (grace %d blocks, max fee %s gwei)", c.Reward.Mode, c.Reward.GraceBlocks, fmtGwei(c.Reward.MaxFeeGwei))
	if c.InitializeRound.Enabled {
		line("initialize round", "after %d blocks (max fee %s gwei)", c.InitializeRound.AfterBlocks, fmtGwei(c.InitializeRound.MaxFeeGwei))
	} else {
		line("initialize round", "off")
	}
	if c.Signer.Keystore != "" {
		source := "file " + c.Signer.PassphraseFile
		switch {
		case c.Signer.PassphraseEnv != "":
			source = "environment variable " + c.Signer.PassphraseEnv
		case c.Signer.PassphraseSecret.IsSet():
			source = "secret " + c.Signer.PassphraseSecret.Ref
		}
		who := signer
		if who == "" { // --syntax-only: the keystore was not opened
			who = c.Signer.Keystore
		}
		line("signer", "%s (passphrase from %s)", who, source)
		for _, o := range orchs {
			if signer != "" && !o.OwnSigner && !strings.EqualFold(signer, o.Address) {
				line("", "signs for %s as its reward caller (LIP-118)", o.Address)
			}
		}
	}
	line("state dir", "%s", c.StateDir)
	line("listen", "%s", c.Listen)
	if c.HA.Enabled() {
		line("ha", "%s on %d etcd endpoints under %s (lease %s)", c.HA.InstanceName(), len(c.HA.Endpoints), c.HA.KeyPrefix, c.HA.LeaseTTL)
	}
}

func fmtGwei(g float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.9f", g), "0"), ".")
}
