package notify

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Statuses of a Notification.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// resolved reports whether n announces the end of an alert.
func resolved(n Notification) bool { return n.Status == StatusResolved }

// title is the one-line headline every human-facing channel starts with, in
// Alertmanager's default subject style: "[FIRING:critical] RewardMissed".
func title(n Notification) string {
	return fmt.Sprintf("[%s:%s] %s", strings.ToUpper(n.Status), n.Severity, n.Alertname)
}

// headline is the title followed by the summary.
func headline(n Notification) string {
	if n.Summary == "" {
		return title(n)
	}
	return title(n) + ": " + n.Summary
}

type label struct{ name, value string }

// sortedLabels returns n's labels by name, leaving out alertname and
// severity, which every format shows on its own.
func sortedLabels(n Notification) []label {
	out := make([]label, 0, len(n.Labels))
	for k, v := range n.Labels {
		if k == "alertname" || k == "severity" {
			continue
		}
		out = append(out, label{k, v})
	}
	slices.SortFunc(out, func(a, b label) int { return strings.Compare(a.name, b.name) })
	return out
}

// Colors by severity, and green for a resolved alert, as 0xRRGGBB.
const (
	colorCritical = 0xD32F2F
	colorWarning  = 0xF9A825
	colorInfo     = 0x1E88E5
	colorResolved = 0x2E7D32
)

func color(n Notification) int {
	switch {
	case resolved(n):
		return colorResolved
	case n.Severity == "critical":
		return colorCritical
	case n.Severity == "warning":
		return colorWarning
	}
	return colorInfo
}

// timeText formats a time for people: UTC, to the second.
func timeText(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// plainText is the body of the text channels (email): what happened, the
// evidence, the labels and the timeline.
func plainText(n Notification) string {
	var b strings.Builder
	if resolved(n) {
		fmt.Fprintf(&b, "%s (%s) is resolved.\n\n", n.Alertname, n.Severity)
	} else {
		fmt.Fprintf(&b, "%s (%s) is firing.\n\n", n.Alertname, n.Severity)
	}
	if n.Summary != "" {
		b.WriteString(n.Summary + "\n\n")
	}
	if n.Description != "" {
		b.WriteString(n.Description + "\n\n")
	}
	if ls := sortedLabels(n); len(ls) > 0 {
		b.WriteString("Labels:\n")
		for _, l := range ls {
			fmt.Fprintf(&b, "  %s = %s\n", l.name, l.value)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Started:     %s\n", timeText(n.StartsAt))
	if resolved(n) && !n.EndsAt.IsZero() {
		fmt.Fprintf(&b, "Ended:       %s\n", timeText(n.EndsAt))
	}
	if n.Repeat > 0 {
		fmt.Fprintf(&b, "Repeat:      %d\n", n.Repeat)
	}
	fmt.Fprintf(&b, "Fingerprint: %s\n", n.Fingerprint)
	return b.String()
}

// truncateRunes cuts s to at most max runes, marking the cut with "…".
func truncateRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// notificationID is Notification.ID, or one derived the same way (the alert,
// its episode, its status and repeat) for a caller that left it empty.
func notificationID(n Notification) string {
	if n.ID != "" {
		return n.ID
	}
	return fmt.Sprintf("%s-%d-%s-%d", n.Fingerprint, n.StartsAt.Unix(), n.Status, n.Repeat)
}
