package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/config"
)

// Email sends a plain-text message over SMTP.
//
// The session follows RFC 5321 as net/smtp speaks it and as Alertmanager's
// notify/email drives it: EHLO; STARTTLS (RFC 3207), required by default and
// refused if the server does not offer it, or TLS from the first byte with
// smtp_tls: implicit (port 465); AUTH PLAIN (RFC 4616) when a username is set,
// only over TLS or to a loopback server (net/smtp enforces this too); MAIL
// FROM, one RCPT TO per recipient, DATA, QUIT. The message (RFC 5322) has
// From, To, Subject "[FIRING:critical] RewardMissed: <summary>" (RFC 2047
// encoded when not ASCII), Date, Message-ID, X-Lpops-Fingerprint and
// X-Lpops-Status headers and a text/plain UTF-8 body in quoted-printable.
type Email struct {
	base
	smarthost string
	host      string
	from      *mail.Address
	to        []*mail.Address
	username  string
	password  string
	mode      string
	tls       *tls.Config
	timeout   time.Duration
	hello     string
}

var _ Notifier = (*Email)(nil)

func newEmail(c config.Channel) (*Email, error) {
	host, _, err := net.SplitHostPort(c.Smarthost)
	if err != nil {
		return nil, fmt.Errorf("smarthost: must be host:port (got %q)", c.Smarthost)
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if len(c.To.Items) == 0 {
		return nil, errors.New("to: needs at least one recipient")
	}
	var to []*mail.Address
	for i, s := range c.To.Items {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("to[%d]: %w", i, err)
		}
		to = append(to, a)
	}
	password, err := c.Password()
	if err != nil {
		return nil, err
	}
	if c.Username != "" && password == "" {
		return nil, errors.New("password_file: needs password_file or password_env with username")
	}
	tlsConf, err := tlsConfig(c)
	if err != nil {
		return nil, err
	}
	tlsConf.ServerName = host
	hello, _ := os.Hostname()
	if hello == "" {
		hello = "localhost"
	}
	return &Email{
		base:      newBase(c),
		smarthost: c.Smarthost,
		host:      host,
		from:      from,
		to:        to,
		username:  c.Username,
		password:  password,
		mode:      c.TLSMode(),
		tls:       tlsConf,
		timeout:   c.RequestTimeout(),
		hello:     hello,
	}, nil
}

// Notify delivers one message to every recipient in one SMTP session; the
// server accepts it when it answers 250 to the end of DATA.
func (e *Email) Notify(ctx context.Context, n Notification) error {
	if !e.Receives(n.Severity) {
		return nil
	}
	if err := e.send(ctx, e.message(n)); err != nil {
		return fmt.Errorf("email via %s: %w", e.smarthost, err)
	}
	return nil
}

func (e *Email) send(ctx context.Context, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.smarthost)
	if err != nil {
		return err
	}
	// net/smtp has no context: bound the whole session by the deadline, and
	// close the connection if ctx ends first.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if e.mode == config.SMTPImplicitTLS {
		tc := tls.Client(conn, e.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("tls: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(e.hello); err != nil {
		return fmt.Errorf("ehlo: %w", err)
	}
	if e.mode == config.SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("the server does not offer STARTTLS (smtp_tls: starttls requires it)")
		}
		if err := c.StartTLS(e.tls); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if e.username != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok || !slices.Contains(strings.Fields(mechs), "PLAIN") {
			return fmt.Errorf("the server does not offer AUTH PLAIN (it offers %q)", mechs)
		}
		if err := c.Auth(smtp.PlainAuth("", e.username, e.password, e.host)); err != nil {
			return fmt.Errorf("auth: %s", strings.ReplaceAll(err.Error(), e.password, "<redacted>"))
		}
	}
	if err := c.Mail(e.from.Address); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	for _, to := range e.to {
		if err := c.Rcpt(to.Address); err != nil {
			return fmt.Errorf("rcpt to %s: %w", to.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	return c.Quit()
}

// subject is the mail's subject line, in Alertmanager's default style.
func subject(n Notification) string {
	return truncateRunes(oneLine(headline(n)), 200)
}

// oneLine joins the lines of s with spaces: no CR or LF may reach a header,
// where alert text could otherwise inject one.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// message renders the RFC 5322 message: headers, then the quoted-printable
// text. net/smtp's DATA writer adds the dot-stuffing and the final ".".
func (e *Email) message(n Notification) []byte {
	now := e.now()
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, oneLine(v)) }
	to := make([]string, len(e.to))
	for i, a := range e.to {
		to[i] = a.String()
	}
	header("From", e.from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", subject(n)))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<%s.%d@lpops>", messageIDPart(notificationID(n)), now.UnixNano()))
	header("X-Lpops-Fingerprint", n.Fingerprint)
	header("X-Lpops-Status", n.Status)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(plainText(n), "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}

// messageIDPart keeps the characters a Message-ID's left part may hold.
func messageIDPart(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.+=", r)) {
			return r
		}
		return '-'
	}, s)
}
