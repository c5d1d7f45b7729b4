/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The hot path: every cgroup file a unit is sampled from is opened once and
 * re-read with pread(fd, buf, n, 0) at each tick. A unit whose cgroup was
 * removed returns -ENODEV; the caller decides whether it vanished or was
 * recreated (see unit.c).
 *
 * The limits are not held: they change only when written, which inotify on
 * the unit's directory reports (events-watch.c), so they are read with
 * open/read/close then. Each held fd costs the kernel about 5 KiB (a
 * seq_file page and a struct file); three fewer a unit is 15 MiB at 1,000
 * units.
 */

#include <stdbool.h>

#include "sample.h"

typedef enum CgroupFile {
        CGROUP_FILE_CURRENT,
        CGROUP_FILE_PEAK,               /* Linux >= 5.19 */
        CGROUP_FILE_SWAP,               /* absent without swap accounting */
        CGROUP_FILE_EVENTS,
        CGROUP_FILE_PRESSURE,           /* absent without PSI */
        CGROUP_FILE_STAT,
        _CGROUP_FILE_HELD,              /* the files above are held open */
        CGROUP_FILE_MAX = _CGROUP_FILE_HELD,
        CGROUP_FILE_HIGH,
        CGROUP_FILE_LOW,
        _CGROUP_FILE_MAX,
} CgroupFile;

typedef struct CgroupFiles {
        int fd[_CGROUP_FILE_HELD];
} CgroupFiles;

#define CGROUP_FILES_INIT { .fd = { -1, -1, -1, -1, -1, -1 } }

const char *cgroup_file_name(CgroupFile f);

/* Opens the held files of root/path. -ENODEV: the cgroup is gone. */
int cgroup_files_open(CgroupFiles *f, int root_fd, const char *path);
void cgroup_files_close(CgroupFiles *f);
/* One of the files, read-only: an fd, -ENOENT for an absent optional file, -ENODEV if the cgroup is gone. */
int cgroup_file_open(int root_fd, const char *path, CgroupFile which);

/* memory.current, .peak, .swap.current, .events, .pressure; leaves stat and limits alone. */
int sampler_read_fast(const CgroupFiles *f, Sample *s);
/* memory.stat: the kernel flushes it about every 2 s, read it less often. */
int sampler_read_stat(const CgroupFiles *f, Sample *s);
/* memory.max, .high and .low of root/path, each opened, read and closed. -ENODEV: gone. */
int sampler_read_limits(int root_fd, const char *path, MemoryLimits *ret);
/* Only memory.events, for the inotify path. */
int sampler_read_events(const CgroupFiles *f, MemoryEvents *ret);

typedef struct HostFiles {
        int meminfo;
        int pressure;                   /* -1 without PSI */
} HostFiles;

#define HOST_FILES_INIT { .meminfo = -1, .pressure = -1 }

/* proc_root is "/proc" except in tests. */
int host_files_open(HostFiles *h, const char *proc_root);
void host_files_close(HostFiles *h);
int sampler_read_host(const HostFiles *h, HostSample *s);
