package main

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/lpops/lpops/internal/config"
	"github.com/lpops/lpops/internal/ha"
	"github.com/lpops/lpops/internal/testchain"
	"github.com/lpops/lpops/internal/testenv"
)

// TestStatusOfflineHA: with no daemon answering, status in HA mode reads
// the chain (anvil) and lpops' records from the (real, 3-member) etcd
// cluster, read-only: the source names the cluster, key prefix and leader,
// the HA rows show the leader and this command as a reader, and etcd's
// revision is unchanged (it campaigned for nothing and wrote nothing).
func TestStatusOfflineHA(t *testing.T) {
	c := testenv.StartEtcd(t, testenv.EtcdOptions{})
	chain := testenv.StartAnvil(t, testenv.AnvilOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	owner := chain.FundedKey(t, big.NewInt(100))
	dep, err := testchain.Deploy(ctx, chain.Client(t), owner, testchain.Params{RoundLength: 50, LIP118: true})
	if err != nil {
		t.Fatal(err)
	}

	h := config.DefaultHA()
	h.Endpoints, h.KeyPrefix = c.Endpoints, "/lpops-status/"
	cli, err := ha.Dial(h)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	node := ha.NewNode(cli, ha.Options{Prefix: h.KeyPrefix, Name: "host-a", TTL: 2 * time.Second})
	nctx, ncancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); _ = node.Run(nctx) }()
	defer func() { ncancel(); <-done }()
	testenv.WaitFor(t, 20*time.Second, "host-a to lead", node.Leading)
	rev := func() int64 {
		resp, err := cli.Get(t.Context(), h.KeyPrefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
		if err != nil {
			t.Fatal(err)
		}
		return resp.Header.Revision
	}
	before := rev()

	dir := t.TempDir()
	path := filepath.Join(dir, "lpops.yaml")
	cfg := fmt.Sprintf("network: custom\nchain_id: %s\ncontroller: %q\nrpc: [{url: %q}]\norchestrator: \"0x1c1c9817f4b8f07efb298a17102531cdd09cef68\"\n"+
		"reward: {mode: observe}\nstate_dir: state\nlisten: %s\nha: {endpoints: [%s], key_prefix: /lpops-status/, lease_ttl: 2s, name: reader-host}\n",
		chain.ChainID, dep.Controller.Hex(), chain.URL, freeAddr(t), strings.Join(c.Endpoints, ", "))
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, errOut := runCLI(t, "status", "--config", path)
	for _, want := range []string{
		"the chain, read directly: no daemon answered at",
		"lpops' round records from the etcd cluster " + strings.Join(c.Endpoints, ",") + ", key prefix /lpops-status/ (host-a leads)",
		"HA role       reader (reader-host)", "HA leader     host-a", "HA members    host-a",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s%s", want, out, errOut)
		}
	}
	if after := rev(); after != before {
		t.Errorf("etcd revision %d after lpops status, %d before: it wrote", after, before)
	}
}

// TestStatusOfflineHAUnreachable: in HA mode, an etcd cluster that does
// not answer fails status with an error naming its endpoints.
func TestStatusOfflineHAUnreachable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lpops.yaml")
	ep := "http://" + freeAddr(t)
	cfg := "network: custom\nchain_id: 1337\ncontroller: \"0x0000000000000000000000000000000000000001\"\n" +
		"rpc: [{url: \"http://" + freeAddr(t) + "\"}]\norchestrator: \"0x0000000000000000000000000000000000000002\"\n" +
		"reward: {mode: observe}\nstate_dir: state\nlisten: " + freeAddr(t) + "\nha: {endpoints: [" + ep + "]}\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "status", "--config", path)
	if code != 1 || out != "" || !strings.Contains(errOut, "the etcd cluster ("+ep+") did not answer") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and an error naming %s", code, out, errOut, ep)
	}
}
