package testchain

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

//go:embed artifacts/*.json
var artifactFS embed.FS

// Artifact is a compiled contract as written by contracts/compile.js.
type Artifact struct {
	ABI json.RawMessage `json:"abi"`
	Bin hexutil.Bytes   `json:"bin"`
	// Runtime is the deployed code, for the contracts a test chain gets at a
	// fixed address instead of by a deploy transaction (Multicall3); empty for the others.
	Runtime hexutil.Bytes `json:"runtime,omitempty"`
}

// LoadArtifact returns the compiled artifact of a contract ("BondingManager", ...), for tools
// that deploy or decode without the Go bindings.
func LoadArtifact(name string) (*Artifact, error) {
	raw, err := artifactFS.ReadFile("artifacts/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("artifact %s: %w", name, err)
	}
	var a Artifact
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("artifact %s: %w", name, err)
	}
	return &a, nil
}
