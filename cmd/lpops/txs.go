package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/lpops/lpops/internal/chain"
	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/livepeer"
	"github.com/lpops/lpops/internal/txdecode"
)

const txsSummary = `List the recent transactions of the orchestrator and of lpops' signer (or of the
--account addresses), newest first, each decoded by the function it called:
time, block, hash, sender, contract, function and arguments, status, gas used
and the fee paid. With orchestrators: (a fleet), those of the first orchestrator
and its signer, or of --orchestrator and its signer.

There is no indexer: transactions are found from the events that name the
account (eth_getLogs over the block range, in --chunk sized requests), from
lpops' own round records (its reward and initializeRound transactions), and
with --scan from the newest blocks read in full. A transaction that emits no
such event (a plain ETH transfer, a call to another contract, the node's
initializeRound, a revert) shows only with --scan, which costs one
eth_getBlockByNumber per block (about 14,400 an hour on Arbitrum).`

// addrList collects repeated --account flags.
type addrList []common.Address

func (l *addrList) String() string { return "" }

func (l *addrList) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if !common.IsHexAddress(p) {
			return fmt.Errorf("want a 0x address, got %q", p)
		}
		*l = append(*l, common.HexToAddress(p))
	}
	return nil
}

func runTxs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("txs", txsSummary, "lpops txs --config /etc/lpops/lpops.yaml --blocks 400000 --scan 2000", stderr)
	cf := addConfigFlags(fs, true)
	var accounts addrList
	fs.Var(&accounts, "account", "list the transactions of this `ADDR` (repeatable; default: the orchestrator and the signer)")
	blocks := fs.Uint64("blocks", 200_000, "search the newest `N` blocks")
	fromBlock := fs.Uint64("from-block", 0, "search from block `B` to the head, instead of --blocks")
	limit := fs.Int("limit", 50, "show the newest `N` transactions (0: all found)")
	scan := fs.Uint64("scan", 0, "also read the newest `N` blocks of the range in full for transactions the accounts sent")
	chunk := fs.Uint64("chunk", txdecode.DefaultChunkBlocks, "ask eth_getLogs for `N` blocks at a time (lower it if the provider refuses the range)")
	all := fs.Bool("all", false, "also list others' transactions that name the accounts in an event (delegators bonding to the orchestrator, LPT sent to it)")
	asJSON := fs.Bool("json", false, "print JSON")
	orch := addOrchestratorFlag(fs)
	if code, stop := parseFlags(fs, args); stop {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["blocks"] && set["from-block"]:
		fmt.Fprintln(stderr, "lpops txs: give --blocks or --from-block, not both")
		return 2
	case *blocks == 0 || *chunk == 0:
		fmt.Fprintln(stderr, "lpops txs: --blocks and --chunk must be at least 1")
		return 2
	case *limit < 0:
		fmt.Fprintln(stderr, "lpops txs: --limit must not be negative")
		return 2
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	fleet := len(cfg.Orchestrators()) > 1
	if cfg, code = cf.forOrchestrator(cfg, *orch, stderr); cfg == nil {
		return code
	}
	pool, err := dialPool(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "lpops txs:", err)
		return 1
	}
	defer pool.Close()
	addrs, err := livepeer.Resolve(ctx, pool, common.HexToAddress(cfg.Controller))
	if err != nil {
		fmt.Fprintln(stderr, "lpops txs:", err)
		return 1
	}
	var head hexutil.Uint64
	if err := pool.Call(ctx, &head, "eth_blockNumber"); err != nil {
		fmt.Fprintln(stderr, "lpops txs: read the head:", err)
		return 1
	}
	from := uint64(0)
	switch {
	case set["from-block"]:
		from = *fromBlock
	case uint64(head)+1 > *blocks:
		from = uint64(head) + 1 - *blocks
	}
	if from > uint64(head) {
		fmt.Fprintf(stderr, "lpops txs: --from-block %d is past the head %d\n", from, head)
		return 2
	}

	// lpops' records: its own transactions, and the signer it used.
	recs, recSrc, recErr := loadRounds(ctx, cfg, 1000, fleet)
	var known []txdecode.KnownTx
	var recordSigner common.Address
	for _, r := range recs {
		for _, t := range r.Txs {
			recordSigner = t.From
			switch t.State {
			case keeper.TxMined, keeper.TxReverted:
				known = append(known, txdecode.KnownTx{Hash: t.Hash, Block: t.Block})
			case keeper.TxSigned, keeper.TxSent:
				known = append(known, txdecode.KnownTx{Hash: t.Hash})
			}
			// Replaced, dropped and rejected transactions never reached
			// the chain.
		}
	}
	roles := accountRoles(cfg, accounts, recordSigner)
	q := txdecode.Query{
		Contracts: addrs, FromBlock: from, ToBlock: uint64(head), Known: known,
		ScanBlocks: *scan, All: *all, Limit: *limit, ChunkBlocks: *chunk,
	}
	for _, r := range roles {
		q.Accounts = append(q.Accounts, r.Address)
	}
	res, err := txdecode.Find(ctx, pool, q)
	if err != nil {
		fmt.Fprintln(stderr, "lpops txs:", err)
		return 1
	}
	sources := []string{fmt.Sprintf("events in blocks %d-%d", res.FromBlock, res.ToBlock)}
	if recErr != nil {
		sources = append(sources, "no lpops records ("+recErr.Error()+")")
	} else {
		sources = append(sources, fmt.Sprintf("lpops' records of %d rounds (from the %s)", len(recs), recSrc))
	}
	if res.ScanFrom > 0 || *scan > 0 {
		sources = append(sources, fmt.Sprintf("blocks %d-%d scanned", res.ScanFrom, res.ToBlock))
	}
	if *asJSON {
		return printJSON(stdout, txsDoc(roles, res, sources))
	}
	printTxs(stdout, roles, res, sources)
	return 0
}

// accountRole is an account whose transactions are listed, and what it is.
type accountRole struct {
	Address common.Address `json:"address"`
	Role    string         `json:"role"`
}

// accountRoles picks the accounts: those given, else the orchestrator and
// the signer (the keystore's address, or the sender of lpops' recorded
// transactions when the keystore cannot be read).
func accountRoles(cfg *config.Config, given []common.Address, recordSigner common.Address) []accountRole {
	orch := common.HexToAddress(cfg.PrimaryOrchestrator())
	signer := recordSigner
	if cfg.Signer.Keystore != "" {
		if a, err := keystoreAddress(cfg.Signer.Keystore); err == nil {
			signer = common.HexToAddress(a)
		}
	}
	role := func(a common.Address) string {
		switch a {
		case orch:
			return "orchestrator"
		case signer:
			return "signer"
		}
		return "account"
	}
	var out []accountRole
	seen := map[common.Address]bool{}
	add := func(a common.Address) {
		if a != (common.Address{}) && !seen[a] {
			seen[a] = true
			out = append(out, accountRole{a, role(a)})
		}
	}
	if len(given) > 0 {
		for _, a := range given {
			add(a)
		}
		return out
	}
	add(orch)
	add(signer)
	return out
}

// dialPool connects to the configured endpoints as the daemon does, without
// its metrics or the signer.
func dialPool(ctx context.Context, cfg *config.Config) (*chain.Pool, error) {
	eps, err := cfg.EndpointURLs()
	if err != nil {
		return nil, err
	}
	pcfg := make([]chain.EndpointConfig, len(eps))
	for i, e := range eps {
		pcfg[i] = chain.EndpointConfig{Name: e.Name, URL: e.URL}
	}
	return chain.Dial(ctx, pcfg, chain.Options{
		ChainID: cfg.ChainID, RequestTimeout: cfg.Chain.RequestTimeout.Duration,
		MaxHeadAge: cfg.Chain.MaxHeadAge.Duration, MaxLagBlocks: cfg.Chain.MaxLagBlocks,
		Logger: slog.New(slog.DiscardHandler),
	})
}

func roleOf(roles []accountRole, a common.Address) string {
	for _, r := range roles {
		if r.Address == a {
			return r.Role
		}
	}
	return ""
}

func lower(a common.Address) string { return strings.ToLower(a.Hex()) }

func printTxs(w io.Writer, roles []accountRole, res *txdecode.Result, sources []string) {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Role + " " + lower(r.Address)
	}
	fmt.Fprintf(w, "Transactions of %s\nFound from %s.\n\n", strings.Join(names, " and "), strings.Join(sources, "; "))
	if len(res.Txs) == 0 {
		fmt.Fprintln(w, "No transactions found.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TIME (UTC)\tBLOCK\tTX\tFROM\tTO\tFUNCTION\tARGS\tSTATUS\tGAS USED\tFEE (ETH)")
		for _, t := range res.Txs {
			when, block, gas, fee := "-", "-", "-", "-"
			if t.Status != txdecode.StatusPending {
				when = t.Time.Format(time.DateTime)
				block = fmt.Sprint(t.Block)
				gas = fmt.Sprint(t.GasUsed)
				fee = txdecode.FormatETH(t.Fee)
			}
			from := roleOf(roles, t.From)
			if from == "" {
				from = lower(t.From)
			}
			to := "-"
			switch {
			case t.ToName != "":
				to = t.ToName
			case t.To != nil:
				to = lower(*t.To)
			}
			status := t.Status
			if t.Minted != nil {
				status += ", minted " + txdecode.FormatLPT(t.Minted) + " LPT"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", when, block, t.Hash.Hex(), from, to,
				t.Call.Method, orDash(t.Call.ArgsString()), status, gas, fee)
		}
		tw.Flush()
	}
	if len(res.NotOnChain) > 0 {
		fmt.Fprintf(w, "\n%d transactions lpops signed are unknown to the chain (not broadcast yet, or dropped from the mempool).\n", len(res.NotOnChain))
	}
}

// txJSON is one transaction of `lpops txs --json`. Amounts are decimal
// strings in wei (or LPT base units), as in the daemon's API.
type txJSON struct {
	Time              *time.Time     `json:"time,omitempty"`
	Block             uint64         `json:"block"`
	Index             uint64         `json:"index"`
	Hash              string         `json:"hash"`
	From              string         `json:"from"`
	FromRole          string         `json:"from_role,omitempty"`
	To                string         `json:"to,omitempty"`
	ToName            string         `json:"to_name,omitempty"`
	Nonce             uint64         `json:"nonce"`
	ValueWei          string         `json:"value_wei"`
	Function          string         `json:"function"`
	Selector          string         `json:"selector,omitempty"`
	Signature         string         `json:"signature,omitempty"`
	Contract          string         `json:"contract,omitempty"`
	Known             bool           `json:"known"`
	Args              []txdecode.Arg `json:"args"`
	DecodeError       string         `json:"decode_error,omitempty"`
	Status            string         `json:"status"`
	GasUsed           uint64         `json:"gas_used"`
	EffectiveGasPrice string         `json:"effective_gas_price_wei,omitempty"`
	FeeWei            string         `json:"fee_wei,omitempty"`
	RewardMinted      string         `json:"reward_minted,omitempty"`
	FoundBy           []string       `json:"found_by"`
}

type txsJSON struct {
	Accounts     []accountRole `json:"accounts"`
	FromBlock    uint64        `json:"from_block"`
	ToBlock      uint64        `json:"to_block"`
	ScanFrom     uint64        `json:"scan_from_block,omitempty"`
	Sources      []string      `json:"sources"`
	Transactions []txJSON      `json:"transactions"`
	NotOnChain   []string      `json:"not_on_chain"`
}

func txsDoc(roles []accountRole, res *txdecode.Result, sources []string) txsJSON {
	doc := txsJSON{Accounts: roles, FromBlock: res.FromBlock, ToBlock: res.ToBlock, ScanFrom: res.ScanFrom,
		Sources: sources, Transactions: []txJSON{}, NotOnChain: []string{}}
	for _, t := range res.Txs {
		j := txJSON{
			Block: t.Block, Index: t.Index, Hash: t.Hash.Hex(), From: lower(t.From), FromRole: roleOf(roles, t.From),
			ToName: t.ToName, Nonce: t.Nonce, ValueWei: t.Value.String(), Function: t.Call.Method,
			Selector: t.Call.Selector, Signature: t.Call.Signature, Contract: t.Call.Contract, Known: t.Call.Known,
			Args: t.Call.Args, DecodeError: t.Call.Error, Status: t.Status, GasUsed: t.GasUsed, FoundBy: t.FoundBy,
		}
		if t.To != nil {
			j.To = lower(*t.To)
		}
		if !t.Time.IsZero() {
			tm := t.Time
			j.Time = &tm
		}
		if t.Fee != nil {
			j.FeeWei, j.EffectiveGasPrice = t.Fee.String(), t.EffectiveGasPrice.String()
		}
		if t.Minted != nil {
			j.RewardMinted = t.Minted.String()
		}
		doc.Transactions = append(doc.Transactions, j)
	}
	for _, h := range res.NotOnChain {
		doc.NotOnChain = append(doc.NotOnChain, h.Hex())
	}
	return doc
}
