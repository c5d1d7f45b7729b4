#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# memmond's one inotify watch per unit, on the unit's cgroup directory, on the
# real kernel:
#  1. with the sample timer 60 s away, a new MemoryMax= set with systemctl
#     set-property is seen at once (the limits are not held or read at each
#     tick; they are read when written);
#  2. and an OOM kill is still reported within 2 s: the kernel's memory.events
#     notification reaches the directory watch;
#  3. a unit held at its MemoryHigh by page-cache churn bumps memory.events
#     "high" on every charge, and the kernel notifies up to 50 times a second;
#     memmond batches these (a read every 200 ms at most), so its wakeups stay
#     a few a second (unbatched it was measured at 24 a second for one unit).
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=high-storm.service
HOG=watch-oom.service
DROPIN=/etc/memmon/memmond.conf.d/60-cgroup-watch.conf
BUS=(org.memmon.Monitor /org/memmon/Monitor org.memmon.Monitor)
SECS=10
MAX_WAKEUPS_PER_SEC=8   # 5 batches + the sample timer + slack
ensure_memmond
on_exit stop_unit $U
on_exit stop_unit $HOG
on_exit rm -f /var/tmp/high-storm.dat
on_exit systemctl reload memmond.service
on_exit rm -f $DROPIN

pid=$(memmond_pid)
wakeups() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$pid/status"; }
high() { awk '$1 == "high" { print $2 }' "$(cgroup_of $U)/memory.events"; }
bus_max() { busctl get-property org.memmon.Monitor "$1" org.memmon.Unit MemoryMax | awk '{ print $2 }'; }

systemd-run --unit=$U -p MemoryHigh=16M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/filereader" --file /var/tmp/high-storm.dat --mb 64 ||
        fail "systemd-run failed"
wait_for "[[ \$(high 2>/dev/null || echo 0) -gt 100 ]]" 30 || fail "the unit never went over MemoryHigh"

# With samples a minute apart (and memory.stat two), only the watch can make
# what follows quick.
mkdir -p "$(dirname $DROPIN)"
printf '[Monitor]\nSampleInterval=60s\nStatInterval=120s\n' >$DROPIN
systemctl reload memmond.service || fail "reload failed"
sleep 2

# 1. A limit written at run time (the limits' periodic re-read is 5 minutes away).
wait_for "busctl call ${BUS[*]} GetUnit s $U >/dev/null 2>&1" 10 || fail "memmond does not know $U"
path=$(busctl call "${BUS[@]}" GetUnit s $U | awk '{ print $2 }' | tr -d '"')
[[ $(bus_max "$path") = 18446744073709551615 ]] || fail "MemoryMax of $U is $(bus_max "$path"), not max"
t0=$(date +%s%N)
systemctl set-property --runtime $U MemoryMax=900M || fail "set-property failed"
wait_for "[[ \$(bus_max $path) = 943718400 ]]" 3 ||
        fail "MemoryMax=900M not seen within 3 s (bus says $(bus_max "$path"))"
info "MemoryMax=900M seen over the bus after $((($(date +%s%N) - t0) / 1000000)) ms"

# 2. The OOM kill path with no tick to fall back on.
systemd-run --unit=$HOG -p MemoryMax=32M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/memhog" --mb 100 || fail "systemd-run $HOG failed"
sd=$(wait_journal "$MID_SYSTEMD_UNIT_OOM" $HOG 30) ||
        sd=$(_journal "UNIT=$HOG" | jq -c 'select(.MESSAGE | tostring | test("OOM killer"))' | head -n1)
[[ -n $sd ]] || fail "$HOG was not OOM-killed (no systemd record)"
entry=$(wait_journal "$MID_OOM" $HOG 10) || fail "no OOM alert for $HOG with SampleInterval=60s"
d=$(usec_diff "$(field "$entry" __REALTIME_TIMESTAMP)" "$(field "$sd" __REALTIME_TIMESTAMP)")
info "OOM alert $((d / 1000)) ms from systemd's record of the kill, with the next sample up to 60 s away"
((d <= 2000000)) || fail "OOM alert is $((d / 1000)) ms away from the kill (> 2 s)"
rm -f $DROPIN
systemctl reload memmond.service || fail "reload failed"

# 3. The storm.
pid=$(memmond_pid)
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
