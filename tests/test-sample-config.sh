#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shipped systemd/memmond.conf is valid as installed (all commented out)
# and with every key uncommented, so its defaults and names match config.c.
set -u
memmond=$1 conf=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "1..3"
if "$memmond" --check-config --config "$conf" --config-dir "$T/none" >/dev/null 2>&1; then
        echo "ok 1 - sample config as shipped"; else echo "not ok 1 - sample config as shipped"; fi
sed 's/^#\([A-Z]\)/\1/' "$conf" >"$T/all.conf"
if out=$("$memmond" --check-config --config "$T/all.conf" --config-dir "$T/none" 2>&1); then
        echo "ok 2 - sample config with every key uncommented"
else
        echo "not ok 2 - sample config with every key uncommented"; echo "$out" | sed 's/^/# /'
fi
n=$(grep -c '^#[A-Z][A-Za-z0-9]*=' "$conf")
if [ "$n" -ge 30 ]; then echo "ok 3 - $n keys documented"; else echo "not ok 3 - only $n keys documented"; fi
