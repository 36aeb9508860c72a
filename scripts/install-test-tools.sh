#!/usr/bin/env bash
# Installs the real programs lpops' integration tests run against into .tools/
# at the repository root (gitignored). Idempotent: a tool already present at the
# pinned version is left alone, so a warm run takes about a second.
#
#   .tools/bin/anvil   anvil from npm @foundry-rs/anvil-linux-<arch>@ANVIL_VERSION
#   .tools/bin/geth    go install github.com/ethereum/go-ethereum/cmd/geth@GETH_VERSION
#   .tools/bin/staticcheck
#                      go install honnef.co/go/tools/cmd/staticcheck@STATICCHECK_VERSION
#
# System packages (node/npm) come from apt-get, only when missing.
set -euo pipefail

ANVIL_VERSION=1.7.1
GETH_VERSION=v1.17.10
# Module v0.8.2 is staticcheck release 2026.2.2, the newest on the proxy; it
# builds with and analyses Go 1.26 code.
STATICCHECK_VERSION=v0.8.2

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
BIN=$TOOLS/bin
mkdir -p "$BIN"

log() { echo "install-test-tools: $*"; }
die() { echo "install-test-tools: error: $*" >&2; exit 1; }

# Several engineers (and go test binaries) may run this at once in one tree.
exec 9>"$TOOLS/.lock"
flock 9

APT_UPDATED=
apt_install() {
	local sudo=
	if [[ $(id -u) != 0 ]]; then
		command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
		sudo=sudo
	fi
	command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
	if [[ -z $APT_UPDATED ]]; then
		log "apt-get update"
		$sudo apt-get update -qq
		APT_UPDATED=1
	fi
	log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

# has_version BIN PATTERN: BIN runs and its version output matches PATTERN.
has_version() {
	# Capture first: with pipefail, grep -q closing the pipe early would make
	# the tool die of SIGPIPE and the check fail at random.
	local out
	[[ -x $1 ]] && out=$("$1" "${@:3}" 2>/dev/null) && grep -qE "$2" <<<"$out"
}

install_node() {
	local pkgs=()
	command -v node >/dev/null || pkgs+=(nodejs)
	command -v npm >/dev/null || pkgs+=(npm)
	((${#pkgs[@]} == 0)) || apt_install "${pkgs[@]}" ca-certificates
}

install_anvil() {
	if has_version "$BIN/anvil" "^anvil Version: ${ANVIL_VERSION//./\\.}( |$)" --version; then
		log "anvil $ANVIL_VERSION already installed"
		return
	fi
	local arch
	case $(uname -m) in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) die "no anvil npm package for $(uname -m)" ;;
	esac
	install_node
	local pkg=@foundry-rs/anvil-linux-$arch
	log "npm install $pkg@$ANVIL_VERSION into .tools/npm"
	npm install --prefix "$TOOLS/npm" --save-exact --no-audit --no-fund \
		--loglevel=error "$pkg@$ANVIL_VERSION"
	# The package ships the prebuilt ELF binary as bin/anvil (its package.json "bin").
	local target=../npm/node_modules/$pkg/bin/anvil
	[[ -x $BIN/$target ]] || die "anvil binary not found at .tools/npm/node_modules/$pkg/bin/anvil"
	ln -sfn "$target" "$BIN/anvil"
	has_version "$BIN/anvil" "^anvil Version: ${ANVIL_VERSION//./\\.}" --version ||
		die "installed anvil does not report version $ANVIL_VERSION"
	log "anvil $ANVIL_VERSION installed"
}

install_geth() {
	local v=${GETH_VERSION#v}
	if has_version "$BIN/geth" "^Version: ${v//./\\.}-" version; then
		log "geth $GETH_VERSION already installed"
		return
	fi
	command -v go >/dev/null || die "go not found in PATH"
	log "go install github.com/ethereum/go-ethereum/cmd/geth@$GETH_VERSION (takes a few minutes cold)"
	# Build outside the repository so its go.mod, GOFLAGS=-mod=... and the
	# workspace play no part; the pinned module version decides everything.
	(cd "$TOOLS" && GOBIN=$BIN GOWORK=off GOFLAGS=-buildvcs=false \
		go install "github.com/ethereum/go-ethereum/cmd/geth@$GETH_VERSION")
	has_version "$BIN/geth" "^Version: ${v//./\\.}-" version ||
		die "installed geth does not report version $GETH_VERSION"
	log "geth $GETH_VERSION installed"
}

# install_staticcheck: the linter scripts/test.sh runs after go vet. Built the
# way geth is, outside the repository, at the pinned module version. Its
# -version output names the module version in parentheses, e.g.
# "staticcheck 2026.2.2 (0.8.2)".
install_staticcheck() {
	local v=${STATICCHECK_VERSION#v}
	if has_version "$BIN/staticcheck" "\\(${v//./\\.}\\)" -version; then
		log "staticcheck $STATICCHECK_VERSION already installed"
		return
	fi
	command -v go >/dev/null || die "go not found in PATH"
	log "go install honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
	(cd "$TOOLS" && GOBIN=$BIN GOWORK=off GOFLAGS=-buildvcs=false \
		go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION")
	has_version "$BIN/staticcheck" "\\(${v//./\\.}\\)" -version ||
		die "installed staticcheck does not report version $STATICCHECK_VERSION"
	log "staticcheck $STATICCHECK_VERSION installed"
}

# ---------------------------------------------------------------------------
# Hooks for tools later tests will need. Each follows the same pattern: pin a
# version here, skip when .tools/bin/<tool> already reports it, install into
# .tools/ (never system-wide unless it only comes from apt), add the call below.
#
# install_prometheus()  promtool from Debian's prometheus package (below).
# install_chromium()    apt_install chromium (Debian package), link into .tools/bin.
# install_ffmpeg()      apt_install ffmpeg.
# ---------------------------------------------------------------------------

# install_alertmanager: Debian's prometheus-alertmanager, the real Alertmanager
# internal/notify's tests post to. The package names its binary
# prometheus-alertmanager; it is linked as .tools/bin/alertmanager. Skipped when
# an alertmanager is already on PATH or linked. (On a host running systemd the
# package also starts a prometheus-alertmanager service on :9093; the tests run
# their own instance on a free loopback port and do not touch it.)
install_alertmanager() {
	local bin
	if [[ -x $BIN/alertmanager ]]; then
		log "alertmanager already linked in .tools/bin"
		return
	fi
	if bin=$(command -v alertmanager); then
		log "alertmanager already on PATH ($bin)"
		return
	fi
	bin=$(command -v prometheus-alertmanager) || {
		apt_install prometheus-alertmanager
		bin=$(command -v prometheus-alertmanager) || die "prometheus-alertmanager installed but not on PATH"
	}
	ln -sfn "$bin" "$BIN/alertmanager"
	log "alertmanager linked: .tools/bin/alertmanager -> $bin"
}

# install_prometheus: promtool, from Debian's prometheus package, which
# deploy/deploy_test.go runs to check and unit-test the alerting rules and to
# parse the Grafana dashboard's queries. Linked as .tools/bin/promtool; skipped
# when a promtool is already on PATH or linked. (On a host running systemd the
# package also starts a prometheus service on :9090; the tests do not use it.)
install_prometheus() {
	local bin
	if [[ -x $BIN/promtool ]]; then
		log "promtool already linked in .tools/bin"
		return
	fi
	if bin=$(command -v promtool); then
		log "promtool already on PATH ($bin)"
		return
	fi
	apt_install prometheus
	bin=$(command -v promtool) || die "prometheus installed but promtool is not on PATH"
	ln -sfn "$bin" "$BIN/promtool"
	log "promtool linked: .tools/bin/promtool -> $bin"
}

# install_host_tools: the programs internal/render's tests check rendered host
# configuration with: systemd-analyze verify (units), nft -c (ruleset),
# cloud-init schema (user-data), chronyd -p, logrotate -d, shellcheck,
# findmnt --verify, and losetup/mkfs.ext4 for the volume script; and
# dbus-daemon, the private bus internal/remediate's tests serve a stand-in
# systemd on (Debian's dbus-daemon package: the daemon alone, not the system
# bus service the dbus package adds); node, which evaluates the rendered
# polkit rule as polkitd would (internal/render/polkit_test.go). All Debian
# packages; only those whose program is missing are installed.
install_host_tools() {
	local pkgs=() cmd pkg
	while read -r cmd pkg; do
		command -v "$cmd" >/dev/null || [[ -x /usr/sbin/$cmd || -x /sbin/$cmd ]] || pkgs+=("$pkg")
	done <<-'LIST'
		systemd-analyze systemd
		nft nftables
		cloud-init cloud-init
		chronyd chrony
		logrotate logrotate
		shellcheck shellcheck
		findmnt util-linux
		losetup mount
		mkfs.ext4 e2fsprogs
		prlimit util-linux
		zsh zsh
		fish fish
		dbus-daemon dbus-daemon
		node nodejs
	LIST
	if ((${#pkgs[@]} > 0)); then
		apt_install "${pkgs[@]}"
	fi
	log "host configuration tools ready"
}

# install_chromium: Debian's chromium, the real browser internal/web's tests
# drive (through chromedp) to load the status page and take its screenshots.
# Linked as .tools/bin/chromium; skipped when a chromium is already on PATH or
# linked. fonts-dejavu-core comes with it: a headless browser with no font
# draws every letter as a box.
install_chromium() {
	local bin
	if [[ -x $BIN/chromium ]]; then
		log "chromium already linked in .tools/bin"
		return
	fi
	if bin=$(command -v chromium); then
		log "chromium already on PATH ($bin)"
		return
	fi
	apt_install chromium fonts-dejavu-core
	bin=$(command -v chromium) || die "chromium installed but not on PATH"
	ln -sfn "$bin" "$BIN/chromium"
	log "chromium linked: .tools/bin/chromium -> $bin"
}

install_anvil
install_geth
install_staticcheck
install_alertmanager
install_prometheus
install_host_tools
install_chromium
# install_ffmpeg

log "tools ready in .tools/bin"
