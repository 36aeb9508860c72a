package web

import (
	"encoding/json"
	"strings"
)

const zeroAddress = "0x0000000000000000000000000000000000000000"

// AccountRoles names the accounts of a status document (the value served as
// /api/v1/status, or its JSON) by role, keyed by lower-case 0x-address:
// orchestrator, signer, reward caller, and "account" for any other address
// among the ETH balances.
func AccountRoles(status any) map[string]string {
	b, ok := status.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(status); err != nil {
			return nil
		}
	}
	var doc struct {
		Keeper *struct {
			Orchestrator string            `json:"orchestrator"`
			Signer       string            `json:"signer"`
			RewardCaller string            `json:"reward_caller"`
			Balances     map[string]string `json:"balances_wei"`
		} `json:"keeper"`
	}
	roles := map[string]string{}
	if json.Unmarshal(b, &doc) != nil || doc.Keeper == nil {
		return roles
	}
	k := doc.Keeper
	for _, a := range []struct{ addr, role string }{
		{k.Orchestrator, "orchestrator"}, {k.Signer, "signer"}, {k.RewardCaller, "reward caller"},
	} {
		a.addr = strings.ToLower(a.addr)
		if a.addr == "" || a.addr == zeroAddress {
			continue
		}
		if _, seen := roles[a.addr]; !seen {
			roles[a.addr] = a.role
		}
	}
	for a := range k.Balances {
		if a = strings.ToLower(a); roles[a] == "" {
			roles[a] = "account"
		}
	}
	return roles
}
