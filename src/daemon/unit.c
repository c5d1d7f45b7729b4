/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Per-unit I/O around the pure pieces (sampler parsing, evaluate.c,
 * analyser.c). A cgroup that disappears returns ENODEV on its held fds; one
 * reopen tells "restarted" (same name, new directory) from "gone".
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>

#include "alerts.h"
#include "bus-manager.h"
#include "events-watch.h"
#include "log.h"
#include "manager.h"
#include "unit.h"

/*
 * inotify reports every write to the limits; this bounds how stale they can get
 * should one ever be missed. Three open/read/close a unit every 5 minutes.
 */
#define LIMITS_REFRESH (5 * 60 * USEC_PER_SEC)

/* Times come from different reads of the clock (a tick's now may predate a reopen's). */
static usec_t usec_since(usec_t now, usec_t then) {
        return now > then ? now - then : 0;
}

static int unit_read_limits(Unit *u, usec_t now) {
        MemoryLimits l, *old = &u->sample.limits;
        int r;

        r = sampler_read_limits(u->manager->root_fd, u->path, &l);
        if (r < 0)
                return r;
        if (old->valid && (l.max != old->max || l.high != old->high || l.low != old->low))
                log_debug("%s: limits changed: max %llu, high %llu, low %llu.", u->name,
                          (unsigned long long) l.max, (unsigned long long) l.high, (unsigned long long) l.low);
        *old = l;
        u->limits_time = now;
        return 0;
}

/*
 * A unit throttled at its memory.high bumps the "high" counter on every charge,
 * and the kernel notifies up to 50 times a second: one such unit was measured
 * to wake memmond 24 times a second. After STORM_STREAK reads in a row that
 * changed only "high" (or "low"), the unit's watch moves to the manager's
 * storm_watch, read at most every 200 ms for all such units together. Any
 * other change (max, oom, oom_kill) moves it back at once, and so do 2 s
 * without changes. Other units' watches are never delayed: an OOM-killed unit's
 * cgroup is removed within milliseconds, and its memory.events must be read
 * before that. For the same reason no unit is batched while it is near its
 * memory.max or the host near its end (where the kernel may OOM-kill in it):
 * there, an OOM kill could come and the cgroup go within one batch.
 */
#define STORM_STREAK 10
#define STORM_QUIET (2 * USEC_PER_SEC)

static EventsWatch *unit_watch_of(const Unit *u) {
        return u->storming ? u->manager->storm_watch : u->manager->events_watch;
}

/* Near memory.max (90 %) or the host below 10 % available: no batching. */
static bool unit_may_storm(const Unit *u) {
        const Manager *m = u->manager;
        const MemoryLimits *l = &u->sample.limits;

        if (!l->valid || (l->max != LIMIT_MAX && u->sample.current >= l->max / 10 * 9))
                return false;
        return !m->has_host || m->host.mem_total == 0 || m->host.mem_available >= m->host.mem_total / 10;
}

/* A watch on the unit's cgroup directory: the wd, or -ENOENT/-ENOTDIR if it is gone. */
static int unit_watch_on(Unit *u, EventsWatch *w) {
        char p[4096];

        if (snprintf(p, sizeof p, "%s/%s", u->manager->cgroup_root, u->path) >= (int) sizeof p)
                return -ENAMETOOLONG;
        return events_watch_add(w, p, u);
}

/*
 * The new watch first, so no change falls between the two. Events still queued
 * on the old one are dropped with it: read memory.events (the caller does) and
 * the limits again.
 */
static void unit_move_watch(Unit *u, bool storm, const char *why, usec_t now) {
        Manager *m = u->manager;
        EventsWatch *from = unit_watch_of(u);
        int r;

        if (u->storming == storm || u->events_wd < 0)
                return;
        r = unit_watch_on(u, storm ? m->storm_watch : m->events_watch);
        if (r < 0) {
                /* Keeps the old watch; gone is found out by the next sample. */
                log_debug_errno(r, "%s: cannot move the watch of %s/%s: %m", u->name, m->cgroup_root, u->path);
                return;
        }
        (void) events_watch_remove(from, u->events_wd);
        u->events_wd = r;
        u->storming = storm;
        u->high_streak = 0;
        log_debug("%s: memory.events %s.", u->name, why);
        r = unit_read_limits(u, now);
        if (r < 0 && r != -ENODEV)
                log_debug_errno(r, "%s: cannot read the limits: %m", u->name);
}

/* The counters that matter beyond "high" and "low"; compared between watch reads only, as ticks read too. */
static uint64_t events_severe(const MemoryEvents *e) {
        return e->max + e->oom + e->oom_kill + e->oom_group_kill;
}

static void unit_check_storm(Unit *u, usec_t now) {
        if (usec_since(now, u->events_time) >= STORM_QUIET)
                unit_move_watch(u, false, "quiet for 2 s: read at once again", now);
        else if (!unit_may_storm(u))
                unit_move_watch(u, false, "read at once again: the unit is near its memory.max, or the host near its end", now);
}

static void unit_events_changed(Unit *u, usec_t now) {
        AlertChange ch[ALERT_CHANGES_MAX];
        MemoryEvents e;
        bool only_high;
        size_t n;
        int r;

        r = sampler_read_events(&u->files, &e);
        if (r == -ENODEV) {
                manager_rescan_soon(u->manager);
                return;
        }
        if (r < 0) {
                log_debug_errno(r, "%s: cannot read memory.events: %m", u->name);
                return;
        }
        n = evaluate_unit_events(&u->alerts, u->name, &e, u->sample.current, now, ch);
        manager_deliver(u->manager, u->alerts.slot, &u->budget, ch, n, now);
        u->sample.events = e;
        only_high = u->events_time > 0 && events_severe(&e) == u->events_severe;
        u->events_severe = events_severe(&e);

        if (u->storming) {
                if (!only_high)
                        unit_move_watch(u, false, "changed in max or oom: read at once again", now);
        } else if (only_high && usec_since(now, u->events_time) < USEC_PER_SEC) {
                if (++u->high_streak >= STORM_STREAK && unit_may_storm(u))
                        unit_move_watch(u, true, "changes only in \"high\", many times a second: read in batches", now);
        } else
                u->high_streak = 0;
        u->events_time = now;
}

void unit_watch_changed(void *userdata, unsigned what) {
        Unit *u = userdata;
        usec_t now = now_usec(CLOCK_MONOTONIC);
        int r;

        if (what & EVENTS_WATCH_GONE) {
                /* The kernel dropped the watch: the cgroup is gone (or going). */
                u->events_wd = -1;
                u->storming = false;
                manager_rescan_soon(u->manager);
                return;
        }
        if (what & EVENTS_WATCH_LIMITS) {
                r = unit_read_limits(u, now);
                if (r == -ENODEV) {
                        manager_rescan_soon(u->manager);
                        return;
                }
                if (r < 0)
                        log_debug_errno(r, "%s: cannot read the limits: %m", u->name);
        }
        if (what & EVENTS_WATCH_EVENTS)
                unit_events_changed(u, now);
}

static int on_pressure_trigger(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Unit *u = userdata;
        int r;

        if (revents & EPOLLERR) {
                /*
                 * The cgroup is gone, or its PSI was switched off (cgroup.pressure=0): either
                 * way this fd stays dead. Back to a fresh plain fd (none if the file is gone);
                 * the rescan removes a gone unit, or re-arms where it can.
                 */
                if (unit_disarm_trigger(u) < 0)
                        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
                manager_rescan_soon(u->manager);
                return 0;
        }
        /* Stall crossed the trigger: sample now instead of at the next tick. */
        r = unit_sample(u, now_usec(CLOCK_MONOTONIC), false);
        if (r == -ENODEV)
                manager_rescan_soon(u->manager);
        return 0;
}

/* Only the event source: the trigger's fd is the unit's memory.pressure fd (see below). */
static void unit_drop_trigger(Unit *u) {
        if (u->trigger_source && u->manager->n_triggers > 0)
                u->manager->n_triggers--;
        u->trigger_source = sd_event_source_disable_unref(u->trigger_source);
}

static void unit_drop_sources(Unit *u) {
        u->events_wd = events_watch_remove(unit_watch_of(u), u->events_wd);
        u->storming = false;
        u->high_streak = 0;
        unit_drop_trigger(u);
}

/* The kernel's or the permissions' answer to a trigger, as opposed to a passing failure. */
static bool trigger_refused(int r) {
        return r == -EPERM || r == -EACCES || r == -EROFS ||         /* open: not allowed */
               r == -EINVAL || r == -EOPNOTSUPP || r == -EBUSY;     /* write: window, psi=0 */
}

static int unit_arm_trigger(Unit *u) {
        Manager *m = u->manager;
        _cleanup_(closep) int fd = -1;
        char path[4096], buf[64];
        int k, r;

        if (!m->psi_triggers || !m->config->pressure_triggers)
                return 0;
        if (m->n_triggers >= m->config->max_pressure_triggers)
                return 0; /* manager_fill_triggers() arms it when others are gone */
        if (u->files.fd[CGROUP_FILE_PRESSURE] < 0)
                return 0; /* no memory.pressure (booted with psi=0): nothing to trigger on */

        /* Paths are bounded by the scan (1 KiB), so this cannot truncate. */
        snprintf(path, sizeof path, "%s/memory.pressure", u->path);
        fd = openat(m->root_fd, path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                r = -errno;
                goto refused;
        }

        /* The trigger string includes its NUL; one trigger per open file. */
        k = snprintf(buf, sizeof buf, "some %llu %llu",
                     (unsigned long long) m->config->pressure_trigger_stall,
                     (unsigned long long) m->config->pressure_trigger_window);
        if (write(fd, buf, (size_t) k + 1) < 0) {
                r = -errno;
                goto refused;
        }

        r = sd_event_add_io(m->event, &u->trigger_source, fd, EPOLLPRI, on_pressure_trigger, u);
        if (r == -EPERM)
                goto refused; /* not pollable: not a kernel PSI file */
        if (r < 0)
                return log_warning_errno(r, "%s: cannot watch the PSI trigger: %m", u->name);
        /*
         * The trigger's fd also serves the reads of the averages: every held cgroupfs
         * fd keeps a page of seq_file buffer in the kernel, charged to memmond, so one
         * fd less per unit is about 4.5 KiB less per unit.
         */
        safe_close(u->files.fd[CGROUP_FILE_PRESSURE]);
        u->files.fd[CGROUP_FILE_PRESSURE] = TAKE_FD(fd);
        m->n_triggers++;
        return 0;

refused:
        if (r == -ENOENT || r == -ENODEV)
                return r; /* the unit is gone; not a verdict on triggers */
        if (!trigger_refused(r)) {
                /* EMFILE, ENOMEM, ...: passing, and not the kernel's answer; the next scan retries. */
                log_debug_errno(r, "%s: cannot arm a PSI trigger now: %m", u->name);
                return 0;
        }
        /* Refused by the kernel or by permissions: poll the averages instead, say so once. */
        m->psi_triggers = false;
        log_notice_errno(r, "Cannot arm a PSI trigger on %s/memory.pressure (%m); "
                         "falling back to reading the pressure averages at each sample.", u->path);
        return 0;
}

int unit_hold_swap(Unit *u, bool hold) {
        int fd;

        if (!hold) {
                u->files.fd[CGROUP_FILE_SWAP] = safe_close(u->files.fd[CGROUP_FILE_SWAP]);
                return 0;
        }
        if (u->files.fd[CGROUP_FILE_SWAP] >= 0)
                return 0;
        fd = cgroup_file_open(u->manager->root_fd, u->path, CGROUP_FILE_SWAP);
        if (fd == -ENOENT)
                return 0; /* no swap accounting in this kernel */
        if (fd < 0)
                return fd; /* gone: the next sample finds out */
        u->files.fd[CGROUP_FILE_SWAP] = fd;
        return 0;
}

/*
 * A fresh plain memory.pressure fd in place of the held one, trigger or not (none if the file
 * is gone). Opened first: if that fails, everything stays as it was, a trigger armed and
 * counted. Returns 1 with a fd, 0 without, or a negative errno.
 */
static int unit_reopen_pressure(Unit *u) {
        int fd;

        fd = cgroup_file_open(u->manager->root_fd, u->path, CGROUP_FILE_PRESSURE);
        if (fd < 0 && fd != -ENOENT)
                return fd;
        unit_drop_trigger(u);
        /* Only closing its fd removes the kernel's trigger. */
        safe_close(u->files.fd[CGROUP_FILE_PRESSURE]);
        u->files.fd[CGROUP_FILE_PRESSURE] = fd < 0 ? -1 : fd;
        return fd >= 0;
}

int unit_disarm_trigger(Unit *u) {
        int r;

        if (!u->trigger_source)
                return 0;
        r = unit_reopen_pressure(u);
        return r < 0 ? r : 0;
}

void unit_refresh_pressure(Unit *u) {
        if (!u->had_pressure || u->sample.pressure.valid || u->trigger_source)
                return;
        if (unit_reopen_pressure(u) > 0)
                (void) unit_arm_trigger(u);
}

int unit_rearm_trigger(Unit *u) {
        int r;

        r = unit_disarm_trigger(u);
        if (r < 0)
                return r;
        r = unit_arm_trigger(u);
        return r == -ENOENT ? -ENODEV : r;
}

static int unit_open(Unit *u) {
        Manager *m = u->manager;
        int r;

        unit_drop_sources(u);

        r = cgroup_files_open(&u->files, m->root_fd, u->path);
        if (r < 0)
                return r;
        (void) unit_hold_swap(u, m->host_swap);

        r = unit_watch_on(u, m->events_watch);
        if (r == -ENOENT || r == -ENOTDIR)
                return -ENODEV;
        if (r < 0)
                /* ENOSPC (max_user_watches), EMFILE: the manager sums these up once per change. */
                return log_debug_errno(r, "%s: cannot watch %s/%s: %m", u->name, m->cgroup_root, u->path);
        u->events_wd = r;

        /* After the watch: a write between the two is then read either way. */
        r = unit_read_limits(u, now_usec(CLOCK_MONOTONIC));
        if (r == -ENODEV)
                return r;
        if (r < 0)
                log_warning_errno(r, "%s: cannot read the limits, rules on them wait for a valid one: %m", u->name);

        r = unit_arm_trigger(u);
        if (r == -ENOENT || r == -ENODEV)
                return -ENODEV;
        return 0;
}

int unit_new(Manager *m, const char *name, const char *path, uint64_t cgroup_id,
             bool new_since_start, Unit **ret) {
        _cleanup_(unit_freep) Unit *u = NULL;
        int r;

        u = calloc(1, sizeof *u);
        if (!u)
                return -ENOMEM;
        u->manager = m;
        u->files = (CgroupFiles) CGROUP_FILES_INIT;
        u->events_wd = -1;
        u->cgroup_id = cgroup_id;
        u->name = strdup(name);
        u->path = strdup(path);
        if (!u->name || !u->path)
                return -ENOMEM;

        r = history_new(&u->history, m->config->history_depth, m->config->history_coarse_depth);
        if (r < 0)
                return r;

        unit_apply_config(u, m->config);
        unit_alert_state_init(&u->alerts, new_since_start);
        u->analysis = (Analysis) { .pattern = PATTERN_UNKNOWN, .time_to_limit = USEC_INFINITY };

        r = unit_open(u);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(u);
        return 0;
}

Unit *unit_free(Unit *u) {
        if (!u)
                return NULL;
        unit_drop_sources(u);
        cgroup_files_close(&u->files);
        history_free(u->history);
        free(u->name);
        free(u->path);
        free(u);
        return NULL;
}

void unit_apply_config(Unit *u, const Config *c) {
        int r;

        config_rules_for_unit(c, u->name, &u->rules);
        if (config_verify_unit_rules(&u->rules, u->name) < 0) {
                log_warning("%s: its [Unit:] overrides do not add up (see above); [Rules] applies to it.", u->name);
                u->rules = c->rules;
        }
        u->budget.interval = ALERT_BUDGET_INTERVAL;
        u->budget.burst = c->alerts_per_unit_per_hour;

        /* A reload may change HistoryDepth=: the newest samples carry over. */
        r = history_resize(&u->history, c->history_depth, c->history_coarse_depth);
        if (r < 0)
                log_warning_errno(r, "%s: cannot resize the history, keeping %zu entries: %m",
                                  u->name, history_capacity(u->history));
}

unsigned unit_active_alerts(const Unit *u) {
        return alert_slots_active(u->alerts.slot);
}

int unit_reopen(Unit *u, const char *new_path, uint64_t new_id) {
        uint64_t before = u->sample.current;
        int r;

        /* A restart may also move the unit (Slice= changed): follow it. */
        if (new_path && !streq(new_path, u->path)) {
                char *p = strdup(new_path);
                if (!p)
                        return -ENOMEM;
                free(u->path);
                u->path = p;
        }

        r = unit_open(u);
        if (r < 0) {
                /* Half-open is worse than gone: drop all of it, the next rescan retries. */
                unit_drop_sources(u);
                cgroup_files_close(&u->files);
                return r == -ENOMEM ? r : -ENODEV;
        }

        u->cgroup_restarts++;
        u->cgroup_id = new_id;
        /* What the old instance held is freed; the new one starts a fresh baseline. */
        u->restart_freed = before;
        history_reset(u->history);
        u->has_analysis = false;
        u->analysis = (Analysis) { .pattern = PATTERN_UNKNOWN, .time_to_limit = USEC_INFINITY };
        u->stat_time = 0;
        /* Event counters start from zero in a new cgroup. */
        u->alerts.have_events = true;
        u->alerts.oom_kills = u->alerts.max_events = 0;
        log_info("%s: restarted (new cgroup, restart %u); the old instance used %llu bytes, "
                 "analysis starts from a new baseline.",
                 u->name, u->cgroup_restarts, (unsigned long long) before);
        return 0;
}

static int unit_recover(Unit *u) {
        char p[4096];
        struct stat st;

        /* Gone, or recreated under the same path? */
        snprintf(p, sizeof p, "%s", u->path);
        if (fstatat(u->manager->root_fd, p, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -ENODEV;
        if ((uint64_t) st.st_ino == u->cgroup_id)
                return -ENODEV; /* being removed right now */
        return unit_reopen(u, NULL, (uint64_t) st.st_ino);
}

static int unit_sample_failed(Unit *u, int r, const char *what) {
        if (r == -ENODEV)
                return r;
        /* Once per failure streak: a unit we cannot read gets no alerts, so say so. */
        if (!u->sample_failing)
                log_warning_errno(r, "%s: cannot read %s, the unit is not being sampled: %m", u->name, what);
        u->sample_failing = true;
        return r;
}

int unit_sample(Unit *u, usec_t now, bool record) {
        Manager *m = u->manager;
        AlertChange ch[ALERT_CHANGES_MAX];
        /*
         * Read in place: the hot path's largest cost after the reads was copying the
         * 256-byte sample in and out. Each part is replaced only once it parsed, so a
         * failed read leaves earlier values, and the unit is then marked failing.
         */
        Sample *s = &u->sample;
        size_t n;
        int r;

        if (u->storming)
                unit_check_storm(u, now);

        r = sampler_read_fast(&u->files, s);
        if (r == -ENODEV) {
                r = unit_recover(u);
                if (r < 0)
                        return r;
                r = sampler_read_fast(&u->files, s);
        }
        if (r < 0)
                return unit_sample_failed(u, r, "memory.current or memory.events");

        if (!u->has_sample || u->stat_time == 0 || now - u->stat_time >= m->config->stat_interval) {
                r = sampler_read_stat(&u->files, s);
                if (r < 0)
                        return unit_sample_failed(u, r, "memory.stat");
                u->stat_time = now;
                if (!s->limits.valid || usec_since(now, u->limits_time) >= LIMITS_REFRESH) {
                        r = unit_read_limits(u, now);
                        if (r < 0)
                                return unit_sample_failed(u, r, "the limits");
                }
        }
        s->timestamp = now;
        u->had_pressure = u->had_pressure || s->pressure.valid;
        if (u->sample_failing)
                log_info("%s: sampling works again.", u->name);
        u->sample_failing = false;

        /* Out-of-tick samples (PSI triggers) feed the rules, not the evenly spaced history. */
        if (record)
                (void) history_add(u->history, now, s->current,
                                   s->stat.valid ? s->stat.anon : 0, s->stat.valid ? s->stat.file : 0);
        u->has_sample = true;
        u->n_samples++;

        n = evaluate_unit_sample(&u->alerts, &u->rules, u->name, s, now, ch);
        manager_deliver(m, u->alerts.slot, &u->budget, ch, n, now);
        return 0;
}

int unit_analyse(Unit *u, usec_t now) {
        /*
         * Raw points are bounded by config_verify(); one-minute points by the longest
         * AnalysisWindow= (7 days). Only the used part of these arrays is ever touched.
         */
        static HistoryPoint hp[CONFIG_ANALYSIS_MAX_RAW + 7 * 24 * 60];
        static AnalysisPoint ap[ELEMENTSOF(hp)];
        AnalyserParams p = ANALYSER_PARAMS_DEFAULT;
        AnalysisLimits lim = ANALYSIS_LIMITS_NONE;
        AlertChange ch[ALERT_CHANGES_MAX];
        Manager *m = u->manager;
        Analysis a;
        size_t k, n;
        int r;

        if (!u->has_sample)
                return 0;

        config_analyser_params(m->config, &p);
        if (u->rules.leak_confidence > 0)
                p.alert_confidence = u->rules.leak_confidence;

        k = history_get(u->history, now > p.window ? now - p.window : 0, hp, ELEMENTSOF(hp));
        for (size_t i = 0; i < k; i++)
                ap[i] = (AnalysisPoint) { .t = hp[i].t, .current = hp[i].current, .anon = hp[i].anon, .file = hp[i].file };

        if (u->sample.limits.valid) {
                lim.max = u->sample.limits.max;
                lim.high = u->sample.limits.high;
        }
        if (m->has_host)
                lim.host_headroom = m->host.mem_available;

        r = analyser_run(ap, k, &lim, &p, &a);
        if (r < 0)
                return log_debug_errno(r, "%s: analysis failed: %m", u->name);

        if (u->has_analysis && a.pattern != u->analysis.pattern)
                log_debug("%s: pattern %s -> %s (confidence %u).", u->name,
                          pattern_to_string(u->analysis.pattern), pattern_to_string(a.pattern), a.confidence);
        /* Also the first verdict: until then clients saw "unknown". */
        if (a.pattern != u->analysis.pattern)
                bus_manager_emit_pattern_changed(u, u->analysis.pattern, &a);
        u->analysis = a;
        u->has_analysis = true;
        u->analysis_time = now;

        n = evaluate_unit_analysis(&u->alerts, &u->rules, u->name, &a, u->sample.current, now, ch);
        manager_deliver(m, u->alerts.slot, &u->budget, ch, n, now);
        return 0;
}

void unit_vanish(Unit *u, usec_t now) {
        AlertChange ch[ALERT_CHANGES_MAX];
        size_t n;

        n = evaluate_unit_gone(&u->alerts, u->name, now, ch);
        manager_deliver(u->manager, u->alerts.slot, &u->budget, ch, n, now);
        log_debug("%s: cgroup gone, no longer watched.", u->name);
}
