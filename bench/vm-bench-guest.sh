#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Inside the test VM (run by bench/vm-bench.sh through tests/system/run.sh):
# 1,000 real units, then
#   (a)/(b) the cost of reading their memory files (cgroup-read-bench),
#   (c) memmond's sampling tick against the floor, side by side (sampler-bench),
#   (d) memmond's RSS and CPU time per tick watching them.
# Prints figures only; always exits 0 unless the set-up itself is impossible.
#
#   vm-bench-guest.sh [UNITS] [MEASURE_SECONDS] [INTERVAL_SECONDS]

UNITS=${1:-1000}
MEASURE=${2:-60}
INTERVAL=${3:-5}
P=${MEMMON_PAYLOAD:-/mnt/payload}
export SYSTEMD_PAGER='' LC_ALL=C

say() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
mem_mib() { awk '/MemAvailable/ { printf "%d", $2 / 1024 }' /proc/meminfo; }

say "vm-bench: $UNITS units, measuring memmond for ${MEASURE}s at its default interval (${INTERVAL}s assumed)"
say "kernel $(uname -r), $(systemctl --version | head -n1), $(nproc) CPUs, MemAvailable $(mem_mib) MiB"
say "note: the VM runs under TCG (no KVM): absolute times are several times those of real hardware; ratios are the figure to read"

# smaps_rollup walks the page tables; VmRSS in /proc/PID/status comes from
# counters that can lag (seen: 1,800 kB there against 3,516 kB in smaps), so
# both are printed and the figures use smaps.
rollup() {
        awk '/^(Rss|Anonymous|Pss):/ { printf "%s %s kB ", $1, $2 }' "/proc/$1/smaps_rollup"
        awk '/^VmRSS/ { printf "(status VmRSS: %s kB)", $2 }' "/proc/$1/status"
}

# Resident kB of PID per mapped object (library basename, [heap], [stack], [anon]).
rss_by_object() {
        awk '/^[0-9a-f]+-[0-9a-f]+ / { n = NF >= 6 ? $6 : "[anon]"; sub(/.*\//, "", n); next }
             /^Rss:/ { kb[n] += $2 }
             END { for (n in kb) print n, kb[n] }' "/proc/$1/smaps" | sort
}

# memmond's footprint before the bench units exist (the system's own few services):
# the part of its RSS that does not depend on how many units it watches. Next to
# it, rss-floor: the same libraries doing only what any sd-event daemon on the
# system bus does (event loop, bus name and object, a journal entry, READY=1).
if systemctl cat memmond.service >/dev/null 2>&1 && timeout 120 systemctl start memmond.service; then
        install -m 0755 "$P/rss-floor" /usr/local/bin/rss-floor 2>/dev/null &&
                systemd-run --unit=rss-floor.service -p Type=notify -p WatchdogSec=60 \
                        /usr/local/bin/rss-floor >/dev/null 2>&1 || say "warning: rss-floor did not start"
        sleep 12
        bpid=$(systemctl show -p MainPID --value memmond.service)
        fpid=$(systemctl show -p MainPID --value rss-floor.service)
        say "baseline: memmond $(systemctl show -p StatusText --value memmond.service): $(rollup "$bpid")"
        if [[ $fpid -gt 0 ]]; then
                say "rss-floor (same libraries, no units): $(rollup "$fpid")"
                say "resident kB per mapped object:"
                join -a1 -a2 -e0 -o 0,1.2,2.2 <(rss_by_object "$bpid") <(rss_by_object "$fpid") |
                        sort -k2,2nr | awk 'BEGIN { printf "  %-24s %8s %9s\n", "object", "memmond", "rss-floor" }
                                             { printf "  %-24s %8d %9d\n", $1, $2, $3; a += $2; b += $3 }
                                             END { printf "  %-24s %8d %9d\n", "total", a, b }'
                systemctl stop rss-floor.service
        fi
        systemctl stop memmond.service
fi
[[ $UNITS -gt 0 ]] || exit 0

# The units: instances of one template, placed directly in system.slice so
# they look like any other service (system.slice/bench@N.service).
mkdir -p /run/systemd/system
cat >/run/systemd/system/bench@.service <<'EOF'
[Unit]
Description=memmon benchmark unit %i
DefaultDependencies=no

[Service]
Slice=system.slice
ExecStart=/bin/sleep infinity
MemoryAccounting=yes
EOF
systemctl daemon-reload

t0=$(date +%s.%N)
for ((i = 1; i <= UNITS; i += 100)); do
        names=()
        for ((j = i; j < i + 100 && j <= UNITS; j++)); do names+=("bench@$j.service"); done
        systemctl start "${names[@]}" || say "warning: starting some units failed"
done
t1=$(date +%s.%N)
n=$(ls -d /sys/fs/cgroup/system.slice/bench@*.service 2>/dev/null | wc -l)
say "started $n units in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; MemAvailable $(mem_mib) MiB"
say "services in system.slice: $(ls -d /sys/fs/cgroup/system.slice/*.service | wc -l)"

echo
say "(a)/(b) reading memory.{current,events,stat,pressure,max} of every unit"
"$P/bin/cgroup-read-bench" --passes 5 /sys/fs/cgroup/system.slice/*.service | tee /run/crb.out
eval "$(grep '^FLOOR_TICK_US_PER_UNIT=' /run/crb.out)"

echo
say "(c) memmond's sampling tick against the pread floor, alternating on the same fds"
if [[ -x $P/sampler-bench ]]; then
        "$P/sampler-bench" --rounds 60 | tee /run/sb.out
        echo
        say "(c') the same with both passes starting cold, 2 s idle before each (as the daemon's ticks)"
        "$P/sampler-bench" --rounds 20 --gap-ms 2000
else
        say "no sampler-bench in the payload: skipping (c)"
fi

echo
say "(d) memmond with $n units"
if ! systemctl cat memmond.service >/dev/null 2>&1; then
        say "memmond.service is not installed: skipping (d)"
        exit 0
fi
t0=$(date +%s.%N)
if ! timeout 120 systemctl start memmond.service; then
        say "memmond failed to start:"
        systemctl status --no-pager -l memmond.service | tail -n 20
        journalctl -b --no-pager -u memmond.service | tail -n 20
        exit 0
fi
t1=$(date +%s.%N)
pid=$(systemctl show -p MainPID --value memmond.service)
say "memmond (pid $pid) ready after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: $(systemctl show -p StatusText --value memmond.service)"
rss() { awk '/^Rss:/ { print $2 }' "/proc/$pid/smaps_rollup"; }
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$pid/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
HZ=$(getconf CLK_TCK)

say "settling for $((2 * INTERVAL)) s"
sleep $((2 * INTERVAL))
c0=$(cpu_ticks) r0=$(rss) w0=$(date +%s.%N)
say "RSS at start of measurement: $r0 KiB"
sleep "$MEASURE"
c1=$(cpu_ticks) r1=$(rss) w1=$(date +%s.%N) h=$(hwm)
if ! systemctl is-active --quiet memmond.service; then
        say "memmond died during the measurement"
        journalctl -b --no-pager -u memmond.service | tail -n 20
        exit 0
fi
awk -v c0="$c0" -v c1="$c1" -v w0="$w0" -v w1="$w1" -v hz="$HZ" -v iv="$INTERVAL" -v n="$n" \
        -v r0="$r0" -v r1="$r1" -v h="$h" 'BEGIN {
        wall = w1 - w0; cpu = (c1 - c0) / hz; ticks = wall / iv
        printf "memmond over %.1f s (%d ticks at %d s): CPU %.2f s = %.2f %% of one CPU\n", wall, ticks, iv, cpu, 100 * cpu / wall
        printf "CPU per tick: %.1f ms (%.1f us per unit per tick)\n", 1000 * cpu / ticks, 1e6 * cpu / ticks / n
        printf "RSS: %d KiB at start, %d KiB at end (peak %d KiB), %.2f KiB per unit\n", r0, r1, h, r1 / n
}'
# RSS counts shared library pages (libc, libsystemd: ~3 MiB, shared with every
# systemd process); RssAnon is what memmond itself allocates, Pss the fair share.
say "memory (smaps_rollup): $(rollup "$pid")"
say "memmond.service cgroup memory.current (what systemd charges it): $(($(cat /sys/fs/cgroup/system.slice/memmond.service/memory.current) / 1024)) KiB"
say "status: $(systemctl show -p StatusText --value memmond.service)"
errs=$(journalctl -b --no-pager -p 3 _SYSTEMD_UNIT=memmond.service _TRANSPORT=stdout | grep -v '^-- ' | wc -l)
say "memmond log lines with PRIORITY<=3 during the run: $errs"

kstack() { awk '/^KernelStack:/ { print $2 }' /proc/meminfo; }
say "psimon kernel threads: $(pgrep -c psimon || echo 0); memmond's open fds: $(ls /proc/$pid/fd | wc -l); KernelStack $(kstack) kB"

# memmond measures its own sampling loop (thread CPU time) and logs it on exit:
# the same files as the floor above, plus parsing, history and rules.
systemctl stop memmond.service
cost=$(journalctl -b --no-pager -o cat -u memmond.service | grep '^Cost:' | tail -n 1)
say "memmond: $cost"
us=$(sed -n 's/.*sampling \([0-9.]*\) us CPU per unit per tick.*/\1/p' <<<"$cost")
if [[ -n $us && -n ${FLOOR_TICK_US_PER_UNIT:-} ]]; then
        awk -v m="$us" -v f="$FLOOR_TICK_US_PER_UNIT" -v o="$NAIVE_TICK_US_PER_UNIT" 'BEGIN {
                printf "per unit per tick: memmond %.2f us, held-fd pread floor %.2f us, open/read/close %.2f us\n", m, f, o
                printf "ratio memmond/floor: %.2fx (target <= 1.3x); open/read/close/memmond: %.2fx\n", m / f, o / m
        }'
fi
# The kernel side: on 6.1 every cgroup with a PSI trigger gets a "psimon"
# kernel thread, and every held cgroupfs fd a seq_file buffer charged to
# memmond's cgroup. Compare with triggers off.
mkdir -p /etc/memmon/memmond.conf.d
printf '[Monitor]\nPressureTriggers=no\n' >/etc/memmon/memmond.conf.d/90-bench-notrig.conf
systemctl start memmond.service
sleep $((2 * INTERVAL))
say "with PressureTriggers=no: psimon threads $(pgrep -c psimon || echo 0), KernelStack $(kstack) kB, memmond.service memory.current $(($(cat /sys/fs/cgroup/system.slice/memmond.service/memory.current) / 1024)) KiB, RSS $(awk '/^VmRSS/ { print $2 }' /proc/$(systemctl show -p MainPID --value memmond.service)/status) KiB"
rm -f /etc/memmon/memmond.conf.d/90-bench-notrig.conf
exit 0
