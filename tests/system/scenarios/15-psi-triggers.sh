#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# PSI triggers on a real kernel: each armed trigger is one "psimon" kernel
# thread on 6.1, so MaxPressureTriggers= must bound them (and say so), a
# reload must apply a new bound, a unit under memory pressure must show it
# through the trigger's fd (memmond reads the averages through that fd), and a
# trigger the kernel destroyed (cgroup.pressure=0, then 1) must come back.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=psi-load.service
DROPIN=/etc/memmon/memmond.conf.d/60-psi-triggers.conf
BUS=(org.memmon.Monitor /org/memmon/Monitor org.memmon.Monitor)
psimon() { pgrep -c psimon || true; }
on_exit stop_unit $U
on_exit rm -f $DROPIN

systemctl stop memmond.service
wait_for '[[ $(psimon) = 0 ]]' 10 || fail "$(psimon) psimon threads without memmond: another PSI trigger user?"
ensure_memmond
n=$(memmond_watched_units)
((n > 2)) || fail "only '$n' units watched; this scenario needs at least 3"
wait_for '[[ $(psimon) = '"$n"' ]]' 10 || fail "$(psimon) psimon threads for $n watched units, expected $n"
info "$n units, $(psimon) psimon threads"

# A bound, applied by a reload.
printf '[Monitor]\nMaxPressureTriggers=2\n' >$DROPIN
systemctl reload memmond.service || fail "reload failed"
wait_for '[[ $(psimon) = 2 ]]' 15 || fail "$(psimon) psimon threads with MaxPressureTriggers=2"
wait_for "_journal_text _SYSTEMD_UNIT=$MEMMOND_UNIT | grep -q 'MaxPressureTriggers=2 reached'" 10 ||
        fail "no log line about MaxPressureTriggers=2"
info "MaxPressureTriggers=2: $(psimon) psimon threads; $(_journal_text _SYSTEMD_UNIT=$MEMMOND_UNIT | grep -m1 'MaxPressureTriggers')"

# Without the bound every unit is armed again, a new one too.
rm -f $DROPIN
systemctl reload memmond.service || fail "reload failed"
wait_for '[[ $(psimon) = '"$n"' ]]' 15 || fail "$(psimon) psimon threads after lifting the bound, expected $n"

# Memory pressure in a unit with a trigger: reclaim at MemoryHigh= while it allocates.
systemd-run --unit=$U -p MemoryHigh=16M -p MemoryMax=128M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/memhog" --mb 96 --rate 4 --hold --quiet || fail "systemd-run failed"
wait_for '[[ $(psimon) = '"$((n + 1))"' ]]' 15 || fail "$(psimon) psimon threads with $U, expected $((n + 1))"
path=$(busctl call "${BUS[@]}" GetUnit s $U | awk '{ print $2 }' | tr -d '"') || fail "GetUnit $U failed"
some() { busctl get-property org.memmon.Monitor "$path" org.memmon.Unit PressureSomeAvg10 | awk '{ print $2 }'; }
wait_for 'awk -v v="$(some)" "BEGIN { exit !(v > 0) }"' 40 1 ||
        fail "PressureSomeAvg10 of $U stayed $(some); memory.pressure: $(cat "$(cgroup_of $U)/memory.pressure" | tr '\n' ' ')"
info "$U: PressureSomeAvg10=$(some) (memory.pressure: $(head -n 1 "$(cgroup_of $U)/memory.pressure"))"

# PSI switched off and on again for the unit (cgroup.pressure, 6.1): the kernel
# destroys the trigger and the old fd stays dead; memmond opens a fresh one and
# arms it again at a rescan (RescanInterval=30s by default).
cg=$(cgroup_of $U)
[[ -e $cg/cgroup.pressure ]] || fail "no cgroup.pressure in $cg on $(uname -r)"
echo 0 >"$cg/cgroup.pressure" || fail "cannot write $cg/cgroup.pressure"
wait_for '[[ $(psimon) = '"$n"' ]]' 15 || fail "$(psimon) psimon threads after cgroup.pressure=0, expected $n"
info "cgroup.pressure=0: $(psimon) psimon threads"
echo 1 >"$cg/cgroup.pressure"
wait_for '[[ $(psimon) = '"$((n + 1))"' ]]' 45 ||
        fail "$(psimon) psimon threads 45 s after cgroup.pressure=1, expected $((n + 1)): the trigger was not re-armed"
info "cgroup.pressure=1: $(psimon) psimon threads, the trigger is armed again"
assert_no_memmond_errors
exit 0
