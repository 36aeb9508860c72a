package keeper

import "github.com/lpops/lpops/internal/store"

// NewRecordsHooked is NewRecords with beforeWrite run before every Save and
// SaveAll, for tests that kill the keeper between two writes.
func NewRecordsHooked(s *store.Store, beforeWrite func() error) *Records {
	rs := NewRecords(s)
	rs.beforeWrite = beforeWrite
	return rs
}
