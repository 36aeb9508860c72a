package keeper

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/lpops/lpops/internal/store"
)

func TestCorruptRecordsSetAside(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rs := NewRecords(st)
	orch := common.HexToAddress("0x1")
	for _, r := range []uint64{7, 8, 9} {
		if err := rs.Save(&Record{Orchestrator: orch, Round: r, State: StateDone}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []uint64{8, 10} {
		if err := st.PutRaw(roundsBucket, roundKey(orch, r), []byte(`{"round": "x`)); err != nil {
			t.Fatal(err)
		}
	}
	recent, err := rs.Recent(orch, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 2 || recent[0].Round != 9 || recent[1].Round != 7 {
		t.Fatalf("Recent = %+v, want rounds 9 and 7 (8 and 10 unreadable)", recent)
	}
	if r, err := rs.Load(orch, 10); err != nil || r != nil {
		t.Fatalf("Load of a quarantined round = %+v, %v; want none", r, err)
	}
	q, err := rs.Quarantined(orch)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 || q[0].Round != 8 || q[1].Round != 10 || q[0].Error == "" || q[0].Bytes != len(`{"round": "x`) {
		t.Fatalf("Quarantined = %+v, want rounds 8 and 10 with their errors", q)
	}
	if other, _ := rs.Quarantined(common.HexToAddress("0x2")); len(other) != 0 {
		t.Fatalf("another orchestrator's quarantine lists %+v", other)
	}
}

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
