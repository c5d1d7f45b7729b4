#!/usr/bin/env bash
# Runs test-journal against a private journald: a private mount namespace with
# tmpfs on /run and /var/log, so the host's journal is neither used nor touched.
# Exit 77 (skip) only when the namespace cannot be made (not root).
set -eu
exe=$1
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root for unshare"; exit 77; }
exec unshare -m --propagation private bash -c '
        set -eu
        mount -t tmpfs tmpfs /run
        mount -t tmpfs tmpfs /var/log
        mkdir -p /run/systemd/journal
        /lib/systemd/systemd-journald >/dev/null 2>&1 &
        jd=$!
        for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
        rc=0
        MEMMON_TEST_JOURNALD=1 "$0" || rc=$?
        kill $jd
        exit $rc' "$exe"
