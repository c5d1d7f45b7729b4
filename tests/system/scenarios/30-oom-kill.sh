#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A unit whose process is OOM-killed by its MemoryMax gets an OOM alert,
# timestamped within 2 s of the kill.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=hog-oom.service
# Allocation speed: 0 = as fast as possible.  The default gives memmond
# (SampleInterval=1s) a sample or two of the unit before the kill.
RATE=${OOM_RATE:-16}
ensure_memmond
on_exit stop_unit $U

systemd-run --unit=$U -p MemoryMax=32M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/memhog" --mb 100 --rate "$RATE" || fail "systemd-run failed"

# systemd's record of the kill.
sd=$(wait_journal "$MID_SYSTEMD_UNIT_OOM" $U 30) ||
        sd=$(_journal "UNIT=$U" | jq -c 'select(.MESSAGE | tostring | test("OOM killer"))' | head -n1)
[[ -n $sd ]] || {
        systemctl status --no-pager $U | tail -n 20
        fail "the unit was not OOM-killed (no systemd record)"
}
sd_ts=$(field "$sd" __REALTIME_TIMESTAMP)
info "systemd: $(field "$sd" MESSAGE) at $sd_ts"
kern=$(_journal -k | jq -c 'select(.MESSAGE | tostring | test("Memory cgroup out of memory|oom-kill:"))' | head -n1)
[[ -n $kern ]] && info "kernel: $(field "$kern" MESSAGE) at $(field "$kern" __REALTIME_TIMESTAMP)"

entry=$(wait_journal "$MID_OOM" $U 20) || {
        info "memmond status: $(memmond_status)"
        dump_memmond_journal
        fail "no OOM alert (MESSAGE_ID=$MID_OOM UNIT=$U) within 20 s of the kill"
}
info "OOM alert: $(field "$entry" MESSAGE)"
show_entry "$entry"
assert_field "$entry" _SYSTEMD_UNIT memmond.service
assert_field_ge "$entry" MEMMON_OOM_KILL_COUNT 1
ts=$(field "$entry" __REALTIME_TIMESTAMP)
d=$(usec_diff "$ts" "$sd_ts")
info "alert is $((d / 1000)) ms from systemd's record of the kill"
((d <= 2000000)) || fail "OOM alert is $((d / 1000)) ms away from the kill (> 2 s)"
assert_no_memmond_errors
assert_memmond_active
exit 0
