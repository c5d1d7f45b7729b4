#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The test bed itself: cgroup v2 with the memory controller, memory.peak and
# PSI available, and the system reached a steady state.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

info "kernel $(uname -r), $(systemctl --version | head -n1)"
grep -qw memory /sys/fs/cgroup/cgroup.controllers ||
        fail "no memory controller in /sys/fs/cgroup/cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
info "controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
grep -qw memory /sys/fs/cgroup/system.slice/cgroup.controllers ||
        fail "memory controller not enabled for system.slice"
[[ $(stat -f -c %T /sys/fs/cgroup) = cgroup2fs ]] || fail "/sys/fs/cgroup is not cgroup2"
[[ -r /proc/pressure/memory ]] || fail "no PSI (/proc/pressure/memory)"
[[ -e /sys/fs/cgroup/system.slice/memory.peak ]] || warn "no memory.peak on system.slice (kernel < 5.19?)"

state=$(timeout 60 systemctl is-system-running --wait)
info "is-system-running: $state"
case $state in
running) ;;
degraded) systemctl --failed --no-pager; fail "system is degraded" ;;
*) fail "system did not settle: $state" ;;
esac

id tester >/dev/null 2>&1 || fail "no user tester"
[[ $(id -u tester) = 1000 ]] || fail "tester is not uid 1000"
command -v memhog >/dev/null || fail "memhog not in PATH"
exit 0
