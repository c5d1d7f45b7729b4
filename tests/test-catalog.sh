#!/usr/bin/env bash
# Every MESSAGE_ID in src/shared/message-ids.h has a catalog entry that journalctl accepts.
set -eu
src=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/lib/systemd/catalog" "$root/var/lib/systemd/catalog"
cp "$src/systemd/memmon.catalog" "$root/usr/lib/systemd/catalog/"
journalctl --root="$root" --update-catalog
listed=$(journalctl --root="$root" --list-catalog)
n=0; fail=0
for id in $(grep -o '"[0-9a-f]\{32\}"' "$src/src/shared/message-ids.h" | tr -d '"'); do
        n=$((n + 1))
        if grep -q "^$id memmon: " <<<"$listed"; then echo "ok $n - $id"; else echo "not ok $n - $id missing"; fail=1; fi
done
echo "1..$n"
[ "$n" -gt 0 ] && exit $fail
