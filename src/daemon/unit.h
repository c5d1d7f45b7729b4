/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One watched unit: its held cgroup files, its event sources (inotify on
 * memory.events, an optional PSI trigger), its history, the latest sample,
 * alert state and analysis.
 */

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "analyser.h"
#include "config.h"
#include "evaluate.h"
#include "history.h"
#include "ratelimit.h"
#include "sample.h"
#include "sampler.h"

typedef struct Manager Manager;

typedef struct Unit {
        Manager *manager;
        char *name;                     /* "foo.service" */
        char *path;                     /* relative to the cgroup root */
        uint64_t cgroup_id;             /* directory inode; changes when the cgroup is recreated */
        CgroupFiles files;

        History *history;
        Sample sample;                  /* latest */
        bool has_sample;
        usec_t stat_time;               /* last memory.stat read */
        usec_t limits_time;             /* last read of the limits */
        uint64_t n_samples;

        RuleConfig rules;
        UnitAlertState alerts;
        RateLimit budget;

        Analysis analysis;
        bool has_analysis;
        usec_t analysis_time;           /* when the verdict was made */
        unsigned cgroup_restarts;       /* times the cgroup was seen recreated */
        uint64_t restart_freed;         /* bytes the last restart freed */

        int events_wd;                  /* inotify watch on the cgroup directory (events-watch.c), -1: none */
        bool storming;                  /* the watch is on the manager's storm_watch (see unit.c) */
        uint8_t high_streak;            /* memory.events reads in a row, < 1 s apart, that changed only "high" */
        usec_t events_time;             /* last read of memory.events through the watch */
        uint64_t events_severe;         /* max + oom + oom_kill + oom_group_kill at that read */
        sd_event_source *trigger_source;

        bool seen;                      /* rescan mark */
        bool sample_failing;            /* the last sample failed (warned once) */
        bool had_pressure;              /* memory.pressure was read once (so PSI is on for it) */

        struct {                        /* what PropertiesChanged last announced (bus-unit.c) */
                Pattern pattern;
                unsigned confidence, active_alerts;
        } bus_emitted;
} Unit;

/* Opens the cgroup files and the event sources; new_since_start: count events that already happened. */
int unit_new(Manager *m, const char *name, const char *path, uint64_t cgroup_id,
             bool new_since_start, Unit **ret);
Unit *unit_free(Unit *u);
DEFINE_TRIVIAL_CLEANUP_FUNC(Unit *, unit_free);

/*
 * Reads the fast files (and the slow ones when due), records history and
 * evaluates the rules. -ENODEV: the cgroup is gone for good and the caller
 * should drop the unit; a recreated cgroup is reopened here.
 */
int unit_sample(Unit *u, usec_t now, bool record);

/* Runs the analyser over the unit's history and the leak rule on the verdict. */
int unit_analyse(Unit *u, usec_t now);

/* The cgroup was recreated under the same name (a restart): start a new baseline. */
int unit_reopen(Unit *u, const char *new_path, uint64_t new_id);

/* EventsWatchHandler: an OOM kill or max event, or a new limit, is seen at once. */
void unit_watch_changed(void *userdata, unsigned what);
/* Clears the unit's active alerts (it is going away). */
void unit_vanish(Unit *u, usec_t now);

unsigned unit_active_alerts(const Unit *u);
/* Rules, alert budget and history depth from the (re)loaded config. */
void unit_apply_config(Unit *u, const Config *c);
/* Holds memory.swap.current (the host has swap) or closes it. */
int unit_hold_swap(Unit *u, bool hold);
/* Drops the PSI trigger (the kernel's too); memory.pressure is then read through a plain fd. */
int unit_disarm_trigger(Unit *u);
/* Drops the PSI trigger, if any, and arms one with the current config and MaxPressureTriggers=. */
int unit_rearm_trigger(Unit *u);
/*
 * A memory.pressure fd that failed stays failed (ENODEV after cgroup.pressure=0, even once it
 * is 1 again; a trigger on it says EPOLLERR and is dropped), and the file is hidden meanwhile.
 * For a unit whose pressure was read before and is not now: a fresh fd, and a trigger where
 * one may be armed. Called at each rescan.
 */
void unit_refresh_pressure(Unit *u);
