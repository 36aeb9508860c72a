package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/livepeer"
)

// Where the rendered clef lives on the host. clef runs as its own user with
// its master seed, keystore and encrypted credential store in ClefHome; the
// rule file is root's and read-only.
const (
	ClefBinary = "/usr/local/bin/clef"
	ClefUser   = "clef"
	ClefHome   = "/var/lib/clef"
	ClefRules  = "/etc/clef/rules.js"
	// ClefFourByte lists lpops' method signatures by selector for clef,
	// whose validator refuses calldata with a selector it cannot name and
	// whose built-in list lacks LIP-118's rewardForTranscoder.
	ClefFourByte = "/etc/clef/4byte.json"
	// ClefMasterCredential is the credential (under host.lpops.credentials_dir)
	// holding clef's master password, fed to clef on stdin.
	ClefMasterCredential = "clef-master-password"
)

// ClefModel is what the clef templates see: the rule file's allow-list and
// the unit's command line.
type ClefModel struct {
	Signer         string // lowercase 0x address clef signs with
	ChainID        uint64
	BondingManager string // lowercase 0x addresses
	RoundsManager  string
	Orchestrators  []string // lowercase 0x addresses rewardForTranscoder may name
	// Fee caps in wei (decimal), from reward.max_fee_gwei and
	// initialize_round.max_fee_gwei, and the gas limit cap.
	RewardMaxFeeWei, InitMaxFeeWei string
	MaxGas                         uint64
	Selectors                      map[string]string // method name -> 0x selector
	Args                           []string          // ExecStart of clef.service
	MasterCredential               string            // its source on the host
	MasterCredentialName           string
	Binary, User, Home, RulesPath  string
}

// gweiToWei converts a fee cap in gwei (at most 9 decimals, as config
// validation ensures) to wei, exactly.
func gweiToWei(g float64) (string, error) {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(g, 'f', -1, 64))
	if !ok {
		return "", fmt.Errorf("fee %v gwei is not a number", g)
	}
	r.Mul(r, new(big.Rat).SetInt64(1e9))
	if !r.IsInt() {
		return "", fmt.Errorf("fee %v gwei has more than 9 decimals", g)
	}
	return r.Num().String(), nil
}

// checkClef reports what rendering clef's files needs: the contracts its
// rule file names.
func checkClef(c *config.Config, add func(field, value, msg string)) {
	if c.Signer.Kind != config.SignerKindClef {
		return
	}
	checkClefContracts(c, add)
	// clef makes its IPC socket 0600 for its own user, which lpops is not:
	// the rendered pair talks over HTTP on loopback.
	e := c.Signer.Clef.Endpoint
	if u, err := url.Parse(e); err != nil || u.Scheme != "http" || u.Port() == "" || !loopbackHost(u.Hostname()) {
		add("signer.clef.endpoint", e, "must be http://127.0.0.1:PORT to render clef.service: clef runs as its own user and makes its IPC socket private to it, so lpops reaches it over HTTP on loopback")
	}
}

// checkClefContracts reports a missing contract the rule file must name.
func checkClefContracts(c *config.Config, add func(field, value, msg string)) {
	s := c.Signer.Clef
	if s.BondingManager == "" {
		add("signer.clef.bonding_manager", "", "is required to render clef's rule file (lpops render --resolve reads it from the Controller)")
	}
	if s.RoundsManager == "" {
		add("signer.clef.rounds_manager", "", "is required to render clef's rule file (lpops render --resolve reads it from the Controller)")
	}
}

func loopbackHost(h string) bool {
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// newClefModel derives the rule file's allow-list and clef's unit from c.
func newClefModel(c *config.Config) (*ClefModel, error) {
	s := c.Signer.Clef
	lower := func(a string) string { return strings.ToLower(common.HexToAddress(a).Hex()) }
	m := &ClefModel{
		Signer: lower(s.Address), ChainID: c.ChainID,
		BondingManager: lower(s.BondingManager), RoundsManager: lower(s.RoundsManager),
		Orchestrators:        clefOrchestrators(c, lower),
		MaxGas:               s.MaxGas,
		Selectors:            map[string]string{},
		MasterCredential:     strings.TrimSuffix(c.Host.Lpops.CredentialsDir, "/") + "/" + ClefMasterCredential,
		MasterCredentialName: ClefMasterCredential,
		Binary:               ClefBinary, User: ClefUser, Home: ClefHome, RulesPath: ClefRules,
	}
	var err error
	if m.RewardMaxFeeWei, err = gweiToWei(c.Reward.MaxFeeGwei); err != nil {
		return nil, err
	}
	if m.InitMaxFeeWei, err = gweiToWei(c.InitializeRound.MaxFeeGwei); err != nil {
		return nil, err
	}
	for _, name := range []string{"reward", "rewardWithHint", "rewardForTranscoder", "rewardForTranscoderWithHint"} {
		m.Selectors[name] = "0x" + common.Bytes2Hex(livepeer.BondingManagerABI.Methods[name].ID)
	}
	m.Selectors["initializeRound"] = "0x" + common.Bytes2Hex(livepeer.RoundsManagerABI.Methods["initializeRound"].ID)

	u, err := url.Parse(s.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("signer.clef.endpoint: %w", err)
	}
	m.Args = []string{ClefBinary, "--suppress-bootwarn", "--nousb",
		"--configdir=" + ClefHome, "--keystore=" + ClefHome + "/keystore",
		"--chainid=" + strconv.FormatUint(c.ChainID, 10), "--rules=" + ClefRules,
		"--auditlog=" + ClefHome + "/audit.log", "--4bytedb-custom=" + ClefFourByte,
		"--ipcdisable", "--http", "--http.addr=" + u.Hostname(), "--http.port=" + u.Port()}
	return m, nil
}

// clefMethods are the calls the rule file allows, by contract ABI.
var clefMethods = []struct {
	rounds bool
	name   string
}{{false, "reward"}, {false, "rewardWithHint"}, {false, "rewardForTranscoder"}, {false, "rewardForTranscoderWithHint"}, {true, "initializeRound"}}

// ClefFourByteFile is clef's custom 4-byte database naming lpops' calls
// (selector hex -> signature), for --4bytedb-custom.
func ClefFourByteFile() []byte {
	m := map[string]string{}
	for _, cm := range clefMethods {
		a := livepeer.BondingManagerABI
		if cm.rounds {
			a = livepeer.RoundsManagerABI
		}
		meth := a.Methods[cm.name]
		m[common.Bytes2Hex(meth.ID)] = meth.Sig
	}
	b, _ := json.MarshalIndent(m, "", "  ") // a map of strings always marshals
	return append(b, '\n')
}

// ClefRulesFile renders clef's rule file alone from c (signer.kind clef,
// with the contracts set), as lpops render writes it into clef/rules.js.
func ClefRulesFile(c *config.Config, source string) ([]byte, error) {
	var errs []error
	checkClefContracts(c, func(field, value, msg string) {
		errs = append(errs, &config.ValidationError{Field: field, Value: value, Msg: msg})
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cm, err := newClefModel(c)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, "clef-rules.js.tmpl", &model{Source: source, Clef: cm}); err != nil {
		return nil, fmt.Errorf("render clef/rules.js: %w", err)
	}
	return b.Bytes(), nil
}

// clefOrchestrators are the orchestrators the top-level signer signs for:
// every one without a signer of its own.
func clefOrchestrators(c *config.Config, lower func(string) string) []string {
	var out []string
	for _, o := range c.Orchestrators() {
		if !o.OwnSigner {
			out = append(out, lower(o.Address))
		}
	}
	return out
}
