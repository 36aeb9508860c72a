#!/usr/bin/env bash
# The project's test command, run locally and by CI (.ci/run).
# Installs the pinned test tools into .tools/, puts .tools/bin first in PATH,
# then vets and tests every package. Extra arguments go to `go test`, e.g.
#   scripts/test.sh -run TestStartAnvil -v
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/install-test-tools.sh
export PATH="$PWD/.tools/bin:$PATH"

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
echo "test.sh: go test -count=1 -timeout 25m ./... $*"
go test -count=1 -timeout 25m ./... "$@"

# ---- fuzzing (bounded) ------------------------------------------------------
# The seed corpora already ran as tests above. Here every fuzz target mutates
# its seeds for LPOPS_FUZZTIME (default 5s; 0 skips this step) with
# LPOPS_FUZZPARALLEL workers (default 1). go fuzzes one target per package per
# run, so targets are found (go test -list, in the packages whose tests define
# one) and run one by one. A crasher fails the script; go saves it under the
# package's testdata/fuzz/<Target>/ to commit with the fix.
fuzztime=${LPOPS_FUZZTIME:-5s}
if [[ $fuzztime != 0 && $fuzztime != 0s ]]; then
	fuzz_pkgs=$(git grep -l -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' -- '*_test.go' | xargs -r -n1 dirname | sort -u | sed 's|^|./|')
	fuzz_failed=()
	for pkg in $fuzz_pkgs; do
		for target in $(go test -list '^Fuzz' "$pkg" | grep -E '^Fuzz'); do
			echo "test.sh: fuzz $pkg $target for $fuzztime"
			if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel "${LPOPS_FUZZPARALLEL:-1}" -timeout 10m "$pkg"; then
				fuzz_failed+=("$pkg $target")
			fi
		done
	done
	if ((${#fuzz_failed[@]} > 0)); then
		echo "test.sh: fuzzing found failures (inputs saved under each package's testdata/fuzz/):" >&2
		printf '  %s\n' "${fuzz_failed[@]}" >&2
		exit 1
	fi
fi
# ---- end fuzzing -------------------------------------------------------------
