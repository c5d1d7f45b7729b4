/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One inotify fd for every watched unit's memory.events, with a sorted table
 * from watch descriptor to the unit. sd-event's inotify sources cost about
 * 350 bytes per watched file (source, inode data, hash entries, a path copy);
 * this costs 16.
 */

#include <stdint.h>
#include <systemd/sd-event.h>

#include "time-util.h"
#include "util.h"

/*
 * mask: IN_MODIFY (the file changed, or events were lost and every watch should
 * re-read) or IN_IGNORED (the kernel dropped the watch: the cgroup is gone; the
 * watch is already forgotten here). A handler must not add or remove watches
 * for IN_MODIFY.
 */
typedef void (*EventsWatchHandler)(void *userdata, uint32_t mask);

typedef struct EventsWatch EventsWatch;

/*
 * After a batch of events, the fd is read from a timer every min_interval until
 * it stays quiet, so a storm of changes costs at most one wakeup per interval
 * and one handler call per watch in it. 0: every event as it comes.
 */
int events_watch_new(sd_event *e, usec_t min_interval, EventsWatchHandler handler, EventsWatch **ret);
EventsWatch *events_watch_free(EventsWatch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(EventsWatch *, events_watch_free);

/* Watches path for IN_MODIFY. Returns the watch descriptor or a negative errno (-ENOENT: gone). */
int events_watch_add(EventsWatch *w, const char *path, void *userdata);
/* Stops a watch; wd < 0 is a no-op. Always returns -1, for u->wd = events_watch_remove(...). */
int events_watch_remove(EventsWatch *w, int wd);
size_t events_watch_count(const EventsWatch *w);
