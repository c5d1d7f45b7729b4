#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 4 on a real system bus with real polkit: introspection of the manager
# and a unit object, memmonctl for a real unit, an unprivileged user refused
# by polkit for AcknowledgeAlert and Reload while root succeeds, and bus
# activation starting memmond.service.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=bus-hog.service
LIMIT=67108864
BUS=(org.memmon.Monitor /org/memmon/Monitor org.memmon.Monitor)
ensure_memmond
on_exit stop_unit $U
on_exit userdel -r memmon-tester

useradd -m memmon-tester 2>/dev/null || id memmon-tester >/dev/null || fail "cannot create an unprivileged user"
as_user() { setpriv --reuid=memmon-tester --regid=memmon-tester --init-groups -- "$@"; }

# A unit with an active usage alert to look at and acknowledge.
systemd-run --unit=$U -p MemoryMax=64M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/memhog" --mb 54 --hold --quiet || fail "systemd-run failed"
wait_journal "$MID_USAGE" $U 30 >/dev/null || fail "no usage alert for $U"

# Introspection: named arguments for busctl users.
out=$(busctl introspect org.memmon.Monitor /org/memmon/Monitor) || fail "busctl introspect failed"
grep -q '^org.memmon.Monitor ' <<<"$out" || fail "no org.memmon.Monitor interface"
grep -q '\.GetHistory *method *stt ' <<<"$out" || { echo "$out"; fail "GetHistory not introspected as stt"; }
grep -q '^org.freedesktop.DBus.ObjectManager' <<<"$out" || fail "no ObjectManager"
info "manager introspection ok"
path=$(busctl call "${BUS[@]}" GetUnit s $U | awk '{ print $2 }' | tr -d '"') || fail "GetUnit failed"
[[ $path == /org/memmon/Monitor/unit/* ]] || fail "odd unit path: $path"
out=$(busctl introspect org.memmon.Monitor "$path") || fail "busctl introspect $path failed"
grep -q '^org.memmon.Unit ' <<<"$out" || fail "no org.memmon.Unit on $path"
limit=$(busctl get-property org.memmon.Monitor "$path" org.memmon.Unit MemoryMax | awk '{ print $2 }')
[[ $limit = "$LIMIT" ]] || fail "MemoryMax over the bus is '$limit', not $LIMIT"
cur=$(busctl get-property org.memmon.Monitor "$path" org.memmon.Unit Current | awk '{ print $2 }')
((cur > LIMIT * 8 / 10)) || fail "Current over the bus is $cur"
info "unit object ok: $path Current=$cur MemoryMax=$limit"
gdbus introspect --system --dest org.memmon.Monitor --object-path /org/memmon/Monitor >/dev/null 2>&1 ||
        info "(gdbus not installed in the image; busctl checked instead)"

# memmonctl, as an unprivileged user (read-only calls are open to everyone).
out=$(as_user memmonctl show $U) || fail "memmonctl show $U failed as an unprivileged user"
grep -q "$U" <<<"$out" || fail "memmonctl show does not name the unit"
info "memmonctl show $U:"; sed 's/^/    /' <<<"$out"
out=$(as_user memmonctl list --no-legend) || fail "memmonctl list failed"
grep -q "^$U" <<<"$out" || { echo "$out"; fail "memmonctl list lacks $U"; }
as_user memmonctl --json alerts | grep -q "\"$U\"" || fail "memmonctl --json alerts lacks $U"
as_user memmonctl history $U >/dev/null || fail "memmonctl history failed"
info "memmonctl list/alerts/history ok"

# polkit: an unprivileged user may not acknowledge or reload ...
id=$(journal_first "$MID_USAGE" $U | jq -r .MEMMON_ALERT_ID)
[[ $id =~ ^[0-9]+$ ]] || fail "no alert id"
if err=$(as_user busctl call "${BUS[@]}" AcknowledgeAlert t "$id" 2>&1); then
        fail "an unprivileged user acknowledged alert $id"
fi
grep -Eq 'Access denied|AccessDenied|Interactive authentication required|not authorized' <<<"$err" ||
        fail "unexpected error for an unprivileged AcknowledgeAlert: $err"
info "unprivileged AcknowledgeAlert refused: $err"
if err=$(as_user memmonctl ack "$id" 2>&1); then
        fail "memmonctl ack succeeded for an unprivileged user"
fi
info "unprivileged memmonctl ack refused: $err"
if err=$(as_user busctl call "${BUS[@]}" Reload 2>&1); then
        fail "an unprivileged user reloaded memmond"
fi
info "unprivileged Reload refused: $err"
acked() { memmonctl --json alerts --all | jq -e --argjson id "$id" '[.. | objects | select(.Id? == $id)][0].Acknowledged == true' >/dev/null; }
acked && fail "alert $id is acknowledged after the refused calls"
info "alert $id still unacknowledged"

# ... root may.
busctl call "${BUS[@]}" AcknowledgeAlert t "$id" || fail "root could not acknowledge alert $id"
busctl call "${BUS[@]}" Reload || fail "root could not reload"
acked || { memmonctl --json alerts --all; fail "alert $id is not acknowledged after root's call"; }
info "root acknowledged alert $id and reloaded"

# Bus activation: with memmond stopped, a call starts it.
systemctl stop memmond.service
systemctl is-active --quiet memmond.service && fail "memmond did not stop"
out=$(busctl call "${BUS[@]}" Health) || fail "Health call did not activate memmond"
info "Health after activation: $out"
systemctl is-active --quiet memmond.service || fail "memmond.service is not active after bus activation"
info "bus activation started memmond.service"
assert_no_memmond_errors
exit 0
