package backup

import (
	"time"
)

// FormatVersion is the archive layout version written into every manifest.
const FormatVersion = 1

// ManifestName is the archive's first entry.
const ManifestName = "manifest.json"

// Roles of the files an archive holds.
const (
	RoleConfig           = "config"
	RoleSignerKeystore   = "signer_keystore"
	RoleSignerPassphrase = "signer_passphrase"
	RoleAPIToken         = "api_token"
	RoleRPCURL           = "rpc_url"
	RoleState            = "state"
	RoleNodeKeystore     = "node_keystore"
	RoleRendered         = "rendered"
	RoleRecipients       = "backup_recipients"
)

// Manifest describes an archive: where it came from and what it holds.
type Manifest struct {
	Format       int       `json:"format"`
	LpopsVersion string    `json:"lpops_version"`
	CreatedAt    time.Time `json:"created_at"`
	Hostname     string    `json:"hostname"`
	Network      string    `json:"network"`
	ChainID      uint64    `json:"chain_id"`
	Orchestrator string    `json:"orchestrator"`
	// Signer is the address of the signer's keystore (empty when the host
	// has none: observe mode).
	Signer string `json:"signer,omitempty"`
	// NodeAccounts are the addresses of go-livepeer's keystore files.
	NodeAccounts []string `json:"node_accounts,omitempty"`
	// StateSource says how the state store was copied: "file" (no daemon
	// held it), "daemon" (the running daemon's snapshot) or "none".
	StateSource string `json:"state_source"`
	Files       []File `json:"files"`
}

// File is one archived file.
type File struct {
	// Name is the path inside the archive and under restore's directory.
	Name string `json:"name"`
	Role string `json:"role"`
	// Original is where the file was on the backed-up host.
	Original string `json:"original,omitempty"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// File returns the manifest's first file of role, if any.
func (m *Manifest) File(role string) (File, bool) {
	for _, f := range m.Files {
		if f.Role == role {
			return f, true
		}
	}
	return File{}, false
}
