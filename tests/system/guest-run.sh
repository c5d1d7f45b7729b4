#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs inside the test VM (started by memmon-test.service from the base image
# with the payload disk mounted at /mnt/payload):
#   1. install the payload's root tree (memmond as built by run.sh),
#   2. configure memmond for fast tests,
#   3. run scenarios/NN-name.sh (or a custom guest script), collecting
#      output and exit status into /mnt/payload/results/,
#   4. sync, unmount, power off.
#
# Payload layout (written by run.sh):
#   config.env        MODE=tests|script, SCENARIOS="...", SCENARIO_TIMEOUT=..,
#                     GUEST_SCRIPT=relative/path, GUEST_SCRIPT_ARGS=...
#   root/             DESTDIR of "meson install"
#   bin/              static helpers (memhog, filereader, ...)
#   lib.sh scenarios/ guest-run.sh ...

P=/mnt/payload

# Run from a copy in /run so the payload file system can be unmounted at the
# end (bash keeps its script open).
if [[ ${MEMMON_GUEST_REEXEC:-} != 1 ]]; then
        cp "$P/guest-run.sh" /run/memmon-guest-run.sh
        MEMMON_GUEST_REEXEC=1 exec bash /run/memmon-guest-run.sh "$@"
fi

set -uo pipefail
cd /
export MEMMON_PAYLOAD=$P
export PATH=$P/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export SYSTEMD_PAGER='' SYSTEMD_COLORS=0 LC_ALL=C.UTF-8

R=$P/results
rm -rf "$R"
mkdir -p "$R"

MODE=tests
SCENARIOS=""
SCENARIO_TIMEOUT=300
GUEST_SCRIPT=""
GUEST_SCRIPT_ARGS=""
WRITE_TEST_CONF=1
# shellcheck source=/dev/null
[[ -f $P/config.env ]] && . "$P/config.env"

say() { printf 'memmon-guest: %s\n' "$*"; }

finish() {
        say "collecting logs"
        journalctl -b --no-pager -o short-precise >"$R/journal.txt" 2>&1
        journalctl -b --no-pager -o json "_SYSTEMD_UNIT=memmond.service" >"$R/memmond-journal.json" 2>&1
        systemctl status --no-pager -l memmond.service >"$R/memmond-status.txt" 2>&1
        systemctl list-units --no-pager --all --failed >"$R/failed-units.txt" 2>&1
        date +%s >"$R/done"
        sync
        cd /
        umount "$P" 2>/dev/null || mount -o remount,ro "$P" 2>/dev/null || true
        sync
        say "powering off"
        systemctl poweroff --force
        sleep 30
        systemctl poweroff --force --force
}

# 1. Install the build ------------------------------------------------------
{
        echo "kernel: $(uname -r)"
        echo "systemd: $(systemctl --version | head -n1)"
        echo "controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
} >"$R/guest-info.txt"

if [[ -d $P/root ]]; then
        say "installing payload root tree"
        # Like "cp -a root/. /", but keeps the merged-/usr symlinks (/bin,
        # /lib, /sbin -> usr/...) instead of failing on them.
        tar -C "$P/root" -cf - . | tar -C / --keep-directory-symlink --no-overwrite-dir --no-same-owner -xf - ||
                say "WARNING: installing the root tree failed"
        find "$P/root" -type f -o -type l | sed "s|^$P/root||" | sort >"$R/installed-files.txt"
        ldconfig 2>/dev/null || true
        systemd-sysusers 2>&1 | sed 's/^/  sysusers: /'
        if [[ -d $P/root/usr/lib/tmpfiles.d ]]; then
                for f in "$P"/root/usr/lib/tmpfiles.d/*.conf; do
                        [[ -f $f ]] && systemd-tmpfiles --create "/usr/lib/tmpfiles.d/${f##*/}" 2>&1 | sed 's/^/  tmpfiles: /'
                done
        fi
fi

# 2. Test configuration ------------------------------------------------------
if [[ $WRITE_TEST_CONF = 1 ]]; then
        mkdir -p /etc/memmon/memmond.conf.d
        if [[ -f $P/test.conf ]]; then
                cp "$P/test.conf" /etc/memmon/memmond.conf.d/50-test.conf
        else
                cat >/etc/memmon/memmond.conf.d/50-test.conf <<'EOF'
[Monitor]
SampleInterval=1s

[Rules]
WarningPercent=80
HoldTime=2s
EOF
        fi
fi
systemctl daemon-reload
if [[ -d $P/root/usr/share/dbus-1 || -d $P/root/etc/dbus-1 ]]; then
        # dbus-daemon notices new policy files itself, but make it explicit.
        systemctl reload dbus.service 2>&1 | sed 's/^/  dbus: /'
fi
journalctl --update-catalog 2>&1 | sed 's/^/  catalog: /'
# memmond.service is not enabled: scenarios start it (ensure_memmond, and
# 10-ready times the start itself). Only restart it if something already
# runs it, so it picks up the new binary, unit and test configuration.
systemctl try-restart memmond.service 2>&1 | sed 's/^/  memmond: /'

# Let the boot settle (memmon-test.service is Type=exec, so the start-up job
# queue can drain while we run).
state=$(timeout 120 systemctl is-system-running --wait 2>/dev/null)
say "system state: ${state:-unknown}"
echo "${state:-unknown}" >"$R/system-state"
if [[ $state != running ]]; then
        systemctl list-units --no-pager --failed >>"$R/guest-info.txt" 2>&1
fi

# 3. Run ----------------------------------------------------------------------
run_one() {         # run_one NAME CMD...
        local name=$1 rc t0 t1
        shift
        say "=== $name: start"
        echo "$name" >>"$R/order"
        t0=$(date +%s.%N)
        ( cd /tmp && timeout -k 10 "$SCENARIO_TIMEOUT" "$@" ) >"$R/$name.log" 2>&1 </dev/null
        rc=$?
        t1=$(date +%s.%N)
        [[ $rc = 124 || $rc = 137 ]] && echo "TIMEOUT after ${SCENARIO_TIMEOUT}s" >>"$R/$name.log"
        echo "$rc" >"$R/$name.rc"
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }' >"$R/$name.time"
        say "=== $name: exit $rc ($(cat "$R/$name.time") s)"
        if [[ $rc != 0 && $rc != 77 ]]; then
                tail -n 20 "$R/$name.log" | sed "s/^/  $name| /"
        fi
        sync
}

if [[ $MODE = script ]]; then
        # A custom guest script (demo, benchmark): its output also goes to
        # the console so the host can show it live.
        say "running $GUEST_SCRIPT $GUEST_SCRIPT_ARGS"
        echo "${GUEST_SCRIPT##*/}" >>"$R/order"
        # shellcheck disable=SC2086
        ( cd /tmp && timeout -k 10 "$SCENARIO_TIMEOUT" bash "$P/$GUEST_SCRIPT" $GUEST_SCRIPT_ARGS ) 2>&1 </dev/null |
                tee "$R/${GUEST_SCRIPT##*/}.log" >/dev/console
        echo "${PIPESTATUS[0]}" >"$R/${GUEST_SCRIPT##*/}.rc"
else
        shopt -s nullglob
        for s in "$P"/scenarios/[0-9]*.sh; do
                name=$(basename "$s" .sh)
                if [[ -n $SCENARIOS ]]; then
                        want=0
                        for w in $SCENARIOS; do
                                [[ $name = "$w" || $name = "$w"-* || $name = [0-9]*-"$w" ]] && want=1
                        done
                        [[ $want = 1 ]] || continue
                fi
                run_one "$name" bash "$s"
        done
fi

# 4. Done -------------------------------------------------------------------
finish
