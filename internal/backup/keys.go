package backup

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
)

// ParseRecipient reads one recipient: an age public key (age1…) or an SSH
// public key (ssh-ed25519 … or ssh-rsa …, as in authorized_keys).
func ParseRecipient(s string) (age.Recipient, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "ssh-"):
		r, err := agessh.ParseRecipient(s)
		if err != nil {
			return nil, fmt.Errorf("ssh recipient: %w", err)
		}
		return r, nil
	case strings.HasPrefix(s, "age1"):
		rs, err := age.ParseRecipients(strings.NewReader(s))
		if err != nil {
			return nil, err
		}
		if len(rs) != 1 {
			return nil, errors.New("want one age recipient")
		}
		return rs[0], nil
	}
	return nil, errors.New("not an age public key (age1…) nor an SSH public key (ssh-ed25519 …, ssh-rsa …)")
}

// ParseRecipients reads recipients one a line, skipping blank lines and
// # comments (age's recipients file format, with SSH keys allowed).
func ParseRecipients(text string) ([]age.Recipient, error) {
	var out []age.Recipient
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := ParseRecipient(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// ReadIdentities reads an identity file: age secret keys (AGE-SECRET-KEY-1…,
// one a line, as age-keygen writes them) or an unencrypted SSH private key
// (OpenSSH PEM). Errors never quote the file's content.
func ReadIdentities(path string) ([]age.Identity, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("identity file: %w", err)
	}
	defer clear(b)
	if bytes.Contains(b, []byte("-----BEGIN")) {
		id, err := agessh.ParseIdentity(b)
		if err != nil {
			return nil, fmt.Errorf("identity file %s: ssh private key: %w", path, err)
		}
		return []age.Identity{id}, nil
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("identity file %s: not an age identity file nor an SSH private key", path)
	}
	return ids, nil
}
