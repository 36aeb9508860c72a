#!/usr/bin/env bash
# The project's test command, run locally and by CI (.ci/run).
# Installs the pinned test tools into .tools/, puts .tools/bin first in PATH,
# then vets and tests every package. Extra arguments go to `go test`, e.g.
#   scripts/test.sh -run TestStartAnvil -v
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/install-test-tools.sh
export PATH="$PWD/.tools/bin:$PATH"

echo "test.sh: go vet ./..."
go vet ./...
echo "test.sh: go vet -tags demo ./cmd/lpops (the demo build)"
go vet -tags demo ./cmd/lpops
echo "test.sh: go test -count=1 -timeout 25m ./... $*"
go test -count=1 -timeout 25m ./... "$@"
