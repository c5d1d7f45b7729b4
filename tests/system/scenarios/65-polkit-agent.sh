#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# memmonctl's polkit agent, as a sysadmin meets it: an unprivileged user in a
# login session (su --pty -l, so pam_systemd gives it one) runs `memmonctl ack` on a
# terminal; pkttyagent asks for an administrator's password (Debian's rule:
# group sudo) on that terminal. A wrong password leaves the alert
# unacknowledged; the right one acknowledges it. The terminal is a pty driven
# by the ptyrun helper, which types the password after the prompt.
. "${MEMMON_PAYLOAD:-/mnt/payload}/lib.sh"

U=agent-hog.service
ADMIN=memmon-admin
ASKER=memmon-asker
PASSWORD='An-admin-pw-65'
ensure_memmond
on_exit stop_unit $U
on_exit userdel -r $ASKER
on_exit userdel -r $ADMIN

useradd -m $ASKER 2>/dev/null || fail "cannot create $ASKER"
useradd -m -G sudo $ADMIN 2>/dev/null || fail "cannot create $ADMIN"
echo "$ADMIN:$PASSWORD" | chpasswd || fail "chpasswd failed"
[[ -x /usr/bin/pkttyagent ]] || fail "pkttyagent is not installed"

systemd-run --unit=$U -p MemoryMax=64M -p MemorySwapMax=0 \
        "$MEMMON_PAYLOAD/bin/memhog" --mb 54 --hold --quiet || fail "systemd-run failed"
wait_journal "$MID_USAGE" $U 30 >/dev/null || fail "no usage alert for $U"
id=$(journal_first "$MID_USAGE" $U | jq -r .MEMMON_ALERT_ID)
[[ $id =~ ^[0-9]+$ ]] || fail "no alert id"
acked() { memmonctl --json alerts --all | jq -e --argjson id "$id" '[.. | objects | select(.Id? == $id)][0].Acknowledged == true' >/dev/null; }
acked && fail "alert $id is acknowledged before anyone asked"

# su -c alone would detach the command from its terminal (setsid, against
# TIOCSTI): no /dev/tty for the agent. --pty gives it one, as a login has.
ack_on_tty() { ptyrun "$1" 120 su --pty -l $ASKER -c "memmonctl ack $id"; }

# A wrong password: polkit refuses, memmonctl says so and fails.
if out=$(ack_on_tty wrong-password 2>&1); then
        echo "$out"
        fail "memmonctl ack succeeded with a wrong password"
fi
grep -q 'AUTHENTICATING FOR org.memmon.monitor.manage' <<<"$out" ||
        { echo "$out"; fail "pkttyagent did not ask on the terminal"; }
grep -q "Authenticating as: .*($ADMIN)\|Authenticating as: $ADMIN" <<<"$out" ||
        { echo "$out"; fail "the agent did not ask for $ADMIN's password"; }
acked && fail "alert $id was acknowledged after a wrong password"
info "wrong password: refused, alert $id not acknowledged"
sed 's/^/    /' <<<"$out"

# The right password: acknowledged.
out=$(ack_on_tty "$PASSWORD" 2>&1) || { echo "$out"; fail "memmonctl ack failed with the right password"; }
grep -q 'AUTHENTICATION COMPLETE' <<<"$out" || { echo "$out"; fail "the agent did not complete"; }
acked || { memmonctl --json alerts --all; fail "alert $id is not acknowledged after the right password"; }
info "right password: alert $id acknowledged"
sed 's/^/    /' <<<"$out"
assert_no_memmond_errors
exit 0
