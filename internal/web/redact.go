package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

var (
	urlRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>]+`)
	// hexRE finds 0x-prefixed hex and bare runs of 40 or more hex digits
	// (a keystore file name quotes the address without 0x).
	hexRE = regexp.MustCompile(`(?i)0x[0-9a-f]+|\b[0-9a-f]{40,}\b`)
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

// Redact rewrites the JSON document b for the public page: the addresses
// in roles become "[role]", any other non-zero address "[address]", 32-byte
// hashes "[hash]", longer hex "[data]", URLs "[url]", in string values and
// in object keys alike. See the package documentation.
func Redact(b []byte, roles map[string]string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	r := redactor{roles: roles}
	return json.Marshal(r.value(v))
}

type redactor struct{ roles map[string]string }

func (r redactor) value(v any) any {
	switch v := v.(type) {
	case string:
		return r.text(v)
	case []any:
		for i := range v {
			v[i] = r.value(v[i])
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		// Sorted, so colliding masked keys are numbered the same way every time.
		for _, k := range slices.Sorted(maps.Keys(v)) {
			x := v[k]
			nk := r.text(k)
			// Two accounts of one role, or two masked addresses, must not
			// collide into one key.
			for i := 2; ; i++ {
				if _, taken := out[nk]; !taken {
					break
				}
				nk = fmt.Sprintf("%s %d", r.text(k), i)
			}
			out[nk] = r.value(x)
		}
		return out
	}
	return v
}

func (r redactor) text(s string) string {
	s = urlRE.ReplaceAllString(s, "[url]")
	return hexRE.ReplaceAllStringFunc(s, func(h string) string {
		digits := strings.TrimPrefix(strings.TrimPrefix(h, "0x"), "0X")
		switch n := len(digits); {
		case n == 40:
			a := "0x" + strings.ToLower(digits)
			if a == zeroAddress {
				return h
			}
			if role := r.roles[a]; role != "" {
				return "[" + role + "]"
			}
			return "[address]"
		case n == 64:
			return "[hash]"
		case n > 40:
			return "[data]"
		}
		return h // a quantity such as 0x5208, or a selector
	})
}
