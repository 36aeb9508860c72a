package config

// Remediation configures runbooks: actions lpops takes when alerts fire.
type Remediation struct{}

// DefaultRemediation are the remediation defaults.
func DefaultRemediation() Remediation { return Remediation{} }

func (v *validator) remediation(r Remediation) {}
