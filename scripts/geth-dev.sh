#!/usr/bin/env bash
# Runs geth --dev in the foreground with HTTP JSON-RPC on 127.0.0.1, for tests
# and local work. The dev account (keystore, empty password, unlocked) is the
# well-known go-ethereum developer key 0x71562b71999873DB5b286dF957af199Ec94617F7
# unless the datadir's keystore already holds another account.
#
# Settings come from the environment, and the same flags on the command line
# win over it; any other argument goes to geth unchanged. (geth reads GETH_*
# variables as its own flags and warns about unknown GETH* ones, hence DEVGETH_.)
#   DEVGETH_PORT       --port N        HTTP port, default 8545
#   DEVGETH_PERIOD     --period N      seconds between blocks; 0 (default) = a block per pending tx
#   DEVGETH_DATADIR    --datadir DIR   keeps chain and keystore across restarts; unset = in memory
#   DEVGETH_VERBOSITY  --verbosity N   default 2 (warnings)
#   DEVGETH_BIN                        geth binary; default .tools/bin/geth, then PATH
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

port=${DEVGETH_PORT:-8545}
period=${DEVGETH_PERIOD:-0}
datadir=${DEVGETH_DATADIR:-}
verbosity=${DEVGETH_VERBOSITY:-2}
extra=()
while (($#)); do
	case $1 in
	--port | --http.port) port=$2; shift 2 ;;
	--period | --dev.period) period=$2; shift 2 ;;
	--datadir) datadir=$2; shift 2 ;;
	--verbosity) verbosity=$2; shift 2 ;;
	*) extra+=("$1"); shift ;;
	esac
done

bin=${DEVGETH_BIN:-}
if [[ -z $bin ]]; then
	if [[ -x $root/.tools/bin/geth ]]; then
		bin=$root/.tools/bin/geth
	elif ! bin=$(command -v geth); then
		echo "geth-dev.sh: geth not found; run scripts/install-test-tools.sh" >&2
		exit 127
	fi
fi

args=(
	--dev --dev.period "$period"
	--http --http.addr 127.0.0.1 --http.port "$port"
	--http.api eth,net,web3,txpool,debug
	--nodiscover --maxpeers 0 --ipcdisable
	--verbosity "$verbosity"
	--cache 128
	# Archive mode on the hash scheme writes every block's state to the
	# datadir at once, so a geth killed with SIGKILL usually comes back with
	# its chain (the newest blocks may be lost: writes are not fsynced); the
	# default (path scheme, state kept in memory) always rewinds to genesis.
	--gcmode archive --state.scheme hash
)
[[ -n $datadir ]] && args+=(--datadir "$datadir")

exec "$bin" "${args[@]}" "${extra[@]}"
