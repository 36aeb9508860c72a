package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The public view is built by allowlist: every document is decoded into a
// generic JSON tree and copied through a shape that names each field the
// public page may show and what its value must look like. A field the shape
// does not name is dropped, and so is a value that does not look like what
// the shape expects (a "state" that is not a lower-case word, a "time" that
// is not an RFC 3339 time). Free text (errors, reasons, evidence, command
// output, alert summaries, silence comments) is never named, so it never
// reaches the browser, whatever it quotes.

// A shape copies the public part of v; ok false drops the value. Its
// structure (the fields of an object, the elements of a list or a map) is
// kept beside, so tests can list the paths it keeps.
type shape struct {
	apply  func(v any, pv *publicView) (out any, ok bool)
	fields map[string]shape // an object's
	elem   *shape           // a list's elements, a map's values
	isMap  bool
}

// scalar is a shape without structure.
func scalar(f func(v any, pv *publicView) (any, bool)) shape { return shape{apply: f} }

// paths lists the key paths s keeps, as internal/daemon's status-keys.golden
// writes them: "a.b", "a[]", "a.*".
func (s shape) paths(prefix string) []string {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch {
	case s.fields != nil:
		var out []string
		for k, f := range s.fields {
			out = append(out, f.paths(join(k))...)
		}
		return out
	case s.elem != nil && s.isMap:
		return s.elem.paths(join("*"))
	case s.elem != nil:
		return s.elem.paths(prefix + "[]")
	}
	return []string{prefix}
}

// publicView carries what shapes need: the accounts to name by role.
type publicView struct {
	roles map[string]string
}

var (
	enumRE    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	identRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)
	labelRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
	decimalRE = regexp.MustCompile(`^-?[0-9]{1,100}$`)
	versionRE = regexp.MustCompile(`^v?[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$`)
	addressRE = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
)

// text keeps strings that match re.
func text(re *regexp.Regexp) shape {
	return scalar(func(v any, _ *publicView) (any, bool) {
		s, ok := v.(string)
		return s, ok && re.MatchString(s)
	})
}

var (
	number    = scalar(numberValue)
	boolean   = scalar(booleanValue)
	timestamp = scalar(timestampValue)
	present   = scalar(presentValue)
	account   = scalar(accountValue)
	// enum is a lower-case word: a state, an outcome, a kind.
	enum = text(enumRE)
	// ident is an identifier: a method or an alert name.
	ident = text(identRE)
	// label is a name the operator chose (an endpoint, a runbook, a
	// channel) when it is a plain label; one with a dot, a colon or a slash
	// could be a hostname, an IP address or a path, and is dropped.
	label   = text(labelRE)
	decimal = text(decimalRE)
	version = text(versionRE)
)

func numberValue(v any, _ *publicView) (any, bool) {
	n, ok := v.(json.Number)
	return n, ok
}

func booleanValue(v any, _ *publicView) (any, bool) {
	b, ok := v.(bool)
	return b, ok
}

func timestampValue(v any, _ *publicView) (any, bool) {
	s, ok := v.(string)
	if !ok {
		return nil, false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return s, err == nil
}

// present turns a non-empty string (an id) into true.
func presentValue(v any, _ *publicView) (any, bool) {
	s, ok := v.(string)
	return true, ok && s != ""
}

// account names an account by its role: "[orchestrator]", "[signer]",
// "[reward caller]", "[account]" for another of lpops' accounts, else
// "[address]". The zero address (no reward caller) is kept.
func accountValue(v any, pv *publicView) (any, bool) {
	s, ok := v.(string)
	if !ok || !addressRE.MatchString(s) {
		return nil, false
	}
	a := strings.ToLower(s)
	if a == zeroAddress {
		return a, true
	}
	if role := pv.roles[a]; role != "" {
		return "[" + role + "]", true
	}
	return "[address]", true
}

// object keeps the named fields, each through its shape.
func object(fields map[string]shape) shape {
	return shape{fields: fields, apply: func(v any, pv *publicView) (any, bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		out := make(map[string]any, len(fields))
		for k, f := range fields {
			x, present := m[k]
			if !present || x == nil {
				continue
			}
			if y, ok := f.apply(x, pv); ok {
				out[k] = y
			}
		}
		return out, true
	}}
}

// list keeps the elements that elem keeps.
func list(elem shape) shape {
	return shape{elem: &elem, apply: func(v any, pv *publicView) (any, bool) {
		l, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]any, 0, len(l))
		for _, x := range l {
			if y, ok := elem.apply(x, pv); ok {
				out = append(out, y)
			}
		}
		return out, true
	}}
}

// mapOf keeps the entries whose key and value pass; key may rewrite the key.
func mapOf(key func(string, *publicView) (string, bool), val shape) shape {
	return shape{elem: &val, isMap: true, apply: func(v any, pv *publicView) (any, bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		out := make(map[string]any, len(m))
		// Sorted, so that colliding keys are numbered the same way each time.
		for _, k := range slices.Sorted(maps.Keys(m)) {
			nk, ok := key(k, pv)
			if !ok {
				continue
			}
			y, ok := val.apply(m[k], pv)
			if !ok {
				continue
			}
			// Two accounts of one role must not collide: "[account 2]".
			base, closing := strings.CutSuffix(nk, "]")
			for i := 2; out[nk] != nil; i++ {
				nk = fmt.Sprintf("%s %d", base, i)
				if closing {
					nk += "]"
				}
			}
			out[nk] = y
		}
		return out, true
	}}
}

func accountKey(k string, pv *publicView) (string, bool) {
	a, ok := accountValue(k, pv)
	if !ok {
		return "", false
	}
	return a.(string), true
}

func enumKey(k string, _ *publicView) (string, bool) { return k, enumRE.MatchString(k) }

// where keeps an object only when field's value is one of allowed.
func where(field string, allowed []string, s shape) shape {
	w := s
	w.apply = func(v any, pv *publicView) (any, bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		f, _ := m[field].(string)
		for _, a := range allowed {
			if f == a {
				return s.apply(v, pv)
			}
		}
		return nil, false
	}
	return w
}

// numbered gives each element of a list of objects a field name: its own
// when field passes label, else "<what> <position>".
func numbered(field, what string, elem shape) shape {
	inner := list(elem)
	s := inner
	s.apply = func(v any, pv *publicView) (any, bool) {
		out, ok := inner.apply(v, pv)
		if !ok {
			return nil, false
		}
		for i, x := range out.([]any) {
			if m, ok := x.(map[string]any); ok && m[field] == nil {
				m[field] = fmt.Sprintf("%s %d", what, i+1)
			}
		}
		return out, true
	}
	return s
}

// The public shapes of the documents the page loads. Keep them to what the
// page draws; docs/api.md lists them.
var (
	publicTx = object(map[string]shape{
		"kind": enum, "method": ident, "state": enum, "block": number, "sent_at": timestamp,
		"gas_used": number, "fee_paid_wei": decimal,
	})
	publicLastReward = object(map[string]shape{
		"round": number, "by": enum, "amount": decimal, "block": number, "seen_at": timestamp,
	})
	publicStatus = object(map[string]shape{
		"version": version, "time": timestamp, "ready": boolean, "chain_id": number,
		"keeper": object(map[string]shape{
			"orchestrator": account, "signer": account, "reward_caller": account,
			"mode": enum, "reward_method": ident, "chain_ok": boolean, "last_read": timestamp,
			"round": number, "block_num": number, "round_start_block": number, "round_length": number,
			"blocks_left": number, "seconds_left_estimate": number, "round_initialized": boolean,
			"grace_end_block": number, "registered": boolean, "active": boolean,
			"total_stake": decimal, "last_reward_round": number,
			"balances_wei": mapOf(accountKey, decimal),
			"last_reward":  publicLastReward,
			"state":        enum, "rewarded_by": enum, "reward_amount": decimal,
			"reward_block": number, "reward_seen_at": timestamp,
			"txs": list(publicTx),
		}),
		// Only the probes whose values the page shows; their value names
		// are fixed words (accounts are named by role, never by address).
		"probes": list(where("probe", []string{"stake", "accounts", "transcoders"}, object(map[string]shape{
			"probe": enum, "success": boolean, "at": timestamp, "values": mapOf(enumKey, number),
		}))),
		"endpoints": numbered("name", "endpoint", object(map[string]shape{
			"name": label, "active": boolean, "healthy": boolean, "chain_id": number,
			"head": object(map[string]shape{
				"number": number, "time": timestamp, "observed_at": timestamp, "base_fee_wei": decimal,
			}),
			"head_age_seconds": number, "lag_blocks": number, "requests": number, "errors": number,
			"error_rate": number, "consecutive_errors": number, "last_contact": timestamp,
		})),
	})
	publicRounds = list(object(map[string]shape{
		"round": number, "start_block": number, "length": number, "first_seen": timestamp,
		"last_seen": timestamp, "initialized": boolean, "was_active": boolean,
		"outcome": enum, "rewarded_by": enum, "reward_amount": decimal, "state": enum,
		"attempts": number, "reward_block": number, "reward_seen_at": timestamp,
	}))
	publicAlerts = object(map[string]shape{
		"alerts": list(object(map[string]shape{
			"alertname": ident, "severity": enum, "status": enum, "starts_at": timestamp,
			"ends_at": timestamp, "silenced_by": present, "inhibited_by": ident,
		})),
		"channels": numbered("name", "channel", object(map[string]shape{
			"name": label, "type": enum, "pending": number, "failing_since": timestamp,
		})),
	})
	// An action is shown by its runbook and type: a step's name defaults
	// to its type and target ("http https://..."), so it is left out.
	publicActions = list(object(map[string]shape{
		"runbook": label, "type": enum, "dry_run": boolean, "started_at": timestamp,
		"ended_at": timestamp, "outcome": enum,
	}))
)

// publicDoc copies the public part of the JSON document b through s.
func publicDoc(b []byte, s shape, roles map[string]string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("public view: %w", err)
	}
	out, ok := s.apply(v, &publicView{roles: roles})
	if !ok {
		return nil, fmt.Errorf("public view: the document does not have the expected shape")
	}
	return json.Marshal(out)
}
