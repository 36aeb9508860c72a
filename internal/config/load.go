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
	c.attachSecrets()
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
	w := &walker{pos: map[string]*yaml.Node{}}
	if errs := w.checkNode(&root, reflect.TypeFor[Config](), ""); len(errs) > 0 {
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
	c.fillEntrySigners()
	if c.Host.ChainNode.Kind == ChainNodeGeth {
		c.Host.Geth.Enabled = true // what doctor and render read
	}
	for i := range c.RPC {
		if c.RPC[i].Name == "" {
			c.RPC[i].Name = c.RPC[i].defaultName()
		}
	}
	if err := c.Validate(); err != nil {
		return nil, w.place(err)
	}
	c.positions = w.pos
	c.attachSecrets()
	return &c, nil
}

// Place puts each *ValidationError in err (one, or a join of them) at the
// line and column of its field in the file c was parsed from, as Parse does
// for its own errors: checks made later (`lpops render`'s) read the same.
func (c *Config) Place(err error) error {
	if err == nil || c.positions == nil {
		return err
	}
	return (&walker{pos: c.positions}).place(err)
}

// walker checks a YAML tree against Config and remembers where each key
// path it met is in the file, so errors found after decoding (Validate's)
// can be placed at a line and column too.
type walker struct {
	// pos maps a key path (rpc[1].url) to the node it was read from: the
	// value for a single value, the key for a mapping or a list.
	pos map[string]*yaml.Node
}

// place puts each error in err (one, or a join of them) about a key at the
// position of that key in the file: a *ValidationError by its Field, any
// other error by the key path it starts with ("signer.keystore: ..." is the
// form every lpops error about a key takes). An error about a key the file
// does not set (a required key left out, a default) stays as is.
func (w *walker) place(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = w.place(e)
		}
		return errors.Join(out...)
	}
	return w.placeOne(err)
}

func (w *walker) placeOne(err error) error {
	var le *lineError
	if errors.As(err, &le) {
		return err // already placed
	}
	var field string
	var ve *ValidationError
	if errors.As(err, &ve) {
		field = ve.Field
	} else if f, _, ok := strings.Cut(err.Error(), ": "); ok && !strings.ContainsAny(f, " \n") {
		field = f
	}
	if field == "" {
		return err
	}
	if n := w.pos[field]; n != nil {
		return at(n, err)
	}
	// A key the file leaves out of a list entry (rpc[1].name, defaulted;
	// a required username) is placed at the entry: that is what to fix.
	for p := field; ; {
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			return err
		}
		if p[i] == '.' && strings.HasSuffix(p[:i], "]") {
			if n := w.pos[p[:i]]; n != nil {
				return at(n, err)
			}
		}
		p = p[:i]
	}
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
	for i := range c.OrchestratorList {
		abs(&c.OrchestratorList[i].Signer.Keystore)
		abs(&c.OrchestratorList[i].Signer.PassphraseFile)
	}
	abs(&c.StateDir)
	for i := range c.RPC {
		abs(&c.RPC[i].URLFile)
	}
	for i := range c.Alerts.Channels {
		c.Alerts.Channels[i].resolvePaths(dir)
	}
	abs(&c.API.TokenFile)
	abs(&c.Alerts.Heartbeat.URLFile)
	c.Backup.resolvePaths(abs)
	c.Secrets.resolvePaths(dir)
	for _, ref := range c.secretRefs() {
		ref.resolvePath(dir)
	}
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
func (w *walker) checkNode(n *yaml.Node, t reflect.Type, path string) []error {
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
			return []error{at(n, errors.New("the configuration must be a mapping of keys to values"))}
		}
		return w.checkNode(n, t, path)
	case isNull(n):
		return nil
	case reflect.PointerTo(t).Implements(unmarshalerType) || isScalarKind(t.Kind()):
		if n.Kind == yaml.SequenceNode { // a List: Validate names its items
			for i, e := range n.Content {
				w.pos[fmt.Sprintf("%s[%d]", path, i)] = e
			}
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return []error{at(n, valueError(n, t, path, err))}
		}
		return nil
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return []error{at(n, &ValidationError{Field: path, Msg: "must be a mapping of keys to values, not " + kindName(n)})}
		}
		return w.checkMapping(n, t, path, map[string]int{})
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return []error{at(n, &ValidationError{Field: path, Msg: "must be a list, not " + kindName(n)})}
		}
		var errs []error
		for i, e := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			w.pos[p] = e
			errs = append(errs, w.checkNode(e, t.Elem(), p)...)
		}
		return errs
	}
	return []error{at(n, fmt.Errorf("%s: cannot decode into %s", path, t))}
}

// checkMapping checks the keys of a mapping for struct type t. seen holds the
// line each key was first set on, shared with mappings merged in with "<<".
func (w *walker) checkMapping(n *yaml.Node, t reflect.Type, path string, seen map[string]int) []error {
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			errs = append(errs, w.checkMerge(v, t, path, seen)...)
			continue
		}
		p := joinPath(path, k.Value)
		if first, ok := seen[k.Value]; ok {
			errs = append(errs, at(k, fmt.Errorf("%s: set twice (first on line %d)", p, first)))
			continue
		}
		seen[k.Value] = k.Line
		f, ok := fieldByTag(t, k.Value)
		switch {
		case ok:
			w.pos[p] = k
			if v.Kind == yaml.ScalarNode {
				w.pos[p] = v
			}
			errs = append(errs, w.checkNode(v, f.Type, p)...)
		case literalSecretKeys[p]:
			errs = append(errs, at(k, &ValidationError{Field: p,
				Msg: "a literal passphrase is not accepted; use passphrase_file, passphrase_env or passphrase_secret"}))
		default:
			errs = append(errs, at(k, &unknownKeyError{p, suggestKey(t, k.Value)}))
		}
	}
	return errs
}

// checkMerge checks the mapping (or list of mappings) merged in with "<<".
func (w *walker) checkMerge(v *yaml.Node, t reflect.Type, path string, seen map[string]int) []error {
	for v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		return w.checkMapping(v, t, path, seen)
	case yaml.SequenceNode:
		var errs []error
		for _, m := range v.Content {
			errs = append(errs, w.checkMerge(m, t, path, seen)...)
		}
		return errs
	}
	return []error{at(v, fmt.Errorf("%s: a merge (<<) needs a mapping", joinPath(path, "<<")))}
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

// suggestKey returns the key of struct t that key most likely misspells:
// the nearest by edit distance, within a third of its length (at least 1),
// or one that key is the start of (max_fee for max_fee_gwei). "" when none
// is close.
func suggestKey(t reflect.Type, key string) string {
	best, bestD := "", 0
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		k := yamlKey(f)
		d := editDistance(strings.ToLower(key), k)
		if d > max(1, len(k)/3) && !(len(key) >= 4 && strings.HasPrefix(k, key)) {
			continue
		}
		if best == "" || d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b,
// in bytes: insertions, deletions, substitutions and swaps of two
// neighbours (knid for kind) count one each.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// fieldByTag finds the field of struct t whose yaml key is key.
func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && key != "-" && yamlKey(f) == key {
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
