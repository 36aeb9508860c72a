package config

import (
	"fmt"
	"reflect"
	"strings"
)

// OrchestratorEntry is one orchestrator of a fleet (the orchestrators: list).
// Signer is optional: an entry without one signs with the top-level signer
// (a LIP-118 reward caller shared by several orchestrators, or the
// orchestrator's own key for a one-entry list).
type OrchestratorEntry struct {
	Address string `yaml:"address"`
	Signer  Signer `yaml:"signer"`
	// OwnSigner is set by Orchestrators on an entry whose signer is its
	// own, not the top-level one.
	OwnSigner bool `yaml:"-"`
}

// signerSet reports whether an entry names a signer of its own (any key of
// its signer mapping set).
func (e *OrchestratorEntry) signerSet() bool { return !reflect.ValueOf(e.Signer).IsZero() }

// Orchestrators returns the orchestrators lpops keeps, normalized: the
// single orchestrator: as a one-entry list, and each entry's Signer filled
// in with the top-level signer when it names none. The first is the
// primary (the node probe watches its node; one-shot commands default to
// it).
func (c *Config) Orchestrators() []OrchestratorEntry {
	if len(c.OrchestratorList) == 0 {
		if c.Orchestrator == "" {
			return nil
		}
		return []OrchestratorEntry{{Address: c.Orchestrator, Signer: c.Signer}}
	}
	out := make([]OrchestratorEntry, len(c.OrchestratorList))
	for i, e := range c.OrchestratorList {
		out[i] = e
		out[i].OwnSigner = e.signerSet()
		if !out[i].OwnSigner {
			out[i].Signer = c.Signer
		}
	}
	return out
}

// PrimaryOrchestrator is the address of the first orchestrator ("" when none
// is configured): the one the node probe and the one-shot commands (without
// --orchestrator) use.
func (c *Config) PrimaryOrchestrator() string {
	if o := c.Orchestrators(); len(o) > 0 {
		return o[0].Address
	}
	return ""
}

// ForOrchestrator returns a copy of c whose only orchestrator is addr
// (compared without case), signing with that orchestrator's signer (its
// own, or the top-level one): the configuration a one-shot command acting
// on one orchestrator of a fleet runs with (lpops reward, rounds, txs
// --orchestrator). It reports false when addr is not configured. A single
// orchestrator: configuration comes back as it is.
func (c *Config) ForOrchestrator(addr string) (*Config, bool) {
	for i, e := range c.Orchestrators() {
		if !strings.EqualFold(e.Address, addr) {
			continue
		}
		out := *c
		if len(c.OrchestratorList) == 0 {
			return &out, true
		}
		out.Orchestrator, out.OrchestratorList, out.Signer = c.OrchestratorList[i].Address, nil, e.Signer
		return &out, true
	}
	return nil, false
}

// fillEntrySigners applies the signer defaults to the entries that name a
// signer of their own: they are decoded from zero, not over Default().
func (c *Config) fillEntrySigners() {
	d := Default().Signer
	for i := range c.OrchestratorList {
		s := &c.OrchestratorList[i].Signer
		if !c.OrchestratorList[i].signerSet() {
			continue
		}
		if s.Kind == "" {
			s.Kind = d.Kind
		}
		if s.KMS.Timeout.Duration == 0 {
			s.KMS.Timeout = d.KMS.Timeout
		}
		if s.Clef.Timeout.Duration == 0 {
			s.Clef.Timeout = d.Clef.Timeout
		}
		if s.Clef.MaxGas == 0 {
			s.Clef.MaxGas = d.Clef.MaxGas
		}
	}
}

// orchestrators validates orchestrator: and orchestrators:.
func (v *validator) orchestrators(c *Config) {
	if c.OrchestratorList == nil {
		v.requiredAddress("orchestrator", c.Orchestrator)
		return
	}
	if c.Orchestrator != "" {
		v.add("orchestrators", "", "cannot be set together with orchestrator (orchestrator is the shorthand for a one-entry list): keep one")
	}
	if len(c.OrchestratorList) == 0 {
		v.add("orchestrators", "", "is empty: list at least one orchestrator (address: 0x...)")
		return
	}
	seen := map[string]int{}
	for i, e := range c.OrchestratorList {
		p := fmt.Sprintf("orchestrators[%d]", i)
		v.requiredAddress(p+".address", e.Address)
		if e.Address != "" {
			a := strings.ToLower(e.Address)
			if j, ok := seen[a]; ok {
				v.add(p+".address", e.Address, fmt.Sprintf("duplicates orchestrators[%d].address: each orchestrator is listed once", j))
			} else {
				seen[a] = i
			}
		}
		if e.signerSet() {
			v.signerAt(p+".signer", e.Signer, c)
		}
	}
}

// topSignerUsed reports whether some orchestrator signs with the top-level
// signer: true unless every entry of orchestrators: names its own.
func (c *Config) topSignerUsed() bool {
	if len(c.OrchestratorList) == 0 {
		return true
	}
	for i := range c.OrchestratorList {
		if !c.OrchestratorList[i].signerSet() {
			return true
		}
	}
	return false
}

// SignerErrorAt names the key path p (orchestrators[i].signer) in an error
// about a signer that names the top-level one (signer.passphrase_file: ...),
// which is how Passphrase and signer.Open word theirs.
func SignerErrorAt(err error, p string) error {
	if err == nil {
		return nil
	}
	if rest, ok := strings.CutPrefix(err.Error(), "signer."); ok {
		return fmt.Errorf("%s.%s", p, rest)
	}
	if rest, ok := strings.CutPrefix(err.Error(), "signer: "); ok {
		return fmt.Errorf("%s: %s", p, rest)
	}
	return fmt.Errorf("%s: %w", p, err)
}
