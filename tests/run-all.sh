#!/usr/bin/env bash
# The whole test suite: -Werror build + unit tests, then ASan/UBSan.
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
echo "${passed} passed, ${failed} failed"
