#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The real memmond against a fake cgroup v2 tree in a temp dir, with a private
# journald (private mount namespace, tmpfs on /run and /var/log). Checks what a
# sysadmin would see with journalctl: the start entry, a usage warning with its
# fields and its clear, a unit created at run time picked up by inotify, an
# oom_kill seen within a second through the watch on the unit's directory (also
# during a storm of "high" events), a limit read when written, a vanished unit
# dropped without errors, SIGHUP with a bad config keeping the old one.
# TAP output. Skips (77) only when not root (unshare needs it).
set -eu
memmond=$1
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root for unshare"; exit 77; }
[ "${MEMMON_IN_NS:-}" = 1 ] || exec env MEMMON_IN_NS=1 unshare -m --propagation private "$0" "$@"

mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
mkdir -p /run/systemd/journal
/lib/systemd/systemd-journald >/dev/null 2>&1 &
jd=$!
for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done

T=$(mktemp -d)
# A tmpfs of its own: like kernfs, it never hands a removed directory's inode
# number (memmond's cgroup id) to a new one, which ext4 does.
mount -t tmpfs tmpfs "$T"
trap 'kill $jd $pid 2>/dev/null; umount -l "$T" 2>/dev/null; rm -rf "$T"' EXIT
root=$T/cg
mkdir -p "$root" "$T/conf.d"
echo "cpu memory pids" >"$root/cgroup.controllers"

# shellcheck source=../fake-cgroup.sh
. "$(dirname "$(readlink -f "$0")")/../fake-cgroup.sh"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

# jfield MESSAGE_ID UNIT FIELD: value of FIELD in the newest matching entry
jfield() {
        journalctl --no-pager -o export "MESSAGE_ID=$1" ${2:+"UNIT=$2"} 2>/dev/null |
                awk -F= -v f="$3" '$1 == f { v = substr($0, length(f) + 2) } END { if (v != "") print v }'
}
# wait_entry SECONDS MESSAGE_ID [UNIT]
wait_entry() {
        local deadline=$((SECONDS + $1))
        while [ $SECONDS -le $deadline ]; do
                journalctl --no-pager -q "MESSAGE_ID=$2" ${3:+"UNIT=$3"} 2>/dev/null | grep -q . && return 0
                sleep 0.1
        done
        return 1
}
count_entries() { journalctl --no-pager -q -o cat "MESSAGE_ID=$1" ${2:+"UNIT=$2"} 2>/dev/null | wc -l; }

READY=eefaed22575542a3a33c7eab4998c114
USAGE=88e9f918a56d4bf5ac79ac987778fcbc
CLEARED=5132c368305b4d0ea68613ef0e2a5ad5
OOM=56a9b6c0c2c948e7831f3d85ace6c11c

mkunit system.slice/steady.service 1000 max
mkunit system.slice/hog.service 100 1000
mkunit system.slice/app.slice/nested.service 100 max
mkunit user.slice/user-1000.slice/user@1000.service 100 max
mkunit system.slice/ignored.service 100 max
mkdir -p "$root/system.slice/not-a-unit"

cat >"$T/memmond.conf" <<CONF
[Monitor]
SampleInterval=200ms
StatInterval=2s
RescanInterval=1h
Exclude=ignored.service
PressureTriggers=no
[Rules]
HoldTime=1s
ClearTime=1s
HostAvailableWarningPercent=0
HostAvailableCriticalPercent=0
HostPressureFullAvg10=0
CONF

# --no-bus: no system bus in this namespace (the bus API has its own test, test-bus.c).
"$memmond" --no-bus --config "$T/memmond.conf" --config-dir "$T/conf.d" --cgroup-root "$root" 2>"$T/stderr" &
pid=$!

check "start entry written" wait_entry 5 $READY
check "start entry counts 4 units (excluded and non-units left out)" [ "$(jfield $READY "" MEMMON_UNITS)" = 4 ]

# 85 % of memory.max: a warning after HoldTime
put "$root/system.slice/hog.service/memory.current" '850\n'
check "usage warning for hog.service" wait_entry 6 $USAGE hog.service
check "warning has MEMMON_SEVERITY=warning" [ "$(jfield $USAGE hog.service MEMMON_SEVERITY)" = warning ]
check "warning has PRIORITY=4" [ "$(jfield $USAGE hog.service PRIORITY)" = 4 ]
check "warning has MEMMON_CURRENT_BYTES=850" [ "$(jfield $USAGE hog.service MEMMON_CURRENT_BYTES)" = 850 ]
check "warning has MEMMON_LIMIT_BYTES=1000" [ "$(jfield $USAGE hog.service MEMMON_LIMIT_BYTES)" = 1000 ]
check "warning has MEMMON_THRESHOLD_PERCENT=80" [ "$(jfield $USAGE hog.service MEMMON_THRESHOLD_PERCENT)" = 80 ]
check "warning has held at least HoldTime" [ "$(jfield $USAGE hog.service MEMMON_DURATION_USEC)" -ge 1000000 ]
check "no alert for the steady unit" [ "$(count_entries $USAGE steady.service)" = 0 ]

# back to 10 %: cleared after ClearTime, with the same alert id
id=$(jfield $USAGE hog.service MEMMON_ALERT_ID)
put "$root/system.slice/hog.service/memory.current" '100\n'
check "usage alert cleared" wait_entry 6 $CLEARED hog.service
check "clear carries the alert id" [ "$(jfield $CLEARED hog.service MEMMON_ALERT_ID)" = "$id" ]

# a unit that appears at run time is watched at once (inotify on the slice), and
# an oom_kill in memory.events is reported within a second
mkunit system.slice/late.service 100 1000
sleep 0.5
put "$root/system.slice/late.service/memory.events" 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n'
t0=$(date +%s%N)
check "oom_kill alert for a unit created at run time" wait_entry 3 $OOM late.service
t1=$(date +%s%N)
check "oom_kill alert within 1 s ($(((t1 - t0) / 1000000)) ms)" [ $(((t1 - t0) / 1000000)) -lt 1000 ]
check "oom_kill alert has MEMMON_OOM_KILL_COUNT=1" [ "$(jfield $OOM late.service MEMMON_OOM_KILL_COUNT)" = 1 ]
check "oom_kill alert has PRIORITY=2" [ "$(jfield $OOM late.service PRIORITY)" = 2 ]

# a nested-slice unit and a user manager are watched; memory.max is read when
# written (the directory watch): its periodic re-read is 5 minutes away
put "$root/system.slice/app.slice/nested.service/memory.max" '990\n'
put "$root/system.slice/app.slice/nested.service/memory.current" '900\n'
check "nested slice unit alerts" wait_entry 6 $USAGE nested.service

# a vanished unit: dropped, no error
rm -rf "$root/system.slice/late.service"
sleep 1
check "memmond still running after a unit vanished" kill -0 $pid

# the same unit back within a minute: a restart, with what the old one used
mkunit system.slice/late.service 100 1000
check "a unit back within a minute is known as restarted" \
        bash -c "for i in \$(seq 30); do grep -q 'late.service: restarted (new cgroup, restart 1); the old instance used 100 bytes' '$T/stderr' && exit 0; sleep 0.1; done; exit 1"

# a restart that moves the unit to another slice (Slice= changed): followed
mkunit system.slice/moved.slice/hog.service 100 1000
rm -rf "$root/system.slice/hog.service"
sleep 0.5
put "$root/system.slice/moved.slice/hog.service/memory.events" 'low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\noom_group_kill 0\n'
check "a unit moved to another slice is still watched (oom_kill seen there)" wait_entry 3 $OOM hog.service

# a slice removed and created again at once (before the rescan): its new units
# are still found at once (RescanInterval is an hour here)
mkunit system.slice/again.slice/one.service 100 max
sleep 0.5
rm -rf "$root/system.slice/again.slice" && mkdir "$root/system.slice/again.slice"
sleep 0.5
mkunit system.slice/again.slice/two.service 100 1000
sleep 0.5
put "$root/system.slice/again.slice/two.service/memory.events" 'low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\noom_group_kill 0\n'
check "a slice created again: its new unit is watched (oom_kill seen)" wait_entry 3 $OOM two.service

# SIGHUP with a broken config keeps the old one
echo "Bogus=1" >"$T/conf.d/50-bad.conf"
kill -HUP $pid
sleep 0.5
check "bad reload is reported" grep -q "previous configuration stays in effect" "$T/stderr"
check "memmond still running after a bad reload" kill -0 $pid
rm "$T/conf.d/50-bad.conf"

# a cross-field error names the file and line that set the offending key, here a drop-in
mkdir -p "$T/xf.d"
printf '[Rules]\nWarningPercent=95\n' >"$T/xf.d/50-x.conf"
err=$("$memmond" --check-config --config "$T/none.conf" --config-dir "$T/xf.d" 2>&1 >/dev/null) && rc=0 || rc=$?
check "--check-config refuses warning above critical (rc=$rc)" [ $rc != 0 ]
check "... and names the drop-in's file:line" grep -q "$T/xf.d/50-x.conf:2: \[Rules\]" <<<"$err"

# a unit a reload drops and the next one takes back is the same cgroup: its
# oom_kill from before is not reported again, and it is not "restarted"
mkunit system.slice/twice.service 100 1000
sleep 0.5
put "$root/system.slice/twice.service/memory.events" 'low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\noom_group_kill 0\n'
wait_entry 3 $OOM twice.service || true
printf '[Monitor]\nExclude=twice.service\n' >"$T/conf.d/60-twice.conf"
kill -HUP $pid
sleep 0.5
rm "$T/conf.d/60-twice.conf"
kill -HUP $pid
for _ in $(seq 30); do [ "$(count_entries $OOM twice.service)" -ge 2 ] && break; sleep 0.1; done
check "a unit dropped and taken back by reloads: one oom_kill alert ($(count_entries $OOM twice.service))" \
        [ "$(count_entries $OOM twice.service)" = 1 ]
check "... and it is not taken for a restart" bash -c "! grep -q 'twice.service: restarted' '$T/stderr'"

kill -TERM $pid
rc=0
wait $pid || rc=$?
check "clean exit on SIGTERM (rc=$rc)" [ $rc = 0 ]

# A kernel booted with psi=0 has no memory.pressure: with PSI triggers on (the
# default), such units are still watched, read without pressure.
root=$T/cg-nopsi
mkdir -p "$root"
echo "cpu memory pids" >"$root/cgroup.controllers"
mkunit system.slice/nopsi.service 100 max
rm "$root/system.slice/nopsi.service/memory.pressure"
printf '[Monitor]\nSampleInterval=200ms\nRescanInterval=1h\nLogLevel=debug\n[Rules]\nHostAvailableWarningPercent=0\nHostAvailableCriticalPercent=0\nHostPressureFullAvg10=0\n' >"$T/nopsi.conf"
# A fake /proc too, without swap: memory.swap.current is not held then (each held
# cgroupfs fd costs the kernel a page), and is picked up when swap appears.
mkdir -p "$T/proc"
meminfo() { put "$T/proc/meminfo" 'MemTotal: 1000000 kB\nMemAvailable: 900000 kB\nSwapTotal: %8s kB\nSwapFree: %8s kB\n' "$1" "$1"; }
touch "$T/proc/meminfo"
meminfo 0
before=$(count_entries $READY)
"$memmond" --no-bus --config "$T/nopsi.conf" --config-dir "$T/none" --cgroup-root "$root" --proc-root "$T/proc" \
        2>"$T/stderr-nopsi" &
pid=$!
check "without memory.pressure: started" bash -c "for i in \$(seq 50); do [ \$(journalctl --no-pager -q -o cat MESSAGE_ID=$READY | wc -l) -gt $before ] && exit 0; sleep 0.1; done; exit 1"
check "without memory.pressure: the unit is watched (MEMMON_UNITS=1)" [ "$(jfield $READY "" MEMMON_UNITS)" = 1 ]
swap_fds() { find "/proc/$pid/fd" -lname '*memory.swap.current' 2>/dev/null | wc -l; }
check "no swap: memory.swap.current not held" [ "$(swap_fds)" = 0 ]
meminfo 1048576
check "swap enabled: memory.swap.current held" bash -c "for i in \$(seq 30); do [ \$(find /proc/$pid/fd -lname '*memory.swap.current' | wc -l) = 1 ] && exit 0; sleep 0.1; done; exit 1"
meminfo 0
check "swap disabled again: released" bash -c "for i in \$(seq 30); do [ \$(find /proc/$pid/fd -lname '*memory.swap.current' | wc -l) = 0 ] && exit 0; sleep 0.1; done; exit 1"

# A unit throttled at its memory.high: "high" changes many times a second. Its
# watch moves to the batched one; an oom_kill still comes through and moves it back.
events() {
        put "$root/system.slice/nopsi.service/memory.events" \
                'low 0\nhigh %s\nmax 0\noom 0\noom_kill %s\noom_group_kill 0\n' "$1" "$2"
}
for i in $(seq 40); do events "$i" 0; sleep 0.02; done
check "a storm of high events: memory.events read in batches" \
        grep -q 'nopsi.service: memory.events changes only in "high", many times a second' "$T/stderr-nopsi"
t0=$(date +%s%N)
events 41 1
check "an oom_kill in the storm is reported" wait_entry 3 $OOM nopsi.service
t1=$(date +%s%N)
check "within 1 s ($(((t1 - t0) / 1000000)) ms)" [ $(((t1 - t0) / 1000000)) -lt 1000 ]
# (the alert may come from a tick; the batched watch read follows within 200 ms,
# and its own message is not the one of 2 s of quiet)
check "and the unit's memory.events is read at once again" \
        bash -c "for i in \$(seq 20); do grep -q 'nopsi.service: memory.events changed in max or oom: read at once again' '$T/stderr-nopsi' && exit 0; sleep 0.1; done; exit 1"
# Near its memory.max the unit is never batched: an OOM kill could come and the cgroup go within one batch.
batched() { grep -c 'nopsi.service: memory.events changes only in "high"' "$T/stderr-nopsi"; }
before=$(batched)
put "$root/system.slice/nopsi.service/memory.max" '105\n'
sleep 0.5
for i in $(seq 42 81); do events "$i" 1; sleep 0.02; done
check "near memory.max (100 of 105 bytes): not batched" [ "$(batched)" = "$before" ]
kill -TERM $pid
wait $pid

# Reloads more frequent than SampleInterval do not postpone the ticks: 4.5 s at
# 1 s with a SIGHUP every 0.3 s is about 5 ticks (1 when each reload restarted the timer).
printf '[Monitor]\nSampleInterval=1s\nRescanInterval=1h\nPressureTriggers=no\n' >"$T/hup.conf"
"$memmond" --no-bus --config "$T/hup.conf" --config-dir "$T/none" --cgroup-root "$root" --proc-root "$T/proc" \
        2>"$T/stderr-hup" &
pid=$!
for _ in $(seq 15); do sleep 0.3; kill -HUP $pid; done
kill -TERM $pid
wait $pid
ticks=$(sed -n 's/.*Cost: \([0-9]*\) ticks.*/\1/p' "$T/stderr-hup")
check "frequent reloads: still sampled (${ticks:-no} ticks in 4.5 s at 1 s)" [ "${ticks:-0}" -ge 3 ]
check "frequent reloads: all 15 done" [ "$(grep -c 'Configuration reloaded' "$T/stderr-hup")" = 15 ]

check "no errors on stderr" bash -c "! grep -iE 'error|failed|cannot' '$T/stderr' | grep -v 'previous configuration\|Bogus\|Configuration is invalid\|unknown key\|Reloading'"
if [ $failed -gt 0 ]; then
        echo "# memmond stderr:"; sed 's/^/# /' "$T/stderr"
        journalctl --no-pager -o short 2>/dev/null | tail -40 | sed 's/^/# /'
fi
echo "1..$n"
[ $failed = 0 ]
