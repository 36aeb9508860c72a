package chain

import (
	"encoding/json"
	"testing"
)

func TestDecodeSyncing(t *testing.T) {
	for _, tc := range []struct {
		Name, Raw string
		Want      bool
		WantWhy   string
	}{
		{"False", `false`, false, ""},
		{"Null", `null`, false, ""},
		{"Behind", `{"currentBlock":"0x10","highestBlock":"0x20"}`, true, "syncing: block 16 of 32"},
		{"CaughtUpIndexing", `{"currentBlock":"0x20","highestBlock":"0x20","txIndexRemainingBlocks":"0x5"}`, false, ""},
		{"OtherClientObject", `{"startingBlock":"0x0"}`, true, "syncing"},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			got, why := DecodeSyncing(json.RawMessage(tc.Raw))
			if got != tc.Want || why != tc.WantWhy {
				t.Fatalf("DecodeSyncing(%s) = %v %q, want %v %q", tc.Raw, got, why, tc.Want, tc.WantWhy)
			}
		})
	}
}

func TestURLSecrets(t *testing.T) {
	got := URLSecrets("https://user:pw@arb.example/v2/KEY?token=T")
	want := map[string]bool{"user:pw": true, "pw": true, "/v2/KEY": true, "token=T": true}
	for _, s := range got {
		delete(want, s)
	}
	if len(want) != 0 {
		t.Fatalf("URLSecrets missed %v (got %v)", want, got)
	}
	if URLSecrets("/var/run/geth.ipc") != nil {
		t.Fatal("an IPC path has no URL secrets")
	}
}
