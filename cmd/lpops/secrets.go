package main

// lpops reads the *_secret keys of its configuration from Vault, SSM
// Parameter Store and sops files: this import links the stores (see
// config.SecretStores).
import _ "github.com/lpops/lpops/internal/secrets/fromconfig"
