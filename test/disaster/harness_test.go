package disaster

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/lpops/lpops/internal/backup"
	"github.com/lpops/lpops/internal/signer"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

const (
	roundLength = 12
	grace       = 3
	passphrase  = "lpops-disaster-passphrase"
	apiToken    = "disaster-test-token-0123456789abcdef"
	bucket      = "lpops-backups"
	prefix      = "orch-1"
	// idleBlocks is restore's --idle-blocks: the signer must have sent
	// nothing for this many blocks.
	idleBlocks = 5
	waitLong   = 90 * time.Second
)

var stake = new(big.Int).Mul(big.NewInt(5000), big.NewInt(params.Ether))

// drill is the chain, the bucket and host A.
type drill struct {
	tb      testing.TB
	ctx     context.Context
	chain   *testenv.Chain
	dep     *testchain.Deployment
	owner   *ecdsa.PrivateKey
	orch    *ecdsa.PrivateKey
	signer  *ecdsa.PrivateKey
	minio   *testenv.MinIO
	bin     string
	idFile  string // the age identity: kept off both hosts, in the test
	dest    string // s3://bucket/prefix
	a       *testenv.Lpops
	aConfig string
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// newDrill deploys the contracts on anvil (mining by hand), registers the
// orchestrator with a LIP-118 reward caller for lpops, starts MinIO and
// writes host A's files. The S3 credentials and endpoint are in the
// environment the lpops processes inherit (as an instance role would be).
func newDrill(tb testing.TB) *drill {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	tb.Cleanup(cancel)
	d := &drill{tb: tb, ctx: ctx, bin: testenv.BuildLpops(tb)}
	d.minio = testenv.StartMinIO(tb)
	d.chain = testenv.StartAnvil(tb, testenv.AnvilOptions{})
	d.owner = d.chain.FundedKey(tb, big.NewInt(100))
	d.orch = d.chain.FundedKey(tb, big.NewInt(10))
	var err error
	d.dep, err = testchain.Deploy(ctx, d.chain.Client(tb), d.owner, testchain.Params{RoundLength: roundLength, LIP118: true})
	if err != nil {
		tb.Fatalf("deploy contracts: %v", err)
	}
	if err := d.dep.RegisterOrchestrator(ctx, d.owner, d.orch, stake, 100000, 500000); err != nil {
		tb.Fatalf("register orchestrator: %v", err)
	}
	d.signer, err = crypto.GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := d.dep.FundETH(ctx, d.owner, addr(d.signer), big.NewInt(params.Ether)); err != nil {
		tb.Fatal(err)
	}
	if _, err := d.dep.SetRewardCaller(ctx, d.orch, addr(d.signer)); err != nil {
		tb.Fatal(err)
	}
	d.chain.SetAutomine(tb, false)

	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": d.minio.User, "AWS_SECRET_ACCESS_KEY": d.minio.Password,
		"LPOPS_BACKUP_S3_ENDPOINT": d.minio.Endpoint, "LPOPS_BACKUP_S3_REGION": "us-east-1",
	} {
		setenv(tb, k, v)
	}
	s3, err := backup.NewS3(bucket, "", backup.S3Options{Endpoint: d.minio.Endpoint, Region: "us-east-1"})
	if err != nil {
		tb.Fatal(err)
	}
	if err := s3.MakeBucket(ctx); err != nil {
		tb.Fatal(err)
	}
	d.dest = "s3://" + bucket + "/" + prefix

	id, err := age.GenerateX25519Identity()
	if err != nil {
		tb.Fatal(err)
	}
	d.idFile = filepath.Join(tb.TempDir(), "backup-identity.txt")
	if err := os.WriteFile(d.idFile, []byte(id.String()+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	d.aConfig = d.hostAConfig(id.Recipient().String())
	return d
}

// setenv is t.Setenv for a test or a benchmark.
func setenv(tb testing.TB, k, v string) {
	tb.Helper()
	old, had := os.LookupEnv(k)
	if err := os.Setenv(k, v); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if had {
			os.Setenv(k, old)
		} else {
			os.Unsetenv(k)
		}
	})
}

// hostAConfig writes host A's keystore, passphrase and token files into a
// new directory and returns its config (without listen).
func (d *drill) hostAConfig(recipient string) string {
	tb := d.tb
	dir := tb.TempDir()
	ks, err := signer.WriteKeystore(filepath.Join(dir, "keystore"), d.signer, passphrase, true)
	if err != nil {
		tb.Fatal(err)
	}
	for name, v := range map[string]string{"passphrase": passphrase, "api-token": apiToken} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return fmt.Sprintf(`# Host A, written by the disaster test.
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
api:
  token_file: %s
reward:
  mode: act
  grace_blocks: %d
  max_fee_gwei: 50
chain:
  poll_interval: 2s
  active_poll_interval: 200ms
  request_timeout: 5s
  health_interval: 2s
  max_head_age: "0"
state_dir: %s
backup:
  destination: %s
  recipients: [%s]
  interval: 1h
  keep: 10
  s3:
    endpoint: %s
    region: us-east-1
log:
  level: debug
  format: text
`, d.chain.ChainID.Uint64(), d.dep.Controller.Hex(), d.chain.URL, addr(d.orch).Hex(), ks,
		filepath.Join(dir, "passphrase"), filepath.Join(dir, "api-token"), grace,
		filepath.Join(dir, "state"), d.dest, recipient, d.minio.Endpoint)
}

// start runs lpops on cfg (without listen) in dir and waits until its API
// answers; with keeper it also waits until the keeper has read the chain.
func (d *drill) start(dir, cfg string, keeper bool) *testenv.Lpops {
	o := testenv.LpopsOptions{Dir: dir, Config: cfg, Timeout: waitLong}
	if keeper {
		o.ReadyWhat = "lpops to read the chain"
		o.Ready = func(l *testenv.Lpops) bool {
			var s status
			return l.Status(&s) == nil && s.Keeper != nil && s.Keeper.Round > 0
		}
	}
	return testenv.StartLpops(d.tb, o)
}

// lpops runs the lpops command line and returns its exit code and output.
func (d *drill) lpops(args ...string) (int, string) {
	d.tb.Helper()
	cmd := exec.CommandContext(d.ctx, d.bin, args...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		d.tb.Fatalf("lpops %v: %v", args, err)
	}
	return 0, string(out)
}

// listenLine is the listen key StartLpops appends: a new host gets a port
// of its own.
var listenLine = regexp.MustCompile(`(?m)^listen:.*\n`)

// restoredConfig reads the config restore wrote into dir, without listen.
func restoredConfig(tb testing.TB, dir string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, backup.ConfigName))
	if err != nil {
		tb.Fatal(err)
	}
	return listenLine.ReplaceAllString(string(b), "")
}

// status is the part of /api/v1/status the drill reads.
type status struct {
	Ready  bool `json:"ready"`
	Keeper *struct {
		Round           uint64 `json:"round"`
		BlockNum        uint64 `json:"block_num"`
		State           string `json:"state"`
		RewardedBy      string `json:"rewarded_by"`
		LastRewardRound uint64 `json:"last_reward_round"`
	} `json:"keeper"`
	Backup *struct {
		LastName  string `json:"last_name"`
		LastError string `json:"last_error"`
	} `json:"backup"`
}

// nextRound mines to the start of the next round and initializes it, as
// the node would; it returns the round and its first block (blockNum() is
// the block number here).
func (d *drill) nextRound() (round, start uint64) {
	tb := d.tb
	tb.Helper()
	r, err := d.dep.CurrentRound(d.ctx)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := d.dep.RoundStartBlock(d.ctx)
	if err != nil {
		tb.Fatal(err)
	}
	d.chain.MineTo(tb, s+roundLength)
	tx, err := d.dep.SendInitializeRound(d.ctx, d.owner)
	if err != nil {
		tb.Fatal(err)
	}
	d.chain.Mine(tb, 1)
	if _, err := d.dep.Wait(d.ctx, tx); err != nil {
		tb.Fatal(err)
	}
	round, err = d.dep.CurrentRound(d.ctx)
	if err != nil || round != r+1 {
		tb.Fatalf("round %d (%v) after round %d", round, err, r)
	}
	start, err = d.dep.RoundStartBlock(d.ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return round, start
}

// rewardsBy mines to the end of round's grace window, waits until l has
// read it and sent its reward (a transaction of the signer waits in the
// pool: blocks come only when the test mines them), mines it, and waits
// until l has seen the round rewarded.
func (d *drill) rewardsBy(l *testenv.Lpops, round, start uint64) {
	tb := d.tb
	tb.Helper()
	d.chain.MineTo(tb, start+grace)
	c := d.chain.Client(tb)
	testenv.WaitFor(tb, waitLong, fmt.Sprintf("lpops to send its reward for round %d", round), func() bool {
		if l.Proc.Exited() {
			tb.Fatalf("lpops exited:\n%s", l.Proc.Output())
		}
		mined, err1 := c.NonceAt(d.ctx, addr(d.signer), nil)
		pending, err2 := c.PendingNonceAt(d.ctx, addr(d.signer))
		return err1 == nil && err2 == nil && pending > mined
	})
	d.chain.Mine(tb, 1)
	testenv.WaitFor(tb, waitLong, fmt.Sprintf("lpops to see round %d rewarded", round), func() bool {
		var s status
		return l.Status(&s) == nil && s.Keeper != nil && s.Keeper.Round == round && s.Keeper.LastRewardRound == round && s.Keeper.RewardedBy == "lpops"
	})
}

// rewardTxs counts the transactions to the BondingManager from the
// orchestrator and from lpops' signer in chain blocks from..to.
func (d *drill) rewardTxs(from, to uint64) int {
	bm := d.dep.BondingManager
	return d.chain.CountTxs(d.tb, d.ctx, addr(d.signer), &bm, from, to) + d.chain.CountTxs(d.tb, d.ctx, addr(d.orch), &bm, from, to)
}
