# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the shell tests that run the real memmond on a fake cgroup v2
# tree (memmond --cgroup-root=$root): one place for the files a unit needs.

# mkunit PATH CURRENT MAX: a unit cgroup under $root with memory.current=CURRENT
# (anon too) and memory.max=MAX, no events and no pressure.
mkunit() {
        local p=$root/$1
        mkdir -p "$p"
        echo "$2" >"$p/memory.current"
        echo "$2" >"$p/memory.peak"
        echo 0 >"$p/memory.swap.current"
        printf 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n' >"$p/memory.events"
        printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' >"$p/memory.pressure"
        printf 'anon %s\nfile 0\nkernel 0\nsock 0\nshmem 0\nfile_mapped 0\n' "$2" >"$p/memory.stat"
        echo "$3" >"$p/memory.max"
        echo max >"$p/memory.high"
        echo 0 >"$p/memory.low"
}
