/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One inotify fd with a watch on every unit's cgroup directory, and a sorted
 * table from watch descriptor to the unit. sd-event's inotify sources cost
 * about 350 bytes per watch (source, inode data, hash entries, a path copy);
 * this costs 16.
 *
 * A directory watch hears both things memmond waits for, by file name: the
 * kernel's notifications on memory.events (kernfs notifies the parent too, as
 * long as the file's inode is cached, which memmond's held fd on it ensures;
 * measured on Debian 12's 6.1), and writes to memory.max, .high and .low,
 * which only userspace makes (systemd, on a unit's start and on
 * set-property). Everything else written there is ignored.
 */

#include <stdint.h>
#include <systemd/sd-event.h>

#include "time-util.h"
#include "util.h"

typedef enum EventsWatchChange {
        EVENTS_WATCH_EVENTS = 1 << 0,   /* memory.events changed */
        EVENTS_WATCH_LIMITS = 1 << 1,   /* memory.max, .high or .low was written */
        EVENTS_WATCH_GONE   = 1 << 2,   /* the kernel dropped the watch: the cgroup is gone */
} EventsWatchChange;

/*
 * what: EVENTS_WATCH_GONE alone (the watch is already forgotten here), or
 * EVENTS and/or LIMITS (both when events were lost: everything should be
 * re-read). A handler may add and remove watches (also of this EventsWatch),
 * except when called with GONE.
 */
typedef void (*EventsWatchHandler)(void *userdata, unsigned what);

typedef struct EventsWatch EventsWatch;

/*
 * After a batch of events, the fd is read from a timer every min_interval until
 * it stays quiet, so a storm of changes costs at most one wakeup per interval
 * and one handler call per watch in it. 0: every event as it comes.
 */
int events_watch_new(sd_event *e, usec_t min_interval, EventsWatchHandler handler, EventsWatch **ret);
EventsWatch *events_watch_free(EventsWatch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(EventsWatch *, events_watch_free);

/* Watches the cgroup directory at path. Returns the watch descriptor or a negative errno (-ENOENT, -ENOTDIR: gone). */
int events_watch_add(EventsWatch *w, const char *path, void *userdata);
/* Stops a watch; wd < 0 is a no-op. Always returns -1, for u->wd = events_watch_remove(...). */
int events_watch_remove(EventsWatch *w, int wd);
size_t events_watch_count(const EventsWatch *w);
