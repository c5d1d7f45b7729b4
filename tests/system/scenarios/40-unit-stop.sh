#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# memmond picks up a new unit and drops it when it stops, without errors.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=small-unit.service
ensure_memmond
on_exit stop_unit $U

n0=$(memmond_watched_units)
[[ $n0 =~ ^[0-9]+$ ]] || fail "cannot parse the unit count from StatusText '$(memmond_status)'"
info "before: $(memmond_status)"

systemd-run --unit=$U "$MEMMON_PAYLOAD/bin/memhog" --mb 4 --hold --quiet || fail "systemd-run failed"
wait_for "(( \$(memmond_watched_units) > $n0 ))" 20 || {
        dump_memmond_journal
        fail "memmond did not start watching $U (status: $(memmond_status))"
}
n1=$(memmond_watched_units)
info "running: $(memmond_status)"

# A long unit name (a path past 64 bytes once "/memory.pressure" is added) is
# watched with its PSI trigger like any other.
L=memmon-test-a-rather-long-unit-name-for-path-buffers-0123456789.service
on_exit stop_unit $L
systemd-run --unit=$L "$MEMMON_PAYLOAD/bin/memhog" --mb 2 --hold --quiet || fail "systemd-run $L failed"
wait_for "memmonctl show $L >/dev/null 2>&1" 20 || {
        dump_memmond_journal
        fail "memmond does not watch $L"
}
info "long-named unit watched: $(memmonctl show $L | grep -i '^ *current' | head -n 1)"
stop_unit $L
n1=$(memmond_watched_units)

stop_unit $U
wait_for "(( \$(memmond_watched_units) < $n1 ))" 20 || {
        dump_memmond_journal
        fail "unit count did not go down after stopping $U (status: $(memmond_status))"
}
info "after stop: $(memmond_status)"
assert_no_memmond_errors
assert_memmond_active
exit 0
