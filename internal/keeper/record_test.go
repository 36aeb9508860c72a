package keeper

import (
	"encoding/json"
	"strings"
	"testing"
)

// A stored record whose transaction list holds a null (a torn or hand-edited
// state file) decodes as an error, which the keeper reports, instead of a
// record that panics the keeper on every tick. Found by FuzzRecordJSON.
func TestRecordWithNullTransactionIsCorrupt(t *testing.T) {
	for _, in := range []string{`{"round":3,"txs":[null]}`, `{"round":3,"txs":[{"kind":"reward","state":"sent"},null]}`} {
		var r Record
		err := json.Unmarshal([]byte(in), &r)
		if err == nil || !strings.Contains(err.Error(), "is null") {
			t.Errorf("decode %s: error %v, want one naming the null transaction", in, err)
		}
	}
	var r Record
	if err := json.Unmarshal([]byte(`{"round":3,"txs":null}`), &r); err != nil || r.Round != 3 {
		t.Errorf("a record without transactions: %+v, %v", r, err)
	}
}
