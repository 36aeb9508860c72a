package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/signer"
)

const rewardCallerUsage = `Usage: lpops reward-caller set --caller ADDRESS [flags]
       lpops reward-caller show [flags]

set names ADDRESS the configured orchestrator's LIP-118 reward caller: the
account that may call rewardForTranscoder(orchestrator), so that lpops can sign
with a low-value hot key (lpops signer new) and the orchestrator's key can go
offline. It builds BondingManager.setRewardCaller(ADDRESS) (the BondingManager
resolved through the configured Controller), checks that the orchestrator is
registered and the contracts have LIP-118, and simulates it from the
orchestrator's address (eth_call and a gas estimate). Then:

  --print (the default without --orchestrator-keystore) prints the exact
  transaction (from, to, value, data, chain id, gas) to sign elsewhere: a
  hardware wallet, or any tool that sends raw calldata;

  --orchestrator-keystore FILE --passphrase-file FILE signs it with the
  orchestrator's keystore, only after you type yes (or with --yes), priced
  under reward.max_fee_gwei and reward.max_priority_fee_gwei, waits for the
  receipt and reads transcoderToRewardCaller back from the chain. The
  passphrase comes from a file only (0600), never from the command line.

A caller already set to ADDRESS sends nothing (exit 0); a different caller
already set is replaced only with --replace.

show reads the orchestrator's reward caller from the chain and says whether
it is the account lpops signs with.`

const rewardCallerExample = `lpops reward-caller set --config /etc/lpops/lpops.yaml --caller 0x1234567890abcdef1234567890abcdef12345678`

// stdin is where set reads the operator's confirmation; tests replace it.
var stdin io.Reader = os.Stdin

// setRewardCallerTx is the transaction set builds, as --print --json shows it.
type setRewardCallerTx struct {
	Method         string `json:"method"`
	Orchestrator   string `json:"orchestrator"`
	Caller         string `json:"caller"`
	PreviousCaller string `json:"previous_caller"`
	From           string `json:"from"`
	To             string `json:"to"`
	Value          string `json:"value"`
	Data           string `json:"data"`
	ChainID        uint64 `json:"chain_id"`
	GasEstimate    uint64 `json:"gas_estimate"`
	// Set by a send.
	Hash string `json:"tx,omitempty"`
}

// rewardCallerState is what show prints.
type rewardCallerState struct {
	Orchestrator   string `json:"orchestrator"`
	BondingManager string `json:"bonding_manager"`
	LIP118         bool   `json:"lip118"`
	Registered     bool   `json:"registered"`
	RewardCaller   string `json:"reward_caller"`
	// Signer is the account lpops is configured to sign with ("" when no
	// keystore is configured).
	Signer string `json:"signer,omitempty"`
}

func runRewardCaller(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func(fs *flag.FlagSet) func() {
		return func() {
			fmt.Fprint(stderr, rewardCallerUsage, "\n\nFlags:\n")
			fs.PrintDefaults()
			fmt.Fprintf(stderr, "\nExample:\n  %s\n", rewardCallerExample)
		}
	}
	if len(args) == 0 {
		fs := flag.NewFlagSet("reward-caller", flag.ContinueOnError)
		fs.SetOutput(stderr)
		usage(fs)()
		return exitUsage
	}
	if isHelp(args[0]) {
		args = []string{"set", "--help"} // the flags of set, which has them all
	}
	sub := args[0]
	fs := flag.NewFlagSet("reward-caller "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = usage(fs)
	cf := addConfigFlags(fs, true)
	cf.cmd = "reward-caller " + sub
	asJSON := fs.Bool("json", false, "print JSON")
	var (
		caller, keystore, passFile string
		printOnly, yes, replace    bool
		timeout                    time.Duration
	)
	switch sub {
	case "show":
	case "set":
		fs.StringVar(&caller, "caller", "", "the reward caller's `ADDRESS` (the hot key's, from lpops signer new)")
		fs.BoolVar(&printOnly, "print", false, "print the transaction to sign elsewhere (the default without --orchestrator-keystore)")
		fs.StringVar(&keystore, "orchestrator-keystore", "", "sign and send with the orchestrator's keystore `FILE` (UTC--...)")
		fs.StringVar(&passFile, "passphrase-file", "", "the orchestrator keystore's passphrase, from `FILE` (0600)")
		fs.BoolVar(&yes, "yes", false, "send without asking for confirmation")
		fs.BoolVar(&replace, "replace", false, "replace a different reward caller already set")
		fs.DurationVar(&timeout, "timeout", 5*time.Minute, "how long to wait for the transaction to be mined")
	default:
		fmt.Fprintf(stderr, "lpops reward-caller: unknown action %q (want set or show)\n", sub)
		return exitUsage
	}
	if code, stop := parseFlags(fs, args[1:]); stop {
		return code
	}
	var hot common.Address
	if sub == "set" {
		switch {
		case caller == "":
			fmt.Fprintln(stderr, "lpops reward-caller set: --caller ADDRESS is required")
			return exitUsage
		case !common.IsHexAddress(caller):
			fmt.Fprintf(stderr, "lpops reward-caller set: --caller %q is not a 0x-prefixed 20-byte hex address\n", caller)
			return exitUsage
		case printOnly && keystore != "":
			fmt.Fprintln(stderr, "lpops reward-caller set: give --print or --orchestrator-keystore, not both")
			return exitUsage
		case keystore != "" && passFile == "":
			fmt.Fprintln(stderr, "lpops reward-caller set: --orchestrator-keystore needs --passphrase-file FILE (a passphrase is never taken from the command line)")
			return exitUsage
		case keystore == "" && (passFile != "" || yes):
			fmt.Fprintln(stderr, "lpops reward-caller set: --passphrase-file and --yes go with --orchestrator-keystore")
			return exitUsage
		}
		hot = common.HexToAddress(caller)
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	orch := common.HexToAddress(cfg.PrimaryOrchestrator())
	if sub == "set" && hot == orch {
		fmt.Fprintf(stderr, "lpops reward-caller set: --caller %s is the orchestrator itself; give the hot key's address (lpops signer new)\n", hot.Hex())
		return exitUsage
	}
	pool, err := dialPool(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "lpops reward-caller %s: %v\n", sub, err)
		return exitError
	}
	defer pool.Close()
	rc := &rewardCallers{pool: pool, cfg: cfg, orch: orch}
	st, err := rc.read(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "lpops reward-caller %s: %v\n", sub, err)
		return exitError
	}
	if sub == "show" {
		if cfg.Signer.Configured() {
			// Read-only: names the account of whatever kind signs
			// (keystore, aws-kms, clef) without decrypting or signing.
			if s, err := signer.Open(ctx, cfg.Signer, new(big.Int).SetUint64(cfg.ChainID), true); err == nil {
				st.Signer = s.Address().Hex()
				s.Close()
			}
		}
		if *asJSON {
			return printJSON(stdout, st)
		}
		printRewardCaller(stdout, st)
		if !st.LIP118 {
			return exitError
		}
		return exitOK
	}
	return rc.set(ctx, st, hot, setOptions{keystore: keystore, passFile: passFile, yes: yes, replace: replace, timeout: timeout, json: *asJSON}, stdout, stderr)
}

// rewardCallers reads and sets one orchestrator's reward caller.
type rewardCallers struct {
	pool *chain.Pool
	cfg  *config.Config
	orch common.Address
	bm   common.Address
}

// read resolves the BondingManager and reads whether the orchestrator is
// registered and its reward caller. A BondingManager without LIP-118 is a
// state (LIP118 false), not an error.
func (r *rewardCallers) read(ctx context.Context) (*rewardCallerState, error) {
	addrs, err := livepeer.Resolve(ctx, r.pool, common.HexToAddress(r.cfg.Controller))
	if err != nil {
		return nil, err
	}
	r.bm = addrs.BondingManager
	st := &rewardCallerState{Orchestrator: r.orch.Hex(), BondingManager: r.bm.Hex()}
	var status uint8
	if err := r.call(ctx, nil, "transcoderStatus", &status, r.orch); err != nil {
		return nil, err
	}
	st.Registered = status != 0
	var c common.Address
	err = r.call(ctx, nil, "transcoderToRewardCaller", &c, r.orch)
	switch {
	case livepeer.IsRevert(err):
	case err != nil:
		return nil, err
	default:
		st.LIP118, st.RewardCaller = true, c.Hex()
	}
	return st, nil
}

// call runs a BondingManager view method at the latest block.
func (r *rewardCallers) call(ctx context.Context, from *common.Address, method string, out any, args ...any) error {
	data, err := livepeer.BondingManagerABI.Pack(method, args...)
	if err != nil {
		return err
	}
	msg := map[string]any{"to": r.bm, "data": hexutil.Bytes(data)}
	if from != nil {
		msg["from"] = *from
	}
	var res hexutil.Bytes
	if err := r.pool.Call(ctx, &res, "eth_call", msg, "latest"); err != nil {
		return fmt.Errorf("BondingManager %s.%s: %w", r.bm.Hex(), method, err)
	}
	vals, err := livepeer.BondingManagerABI.Unpack(method, res)
	if err != nil || len(vals) != 1 {
		return fmt.Errorf("BondingManager %s.%s: cannot decode the answer %s", r.bm.Hex(), method, res)
	}
	ok := false
	switch o := out.(type) {
	case *uint8:
		*o, ok = vals[0].(uint8)
	case *common.Address:
		*o, ok = vals[0].(common.Address)
	}
	if !ok {
		return fmt.Errorf("BondingManager %s.%s: answer %T does not fit %T", r.bm.Hex(), method, vals[0], out)
	}
	return nil
}

type setOptions struct {
	keystore, passFile string
	yes, replace, json bool
	timeout            time.Duration
}

// Errors of set that name a state of the chain.
var (
	errNoLIP118      = errors.New("the BondingManager has no LIP-118 (transcoderToRewardCaller reverts): this deployment predates reward callers, so lpops must sign with the orchestrator's own keystore")
	errNotRegistered = errors.New("not a registered orchestrator")
)

func (r *rewardCallers) set(ctx context.Context, st *rewardCallerState, hot common.Address, o setOptions, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(stderr, "lpops reward-caller set:", err)
		return exitError
	}
	switch {
	case !st.LIP118:
		return fail(fmt.Errorf("BondingManager %s: %w", r.bm.Hex(), errNoLIP118))
	case !st.Registered:
		return fail(fmt.Errorf("orchestrator %s (the config's orchestrator) is %w on BondingManager %s: register it (livepeer_cli) before naming its reward caller", r.orch.Hex(), errNotRegistered, r.bm.Hex()))
	case common.HexToAddress(st.RewardCaller) == hot:
		fmt.Fprintf(stdout, "the reward caller of %s is already %s; nothing to send\n", r.orch.Hex(), hot.Hex())
		return exitOK
	case common.HexToAddress(st.RewardCaller) != (common.Address{}) && !o.replace:
		return fail(fmt.Errorf("orchestrator %s already has reward caller %s: give --replace to replace it with %s", r.orch.Hex(), st.RewardCaller, hot.Hex()))
	}
	data, err := livepeer.BondingManagerABI.Pack("setRewardCaller", hot)
	if err != nil {
		return fail(err)
	}
	tx := &setRewardCallerTx{Method: "setRewardCaller(address)", Orchestrator: r.orch.Hex(), Caller: hot.Hex(), PreviousCaller: st.RewardCaller,
		From: r.orch.Hex(), To: r.bm.Hex(), Value: "0", Data: hexutil.Encode(data), ChainID: r.cfg.ChainID}
	msg := map[string]any{"from": r.orch, "to": r.bm, "data": hexutil.Bytes(data)}
	var out hexutil.Bytes
	var gas hexutil.Uint64
	b := []rpcElem{
		{method: "eth_call", args: []any{msg, "latest"}, result: &out},
		{method: "eth_estimateGas", args: []any{msg, "latest"}, result: &gas},
	}
	for _, e := range b {
		if err := r.pool.Call(ctx, e.result, e.method, e.args...); err != nil {
			if livepeer.IsRevert(err) {
				return fail(fmt.Errorf("simulated from %s, setRewardCaller(%s) reverts: %s", r.orch.Hex(), hot.Hex(), livepeer.RevertReason(err)))
			}
			return fail(fmt.Errorf("simulate setRewardCaller: %s: %w", e.method, err))
		}
	}
	tx.GasEstimate = uint64(gas)
	if o.keystore == "" {
		if o.json {
			return printJSON(stdout, tx)
		}
		printSetTx(stdout, tx)
		return exitOK
	}
	return r.send(ctx, tx, data, o, stdout, stderr)
}

// rpcElem is one JSON-RPC call of set's simulation.
type rpcElem struct {
	method string
	args   []any
	result any
}

func printSetTx(w io.Writer, tx *setRewardCallerTx) {
	fmt.Fprintf(w, "Simulated from the orchestrator: setRewardCaller(%s) succeeds (gas estimate %d).\n", tx.Caller, tx.GasEstimate)
	if tx.PreviousCaller != (common.Address{}).Hex() {
		fmt.Fprintf(w, "It replaces the current reward caller %s.\n", tx.PreviousCaller)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Sign and send this transaction from the orchestrator's account:")
	fmt.Fprintf(w, "  from:      %s (the orchestrator)\n", tx.From)
	fmt.Fprintf(w, "  to:        %s (BondingManager)\n", tx.To)
	fmt.Fprintf(w, "  value:     %s\n", tx.Value)
	fmt.Fprintf(w, "  data:      %s\n", tx.Data)
	fmt.Fprintf(w, "  chain id:  %d\n", tx.ChainID)
	fmt.Fprintf(w, "  gas limit: %d or more (estimate %d)\n", tx.GasEstimate*5/4, tx.GasEstimate)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "With a Ledger and Foundry's cast, for example:")
	fmt.Fprintf(w, "  cast send --ledger --rpc-url <your RPC URL> %s %s\n", tx.To, tx.Data)
	fmt.Fprintln(w, "Then check it: lpops reward-caller show")
}

// send signs tx with the orchestrator's keystore once the operator agrees,
// sends it, waits for its receipt and reads the reward caller back.
func (r *rewardCallers) send(ctx context.Context, tx *setRewardCallerTx, data []byte, o setOptions, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(stderr, "lpops reward-caller set:", err)
		return exitError
	}
	ks, err := signer.Watch(o.keystore)
	if err != nil {
		return fail(fmt.Errorf("--orchestrator-keystore: %w", err))
	}
	if ks.Address() != r.orch {
		return fail(fmt.Errorf("--orchestrator-keystore %s holds %s, not the orchestrator %s", o.keystore, ks.Address().Hex(), r.orch.Hex()))
	}
	var p struct {
		pending, mined hexutil.Uint64
		gasPrice, tip  hexutil.Big
		balance        hexutil.Big
		head           struct {
			BaseFee *hexutil.Big `json:"baseFeePerGas"`
		}
	}
	for _, e := range []rpcElem{
		{method: "eth_getTransactionCount", args: []any{r.orch, "pending"}, result: &p.pending},
		{method: "eth_getTransactionCount", args: []any{r.orch, "latest"}, result: &p.mined},
		{method: "eth_getBlockByNumber", args: []any{"latest", false}, result: &p.head},
		{method: "eth_gasPrice", result: &p.gasPrice},
		{method: "eth_getBalance", args: []any{r.orch, "latest"}, result: &p.balance},
	} {
		if err := r.pool.Call(ctx, e.result, e.method, e.args...); err != nil {
			return fail(fmt.Errorf("%s: %w", e.method, err))
		}
	}
	if err := r.pool.Call(ctx, &p.tip, "eth_maxPriorityFeePerGas"); err != nil {
		p.tip = p.gasPrice // not every node answers it
	}
	if p.pending > p.mined {
		return fail(fmt.Errorf("the orchestrator %s has %d transaction(s) waiting in a pool (pending nonce %d, mined %d): let them be mined first (is the node sending?)",
			r.orch.Hex(), uint64(p.pending-p.mined), uint64(p.pending), uint64(p.mined)))
	}
	feeCap := config.GweiToWei(r.cfg.Reward.MaxFeeGwei)
	var tipCap *big.Int
	if r.cfg.Reward.MaxPriorityFeeGwei > 0 {
		tipCap = config.GweiToWei(r.cfg.Reward.MaxPriorityFeeGwei)
	}
	var baseFee *big.Int
	if p.head.BaseFee != nil {
		baseFee = p.head.BaseFee.ToInt()
	}
	maxFee, tip, why := capFee(baseFee, p.gasPrice.ToInt(), p.tip.ToInt(), feeCap, tipCap)
	if why != "" {
		return fail(fmt.Errorf("not sending: %s (reward.max_fee_gwei %s)", why, fmtGwei(r.cfg.Reward.MaxFeeGwei)))
	}
	gasLimit := tx.GasEstimate * 5 / 4
	need := new(big.Int).Mul(maxFee, new(big.Int).SetUint64(gasLimit))
	if p.balance.ToInt().Cmp(need) < 0 {
		return fail(fmt.Errorf("the orchestrator %s holds %s wei, less than the %s wei the transaction may cost (gas %d × max fee %s wei)",
			r.orch.Hex(), p.balance.ToInt(), need, gasLimit, maxFee))
	}
	chainID := new(big.Int).SetUint64(r.cfg.ChainID)
	var unsigned *types.Transaction
	if baseFee == nil {
		unsigned = types.NewTx(&types.LegacyTx{Nonce: uint64(p.pending), GasPrice: maxFee, Gas: gasLimit, To: &r.bm, Data: data})
	} else {
		unsigned = types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: uint64(p.pending), GasTipCap: tip, GasFeeCap: maxFee, Gas: gasLimit, To: &r.bm, Data: data})
	}
	// The key opens before the question, so a yes is never met with a
	// wrong passphrase.
	s, err := openKeystore(o.keystore, o.passFile, chainID)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "About to send, signed by the orchestrator %s:\n", r.orch.Hex())
	fmt.Fprintf(stdout, "  BondingManager(%s).setRewardCaller(%s)\n", tx.To, tx.Caller)
	if tx.PreviousCaller != (common.Address{}).Hex() {
		fmt.Fprintf(stdout, "  replacing the reward caller %s\n", tx.PreviousCaller)
	}
	fmt.Fprintf(stdout, "  nonce %d, gas limit %d, max fee %s wei/gas (tip %s), chain id %d\n", uint64(p.pending), gasLimit, maxFee, tip, r.cfg.ChainID)
	if !o.yes {
		fmt.Fprint(stdout, "Type yes to send it: ")
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			fmt.Fprintln(stdout)
			return fail(errors.New("not confirmed; nothing sent"))
		}
	}
	signed, err := s.Sign(unsigned)
	if err != nil {
		return fail(err)
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		return fail(err)
	}
	hash, err := r.pool.Broadcast(ctx, raw)
	if err != nil {
		return fail(fmt.Errorf("send %s: %w", signed.Hash().Hex(), err))
	}
	tx.Hash = hash.Hex()
	fmt.Fprintf(stdout, "sent %s; waiting for it to be mined\n", hash.Hex())
	rcpt, err := r.waitReceipt(ctx, hash, o.timeout)
	if err != nil {
		return fail(err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return fail(fmt.Errorf("transaction %s was mined in block %s but reverted", hash.Hex(), rcpt.BlockNumber))
	}
	var got common.Address
	if err := r.call(ctx, nil, "transcoderToRewardCaller", &got, r.orch); err != nil {
		return fail(fmt.Errorf("mined in block %s, but reading it back: %w", rcpt.BlockNumber, err))
	}
	if got != common.HexToAddress(tx.Caller) {
		return fail(fmt.Errorf("mined in block %s, but transcoderToRewardCaller(%s) reads %s, not %s", rcpt.BlockNumber, r.orch.Hex(), got.Hex(), tx.Caller))
	}
	if o.json {
		return printJSON(stdout, tx)
	}
	fmt.Fprintf(stdout, "mined in block %s; on chain, transcoderToRewardCaller(%s) = %s\n", rcpt.BlockNumber, r.orch.Hex(), got.Hex())
	fmt.Fprintln(stdout, "Next: point lpops' signer at the hot key, restart it, and check with lpops status.")
	return exitOK
}

// openKeystore decrypts the orchestrator's keystore with the passphrase in
// passFile, which must be private to its owner.
func openKeystore(keystore, passFile string, chainID *big.Int) (*signer.Signer, error) {
	pass, err := config.ReadSecretFile("--passphrase-file", passFile)
	if err != nil {
		return nil, err
	}
	if n := len(pass); n > 0 && pass[n-1] == '\n' {
		pass = pass[:n-1]
		if n := len(pass); n > 0 && pass[n-1] == '\r' {
			pass = pass[:n-1]
		}
	}
	if len(pass) == 0 {
		return nil, fmt.Errorf("--passphrase-file: %s is empty", passFile)
	}
	s, err := signer.Load(keystore, pass, chainID)
	clear(pass)
	if err != nil {
		return nil, fmt.Errorf("--orchestrator-keystore: %w", err)
	}
	return s, nil
}

// waitReceipt polls for the receipt of hash until timeout.
func (r *rewardCallers) waitReceipt(ctx context.Context, hash common.Hash, timeout time.Duration) (*types.Receipt, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var rcpt *types.Receipt
		err := r.pool.Call(ctx, &rcpt, "eth_getTransactionReceipt", hash)
		if err == nil && rcpt != nil {
			return rcpt, nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return nil, fmt.Errorf("transaction %s: no receipt after %s: %w", hash.Hex(), timeout, err)
			}
			return nil, fmt.Errorf("transaction %s: no receipt after %s (it may still be mined: lpops reward-caller show)", hash.Hex(), timeout)
		case <-tick.C:
		}
	}
}

// capFee prices a transaction under the fee caps as the keeper prices
// reward: maxFee twice the base fee plus the tip, cut to feeCap; the tip cut
// to tipCap. It says why when the base fee itself is at or above the cap.
func capFee(baseFee, gasPrice, suggestedTip, feeCap, tipCap *big.Int) (maxFee, tip *big.Int, why string) {
	if baseFee == nil {
		if gasPrice.Cmp(feeCap) > 0 {
			return nil, nil, fmt.Sprintf("gas price %s wei above the cap %s wei", gasPrice, feeCap)
		}
		return new(big.Int).Set(gasPrice), new(big.Int).Set(gasPrice), ""
	}
	if baseFee.Cmp(feeCap) >= 0 {
		return nil, nil, fmt.Sprintf("base fee %s wei/gas at or above the cap %s wei/gas", baseFee, feeCap)
	}
	tip = new(big.Int).Set(suggestedTip)
	if tipCap != nil && tip.Cmp(tipCap) > 0 {
		tip.Set(tipCap)
	}
	maxFee = new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
	if maxFee.Cmp(feeCap) > 0 {
		maxFee.Set(feeCap)
	}
	if room := new(big.Int).Sub(maxFee, baseFee); tip.Cmp(room) > 0 {
		tip = room
	}
	return maxFee, tip, ""
}

func printRewardCaller(w io.Writer, st *rewardCallerState) {
	fmt.Fprintf(w, "orchestrator:     %s\n", st.Orchestrator)
	fmt.Fprintf(w, "bonding manager:  %s\n", st.BondingManager)
	fmt.Fprintf(w, "registered:       %v\n", st.Registered)
	if !st.LIP118 {
		fmt.Fprintln(w, "reward caller:    - (this BondingManager has no LIP-118)")
		return
	}
	rc := st.RewardCaller
	if common.HexToAddress(rc) == (common.Address{}) {
		rc = "none"
	}
	fmt.Fprintf(w, "reward caller:    %s\n", rc)
	if st.Signer == "" {
		return
	}
	switch {
	case common.HexToAddress(st.Signer) == common.HexToAddress(st.RewardCaller):
		fmt.Fprintf(w, "lpops signs with: %s (the reward caller: lpops calls rewardForTranscoder)\n", st.Signer)
	case common.HexToAddress(st.Signer) == common.HexToAddress(st.Orchestrator):
		fmt.Fprintf(w, "lpops signs with: %s (the orchestrator's own key: lpops calls reward)\n", st.Signer)
	default:
		fmt.Fprintf(w, "lpops signs with: %s (neither the orchestrator nor its reward caller: reward would revert)\n", st.Signer)
	}
}
