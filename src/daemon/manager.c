/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * One sample timer drives everything periodic (host, units, analysis);
 * inotify and PSI triggers only make things happen sooner. Units are found
 * by rescans, which run at RescanInterval and shortly after any slice
 * directory changes, so a new unit is watched within a fraction of a second.
 */

#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>

#include "bus-manager.h"
#include "bus-unit.h"
#include "cgroup.h"
#include "log.h"
#include "manager.h"
#include "memmon-build.h"

/* Slice changes come in bursts (a unit start creates several dirs): coalesce. */
#define RESCAN_SOON_DELAY (50 * USEC_PER_MSEC)
/* How often the storm watch is read while busy (see unit.c). */
#define STORM_BATCH_INTERVAL (200 * USEC_PER_MSEC)

static void free_nothing(void *p) {
}

static int unit_compare(const void *a, const void *b) {
        return strcmp(((const Unit *) a)->name, ((const Unit *) b)->name);
}

Unit *manager_get_unit(Manager *m, const char *name) {
        Unit key = { .name = (char *) name };
        Unit **found = tfind(&key, &m->units_by_name, unit_compare);

        return found ? *found : NULL;
}

unsigned manager_active_alerts(const Manager *m) {
        unsigned n = alert_slots_active(m->host_alerts.slot);

        for (size_t i = 0; i < m->n_units; i++)
                n += unit_active_alerts(m->units[i]);
        return n;
}

void manager_deliver(Manager *m, AlertSlot slots[static _ALERT_KIND_MAX], RateLimit *budget,
                     const AlertChange *ch, size_t n, usec_t now) {
        for (size_t i = 0; i < n; i++) {
                AlertSlot *slot = &slots[ch[i].alert.kind];
                bool sent = slot->sent;
                uint64_t suppressed = m->alerts->n_suppressed;
                uint64_t id = alert_log_deliver(m->alerts, slot, budget, &ch[i], now);

                /* Bus signals mirror the journal: raises the budget let through, clears of those. */
                if (ch[i].cleared ? sent : m->alerts->n_suppressed == suppressed)
                        bus_manager_emit_alert(m, &ch[i], id);
        }
}

static void graveyard_bury(Manager *m, const Unit *u, usec_t now) {
        Tombstone *t = &m->graveyard[m->graveyard_next];

        if (strlen(u->name) >= sizeof t->name)
                return;
        *t = (Tombstone) {
                .cgroup_id = u->cgroup_id,
                .when = now,
                .current = u->has_sample ? u->sample.current : 0,
                .restarts = u->cgroup_restarts,
                .budget = u->budget,
        };
        strcpy(t->name, u->name);
        m->graveyard_next = (m->graveyard_next + 1) % MANAGER_GRAVEYARD_SIZE;
}

static Tombstone *graveyard_find(Manager *m, const char *name) {
        for (size_t i = 0; i < MANAGER_GRAVEYARD_SIZE; i++)
                if (m->graveyard[i].when != 0 && streq(m->graveyard[i].name, name))
                        return &m->graveyard[i];
        return NULL;
}

/*
 * A unit that reappears soon after it vanished was restarted; one that comes back with
 * the same cgroup was only dropped for a while (a reload excluded it) and carries on.
 */
static void graveyard_resurrect(Tombstone *t, Unit *u, usec_t now) {
        bool same;

        if (!t)
                return;
        same = t->cgroup_id == u->cgroup_id;
        if (same || (now >= t->when && now - t->when <= MANAGER_RESTART_WINDOW)) {
                u->cgroup_restarts = t->restarts + !same;
                /* The window and its count carry over; the size is today's config. */
                u->budget.begin = t->budget.begin;
                u->budget.num = t->budget.num;
                u->budget.suppressed = t->budget.suppressed;
                u->budget.started = t->budget.started;
                if (!same) {
                        u->restart_freed = t->current;
                        log_info("%s: restarted (new cgroup, restart %u); the old instance used %llu bytes, "
                                 "analysis starts from a new baseline.",
                                 u->name, u->cgroup_restarts, (unsigned long long) t->current);
                }
        }
        t->when = 0;
}

static int manager_add_unit(Manager *m, const CgroupEntry *e) {
        _cleanup_(unit_freep) Unit *u = NULL;
        Unit **slot;
        int r;

        if (m->n_units >= m->config->max_units) {
                m->scan_over_limit++;
                return 0;
        }

        if (m->n_units == m->n_units_allocated) {
                size_t k = MAX(m->n_units_allocated * 2, (size_t) 64);
                Unit **a = reallocarray(m->units, k, sizeof *a);
                if (!a)
                        return log_oom();
                m->units = a;
                m->n_units_allocated = k;
        }

        /*
         * Only a cgroup created after start (kernfs ids grow) has events that are news; a unit
         * that joins later for other reasons (reload, a free MaxUnits slot) keeps its past,
         * and so does one a reload dropped for a while (its tombstone has the same cgroup).
         */
        Tombstone *t = graveyard_find(m, e->name);
        bool same_cgroup = t && t->cgroup_id == e->id;  /* back after a reload dropped it: not news */
        r = unit_new(m, e->name, e->path, e->id,
                     m->started && e->id > m->initial_max_cgroup_id && !same_cgroup, &u);
        if (r == -ENODEV || r == -ENOENT)
                return 0; /* vanished while we looked: normal */
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                /* One unit we cannot watch (EMFILE, inotify limits) must not stop discovery. */
                log_debug_errno(r, "Cannot watch %s: %m", e->name);
                m->scan_unwatchable++;
                m->scan_last_error = r;
                return 0;
        }

        slot = tsearch(u, &m->units_by_name, unit_compare);
        if (!slot)
                return log_oom();
        if (*slot != u)
                return 0; /* same name twice in the tree (nested slices): keep the first */

        m->units[m->n_units++] = u;
        u->seen = true;
        log_debug("Watching %s (%s).", u->name, u->path);
        graveyard_resurrect(t, u, now_usec(CLOCK_MONOTONIC));
        bus_unit_emit_added(u);

        /* A first sample right away, so a unit that dies young is still seen. */
        r = unit_sample(TAKE_PTR(u), now_usec(CLOCK_MONOTONIC), true);
        (void) r;
        return 0;
}

static void manager_remove_unit_at(Manager *m, size_t i, usec_t now) {
        Unit *u = m->units[i];

        /* Nothing refused is lost: what the budget held back so far is reported now. */
        alert_log_flush_suppressed_now(m->alerts, u->name, &u->budget);
        u->budget.suppressed = 0;
        graveyard_bury(m, u, now);
        unit_vanish(u, now);
        bus_unit_emit_removed(u); /* while the unit can still be looked up */
        tdelete(u, &m->units_by_name, unit_compare);
        m->units[i] = m->units[--m->n_units];
        unit_free(u);
}

static int on_scan_unit(const CgroupEntry *e, void *userdata) {
        Manager *m = userdata;
        Unit *u = manager_get_unit(m, e->name);
        int r;

        if (!m->started)
                m->initial_max_cgroup_id = MAX(m->initial_max_cgroup_id, e->id);
        if (!u)
                return manager_add_unit(m, e);

        if (u->seen)
                return 0; /* duplicate name */
        u->seen = true;
        if (u->cgroup_id != e->id || !streq(u->path, e->path)) {
                r = unit_reopen(u, e->path, e->id);
                if (r < 0)
                        u->seen = false; /* let the sweep drop it */
        }
        return 0;
}

/* Stops watching slice i; the last one takes its place. */
static void manager_drop_slice_at(Manager *m, size_t i) {
        sd_event_source_disable_unref(m->slices[i].source);
        free(m->slices[i].path);
        m->slices[i] = m->slices[--m->n_slices];
}

static int on_slice_changed(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        Manager *m = userdata;

        /*
         * The slice itself is gone: forget its watch now, or a slice created again under the
         * same path before the rescan would keep the dead one, and its new units would be
         * found only at RescanInterval.
         */
        if (ev->mask & IN_IGNORED)
                for (size_t i = 0; i < m->n_slices; i++)
                        if (m->slices[i].source == s) {
                                manager_drop_slice_at(m, i);
                                break;
                        }

        /* IN_Q_OVERFLOW: events were lost, so look at everything. */
        if (ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_IGNORED | IN_DELETE_SELF |
                        IN_Q_OVERFLOW))
                manager_rescan_soon(m);
        return 0;
}

static int on_scan_slice(const char *path, void *userdata) {
        Manager *m = userdata;
        char p[4096];
        int r;

        for (size_t i = 0; i < m->n_slices; i++)
                if (streq(m->slices[i].path, path)) {
                        m->slices[i].seen = true;
                        return 0;
                }

        if (m->n_slices >= MANAGER_MAX_SLICES)
                return 0; /* still scanned at RescanInterval, just not watched */

        if (m->n_slices == m->n_slices_allocated) {
                size_t k = MAX(m->n_slices_allocated * 2, (size_t) 16);
                SliceWatch *a = reallocarray(m->slices, k, sizeof *a);
                if (!a)
                        return log_oom();
                m->slices = a;
                m->n_slices_allocated = k;
        }

        SliceWatch *w = &m->slices[m->n_slices];
        *w = (SliceWatch) { .seen = true };
        w->path = strdup(path);
        if (!w->path)
                return log_oom();

        snprintf(p, sizeof p, "%s/%s", m->cgroup_root, path);
        r = sd_event_add_inotify(m->event, &w->source, p,
                                 IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW,
                                 on_slice_changed, m);
        if (r < 0) {
                free(w->path);
                if (r == -ENOMEM)
                        return log_oom();
                if (r != -ENOENT) {
                        /* Still scanned at RescanInterval; new units there are just seen later. */
                        log_debug_errno(r, "Cannot watch %s for new units: %m", p);
                        m->scan_unwatchable++;
                        m->scan_last_error = r;
                }
                return 0;
        }
        m->n_slices++;
        return 0;
}

/* What can be active at once: every kind for every unit (an upper bound), and the host's. */
static size_t manager_alerts_max(const Config *c) {
        return (size_t) c->max_units * _ALERT_KIND_MAX + _ALERT_KIND_MAX;
}

static void update_status(Manager *m) {
        char s[sizeof m->status];

        snprintf(s, sizeof s, "Watching %zu units, %u active alerts", m->n_units, manager_active_alerts(m));
        if (streq(s, m->status))
                return;
        memcpy(m->status, s, sizeof s);
        (void) sd_notifyf(false, "STATUS=%s", s);
}

/*
 * Units that came while MaxPressureTriggers= was reached get a trigger once others are
 * gone; each trigger costs a kernel thread on 6.1, so the bound is kept, and said.
 */
static void manager_fill_triggers(Manager *m) {
        size_t without = 0;

        if (!m->psi_triggers || !m->config->pressure_triggers) {
                m->triggers_over_limit = 0;
                return;
        }
        for (size_t i = 0; i < m->n_units && m->psi_triggers; i++) {
                Unit *u = m->units[i];

                if (u->trigger_source)
                        continue;
                if (m->n_triggers < m->config->max_pressure_triggers)
                        (void) unit_rearm_trigger(u); /* a unit gone meanwhile goes at the next scan */
                if (!u->trigger_source && m->n_triggers >= m->config->max_pressure_triggers)
                        without++;
        }
        if (without > 0 && without != m->triggers_over_limit)
                log_notice("%zu units have no PSI trigger: MaxPressureTriggers=%u reached. "
                           "They read the pressure averages at each sample.",
                           without, m->config->max_pressure_triggers);
        m->triggers_over_limit = without;
}

int manager_rescan(Manager *m) {
        CgroupScanStats st = {};
        usec_t now = now_usec(CLOCK_MONOTONIC);
        int r;

        for (size_t i = 0; i < m->n_units; i++)
                m->units[i]->seen = false;
        for (size_t i = 0; i < m->n_slices; i++)
                m->slices[i].seen = false;

        m->scan_over_limit = m->scan_unwatchable = 0;
        m->scan_last_error = 0;
        r = cgroup_scan(m->root_fd, m->config, on_scan_unit, on_scan_slice, m, &st);
        if (r < 0) {
                /* Keep what we have; the next rescan may succeed. */
                log_warning_errno(r, "Scanning %s failed: %m", m->cgroup_root);
                for (size_t i = 0; i < m->n_units; i++)
                        m->units[i]->seen = true;
                return r;
        }

        for (size_t i = m->n_units; i > 0; i--)
                if (!m->units[i - 1]->seen)
                        manager_remove_unit_at(m, i - 1, now);

        for (size_t i = m->n_slices; i > 0; i--)
                if (!m->slices[i - 1].seen)
                        manager_drop_slice_at(m, i - 1);

        if (m->scan_over_limit > 0 && m->scan_over_limit != m->units_over_limit)
                log_warning("%zu units are not watched: MaxUnits=%u reached.", m->scan_over_limit, m->config->max_units);
        m->units_over_limit = m->scan_over_limit;
        if (m->scan_unwatchable > 0 && m->scan_unwatchable != m->units_unwatchable)
                log_warning_errno(m->scan_last_error, "%zu units or slices cannot be watched (last error: %m); "
                                  "they are retried at each rescan.", m->scan_unwatchable);
        m->units_unwatchable = m->scan_unwatchable;

        for (size_t i = 0; i < m->n_units; i++)
                unit_refresh_pressure(m->units[i]);
        manager_fill_triggers(m);
        update_status(m);
        return 0;
}

static int on_rescan_soon(sd_event_source *s, uint64_t usec, void *userdata) {
        (void) manager_rescan(userdata);
        return 0;
}

void manager_rescan_soon(Manager *m) {
        int enabled = SD_EVENT_OFF;
        int r;

        if (!m->rescan_soon) {
                r = sd_event_add_time_relative(m->event, &m->rescan_soon, CLOCK_MONOTONIC, RESCAN_SOON_DELAY,
                                               10 * USEC_PER_MSEC, on_rescan_soon, m);
                if (r < 0) {
                        log_warning_errno(r, "Cannot schedule a rescan: %m");
                        return;
                }
                (void) sd_event_source_set_enabled(m->rescan_soon, SD_EVENT_ONESHOT);
                return;
        }
        (void) sd_event_source_get_enabled(m->rescan_soon, &enabled);
        if (enabled != SD_EVENT_OFF)
                return; /* already pending */
        (void) sd_event_source_set_time_relative(m->rescan_soon, RESCAN_SOON_DELAY);
        (void) sd_event_source_set_enabled(m->rescan_soon, SD_EVENT_ONESHOT);
}

static void sample_host(Manager *m, usec_t now) {
        AlertChange ch[ALERT_CHANGES_MAX];
        size_t n;
        int r;

        r = sampler_read_host(&m->host_files, &m->host);
        if (r < 0) {
                log_debug_errno(r, "Cannot read host memory figures: %m");
                return;
        }
        m->host.timestamp = now;
        m->has_host = true;

        /*
         * Without swap every memory.swap.current reads 0, and each held fd costs the kernel
         * a page of seq_file buffer: hold them only while the host has swap.
         */
        if ((m->host.swap_total > 0) != m->host_swap) {
                m->host_swap = m->host.swap_total > 0;
                log_info("Swap %s: %s memory.swap.current of every unit.",
                         m->host_swap ? "enabled" : "disabled", m->host_swap ? "reading" : "no longer reading");
                for (size_t i = 0; i < m->n_units; i++)
                        (void) unit_hold_swap(m->units[i], m->host_swap);
        }

        n = evaluate_host(&m->host_alerts, m->config, &m->host, now, ch);
        manager_deliver(m, m->host_alerts.slot, NULL, ch, n, now);
}

bool manager_sample_units(Manager *m, usec_t now) {
        bool gone = false;

        for (size_t i = 0; i < m->n_units; i++) {
                Unit *u = m->units[i];
                int r = unit_sample(u, now, true);
                if (r == -ENODEV) {
                        u->seen = false;
                        gone = true;
                        continue;
                }
                alert_log_flush_suppressed(m->alerts, u->name, &u->budget, now);
        }
        return gone;
}

static int on_sample(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        usec_t now = now_usec(CLOCK_MONOTONIC);
        usec_t cpu0, cpu1;
        bool analyse, gone;

        sample_host(m, now);

        analyse = m->last_analysis == 0 || now - m->last_analysis >= m->config->analysis_interval;
        cpu0 = now_usec(CLOCK_THREAD_CPUTIME_ID);
        gone = manager_sample_units(m, now);
        cpu1 = now_usec(CLOCK_THREAD_CPUTIME_ID);
        m->sample_cpu_usec += cpu1 - cpu0;
        m->n_unit_samples += m->n_units;
        if (analyse) {
                for (size_t i = 0; i < m->n_units; i++)
                        if (m->units[i]->seen || !gone)
                                (void) unit_analyse(m->units[i], now);
                m->analysis_cpu_usec += now_usec(CLOCK_THREAD_CPUTIME_ID) - cpu1;
                m->n_unit_analyses += m->n_units;
        }
        alert_log_flush_suppressed(m->alerts, NULL, &m->alerts->global, now);
        if (analyse)
                m->last_analysis = now;

        if (gone)
                for (size_t i = m->n_units; i > 0; i--)
                        if (!m->units[i - 1]->seen)
                                manager_remove_unit_at(m, i - 1, now);

        m->n_ticks++;
        m->last_tick = now;
        update_status(m);
        bus_manager_tick(m);

        return sd_event_source_set_time_relative(s, m->config->sample_interval);
}

static int on_rescan(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) manager_rescan(m);
        return sd_event_source_set_time_relative(s, m->config->rescan_interval);
}

int manager_reload(Manager *m) {
        _cleanup_(config_freep) Config *c = NULL;
        Config *old;
        usec_t old_sample_interval;
        bool rearm;
        int r;

        (void) sd_notifyf(false, "RELOADING=1\nSTATUS=Reloading configuration");
        r = config_load(m->options.config_file, m->options.config_dir, &c);
        if (r < 0) {
                log_error_errno(r, "Reloading the configuration failed; the previous configuration stays in effect.");
                (void) sd_notify(false, "READY=1");
                m->status[0] = '\0';
                update_status(m);
                return r;
        }

        old = m->config;
        m->config = TAKE_PTR(c);
        rearm = old->pressure_triggers != m->config->pressure_triggers ||
                old->pressure_trigger_stall != m->config->pressure_trigger_stall ||
                old->pressure_trigger_window != m->config->pressure_trigger_window ||
                old->max_pressure_triggers != m->config->max_pressure_triggers;
        old_sample_interval = old->sample_interval;
        config_free(old);

        log_set_max_level(m->config->log_level);
        alert_log_set_budget(m->alerts, m->config->alerts_per_hour);
        alert_log_set_max(m->alerts, manager_alerts_max(m->config));
        for (size_t i = 0; i < m->n_units; i++)
                unit_apply_config(m->units[i], m->config);
        if (rearm) {
                /* New trigger settings: a kernel refusal of the old ones may not apply to them. */
                m->psi_triggers = true;
                for (size_t i = 0; i < m->n_units; i++)
                        (void) unit_disarm_trigger(m->units[i]);
                manager_fill_triggers(m);
                if (m->config->pressure_triggers && m->psi_triggers)
                        log_info("PSI triggers re-armed on %u units.", m->n_triggers);
                else
                        log_info("PSI triggers off.");
        }

        /*
         * An unchanged SampleInterval keeps its schedule: restarting it at every reload would
         * let reloads more frequent than the interval postpone every tick. A new one counts
         * from the last tick. The rescan below is the rescan timer's new start.
         */
        if (m->config->sample_interval != old_sample_interval) {
                usec_t next = m->last_tick + m->config->sample_interval;
                (void) sd_event_source_set_time(m->sample_timer, MAX(next, now_usec(CLOCK_MONOTONIC)));
                (void) sd_event_source_set_time_accuracy(m->sample_timer, m->config->sample_interval / 50);
        }
        (void) sd_event_source_set_time_relative(m->rescan_timer, m->config->rescan_interval);
        (void) manager_rescan(m);

        log_info("Configuration reloaded.");
        (void) sd_notify(false, "READY=1");
        m->status[0] = '\0';
        update_status(m);
        return 0;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        (void) manager_reload(userdata);
        return 0;
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        log_info("Received %s, exiting.", strsignal((int) si->ssi_signo));
        /* bench/vm-bench-guest.sh reads this line. */
        log_info("Cost: %llu ticks; sampling %.2f us CPU per unit per tick, analysis %.2f us per unit per run.",
                 (unsigned long long) m->n_ticks,
                 m->n_unit_samples ? (double) m->sample_cpu_usec / (double) m->n_unit_samples : 0.0,
                 m->n_unit_analyses ? (double) m->analysis_cpu_usec / (double) m->n_unit_analyses : 0.0);
        (void) sd_notify(false, "STOPPING=1\nSTATUS=Shutting down");
        return sd_event_exit(m->event, 0);
}

static void raise_nofile_limit(void) {
        struct rlimit rl;

        /* About 10 fds per unit: take the hard limit the service manager granted. */
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
                return;
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                log_debug_errno(errno, "Cannot raise RLIMIT_NOFILE: %m");
}

int manager_new(const ManagerOptions *o, Config *config, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        sigset_t mask;
        int r;

        m = calloc(1, sizeof *m);
        if (!m)
                return log_oom();
        m->options = *o;
        m->root_fd = -1;
        m->host_files = (HostFiles) HOST_FILES_INIT;
        m->psi_triggers = true;
        m->host_alerts = (HostAlertState) {
                .available = LEVEL_STATE_INIT,
                .pressure = LEVEL_STATE_INIT,
        };

        raise_nofile_limit();

        if (o->cgroup_root)
                m->cgroup_root = strdup(o->cgroup_root);
        else {
                r = cgroup_find_memory_root(&m->cgroup_root);
                if (r < 0)
                        return r;
        }
        m->proc_root = strdup(o->proc_root ?: "/proc");
        if (!m->cgroup_root || !m->proc_root)
                return log_oom();

        m->root_fd = open(m->cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m->root_fd < 0)
                return log_error_errno(errno, "Cannot open the cgroup root %s: %m", m->cgroup_root);
        r = cgroup_check_root(m->root_fd, m->cgroup_root);
        if (r < 0)
                return r;

        r = host_files_open(&m->host_files, m->proc_root);
        if (r < 0)
                return log_error_errno(r, "Cannot open %s/meminfo: %m", m->proc_root);
        /* Before the first scan: without swap, memory.swap.current is not held (see sample_host()). */
        m->host_swap = sampler_read_host(&m->host_files, &m->host) < 0 || m->host.swap_total > 0;

        r = alert_log_new(&m->alerts, MANAGER_ALERT_LOG_SIZE, config->alerts_per_hour);
        if (r < 0)
                return log_oom();
        alert_log_set_max(m->alerts, manager_alerts_max(config));

        r = sd_event_default(&m->event);
        if (r < 0)
                return log_error_errno(r, "Cannot allocate the event loop: %m");

        r = events_watch_new(m->event, 0, unit_watch_changed, &m->events_watch);
        if (r >= 0)
                r = events_watch_new(m->event, STORM_BATCH_INTERVAL, unit_watch_changed, &m->storm_watch);
        if (r < 0)
                return log_error_errno(r, "Cannot set up inotify for the units' cgroups: %m");

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "Cannot block signals: %m");

        r = sd_event_add_signal(m->event, &m->sigterm, SIGTERM, on_exit_signal, m);
        if (r >= 0)
                r = sd_event_add_signal(m->event, &m->sigint, SIGINT, on_exit_signal, m);
        if (r >= 0)
                r = sd_event_add_signal(m->event, &m->sighup, SIGHUP, on_sighup, m);
        if (r < 0)
                return log_error_errno(r, "Cannot watch signals: %m");

        /* WATCHDOG=1 at half of WatchdogSec=, from the loop itself, so a hung loop is noticed. */
        r = sd_event_set_watchdog(m->event, true);
        if (r < 0)
                log_warning_errno(r, "Cannot enable the watchdog: %m");

        m->config = config;
        log_set_max_level(config->log_level);
        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;

        /* First: bus slots and pending polkit checks point into the manager. */
        bus_manager_free(m->bus);
        for (size_t i = 0; i < m->n_units; i++)
                unit_free(m->units[i]);
        free(m->units);
        tdestroy(m->units_by_name, free_nothing); /* the units were freed above */
        events_watch_free(m->events_watch);       /* after the units: they remove their watches */
        events_watch_free(m->storm_watch);
        for (size_t i = 0; i < m->n_slices; i++) {
                sd_event_source_disable_unref(m->slices[i].source);
                free(m->slices[i].path);
        }
        free(m->slices);

        sd_event_source_disable_unref(m->sample_timer);
        sd_event_source_disable_unref(m->rescan_timer);
        sd_event_source_disable_unref(m->rescan_soon);
        sd_event_source_disable_unref(m->sigterm);
        sd_event_source_disable_unref(m->sigint);
        sd_event_source_disable_unref(m->sighup);
        sd_event_unref(m->event);

        alert_log_free(m->alerts);
        host_files_close(&m->host_files);
        safe_close(m->root_fd);
        free(m->cgroup_root);
        free(m->proc_root);
        config_free(m->config);
        free(m);
        return NULL;
}

int manager_run(Manager *m) {
        int r;

        r = manager_rescan(m);
        if (r < 0)
                return r;
        m->started = true;

        r = sd_event_add_time_relative(m->event, &m->sample_timer, CLOCK_MONOTONIC, 0,
                                       m->config->sample_interval / 50, on_sample, m);
        if (r < 0)
                return log_error_errno(r, "Cannot add the sample timer: %m");
        (void) sd_event_source_set_enabled(m->sample_timer, SD_EVENT_ON);
        /* A timer that cannot be re-armed must end the daemon (and restart it), not stop sampling. */
        (void) sd_event_source_set_exit_on_failure(m->sample_timer, true);

        r = sd_event_add_time_relative(m->event, &m->rescan_timer, CLOCK_MONOTONIC, m->config->rescan_interval,
                                       m->config->rescan_interval / 10, on_rescan, m);
        if (r < 0)
                return log_error_errno(r, "Cannot add the rescan timer: %m");
        (void) sd_event_source_set_enabled(m->rescan_timer, SD_EVENT_ON);
        (void) sd_event_source_set_exit_on_failure(m->rescan_timer, true);

        /* Before READY=1, so bus activation finds the name soon after. */
        r = bus_manager_start(m);
        if (r < 0)
                return r;

        r = journal_send_ready(PACKAGE_VERSION, m->n_units, m->config->sample_interval,
                               m->psi_triggers && m->config->pressure_triggers, NULL, NULL);
        if (r < 0)
                log_warning_errno(r, "Cannot write the start entry to the journal: %m");
        log_info("Watching %zu units under %s%s.", m->n_units, m->cgroup_root,
                 m->psi_triggers && m->config->pressure_triggers ? ", PSI triggers armed" : "");
        m->status[0] = '\0';
        (void) sd_notify(false, "READY=1");
        update_status(m);

        return sd_event_loop(m->event);
}
