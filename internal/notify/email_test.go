package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// smtpServer is a small SMTP server for tests. It speaks the part of RFC 5321
// a submission server offers: EHLO, STARTTLS (RFC 3207), AUTH PLAIN
// (RFC 4616, initial response on the AUTH line, as net/smtp and most clients
// send it), MAIL, RCPT, DATA, RSET, NOOP and QUIT, with a self-signed
// certificate. It records the commands and each accepted message.
type smtpServer struct {
	addr     string
	caFile   string // PEM of the self-signed certificate, for tls_ca_file
	tls      *tls.Config
	startTLS bool   // offer STARTTLS
	implicit bool   // TLS from the first byte
	user     string // require AUTH PLAIN with user and pass when set
	pass     string

	mu       sync.Mutex
	commands []string
	messages []smtpMessage
}

type smtpMessage struct {
	from string
	to   []string
	data []byte
	tls  bool
	user string
}

func startSMTP(t *testing.T, s *smtpServer) *smtpServer {
	t.Helper()
	cert, caFile := selfSigned(t)
	s.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.caFile = caFile
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s.addr = ln.Addr().String()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) record(cmd string) {
	s.mu.Lock()
	s.commands = append(s.commands, cmd)
	s.mu.Unlock()
}

func (s *smtpServer) seen() ([]string, []smtpMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands), slices.Clone(s.messages)
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	secure := false
	if s.implicit {
		conn = tls.Server(conn, s.tls)
		secure = true
	}
	tp := textproto.NewConn(conn)
	var msg smtpMessage
	user := ""
	reply := func(format string, args ...any) { tp.PrintfLine(format, args...) }
	reply("220 test.invalid ESMTP lpops-test")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		s.record(verb)
		switch verb {
		case "EHLO", "HELO":
			lines := []string{"test.invalid greets " + arg}
			if s.startTLS && !secure {
				lines = append(lines, "STARTTLS")
			}
			if s.user != "" && secure {
				lines = append(lines, "AUTH PLAIN")
			}
			lines = append(lines, "8BITMIME")
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				reply("250%s%s", sep, l)
			}
		case "STARTTLS":
			if !s.startTLS || secure {
				reply("502 5.5.1 not offered")
				continue
			}
			reply("220 2.0.0 ready to start TLS")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure, user = tc, true, ""
			tp = textproto.NewConn(conn)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			switch {
			case !secure || s.user == "" || !strings.EqualFold(mech, "PLAIN"):
				reply("504 5.5.4 mechanism not available")
			case err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass:
				reply("535 5.7.8 authentication credentials invalid")
			default:
				user = parts[1]
				reply("235 2.7.0 authentication successful")
			}
		case "MAIL":
			if s.user != "" && user == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			msg = smtpMessage{from: addrArg(arg, "FROM:"), tls: secure, user: user}
			reply("250 2.1.0 ok")
		case "RCPT":
			msg.to = append(msg.to, addrArg(arg, "TO:"))
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 end data with <CR><LF>.<CR><LF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			msg.data = data
			s.mu.Lock()
			s.messages = append(s.messages, msg)
			s.mu.Unlock()
			reply("250 2.0.0 queued")
		case "RSET", "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 command not recognized")
		}
	}
}

// addrArg extracts the address of "FROM:<a@b> SIZE=1" or "TO:<a@b>".
func addrArg(arg, prefix string) string {
	arg = strings.TrimSpace(arg[len(prefix):])
	if i := strings.IndexByte(arg, '>'); strings.HasPrefix(arg, "<") && i > 0 {
		return arg[1:i]
	}
	return arg
}

// selfSigned returns a certificate for 127.0.0.1 and localhost and the path
// of its PEM file.
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "lpops test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return cert, p
}

// TestEmailStartTLSAuthPlain follows the documented SMTP submission
// exchange (RFC 5321, STARTTLS per RFC 3207, AUTH PLAIN per RFC 4616) and the
// documented message format (RFC 5322 headers, quoted-printable text/plain).
// The test server reads DATA with textproto, which turns CRLF into LF.
func TestEmailStartTLSAuthPlain(t *testing.T) {
	srv := startSMTP(t, &smtpServer{startTLS: true, user: "lpops", pass: "p@ss word"})
	n := mustNew(t, config.Channel{
		Name: "mail", Type: "email", Smarthost: srv.addr,
		From: `"lpops" <lpops@example.com>`, To: config.List{Items: []string{"ops@example.com", "Oncall <oncall@example.com>"}},
		Username: "lpops", PasswordFile: secretFile(t, "p@ss word\n"), TLSCAFile: srv.caFile,
	})
	if err := n.Notify(context.Background(), firing()); err != nil {
		t.Fatal(err)
	}
	cmds, msgs := srv.seen()
	if want := []string{"EHLO", "STARTTLS", "EHLO", "AUTH", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"}; !slices.Equal(cmds, want) {
		t.Errorf("commands %v, want %v", cmds, want)
	}
	if len(msgs) != 1 {
		t.Fatalf("server accepted %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.from != "lpops@example.com" || !slices.Equal(m.to, []string{"ops@example.com", "oncall@example.com"}) || !m.tls || m.user != "lpops" {
		t.Errorf("envelope from %q to %q (tls %v, user %q)", m.from, m.to, m.tls, m.user)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(m.data))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, m.data)
	}
	h := parsed.Header
	wantHeaders := map[string]string{
		"From":                      `"lpops" <lpops@example.com>`,
		"To":                        `<ops@example.com>, "Oncall" <oncall@example.com>`,
		"Subject":                   "[FIRING:critical] RewardMissed: reward not called in round 4127",
		"Date":                      t0.Format(time.RFC1123Z),
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=UTF-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"X-Lpops-Fingerprint":       "a1b2c3d4e5f60718",
		"X-Lpops-Status":            "firing",
	}
	for k, want := range wantHeaders {
		if got := h.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<a1b2c3d4-1772388000-firing-0.") || !strings.HasSuffix(id, "@lpops>") {
		t.Errorf("Message-ID %q", id)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(parsed.Body))
	if err != nil {
		t.Fatal(err)
	}
	wantBody := "RewardMissed (critical) is firing.\n\n" +
		"reward not called in round 4127\n\n" +
		"the round ends in 12 blocks & the node's <reward> call failed\n\n" +
		"Labels:\n" +
		"  orchestrator = 0x1c1c9817f4b8f07efb298a17102531cdd09cef68\n" +
		"  round = 4127\n\n" +
		"Started:     2026-03-01 18:00:00 UTC\n" +
		"Fingerprint: a1b2c3d4e5f60718\n"
	if string(body) != wantBody {
		t.Errorf("body\n got: %q\nwant: %q", body, wantBody)
	}
}

func TestEmailResolvedAndEncodedSubject(t *testing.T) {
	srv := startSMTP(t, &smtpServer{startTLS: true})
	n := resolvedOf(firing())
	n.Summary = "Belohnung verpasst – Runde 4127\r\nBcc: evil@example.com"
	if err := mustNew(t, config.Channel{Name: "mail", Type: "email", Smarthost: srv.addr, From: "lpops@example.com",
		To: config.List{Items: []string{"ops@example.com"}}, TLSCAFile: srv.caFile}).Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	_, msgs := srv.seen()
	parsed, err := mail.ReadMessage(bytes.NewReader(msgs[0].data))
	if err != nil {
		t.Fatal(err)
	}
	raw := parsed.Header.Get("Subject")
	subj, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[RESOLVED:critical] RewardMissed: Belohnung verpasst – Runde 4127 Bcc: evil@example.com"; subj != want || !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("Subject %q (decoded %q), want RFC 2047 encoding of %q", raw, subj, want)
	}
	if parsed.Header.Get("Bcc") != "" {
		t.Error("alert text injected a header")
	}
}

func TestEmailTransportModes(t *testing.T) {
	t.Run("ImplicitTLS", func(t *testing.T) {
		srv := startSMTP(t, &smtpServer{implicit: true, user: "u", pass: "pw"})
		t.Setenv("LPOPS_TEST_SMTP_PASSWORD", "pw")
		if err := mustNew(t, config.Channel{Name: "m", Type: "email", Smarthost: srv.addr, From: "a@example.com", To: config.List{Items: []string{"b@example.com"}},
			SMTPTLS: "implicit", TLSCAFile: srv.caFile, Username: "u", PasswordEnv: "LPOPS_TEST_SMTP_PASSWORD"}).
			Notify(context.Background(), firing()); err != nil {
			t.Fatal(err)
		}
		if _, msgs := srv.seen(); len(msgs) != 1 || !msgs[0].tls || msgs[0].user != "u" {
			t.Errorf("messages %+v, want one over TLS as u", msgs)
		}
	})
	t.Run("PlainLoopback", func(t *testing.T) {
		srv := startSMTP(t, &smtpServer{})
		if err := mustNew(t, config.Channel{Name: "m", Type: "email", Smarthost: srv.addr, From: "a@example.com", To: config.List{Items: []string{"b@example.com"}},
			SMTPTLS: "none"}).Notify(context.Background(), firing()); err != nil {
			t.Fatal(err)
		}
		if cmds, msgs := srv.seen(); len(msgs) != 1 || slices.Contains(cmds, "STARTTLS") {
			t.Errorf("commands %v, %d messages; want one message without STARTTLS", cmds, len(msgs))
		}
	})
}

func TestEmailFailures(t *testing.T) {
	tests := []struct {
		name   string
		server *smtpServer
		ch     func(srv *smtpServer) config.Channel
		want   string
	}{
		{"StartTLSNotOffered", &smtpServer{}, func(srv *smtpServer) config.Channel {
			return config.Channel{TLSCAFile: srv.caFile}
		}, "does not offer STARTTLS"},
		{"UntrustedCertificate", &smtpServer{startTLS: true}, func(srv *smtpServer) config.Channel {
			return config.Channel{}
		}, "certificate"},
		{"WrongPassword", &smtpServer{startTLS: true, user: "u", pass: "right"}, func(srv *smtpServer) config.Channel {
			return config.Channel{TLSCAFile: srv.caFile, Username: "u", PasswordFile: secretFile(t, "wrong-secret")}
		}, "authentication credentials invalid"},
		{"AuthNotOffered", &smtpServer{startTLS: true}, func(srv *smtpServer) config.Channel {
			return config.Channel{TLSCAFile: srv.caFile, Username: "u", PasswordFile: secretFile(t, "pw")}
		}, "does not offer AUTH PLAIN"},
		{"AuthRequired", &smtpServer{startTLS: true, user: "u", pass: "pw"}, func(srv *smtpServer) config.Channel {
			return config.Channel{TLSCAFile: srv.caFile}
		}, "authentication required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tt.server)
			c := tt.ch(srv)
			c.Name, c.Type, c.Smarthost, c.From, c.To = "m", "email", srv.addr, "a@example.com", config.List{Items: []string{"b@example.com"}}
			err := mustNew(t, c).Notify(context.Background(), firing())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "wrong-secret") {
				t.Errorf("error reveals the password: %v", err)
			}
			if _, msgs := srv.seen(); len(msgs) != 0 {
				t.Errorf("server accepted %d messages despite the failure", len(msgs))
			}
		})
	}
	t.Run("NothingListening", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		err := mustNew(t, config.Channel{Name: "m", Type: "email", Smarthost: addr, From: "a@example.com", To: config.List{Items: []string{"b@example.com"}}}).
			Notify(context.Background(), firing())
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("email via %s", addr)) {
			t.Errorf("error %v, want a dial error naming the smarthost", err)
		}
	})
}
