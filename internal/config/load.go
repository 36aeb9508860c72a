package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads, decodes and validates the configuration file at path. Errors
// are prefixed with path, one problem per line. Relative paths in the file are
// resolved against the file's directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	c.resolvePaths(filepath.Dir(path))
	return c, nil
}

// Parse decodes and validates a configuration held in memory. source names it
// in errors (a file name; empty for none). Relative paths are kept as written.
func Parse(data []byte, source string) (*Config, error) {
	c, err := parse(data)
	if err != nil {
		return nil, inSource(source, err)
	}
	return c, nil
}

func parse(data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(err)
	}
	if err := checkAliases(&root); err != nil {
		return nil, err
	}
	// Check keys and value types against Config before decoding: yaml.v3
	// reports "field x not found in type config.Reward", which names neither
	// the path the user wrote nor, for a custom type, the line.
	if errs := checkNode(&root, reflect.TypeFor[Config](), ""); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		// checkNode should have caught it; keep yaml's words rather than lose it.
		return nil, yamlError(err)
	}
	c.applyPreset()
	if c.Host.ChainNode.Kind == ChainNodeGeth {
		c.Host.Geth.Enabled = true // what doctor and render read
	}
	for i := range c.RPC {
		if c.RPC[i].Name == "" {
			c.RPC[i].Name = c.RPC[i].defaultName()
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// yamlError drops yaml.v3's "yaml: " prefix, keeping its line number, and
// turns its multi-error form into one error per line.
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, len(te.Errors))
		for i, e := range te.Errors {
			errs[i] = errors.New(e)
		}
		return errors.Join(errs...)
	}
	return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
}

// resolvePaths makes the file paths in c relative to dir.
func (c *Config) resolvePaths(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.Signer.Keystore)
	abs(&c.Signer.PassphraseFile)
	abs(&c.StateDir)
	for i := range c.RPC {
		abs(&c.RPC[i].URLFile)
	}
	for i := range c.Alerts.Channels {
		c.Alerts.Channels[i].resolvePaths(dir)
	}
	abs(&c.API.TokenFile)
	abs(&c.Alerts.Heartbeat.URLFile)
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	// literalSecretKeys are keys people try for the passphrase. They get a
	// dedicated error rather than "unknown key": the fix is not a spelling.
	literalSecretKeys = map[string]bool{"signer.passphrase": true, "signer.password": true}
)

// checkNode walks the YAML tree n along the Go type t and returns, with line
// numbers and full key paths, every unknown or repeated key and every value
// that does not decode into its field. A null value means "not set" and keeps
// the default, as it does for yaml.v3.
func checkNode(n *yaml.Node, t reflect.Type, path string) []error {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch {
	case n.Kind == 0: // empty input
		return nil
	case n.Kind == yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
		if n.Kind != yaml.MappingNode && !isNull(n) {
			return []error{&lineError{n.Line, errors.New("the configuration must be a mapping of keys to values")}}
		}
		return checkNode(n, t, path)
	case isNull(n):
		return nil
	case reflect.PointerTo(t).Implements(unmarshalerType) || isScalarKind(t.Kind()):
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return []error{&lineError{n.Line, valueError(n, t, path, err)}}
		}
		return nil
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return []error{&lineError{n.Line, &ValidationError{Field: path, Msg: "must be a mapping of keys to values, not " + kindName(n)}}}
		}
		return checkMapping(n, t, path, map[string]int{})
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return []error{&lineError{n.Line, &ValidationError{Field: path, Msg: "must be a list, not " + kindName(n)}}}
		}
		var errs []error
		for i, e := range n.Content {
			errs = append(errs, checkNode(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return errs
	}
	return []error{&lineError{n.Line, fmt.Errorf("%s: cannot decode into %s", path, t)}}
}

// checkMapping checks the keys of a mapping for struct type t. seen holds the
// line each key was first set on, shared with mappings merged in with "<<".
func checkMapping(n *yaml.Node, t reflect.Type, path string, seen map[string]int) []error {
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			errs = append(errs, checkMerge(v, t, path, seen)...)
			continue
		}
		p := joinPath(path, k.Value)
		if first, ok := seen[k.Value]; ok {
			errs = append(errs, &lineError{k.Line, fmt.Errorf("%s: set twice (first on line %d)", p, first)})
			continue
		}
		seen[k.Value] = k.Line
		f, ok := fieldByTag(t, k.Value)
		switch {
		case ok:
			errs = append(errs, checkNode(v, f.Type, p)...)
		case literalSecretKeys[p]:
			errs = append(errs, &lineError{k.Line, &ValidationError{Field: p,
				Msg: "a literal passphrase is not accepted; use passphrase_file or passphrase_env"}})
		default:
			errs = append(errs, &lineError{k.Line, &unknownKeyError{p}})
		}
	}
	return errs
}

// checkMerge checks the mapping (or list of mappings) merged in with "<<".
func checkMerge(v *yaml.Node, t reflect.Type, path string, seen map[string]int) []error {
	for v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		return checkMapping(v, t, path, seen)
	case yaml.SequenceNode:
		var errs []error
		for _, m := range v.Content {
			errs = append(errs, checkMerge(m, t, path, seen)...)
		}
		return errs
	}
	return []error{&lineError{v.Line, fmt.Errorf("%s: a merge (<<) needs a mapping", joinPath(path, "<<"))}}
}

// valueError explains why the scalar n does not decode into type t. The value
// is shown only for non-string fields: a string field fails only on a mapping
// or list, and its text may be a secret.
func valueError(n *yaml.Node, t reflect.Type, path string, err error) error {
	e := &ValidationError{Field: path}
	if n.Kind == yaml.ScalarNode {
		e.Value = n.Value
	}
	var te *yaml.TypeError
	switch {
	case !errors.As(err, &te):
		e.Msg = err.Error() // from an UnmarshalYAML, such as Duration's
	case t.Kind() == reflect.String:
		e.Msg, e.Value = "must be a string, not "+kindName(n), ""
	case t.Kind() == reflect.Bool:
		e.Msg = "must be true or false"
	case isUint(t.Kind()):
		e.Msg = "must be a whole number, 0 or more"
	case isInt(t.Kind()):
		e.Msg = "must be a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		e.Msg = "must be a number"
	default:
		e.Msg = "must be a " + t.String()
	}
	return e
}

// fieldByTag finds the field of struct t whose yaml key is key.
func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && yamlKey(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// yamlKey is the key a struct field decodes from, as yaml.v3 names it.
func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return "a single value"
}

func isScalarKind(k reflect.Kind) bool {
	return k == reflect.String || k == reflect.Bool || isUint(k) || isInt(k) ||
		k == reflect.Float32 || k == reflect.Float64
}

func isUint(k reflect.Kind) bool {
	return k >= reflect.Uint && k <= reflect.Uint64
}

func isInt(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Int64
}
