package ha

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// Deadlines of the waits: generous, CI shares two cores.
const (
	setupTimeout  = 4 * time.Minute
	statusTimeout = 90 * time.Second
	roundLength   = 12
	grace         = 3
	leaseTTL      = "2s"
	passphrase    = "lpops-ha-passphrase"
)

var stake = new(big.Int).Mul(big.NewInt(5000), big.NewInt(params.Ether))

// env is a scenario: anvil mining a block a second with the Livepeer test
// contracts, an orchestrator whose node never calls reward (nobody but
// lpops does), lpops' LIP-118 reward caller, and a 3-member etcd cluster.
type env struct {
	t      testing.TB
	ctx    context.Context
	chain  *testenv.Chain
	dep    *testchain.Deployment
	owner  *ecdsa.PrivateKey
	orch   *ecdsa.PrivateKey
	signer *ecdsa.PrivateKey
	etcd   *testenv.EtcdCluster
	prefix string
	// hook, when set (webhook), is every instance's alert channel.
	hook *hook
	// extra is configuration appended to every instance's.
	extra string
}

// slots bounds how many scenarios (each a chain, three etcd members and two
// lpops) run at once: CI shares two cores.
var slots = make(chan struct{}, 3)

func newEnv(t testing.TB) *env {
	t.Helper()
	select {
	case slots <- struct{}{}:
	case <-t.Context().Done():
		t.Fatal("test ended while waiting for a slot")
	}
	// Registered first, so it runs last: after the processes are gone.
	t.Cleanup(func() { <-slots })
	ctx, cancel := context.WithTimeout(t.Context(), setupTimeout)
	t.Cleanup(cancel)
	e := &env{t: t, ctx: ctx, prefix: "/lpops/" + strings.ToLower(t.Name()) + "/"}
	e.etcd = testenv.StartEtcd(t, testenv.EtcdOptions{})
	e.chain = testenv.StartAnvil(t, testenv.AnvilOptions{})
	e.owner = e.chain.FundedKey(t, big.NewInt(100))
	e.orch = e.chain.FundedKey(t, big.NewInt(10))
	var err error
	e.dep, err = testchain.Deploy(ctx, e.chain.Client(t), e.owner, testchain.Params{RoundLength: roundLength, LIP118: true})
	if err != nil {
		t.Fatalf("deploy contracts: %v", err)
	}
	if err := e.dep.RegisterOrchestrator(ctx, e.owner, e.orch, stake, 100000, 500000); err != nil {
		t.Fatalf("register orchestrator: %v", err)
	}
	e.signer, err = crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.dep.FundETH(ctx, e.owner, addr(e.signer), big.NewInt(params.Ether)); err != nil {
		t.Fatalf("fund the reward caller: %v", err)
	}
	if _, err := e.dep.SetRewardCaller(ctx, e.orch, addr(e.signer)); err != nil {
		t.Fatalf("setRewardCaller: %v", err)
	}
	e.chain.SetIntervalMining(t, 1)
	return e
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// lpops is one instance.
type lpops struct {
	*testenv.Lpops
	name string
	t    testing.TB
}

// start runs an lpops instance named name in HA mode on the cluster,
// signing with the shared reward caller's keystore, initializing rounds
// itself when the reward is due (no node does), and waits until it has read
// the chain.
func (e *env) start(name string) *lpops {
	e.t.Helper()
	return e.startOn(name, e.chain.URL)
}

// startOn is start with lpops reading and sending through rpcURL (a proxy
// in front of the chain).
func (e *env) startOn(name, rpcURL string) *lpops {
	e.t.Helper()
	return e.startWith(name, rpcURL, e.etcd.Endpoints)
}

// startWith is startOn with the etcd endpoints given (proxies in front of
// the members).
func (e *env) startWith(name, rpcURL string, etcdEndpoints []string) *lpops {
	e.t.Helper()
	dir := e.t.TempDir()
	keystore, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), e.signer, passphrase, true)
	if err != nil {
		e.t.Fatal(err)
	}
	pass := filepath.Join(dir, "passphrase")
	if err := os.WriteFile(pass, []byte(passphrase+"\n"), 0o600); err != nil {
		e.t.Fatal(err)
	}
	var eps strings.Builder
	for _, u := range etcdEndpoints {
		fmt.Fprintf(&eps, "    - %s\n", u)
	}
	cfg := fmt.Sprintf(`# Written by test/ha.
network: custom
chain_id: %d
controller: "%s"
rpc:
  - name: anvil
    url: %s
orchestrator: "%s"
signer:
  keystore: %s
  passphrase_file: %s
reward:
  mode: act
  grace_blocks: %d
  max_fee_gwei: 50
initialize_round:
  when_reward_due: true
chain:
  poll_interval: 2s
  active_poll_interval: 200ms
  request_timeout: 3s
  health_interval: 2s
state_dir: %s
log:
  level: debug
  format: text
ha:
  endpoints:
%s  key_prefix: %s
  lease_ttl: %s
  name: %s
`, e.chain.ChainID.Uint64(), e.dep.Controller.Hex(), rpcURL, addr(e.orch).Hex(), keystore, pass, grace,
		filepath.Join(dir, "state"), eps.String(), e.prefix, leaseTTL, name)
	if e.hook != nil {
		cfg += e.hook.config(name)
	}
	cfg += e.extra
	return &lpops{name: name, t: e.t, Lpops: testenv.StartLpops(e.t, testenv.LpopsOptions{
		Dir: dir, Config: cfg, Timeout: 60 * time.Second, ReadyWhat: "lpops " + name + " to read the chain and see the election",
		Ready: func(l *testenv.Lpops) bool {
			var s statusDoc
			return l.Status(&s) == nil && s.Keeper != nil && s.HA != nil && s.HA.Role != "unknown"
		},
	})}
}

type statusDoc struct {
	Ready  bool `json:"ready"`
	Keeper *struct {
		Round           uint64 `json:"round"`
		BlockNum        uint64 `json:"block_num"`
		GraceEndBlock   uint64 `json:"grace_end_block"`
		LastRewardRound uint64 `json:"last_reward_round"`
		State           string `json:"state"`
		Reason          string `json:"reason"`
		Txs             []struct {
			Kind   string    `json:"kind"`
			State  string    `json:"state"`
			SentAt time.Time `json:"sent_at"`
		} `json:"txs"`
	} `json:"keeper"`
	HA *struct {
		Name    string `json:"name"`
		Role    string `json:"role"`
		Leader  string `json:"leader"`
		Quorum  bool   `json:"quorum"`
		Members []struct {
			Name string `json:"name"`
		} `json:"members"`
	} `json:"ha"`
	Probes []struct {
		Probe  string   `json:"probe"`
		Firing []string `json:"firing"`
	} `json:"probes"`
}

func (lp *lpops) wait(what string, cond func(*statusDoc) bool) *statusDoc {
	lp.t.Helper()
	return testenv.WaitStatus(lp.Lpops, statusTimeout, lp.name+": "+what, func(s *statusDoc) bool {
		return s.Keeper != nil && s.HA != nil && cond(s)
	})
}

func (lp *lpops) role(role string) *statusDoc {
	lp.t.Helper()
	return lp.wait("role "+role, func(s *statusDoc) bool { return s.HA.Role == role })
}

// rewarded waits until the lpops instance sees round r rewarded.
func (lp *lpops) rewarded(r uint64) {
	lp.t.Helper()
	lp.wait(fmt.Sprintf("round %d rewarded", r), func(s *statusDoc) bool { return s.Keeper.LastRewardRound >= r })
}

func (s *statusDoc) firing(alert string) bool {
	for _, p := range s.Probes {
		for _, f := range p.Firing {
			if f == alert {
				return true
			}
		}
	}
	return false
}

// round returns the current round.
func (e *env) round() uint64 {
	e.t.Helper()
	r, err := e.dep.CurrentRound(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// roundStart returns round r's first block (blockNum() is the block number
// here, and the round length never changes), from the current round and its
// start read at one moment.
func (e *env) roundStart(r uint64) uint64 {
	e.t.Helper()
	for {
		s1, err := e.dep.RoundStartBlock(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		cur := e.round()
		s2, err := e.dep.RoundStartBlock(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if s1 == s2 {
			return s1 + r*roundLength - cur*roundLength
		}
	}
}

// rewardTxs counts the reward caller's transactions to the BondingManager
// mined in round r's blocks.
func (e *env) rewardTxs(r uint64) int {
	e.t.Helper()
	bm := e.dep.BondingManager
	start := e.roundStart(r)
	return e.chain.CountTxs(e.t, context.Background(), addr(e.signer), &bm, start, start+roundLength-1)
}

// wantOnePerRound checks that every round of rounds got exactly one reward
// transaction.
func (e *env) wantOnePerRound(rounds ...uint64) {
	e.t.Helper()
	for _, r := range rounds {
		n := e.rewardTxs(r)
		e.t.Logf("round %d (blocks from %d): %d reward transactions", r, e.roundStart(r), n)
		if n != 1 {
			e.t.Errorf("round %d: %d reward transactions mined; want exactly 1", r, n)
		}
	}
}
