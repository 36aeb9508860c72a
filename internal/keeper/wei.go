package keeper

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// Wei is an amount in wei (or LPT base units) that encodes in JSON as a
// decimal string, so consumers never lose precision.
type Wei big.Int

// NewWei wraps v (nil stays nil).
func NewWei(v *big.Int) *Wei { return (*Wei)(v) }

// Int returns the value as a big.Int (nil-safe).
func (w *Wei) Int() *big.Int {
	if w == nil {
		return nil
	}
	return (*big.Int)(w)
}

// String is the decimal form.
func (w *Wei) String() string {
	if w == nil {
		return "0"
	}
	return (*big.Int)(w).String()
}

// MarshalJSON encodes the decimal string.
func (w Wei) MarshalJSON() ([]byte, error) {
	return json.Marshal((*big.Int)(&w).String())
}

// UnmarshalJSON accepts a decimal or 0x-hex string.
func (w *Wei) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("wei: want a string, got %s", b)
	}
	v, ok := new(big.Int), false
	if strings.HasPrefix(s, "0x") {
		v, ok = v.SetString(s[2:], 16)
	} else {
		v, ok = v.SetString(s, 10)
	}
	if !ok {
		return fmt.Errorf("wei: bad number %q", s)
	}
	*w = Wei(*v)
	return nil
}
