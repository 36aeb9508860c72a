package config

// Alerts configures the alert engine and its notification channels.
type Alerts struct {
	Channels []Channel `yaml:"channels"`
}

// Channel is one notification channel.
type Channel struct {
	Name string `yaml:"name"`
	// Type is webhook | slack | discord | telegram | pagerduty | email | alertmanager.
	Type string `yaml:"type"`
	URL  string `yaml:"url"`
	// SecretFile holds the webhook's HMAC-SHA256 key (optional).
	SecretFile string `yaml:"secret_file"`
}

// API configures the HTTP API beyond its listen address.
type API struct {
	// TokenFile holds the bearer token required by state-changing routes.
	TokenFile string `yaml:"token_file"`
}

// DefaultAlerts are the alert defaults.
func DefaultAlerts() Alerts { return Alerts{} }

func (v *validator) alerts(a Alerts) {}

func (v *validator) api(a API) {}
