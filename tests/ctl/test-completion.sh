#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The bash completion of memmonctl, with memmonctl replaced by a shell
# function that answers like a running memmond. TAP output.
set -u
source "$1" || { echo "Bail out! cannot source $1"; exit 1; }

memmonctl() {
        case "$*" in
        "list --no-legend") printf '%s\n' "db.service 1.0G 1.0G - - leak 90% +1.0M/min - 1" \
                                          "dbus.service 2.0M 2.0M - - stable 0% 0/min - 0" \
                                          "cron.service 1.0M 1.0M - - stable 0% 0/min - 0" ;;
        "alerts --no-legend") printf '%s\n' " 7 db.service usage warning 2024-05-01 12:00:00 1.0G no" \
                                            "12 (host) host critical 2024-05-01 12:01:00 7.0G no" ;;
        *) return 1 ;;
        esac
}
# compopt only works inside a real completion; it is harmless to skip here.
compopt() { :; }

n=0 failed=0
# complete EXPECTED WORDS...: the last word is the one being completed
complete_check() {
        local expected=$1; shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _memmonctl
        local got="${COMPREPLY[*]}"
        n=$((n + 1))
        if [ "$got" = "$expected" ]; then
                echo "ok $n - '${COMP_WORDS[*]}' -> '$got'"
        else
                failed=$((failed + 1))
                echo "not ok $n - '${COMP_WORDS[*]}' -> '$got', expected '$expected'"
        fi
}

complete_check "status list show history alerts ack analyze export health" memmonctl ""
complete_check "show" memmonctl sh
complete_check "alerts ack analyze" memmonctl a
complete_check "history health" memmonctl --no-legend h
complete_check "db.service dbus.service" memmonctl show db
complete_check "db.service dbus.service cron.service" memmonctl history ""
complete_check "cron.service" memmonctl --json analyze c
complete_check "" memmonctl show db.service ""
complete_check "7 12" memmonctl ack ""
complete_check "" memmonctl list ""
complete_check "--resolution=" memmonctl history db.service --re
complete_check "--since=" memmonctl history --si
complete_check "--all" memmonctl alerts --a
complete_check "--format=" memmonctl export --f
complete_check "json prometheus" memmonctl export --format =
complete_check "prometheus" memmonctl export --format = p
complete_check "pretty short" memmonctl --json =
complete_check "30s 30min" memmonctl history --since = 30
# After "--format = json", the verb is still found.
complete_check "" memmonctl --format = json export ""
complete_check "--no-legend --no-pager --no-ask-password" memmonctl --no-

# Registered for the command.
n=$((n + 1))
if complete -p memmonctl 2>/dev/null | grep -q -- "-F _memmonctl"; then echo "ok $n - registered"; else failed=$((failed + 1)); echo "not ok $n - registered"; fi

echo "1..$n"
[ $failed = 0 ]
