#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A unit at ~86 % of its MemoryMax gets a warning alert (after HoldTime), and
# stopping it clears the alert (or, if the unit vanished, causes no error).
# 54 MiB, not 56: the cgroup also charges ~1 MiB of kernel memory and page
# cache for the process, and 56 MiB measured 89.1 %, too close to the default
# CriticalPercent=90.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=hog-warn.service
LIMIT=67108864
ensure_memmond
on_exit stop_unit $U

systemd-run --unit=$U -p MemoryMax=64M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/memhog" --mb 54 --hold || fail "systemd-run failed"
t0=$SECONDS
wait_for "[[ \$(cat $(cgroup_of $U)/memory.current 2>/dev/null || echo 0) -ge $((LIMIT * 8 / 10)) ]]" 30 ||
        fail "memhog did not reach 80 % of the limit"
info "memory.current=$(cat "$(cgroup_of $U)/memory.current") after $((SECONDS - t0)) s"

entry=$(wait_journal "$MID_USAGE" $U 30) || {
        info "memmond status: $(memmond_status)"
        dump_memmond_journal
        fail "no usage alert (MESSAGE_ID=$MID_USAGE UNIT=$U) within 30 s"
}
info "usage alert after $((SECONDS - t0)) s: $(field "$entry" MESSAGE)"
show_entry "$entry"
assert_field "$entry" _SYSTEMD_UNIT memmond.service
assert_field "$entry" MEMMON_SEVERITY warning
assert_field "$entry" PRIORITY 4
assert_field "$entry" MEMMON_LIMIT_BYTES $LIMIT
assert_field "$entry" MEMMON_LIMIT max
assert_field_ge "$entry" MEMMON_CURRENT_BYTES $((LIMIT * 8 / 10))
assert_field "$entry" MEMMON_THRESHOLD_PERCENT 80
info "memmond status: $(memmond_status)"

info "stopping $U"
stop_unit $U
if cleared=$(wait_journal "$MID_CLEARED" $U 15); then
        info "clearing entry: $(field "$cleared" MESSAGE)"
        show_entry "$cleared"
else
        info "no clearing entry (the unit vanished); checking that nothing went wrong"
fi
sleep 2
assert_no_memmond_errors
assert_memmond_active
exit 0
