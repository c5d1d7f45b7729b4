# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034
#
# Helpers for the memmon system test scenarios (sourced inside the VM).
#
#   . "$(dirname "$0")/../lib.sh"       (guest-run.sh exports MEMMON_PAYLOAD)
#
# Journal queries below only look at entries logged after lib.sh was
# sourced ($SCENARIO_START_USEC).

set -uo pipefail

MEMMON_PAYLOAD=${MEMMON_PAYLOAD:-/mnt/payload}
PATH=$MEMMON_PAYLOAD/bin:$PATH
export PATH MEMMON_PAYLOAD

# memmond's message catalog (must match src/shared/message-ids.h).
MID_READY=eefaed22575542a3a33c7eab4998c114
MID_USAGE=88e9f918a56d4bf5ac79ac987778fcbc
MID_CLEARED=5132c368305b4d0ea68613ef0e2a5ad5
MID_OOM=56a9b6c0c2c948e7831f3d85ace6c11c
MID_LIMIT_HIT=cd7777ca8b4f441e86d3cf4b3813c27c
MID_PRESSURE=c882983bb06e43cea53a26004ffa1220
MID_LEAK=8df513bfe6d34336aa87b45b7753b3f1
# systemd's "A process of this unit has been killed by the OOM killer."
MID_SYSTEMD_UNIT_OOM=fe6faa94e7774663a0da52717891d8ef

MEMMOND_UNIT=${MEMMOND_UNIT:-memmond.service}

_ts() { date +%H:%M:%S.%3N; }
info() { printf '[%s] %s\n' "$(_ts)" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$(_ts)" "$*" >&2; }

# fail MSG: print MSG and end the scenario with failure (cleanup traps run).
fail() {
        printf '[%s] FAIL: %s\n' "$(_ts)" "$*" >&2
        exit 1
}

# skip MSG: end the scenario as skipped (exit 77, reported as "ok ... # SKIP").
skip() {
        printf '[%s] SKIP: %s\n' "$(_ts)" "$*" >&2
        exit 77
}

# Cleanup: scenarios register commands with on_exit; they run in reverse
# order when the scenario ends, whatever the outcome.
_ON_EXIT=()
on_exit() { _ON_EXIT=("$*" "${_ON_EXIT[@]}"); }
_run_on_exit() {
        local rc=$? c
        for c in "${_ON_EXIT[@]}"; do
                eval "$c" >/dev/null 2>&1 || true
        done
        return $rc
}
trap _run_on_exit EXIT

# wait_for CMD [TIMEOUT_S] [INTERVAL_S]
#   Evaluate the shell command string CMD until it succeeds; returns 1 after
#   TIMEOUT_S seconds (default 30).  Its output is discarded.
wait_for() {
        local cmd=$1 timeout=${2:-30} interval=${3:-0.5}
        local deadline=$((SECONDS + ${timeout%.*}))
        while :; do
                if eval "$cmd" >/dev/null 2>&1; then
                        return 0
                fi
                ((SECONDS >= deadline)) && return 1
                sleep "$interval"
        done
}

# Start of this scenario (CLOCK_REALTIME, µs), as journald stamps entries.
# Note: systemd 252's journalctl --after-cursor/--since combined with field
# matches can skip matching entries, so queries read the whole boot with the
# matches and filter on __REALTIME_TIMESTAMP instead.
SCENARIO_START_USEC=$(($(date +%s%N) / 1000))
export SCENARIO_START_USEC

# _journal ARGS...: this scenario's journal entries as JSON lines
# (ARGS: journalctl matches/options, e.g. -k, -p 3, UNIT=foo.service).
_journal() {
        journalctl -q --no-pager -b -o json "$@" |
                jq -c --argjson s "$SCENARIO_START_USEC" 'select((.__REALTIME_TIMESTAMP | tonumber) >= $s)'
}

# _journal_text ARGS...: the same, as readable lines.
_journal_text() {
        _journal "$@" | jq -r '"\((.__REALTIME_TIMESTAMP | tonumber / 1000000 | strflocaltime("%H:%M:%S")))" +
                ".\((.__REALTIME_TIMESTAMP | tonumber % 1000000 / 1000 | floor | tostring | ("00" + .)[-3:])) " +
                "\(.SYSLOG_IDENTIFIER // ._COMM // "?")[\(._PID // "")]: <\(.PRIORITY // "?")> \(.MESSAGE | tostring)"'
}

# journal_json MESSAGE_ID [UNIT] [MORE MATCHES...]
#   Print this scenario's journal entries with that MESSAGE_ID (and UNIT=...,
#   if given and non-empty) as JSON, one entry per line.
journal_json() {
        local mid=$1 unit=${2:-}
        shift; (($#)) && shift
        _journal "MESSAGE_ID=$mid" ${unit:+"UNIT=$unit"} "$@"
}

# journal_first MESSAGE_ID [UNIT]: the first such entry (JSON) or nothing.
journal_first() {
        journal_json "$@" | head -n 1
}

# wait_journal MESSAGE_ID UNIT TIMEOUT: wait for an entry; prints it (JSON).
wait_journal() {
        local mid=$1 unit=$2 timeout=${3:-30} out
        local deadline=$((SECONDS + timeout))
        while :; do
                out=$(journal_first "$mid" "$unit")
                if [[ -n $out ]]; then
                        printf '%s\n' "$out"
                        return 0
                fi
                ((SECONDS >= deadline)) && return 1
                sleep 0.5
        done
}

# field JSON FIELD: print the field's value ("" if missing).  Journal fields
# that occur more than once are arrays in JSON: they are joined by spaces.
field() {
        jq -r --arg f "$2" '.[$f] // empty | if type == "array" then
                (if (.[0] | type) == "number" then implode else map(tostring) | join(" ") end)
                else tostring end' <<<"$1"
}

# assert_field JSON FIELD VALUE
assert_field() {
        local v
        v=$(field "$1" "$2")
        [[ $v == "$3" ]] || fail "field $2 is '${v}', expected '$3'"
        info "  $2=$v (ok)"
}

# assert_field_ge JSON FIELD MIN   (integer comparison)
assert_field_ge() {
        local v
        v=$(field "$1" "$2")
        [[ $v =~ ^[0-9]+$ ]] || fail "field $2 is '${v}', expected an integer >= $3"
        ((v >= $3)) || fail "field $2 is $v, expected >= $3"
        info "  $2=$v (>= $3, ok)"
}

# assert_field_set JSON FIELD: the field exists and is non-empty.
assert_field_set() {
        local v
        v=$(field "$1" "$2")
        [[ -n $v ]] || fail "field $2 is missing"
        info "  $2=$v (ok)"
}

# show_entry JSON: print an entry's fields in a readable, stable form.
show_entry() {
        jq -r 'to_entries | map(select(.key | startswith("__") or startswith("_") | not))
               | sort_by(.key) | .[] | "    \(.key)=\(.value|tostring)"' <<<"$1"
}

# memmond helpers -----------------------------------------------------------

memmond_pid() { systemctl show -p MainPID --value "$MEMMOND_UNIT"; }
memmond_status() { systemctl show -p StatusText --value "$MEMMOND_UNIT"; }

# memmond_watched_units: N from "Watching N units, A active alerts".
memmond_watched_units() {
        memmond_status | sed -n 's/.*Watching \([0-9][0-9]*\) unit.*/\1/p'
}

# ensure_memmond: start memmond if needed (Type=notify: start waits for READY=1).
ensure_memmond() {
        if ! systemctl is-active --quiet "$MEMMOND_UNIT"; then
                info "starting $MEMMOND_UNIT"
                timeout 60 systemctl start "$MEMMOND_UNIT" || {
                        systemctl status --no-pager -l "$MEMMOND_UNIT" 2>&1 | tail -n 30
                        fail "systemctl start $MEMMOND_UNIT failed"
                }
        fi
}

assert_memmond_active() {
        systemctl is-active --quiet "$MEMMOND_UNIT" || {
                systemctl status --no-pager -l "$MEMMOND_UNIT" 2>&1 | tail -n 30
                fail "$MEMMOND_UNIT is not active"
        }
        info "$MEMMOND_UNIT is active"
}

# assert_no_memmond_errors: memmond logged nothing at PRIORITY<=3 (err and
# worse) during this scenario. Alerts are structured entries sent with
# sd_journal_send (_TRANSPORT=journal) and may be critical by design; its
# operational log is its stderr (_TRANSPORT=stdout), and that must be clean.
assert_no_memmond_errors() {
        local errs
        errs=$(_journal_text -p 3 "_SYSTEMD_UNIT=$MEMMOND_UNIT" _TRANSPORT=stdout)
        if [[ -n $errs ]]; then
                printf '%s\n' "$errs" >&2
                fail "memmond logged entries with PRIORITY<=3"
        fi
        info "memmond logged no entries with PRIORITY<=3"
}

# dump_memmond_journal: this scenario's memmond log, for diagnosis.
dump_memmond_journal() {
        info "memmond journal during this scenario:"
        _journal_text "_SYSTEMD_UNIT=$MEMMOND_UNIT" | tail -n "${1:-40}" | sed 's/^/    /'
}

# stop_unit UNIT: stop a (transient) unit and forget it.
stop_unit() {
        systemctl stop "$1" 2>/dev/null
        systemctl reset-failed "$1" 2>/dev/null
        return 0
}

# cgroup_of UNIT: the unit's cgroup directory (empty if none).
cgroup_of() {
        local cg
        cg=$(systemctl show -p ControlGroup --value "$1")
        [[ -n $cg ]] && echo "/sys/fs/cgroup$cg"
}

# usec_diff A B: |A - B| in microseconds.
usec_diff() {
        local d=$(($1 - $2))
        echo $((d < 0 ? -d : d))
}
