#!/usr/bin/env bash
# Runs anvil in the foreground on 127.0.0.1, for tests and local work.
#
# Settings come from the environment, and the same flags on the command line
# win over it; any other argument goes to anvil unchanged.
#   ANVIL_PORT        --port N          default 8545
#   ANVIL_CHAIN_ID    --chain-id N      default 31337
#   ANVIL_BLOCK_TIME  --block-time S    interval mining every S seconds; unset = automine
#   ANVIL_NO_MINING   --no-mining       1/true: mine only on evm_mine/anvil_mine
#   ANVIL_STATE       --state PATH      load state from PATH if present, dump it there on exit
#   ANVIL_BIN                           anvil binary; default .tools/bin/anvil, then PATH
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

port=${ANVIL_PORT:-8545}
chain_id=${ANVIL_CHAIN_ID:-31337}
block_time=${ANVIL_BLOCK_TIME:-}
no_mining=${ANVIL_NO_MINING:-}
state=${ANVIL_STATE:-}
extra=()
while (($#)); do
	case $1 in
	--port | -p) port=$2; shift 2 ;;
	--chain-id) chain_id=$2; shift 2 ;;
	--block-time | -b) block_time=$2; shift 2 ;;
	--no-mining) no_mining=1; shift ;;
	--state) state=$2; shift 2 ;;
	*) extra+=("$1"); shift ;;
	esac
done

bin=${ANVIL_BIN:-}
if [[ -z $bin ]]; then
	if [[ -x $root/.tools/bin/anvil ]]; then
		bin=$root/.tools/bin/anvil
	elif ! bin=$(command -v anvil); then
		echo "anvil.sh: anvil not found; run scripts/install-test-tools.sh" >&2
		exit 127
	fi
fi

args=(--host 127.0.0.1 --port "$port" --chain-id "$chain_id" --quiet)
[[ -n $block_time ]] && args+=(--block-time "$block_time")
case ${no_mining,,} in 1 | true | yes) args+=(--no-mining) ;; esac
[[ -n $state ]] && args+=(--state "$state")

exec "$bin" "${args[@]}" "${extra[@]}"
