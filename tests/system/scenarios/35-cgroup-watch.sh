#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A unit held at its MemoryHigh by page-cache churn bumps memory.events "high"
# on every charge, and the kernel notifies memmond's inotify watch up to 50
# times a second.  memmond batches these (at most one read every 200 ms), so
# its wakeups stay a few a second; unbatched it was measured at 24 a second
# for this one unit.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=high-storm.service
SECS=10
MAX_WAKEUPS_PER_SEC=8   # 5 batches + the sample timer + slack
ensure_memmond
on_exit stop_unit $U
on_exit rm -f /var/tmp/high-storm.dat

pid=$(memmond_pid)
wakeups() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$pid/status"; }
high() { awk '$1 == "high" { print $2 }' "$(cgroup_of $U)/memory.events"; }

systemd-run --unit=$U -p MemoryHigh=16M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/filereader" --file /var/tmp/high-storm.dat --mb 64 ||
        fail "systemd-run failed"
wait_for "[[ \$(high 2>/dev/null || echo 0) -gt 100 ]]" 30 || fail "the unit never went over MemoryHigh"

h0=$(high); w0=$(wakeups)
sleep $SECS
h1=$(high); w1=$(wakeups)
[[ $(cat /proc/$pid/comm) == memmond ]] || fail "memmond restarted during the measurement"
rate_high=$(( (h1 - h0) / SECS )); rate_wake=$(( (w1 - w0) / SECS ))
info "$U: $rate_high high events/s; memmond: $rate_wake wakeups/s ($((w1 - w0)) in $SECS s)"
(( rate_high >= 30 )) || fail "no storm: only $rate_high high events/s, the scenario tests nothing"
(( rate_wake <= MAX_WAKEUPS_PER_SEC )) ||
        fail "memmond woke $rate_wake times a second during the storm (bound: $MAX_WAKEUPS_PER_SEC)"

stop_unit $U
sleep 1
assert_no_memmond_errors
assert_memmond_active
exit 0
