#!/usr/bin/env bash
# The project's test command, run locally and by CI (.ci/run).
# Installs the pinned test tools into .tools/ (or $LPOPS_TOOLS_DIR), puts its
# bin first in PATH,
# then vets, lints (staticcheck) and tests every package. Extra arguments go to `go test`, e.g.
#   scripts/test.sh -run TestStartAnvil -v
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/install-test-tools.sh
export PATH="${LPOPS_TOOLS_DIR:-$PWD/.tools}/bin:$PATH"

echo "test.sh: gofmt -l (every tracked .go file formatted)"
if git rev-parse --git-dir >/dev/null 2>&1; then
	unformatted=$(git ls-files -z '*.go' | xargs -0 -r gofmt -l)
else
	unformatted=$(find . -name '*.go' -not -path './.tools/*' -print0 | xargs -0 -r gofmt -l)
fi
if [[ -n $unformatted ]]; then
	echo "test.sh: not gofmt-formatted (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi
echo "test.sh: go vet ./..."
go vet ./...
echo "test.sh: go vet -tags demo ./cmd/lpops (the demo build)"
go vet -tags demo ./cmd/lpops
echo "test.sh: staticcheck ./..."
staticcheck ./...
echo "test.sh: staticcheck -tags demo ./cmd/lpops (the demo build)"
staticcheck -tags demo ./cmd/lpops
echo "test.sh: go test -count=1 -timeout 25m ./... $*"
go test -count=1 -timeout 25m ./... "$@"
