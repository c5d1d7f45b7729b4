/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Plain data read from one cgroup (or the host) in one tick. Tests build these
 * by hand; the sampler fills them from cgroupfs. Every field has a "not read"
 * state so a missing file (old kernel, vanished cgroup) is not mistaken for 0.
 */

#include <stdbool.h>
#include <stdint.h>

#include "time-util.h"

/* memory.max / memory.high may be "max": no limit. */
#define LIMIT_MAX UINT64_MAX

typedef struct PressureStats {
        bool valid;
        bool has_full;          /* the host's "full" line is missing on old kernels */
        double some_avg10, some_avg60, some_avg300;
        uint64_t some_total;    /* µs of stall */
        double full_avg10, full_avg60, full_avg300;
        uint64_t full_total;
} PressureStats;

typedef struct MemoryEvents {
        bool valid;
        uint64_t low, high, max, oom, oom_kill, oom_group_kill;
} MemoryEvents;

typedef struct MemoryStat {
        bool valid;
        uint64_t anon, file, kernel, sock, shmem, file_mapped;
} MemoryStat;

typedef struct MemoryLimits {
        bool valid;
        uint64_t max, high, low;        /* LIMIT_MAX when unlimited */
} MemoryLimits;

typedef struct Sample {
        usec_t timestamp;               /* CLOCK_MONOTONIC */
        bool has_peak, has_swap;
        uint64_t current;
        uint64_t peak;
        uint64_t swap_current;
        MemoryEvents events;
        PressureStats pressure;
        MemoryStat stat;                /* refreshed less often, see sampler.c */
        MemoryLimits limits;            /* refreshed less often */
} Sample;

typedef struct HostSample {
        usec_t timestamp;
        uint64_t mem_total, mem_available, swap_total, swap_free;
        PressureStats pressure;
} HostSample;
