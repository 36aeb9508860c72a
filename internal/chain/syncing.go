package chain

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

// DecodeSyncing reads an eth_syncing answer: false (or null) means synced;
// an object whose currentBlock has reached highestBlock is not behind either
// (go-ethereum answers one while it only indexes transactions); an object
// without those fields (other clients) counts as syncing. The string says
// how far along a syncing node is.
func DecodeSyncing(raw json.RawMessage) (bool, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("false")) || bytes.Equal(raw, []byte("null")) {
		return false, ""
	}
	var s struct {
		CurrentBlock *hexutil.Uint64 `json:"currentBlock"`
		HighestBlock *hexutil.Uint64 `json:"highestBlock"`
	}
	if json.Unmarshal(raw, &s) == nil && s.CurrentBlock != nil && s.HighestBlock != nil {
		if *s.CurrentBlock >= *s.HighestBlock {
			return false, ""
		}
		return true, fmt.Sprintf("syncing: block %d of %d", uint64(*s.CurrentBlock), uint64(*s.HighestBlock))
	}
	return true, "syncing"
}
