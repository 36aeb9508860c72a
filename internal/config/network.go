package config

// Network names accepted in the network key.
const (
	NetworkArbitrumOne = "arbitrum-one-mainnet"
	NetworkMainnet     = "mainnet"
	NetworkCustom      = "custom"
)

// Preset is what a named network fixes: the chain id lpops expects from its
// endpoints and the Livepeer Controller every other contract is resolved
// through.
type Preset struct {
	ChainID    uint64
	Controller string
}

// presets holds the networks Livepeer is deployed on. Everything else
// (round length, contract addresses) is read from the chain at run time.
var presets = map[string]Preset{
	NetworkArbitrumOne: {ChainID: 42161, Controller: "0xD8E8328501E9645d16Cf49539efC04f734606ee4"},
	// Legacy L1 deployment, before the 2022 move to Arbitrum.
	NetworkMainnet: {ChainID: 1, Controller: "0xf96d54e490317c557a967abfa5d6e33006be69b3"},
}

// LookupPreset returns the preset of a named network; ok is false for custom
// and for unknown names.
func LookupPreset(network string) (p Preset, ok bool) {
	p, ok = presets[network]
	return p, ok
}

// applyPreset fills chain_id and controller from the network preset where
// the file left them out. Values the file gave are kept, so Validate can
// report a mismatch instead of silently overriding it.
func (c *Config) applyPreset() {
	p, ok := presets[c.Network]
	if !ok {
		return
	}
	if c.ChainID == 0 {
		c.ChainID = p.ChainID
	}
	if c.Controller == "" {
		c.Controller = p.Controller
	}
}
