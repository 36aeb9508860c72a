package config

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as a Go duration string ("10s",
// "2m", "1h30m"). A bare number is rejected because its unit would be a
// guess; "0" is the one exception, as it means the same in every unit.
type Duration struct{ time.Duration }

var (
	_ yaml.Unmarshaler = (*Duration)(nil)
	_ yaml.Marshaler   = Duration{}
)

// errDurationSyntax is the message for a value that is not a duration.
var errDurationSyntax = errors.New(`must be a duration with a unit, such as "30s" or "2m"`)

// ParseDuration parses s as lpops reads durations in its configuration.
func ParseDuration(s string) (Duration, error) {
	if s == "0" {
		return Duration{}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return Duration{}, errDurationSyntax
	}
	return Duration{d}, nil
}

// UnmarshalYAML decodes a scalar Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errDurationSyntax
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML encodes the duration as a Go duration string, so a marshalled
// Config loads back unchanged.
func (d Duration) MarshalYAML() (any, error) {
	return d.String(), nil
}

// String formats the duration as time.Duration does, less the zero units
// it appends: "2m" rather than "2m0s", as an operator would write it.
func (d Duration) String() string {
	s := d.Duration.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// gweiDecimals is log10(wei per gwei).
const gweiDecimals = 9

// GweiToWei converts a fee in gwei, as written in the configuration, to wei.
// It is exact for values with up to 9 decimal places (the wei resolution):
// the value is formatted in decimal with 9 places, not multiplied in binary
// floating point, so 0.1 gwei is exactly 100000000 wei. Further decimals are
// rounded to the nearest wei. A NaN or infinite value, which Validate rejects,
// gives 0, the cap that sends nothing.
func GweiToWei(gwei float64) *big.Int {
	s := strconv.FormatFloat(gwei, 'f', gweiDecimals, 64)
	wei, ok := new(big.Int).SetString(strings.Replace(s, ".", "", 1), 10)
	if !ok {
		return new(big.Int)
	}
	return wei
}
