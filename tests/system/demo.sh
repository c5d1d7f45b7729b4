#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# memmon demo: boot the test VM, start memmond and a few misbehaving
# services, and show memmond's alerts as they appear.
#
#   tests/system/demo.sh            (as root, from the repository root; also
#                                    "tests/system/run.sh --demo")
#   DEMO_SECONDS=180 tests/system/demo.sh
#
# What happens in the VM (about 2.5 minutes, plus ~40 s boot):
#   * memmond starts with the test configuration (1 s samples, warning at
#     80 %, 2 s hold time),
#   * leaky-demo.service leaks 30 MiB/min under MemoryMax=200M: after about a
#     minute memmond raises a leak alert with its growth rate and time to limit
#     (the demo shortens the analysis spans with a drop-in),
#   * after 30 s, spike-demo.service jumps to 54 MiB under MemoryMax=64M
#     (a usage warning), and is stopped 40 s later (the alert clears),
#   * after 90 s, oom-demo.service runs into MemoryMax=32M and is OOM-killed
#     (an OOM alert).
# Every memmond journal entry is printed in full (journalctl -o verbose) as it
# arrives, with "systemctl status memmond" every 30 s and a catalog-annotated
# summary (journalctl -x) at the end.  Then the VM powers off.

if [[ ${1:-} != --guest ]]; then
        HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
        # A host that can run memmond itself (systemd as PID 1, the cgroup v2
        # memory controller): run the freshly built one in the foreground.
        if [[ -d /run/systemd/system && $(stat -fc %T /sys/fs/cgroup 2>/dev/null) = cgroup2fs ]] &&
           grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null &&
           [[ -x $HERE/../../build/src/daemon/memmond ]]; then
                echo "memmond in the foreground (Ctrl-C stops it); alerts: journalctl -f MESSAGE_ID=... or -t memmond"
                exec "$HERE/../../build/src/daemon/memmond" "$@"
        fi
        secs=${DEMO_SECONDS:-150}
        exec "$HERE/run.sh" --guest-script "$HERE/demo.sh" --guest-args "--guest $secs" \
                --timeout $((secs + 400)) "$@"
fi

# ---- inside the VM ------------------------------------------------------------
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"
DURATION=${2:-150}
BIN=$MEMMON_PAYLOAD/bin

banner() { printf '\n===== [%s] %s =====\n' "$(date +%T)" "$*"; }

on_exit stop_unit leaky-demo.service
on_exit stop_unit spike-demo.service
on_exit stop_unit oom-demo.service
on_exit 'kill $FOLLOW_PID'

banner "memmon demo: $(uname -r), $(systemctl --version | head -n1)"
echo "memmond configuration drop-in used by the tests:"
sed 's/^/    /' /etc/memmon/memmond.conf.d/50-test.conf 2>/dev/null

# Follow memmond's journal, every field of every entry.
journalctl -f -n 0 -o verbose --no-pager _SYSTEMD_UNIT=memmond.service &
FOLLOW_PID=$!
sleep 1

# Shorter analysis spans than production (LeakSpan=15min) so the leak verdict
# shows up within the demo.
cat >/etc/memmon/memmond.conf.d/60-demo.conf <<'CONF'
[Monitor]
AnalysisInterval=5s
AnalysisWindow=5min
AnalysisMinSpan=30s
SustainedSpan=45s
LeakSpan=60s
HistoryDepth=600
CONF
echo "and for the demo:"
sed 's/^/    /' /etc/memmon/memmond.conf.d/60-demo.conf

banner "systemctl start memmond"
systemctl start memmond.service || {
        systemctl status --no-pager -l memmond.service
        exit 1
}
systemctl status --no-pager memmond.service | head -n 12

banner "start leaky-demo.service: leaks 30 MiB/min, MemoryMax=200M"
systemd-run --unit=leaky-demo.service -p MemoryMax=200M "$BIN/memhog" --leak-rate 30

start=$SECONDS
spiked=0 unspiked=0 oomed=0 last_status=$SECONDS
while ((SECONDS - start < DURATION)); do
        t=$((SECONDS - start))
        if ((t >= 30 && !spiked)); then
                spiked=1
                banner "start spike-demo.service: 54 MiB under MemoryMax=64M (~86 %)"
                systemd-run --unit=spike-demo.service -p MemoryMax=64M "$BIN/memhog" --mb 54 --hold --quiet
        fi
        if ((t >= 70 && !unspiked)); then
                unspiked=1
                banner "stop spike-demo.service (its alert should clear)"
                stop_unit spike-demo.service
        fi
        if ((t >= 90 && !oomed)); then
                oomed=1
                banner "start oom-demo.service: 100 MiB into MemoryMax=32M (OOM kill)"
                systemd-run --unit=oom-demo.service -p MemoryMax=32M -p MemorySwapMax=0 \
                        "$BIN/memhog" --mb 100 --rate 16 --quiet
        fi
        if ((SECONDS - last_status >= 30)); then
                last_status=$SECONDS
                banner "systemctl status memmond"
                systemctl status --no-pager memmond.service | head -n 12
                cg=$(cgroup_of leaky-demo.service)
                [[ -n $cg ]] && echo "leaky-demo.service memory.current: $(($(cat "$cg/memory.current") / 1048576)) MiB of 200 MiB"
        fi
        sleep 1
done

kill "$FOLLOW_PID" 2>/dev/null
wait "$FOLLOW_PID" 2>/dev/null
banner "summary: memmond's entries with catalog text (journalctl -x)"
journalctl -b -x --no-pager -o short _SYSTEMD_UNIT=memmond.service | tail -n 60
banner "demo over; powering off"
exit 0
