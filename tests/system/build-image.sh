#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Build (and cache) the Debian 12 base image used by the memmon system tests.
#
#   tests/system/build-image.sh [--force]
#
# Result, in ${MEMMON_VM_CACHE:-/var/cache/memmon-vm}/:
#   rootfs.img   raw ext4 root file system (boot it with snapshot=on)
#   vmlinuz      the image's kernel
#   initrd.img   the image's initramfs
#   stamp        hash of this script: a changed recipe rebuilds
#
# Needs root, debootstrap, e2fsprogs (mkfs.ext4 -d) and access to a Debian
# mirror (taken from the host's apt sources; override with MEMMON_VM_MIRROR).
# Safe to run concurrently: the build is serialised by a lock file and the
# result is moved into place only when complete.

set -euo pipefail

CACHE=${MEMMON_VM_CACHE:-/var/cache/memmon-vm}
SUITE=bookworm
IMAGE_SIZE=${MEMMON_VM_IMAGE_SIZE:-2G}

# Packages installed by debootstrap.  memmond's runtime libraries are
# libsystemd0 (comes with systemd), libjson-c5 and libcgroup2.
PACKAGES=(
        systemd systemd-sysv dbus libpam-systemd polkitd pkexec
        libjson-c5 libcgroup2
        jq procps util-linux mount kmod e2fsprogs coreutils findutils grep
        sed gawk less psmisc
)
# Installed afterwards inside the chroot (needs /proc).
KERNEL_PACKAGES=(linux-image-amd64)

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

FORCE=0
for arg in "$@"; do
        case $arg in
        --force) FORCE=1 ;;
        -h|--help) sed -n '3,16p' "$0"; exit 0 ;;
        *) die "unknown argument: $arg" ;;
        esac
done

[[ $(id -u) = 0 ]] || die "must run as root (debootstrap, chroot)"
for t in debootstrap mkfs.ext4 flock sha256sum chroot; do
        command -v "$t" >/dev/null || die "missing tool: $t"
done

mkdir -p "$CACHE"

# The stamp covers the whole recipe: this script (which holds the package
# lists and the guest configuration).
SELF=$(readlink -f "$0")
STAMP=$( { cat "$SELF"; printf '%s\n' "${PACKAGES[@]}" "${KERNEL_PACKAGES[@]}" "$SUITE" "$IMAGE_SIZE"; } | sha256sum | cut -d' ' -f1)

is_current() {
        [[ -s $CACHE/rootfs.img && -s $CACHE/vmlinuz && -s $CACHE/initrd.img && -f $CACHE/stamp ]] &&
                [[ $(cat "$CACHE/stamp") = "$STAMP" ]]
}

if [[ $FORCE = 0 ]] && is_current; then
        log "cached image is current ($CACHE)"
        exit 0
fi

exec 9>"$CACHE/.lock"
if ! flock -n 9; then
        log "another build holds $CACHE/.lock, waiting"
        flock 9
fi
# Someone else may have built it while we waited.
if [[ $FORCE = 0 ]] && is_current; then
        log "cached image is current ($CACHE)"
        exit 0
fi

# Mirror: the first Debian bookworm mirror in the host's apt sources.
find_mirror() {
        local f url
        for f in /etc/apt/sources.list.d/*.sources; do
                [[ -f $f ]] || continue
                # deb822: a stanza with Suites: bookworm and URIs: ...
                url=$(awk -v suite="$SUITE" '
                        BEGIN { RS=""; FS="\n" }
                        {
                                uris=""; ok=0; en=1
                                for (i = 1; i <= NF; i++) {
                                        if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris = u[1] }
                                        if ($i ~ /^Suites:/ && $i ~ ("[ \t]" suite "([ \t]|$)")) ok=1
                                        if ($i ~ /^Enabled:[ \t]*no/) en=0
                                }
                                if (ok && en && uris != "" && uris !~ /security/) { print uris; exit }
                        }' "$f")
                [[ -n $url ]] && { echo "$url"; return; }
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
                [[ -f $f ]] || continue
                url=$(awk -v suite="$SUITE" '$1 == "deb" && $0 !~ /security/ {
                                for (i = 2; i <= NF; i++) if ($i == suite) { u = $2; if (u ~ /^\[/) u = $3; print u; exit } }' "$f")
                [[ -n $url ]] && { echo "$url"; return; }
        done
        echo "http://deb.debian.org/debian"
}
MIRROR=${MEMMON_VM_MIRROR:-$(find_mirror)}
log "mirror: $MIRROR"

WORK=$(mktemp -d "$CACHE/build.XXXXXX")
ROOT=$WORK/rootfs
cleanup() {
        local m
        for m in dev/pts dev sys proc; do
                mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m" || true
        done
        rm -rf "$WORK"
}
trap cleanup EXIT

START=$SECONDS
log "debootstrap $SUITE into $ROOT"
mkdir -p "$CACHE/debs"
include=$(IFS=,; echo "${PACKAGES[*]}")
if ! debootstrap --variant=minbase --cache-dir="$CACHE/debs" --include="$include" \
        "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
        tail -n 40 "$WORK/debootstrap.log" >&2
        [[ -f $ROOT/debootstrap/debootstrap.log ]] && tail -n 40 "$ROOT/debootstrap/debootstrap.log" >&2
        die "debootstrap failed"
fi
log "debootstrap done ($((SECONDS - START)) s)"

# Kernel, installed in the chroot.
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
cat >"$ROOT/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
exit 101
EOF
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
# Keep the image small: no docs/man pages/locales.
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/01-memmon-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
log "installing ${KERNEL_PACKAGES[*]} in the chroot"
if ! chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
        apt-get install -y --no-install-recommends "${KERNEL_PACKAGES[@]}" >"$WORK/kernel.log" 2>&1; then
        tail -n 40 "$WORK/kernel.log" >&2
        die "kernel install failed"
fi
chroot "$ROOT" apt-get clean
rm -f "$ROOT/usr/sbin/policy-rc.d"
# A fixed machine id (every boot is from the same pristine snapshot anyway):
# an empty one would make this a "first boot" and run systemd-firstboot,
# which prompts on the console.
[[ -s $ROOT/etc/machine-id ]] || chroot "$ROOT" systemd-machine-id-setup >/dev/null 2>&1 || true
[[ -s $ROOT/etc/machine-id ]] || tr -d '-' </proc/sys/kernel/random/uuid >"$ROOT/etc/machine-id"
for m in dev/pts dev sys proc; do umount "$ROOT/$m"; done
log "kernel installed ($((SECONDS - START)) s)"

vmlinuz=$(ls "$ROOT"/boot/vmlinuz-* | sort -V | tail -n1)
initrd=$(ls "$ROOT"/boot/initrd.img-* | sort -V | tail -n1)
[[ -f $vmlinuz && -f $initrd ]] || die "no kernel/initrd in the image"
cp "$vmlinuz" "$WORK/vmlinuz"
cp "$initrd" "$WORK/initrd.img"

# ---------------------------------------------------------------------------
# Guest configuration
# ---------------------------------------------------------------------------
echo memmon-vm >"$ROOT/etc/hostname"
cat >"$ROOT/etc/hosts" <<'EOF'
127.0.0.1 localhost
127.0.1.1 memmon-vm
::1 localhost ip6-localhost ip6-loopback
EOF
echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" >"$ROOT/etc/fstab"
: >"$ROOT/etc/resolv.conf"

chroot "$ROOT" passwd -d root >/dev/null
chroot "$ROOT" useradd --uid 1000 --create-home --shell /bin/bash --user-group tester
chroot "$ROOT" passwd -d tester >/dev/null

# Quiet, predictable system: no serial getty (its hangup kills test output on
# the console), no periodic jobs competing for the two CPUs.
for u in serial-getty@ttyS0.service getty@tty1.service \
        apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
        e2scrub_all.timer e2scrub_reap.service fstrim.timer man-db.timer \
        systemd-tmpfiles-clean.timer systemd-firstboot.service; do
        ln -sf /dev/null "$ROOT/etc/systemd/system/$u"
done

# Persistent journal is not needed; keep it in /run but large enough.
mkdir -p "$ROOT/etc/systemd/journald.conf.d"
cat >"$ROOT/etc/systemd/journald.conf.d/50-memmon-test.conf" <<'EOF'
[Journal]
Storage=volatile
RuntimeMaxUse=64M
RateLimitBurst=0
ForwardToConsole=no
EOF

# The test driver: mounts the payload disk and runs its guest-run.sh.
mkdir -p "$ROOT/usr/local/sbin"
cat >"$ROOT/usr/local/sbin/memmon-test-run" <<'EOF'
#!/bin/bash
# Run the memmon test payload from /dev/vdb; always power off afterwards.
exec </dev/null
mkdir -p /mnt/payload
if ! mountpoint -q /mnt/payload; then
        mount -t ext4 /dev/vdb /mnt/payload || { echo "memmon-test: cannot mount /dev/vdb" >&2; systemctl poweroff --force; exit 1; }
fi
rc=0
if [[ -x /mnt/payload/guest-run.sh || -f /mnt/payload/guest-run.sh ]]; then
        bash /mnt/payload/guest-run.sh || rc=$?
else
        echo "memmon-test: no /mnt/payload/guest-run.sh" >&2
        rc=1
fi
echo "memmon-test: guest-run.sh exited with $rc" >&2
sync
cd /
umount /mnt/payload 2>/dev/null || mount -o remount,ro /mnt/payload 2>/dev/null || true
sync
systemctl poweroff --force
exit "$rc"
EOF
chmod 755 "$ROOT/usr/local/sbin/memmon-test-run"

# Type=exec rather than oneshot: a oneshot still "activating" keeps the boot
# job queue busy, so "systemctl is-system-running" would never leave
# "starting" while the tests run.  Whatever happens, the VM powers off:
# the script does it, and SuccessAction/FailureAction back it up.
cat >"$ROOT/etc/systemd/system/memmon-test.service" <<'EOF'
[Unit]
Description=memmon system test driver
After=multi-user.target
Requires=dev-vdb.device
After=dev-vdb.device
ConditionKernelCommandLine=!memmon.notest
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=exec
ExecStart=/usr/local/sbin/memmon-test-run
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity
KillMode=mixed

[Install]
WantedBy=multi-user.target
EOF
mkdir -p "$ROOT/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/memmon-test.service \
        "$ROOT/etc/systemd/system/multi-user.target.wants/memmon-test.service"

# Shorter stop timeouts so a hung unit cannot stall poweroff for 90 s.
mkdir -p "$ROOT/etc/systemd/system.conf.d"
cat >"$ROOT/etc/systemd/system.conf.d/50-memmon-test.conf" <<'EOF'
[Manager]
DefaultTimeoutStopSec=10s
DefaultTimeoutStartSec=60s
EOF

rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/*.log

log "creating ext4 image ($IMAGE_SIZE)"
mkfs.ext4 -q -F -L memmon-root -d "$ROOT" "$WORK/rootfs.img" "$IMAGE_SIZE"

# Move into place atomically-ish (rename within the same file system).
echo "$STAMP" >"$WORK/stamp"
rm -f "$CACHE/stamp"
mv -f "$WORK/rootfs.img" "$CACHE/rootfs.img"
mv -f "$WORK/vmlinuz" "$CACHE/vmlinuz"
mv -f "$WORK/initrd.img" "$CACHE/initrd.img"
mv -f "$WORK/stamp" "$CACHE/stamp"
log "image ready in $CACHE ($((SECONDS - START)) s)"
