package config

// probesChain validates probes.accounts, probes.stake and probes.fees.
func (v *validator) probesChain(p Probes) {}
