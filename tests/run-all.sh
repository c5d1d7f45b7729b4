#!/usr/bin/env bash
# The whole test suite: -Werror build + unit tests, then ASan/UBSan, then the
# system suite in a Debian 12 VM (real systemd, journald, dbus, polkit; see
# tests/system/run.sh). MEMMON_SKIP_SYSTEM=1 leaves the VM out (quick runs).
set -euo pipefail
cd "$(dirname "$0")/.."

meson setup --wipe build-ci -Dc_args=-Werror >/dev/null 2>&1 || meson setup build-ci -Dc_args=-Werror >/dev/null
meson compile -C build-ci
meson test -C build-ci --suite unit --print-errorlogs

meson setup --wipe build-asan -Dc_args=-Werror -Db_sanitize=address,undefined -Db_lundef=false >/dev/null 2>&1 ||
        meson setup build-asan -Dc_args=-Werror -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
meson compile -C build-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C build-asan --suite unit --print-errorlogs

logs="build-ci/meson-logs/testlog.json build-asan/meson-logs/testlog.json"
passed=$(cat $logs | grep -c '"result": "OK"' || true)
failed=$(cat $logs | grep -c '"result": "FAIL"' || true)
echo "unit and bus suites: ${passed} passed, ${failed} failed"

if [ "${MEMMON_SKIP_SYSTEM:-0}" != 1 ]; then
        sys_rc=0
        tests/system/run.sh | tee build-ci/system.log || sys_rc=$?
        sys_passed=$(grep -c '^ok ' build-ci/system.log || true)
        sys_failed=$(grep -c '^not ok ' build-ci/system.log || true)
        echo "system suite: ${sys_passed} passed, ${sys_failed} failed"
        passed=$((passed + sys_passed))
        failed=$((failed + sys_failed))
        [ "$sys_rc" = 0 ] || [ "$sys_failed" -gt 0 ] || failed=$((failed + 1))
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
