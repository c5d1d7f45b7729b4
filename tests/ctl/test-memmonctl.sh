#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# memmonctl against the real memmond: a private dbus-daemon (its address in
# DBUS_SYSTEM_BUS_ADDRESS, which sd_bus_open_system() honours) and memmond
# on a fake cgroup v2 tree. Checks every verb's text and --json output, the
# exit statuses (4 for an unknown unit or alert, 2 for bad usage), the
# "not running" message before memmond starts and after it stops, and, as
# root, a polkit-less "Access denied" for another user.
# TAP output. Skips (77) only when dbus-daemon is missing.
set -u
memmonctl=$1 memmond=$2 json_get=$3
command -v dbus-daemon >/dev/null || { echo "1..0 # SKIP dbus-daemon is not installed"; exit 77; }

T=$(mktemp -d)
bus_pid="" memmond_pid=""
cleanup() {
        [ -n "$memmond_pid" ] && kill "$memmond_pid" 2>/dev/null
        [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
        rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T" # the Access denied check connects as another user

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }

# ctl ARGS...: runs memmonctl, stdout in $out, stderr in $err, exit status in $rc
ctl() {
        "$memmonctl" "$@" >"$T/out" 2>"$T/err"
        rc=$?
        out=$(cat "$T/out") err=$(cat "$T/err")
        cat "$T/err" >>"$T/all-stderr"
}
has() { grep -qF -- "$2" <<<"$1"; }
jget() { "$json_get" "$@" <"$T/out"; }
wait_for() { # SECONDS COMMAND...
        local deadline=$((SECONDS + $1)); shift
        while [ $SECONDS -le $deadline ]; do "$@" && return 0; sleep 0.1; done
        return 1
}

root=$T/cg
mkdir -p "$root" "$T/conf.d"
echo "cpu memory pids" >"$root/cgroup.controllers"
# shellcheck source=../fake-cgroup.sh
. "$(dirname "$(readlink -f "$0")")/../fake-cgroup.sh"
mkunit system.slice/hog.service 891289600 1048576000     # 850 MiB of 1000 MiB: a usage warning
mkunit system.slice/steady.service 1048576 max
mkunit system.slice/app.slice/small.service 4096 max

cat >"$T/memmond.conf" <<CONF
[Monitor]
SampleInterval=200ms
StatInterval=2s
RescanInterval=1h
PressureTriggers=no
[Rules]
HoldTime=1s
ClearTime=1s
HostAvailableWarningPercent=0
HostAvailableCriticalPercent=0
HostPressureFullAvg10=0
CONF

# A bus any local user may connect to, so "Access denied" comes from memmond, not the bus.
cat >"$T/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$T/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile --print-address=3 3>"$T/address" 2>"$T/bus.log" &
bus_pid=$!
wait_for 5 test -s "$T/address" || { echo "Bail out! dbus-daemon did not start"; cat "$T/bus.log"; exit 1; }
export DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$T/address")
unset NO_COLOR SYSTEMD_COLORS COLUMNS

# --- without memmond ---------------------------------------------------------
ctl --version
check "--version" [ $rc = 0 ]
check "--version names the package" has "$out" "memmonctl "
ctl --help
check "--help exits 0 and documents exit statuses" eval '[ $rc = 0 ] && has "$out" "Exit status"'
for args in "bogus" "show" "show a b" "list extra" "--frob list" "--since=soon history hog" \
            "--all list" "--format=xml export" "--json --format=prometheus export" "ack" "ack abc" "--json=huge list"; do
        # shellcheck disable=SC2086
        ctl $args
        check "bad usage '$args' exits 2 (rc=$rc)" [ $rc = 2 ]
        check "bad usage '$args' explains itself" [ -n "$err" ]
done
ctl --all=1 list
check "an argument to an option that takes none names the option" has "$err" "--all=1"
ctl status
check "status without memmond exits 1 (rc=$rc)" [ $rc = 1 ]
check "status without memmond says it is not running" has "$err" "memmond is not running"
ctl health
check "health without memmond exits 1, not a health code (rc=$rc)" [ $rc = 1 ]

# --- with memmond ------------------------------------------------------------
"$memmond" --config "$T/memmond.conf" --config-dir "$T/conf.d" --cgroup-root "$root" 2>"$T/memmond.log" &
memmond_pid=$!
check "memmond owns its name" wait_for 10 eval '"$memmonctl" health >/dev/null 2>&1; [ $? != 1 ]'
# A few samples for history.
wait_for 10 eval '"$memmonctl" --json status 2>/dev/null | "$json_get" NSamples | grep -qvx "[0-4]"'

ctl status
check "status exits 0" [ $rc = 0 ]
check "status counts 3 units" has "$out" "Units: 3 watched, sampled every 200ms"
check "status shows host memory" has "$out" "available of"
check "status shows memmond's RSS" has "$out" "memmond RSS:"
check "status shows health" has "$out" "Health: "
check "status has no colour when piped" bash -c "! grep -q $'\e' '$T/out'"
ctl --json status
check "status --json is valid JSON" jget
check "status --json NUnits=3" [ "$(jget NUnits)" = 3 ]
check "status --json has HealthProblems" eval 'jget HealthProblems.length >/dev/null'

ctl list
check "list exits 0" [ $rc = 0 ]
check "list header has every column" grep -qE '^NAME +CURRENT +PEAK +LIMIT +%LIMIT +PATTERN +CONF +GROWTH +TTL +ALERTS$' "$T/out"
check "list sorts by current, largest first" [ "$(sed -n 2p "$T/out" | cut -d' ' -f1)" = hog.service ]
check "list shows human sizes and %LIMIT" grep -qE '^hog\.service +850\.0M +850\.0M +1000\.0M +85% ' "$T/out"
check "list unlimited unit has '-' as limit" grep -qE '^steady\.service +1\.0M +1\.0M +- +- ' "$T/out"
check "list footer" has "$out" "3 units listed"
ctl list --no-legend --no-pager
check "list --no-legend: only rows, names first" [ "$(cut -d' ' -f1 "$T/out" | tr '\n' ' ')" = "hog.service steady.service small.service " ]
ctl --json list
check "list --json is valid JSON with 3 units" [ "$(jget length)" = 3 ]
check "list --json first is hog.service" [ "$(jget 0.Name)" = hog.service ]
check "list --json keeps bytes exact" [ "$(jget 0.Current)" = 891289600 ]
check "list --json: no limit is UINT64_MAX as on the bus" [ "$(jget 1.MemoryMax)" = 18446744073709551615 ]
SYSTEMD_COLORS=1 ctl list
check "SYSTEMD_COLORS=1 forces colour" grep -q $'\e\[' "$T/out"
NO_COLOR=1 SYSTEMD_COLORS=1 ctl list
check "NO_COLOR wins" bash -c "! grep -q $'\e' '$T/out'"

ctl show hog.service
check "show exits 0" [ $rc = 0 ]
check "show Name" grep -qE '^ +Name: hog\.service$' "$T/out"
check "show MemoryMax in human size" grep -qE '^ +MemoryMax: 1000\.0M$' "$T/out"
check "show MemoryHigh max as infinity" grep -qE '^ +MemoryHigh: infinity$' "$T/out"
check "show has every API property" eval '[ $(wc -l <"$T/out") -ge 25 ]'
ctl show hog
check "show UNIT without suffix means .service" eval '[ $rc = 0 ] && has "$out" "hog.service"'
ctl --json show hog
check "show --json Current exact" [ "$(jget Current)" = 891289600 ]
check "show --json Pattern present" eval 'jget Pattern >/dev/null'
ctl show ''
check "show of an empty name is bad usage (rc=$rc)" [ $rc = 2 ]
ctl show nope.service
check "show unknown unit exits 4 (rc=$rc)" [ $rc = 4 ]
check "show unknown unit names it" has "$err" "nope.service"
ctl show 'bad/name.service'
check "show malformed name exits 2 (rc=$rc)" [ $rc = 2 ]

ctl history hog
check "history exits 0" [ $rc = 0 ]
check "history caption" grep -qE '^hog\.service: [0-9]+ points from ' "$T/out"
check "history sparkline" eval '[ "$(sed -n 2p "$T/out" | tr -d "▁▂▃▄▅▆▇█")" = "" ] && [ -n "$(sed -n 2p "$T/out")" ]'
check "history figures" grep -qE '^min 850\.0M, max 850\.0M, last 850\.0M$' "$T/out"
COLUMNS=3 ctl history hog --since=1h --resolution=1s
check "history fits COLUMNS" eval '[ $rc = 0 ] && [ $(sed -n 2p "$T/out" | wc -m) -le 4 ]'
ctl history hog --no-legend
check "history --no-legend is the sparkline alone" [ "$(wc -l <"$T/out")" = 1 ]
ctl --json history hog
check "history --json points" eval '[ "$(jget Points.length)" -ge 3 ] && [ "$(jget Points.0.Current)" = 891289600 ]'
check "history --json summary" [ "$(jget Max)" = 891289600 ]
ctl history nope
check "history of an unknown unit exits 4 (rc=$rc)" [ $rc = 4 ]

check "usage alert raised for hog.service" wait_for 10 eval '"$memmonctl" alerts --no-legend 2>/dev/null | grep -q " hog.service "'
ctl alerts
check "alerts table" grep -qE '^ *ID +UNIT +KIND +SEVERITY +RAISED +CURRENT +ACK$' "$T/out"
check "alerts row" grep -qE '^ *[0-9]+ +hog\.service +usage +warning +[0-9-]+ [0-9:]+ +850\.0M +no$' "$T/out"
ctl --json alerts
id=$(jget 0.Id)
check "alerts --json" eval '[ "$(jget 0.Unit)" = hog.service ] && [ "$(jget 0.Kind)" = usage ] && [ "$(jget 0.Acknowledged)" = false ]'
ctl alerts --all
check "alerts --all adds CLEARED" has "$out" "CLEARED"
if [ "$(id -u)" = 0 ]; then
        ctl ack "$id"
        check "ack as root exits 0 (rc=$rc)" [ $rc = 0 ]
        ctl --json alerts
        check "ack is visible" [ "$(jget 0.Acknowledged)" = true ]
        ctl --json ack "$id"
        check "ack --json" [ "$(jget Id)" = "$id" ]
        if command -v setpriv >/dev/null; then
                setpriv --reuid=65534 --regid=65534 --clear-groups "$memmonctl" --no-ask-password ack "$id" >"$T/out" 2>"$T/err"
                rc=$?
                check "ack by another user without polkit exits 1 (rc=$rc)" [ $rc = 1 ]
                check "ack by another user says Access denied" grep -qF "Access denied" "$T/err"
        else
                skip "setpriv is not installed"
        fi
else
        ctl --no-ask-password ack "$id"
        check "ack by a user without polkit exits 1 (rc=$rc)" [ $rc = 1 ]
        check "ack by a user says Access denied" has "$err" "Access denied"
fi
ctl ack 987654321
check "ack of an unknown alert exits 4 (rc=$rc)" [ $rc = 4 ]

ctl analyze hog
check "analyze exits 0" [ $rc = 0 ]
check "analyze verdict" grep -qE '^hog\.service: [a-z]+, confidence [0-9]+%$' "$T/out"
check "analyze growth and forecast" eval 'has "$out" "Growth: " && has "$out" "Forecast: "'
ctl --json analyze hog
check "analyze --json" eval '[ "$(jget Unit)" = hog.service ] && jget Pattern >/dev/null && jget WindowUSec >/dev/null'
ctl analyze nope
check "analyze unknown unit exits 4 (rc=$rc)" [ $rc = 4 ]

ctl export
check "export is valid JSON" jget
check "export has the units" [ "$(jget Units.length)" = 3 ]
ctl export --format=prometheus
check "export prometheus exits 0" [ $rc = 0 ]
check "prometheus HELP and TYPE" eval 'has "$out" "# HELP memmon_unit_memory_current_bytes " && has "$out" "# TYPE memmon_unit_memory_current_bytes gauge"'
check "prometheus unit sample" has "$out" 'memmon_unit_memory_current_bytes{unit="hog.service"} 891289600'
check "prometheus alerts" has "$out" 'memmon_unit_active_alerts{unit="hog.service"} 1'
check "prometheus host figures" eval 'grep -qE "^memmon_host_memory_available_bytes [0-9]+$" "$T/out" && grep -qE "^memmon_host_pressure_full_avg10 [0-9.]+$" "$T/out"'
check "prometheus: every sample has a TYPE" bash -c "awk '/^# TYPE/ { t[\$3] = 1; next } /^#/ { next } { split(\$1, a, \"{\"); if (!(a[1] in t)) exit 1 }' '$T/out'"

ctl health
case $out in
ok*) want=0 ;;
degraded*) want=3 ;;
failing*) want=5 ;;
*) want=x ;;
esac
check "health exit status matches '$(head -n1 <<<"$out")' (rc=$rc)" [ "$rc" = "$want" ]
ctl --json health
check "health --json" eval 'jget Health >/dev/null && jget HealthProblems >/dev/null'

# --- after memmond -----------------------------------------------------------
kill "$memmond_pid"
wait "$memmond_pid" 2>/dev/null
memmond_pid=""
ctl list
check "list after memmond stopped exits 1 (rc=$rc)" [ $rc = 1 ]
check "list after memmond stopped says it is not running" has "$err" "memmond is not running"

# Under -Db_sanitize=address,undefined a report goes to stderr; none may appear.
check "no sanitizer reports from memmonctl" bash -c "! grep -E 'Sanitizer|runtime error' '$T/all-stderr'"

if [ $failed -gt 0 ]; then
        echo "# last stdout:"; sed 's/^/# /' "$T/out"
        echo "# last stderr:"; sed 's/^/# /' "$T/err"
        echo "# memmond log:"; sed 's/^/# /' "$T/memmond.log"
fi
echo "1..$n"
[ $failed = 0 ]
