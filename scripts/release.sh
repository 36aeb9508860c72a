#!/usr/bin/env bash
# Builds a release of lpops into dist/ (gitignored):
#
#   lpops_<version>_linux_<arch>         static binary (CGO_ENABLED=0, -trimpath),
#                                        stamped with version, commit and date
#   lpops_<debversion>_<arch>.deb        the Debian package (below)
#   SHA256SUMS                           sha256sum of every file above
#
# for linux/amd64 and linux/arm64. It needs Go, git and dpkg-deb (Debian's
# dpkg package), nothing else, and never touches the host outside dist/.
#
#   scripts/release.sh                       both architectures, into dist/
#   scripts/release.sh --arch amd64 --out DIR
#
# The version is $VERSION if set, else `git describe --tags --always --dirty`
# (v1.2.0, or v1.2.0-3-gabc1234, or abc1234 before the first tag). The date
# is $SOURCE_DATE_EPOCH if set, else the commit's time, so one commit always
# builds the same bytes.
#
# The .deb holds:
#   /usr/bin/lpops                       the binary
#   /etc/lpops/lpops.yaml                examples/lpops.yaml with host.lpops.binary
#                                        = /usr/bin/lpops (a conffile: an upgrade
#                                        keeps your edits)
#   /lib/systemd/system/lpops.service    what `lpops render` writes for that
#                                        config (installed, not enabled: it
#                                        needs the credentials first)
#   /usr/lib/sysusers.d/lpops.conf       the lpops system user and group
#   /usr/lib/tmpfiles.d/lpops.conf       /var/lib/lpops (0700 lpops) and
#                                        /etc/lpops/credentials (0700 root)
#   /usr/share/doc/lpops/                README.md, the guide and references
# Its postinst creates the user and the directories with systemd-sysusers and
# systemd-tmpfiles (with --root "$DPKG_ROOT" when dpkg installs into another
# root), else with adduser and install -d.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

ARCHES=()
OUT=$ROOT/dist
while (($#)); do
	case $1 in
	--arch) ARCHES+=("$2") && shift 2 ;;
	--arch=*) ARCHES+=("${1#*=}") && shift ;;
	--out) OUT=$2 && shift 2 ;;
	--out=*) OUT=${1#*=} && shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' && exit 0 ;;
	*) echo "release.sh: unknown argument $1 (see --help)" >&2 && exit 2 ;;
	esac
done
((${#ARCHES[@]})) || ARCHES=(amd64 arm64)

log() { echo "release.sh: $*"; }
die() { echo "release.sh: error: $*" >&2; exit 1; }

command -v go >/dev/null || die "go not found"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
for a in "${ARCHES[@]}"; do
	case $a in amd64 | arm64) ;; *) die "unsupported architecture $a (amd64, arm64)" ;; esac
done

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [[ -z ${SOURCE_DATE_EPOCH:-} ]]; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH
DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

# Debian version: v1.2.0 -> 1.2.0, v1.2.0-3-gabc1234 -> 1.2.0+3+gabc1234,
# no tag -> 0.0.0~git<date>.<commit>.
debversion() {
	local v=${1#v} dirty=
	if [[ $v == *-dirty ]]; then
		dirty=+dirty v=${v%-dirty}
	fi
	if [[ $v =~ ^[0-9]+(\.[0-9]+)+([-+~]|$) ]]; then
		v=${v/-rc/\~rc}
		echo "${v//-/+}$dirty"
	else
		echo "0.0.0~git$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d).${COMMIT:0:12}$dirty"
	fi
}
DEBVERSION=$(debversion "$VERSION")

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

LDFLAGS="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$DATE"

# The packaged config: the example, with the binary where the package puts it.
grep -q '^    binary: /usr/local/bin/lpops$' examples/lpops.yaml ||
	die "examples/lpops.yaml: no 'binary: /usr/local/bin/lpops' line under host.lpops to point at /usr/bin/lpops"
sed 's|^    binary: /usr/local/bin/lpops$|    binary: /usr/bin/lpops|' examples/lpops.yaml >"$WORK/lpops.yaml"

# The unit: what lpops render writes for that config, rendered by a binary
# built for this machine.
log "rendering lpops.service from the packaged config"
go build -trimpath -o "$WORK/lpops-host" ./cmd/lpops
"$WORK/lpops-host" render --config "$WORK/lpops.yaml" --out "$WORK/rendered" >/dev/null
grep -q '^ExecStart=/usr/bin/lpops' "$WORK/rendered/lpops.service" ||
	die "the rendered lpops.service does not run /usr/bin/lpops"

FILES=()
for arch in "${ARCHES[@]}"; do
	bin=lpops_${VERSION}_linux_$arch
	log "go build $bin (CGO_ENABLED=0, version $VERSION, commit ${COMMIT:0:12}, date $DATE)"
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -buildvcs=false \
		-ldflags "$LDFLAGS" -o "$OUT/$bin" ./cmd/lpops
	FILES+=("$bin")

	pkg=$WORK/pkg-$arch
	install -d -m 0755 "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/etc/lpops" "$pkg/lib/systemd/system" \
		"$pkg/usr/lib/sysusers.d" "$pkg/usr/lib/tmpfiles.d" "$pkg/usr/share/doc/lpops/docs"
	install -m 0755 "$OUT/$bin" "$pkg/usr/bin/lpops"
	install -m 0644 "$WORK/lpops.yaml" "$pkg/etc/lpops/lpops.yaml"
	install -m 0644 "$WORK/rendered/lpops.service" "$pkg/lib/systemd/system/lpops.service"
	cat >"$pkg/usr/lib/sysusers.d/lpops.conf" <<-'EOF'
		# The system user lpops.service runs as (package lpops).
		u lpops - "lpops, keeps the Livepeer orchestrator earning" /var/lib/lpops /usr/sbin/nologin
	EOF
	cat >"$pkg/usr/lib/tmpfiles.d/lpops.conf" <<-'EOF'
		# lpops' state (keystore, lpops.db) and the root-only credentials
		# lpops.service loads (package lpops).
		d /var/lib/lpops 0700 lpops lpops -
		d /etc/lpops/credentials 0700 root root -
	EOF
	chmod 0644 "$pkg/usr/lib/sysusers.d/lpops.conf" "$pkg/usr/lib/tmpfiles.d/lpops.conf"
	install -m 0644 README.md "$pkg/usr/share/doc/lpops/README.md"
	install -m 0644 docs/*.md "$pkg/usr/share/doc/lpops/docs/"
	cat >"$pkg/usr/share/doc/lpops/copyright" <<-EOF
		lpops $VERSION, built from commit $COMMIT.
		Source: the lpops repository; see README.md.
	EOF

	echo /etc/lpops/lpops.yaml >"$pkg/DEBIAN/conffiles"
	cat >"$pkg/DEBIAN/control" <<-EOF
		Package: lpops
		Version: $DEBVERSION
		Architecture: $arch
		Maintainer: lpops maintainers <lpops@localhost>
		Section: net
		Priority: optional
		Depends: systemd | adduser
		Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
		Homepage: https://livepeer.org
		Description: keeps a Livepeer orchestrator earning
		 lpops watches the chain each protocol round and calls reward() for the
		 orchestrator when its node has not, exactly once, under a fee cap. It
		 alerts on the node, RPC endpoints, balances and stake, and renders the
		 host's configuration. lpops.service is installed but not enabled: put
		 the credentials under /etc/lpops/credentials first (see
		 /usr/share/doc/lpops/docs/operator-guide.md).
	EOF
	cat >"$pkg/DEBIAN/postinst" <<-'EOF'
		#!/bin/sh
		# lpops postinst: the lpops user and group, /var/lib/lpops and
		# /etc/lpops/credentials. Honours DPKG_ROOT (dpkg --root with
		# --force-script-chrootless): then everything happens under it, and
		# the running system's users and systemd are left alone.
		set -e
		if [ "$1" = configure ]; then
			root=${DPKG_ROOT:-}
			if command -v systemd-sysusers >/dev/null 2>&1; then
				systemd-sysusers ${root:+--root="$root"} "$root/usr/lib/sysusers.d/lpops.conf"
				systemd-tmpfiles ${root:+--root="$root"} --create "$root/usr/lib/tmpfiles.d/lpops.conf"
			elif [ -z "$root" ]; then
				getent passwd lpops >/dev/null ||
					adduser --system --group --home /var/lib/lpops --no-create-home \
						--shell /usr/sbin/nologin lpops
				install -d -m 0700 -o lpops -g lpops /var/lib/lpops
				install -d -m 0700 -o root -g root /etc/lpops/credentials
			else
				echo "lpops postinst: DPKG_ROOT set and no systemd-sysusers: create the lpops user yourself" >&2
			fi
			if [ -z "$root" ] && [ -d /run/systemd/system ]; then
				systemctl daemon-reload || true
			fi
		fi
		exit 0
	EOF
	cat >"$pkg/DEBIAN/postrm" <<-'EOF'
		#!/bin/sh
		# lpops postrm: the unit is gone, tell systemd. The lpops user, its
		# keystore and state in /var/lib/lpops and the credentials are kept,
		# even on purge: they hold keys.
		set -e
		if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
			systemctl daemon-reload || true
		fi
		exit 0
	EOF
	chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"
	(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
		xargs -0 md5sum >DEBIAN/md5sums)
	# Every file's time is the commit's: the same commit builds the same .deb.
	find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	deb=lpops_${DEBVERSION}_$arch.deb
	dpkg-deb --root-owner-group -Zxz --build "$pkg" "$OUT/$deb" >/dev/null
	FILES+=("$deb")
	log "built $deb"
done

(cd "$OUT" && sha256sum "${FILES[@]}" >SHA256SUMS)
log "artifacts in $OUT:"
(cd "$OUT" && for f in "${FILES[@]}" SHA256SUMS; do
	printf '  %-44s %10d bytes\n' "$f" "$(stat -c %s "$f")"
done)
