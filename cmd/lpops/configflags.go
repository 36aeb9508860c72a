package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/config"
)

// Exit statuses shared by every command. Commands give 1 and 3 and more
// their own meanings (lpops reward, lpops doctor); 2 is always a usage
// error: an unknown or missing flag, an extra argument, no configuration.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// configEnv names the configuration file when --config does not.
const configEnv = "LPOPS_CONFIG"

// defaultConfigPath is read when neither --config nor LPOPS_CONFIG names a
// file; it is where the packaged unit and lpops render keep it. Tests point
// it elsewhere.
var defaultConfigPath = "/etc/lpops/lpops.yaml"

// errNoConfig: nothing named a configuration file and the default is absent.
var errNoConfig = errors.New("no configuration file")

// configFile returns the configuration file to read, flag > LPOPS_CONFIG >
// the default, and what named it (for errors). With none set and no file at
// the default path it returns errNoConfig, wrapped in a message naming all
// three.
func configFile(flagPath string) (path, from string, err error) {
	switch {
	case flagPath != "":
		return flagPath, "--config", nil
	case os.Getenv(configEnv) != "":
		return os.Getenv(configEnv), configEnv, nil
	}
	if _, err := os.Stat(defaultConfigPath); err == nil {
		return defaultConfigPath, "the default path", nil
	}
	return "", "", fmt.Errorf("%w: give --config FILE, set %s=FILE, or create %s", errNoConfig, configEnv, defaultConfigPath)
}

// configFlags are the flags of every command that reads the configuration:
// --config and, for those that read secrets, --credentials-dir.
type configFlags struct {
	cmd            string
	path           string // --config
	credentialsDir string // --credentials-dir
	// credentials: the command reads secrets, so it has --credentials-dir
	// and load maps the unit's credentials to files on this host.
	credentials bool
	// unitPaths: load applies --credentials-dir but keeps the unit's
	// paths, for doctor, which audits both.
	unitPaths bool

	// Set by load: the file it read (--config, LPOPS_CONFIG or the
	// default), and how many credential paths it read from the credentials
	// directory instead.
	file   string
	mapped int
}

// addConfigFlags adds --config, and with credentials --credentials-dir, to fs.
func addConfigFlags(fs *flag.FlagSet, credentials bool) *configFlags {
	f := &configFlags{cmd: fs.Name(), credentials: credentials}
	f.register(fs)
	return f
}

// register adds the flags to fs too, for a command with actions that each
// parse their own flags (lpops alerts silence).
func (f *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "config", f.path, "configuration `FILE` (YAML; default: $"+configEnv+", else "+defaultConfigPath+")")
	if f.credentials {
		fs.StringVar(&f.credentialsDir, "credentials-dir", f.credentialsDir,
			"outside lpops.service, read its credentials ("+config.CredentialsPrefix+"NAME) from `DIR`/NAME (default: host.lpops.credentials_dir)")
	}
}

// load finds, loads and validates the configuration, applies
// --credentials-dir and maps the unit's credentials (config.MapCredentials).
// On failure it prints why and returns exitUsage when no file was named, or
// exitError.
func (f *configFlags) load(stderr io.Writer) (*config.Config, int) {
	path, from, err := configFile(f.path)
	if err != nil {
		fmt.Fprintf(stderr, "lpops %s: %v\n", f.cmd, err)
		return nil, exitUsage
	}
	f.file = path
	cfg, err := config.Load(path)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe) && pe.Path == path:
		fmt.Fprintf(stderr, "lpops %s: configuration file (from %s): %v\n", f.cmd, from, err)
		return nil, exitError
	case err != nil:
		fmt.Fprintln(stderr, err) // one "FILE: key: problem" per line
		return nil, exitError
	}
	if f.credentials {
		if err := f.applyCredentials(cfg); err != nil {
			fmt.Fprintf(stderr, "lpops %s: --credentials-dir: %v\n", f.cmd, err)
			return nil, exitUsage
		}
	}
	return cfg, exitOK
}

// applyCredentials sets host.lpops.credentials_dir from --credentials-dir
// and maps the credentials.
func (f *configFlags) applyCredentials(cfg *config.Config) error {
	if f.credentialsDir != "" {
		dir, err := filepath.Abs(f.credentialsDir)
		if err != nil {
			return err
		}
		cfg.Host.Lpops.CredentialsDir = dir
	}
	if !f.unitPaths {
		f.mapped = cfg.MapCredentials()
	}
	return nil
}

// addOrchestratorFlag adds --orchestrator to fs, for the one-shot commands
// that act on one orchestrator (reward, rounds, txs): which one of
// orchestrators: (configFlags.forOrchestrator).
func addOrchestratorFlag(fs *flag.FlagSet) *string {
	return fs.String("orchestrator", "", "act on the orchestrator `ADDR` of orchestrators: (default: the first configured)")
}

// forOrchestrator narrows cfg to the orchestrator --orchestrator names, or
// the first when it names none, signing with that orchestrator's own signer
// (config.ForOrchestrator), whose credentials it maps as load maps the
// top-level signer's. An address that is not configured is a usage error
// that lists the configured ones.
func (f *configFlags) forOrchestrator(cfg *config.Config, addr string, stderr io.Writer) (*config.Config, int) {
	if addr == "" {
		addr = cfg.PrimaryOrchestrator()
	}
	if !common.IsHexAddress(addr) {
		fmt.Fprintf(stderr, "lpops %s: --orchestrator: want a 0x address, got %q\n", f.cmd, addr)
		return nil, exitUsage
	}
	n, ok := cfg.ForOrchestrator(addr)
	if !ok {
		var list []string
		for _, o := range cfg.Orchestrators() {
			list = append(list, strings.ToLower(o.Address))
		}
		fmt.Fprintf(stderr, "lpops %s: --orchestrator %s is not an orchestrator of %s; configured: %s\n",
			f.cmd, strings.ToLower(addr), f.file, strings.Join(list, ", "))
		return nil, exitUsage
	}
	if f.credentials && !f.unitPaths {
		n.MapCredentials() // the entry's own signer
	}
	return n, exitOK
}
