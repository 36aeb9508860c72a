package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lpops/lpops/internal/alert"
	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/httpx"
)

const alertsUsage = `Usage: lpops alerts [--config FILE] [--json] [list]
       lpops alerts [--config FILE] silence --alertname NAME [--label KEY=VALUE]... (--for DURATION | --until TIME) --comment TEXT
       lpops alerts [--config FILE] unsilence ID

List alerts (firing, then recently resolved), silences and channel delivery
state, or add and remove silences, through the running daemon's API on its
listen address. Silencing needs api.token_file: the token is read from it.

A silenced alert sends nothing until the silence ends; if it still fires then,
it is notified at once.

Exit status: 0 done; 1 an error (the daemon unreachable, a silence refused);
2 a usage error.
`

const alertsExample = `lpops alerts --config /etc/lpops/lpops.yaml silence --alertname NodeDown --label node=main --for 2h --comment "kernel upgrade"`

// labelFlags collects repeated --label KEY=VALUE flags.
type labelFlags []alert.Matcher

func (l *labelFlags) String() string { return "" }

func (l *labelFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	*l = append(*l, alert.Matcher{Name: k, Value: v})
	return nil
}

func runAlerts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	fs := flag.NewFlagSet("alerts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := addConfigFlags(fs, true)
	// Every action also accepts --config, --credentials-dir and --json
	// after its name.
	common := func(fs *flag.FlagSet) {
		cf.register(fs)
		fs.BoolVar(&asJSON, "json", asJSON, "print the API's JSON")
	}
	fs.BoolVar(&asJSON, "json", asJSON, "print the API's JSON")
	usage := func(fs *flag.FlagSet) func() {
		return func() {
			fmt.Fprint(stderr, alertsUsage, "\nFlags:\n")
			fs.PrintDefaults()
			fmt.Fprintf(stderr, "\nExample:\n  %s\n", alertsExample)
		}
	}
	fs.Usage = usage(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	sub, rest := "list", fs.Args()
	if len(rest) > 0 {
		sub, rest = rest[0], rest[1:]
	}
	sfs := flag.NewFlagSet("alerts "+sub, flag.ContinueOnError)
	sfs.SetOutput(stderr)
	sfs.Usage = usage(sfs)
	common(sfs)
	var name, comment, forDur, until, createdBy string
	var labels labelFlags
	switch sub {
	case "list", "unsilence":
	case "silence":
		sfs.StringVar(&name, "alertname", "", "silence alerts with this `NAME`")
		sfs.Var(&labels, "label", "silence alerts with this `KEY=VALUE` label (repeatable)")
		sfs.StringVar(&forDur, "for", "", "silence for this `DURATION` from now, such as 2h or 30m")
		sfs.StringVar(&until, "until", "", "silence until this RFC 3339 `TIME`, such as 2026-03-01T18:00:00Z")
		sfs.StringVar(&comment, "comment", "", "why the alerts are silenced (required)")
		sfs.StringVar(&createdBy, "created-by", defaultCreator(), "who silences them")
	default:
		fmt.Fprintf(stderr, "lpops alerts: unknown action %q (want list, silence or unsilence)\n", sub)
		return 2
	}
	if err := sfs.Parse(rest); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	var id string
	switch {
	case sub == "unsilence" && sfs.NArg() == 1:
		id = sfs.Arg(0)
	case sub == "unsilence":
		fmt.Fprintln(stderr, "lpops alerts unsilence: want one silence ID (see lpops alerts list)")
		return 2
	case sfs.NArg() > 0:
		fmt.Fprintf(stderr, "lpops alerts %s: unexpected arguments: %s\n", sub, strings.Join(sfs.Args(), " "))
		return 2
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	c := &apiClient{base: "http://" + dialAddr(cfg.Listen)}
	if sub != "list" {
		tok, err := api.ConfigToken(cfg.API)
		if err == nil && tok == "" {
			err = errors.New("api.token_file is not set (nor api.token_secret); the daemon accepts silences only with a token")
		}
		if err != nil {
			fmt.Fprintln(stderr, "lpops alerts:", err)
			return 1
		}
		c.token = tok
	}
	var err error
	switch sub {
	case "list":
		err = alertsList(ctx, c, asJSON, stdout)
	case "silence":
		matchers := []alert.Matcher{}
		if name != "" {
			matchers = append(matchers, alert.Matcher{Name: "alertname", Value: name})
		}
		req := api.SilenceRequest{Matchers: append(matchers, labels...), Duration: forDur, Until: until, Comment: comment, CreatedBy: createdBy}
		err = alertsSilence(ctx, c, req, asJSON, stdout)
	case "unsilence":
		err = c.do(ctx, http.MethodDelete, "/api/v1/silences/"+id, nil, nil)
		if err == nil {
			fmt.Fprintln(stdout, "removed silence", id)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "lpops alerts:", err)
		return 1
	}
	return 0
}

func defaultCreator() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// dialAddr turns a listen address into one to connect to: a wildcard host
// becomes loopback.
func dialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// apiClient calls the daemon's API.
type apiClient struct {
	base  string
	token string
}

// do sends body as JSON and decodes a 2xx answer into out; any other answer
// becomes an error with the API's message.
func (c *apiClient) do(ctx context.Context, method, path string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("daemon not reachable: %w", err)
	}
	defer resp.Body.Close()
	data, err := httpx.ReadBody(resp.Body, 16<<20)
	if err != nil {
		return fmt.Errorf("read %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, httpx.Text(e.Error))
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

func alertsSilence(ctx context.Context, c *apiClient, req api.SilenceRequest, asJSON bool, stdout io.Writer) error {
	var s alert.Silence
	if err := c.do(ctx, http.MethodPost, "/api/v1/silences", req, &s); err != nil {
		return err
	}
	if asJSON {
		printJSON(stdout, s)
		return nil
	}
	fmt.Fprintf(stdout, "silence %s added until %s (%s)\n", s.ID, s.Until.Local().Format(time.RFC3339), matchersString(s.Matchers))
	return nil
}

func alertsList(ctx context.Context, c *apiClient, asJSON bool, stdout io.Writer) error {
	var d alert.Doc
	if err := c.do(ctx, http.MethodGet, "/api/v1/alerts", nil, &d); err != nil {
		return err
	}
	if asJSON {
		printJSON(stdout, d)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	defer tw.Flush()
	const ts = "2006-01-02 15:04 MST"
	if len(d.Alerts) == 0 {
		fmt.Fprintln(tw, "No alerts.")
	} else {
		fmt.Fprintln(tw, "STATUS\tSEVERITY\tALERT\tLABELS\tSINCE\tNOTE\tSUMMARY")
		for _, a := range d.Alerts {
			since := a.StartsAt
			if !a.Firing() {
				since = a.EndsAt
			}
			note := ""
			switch {
			case a.SilencedBy != "":
				note = "silenced by " + a.SilencedBy
			case a.InhibitedBy != "":
				note = "inhibited by " + a.InhibitedBy
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Status, a.Severity, a.Name, labelsString(a.Labels),
				since.Local().Format(ts), note, a.Summary)
		}
	}
	fmt.Fprintln(tw)
	if len(d.Silences) == 0 {
		fmt.Fprintln(tw, "No silences.")
	} else {
		fmt.Fprintln(tw, "SILENCE\tUNTIL\tMATCHERS\tCREATED BY\tCOMMENT")
		for _, s := range d.Silences {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Until.Local().Format(ts), matchersString(s.Matchers), s.CreatedBy, s.Comment)
		}
	}
	if len(d.Channels) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "CHANNEL\tTYPE\tPENDING\tSTATE")
		for _, ch := range d.Channels {
			state := "ok"
			if !ch.FailingSince.IsZero() {
				state = fmt.Sprintf("failing since %s: %s", ch.FailingSince.Local().Format(ts), ch.LastError)
			}
			if ch.DeadLetters > 0 {
				state += fmt.Sprintf(" (%d dead letters)", ch.DeadLetters)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", ch.Name, ch.Type, ch.Pending, state)
		}
	}
	if len(d.DeadLetters) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "DEAD LETTER\tCHANNEL\tREJECTED\tALERT\tERROR")
		for _, dl := range d.DeadLetters {
			n := dl.Notification
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\n", n.ID, dl.Channel, dl.RejectedAt.Local().Format(ts), n.Status, n.Alertname, dl.Error)
		}
	}
	if h := d.Heartbeat; h != nil {
		fmt.Fprintln(tw)
		state := "pinging"
		if !h.Pinging {
			state = "paused: " + h.Reason
		}
		if h.LastError != "" {
			state += " (last ping failed: " + h.LastError + ")"
		}
		fmt.Fprintf(tw, "Heartbeat\t%s\n", state)
	}
	return nil
}

func labelsString(l map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(l)) {
		parts = append(parts, k+"="+l[k])
	}
	return strings.Join(parts, ",")
}

func matchersString(ms []alert.Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%s=%q", m.Name, m.Value)
	}
	return strings.Join(parts, ",")
}
