#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# memmon system tests: boot Debian 12 (systemd 252, cgroup v2) in a VM and
# run tests/system/scenarios/*.sh against the real memmond.
#
#   tests/system/run.sh [--scenario NAME ...] [--keep] [--demo]
#
#   --scenario NAME   run only this scenario (repeatable; "20",
#                     "usage-warning" or "20-usage-warning")
#   --keep            keep the work directory (payload, results, console log)
#   --demo            run tests/system/demo.sh instead (live output)
#   --list            list the scenarios and exit
#
# Internal options (used by demo.sh and bench/vm-bench.sh):
#   --guest-script PATH [--guest-args "ARGS"]   run PATH in the VM instead
#                     of the scenarios, its output shown live
#   --extra-bin FILE.c   also compile FILE.c (static) into the payload's bin/
#   --extra-file FILE    also copy FILE into the payload's top level
#   --memory MB  --timeout S  --scenario-timeout S  --live  --no-test-conf
#
# Environment:
#   MESON_SOURCE_ROOT       repository root (default: this script's ../..)
#   MEMMON_VM_CACHE         base image cache (default /var/cache/memmon-vm)
#   MEMMON_VM_BUILDDIR      memmond build dir (default <root>/build-vm)
#   MEMMON_VM_INSTALL_ROOT  use this ready install tree instead of building
#   MEMMON_VM_WORKDIR       parent of the work directory (default /var/tmp)
#   MEMMON_VM_TIMEOUT       host-side VM timeout in seconds (default 900)
#
# Output: "ok N - name" / "not ok N - name" per scenario, the logs of failed
# ones, and a last line "N passed, N failed".  Exit status 0 only if all
# passed and the VM finished.  Needs root, qemu-system-x86_64, debootstrap,
# e2fsprogs, meson, gcc with static libc.

set -uo pipefail

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
SRC=${MESON_SOURCE_ROOT:-$(cd "$HERE/../.." && pwd)}
CACHE=${MEMMON_VM_CACHE:-/var/cache/memmon-vm}
export MEMMON_VM_CACHE=$CACHE
BUILD=${MEMMON_VM_BUILDDIR:-$SRC/build-vm}
VM_TIMEOUT=${MEMMON_VM_TIMEOUT:-900}
VM_MEMORY=${MEMMON_VM_MEMORY:-1024}
SCENARIO_TIMEOUT=300

SCENARIOS=()
KEEP=0
MODE=tests
GUEST_SCRIPT=""
GUEST_ARGS=""
LIVE=0
TEST_CONF=1
EXTRA_BINS=()
EXTRA_FILES=()
DEMO=0

log() { printf 'run.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; echo "0 passed, 1 failed"; exit 1; }

while (($#)); do
        case $1 in
        --scenario) SCENARIOS+=("$2"); shift ;;
        --scenario=*) SCENARIOS+=("${1#*=}") ;;
        --keep) KEEP=1 ;;
        --demo) DEMO=1 ;;
        --list) for s in "$HERE"/scenarios/[0-9]*.sh; do basename "$s" .sh; done; exit 0 ;;
        --guest-script) MODE=script; GUEST_SCRIPT=$(readlink -f "$2"); LIVE=1; shift ;;
        --guest-args) GUEST_ARGS=$2; shift ;;
        --extra-bin) EXTRA_BINS+=("$(readlink -f "$2")"); shift ;;
        --extra-file) EXTRA_FILES+=("$(readlink -f "$2")"); shift ;;
        --memory) VM_MEMORY=$2; shift ;;
        --timeout) VM_TIMEOUT=$2; shift ;;
        --scenario-timeout) SCENARIO_TIMEOUT=$2; shift ;;
        --live) LIVE=1 ;;
        --no-test-conf) TEST_CONF=0 ;;
        -h|--help) sed -n '3,37p' "$0"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
        esac
        shift
done

if [[ $DEMO = 1 ]]; then
        args=()
        [[ $KEEP = 1 ]] && args+=(--keep)
        exec "$HERE/demo.sh" "${args[@]}"
fi

[[ $(id -u) = 0 ]] || die "must run as root (debootstrap, mkfs.ext4 -d of root-owned trees)"
for t in qemu-system-x86_64 mkfs.ext4 debugfs gcc meson timeout; do
        command -v "$t" >/dev/null || die "missing tool: $t"
done

T0=$SECONDS
mkdir -p "${MEMMON_VM_WORKDIR:-/var/tmp}"
WORK=$(mktemp -d "${MEMMON_VM_WORKDIR:-/var/tmp}/memmon-systest.XXXXXX")
chmod 755 "$WORK"
cleanup() {
        # The console log and results stay (small); the payload goes unless
        # --keep.  Only the newest 5 work directories are kept.
        if [[ $KEEP = 1 ]]; then
                log "work directory kept: $WORK"
        else
                rm -rf "$WORK/payload" "$WORK/payload.img"
        fi
        ls -1dt "${MEMMON_VM_WORKDIR:-/var/tmp}"/memmon-systest.* 2>/dev/null | tail -n +6 |
                while read -r d; do rm -rf "$d"; done
}
trap cleanup EXIT
PAYLOAD=$WORK/payload
mkdir -p "$PAYLOAD/bin" "$PAYLOAD/root"
chmod 755 "$PAYLOAD" "$PAYLOAD/root"
CONSOLE=$WORK/console.log

# 1. Base image (cached) ------------------------------------------------------
t=$SECONDS
"$HERE/build-image.sh" || die "building the base image failed"
T_IMAGE=$((SECONDS - t))

# 2. memmond --------------------------------------------------------------------
t=$SECONDS
if [[ -n ${MEMMON_VM_INSTALL_ROOT:-} ]]; then
        log "using prebuilt install tree $MEMMON_VM_INSTALL_ROOT"
        cp -a "$MEMMON_VM_INSTALL_ROOT/." "$PAYLOAD/root/" || die "copying $MEMMON_VM_INSTALL_ROOT failed"
else
        # One build at a time in $BUILD (concurrent runs share it).
        mkdir -p "$CACHE"
        exec 8>"$CACHE/build-$(printf %s "$BUILD" | sha256sum | cut -c1-12).lock"
        flock 8
        if [[ ! -f $BUILD/build.ninja ]]; then
                created=0
                [[ -e $BUILD ]] || created=1
                log "meson setup $BUILD"
                meson setup "$BUILD" "$SRC" --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
                        -Dtests=false -Dbench=false >"$WORK/meson-setup.log" 2>&1 || {
                        tail -n 30 "$WORK/meson-setup.log" >&2
                        [[ $created = 1 ]] && rm -rf "$BUILD"
                        die "meson setup failed (log: $WORK/meson-setup.log)"
                }
        fi
        log "meson compile -C $BUILD"
        meson compile -C "$BUILD" >"$WORK/meson-compile.log" 2>&1 || {
                tail -n 40 "$WORK/meson-compile.log" >&2
                die "building memmond failed (log: $WORK/meson-compile.log)"
        }
        meson install -C "$BUILD" --no-rebuild --destdir "$PAYLOAD/root" >"$WORK/meson-install.log" 2>&1 || {
                tail -n 30 "$WORK/meson-install.log" >&2
                die "meson install failed (log: $WORK/meson-install.log)"
        }
        flock -u 8
fi
chmod 755 "$PAYLOAD/root"
[[ -n $(find "$PAYLOAD/root" -name memmond -type f) ]] || log "warning: no memmond binary in the install tree"

# 3. Helpers and scripts ------------------------------------------------------
for c in "$HERE"/helpers/*.c "${EXTRA_BINS[@]}"; do
        [[ -f $c ]] || continue
        n=$(basename "$c" .c)
        gcc -O2 -static -Wall -Wextra -o "$PAYLOAD/bin/$n" "$c" -lm 2>"$WORK/gcc-$n.log" || {
                cat "$WORK/gcc-$n.log" >&2
                die "compiling $c failed"
        }
done
cp "$HERE/guest-run.sh" "$HERE/lib.sh" "$PAYLOAD/"
cp -r "$HERE/scenarios" "$PAYLOAD/"
for f in "${EXTRA_FILES[@]}"; do cp "$f" "$PAYLOAD/"; done
if [[ $MODE = script ]]; then
        cp "$GUEST_SCRIPT" "$PAYLOAD/"
        GUEST_SCRIPT=${GUEST_SCRIPT##*/}
        if [[ $SCENARIO_TIMEOUT = 300 ]]; then
                SCENARIO_TIMEOUT=$((VM_TIMEOUT > 240 ? VM_TIMEOUT - 120 : VM_TIMEOUT / 2))
        fi
fi
{
        printf 'MODE=%q\n' "$MODE"
        printf 'SCENARIOS=%q\n' "${SCENARIOS[*]}"
        printf 'SCENARIO_TIMEOUT=%q\n' "$SCENARIO_TIMEOUT"
        printf 'GUEST_SCRIPT=%q\n' "$GUEST_SCRIPT"
        printf 'GUEST_SCRIPT_ARGS=%q\n' "$GUEST_ARGS"
        printf 'WRITE_TEST_CONF=%q\n' "$TEST_CONF"
} >"$PAYLOAD/config.env"

# No journal: the guest's sync is enough for debugfs to see the results even
# if it could not unmount.
mkfs.ext4 -q -F -O ^has_journal -L memmon-payload -d "$PAYLOAD" "$WORK/payload.img" 256M ||
        die "mkfs.ext4 of the payload failed"
T_BUILD=$((SECONDS - t))

# 4. Boot ---------------------------------------------------------------------
APPEND="root=/dev/vda rw console=ttyS0 systemd.unified_cgroup_hierarchy=1 panic=-1"
APPEND+=" mitigations=off random.trust_cpu=on systemd.journald.forward_to_console=0"
[[ $LIVE = 1 ]] && APPEND+=" quiet systemd.show_status=error"
QEMU=(qemu-system-x86_64 -accel tcg -cpu max -m "$VM_MEMORY" -smp 2
      -nodefaults -display none -no-reboot
      -kernel "$CACHE/vmlinuz" -initrd "$CACHE/initrd.img" -append "$APPEND"
      -drive "file=$CACHE/rootfs.img,format=raw,if=virtio,snapshot=on"
      -drive "file=$WORK/payload.img,format=raw,if=virtio")
if [[ $LIVE = 1 ]]; then
        QEMU+=(-chardev "stdio,id=con,logfile=$CONSOLE,signal=off" -serial chardev:con)
else
        QEMU+=(-serial "file:$CONSOLE")
fi
log "booting the VM (console: $CONSOLE, timeout ${VM_TIMEOUT}s)"
t=$SECONDS
if [[ $LIVE = 1 ]]; then
        timeout -k 10 "$VM_TIMEOUT" "${QEMU[@]}" </dev/null
else
        timeout -k 10 "$VM_TIMEOUT" "${QEMU[@]}" </dev/null >"$WORK/qemu.log" 2>&1
fi
QEMU_RC=$?
T_VM=$((SECONDS - t))
[[ $QEMU_RC = 124 || $QEMU_RC = 137 ]] && log "the VM timed out after ${VM_TIMEOUT}s"

# 5. Results ------------------------------------------------------------------
RES=$WORK/results
rm -rf "$RES"
debugfs -R "rdump /results $WORK" "$WORK/payload.img" >/dev/null 2>"$WORK/debugfs.log"
FINISHED=0
[[ -f $RES/done ]] && FINISHED=1

declare -a NAMES=()
if [[ $MODE = script ]]; then
        NAMES=("$GUEST_SCRIPT")
else
        for s in "$HERE"/scenarios/[0-9]*.sh; do
                n=$(basename "$s" .sh)
                if ((${#SCENARIOS[@]})); then
                        want=0
                        for w in "${SCENARIOS[@]}"; do
                                [[ $n = "$w" || $n = "$w"-* || $n = [0-9]*-"$w" ]] && want=1
                        done
                        [[ $want = 1 ]] || continue
                fi
                NAMES+=("$n")
        done
fi

if [[ -f $RES/guest-info.txt ]]; then
        sed 's/^/# /' "$RES/guest-info.txt"
fi
[[ -f $RES/system-state ]] && echo "# system state: $(cat "$RES/system-state")"

passed=0 failed=0 i=0
echo "1..${#NAMES[@]}"
for n in "${NAMES[@]}"; do
        i=$((i + 1))
        base=${n%.sh}
        rcf=$RES/$n.rc
        [[ -f $rcf ]] || rcf=$RES/$base.rc
        logf=$RES/$n.log
        [[ -f $logf ]] || logf=$RES/$base.log
        tm=""
        [[ -f $RES/$base.time ]] && tm=" ($(cat "$RES/$base.time") s)"
        if [[ ! -f $rcf ]]; then
                echo "not ok $i - $base # did not run (VM did not finish?)"
                failed=$((failed + 1))
                continue
        fi
        rc=$(cat "$rcf")
        if [[ $rc = 0 ]]; then
                echo "ok $i - $base$tm"
                passed=$((passed + 1))
        elif [[ $rc = 77 ]]; then
                echo "ok $i - $base # SKIP $(grep -m1 'SKIP:' "$logf" | sed 's/.*SKIP: //')"
                passed=$((passed + 1))
        else
                echo "not ok $i - $base$tm (exit $rc)"
                failed=$((failed + 1))
                if [[ $MODE != script && -f $logf ]]; then
                        sed 's/^/#   /' "$logf" | tail -n 80
                fi
        fi
done

if [[ $FINISHED != 1 ]]; then
        echo "# the VM did not finish (qemu exit $QEMU_RC); last lines of the console ($CONSOLE):"
        tail -n 60 "$CONSOLE" 2>/dev/null | sed 's/^/#   /'
elif ((failed)); then
        echo "# guest journal: $RES/journal.txt"
fi
echo "# timings: image ${T_IMAGE}s, build+payload ${T_BUILD}s, VM ${T_VM}s, total $((SECONDS - T0))s"
echo "# results: $RES, console: $CONSOLE"
echo "$passed passed, $failed failed"
[[ $FINISHED = 1 && $failed = 0 ]]
