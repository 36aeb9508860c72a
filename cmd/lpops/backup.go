package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"filippo.io/age"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/backup"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/store"
)

const backupUsage = `Usage: lpops backup create  [--config FILE] [--to FILE|DIR|s3://bucket/prefix]
       lpops backup verify  --from FILE|DIR|s3://… [--identity FILE] [--json]
       lpops backup list    [--config FILE] [--from DIR|s3://bucket/prefix]
       lpops backup restore --from FILE|DIR|s3://… --to DIR [--identity FILE] [--force REASON]

create   archives this host's identity and state (the signer's keystore and
         passphrase file, the API token and rpc url files, the config, a
         consistent copy of the state store, backup.node_keystore and
         backup.rendered_dir) with a manifest, encrypted with age to
         backup.recipients, into --to (default: backup.destination). While
         the daemon runs, the state is asked of it (api.token_file).
verify   decrypts an archive (the newest in a DIR or s3 prefix), checks every
         file's SHA-256 against the manifest and prints the manifest.
list     lists the backups in a destination, newest last, with their ages.
restore  verifies an archive and writes it into DIR (which must not exist or
         be empty) with lpops.yaml rewritten to the restored files; it checks
         that the keystore opens, that its address is the manifest's and that
         on chain it is the orchestrator or its reward caller, and refuses to
         bring up a second live signer: if the signer sent a transaction in
         the last --idle-blocks blocks, has one pending, or an lpops API still
         answers at the config's listen address or --old-api, or (with ha:)
         an instance holds the leadership in etcd or etcd cannot be asked,
         it stops, unless --force gives the reason.

The age identity (AGE-SECRET-KEY-1… lines, or an unencrypted OpenSSH private
key) comes from --identity FILE or the file named by $LPOPS_BACKUP_IDENTITY,
never from the command line. S3 credentials: backup.s3 in the config, else
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials or the instance
role; the endpoint and region of verify, list and restore without a config
come from $LPOPS_BACKUP_S3_ENDPOINT and $LPOPS_BACKUP_S3_REGION.

Exit status: 0 done; 1 an error (an archive that does not verify included);
2 a usage error; 3 restore refused: the identity may be live elsewhere (or,
with ha:, the etcd cluster cannot say who leads).
`

const backupExample = `lpops backup restore --from s3://lpops-backups/orch-1 --to /etc/lpops/restored --identity /root/backup-identity.txt`

// exitLiveSigner: restore found signs of the identity signing elsewhere.
const exitLiveSigner = 3

// identityEnv names the file holding the age identity.
const identityEnv = "LPOPS_BACKUP_IDENTITY"

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := stderr
		if len(args) > 0 {
			w = stdout
		}
		fmt.Fprint(w, backupUsage, "\nExample:\n  ", backupExample, "\n")
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "create":
		return backupCreate(ctx, args[1:], stdout, stderr)
	case "verify":
		return backupVerify(ctx, args[1:], stdout, stderr)
	case "list":
		return backupList(ctx, args[1:], stdout, stderr)
	case "restore":
		return backupRestore(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "lpops backup: unknown action %q (create, verify, list, restore)\n", args[0])
	return exitUsage
}

func backupFlags(action string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("backup "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, backupUsage, "\nFlags of ", action, ":\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nExample:\n  %s\n", backupExample)
	}
	return fs
}

func backupCreate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := backupFlags("create", stderr)
	cf := addConfigFlags(fs, true)
	to := fs.String("to", "", "archive `FILE`, directory, or s3://bucket/prefix (default: backup.destination)")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	dest := *to
	if dest == "" {
		dest = cfg.Backup.Destination
	}
	if dest == "" {
		fmt.Fprintln(stderr, "lpops backup create: no destination: give --to or set backup.destination")
		return exitUsage
	}
	recipients, err := backup.Recipients(cfg.Backup)
	if err == nil && len(recipients) == 0 {
		err = errors.New("backup.recipients: no recipients: set the age or SSH public keys that can decrypt the backup")
	}
	if err != nil {
		fmt.Fprintf(stderr, "lpops backup create: %v\n", err)
		return exitError
	}
	h := backup.Host{Config: cfg, ConfigFile: cf.file, Version: buildVersion(), State: commandState(cfg)}
	var name string
	var m backup.Manifest
	if single(dest) {
		var b []byte
		b, m, err = collectBytes(ctx, h, recipients)
		if err == nil {
			name, err = dest, backup.WriteFileAtomic(dest, b)
		}
	} else {
		var t backup.Target
		if t, err = backup.TargetFromConfig(cfg.Backup, dest); err == nil {
			name, m, err = backup.Create(ctx, h, recipients, t)
			name = strings.TrimSuffix(t.String(), "/") + "/" + name
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "lpops backup create: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "backup %s: %d files, signer %s, state from %s, encrypted to %d recipient(s)\n",
		name, len(m.Files), orNone(m.Signer), m.StateSource, len(recipients))
	return exitOK
}

func collectBytes(ctx context.Context, h backup.Host, recipients []age.Recipient) ([]byte, backup.Manifest, error) {
	m, entries, err := backup.Collect(ctx, h)
	if err != nil {
		return nil, m, err
	}
	return backup.Bytes(recipients, m, entries)
}

// single reports whether dest names one archive file rather than a
// destination of many (an s3 prefix or an existing directory, or a path
// ending in /).
func single(dest string) bool {
	if strings.HasPrefix(dest, "s3://") || strings.HasSuffix(dest, "/") {
		return false
	}
	fi, err := os.Stat(dest)
	return err != nil || !fi.IsDir()
}

// commandState copies the state store beside a possibly running daemon:
// through the file when no process holds it, else from the daemon's API.
func commandState(cfg *config.Config) backup.StateFunc {
	return func(ctx context.Context, w io.Writer) (string, error) {
		src, err := backup.FileState(cfg.StateDir)(ctx, w)
		if !errors.Is(err, store.ErrLocked) {
			return src, err
		}
		tok, err := api.LoadToken(cfg.API.TokenFile)
		if err != nil {
			return "", err
		}
		return backup.DaemonState(cfg.Listen, tok)(ctx, w)
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// s3FromEnv is the S3 server of a command run without a config.
func s3FromEnv() backup.S3Options {
	return backup.S3Options{Endpoint: os.Getenv("LPOPS_BACKUP_S3_ENDPOINT"), Region: os.Getenv("LPOPS_BACKUP_S3_REGION")}
}

// openSource opens one archive: a file, the newest in a directory or an s3
// prefix, or the s3 object named.
func openSource(ctx context.Context, from string, o backup.S3Options) (io.ReadCloser, string, error) {
	if !strings.HasPrefix(from, "s3://") {
		fi, err := os.Stat(from)
		if err != nil {
			return nil, "", err
		}
		if !fi.IsDir() {
			f, err := os.Open(from)
			return f, from, err
		}
	}
	dest := from
	var name string
	if strings.HasSuffix(from, ".tar.age") {
		i := strings.LastIndex(from, "/")
		dest, name = from[:i], from[i+1:]
	}
	t, err := backup.OpenTarget(dest, o)
	if err != nil {
		return nil, "", err
	}
	if name == "" {
		objs, err := t.List(ctx)
		if err != nil {
			return nil, "", err
		}
		if len(objs) == 0 {
			return nil, "", fmt.Errorf("%s: %w", from, backup.ErrNoObject)
		}
		name = objs[len(objs)-1].Name
	}
	rc, err := t.Get(ctx, name)
	return rc, strings.TrimSuffix(t.String(), "/") + "/" + name, err
}

// identityFlag reads --identity, else $LPOPS_BACKUP_IDENTITY.
func identities(flagPath string) ([]age.Identity, error) {
	p := flagPath
	if p == "" {
		p = os.Getenv(identityEnv)
	}
	if p == "" {
		return nil, fmt.Errorf("no age identity: give --identity FILE or set %s=FILE", identityEnv)
	}
	return backup.ReadIdentities(p)
}

// openArchive opens and verifies the archive at from.
func openArchive(ctx context.Context, from, identity string) (*backup.Archive, string, error) {
	ids, err := identities(identity)
	if err != nil {
		return nil, "", err
	}
	rc, name, err := openSource(ctx, from, s3FromEnv())
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	a, err := backup.Open(rc, ids)
	if err != nil {
		return nil, name, fmt.Errorf("%s: %w", name, err)
	}
	return a, name, nil
}

func backupVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := backupFlags("verify", stderr)
	from := fs.String("from", "", "archive `FILE`, or the newest in a directory or s3://bucket/prefix")
	identity := fs.String("identity", "", "age identity `FILE` (default: $"+identityEnv+")")
	asJSON := fs.Bool("json", false, "print the manifest as JSON")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if *from == "" {
		fmt.Fprintln(stderr, "lpops backup verify: --from is required")
		return exitUsage
	}
	a, name, err := openArchive(ctx, *from, *identity)
	if err != nil {
		fmt.Fprintf(stderr, "lpops backup verify: %v\n", err)
		return exitError
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(a.Manifest)
		return exitOK
	}
	printManifest(stdout, name, &a.Manifest)
	return exitOK
}

func printManifest(w io.Writer, name string, m *backup.Manifest) {
	fmt.Fprintf(w, "%s: every file matches the manifest\n", name)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "created\t%s (%s ago)\n", m.CreatedAt.Format(time.RFC3339), time.Since(m.CreatedAt).Round(time.Second))
	fmt.Fprintf(tw, "host\t%s\n", m.Hostname)
	fmt.Fprintf(tw, "lpops\t%s\n", m.LpopsVersion)
	fmt.Fprintf(tw, "network\t%s (chain id %d)\n", m.Network, m.ChainID)
	fmt.Fprintf(tw, "orchestrator\t%s\n", m.Orchestrator)
	fmt.Fprintf(tw, "signer\t%s\n", orNone(m.Signer))
	if len(m.NodeAccounts) > 0 {
		fmt.Fprintf(tw, "node accounts\t%s\n", strings.Join(m.NodeAccounts, ", "))
	}
	fmt.Fprintf(tw, "state\t%s\n", m.StateSource)
	tw.Flush()
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nFILE\tROLE\tBYTES\tSHA256\tFROM")
	for _, f := range m.Files {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", f.Name, f.Role, f.Size, f.SHA256, f.Original)
	}
	tw.Flush()
}

func backupList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := backupFlags("list", stderr)
	cf := addConfigFlags(fs, true)
	from := fs.String("from", "", "directory or s3://bucket/prefix (default: backup.destination)")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	var t backup.Target
	var err error
	if *from != "" && cf.path == "" && os.Getenv(configEnv) == "" {
		t, err = backup.OpenTarget(*from, s3FromEnv())
	} else {
		cfg, code := cf.load(stderr)
		if cfg == nil {
			return code
		}
		if *from == "" && cfg.Backup.Destination == "" {
			fmt.Fprintln(stderr, "lpops backup list: no destination: give --from or set backup.destination")
			return exitUsage
		}
		t, err = backup.TargetFromConfig(cfg.Backup, *from)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lpops backup list: %v\n", err)
		return exitError
	}
	objs, err := t.List(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "lpops backup list: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "%d backup(s) in %s\n", len(objs), t)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tBYTES\tAGE")
	now := time.Now()
	for _, o := range objs {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", o.Name, o.Size, now.Sub(o.Time).Round(time.Second))
	}
	tw.Flush()
	return exitOK
}

func backupRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := backupFlags("restore", stderr)
	from := fs.String("from", "", "archive `FILE`, or the newest in a directory or s3://bucket/prefix")
	to := fs.String("to", "", "`DIR` to restore into: absent or empty")
	identity := fs.String("identity", "", "age identity `FILE` (default: $"+identityEnv+")")
	force := fs.String("force", "", "restore even if the identity may be live elsewhere; `REASON` is printed")
	idle := fs.Uint64("idle-blocks", 1200, "the signer must have sent nothing for this many `BLOCKS`")
	var oldAPIs listFlag
	fs.Var(&oldAPIs, "old-api", "an lpops API `URL` of the old host that must not answer (repeatable; the config's listen is always tried)")
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(stderr, "lpops backup restore: --from and --to are required")
		return exitUsage
	}
	if isFlagSet(fs, "force") && strings.TrimSpace(*force) == "" {
		fmt.Fprintln(stderr, "lpops backup restore: --force needs the reason, e.g. --force \"old host destroyed, disk wiped\"")
		return exitUsage
	}
	dir, err := filepath.Abs(*to)
	if err == nil {
		err = emptyOrAbsent(dir)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lpops backup restore: --to: %v\n", err)
		return exitUsage
	}
	a, name, err := openArchive(ctx, *from, *identity)
	if err != nil {
		fmt.Fprintf(stderr, "lpops backup restore: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "restoring %s (made %s on %s, signer %s)\n", name, a.Manifest.CreatedAt.Format(time.RFC3339), a.Manifest.Hostname, orNone(a.Manifest.Signer))
	// Restore beside DIR, check, then move into place: a refused restore
	// leaves no keystore and config ready to start.
	tmp := dir + ".restoring"
	_ = os.RemoveAll(tmp)
	if err := backup.Restore(a, tmp); err != nil {
		os.RemoveAll(tmp)
		fmt.Fprintf(stderr, "lpops backup restore: %v\n", err)
		return exitError
	}
	code := checkRestored(ctx, tmp, a, *idle, oldAPIs, *force, stdout, stderr)
	if code != exitOK {
		os.RemoveAll(tmp)
		return code
	}
	_ = os.Remove(dir) // empty, or absent
	if err := os.Rename(tmp, dir); err != nil {
		fmt.Fprintf(stderr, "lpops backup restore: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "restored into %s; start it with: lpops run --config %s\n", dir, filepath.Join(dir, backup.ConfigName))
	warnMissingHostFiles(filepath.Join(dir, backup.ConfigName), stdout)
	return exitOK
}

// warnMissingHostFiles names the files the restored config needs that an
// archive never holds (the S3 credentials): the daemon
// does not start until they are in place on this host.
func warnMissingHostFiles(cfgPath string, w io.Writer) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return
	}
	for field, p := range map[string]string{
		"backup.s3.access_key_id_file": cfg.Backup.S3.AccessKeyIDFile, "backup.s3.secret_access_key_file": cfg.Backup.S3.SecretAccessKeyFile,
	} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(w, "note: %s names %s, which is not on this host (backups do not hold it); lpops run needs it\n", field, p)
		}
	}
}

// checkRestored opens the restored keystore and checks it against the
// manifest, the config and the chain, then looks for a live signer.
func checkRestored(ctx context.Context, dir string, a *backup.Archive, idle uint64, oldAPIs []string, force string, stdout, stderr io.Writer) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "lpops backup restore: "+format+"\n", args...)
		return exitError
	}
	cfg, err := config.Load(filepath.Join(dir, backup.ConfigName))
	if err != nil {
		return fail("the restored config: %v", err)
	}
	if cfg.Signer.Keystore == "" {
		fmt.Fprintln(stdout, "no signer in the config (observe mode): nothing can sign twice")
		return exitOK
	}
	pass, err := cfg.Signer.Passphrase()
	if err != nil {
		return fail("%v", err)
	}
	s, err := signer.Load(cfg.Signer.Keystore, pass, new(big.Int).SetUint64(cfg.ChainID))
	clear(pass)
	if err != nil {
		return fail("the restored keystore does not open: %v", err)
	}
	addr := s.Address()
	if a.Manifest.Signer != "" && !strings.EqualFold(a.Manifest.Signer, addr.Hex()) {
		return fail("the keystore is %s, the manifest says %s", addr.Hex(), a.Manifest.Signer)
	}
	fmt.Fprintf(stdout, "keystore opens: %s\n", addr.Hex())
	if code := checkLeadership(ctx, cfg.HA, force, stdout, stderr); code != exitOK {
		return code
	}
	eps, err := cfg.EndpointURLs()
	if err != nil {
		return fail("%v", err)
	}
	if len(eps) == 0 {
		return fail("the restored config names no rpc endpoint to check the chain with")
	}
	cctx, cancel := context.WithTimeout(ctx, cfg.Chain.RequestTimeout.Duration*3)
	defer cancel()
	c, err := rpc.DialContext(cctx, eps[0].URL)
	if err != nil {
		return fail("rpc %s: %v", eps[0].Name, err)
	}
	defer c.Close()
	id := backup.Identity{Orchestrator: common.HexToAddress(cfg.PrimaryOrchestrator()), Signer: addr, Controller: common.HexToAddress(cfg.Controller), ChainID: cfg.ChainID}
	how, err := backup.CheckChain(cctx, c, id)
	if err != nil {
		return fail("chain check (%s): %v", eps[0].Name, err)
	}
	fmt.Fprintf(stdout, "on chain %d, %s is %s of %s\n", cfg.ChainID, addr.Hex(), how, id.Orchestrator.Hex())
	err = backup.Liveness(cctx, c, addr, idle, append([]string{cfg.Listen}, oldAPIs...))
	switch {
	case errors.Is(err, backup.ErrLiveSigner) && force != "":
		fmt.Fprintf(stderr, "lpops backup restore: WARNING: %v\nlpops backup restore: going on because of --force: %s\n", err, force)
	case errors.Is(err, backup.ErrLiveSigner):
		fmt.Fprintf(stderr, "lpops backup restore: refused: %v\nStop the old host first (and wait until its transactions are mined and %d blocks have passed), or give --force with the reason if it is gone for good.\n", err, idle)
		return exitLiveSigner
	case err != nil:
		return fail("liveness check: %v", err)
	default:
		fmt.Fprintf(stdout, "no sign of a live signer: no transaction of %s in the last %d blocks, none pending, no old lpops API answering\n", addr.Hex(), idle)
	}
	return exitOK
}

// leaseCheckTimeout bounds the question to the etcd cluster of ha:.
const leaseCheckTimeout = 10 * time.Second

// checkLeadership refuses a restore while an instance of the restored
// config's HA election holds the leadership, or while the etcd cluster
// cannot say whether one does, unless force gives the reason.
func checkLeadership(ctx context.Context, h config.HA, force string, stdout, stderr io.Writer) int {
	if !h.Enabled() {
		return exitOK
	}
	l, err := backup.LeaseHolder(ctx, h, leaseCheckTimeout)
	switch {
	case err != nil && force != "":
		fmt.Fprintf(stderr, "lpops backup restore: WARNING: ha: %v\nlpops backup restore: going on because of --force: %s\n", err, force)
	case errors.Is(err, backup.ErrLiveSigner):
		fmt.Fprintf(stderr, "lpops backup restore: refused: ha: %v\nStop that instance first (its lease ends when it stops, or lease_ttl after its host died), or give --force with the reason.\n", err)
		return exitLiveSigner
	case err != nil:
		fmt.Fprintf(stderr, "lpops backup restore: refused: ha: %v\nWithout an answer from etcd another instance may be signing; put the ha.tls and ha.auth files on this host and make the cluster reachable, or give --force with the reason.\n", err)
		return exitLiveSigner
	default:
		fmt.Fprintf(stdout, "ha: %s\n", l)
	}
	return exitOK
}

// emptyOrAbsent accepts a directory that does not exist or is empty.
func emptyOrAbsent(dir string) error {
	des, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(des) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	return nil
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }
