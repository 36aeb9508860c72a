package main

import "testing"

func TestConsumerOf(t *testing.T) {
	for _, tc := range []struct{ shape, want string }{
		{"eth_getBlockByNumber", consumerRPCProbe},
		{"[eth_getBlockByNumber, eth_getTransactionCount]", consumerRPCProbe},
		{"[eth_chainId, eth_getBlockByNumber, eth_syncing, net_peerCount]", consumerRPCProbe},
		{healthCheck, consumerHealth},
		{"[eth_call x11, eth_getBalance, eth_getBlockByNumber]", consumerKeeper},
		{"[eth_getBlockByNumber x3, eth_getLogs]", consumerChain},
		{"[eth_call, eth_gasPrice, eth_getBalance, eth_getBlockByNumber]", consumerChain},
		{"[eth_call x2, eth_getBlockByNumber]", consumerOther},
	} {
		if got := consumerOf(tc.shape); got != tc.want {
			t.Errorf("consumerOf(%q) = %q, want %q", tc.shape, got, tc.want)
		}
	}
	if n := callsOf("[eth_call x11, eth_getBalance, eth_getBlockByNumber x3]", ""); n != 15 {
		t.Errorf("callsOf all = %d, want 15", n)
	}
	if n := callsOf("[eth_call x11, eth_getBalance]", "eth_call"); n != 11 {
		t.Errorf("callsOf eth_call = %d, want 11", n)
	}
	if n := callsOf("eth_getBlockByNumber", ""); n != 1 {
		t.Errorf("callsOf single = %d, want 1", n)
	}
}
