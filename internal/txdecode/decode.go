package txdecode

import (
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/lpops/lpops/internal/livepeer"
)

// Names of calls that are not contract functions.
const (
	MethodETHTransfer = "transfer (ETH)"
	MethodCreate      = "create contract"
)

// Arg is one decoded argument, rendered for a person: addresses in lower
// case, amounts in LPT or ETH with their unit, shares in percent.
type Arg struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Call is a transaction's input decoded by its 4-byte selector.
type Call struct {
	// Method is the function name; the selector in hex (0x12345678) when no
	// known ABI has it; MethodETHTransfer or MethodCreate when there is no
	// function.
	Method string `json:"method"`
	// Selector is the input's first four bytes in hex, when it has them.
	Selector string `json:"selector,omitempty"`
	// Signature is the canonical signature, such as "bond(uint256,address)".
	Signature string `json:"signature,omitempty"`
	// Contract is the ABI the function comes from: BondingManager,
	// RoundsManager, TicketBroker, Controller or ERC-20.
	Contract string `json:"contract,omitempty"`
	// Known is false for a selector no known ABI has.
	Known bool  `json:"known"`
	Args  []Arg `json:"args"`
	// Error says why the arguments of a known selector could not be decoded.
	Error string `json:"error,omitempty"`
}

// ArgsString renders the arguments as "name=value, ...".
func (c Call) ArgsString() string {
	parts := make([]string, len(c.Args))
	for i, a := range c.Args {
		parts[i] = a.Name + "=" + a.Value
	}
	s := strings.Join(parts, ", ")
	if c.Error != "" {
		if s != "" {
			s += ", "
		}
		s += "(" + c.Error + ")"
	}
	return s
}

// String renders the call as "method(name=value, ...)".
func (c Call) String() string {
	if c.Method == MethodETHTransfer || c.Method == MethodCreate || !c.Known {
		if a := c.ArgsString(); a != "" {
			return c.Method + " " + a
		}
		return c.Method
	}
	return c.Method + "(" + c.ArgsString() + ")"
}

// method is one function of the selector table.
type method struct {
	contract string
	m        abi.Method
}

// selectors maps every known 4-byte selector to its function.
var selectors = buildSelectors()

func buildSelectors() map[[4]byte]method {
	out := map[[4]byte]method{}
	for _, src := range []struct {
		contract string
		a        abi.ABI
	}{
		{"BondingManager", livepeer.BondingManagerABI},
		{"BondingManager", BondingManagerExtraABI},
		{"BondingManager", livepeer.BondingManagerWatchABI},
		{"RoundsManager", livepeer.RoundsManagerABI},
		{"Controller", livepeer.ControllerABI},
		{"TicketBroker", TicketBrokerABI},
		{"ERC-20", livepeer.TokenABI},
		{"ERC-20", ERC20ABI},
	} {
		for _, m := range src.a.Methods {
			var id [4]byte
			copy(id[:], m.ID)
			if prev, dup := out[id]; dup && prev.m.Sig != m.Sig {
				panic(fmt.Sprintf("txdecode: selector %x of %s collides with %s", id, m.Sig, prev.m.Sig))
			}
			out[id] = method{contract: src.contract, m: m}
		}
	}
	return out
}

// Signatures lists every function the decoder knows, as "selector signature"
// lines sorted by signature (for documentation and tests).
func Signatures() []string {
	var out []string
	for id, m := range selectors {
		out = append(out, fmt.Sprintf("%x %s", id, m.m.Sig))
	}
	sort.Slice(out, func(i, j int) bool { return out[i][9:] < out[j][9:] })
	return out
}

// Decoder decodes transactions sent to the Livepeer contracts of one
// deployment: it knows their addresses, so it can name the contract a
// transaction went to and tell LPT transfers from another token's.
type Decoder struct {
	names map[common.Address]string
	token common.Address
}

// NewDecoder returns a Decoder for the contracts in addrs (zero addresses
// are ignored).
func NewDecoder(addrs livepeer.Addresses) *Decoder {
	d := &Decoder{names: map[common.Address]string{}, token: addrs.LivepeerToken}
	for a, n := range map[common.Address]string{
		addrs.Controller: "Controller", addrs.BondingManager: "BondingManager", addrs.RoundsManager: "RoundsManager",
		addrs.Minter: "Minter", addrs.TicketBroker: "TicketBroker", addrs.LivepeerToken: "LivepeerToken",
	} {
		if a != (common.Address{}) {
			d.names[a] = n
		}
	}
	return d
}

// ContractName names a as the Livepeer contract it is, or returns "".
func (d *Decoder) ContractName(a common.Address) string { return d.names[a] }

// Decode decodes a transaction to to (nil for a contract creation) with the
// given input and value in wei (nil for none).
func (d *Decoder) Decode(to *common.Address, input []byte, value *big.Int) Call {
	var c Call
	switch {
	case to == nil:
		c = Call{Method: MethodCreate, Known: true}
	case len(input) == 0:
		c = Call{Method: MethodETHTransfer, Known: true}
	case len(input) < 4:
		c = Call{Method: hexutil.Encode(input), Error: "input shorter than a selector"}
	default:
		c = d.decodeCall(*to, input)
	}
	if value != nil && value.Sign() > 0 {
		c.Args = append(c.Args, Arg{Name: "value", Type: "uint256", Value: formatUnits(value, 18) + " ETH"})
	}
	if c.Args == nil {
		c.Args = []Arg{}
	}
	return c
}

func (d *Decoder) decodeCall(to common.Address, input []byte) Call {
	var id [4]byte
	copy(id[:], input)
	sel := hexutil.Encode(id[:])
	m, ok := selectors[id]
	if !ok {
		return Call{Method: sel, Selector: sel}
	}
	c := Call{Method: m.m.RawName, Selector: sel, Signature: m.m.Sig, Contract: m.contract, Known: true}
	vals, err := m.m.Inputs.Unpack(input[4:])
	if err != nil || len(vals) != len(m.m.Inputs) {
		c.Error = "arguments do not decode"
		return c
	}
	for i, in := range m.m.Inputs {
		name := strings.TrimPrefix(in.Name, "_")
		c.Args = append(c.Args, Arg{Name: name, Type: in.Type.String(), Value: d.render(to, m.m.RawName, name, in.Type, vals[i])})
	}
	return c
}

// unit is how an integer argument is shown.
type unit int

const (
	plain   unit = iota
	lpt          // LPT base units (18 decimals)
	eth          // wei
	token        // an ERC-20 amount: LPT on the LivepeerToken, raw elsewhere
	percent      // millionths (rewardCut, feeShare)
)

// unitOf says what an integer argument of method means. Amounts of stake are
// LPT; fees, ticket values and deposits are ETH.
func unitOf(method, name string) unit {
	switch name {
	case "amount":
		if method == "withdrawFees" {
			return eth
		}
		return lpt
	case "value":
		return token
	case "rewardCut", "feeShare":
		return percent
	case "faceValue", "depositAmount", "reserveAmount":
		return eth
	}
	return plain
}

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

func (d *Decoder) render(to common.Address, method, name string, t abi.Type, v any) string {
	switch t.T {
	case abi.AddressTy:
		a, _ := v.(common.Address)
		return strings.ToLower(a.Hex())
	case abi.UintTy, abi.IntTy:
		b, ok := v.(*big.Int)
		if !ok {
			return fmt.Sprint(v)
		}
		switch unitOf(method, name) {
		case lpt:
			return formatUnits(b, 18) + " LPT"
		case eth:
			return formatUnits(b, 18) + " ETH"
		case percent:
			return formatUnits(b, 4) + "%"
		case token:
			if b.Cmp(maxUint256) == 0 {
				return "unlimited"
			}
			if to == d.token && d.token != (common.Address{}) {
				return formatUnits(b, 18) + " LPT"
			}
			return b.String() + " (base units)"
		}
		return b.String()
	case abi.BoolTy:
		return fmt.Sprint(v)
	case abi.BytesTy, abi.FixedBytesTy:
		return bytesHex(v)
	case abi.StringTy:
		return fmt.Sprintf("%q", v)
	case abi.TupleTy:
		rv := reflect.ValueOf(v)
		parts := make([]string, len(t.TupleElems))
		for i, et := range t.TupleElems {
			fname := t.TupleRawNames[i]
			parts[i] = fname + ": " + d.render(to, method, fname, *et, rv.Field(i).Interface())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case abi.SliceTy, abi.ArrayTy:
		rv := reflect.ValueOf(v)
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = d.render(to, method, name, *t.Elem, rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

func bytesHex(v any) string {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		return hexutil.Encode(rv.Bytes())
	case reflect.Array:
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return hexutil.Encode(b)
	}
	return fmt.Sprint(v)
}

// formatUnits renders v / 10^decimals exactly, without trailing zeros.
func formatUnits(v *big.Int, decimals int) string {
	neg := v.Sign() < 0
	s := new(big.Int).Abs(v).String()
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	whole, frac := s[:len(s)-decimals], strings.TrimRight(s[len(s)-decimals:], "0")
	if frac != "" {
		whole += "." + frac
	}
	if neg {
		whole = "-" + whole
	}
	return whole
}

// FormatETH renders wei as ETH, exactly.
func FormatETH(wei *big.Int) string { return formatUnits(wei, 18) }

// FormatLPT renders LPT base units as LPT, exactly.
func FormatLPT(v *big.Int) string { return formatUnits(v, 18) }
