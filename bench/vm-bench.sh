#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# memmon scale benchmark in the system-test VM: 1,000 real services,
#   (a) cost of reading memory.{current,events,stat,pressure,max} per unit
#       with open/read/close,
#   (b) the same with held fds and pread (the floor), and the ratio,
#   (c) memmond's sampling tick against that floor, alternating on the same
#       fds in one process (sampler-bench),
#   (d) memmond's RSS and CPU time per tick at its default interval.
#
#   bench/vm-bench.sh [UNITS [MEASURE_SECONDS [INTERVAL_SECONDS]]]
#
# Run as root from the repository root.  Reuses tests/system/run.sh (the cached
# base image, memmond built in build-vm/).  Prints figures and never fails on
# them; exits non-zero only if the VM could not run.  About 6-8 minutes.

set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
SRC=${MESON_SOURCE_ROOT:-$(cd "$HERE/.." && pwd)}
UNITS=${1:-1000}
MEASURE=${2:-60}
INTERVAL=${3:-5}

# sampler-bench links memmond's own code: built here, on the same Debian as the guest.
BENCH_BUILD=${MEMMON_BENCH_BUILD:-$SRC/build-bench}
LOG=$(mktemp)
if [[ ! -f $BENCH_BUILD/build.ninja ]]; then
        meson setup "$BENCH_BUILD" "$SRC" -Dtests=false -Dbench=true >"$LOG" 2>&1 ||
                { tail -n 20 "$LOG" >&2; rm -f "$LOG"; exit 1; }
fi
meson compile -C "$BENCH_BUILD" bench/sampler-bench bench/rss-floor >"$LOG" 2>&1 ||
        { tail -n 20 "$LOG" >&2; exit 1; }
rm -f "$LOG"

# No test drop-in: memmond runs with its default configuration.
exec "$SRC/tests/system/run.sh" \
        --guest-script "$HERE/vm-bench-guest.sh" \
        --guest-args "$UNITS $MEASURE $INTERVAL" \
        --extra-bin "$HERE/cgroup-read-bench.c" \
        --extra-file "$BENCH_BUILD/bench/sampler-bench" \
        --extra-file "$BENCH_BUILD/bench/rss-floor" \
        --no-test-conf --memory 2048 --timeout 1500
