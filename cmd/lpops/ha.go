package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lpops/lpops/internal/api"
	"github.com/lpops/lpops/internal/ha"
)

const haUsage = `Usage: lpops ha [--config FILE] [--json] step-down

High availability on etcd (ha: in the configuration).

  step-down  make this instance, if it leads, resign the leadership through
             the running daemon's API (needs api.token_file): another
             instance takes over at once, and this one campaigns again
             behind it. The drill of the operator guide. An instance that
             does not lead answers so and changes nothing.

'lpops status' shows the HA role, the leader, the members and the lease age.

Exit status: 0 done (or not the leader); 1 an error (the daemon unreachable,
HA off, the resignation failed); 2 a usage error.
`

const haExample = `lpops ha --config /etc/lpops/lpops.yaml step-down`

func runHA(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	fs := flag.NewFlagSet("ha", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := addConfigFlags(fs, true)
	fs.BoolVar(&asJSON, "json", false, "print the API's JSON")
	fs.Usage = func() {
		fmt.Fprint(stderr, haUsage, "\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nExample:\n  %s\n", haExample)
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 || fs.Arg(0) != "step-down" {
		fmt.Fprintf(stderr, "lpops ha: want one action, step-down (got %q)\n", strings.Join(fs.Args(), " "))
		return 2
	}
	cfg, code := cf.load(stderr)
	if cfg == nil {
		return code
	}
	if !cfg.HA.Enabled() {
		fmt.Fprintln(stderr, "lpops ha: ha is not configured (ha.endpoints is empty): a single instance has no leadership to hand over")
		return 1
	}
	tok, err := api.LoadToken(cfg.API.TokenFile)
	if err == nil && tok == "" {
		err = errors.New("api.token_file is not set; the daemon accepts step-down only with a token")
	}
	if err != nil {
		fmt.Fprintln(stderr, "lpops ha:", err)
		return 1
	}
	c := &apiClient{base: "http://" + dialAddr(cfg.Listen), token: tok}
	var doc ha.StepDownDoc
	if err := c.do(ctx, http.MethodPost, "/api/v1/ha/step-down", nil, &doc); err != nil {
		fmt.Fprintln(stderr, "lpops ha step-down:", err)
		return 1
	}
	if asJSON {
		b, _ := json.MarshalIndent(doc, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return 0
	}
	if doc.SteppedDown {
		fmt.Fprintf(stdout, "%s resigned the leadership; another instance takes over (now %s)\n", doc.Name, doc.Role)
	} else {
		fmt.Fprintf(stdout, "%s does not lead (%s): nothing to hand over\n", doc.Name, doc.Role)
	}
	return 0
}

// printHA adds the ha section of a status document to lpops status.
func printHA(row func(k, f string, a ...any), s *ha.Status) {
	if s == nil {
		return
	}
	role := s.Role
	if !s.Quorum {
		role += " (etcd does not answer: " + s.LastError + ")"
	}
	row("HA role", "%s (%s)", role, s.Name)
	leader := s.Leader
	if leader == "" {
		leader = "none"
	} else if !s.LeaderSince.IsZero() {
		leader += fmt.Sprintf(", leading for %s", time.Duration(s.LeaseAgeS*float64(time.Second)).Round(time.Second))
	}
	row("HA leader", "%s", leader)
	names := make([]string, len(s.Members))
	for i, m := range s.Members {
		names[i] = m.Name
	}
	row("HA members", "%s (lease %ds)", strings.Join(names, ", "), s.LeaseTTL)
}
