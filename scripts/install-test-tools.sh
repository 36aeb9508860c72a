#!/usr/bin/env bash
# Installs the real programs lpops' tests run against into .tools/ at the
# repository root (gitignored; LPOPS_TOOLS_DIR names another directory).
# Idempotent: a tool already present at the pinned version is left alone, so a
# warm run takes a few seconds.
#
#   .tools/bin/anvil   anvil from npm @foundry-rs/anvil-linux-<arch>@ANVIL_VERSION
#   .tools/bin/geth    go install github.com/ethereum/go-ethereum/cmd/geth@GETH_VERSION
#   .tools/bin/staticcheck
#                      go install honnef.co/go/tools/cmd/staticcheck@STATICCHECK_VERSION
#   .tools/bin/clef    go install github.com/ethereum/go-ethereum/cmd/clef@CLEF_VERSION
#   .tools/bin/local-kms
#                      go install github.com/nsmithuk/local-kms@LOCAL_KMS_VERSION
#   .tools/bin/minio   go install github.com/minio/minio@MINIO_VERSION
#   .tools/bin/sops    go install github.com/getsops/sops/v3/cmd/sops@SOPS_VERSION
#   .tools/bin/{promtool, alertmanager, chronyd, cloud-init, nft, logrotate,
#     mkfs.ext4, shellcheck, systemd-analyze, dbus-daemon, zsh, fish, chromium,
#     ffmpeg, ffprobe}
#                      Debian 12 packages unpacked (apt-get download + dpkg -x)
#                      into .tools/deb/root, never installed (install_debs)
#   .tools/bin/{etcd, etcdctl}
#                      Debian 12's etcd-server and etcd-client at ETCD_VERSION,
#                      unpacked the same way (install_etcd)
#
# Nothing is installed system-wide: node and npm come from the host (the
# script stops, naming them, when they are missing). `apt-get update` when the
# package lists lack a package is the only step that needs root. Nothing is
# enabled, started or removed.
set -euo pipefail

ANVIL_VERSION=1.7.1
GETH_VERSION=v1.17.10
# Module v0.8.2 is staticcheck release 2026.2.2, the newest on the proxy; it
# builds with and analyses Go 1.26 code.
STATICCHECK_VERSION=v0.8.2
# clef left the go-ethereum tree in v1.17.4 (see its release notes); v1.17.3
# is the last release holding cmd/clef. Its external-signer API
# (account_signTransaction, the rule engine) is what lpops'
# accounts/external at GETH_VERSION speaks.
CLEF_VERSION=v1.17.3
# local-kms (AWS KMS stand-in implementing ECC_SECG_P256K1 keys) has no
# release tags on the proxy: a pseudo-version pins one commit.
LOCAL_KMS_VERSION=v0.0.0-20260228092603-2a5e92d09ab6
# MinIO (internal/backup's S3 destination, test/disaster): MinIO tags its
# releases RELEASE.<date>, which are not semver, so the proxy serves its
# commits as pseudo-versions; this is the newest (2026-02-12) at the time it
# was pinned. A cold build takes long (see install_minio).
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
# sops: lpops runs the sops command to read sops: secrets (internal/secrets),
# and the tests encrypt with it as an operator does.
SOPS_VERSION=v3.13.3

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TOOLS=${LPOPS_TOOLS_DIR:-$ROOT/.tools}
mkdir -p "$TOOLS"
TOOLS=$(cd "$TOOLS" && pwd)
BIN=$TOOLS/bin
mkdir -p "$BIN"

log() { echo "install-test-tools: $*"; }
die() { echo "install-test-tools: error: $*" >&2; exit 1; }

# Several engineers (and go test binaries) may run this at once in one tree.
exec 9>"$TOOLS/.lock"
flock 9

# has_version BIN PATTERN: BIN runs and its version output matches PATTERN.
has_version() {
	# Capture first: with pipefail, grep -q closing the pipe early would make
	# the tool die of SIGPIPE and the check fail at random.
	local out
	[[ -x $1 ]] && out=$("$1" "${@:3}" 2>/dev/null) && grep -qE "$2" <<<"$out"
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
# Signer backends (internal/signer): clef, go-ethereum's external signer, at
# CLEF_VERSION, and local-kms, a KMS-compatible server for the
# aws-kms signer. Built outside the repository like geth.
# ---------------------------------------------------------------------------
install_clef() {
	local v=${CLEF_VERSION#v}
	if has_version "$BIN/clef" "version ${v//./\\.}-" --version; then
		log "clef $CLEF_VERSION already installed"
		return
	fi
	command -v go >/dev/null || die "go not found in PATH"
	log "go install github.com/ethereum/go-ethereum/cmd/clef@$CLEF_VERSION (takes a few minutes cold)"
	(cd "$TOOLS" && GOBIN=$BIN GOWORK=off GOFLAGS=-buildvcs=false \
		go install "github.com/ethereum/go-ethereum/cmd/clef@$CLEF_VERSION")
	has_version "$BIN/clef" "version ${v//./\\.}-" --version ||
		die "installed clef does not report version $CLEF_VERSION"
	log "clef $CLEF_VERSION installed"
}

# install_local_kms: local-kms prints no version, so a stamp file beside the
# binary records the module version it was built from.
install_local_kms() {
	local stamp=$TOOLS/local-kms.version
	if [[ -x $BIN/local-kms && -f $stamp && $(<"$stamp") == "$LOCAL_KMS_VERSION" ]]; then
		log "local-kms $LOCAL_KMS_VERSION already installed"
		return
	fi
	command -v go >/dev/null || die "go not found in PATH"
	log "go install github.com/nsmithuk/local-kms@$LOCAL_KMS_VERSION"
	(cd "$TOOLS" && GOBIN=$BIN GOWORK=off GOFLAGS=-buildvcs=false \
		go install "github.com/nsmithuk/local-kms@$LOCAL_KMS_VERSION")
	[[ -x $BIN/local-kms ]] || die "local-kms was not installed into $BIN"
	echo "$LOCAL_KMS_VERSION" >"$stamp"
	log "local-kms $LOCAL_KMS_VERSION installed"
}

# ---------------------------------------------------------------------------
# Debian packages, unpacked into .tools/deb/root (never installed).
#
# Every Debian program the tests run is fetched with `apt-get download` and
# unpacked with `dpkg -x`: no maintainer script runs, no unit is enabled or
# started, no user is created, dpkg's database does not change. Each root
# package below is unpacked even when the host has it installed; its
# dependencies are unpacked when the host does not have them installed (a
# library the host has is the same Debian 12 build). .tools/bin/<tool> is a
# small wrapper that runs the unpacked program with LD_LIBRARY_PATH (and,
# for cloud-init, PYTHONPATH) pointing into .tools/deb/root.
#
# root package            tool(s) in .tools/bin       used by
#   prometheus              promtool                    deploy/ (rules, rule tests, dashboard queries)
#   prometheus-alertmanager alertmanager                internal/notify/
#   chrony                  chronyd (-p)                internal/render/
#   cloud-init              cloud-init (schema)         internal/render/
#   nftables                nft (-c)                    internal/render/
#   logrotate               logrotate (-d)              internal/render/
#   (the linter)            shellcheck                  internal/render/ (package shellcheck)
#   e2fsprogs               mkfs.ext4                   internal/render/ (volume script)
#   systemd                 systemd-analyze (verify)    internal/render/
#                           systemd-sysusers, -tmpfiles test/release (the .deb's postinst)
#   dbus-daemon             dbus-daemon (private bus)   internal/remediate/
#   zsh, fish               zsh, fish                   cmd/lpops/ (completion scripts)
#   chromium,               chromium (headless)         internal/web/ (the status page,
#     fonts-dejavu-core                                   its screenshots)
#   ffmpeg                  ffmpeg, ffprobe             internal/capacity/ (lpops bench: the
#                                                         test clip, libx264 transcodes)
# ---------------------------------------------------------------------------
# The packages a tool is built from with its exact version (its own
# library, its data) are roots too, so a host's older copy never stands in.
DEB_ROOTS=(prometheus prometheus-alertmanager chrony cloud-init nftables libnftables1
	logrotate shellcheck e2fsprogs systemd libsystemd-shared dbus-daemon zsh zsh-common
	fish fish-common chromium chromium-common fonts-dejavu-core
	ffmpeg)
# Dependencies no test uses, never unpacked: the Prometheus web UI's
# JavaScript and fonts (moment-timezone alone is 200 MB unpacked), and what
# only maintainer scripts or a running daemon call (they never run here).
DEB_SKIP=('libjs-*' 'fonts-*' javascript-common locales cron cron-daemon-common ucf
	eject gdisk lsb-base)
DEB=$TOOLS/deb
DEBROOT=$DEB/root

# The dpkg database the "is it on the host" question reads. A test hook:
# LPOPS_TOOLS_HOST_ADMINDIR names another one (a status file of a fresh
# Debian 12, say) to exercise what a fresh machine unpacks.
HOST_ADMINDIR=${LPOPS_TOOLS_HOST_ADMINDIR:-/var/lib/dpkg}

case $(uname -m) in
x86_64 | amd64) MULTIARCH=x86_64-linux-gnu ;;
aarch64 | arm64) MULTIARCH=aarch64-linux-gnu ;;
*) MULTIARCH=$(uname -m)-linux-gnu ;;
esac

as_root() {
	if [[ $(id -u) == 0 ]]; then
		"$@"
	else
		command -v sudo >/dev/null || die "need root or sudo to run: $*"
		sudo "$@"
	fi
}

APT_UPDATED=
apt_update() {
	[[ -n $APT_UPDATED ]] && return
	command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian 12 (or a derivative)"
	log "apt-get update (root: refreshes the package lists, installs nothing)"
	as_root apt-get update -qq
	APT_UPDATED=1
}

# deb_closure ROOTS...: prints ROOTS and, recursively, the first alternative
# of each Depends/Pre-Depends that the host does not have installed.
deb_closure() {
	local -A seen=() host=()
	local name status
	while IFS=$'\t' read -r name status; do
		[[ $status == ii* ]] && host[$name]=1
	done < <(dpkg-query --admindir="$HOST_ADMINDIR" -W -f='${Package}\t${db:Status-Abbrev}\n' 2>/dev/null)
	local queue=("$@") next out=("$@") line dep bar cont virt p
	for p in "$@"; do seen[$p]=1; done
	while ((${#queue[@]})); do
		next=()
		cont=0 virt=
		while IFS= read -r line; do
			if [[ $line =~ ^[^\ ] ]]; then
				cont=0 virt=
				continue
			fi
			if [[ -n $virt && $line =~ ^\ \ \ \ ([^ ]+)$ ]]; then
				# The first package providing a virtual dependency.
				dep=${BASH_REMATCH[1]} virt=
			elif [[ $line =~ ^\ (\||\ )(Pre)?Depends:\ (.+)$ ]]; then
				bar=${BASH_REMATCH[1]} dep=${BASH_REMATCH[3]} virt=
				if ((cont)); then
					# A later alternative of a group whose first one was taken.
					[[ $bar == "|" ]] || cont=0
					continue
				fi
				[[ $bar == "|" ]] && cont=1
				if [[ $dep == \<*\> ]]; then
					dep=${dep#<} dep=${dep%>}
					if [[ $dep != *:any ]]; then
						virt=1
						continue
					fi
				fi
			else
				continue
			fi
			dep=${dep%:any}
			[[ -n ${seen[$dep]:-} ]] && continue
			seen[$dep]=1
			[[ -n ${host[$dep]:-} ]] && continue
			for p in "${DEB_SKIP[@]}"; do
				# shellcheck disable=SC2053 # DEB_SKIP holds patterns.
				[[ $dep == $p ]] && continue 2
			done
			next+=("$dep") out+=("$dep")
		done < <(apt-cache depends --no-recommends --no-suggests --no-conflicts \
			--no-breaks --no-replaces --no-enhances "${queue[@]}")
		queue=("${next[@]}")
	done
	printf '%s\n' "${out[@]}"
}

# write_wrapper NAME PATH-IN-ROOT: .tools/bin/NAME runs the unpacked program
# with the unpacked libraries first on its library path. The wrapper finds
# the root from its own location, so the tree can move.
write_wrapper() {
	local name=$1 target=$2
	cat >"$BIN/$name.tmp" <<-WRAP
		#!/bin/sh
		# $name from Debian, unpacked (dpkg -x) by scripts/install-test-tools.sh.
		R=\$(cd "\$(dirname "\$0")/../deb/root" && pwd -P) || exit 127
		L=\$R/usr/lib/$MULTIARCH:\$R/lib/$MULTIARCH:\$R/usr/lib/$MULTIARCH/systemd
		LD_LIBRARY_PATH=\$L\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
		export LD_LIBRARY_PATH
		exec "\$R/$target" "\$@"
	WRAP
	chmod 0755 "$BIN/$name.tmp"
	mv -f "$BIN/$name.tmp" "$BIN/$name"
}

# write_zsh_wrapper: zsh ignores module_path and fpath from the environment,
# so the wrapper prepends their assignment to the command of `-c CMD`
# (how the tests run it); `zsh -n FILE` needs neither.
write_zsh_wrapper() {
	cat >"$BIN/zsh.tmp" <<-WRAP
		#!/bin/sh
		# zsh from Debian, unpacked (dpkg -x) by scripts/install-test-tools.sh.
		# zsh reads module_path and fpath only from its own code, not from the
		# environment: the command after -c gets them prepended.
		R=\$(cd "\$(dirname "\$0")/../deb/root" && pwd -P) || exit 127
		L=\$R/usr/lib/$MULTIARCH:\$R/lib/$MULTIARCH
		LD_LIBRARY_PATH=\$L\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
		export LD_LIBRARY_PATH
		init="module_path=('\$R'/usr/lib/$MULTIARCH/zsh/*(/N[-1])); fpath=('\$R'/usr/share/zsh/functions/**/*(/N) \\\$fpath)"
		c=0
		for a do
			shift
			if [ "\$c" = 1 ]; then
				a="\$init
		\$a"
				c=2
			fi
			[ "\$a" = -c ] && [ "\$c" = 0 ] && c=1
			set -- "\$@" "\$a"
		done
		exec "\$R/bin/zsh" "\$@"
	WRAP
	chmod 0755 "$BIN/zsh.tmp"
	mv -f "$BIN/zsh.tmp" "$BIN/zsh"
}

# write_cloud_init_wrapper: cloud-init is Python. It runs under the host's
# Debian python3 (/usr/bin/python3, not whatever python3 is first on PATH),
# or the unpacked one when the host has none, with the unpacked modules
# first on PYTHONPATH.
write_cloud_init_wrapper() {
	cat >"$BIN/cloud-init.tmp" <<-WRAP
		#!/bin/sh
		# cloud-init from Debian, unpacked (dpkg -x) by scripts/install-test-tools.sh.
		R=\$(cd "\$(dirname "\$0")/../deb/root" && pwd -P) || exit 127
		L=\$R/usr/lib/$MULTIARCH:\$R/lib/$MULTIARCH
		LD_LIBRARY_PATH=\$L\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
		export LD_LIBRARY_PATH
		PY=/usr/bin/python3
		if [ -x "\$R/usr/bin/python3" ]; then
			PY=\$R/usr/bin/python3
			PYTHONHOME=\$R/usr
			export PYTHONHOME
		fi
		PYTHONPATH=\$R/usr/lib/python3/dist-packages\${PYTHONPATH:+:\$PYTHONPATH}
		PYTHONDONTWRITEBYTECODE=1
		export PYTHONPATH PYTHONDONTWRITEBYTECODE
		exec "\$PY" -s "\$R/usr/bin/cloud-init" "\$@"
	WRAP
	chmod 0755 "$BIN/cloud-init.tmp"
	mv -f "$BIN/cloud-init.tmp" "$BIN/cloud-init"
}

# write_chromium_wrapper: chromium runs its ELF binary directly (Debian's
# /usr/bin/chromium is a script that reads /etc/chromium.d), with a
# fontconfig configuration that finds the unpacked fonts: a headless browser
# with no font draws every letter as a box.
write_chromium_wrapper() {
	cat >"$DEB/fonts.conf" <<-'CONF'
		<?xml version="1.0"?>
		<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
		<!-- Written by scripts/install-test-tools.sh: the fonts unpacked beside
		     this file, then the host's. -->
		<fontconfig>
		  <dir prefix="relative">root/usr/share/fonts</dir>
		  <dir>/usr/share/fonts</dir>
		  <cachedir prefix="xdg">lpops-tools-fontconfig</cachedir>
		</fontconfig>
	CONF
	cat >"$BIN/chromium.tmp" <<-WRAP
		#!/bin/sh
		# chromium from Debian, unpacked (dpkg -x) by scripts/install-test-tools.sh.
		R=\$(cd "\$(dirname "\$0")/../deb/root" && pwd -P) || exit 127
		L=\$R/usr/lib/$MULTIARCH:\$R/lib/$MULTIARCH
		LD_LIBRARY_PATH=\$L\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
		FONTCONFIG_FILE=\$R/../fonts.conf
		export LD_LIBRARY_PATH FONTCONFIG_FILE
		exec "\$R/usr/lib/chromium/chromium" "\$@"
	WRAP
	chmod 0755 "$BIN/chromium.tmp"
	mv -f "$BIN/chromium.tmp" "$BIN/chromium"
}

# write_ffmpeg_wrappers: ffmpeg and ffprobe (lpops bench, internal/capacity).
# Debian's ffmpeg links ~100 libraries (libavcodec59 and its codecs); the
# plain wrapper puts the unpacked ones first on LD_LIBRARY_PATH, and also the
# directories some of them keep private libraries in (pulseaudio, blas).
write_ffmpeg_wrappers() {
	local name
	for name in ffmpeg ffprobe; do
		cat >"$BIN/$name.tmp" <<-WRAP
			#!/bin/sh
			# $name from Debian, unpacked (dpkg -x) by scripts/install-test-tools.sh.
			R=\$(cd "\$(dirname "\$0")/../deb/root" && pwd -P) || exit 127
			L=\$R/usr/lib/$MULTIARCH:\$R/lib/$MULTIARCH:\$R/usr/lib/$MULTIARCH/pulseaudio:\$R/usr/lib/$MULTIARCH/blas:\$R/usr/lib/$MULTIARCH/lapack
			LD_LIBRARY_PATH=\$L\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
			export LD_LIBRARY_PATH
			exec "\$R/usr/bin/$name" "\$@"
		WRAP
		chmod 0755 "$BIN/$name.tmp"
		mv -f "$BIN/$name.tmp" "$BIN/$name"
	done
}

# deb_wrappers: every tool the unpacked packages provide, and the version
# command that shows it runs.
deb_wrappers() {
	write_wrapper promtool usr/bin/promtool
	write_wrapper alertmanager usr/bin/prometheus-alertmanager
	write_wrapper chronyd usr/sbin/chronyd
	write_wrapper nft usr/sbin/nft
	write_wrapper logrotate usr/sbin/logrotate
	write_wrapper shellcheck usr/bin/shellcheck
	write_wrapper mkfs.ext4 sbin/mkfs.ext4
	write_wrapper systemd-analyze usr/bin/systemd-analyze
	# test/release's install of the .deb into a temporary root: its postinst
	# runs them with --root.
	write_wrapper systemd-sysusers bin/systemd-sysusers
	write_wrapper systemd-tmpfiles bin/systemd-tmpfiles
	write_wrapper dbus-daemon usr/bin/dbus-daemon
	write_wrapper fish usr/bin/fish
	write_zsh_wrapper
	write_cloud_init_wrapper
	write_chromium_wrapper
	write_ffmpeg_wrappers
	# fish finds its functions relative to its binary (a "relocatable tree")
	# when <prefix>/share/fish and <prefix>/etc/fish both exist.
	mkdir -p "$DEBROOT/usr/etc"
	ln -sfn ../../etc/fish "$DEBROOT/usr/etc/fish"
}

DEB_CHECKS=(
	"promtool --version"
	"alertmanager --version"
	"chronyd --version"
	"nft --version"
	"logrotate --version"
	"shellcheck --version"
	"mkfs.ext4 -V"
	"systemd-analyze --version"
	"systemd-sysusers --version"
	"systemd-tmpfiles --version"
	"dbus-daemon --version"
	"fish --version"
	"zsh --version"
	"cloud-init --version"
	"chromium --version"
	"ffmpeg -version"
	"ffprobe -version"
)

# deb_tools_run: every wrapper runs its program, with a clean environment
# (PATH holds only .tools/bin and the base system's directories), so nothing
# installed on the host stands in for an unpacked program.
deb_tools_run() {
	local c out
	for c in "${DEB_CHECKS[@]}"; do
		# shellcheck disable=SC2086 # the check is "tool args".
		if ! out=$(env -i HOME="${HOME:-/}" PATH="$BIN:/usr/bin:/bin" "$BIN"/$c 2>&1); then
			[[ ${1:-} == quiet ]] || log "$c failed: $out"
			return 1
		fi
		[[ ${1:-} == quiet ]] || log "  $c: $(head -n1 <<<"$out")"
	done
}

install_debs() {
	local stamp=$DEB/roots
	if [[ -f $stamp && $(<"$stamp") == "${DEB_ROOTS[*]}" ]] && deb_tools_run quiet; then
		log "unpacked Debian tools already in .tools/deb (${DEB_ROOTS[*]})"
		return
	fi
	if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
		die "apt-get and dpkg not found: the test tools come from Debian 12 packages"
	fi
	local p known
	known=$(LC_ALL=C apt-cache policy "${DEB_ROOTS[@]}" 2>/dev/null | grep -c '^  Candidate: [^(]' || true)
	((known == ${#DEB_ROOTS[@]})) || apt_update
	local pkgs
	mapfile -t pkgs < <(deb_closure "${DEB_ROOTS[@]}")
	mkdir -p "$DEB/archives" "$DEBROOT"
	# apt-get download fetches the candidate version of each, as any user,
	# into the current directory; packages already there are reused.
	# The candidate version of each, from one apt-cache call.
	local -A cand=()
	local name ver file want=()
	while read -r name ver; do
		cand[$name]=$ver
	done < <(LC_ALL=C apt-cache policy "${pkgs[@]}" | awk '/^[^ ].*:$/ {sub(/:$/, ""); p = $0} /^  Candidate:/ {print p, $2}')
	for p in "${pkgs[@]}"; do
		ver=${cand[$p]:-}
		[[ -n $ver && $ver != "(none)" ]] || die "no candidate version of $p in the package lists"
		file=$(compgen -G "$DEB/archives/${p}_${ver//:/%3a}_*.deb" | head -n1) || true
		[[ -n $file ]] || want+=("$p")
	done
	if ((${#want[@]})); then
		log "apt-get download ${#want[@]} packages into .tools/deb/archives: ${want[*]}"
		(cd "$DEB/archives" && apt-get download -q "${want[@]}") >"$DEB/download.log" 2>&1 ||
			die "apt-get download failed: $(tail -n 5 "$DEB/download.log")"
	fi
	# Unpack each package at its candidate version, once.
	mkdir -p "$DEB/unpacked"
	: >"$DEB/packages.tmp"
	for p in "${pkgs[@]}"; do
		ver=${cand[$p]}
		file=$(compgen -G "$DEB/archives/${p}_${ver//:/%3a}_*.deb" | head -n1) ||
			die "apt-get download did not fetch $p $ver"
		echo "$p $ver" >>"$DEB/packages.tmp"
		[[ -f $DEB/unpacked/$(basename "$file") ]] && continue
		dpkg -x "$file" "$DEBROOT"
		: >"$DEB/unpacked/$(basename "$file")"
	done
	mv -f "$DEB/packages.tmp" "$DEB/packages"
	deb_wrappers
	log "unpacked ${#pkgs[@]} Debian packages into .tools/deb/root (list: .tools/deb/packages); the tools:"
	deb_tools_run || die "an unpacked tool does not run (above)"
	echo "${DEB_ROOTS[*]}" >"$stamp"
}

# ---------------------------------------------------------------------------
# MinIO: the S3-compatible server the backup tests store archives in
# (`minio server DIR --address 127.0.0.1:PORT`, internal/testenv.StartMinIO).
# Built the way geth is, outside the repository, at the pinned commit. The
# binary prints no module version, so the pin is checked with go version -m.
# ---------------------------------------------------------------------------
install_minio() {
	local out
	if [[ -x $BIN/minio ]] && out=$(go version -m "$BIN/minio" 2>/dev/null) &&
		grep -qE "^[[:space:]]+mod[[:space:]]+github.com/minio/minio[[:space:]]+${MINIO_VERSION}([[:space:]]|$)" <<<"$out"; then
		log "minio $MINIO_VERSION already installed"
		return
	fi
	command -v go >/dev/null || die "go not found in PATH"
	log "go install github.com/minio/minio@$MINIO_VERSION (a large build: tens of minutes cold on 2 cores)"
	(cd "$TOOLS" && GOBIN=$BIN GOWORK=off GOFLAGS=-buildvcs=false \
		go install "github.com/minio/minio@$MINIO_VERSION")
	out=$(go version -m "$BIN/minio") || die "go version -m $BIN/minio failed"
	grep -qE "^[[:space:]]+mod[[:space:]]+github.com/minio/minio[[:space:]]+${MINIO_VERSION}([[:space:]]|$)" <<<"$out" ||
		die "installed minio is not module version $MINIO_VERSION"
	log "minio $MINIO_VERSION installed"
}

# ---------------------------------------------------------------------------
# Node.js: node (internal/render/polkit_test.go evaluates the polkit rule in
# it) and npm (installs anvil above) are taken from the host and never
# installed by this script: it installs nothing system-wide. Machines of
# this project's kind have both; elsewhere, install them first.
# ---------------------------------------------------------------------------
install_node() {
	local missing=()
	command -v node >/dev/null || missing+=(node)
	command -v npm >/dev/null || missing+=(npm)
	((${#missing[@]} == 0)) ||
		die "${missing[*]} not found on PATH: the tests need Node.js (node evaluates the rendered polkit rule, npm fetches anvil); install it first (Debian: apt-get install nodejs npm), this script installs nothing system-wide"
}

# ---------------------------------------------------------------------------
# etcd (internal/ha, test/ha, bench/failover: a 3-member cluster on loopback).
# Debian 12's etcd-server and etcd-client (etcd and etcdctl, ETCD_VERSION),
# fetched with apt-get download and unpacked with dpkg -x into .tools/deb/root
# like the packages above, but on their own: both are static Go binaries with
# no library to unpack, and a stamp of their own keeps install_debs' closure
# (and its stamp) untouched. Nothing is installed, enabled or started.
# ---------------------------------------------------------------------------
ETCD_VERSION=3.4.23-4+b4
install_etcd() {
	local v=${ETCD_VERSION%%-*}
	if has_version "$BIN/etcd" "^etcd Version: ${v//./\\.}$" --version &&
		has_version "$BIN/etcdctl" "^etcdctl version: ${v//./\\.}$" version; then
		log "etcd $ETCD_VERSION already installed"
		return
	fi
	if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
		die "apt-get and dpkg not found: etcd comes from Debian 12's etcd-server"
	fi
	local p file
	mkdir -p "$DEB/archives" "$DEBROOT"
	LC_ALL=C apt-cache policy etcd-server etcd-client 2>/dev/null | grep -q "^  Candidate: ${ETCD_VERSION//+/\\+}$" ||
		apt_update
	for p in etcd-server etcd-client; do
		file=$(compgen -G "$DEB/archives/${p}_${ETCD_VERSION}_*.deb" | head -n1) || true
		if [[ -z $file ]]; then
			log "apt-get download $p=$ETCD_VERSION into .tools/deb/archives"
			(cd "$DEB/archives" && apt-get download -q "$p=$ETCD_VERSION") >"$DEB/download-etcd.log" 2>&1 ||
				die "apt-get download $p=$ETCD_VERSION failed: $(tail -n 5 "$DEB/download-etcd.log")"
			file=$(compgen -G "$DEB/archives/${p}_${ETCD_VERSION}_*.deb" | head -n1) ||
				die "apt-get download did not fetch $p $ETCD_VERSION"
		fi
		dpkg -x "$file" "$DEBROOT"
	done
	write_wrapper etcd usr/bin/etcd
	write_wrapper etcdctl usr/bin/etcdctl
	has_version "$BIN/etcd" "^etcd Version: ${v//./\\.}$" --version ||
		die "installed etcd does not report version $v"
	has_version "$BIN/etcdctl" "^etcdctl version: ${v//./\\.}$" version ||
		die "installed etcdctl does not report version $v"
	log "etcd $ETCD_VERSION installed"
}

# install_sops: the version comes from the binary's build information
# (`sops --version` asks GitHub for the latest release over the network).
install_sops() {
	local out
	if [[ -x $BIN/sops ]] && out=$(go version -m "$BIN/sops" 2>/dev/null) &&
		grep -qE "^[[:space:]]+mod[[:space:]]+github.com/getsops/sops/v3[[:space:]]+${SOPS_VERSION}([[:space:]]|$)" <<<"$out"; then
		log "sops $SOPS_VERSION already installed"
		return
	fi
	command -v go >/dev/null || die "go not found in PATH"
	log "go install github.com/getsops/sops/v3/cmd/sops@$SOPS_VERSION (a minute or two cold)"
	rm -f "$BIN/sops"
	(cd "$TOOLS" && GOBIN=$BIN GOWORK=off GOFLAGS=-buildvcs=false \
		go install "github.com/getsops/sops/v3/cmd/sops@$SOPS_VERSION")
	out=$(go version -m "$BIN/sops") || die "go version -m $BIN/sops failed"
	grep -qE "^[[:space:]]+mod[[:space:]]+github.com/getsops/sops/v3[[:space:]]+${SOPS_VERSION}([[:space:]]|$)" <<<"$out" ||
		die "installed sops is not module version $SOPS_VERSION"
	log "sops $SOPS_VERSION installed"
}

install_anvil
install_geth
install_staticcheck
install_local_kms
install_clef
install_minio
install_sops
install_debs
install_etcd

log "tools ready in .tools/bin"
