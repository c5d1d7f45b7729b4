/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Where units live: finding the cgroup v2 mount that carries the memory
 * controller, and listing unit cgroups under it. Everything takes the root
 * as a path or fd so tests can point it at a fake tree in a temp dir.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time-util.h"

typedef struct Config Config;

/*
 * Finds the cgroup2 mount with the memory controller (libcgroup's mount
 * discovery, then statfs and cgroup.controllers to be sure). Refuses a v1-only
 * or hybrid host with -EOPNOTSUPP after logging why.
 */
int cgroup_find_memory_root(char **ret);

/* What the discovery child reports: libcgroup's codes and the mount point. */
typedef struct CgroupMountReport {
        int init_r, mount_r;
        int last_errno;                 /* libcgroup's, behind ECGOTHER */
        char path[PATH_MAX];
} CgroupMountReport;
typedef void (*CgroupDiscoverFunc)(CgroupMountReport *rep);

/*
 * Runs discover in a forked child and returns what it reported (see cgroup.c
 * for why a child). -ETIMEDOUT: it did not finish within timeout and was
 * killed; -EPROTO: it died without a whole report.
 */
int cgroup_discover_in_child(CgroupDiscoverFunc discover, usec_t timeout, CgroupMountReport *ret);

/* Checks that root is a directory whose cgroup.controllers lists "memory". */
int cgroup_check_root(int root_fd, const char *root);

/* A unit cgroup found by a scan. */
typedef struct CgroupEntry {
        const char *name;       /* "foo.service"; points into path */
        const char *path;       /* relative to the root: "system.slice/foo.service" */
        uint64_t id;            /* inode of the directory: a recreated cgroup gets a new one */
} CgroupEntry;

/* Called per unit (return <0 to stop the scan) and per slice directory seen. */
typedef int (*CgroupUnitFunc)(const CgroupEntry *e, void *userdata);
typedef int (*CgroupSliceFunc)(const char *path, void *userdata);

typedef struct CgroupScanStats {
        size_t units;           /* reported to the callback */
        size_t skipped;         /* filtered out by the config */
        size_t slices;
} CgroupScanStats;

/*
 * Walks system.slice and user.slice (and slices nested in them) and reports
 * every *.service and *.scope the config wants. MaxUnits is the caller's
 * business: only it knows which units are already watched and must stay.
 * A directory that vanishes during the walk is skipped, not an error.
 */
int cgroup_scan(int root_fd, const Config *c,
                CgroupUnitFunc unit_cb, CgroupSliceFunc slice_cb, void *userdata,
                CgroupScanStats *ret_stats);

/* "foo.service", "bar@1.scope": systemd's characters, at most CGROUP_UNIT_NAME_MAX bytes. */
#define CGROUP_UNIT_NAME_MAX 255U
bool cgroup_name_is_unit(const char *name);
