package ha

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/lpops/lpops/internal/config"
)

// dialTimeout bounds the first connection to a member.
const dialTimeout = 5 * time.Second

// Dial connects to the etcd cluster of c: TLS from the PEM files, the
// password read from its file or variable (never logged, never in an error).
// The connection is lazy: an unreachable cluster is an error of the first
// request, not of Dial, so an instance starts (and alerts) without quorum.
func Dial(c config.HA) (*clientv3.Client, error) {
	cc, err := clientConfig(c)
	if err != nil {
		return nil, err
	}
	cli, err := clientv3.New(cc)
	if err != nil {
		return nil, fmt.Errorf("ha: etcd client: %w", err)
	}
	return cli, nil
}

// CheckSecrets reads what Dial reads (the TLS files, the password) without
// connecting: `lpops check-config` reports a missing one before the daemon
// needs it.
func CheckSecrets(c config.HA) error {
	if !c.Enabled() {
		return nil
	}
	var errs []error
	if c.TLS != (config.HATLS{}) {
		if _, err := tlsConfig(c.TLS); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Auth.Username != "" {
		if _, err := c.Auth.Password(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func clientConfig(c config.HA) (clientv3.Config, error) {
	cc := clientv3.Config{
		Endpoints:   c.Endpoints,
		DialTimeout: dialTimeout,
		// A partition is noticed within a few seconds, not the OS's TCP
		// timeouts.
		DialKeepAliveTime:    time.Second,
		DialKeepAliveTimeout: 2 * time.Second,
		Logger:               zap.NewNop(),
	}
	if c.TLS != (config.HATLS{}) {
		t, err := tlsConfig(c.TLS)
		if err != nil {
			return cc, err
		}
		cc.TLS = t
	}
	if c.Auth.Username != "" {
		p, err := c.Auth.Password()
		if err != nil {
			return cc, err
		}
		cc.Username, cc.Password = c.Auth.Username, p
	}
	return cc, nil
}

func tlsConfig(c config.HATLS) (*tls.Config, error) {
	t := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ha.tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ha.tls.ca_file: %s holds no PEM certificate", c.CAFile)
		}
		t.RootCAs = pool
	}
	if c.CertFile != "" {
		key, err := config.ReadSecretFile("ha.tls.key_file", c.KeyFile)
		if err != nil {
			return nil, err
		}
		cert, err := os.ReadFile(c.CertFile)
		if err != nil {
			return nil, fmt.Errorf("ha.tls.cert_file: %w", err)
		}
		pair, err := tls.X509KeyPair(cert, key)
		clear(key)
		if err != nil {
			// The error names what is wrong with the pair, never the key.
			return nil, fmt.Errorf("ha.tls: %s and %s are not a certificate and its key: %w", c.CertFile, c.KeyFile, err)
		}
		t.Certificates = []tls.Certificate{pair}
	}
	return t, nil
}
