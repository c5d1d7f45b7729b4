/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon: an sd-event loop with a sample timer, a rescan timer, inotify
 * on slice directories, signal handlers and sd_notify. Owns the units.
 */

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "alerts.h"
#include "config.h"
#include "evaluate.h"
#include "events-watch.h"
#include "sampler.h"
#include "unit.h"

#define MANAGER_MAX_SLICES 4096U
#define MANAGER_ALERT_LOG_SIZE 512U

typedef struct SliceWatch {
        char *path;
        sd_event_source *source;
        bool seen;
} SliceWatch;

/*
 * Units that vanished recently: a restart often removes the cgroup and creates
 * a new one a moment later, and the new one should be known as a restart
 * (with the memory it freed), not as a stranger.
 */
#define MANAGER_GRAVEYARD_SIZE 64U
#define MANAGER_RESTART_WINDOW (60 * USEC_PER_SEC)

typedef struct Tombstone {
        char name[256];
        uint64_t cgroup_id;             /* the same id again: the same cgroup (dropped by a reload), no restart */
        usec_t when;                    /* 0: empty */
        uint64_t current;
        unsigned restarts;
        RateLimit budget;               /* a crash loop must not get a fresh alert budget per restart */
} Tombstone;

typedef struct ManagerOptions {
        const char *config_file;
        const char *config_dir;
        const char *cgroup_root;        /* NULL: discover */
        const char *proc_root;          /* NULL: "/proc" */
        bool no_bus;                    /* do not offer the D-Bus API */
} ManagerOptions;

typedef struct BusManager BusManager;

typedef struct Manager {
        sd_event *event;
        Config *config;
        ManagerOptions options;

        char *cgroup_root;
        int root_fd;
        char *proc_root;

        HostFiles host_files;
        HostSample host;
        bool has_host;
        bool host_swap;                 /* SwapTotal > 0: hold every unit's memory.swap.current */
        HostAlertState host_alerts;

        AlertLog *alerts;

        EventsWatch *events_watch;      /* inotify on every unit's cgroup directory, read at once */
        EventsWatch *storm_watch;       /* the same for units in a storm of "high" events, read in batches */
        Unit **units;                   /* dense, for iteration */
        size_t n_units, n_units_allocated;
        void *units_by_name;            /* tsearch() tree of Unit* */

        Tombstone graveyard[MANAGER_GRAVEYARD_SIZE];
        size_t graveyard_next;

        SliceWatch *slices;
        size_t n_slices, n_slices_allocated;

        sd_event_source *sample_timer, *rescan_timer, *rescan_soon;
        sd_event_source *sigterm, *sigint, *sighup;

        bool started;                   /* initial scan done: later units count all their events */
        bool psi_triggers;              /* still trying to arm PSI triggers */
        unsigned n_triggers;
        size_t triggers_over_limit;     /* units left without a trigger by MaxPressureTriggers= at the last scan */
        usec_t last_analysis;
        uint64_t n_ticks;
        /* CPU time (CLOCK_THREAD_CPUTIME_ID) spent sampling units and analysing, for bench/ */
        usec_t sample_cpu_usec;
        uint64_t n_unit_samples;
        usec_t analysis_cpu_usec;
        uint64_t n_unit_analyses;
        size_t units_over_limit;        /* wanted but not watched at the last scan (MaxUnits) */
        size_t units_unwatchable;       /* could not be watched at the last scan (EMFILE, ...) */
        size_t scan_over_limit, scan_unwatchable; /* counted during a scan */
        int scan_last_error;
        uint64_t initial_max_cgroup_id; /* cgroups with higher ids were created after start */
        char status[128];

        BusManager *bus;                /* bus-manager.c; NULL with --no-bus */
        usec_t last_tick;               /* CLOCK_MONOTONIC of the last sample tick, for Health */
} Manager;

int manager_new(const ManagerOptions *o, Config *config, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Initial scan, READY=1, then the loop until SIGTERM/SIGINT. */
int manager_run(Manager *m);

int manager_rescan(Manager *m);
/*
 * One tick over every watched unit: reads, history, rules, alerts. Returns true when
 * some cgroup is gone (marked !seen, for the caller to drop). bench/sampler-bench
 * times this against bare preads of the same fds.
 */
bool manager_sample_units(Manager *m, usec_t now);
void manager_rescan_soon(Manager *m);
int manager_reload(Manager *m);
void manager_deliver(Manager *m, AlertSlot slots[static _ALERT_KIND_MAX], RateLimit *budget,
                     const AlertChange *ch, size_t n, usec_t now);

Unit *manager_get_unit(Manager *m, const char *name);
unsigned manager_active_alerts(const Manager *m);
