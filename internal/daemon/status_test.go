package daemon

import (
	"encoding/json"
	"flag"
	"maps"
	"math/big"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/keeper"
)

var update = flag.Bool("update", false, "rewrite testdata/status-keys.golden")

// TestStatusKeys pins the /api/v1/status schema: every key path the
// document can carry (a StatusDoc with every field set, by reflection, so a
// field added anywhere below it shows up) must be exactly those of
// testdata/status-keys.golden. Run with -update to accept a change, then
// document it in docs/api.md (TestStatusKeysDocumented).
func TestStatusKeys(t *testing.T) {
	got := strings.Join(statusKeys(t), "\n") + "\n"
	const path = "testdata/status-keys.golden"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the status document's keys changed (run with -update to accept, then update docs/api.md):\n%s", diffLines(string(want), got))
	}
}

// TestStatusKeysDocumented checks docs/api.md both ways: every key path of
// the golden file is written out in full in the status table, and every
// path the table names exists.
func TestStatusKeysDocumented(t *testing.T) {
	keys := statusKeys(t)
	md, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := documentedKeys(t, string(md))
	have := map[string]bool{}
	for _, k := range keys {
		have[k] = true
		// keepers[] holds one keeper object per orchestrator: its keys are
		// documented once, as keeper's, and the table names keepers[].
		if rest, ok := strings.CutPrefix(k, "keepers[]."); ok && documented["keepers[]"] && documented["keeper."+rest] {
			continue
		}
		if !documented[k] {
			t.Errorf("status key %s is not documented in docs/api.md (write the full path in the first column)", k)
		}
	}
	have["keepers[]"] = true
	for k := range documented {
		if !have[k] {
			t.Errorf("docs/api.md documents %s, which the status document does not have", k)
		}
	}
}

// documentedKeys reads the backquoted paths of the first column of the
// table under "## `/api/v1/status`".
func documentedKeys(t *testing.T, md string) map[string]bool {
	t.Helper()
	_, sec, ok := strings.Cut(md, "## `/api/v1/status`")
	if !ok {
		t.Fatal("docs/api.md has no \"## `/api/v1/status`\" section")
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	out := map[string]bool{}
	for _, line := range strings.Split(sec, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.TrimSpace(cells[1]) == "key" || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		for _, m := range backquoted.FindAllStringSubmatch(cells[1], -1) {
			out[m[1]] = true
		}
	}
	if len(out) == 0 {
		t.Fatal("docs/api.md: no keys found in the status table")
	}
	return out
}

var backquoted = regexp.MustCompile("`([^`]+)`")

// statusKeys returns the sorted key paths of a StatusDoc with every field
// set: "a.b" for an object's key, "a[]" for a list's elements, "a.*" for a
// map's keys (addresses, value names). Only leaves are listed.
func statusKeys(t *testing.T) []string {
	t.Helper()
	var doc StatusDoc
	fill(reflect.ValueOf(&doc).Elem())
	doc.Keeper.Txs[0].Raw = nil // keeper.Status leaves the signed bytes out
	for i := range doc.Keepers {
		for j := range doc.Keepers[i].Txs {
			doc.Keepers[i].Txs[j].Raw = nil
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	walk("", v, set)
	return slices.Sorted(maps.Keys(set))
}

// fill sets every exported field below v to a non-zero value, so that no
// omitempty or omitzero key is left out; a map gets the one key "*".
func fill(v reflect.Value) {
	switch v.Interface().(type) {
	case time.Time:
		v.Set(reflect.ValueOf(time.Unix(1, 0).UTC()))
		return
	case big.Int, keeper.Wei:
		v.Set(reflect.ValueOf(big.NewInt(1)).Elem().Convert(v.Type()))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e)
		m.SetMapIndex(reflect.ValueOf("*").Convert(v.Type().Key()), e)
		v.Set(m)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	}
}

func walk(prefix string, v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			walk(p, c, out)
		}
	case []any:
		for _, c := range x {
			walk(prefix+"[]", c, out)
		}
	default:
		out[prefix] = true
	}
}

// diffLines lists the lines only in want (-) and only in got (+).
func diffLines(want, got string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	var out []string
	for _, l := range slices.Sorted(maps.Keys(w)) {
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range slices.Sorted(maps.Keys(g)) {
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestStatusSignerOmittedWithoutSigner: in observe mode without a key the
// document has no keeper.signer (docs/api.md), not the zero address, which
// the page would show as "lpops signs as 0x0000…".
func TestStatusSignerOmittedWithoutSigner(t *testing.T) {
	for _, tc := range []struct {
		Name   string
		Signer common.Address
		Want   bool
	}{
		{"NoSigner", common.Address{}, false},
		{"Signer", common.HexToAddress("0x3b1f9d2c4a6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d"), true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			b, err := json.Marshal(StatusDoc{Keeper: &keeper.Status{Mode: "observe", Signer: tc.Signer}})
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Keeper map[string]any `json:"keeper"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			got, has := doc.Keeper["signer"]
			if has != tc.Want {
				t.Fatalf("keeper.signer present %v (%v), want %v", has, got, tc.Want)
			}
			if has && got != strings.ToLower(tc.Signer.Hex()) {
				t.Errorf("keeper.signer = %v, want %s", got, strings.ToLower(tc.Signer.Hex()))
			}
		})
	}
}
