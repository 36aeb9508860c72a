package main

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/keeper"
	"github.com/lpops/lpops/internal/testenv"
)

// haRoundsConfig is roundsConfig (no daemon at listen, an empty state_dir)
// with ha: on the endpoints.
func haRoundsConfig(t *testing.T, endpoints []string) string {
	t.Helper()
	path := roundsConfig(t, freeAddr(t))
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "ha: {endpoints: [%s], key_prefix: /lpops-rounds/, lease_ttl: 2s, name: reader-host}\n", strings.Join(endpoints, ", ")); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRoundsFromEtcd: in HA mode with no daemon answering, lpops rounds
// reads the round records the leader wrote in the (real, 3-member) etcd
// cluster, says so with the cluster, key prefix and leader, and writes
// nothing there (the revision and the candidates are unchanged).
func TestRoundsFromEtcd(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	h := config.DefaultHA()
	h.Endpoints, h.KeyPrefix = c.Endpoints, "/lpops-rounds/"
	cli, err := ha.Dial(h)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	node := ha.NewNode(cli, ha.Options{Prefix: h.KeyPrefix, Name: "host-a", TTL: 2 * time.Second})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); _ = node.Run(ctx) }()
	defer func() { cancel(); <-done }()
	testenv.WaitFor(t, 20*time.Second, "host-a to lead", node.Leading)

	orch := common.HexToAddress("0x1c1c9817f4b8f07efb298a17102531cdd09cef68")
	recs := keeper.NewRecordsOn(ha.NewStore(cli, h.KeyPrefix, node.Fence, 3*time.Second))
	fee := (*keeper.Wei)(big.NewInt(21e12))
	for _, r := range []*keeper.Record{
		{Orchestrator: orch, Round: 200, Outcome: keeper.OutcomeRewardedByNode},
		{Orchestrator: orch, Round: 201, Outcome: keeper.OutcomeRewardedByLpops, RewardTx: "0x" + strings.Repeat("ab", 32),
			Txs: []*keeper.Tx{{Kind: keeper.KindReward, Method: "reward", State: keeper.TxMined, FeePaid: fee, Raw: []byte{2, 1}, From: orch}}},
	} {
		if err := recs.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	rev := func() int64 {
		resp, err := cli.Get(t.Context(), h.KeyPrefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
		if err != nil {
			t.Fatal(err)
		}
		return resp.Header.Revision
	}
	before := rev()

	cfg := haRoundsConfig(t, c.Endpoints)
	code, out, errOut := runCLI(t, "rounds", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for _, want := range []string{"etcd cluster " + strings.Join(c.Endpoints, ","), "key prefix /lpops-rounds/", "host-a leads",
		"no daemon answered", "2 rounds: 1 rewarded by the node, 1 by lpops"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	rows := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 3 {
			rows[f[0]] = strings.Join(f[1:3], " ")
		}
	}
	if rows["201"] != "rewarded by" || rows["200"] != "rewarded by" || !strings.Contains(out, "reward mined 0.000021 ETH") {
		t.Errorf("rounds 201 and 200 not listed as rewarded:\n%s", out)
	}
	code, out, errOut = runCLI(t, "rounds", "--config", cfg, "--json", "--limit", "1")
	if code != 0 || !strings.Contains(out, `"round": 201`) || strings.Contains(out, `"round": 200`) || strings.Contains(out, `"raw"`) {
		t.Errorf("--json --limit 1: exit %d, want round 201 only, no raw payload:\n%s%s", code, out, errOut)
	}
	if after := rev(); after != before {
		t.Errorf("etcd revision %d after lpops rounds, %d before: it wrote", after, before)
	}
	resp, err := cli.Get(t.Context(), h.KeyPrefix+"election/", clientv3.WithPrefix())
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "host-a" {
		t.Errorf("election after lpops rounds: %v, %v; want host-a alone", resp, err)
	}
}

// TestRoundsEtcdUnreachable: in HA mode an etcd cluster that does not
// answer is an error naming its endpoints, not an empty list from the
// local store.
func TestRoundsEtcdUnreachable(t *testing.T) {
	ep := "http://" + freeAddr(t)
	code, out, errOut := runCLI(t, "rounds", "--config", haRoundsConfig(t, []string{ep}))
	if code != 1 || !strings.Contains(errOut, "etcd cluster ("+ep+") did not answer") || out != "" {
		t.Fatalf("exit %d, want 1 and an error naming %s:\n%s%s", code, ep, out, errOut)
	}
}
