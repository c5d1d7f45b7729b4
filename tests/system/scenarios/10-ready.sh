#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# memmond starts (Type=notify: "systemctl start" returns after READY=1),
# publishes a status text and logs its start-up entry.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

systemctl cat memmond.service >/dev/null 2>&1 || fail "memmond.service is not installed"
systemctl show -p Type --value memmond.service | grep -qx notify ||
        warn "memmond.service is Type=$(systemctl show -p Type --value memmond.service), expected notify"

t0=$SECONDS
timeout 60 systemctl start memmond.service || {
        systemctl status --no-pager -l memmond.service | tail -n 30
        dump_memmond_journal
        fail "systemctl start memmond failed"
}
info "systemctl start returned after $((SECONDS - t0)) s"
assert_memmond_active

st=$(memmond_status)
[[ -n $st ]] || fail "StatusText of memmond is empty"
info "StatusText: $st"

entry=$(wait_journal "$MID_READY" "" 10) || {
        dump_memmond_journal
        fail "no journal entry MESSAGE_ID=$MID_READY"
}
comm=$(field "$entry" _SYSTEMD_UNIT)
[[ $comm = memmond.service ]] || fail "ready entry comes from _SYSTEMD_UNIT='$comm', not memmond.service"
info "ready entry: $(field "$entry" MESSAGE)"
show_entry "$entry"
assert_no_memmond_errors
exit 0
