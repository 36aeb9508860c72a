#!/usr/bin/env bash
# Builds lpops with its embedded devnet (-tags demo) into .build/lpops-demo and
# runs `lpops demo` with the given flags, e.g.
#   scripts/demo.sh --rounds 6
# It says what it does before building: a first build downloads the modules and
# compiles go-ethereum, which takes minutes and prints little.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=.build/lpops-demo
echo "demo.sh: building lpops with the embedded chain (go build -tags demo -o $bin ./cmd/lpops);"
echo "demo.sh: the first build downloads the modules and compiles go-ethereum: a few minutes, then it starts"
go build -tags demo -o "$bin" ./cmd/lpops
exec "$bin" demo "$@"
