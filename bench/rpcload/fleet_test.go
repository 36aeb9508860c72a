package main

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/config"
)

func TestParseFleet(t *testing.T) {
	got, err := parseFleet("100, 1,10,10")
	if err != nil || !slices.Equal(got, []int{1, 10, 100}) {
		t.Fatalf("parseFleet = %v, %v; want [1 10 100]", got, err)
	}
	for _, bad := range []string{"", "0", "1,x", "-3", "1001"} {
		if _, err := parseFleet(bad); err == nil {
			t.Errorf("parseFleet(%q) accepted", bad)
		}
	}
}

// The configuration the fleet run gives each lpops is one lpops loads, with
// the orchestrators in order.
func TestFleetConfigLoads(t *testing.T) {
	dir := t.TempDir()
	orchs := []common.Address{common.HexToAddress("0x1000000000000000000000000000000000000001"),
		common.HexToAddress("0x2000000000000000000000000000000000000002"), common.HexToAddress("0x3000000000000000000000000000000000000003")}
	p := newParams(200, 576, 1)
	path := filepath.Join(dir, "lpops.yaml")
	if err := writeFleetConfig(path, lpopsConfig{
		RPC: "http://127.0.0.1:1", Controller: common.HexToAddress("0xc0"), Orchestrator: orchs[0],
		PollInterval: p.lpopsPoll, ActivePollInterval: p.lpopsActive, HealthInterval: p.lpopsHealth,
		StuckAfter: p.lpopsStuck, GraceBlocks: p.grace, StateDir: filepath.Join(dir, "state"),
		ProbeInterval: p.probeInterval, ProbeChain: p.probeChain, ProbeRPC: max(p.probeRPC, time.Millisecond),
	}, orchs); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []common.Address
	for _, o := range cfg.Orchestrators() {
		got = append(got, common.HexToAddress(o.Address))
	}
	if !slices.Equal(got, orchs) {
		t.Fatalf("orchestrators %v, want %v", got, orchs)
	}
}
