package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/kmskey"
	"github.com/lpops/lpops/internal/signer"
)

const signerUsage = `Usage: lpops signer new [flags]

Create a new hot key for lpops to sign with: the LIP-118 reward caller that
lets the orchestrator's own key go offline. It prints the key's address, where
the key is, and the signer lines for lpops.yaml; then name the address the
orchestrator's reward caller with 'lpops reward-caller set --caller ADDRESS'.

--kind keystore (the default) writes a go-ethereum keystore file (standard
scrypt parameters) into --dir/keystore/ and a random 256-bit passphrase, which
no one ever types, to --passphrase-out (default --dir/passphrase), both readable
by their owner only (0600, directories 0700). It never overwrites a file:
an existing passphrase file or a key file already in the keystore directory
stops it. Run it as the user lpops runs as (sudo -u lpops), or move the
passphrase into the unit's credentials directory afterwards.

--kind aws-kms creates an asymmetric AWS KMS key (ECC_SECG_P256K1, SIGN_VERIFY)
whose private key never leaves KMS, and derives its address from GetPublicKey.
Credentials come the usual AWS way: environment, shared config and
credentials files (AWS_PROFILE), or the instance role.`

const signerExample = `lpops signer new --dir /var/lib/lpops/hot-key`

// Kinds of key lpops signer new creates.
const (
	kindKeystore = "keystore"
	kindAWSKMS   = "aws-kms"
)

// passphraseBytes is the entropy of a generated keystore passphrase: 256
// bits, as much as the key it protects.
const passphraseBytes = 32

// newKey is what lpops signer new created, as --json prints it.
type newKey struct {
	Kind    string `json:"kind"`
	Address string `json:"address"`
	// Keystore and PassphraseFile: kind keystore.
	Keystore       string `json:"keystore,omitempty"`
	PassphraseFile string `json:"passphrase_file,omitempty"`
	// KeyID, KeyARN, Region, Endpoint and Alias: kind aws-kms.
	KeyID    string `json:"key_id,omitempty"`
	KeyARN   string `json:"key_arn,omitempty"`
	Region   string `json:"region,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	Alias    string `json:"alias,omitempty"`
}

func runSigner(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func(fs *flag.FlagSet) func() {
		return func() {
			fmt.Fprint(stderr, signerUsage, "\n\nFlags:\n")
			fs.PrintDefaults()
			fmt.Fprintf(stderr, "\nExample:\n  %s\n", signerExample)
		}
	}
	if len(args) == 0 {
		fs := flag.NewFlagSet("signer", flag.ContinueOnError)
		fs.SetOutput(stderr)
		usage(fs)()
		return exitUsage
	}
	if isHelp(args[0]) {
		args = []string{"new", "--help"} // its one action's flags
	}
	if args[0] != "new" {
		fmt.Fprintf(stderr, "lpops signer: unknown action %q (want new)\n", args[0])
		return exitUsage
	}
	fs := flag.NewFlagSet("signer new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = usage(fs)
	kind := fs.String("kind", kindKeystore, "`KIND` of key to create: keystore or aws-kms")
	dir := fs.String("dir", "/var/lib/lpops/hot-key", "keystore: write the key file into `DIR`/keystore/ (created 0700)")
	passOut := fs.String("passphrase-out", "", "keystore: write the generated passphrase to `FILE` (0600; default: DIR/passphrase)")
	region := fs.String("region", "", "aws-kms: the AWS `REGION` (default: AWS_REGION, else the shared config)")
	endpoint := fs.String("endpoint", "", "aws-kms: the KMS endpoint `URL` (default: AWS's for the region; a KMS-compatible server in tests)")
	alias := fs.String("alias", "", "aws-kms: also create the alias `NAME` for the key, such as alias/lpops-reward-caller")
	asJSON := fs.Bool("json", false, "print JSON")
	if code, stop := parseFlags(fs, args[1:]); stop {
		return code
	}
	var (
		k   *newKey
		err error
	)
	switch *kind {
	case kindKeystore:
		if *region != "" || *endpoint != "" || *alias != "" {
			fmt.Fprintln(stderr, "lpops signer new: --region, --endpoint and --alias are for --kind aws-kms")
			return exitUsage
		}
		k, err = newKeystoreKey(*dir, *passOut)
	case kindAWSKMS:
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if set["dir"] || set["passphrase-out"] {
			fmt.Fprintln(stderr, "lpops signer new: --dir and --passphrase-out are for --kind keystore")
			return exitUsage
		}
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		k, err = newKMSKey(ctx, *region, *endpoint, *alias)
	default:
		fmt.Fprintf(stderr, "lpops signer new: --kind %q: want keystore or aws-kms\n", *kind)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintln(stderr, "lpops signer new:", err)
		return exitError
	}
	if *asJSON {
		return printJSON(stdout, k)
	}
	printNewKey(stdout, k)
	return exitOK
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// newKeystoreKey generates a key and a passphrase and writes both, refusing
// to replace anything: the passphrase file is claimed first (O_EXCL), and
// removed again if the key file cannot be written.
func newKeystoreKey(dir, passFile string) (*newKey, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ksDir := filepath.Join(dir, "keystore")
	if passFile == "" {
		passFile = filepath.Join(dir, "passphrase")
	}
	if passFile, err = filepath.Abs(passFile); err != nil {
		return nil, err
	}
	if ents, err := os.ReadDir(ksDir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("%s already holds %s: refusing to add a second key beside it (give another --dir)", ksDir, ents[0].Name())
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, d := range []string{ksDir, filepath.Dir(passFile)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	raw := make([]byte, passphraseBytes)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	pass := hex.EncodeToString(raw)
	f, err := os.OpenFile(passFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%s exists: refusing to overwrite a passphrase (remove it, or give --passphrase-out)", passFile)
	}
	if err != nil {
		return nil, err
	}
	_, err = f.WriteString(pass + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(passFile)
		return nil, fmt.Errorf("write %s: %w", passFile, err)
	}
	path, err := signer.WriteKeystore(ksDir, key, pass, false)
	if err != nil {
		os.Remove(passFile)
		return nil, err
	}
	return &newKey{Kind: kindKeystore, Address: crypto.PubkeyToAddress(key.PublicKey).Hex(), Keystore: path, PassphraseFile: passFile}, nil
}

func printNewKey(w io.Writer, k *newKey) {
	fmt.Fprintf(w, "address:     %s\n", k.Address)
	switch k.Kind {
	case kindKeystore:
		fmt.Fprintf(w, "keystore:    %s\n", k.Keystore)
		fmt.Fprintf(w, "passphrase:  %s (0600)\n", k.PassphraseFile)
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Signer lines for lpops.yaml:")
		fmt.Fprintln(w, "signer:")
		fmt.Fprintf(w, "  keystore: %s\n", k.Keystore)
		if dir := config.DefaultHost().Lpops.CredentialsDir; filepath.Dir(k.PassphraseFile) == dir {
			// The unit reads it as a credential; from a shell lpops maps
			// the credential back to this file.
			fmt.Fprintf(w, "  passphrase_file: %s%s   # the unit's copy of %s\n", config.CredentialsPrefix, filepath.Base(k.PassphraseFile), k.PassphraseFile)
		} else {
			fmt.Fprintf(w, "  passphrase_file: %s\n", k.PassphraseFile)
		}
	case kindAWSKMS:
		fmt.Fprintf(w, "key id:      %s\n", k.KeyID)
		fmt.Fprintf(w, "key arn:     %s\n", k.KeyARN)
		if k.Alias != "" {
			fmt.Fprintf(w, "alias:       %s\n", k.Alias)
		}
		fmt.Fprintf(w, "region:      %s\n", k.Region)
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Signer lines for lpops.yaml:")
		fmt.Fprint(w, kmsConfigLines(k))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Next: fund the address with a little ETH, then name it the orchestrator's reward caller:")
	fmt.Fprintf(w, "  lpops reward-caller set --caller %s\n", k.Address)
}

// newKMSKey creates the key in KMS and reads its address back.
func newKMSKey(ctx context.Context, region, endpoint, alias string) (*newKey, error) {
	c, region, err := kmskey.Client(ctx, region, endpoint)
	if err != nil {
		return nil, err
	}
	k, err := kmskey.Create(ctx, c, alias)
	if err != nil {
		return nil, err
	}
	return &newKey{Kind: kindAWSKMS, Address: k.Address.Hex(), KeyID: k.ID, KeyARN: k.ARN, Region: region, Endpoint: endpoint, Alias: k.Alias}, nil
}

// kmsConfigLines are the signer lines that select the new KMS key.
func kmsConfigLines(k *newKey) string {
	var b strings.Builder
	b.WriteString("signer:\n  kind: aws-kms\n  kms:\n")
	id := k.KeyARN
	if id == "" {
		id = k.KeyID
	}
	fmt.Fprintf(&b, "    key_id: %s\n", id)
	fmt.Fprintf(&b, "    region: %s\n", k.Region)
	if k.Endpoint != "" {
		fmt.Fprintf(&b, "    endpoint: %s\n", k.Endpoint)
	}
	return b.String()
}
