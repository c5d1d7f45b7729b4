#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 3 on a real kernel: a service whose anon memory grows steadily is
# flagged as a leak with a growth rate and a time-to-limit, while a service
# whose memory.current grows only through page cache is not.
#
# The analysis spans are shortened by a drop-in and a reload (SIGHUP), so the
# verdict comes within minutes instead of the production LeakSpan=15min.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

LEAK=leaker.service
CACHE=cache-reader.service
ensure_memmond
on_exit stop_unit $LEAK
on_exit stop_unit $CACHE
on_exit rm -f /etc/memmon/memmond.conf.d/60-analysis.conf

cat >/etc/memmon/memmond.conf.d/60-analysis.conf <<'CONF'
[Monitor]
AnalysisInterval=5s
AnalysisWindow=5min
AnalysisMinSpan=30s
SustainedSpan=45s
LeakSpan=60s
HistoryDepth=600
CONF
systemctl reload memmond.service || fail "reload failed"
wait_for "journalctl -q -b -u memmond.service --since=-30s | grep -q 'Configuration reloaded'" 10 ||
        fail "memmond did not confirm the reload"

systemd-run --unit=$LEAK -p MemoryMax=512M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/memhog" --leak-rate 20 --mb 400 || fail "systemd-run $LEAK failed"
# Page cache only: read the kernel's modules a few files a second; bash and
# cat keep a small, flat anon footprint.
systemd-run --unit=$CACHE -p MemoryMax=512M /bin/bash -c \
        'find /usr/lib/modules -type f -size +32k | while read -r f; do cat "$f" >/dev/null; sleep 0.1; done; sleep infinity' ||
        fail "systemd-run $CACHE failed"
t0=$SECONDS
cache0=$(awk '$1 == "file" { print $2 }' "$(cgroup_of $CACHE)/memory.stat")

entry=$(wait_journal "$MID_LEAK" $LEAK 240) || {
        info "leaker memory.current: $(cat "$(cgroup_of $LEAK)/memory.current" 2>/dev/null)"
        dump_memmond_journal
        fail "no leak alert for $LEAK within 240 s"
}
info "leak alert after $((SECONDS - t0)) s: $(field "$entry" MESSAGE)"
show_entry "$entry"
assert_field "$entry" _SYSTEMD_UNIT memmond.service
assert_field "$entry" MEMMON_ALERT leak
assert_field_ge "$entry" MEMMON_CONFIDENCE 80
assert_field_set "$entry" MEMMON_PATTERN
# 20 MiB/min is 20971520 B/min; accept the estimate within a factor of 1.5
rate=$(field "$entry" MEMMON_GROWTH_BYTES_PER_MIN)
rate=${rate%.*}
((rate > 13981013 && rate < 31457280)) || fail "growth rate $rate B/min is not near 20 MiB/min"
assert_field_set "$entry" MEMMON_TIME_TO_LIMIT_USEC
assert_field "$entry" MEMMON_FORECAST_LIMIT max

# The page-cache unit must really have grown, or the next check proves nothing.
cache1=$(awk '$1 == "file" { print $2 }' "$(cgroup_of $CACHE)/memory.stat")
info "$CACHE page cache grew from $cache0 to $cache1 bytes"
((cache1 - cache0 > 20 * 1024 * 1024)) || fail "$CACHE page cache grew by less than 20 MiB"
if [[ -n $(journal_first "$MID_LEAK" $CACHE) ]]; then
        show_entry "$(journal_first "$MID_LEAK" $CACHE)"
        fail "page-cache growth was called a leak"
fi
info "no leak alert for $CACHE"
assert_no_memmond_errors
assert_memmond_active
exit 0
