package backup

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Restore writes the archive's files under dir (directories 0700, files
// 0600), with lpops.yaml rewritten so that every path it names for a file
// of the archive (signer.keystore, signer.passphrase_file, api.token_file,
// rpc[].url_file, backup.recipients_file, state_dir) points into dir, relative to the restored
// config. A file already in dir is not overwritten: restore onto an empty
// directory.
func Restore(a *Archive, dir string) error {
	cfg, ok := a.Files[ConfigName]
	if !ok {
		return fmt.Errorf("%w: no %s", ErrIntegrity, ConfigName)
	}
	rewritten, err := RewriteConfig(cfg, &a.Manifest)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, name := range a.Names() {
		b := a.Files[name]
		if name == ConfigName {
			b = rewritten
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("restore %s: already exists; restore into an empty directory", p)
		}
		if err != nil {
			return err
		}
		_, err = f.Write(b)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("restore %s: %w", p, err)
		}
	}
	if _, ok := a.Manifest.File(RoleState); !ok {
		// The restored config still points into dir: an empty state.
		if err := os.MkdirAll(filepath.Join(dir, "state"), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// RewriteConfig returns the config file with the paths of archived files
// set to their restored place (relative: the config's directory), keeping
// its comments and every other key.
func RewriteConfig(cfg []byte, m *Manifest) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(cfg, &doc); err != nil {
		return nil, fmt.Errorf("archived %s: %w", ConfigName, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("archived %s: not a YAML mapping", ConfigName)
	}
	root := doc.Content[0]
	set := func(value string, keys ...string) error { return setPath(root, value, keys...) }
	if err := set("state", "state_dir"); err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		var err error
		switch f.Role {
		case RoleSignerKeystore:
			err = set(f.Name, "signer", "keystore")
		case RoleSignerPassphrase:
			err = set(f.Name, "signer", "passphrase_file")
		case RoleAPIToken:
			err = set(f.Name, "api", "token_file")
		case RoleRecipients:
			err = set(f.Name, "backup", "recipients_file")
		case RoleRPCURL:
			i, _ := strconv.Atoi(strings.TrimPrefix(f.Name, "secrets/rpc-"))
			err = setRPC(root, i, f.Name)
		}
		if err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// setPath sets the scalar at keys (mappings created as needed).
func setPath(n *yaml.Node, value string, keys ...string) error {
	for i, k := range keys {
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("archived %s: %s is not a mapping", ConfigName, strings.Join(keys[:i], "."))
		}
		var next *yaml.Node
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == k {
				next = n.Content[j+1]
			}
		}
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if i == len(keys)-1 {
				next = &yaml.Node{Kind: yaml.ScalarNode}
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, next)
		}
		n = next
	}
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, LineComment: n.LineComment, HeadComment: n.HeadComment}
	return nil
}

// setRPC sets rpc[i].url_file.
func setRPC(root *yaml.Node, i int, value string) error {
	for j := 0; j+1 < len(root.Content); j += 2 {
		if root.Content[j].Value == "rpc" {
			seq := root.Content[j+1]
			if seq.Kind != yaml.SequenceNode || i >= len(seq.Content) {
				break
			}
			return setPath(seq.Content[i], value, "url_file")
		}
	}
	return fmt.Errorf("archived %s: no rpc[%d] for %s", ConfigName, i, value)
}
