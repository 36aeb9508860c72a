package alert

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Silence mutes every alert that all its matchers match until Until.
type Silence struct {
	ID        string    `json:"id"`
	Matchers  []Matcher `json:"matchers"`
	CreatedAt time.Time `json:"created_at"`
	Until     time.Time `json:"until"`
	Comment   string    `json:"comment,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	// Static silences come from alerts.silences in the configuration; they
	// are not persisted and cannot be removed over the API.
	Static bool `json:"static,omitempty"`
}

// Matcher matches an alert's name (Name "alertname") or one of its labels,
// by equality.
type Matcher struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Errors of AddSilence and RemoveSilence that callers branch on.
var (
	ErrSilenceNotFound = errors.New("no such silence")
	ErrStaticSilence   = errors.New("silence is defined in the configuration (alerts.silences); remove it there")
)

// FieldError is a rejected field of a silence request.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Active reports whether the silence mutes alerts at now.
func (s *Silence) Active(now time.Time) bool { return now.Before(s.Until) }

// Matches reports whether every matcher matches a.
func (s *Silence) Matches(a *Alert) bool {
	if len(s.Matchers) == 0 {
		return false
	}
	for _, m := range s.Matchers {
		var v string
		if m.Name == "alertname" {
			v = a.Name
		} else {
			v = a.Labels[m.Name]
		}
		if v != m.Value {
			return false
		}
	}
	return true
}

// validate checks a silence to be added at now.
func (s *Silence) validate(now time.Time) error {
	if len(s.Matchers) == 0 {
		return &FieldError{"matchers", "needs at least one matcher; a silence without one would mute every alert"}
	}
	for i, m := range s.Matchers {
		if m.Name == "" {
			return &FieldError{fmt.Sprintf("matchers[%d].name", i), `is required ("alertname" or a label name)`}
		}
	}
	if !s.Until.After(now) {
		return &FieldError{"until", "must be in the future"}
	}
	return nil
}

// newSilenceID returns a random 16-hex-digit id.
func newSilenceID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// staticSilenceID names a configured silence by its content, so the same
// entry keeps its id across restarts.
func staticSilenceID(s Silence) string {
	h := sha256.New()
	for _, m := range s.Matchers {
		fmt.Fprintf(h, "%s\xfe%s\xff", m.Name, m.Value)
	}
	fmt.Fprintf(h, "%d\xff%s", s.Until.Unix(), s.Comment)
	return "config-" + hex.EncodeToString(h.Sum(nil)[:6])
}
