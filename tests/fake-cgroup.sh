# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the shell tests that run the real memmond on a fake cgroup v2
# tree (memmond --cgroup-root=$root): one place for the files a unit needs, and
# for changing them the way the kernel's files change.

# mkunit PATH CURRENT MAX: a unit cgroup under $root with memory.current=CURRENT
# (anon too) and memory.max=MAX, no events and no pressure. Made aside and
# renamed into the tree: the kernel creates a cgroup with its files, and
# memmond must not see the directory before them.
mkunit() {
        local p=$root/$1 s
        s=$(dirname "$root")/.staging
        mkdir -p "$(dirname "$p")" "$s"
        echo "$2" >"$s/memory.current"
        echo "$2" >"$s/memory.peak"
        echo 0 >"$s/memory.swap.current"
        printf 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n' >"$s/memory.events"
        printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' >"$s/memory.pressure"
        printf 'anon %s\nfile 0\nkernel 0\nsock 0\nshmem 0\nfile_mapped 0\n' "$2" >"$s/memory.stat"
        echo "$3" >"$s/memory.max"
        echo max >"$s/memory.high"
        echo 0 >"$s/memory.low"
        mv "$s" "$p"
}

# put FILE FORMAT [ARGUMENTS...]: rewrites FILE in place with one write, never
# empty, as the kernel's files change. A shell '>' truncates first, and
# memmond, which keeps the files open, could read the empty file in between.
# The new text must not be shorter than the old one (no truncation follows).
put() {
        local f=$1 old new
        shift
        old=$(stat -c %s "$f")
        # shellcheck disable=SC2059 # the format is the caller's
        new=$(printf "$@" | wc -c)
        if [ "$new" -lt "$old" ]; then
                echo "put: $f: the new text ($new bytes) is shorter than the old ($old)" >&2
                return 1
        fi
        # shellcheck disable=SC2059
        printf "$@" 1<>"$f"
}
