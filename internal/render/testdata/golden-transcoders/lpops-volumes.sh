#!/bin/bash
# Rendered by `lpops render` from lpops-transcoders.yaml.
# Installed as /usr/local/sbin/lpops-volumes; cloud-init runs it on first boot, and it is
# safe to run again. For each volume: wait for the device, format it only if
# it holds no signature at all, write its fstab line (by label), mount it.
set -euo pipefail

# The fstab to edit and mount from; /etc/fstab unless LPOPS_FSTAB names
# another (the tests use a scratch one).
FSTAB=${LPOPS_FSTAB:-/etc/fstab}

log() { echo "lpops-volumes: $*" >&2; }

# short NAME: /dev/sdf, sdf, /dev/xvdf and xvdf all read "df".
short() {
  local n=${1#/dev/}
  n=${n#xv}
  echo "${n#s}"
}

# find_device NAME: print the block device attached as NAME (such as
# /dev/sdf). On AWS Nitro instances EBS volumes are NVMe devices whose
# controller data (bytes 3072-3103) holds the attachment name. Volumes may be
# attached after boot: wait up to 10 minutes.
find_device() {
  local want=$1 i dev mapped
  for ((i = 0; i < 600; i++)); do
    # As named, or as Xen instances name it (/dev/sdf appears as /dev/xvdf).
    for dev in "$want" "/dev/xv$(short "$want")"; do
      if [[ -b $dev ]]; then
        readlink -f "$dev"
        return 0
      fi
    done
    if command -v nvme >/dev/null; then
      for dev in /dev/nvme*n1; do
        [[ -b $dev ]] || continue
        mapped=$(nvme id-ctrl --raw-binary "$dev" 2>/dev/null | dd bs=1 skip=3072 count=32 status=none | tr -d ' \000') || true
        if [[ -n $mapped && $(short "$mapped") == "$(short "$want")" ]]; then
          echo "$dev"
          return 0
        fi
      done
    fi
    sleep 1
  done
  return 1
}

# setup DEVICE LABEL MOUNT FSTYPE OWNER FSTAB_LINE
# It runs as "setup ... || status=1", where bash ignores set -e: every step
# checks its own result.
setup() {
  local device=$1 label=$2 mount=$3 fstype=$4 owner=$5 line=$6 dev rc have tmp
  if ! dev=$(find_device "$device"); then
    log "$device did not appear; $mount is not mounted"
    return 1
  fi
  rc=0
  blkid -p "$dev" >/dev/null 2>&1 || rc=$?
  case $rc in
  0) ;;
  2)
    log "formatting $dev ($device) as $fstype, label $label"
    mkfs -t "$fstype" -L "$label" "$dev" || { log "mkfs $dev failed"; return 1; }
    if command -v udevadm >/dev/null; then udevadm settle || true; fi
    ;;
  *)
    log "blkid $dev failed (exit $rc)"
    return 1
    ;;
  esac
  have=$(blkid -p -s LABEL -o value "$dev" || true)
  if [[ $have != "$label" ]]; then
    log "$dev ($device) holds data labelled '$have', not '$label'; leaving it alone"
    return 1
  fi
  # Replace any earlier line for this label (so a changed option applies),
  # atomically: a torn fstab could keep the host from booting.
  tmp=$(mktemp "$FSTAB.XXXXXX") || return 1
  if ! { grep -v "^LABEL=${label}[[:space:]]" "$FSTAB" || true; echo "$line"; } >"$tmp" ||
    ! chmod 0644 "$tmp" || ! mv -f "$tmp" "$FSTAB"; then
    rm -f "$tmp"
    log "cannot update $FSTAB"
    return 1
  fi
  mkdir -p "$mount" || return 1
  if ! mountpoint -q "$mount"; then
    mount --fstab "$FSTAB" "$mount" || { log "mount $mount failed"; return 1; }
  fi
  chown "$owner:" "$mount" || return 1
  chmod 0750 "$mount" || return 1
  log "$label mounted on $mount"
}

status=0
setup /dev/sdf lpops-data /var/lib/livepeer ext4 livepeer "LABEL=lpops-data /var/lib/livepeer ext4 defaults,noatime,nofail,x-systemd.device-timeout=10min 0 2" || status=1
# Let systemd regenerate its mount units from the new fstab lines.
if [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
fi
exit $status
