/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The kernel hands out watch descriptors in increasing order (cyclically, at
 * INT_MAX), so new entries go to the end of the sorted table and lookups are a
 * binary search.
 *
 * With min_interval > 0, after a batch the fd is polled from a timer every
 * min_interval for as long as events keep coming, and each watch's handler
 * runs once per batch however many events it had; the first event after a
 * quiet spell is still handled at once. memmond keeps units whose
 * memory.events changes only in "high" on such a watch (see unit.c).
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "events-watch.h"
#include "log.h"
#include "util.h"

typedef struct Watch {
        int wd;
        unsigned pending;               /* EventsWatchChange seen in the batch being read (fits the padding) */
        void *userdata;
} Watch;

struct EventsWatch {
        int fd;
        sd_event_source *source;
        sd_event_source *timer;         /* polls the fd while events keep coming */
        usec_t min_interval;
        EventsWatchHandler handler;
        Watch *watches;                 /* sorted by wd */
        size_t n_watches, n_allocated;
        unsigned generation;            /* bumped when the table changes */
};

/* Index of wd, or where it would go. */
static size_t find(const EventsWatch *w, int wd) {
        size_t lo = 0, hi = w->n_watches;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (w->watches[mid].wd < wd)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static void forget(EventsWatch *w, size_t i) {
        memmove(w->watches + i, w->watches + i + 1, (w->n_watches - i - 1) * sizeof(Watch));
        w->n_watches--;
        w->generation++;
}

static unsigned classify(const struct inotify_event *ev) {
        if (ev->len == 0)
                return 0;
        if (streq(ev->name, "memory.events"))
                return EVENTS_WATCH_EVENTS;
        if (streq(ev->name, "memory.max") || streq(ev->name, "memory.high") || streq(ev->name, "memory.low"))
                return EVENTS_WATCH_LIMITS;
        return 0;
}

/* Notes one event; IN_IGNORED is handed on at once, changes once per batch. */
static void note(EventsWatch *w, const struct inotify_event *ev) {
        size_t i;

        if (ev->mask & IN_Q_OVERFLOW) {
                log_warning("inotify queue overflow: re-reading memory.events and the limits of every unit watched on it.");
                for (i = 0; i < w->n_watches; i++)
                        w->watches[i].pending |= EVENTS_WATCH_EVENTS | EVENTS_WATCH_LIMITS;
                return;
        }

        i = find(w, ev->wd);
        if (i >= w->n_watches || w->watches[i].wd != ev->wd)
                return; /* removed by us already: the kernel's IN_IGNORED for it */

        if (ev->mask & IN_IGNORED) {
                void *userdata = w->watches[i].userdata;
                forget(w, i);
                w->handler(userdata, EVENTS_WATCH_GONE);
        } else if (ev->mask & IN_MODIFY)
                w->watches[i].pending |= classify(ev);
}

/* Reads every queued event, then runs the handlers. Returns the number of events read. */
static size_t drain(EventsWatch *w) {
        union {
                struct inotify_event ev;
                char raw[4096];
        } buf;
        size_t n_events = 0;

        for (;;) {
                ssize_t n = read(w->fd, &buf, sizeof buf);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN)
                                log_warning_errno(errno, "Cannot read the cgroup directory watches: %m");
                        break;
                }
                for (char *p = buf.raw; p < buf.raw + n; n_events++) {
                        const struct inotify_event *ev = (const struct inotify_event *) p;
                        note(w, ev);
                        p += sizeof(struct inotify_event) + ev->len;
                }
        }

        for (size_t i = 0; i < w->n_watches; i++)
                if (w->watches[i].pending != 0) {
                        unsigned what = w->watches[i].pending, generation = w->generation;
                        w->watches[i].pending = 0;
                        w->handler(w->watches[i].userdata, what);
                        /* The handler moved a watch: indices shifted, look again (flags are cleared). */
                        if (w->generation != generation)
                                i = SIZE_MAX;   /* the loop's i++ makes it 0 */
                }
        return n_events;
}

static void poll_later(EventsWatch *w) {
        int r;

        r = sd_event_source_set_time_relative(w->timer, w->min_interval);
        if (r >= 0)
                r = sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
        if (r >= 0)
                r = sd_event_source_set_enabled(w->source, SD_EVENT_OFF);
        if (r < 0) {
                /* Not fatal: events are then handled as they come, unbatched. */
                log_warning_errno(r, "Cannot defer the cgroup directory watches: %m");
                (void) sd_event_source_set_enabled(w->source, SD_EVENT_ON);
        }
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        EventsWatch *w = userdata;

        (void) drain(w);
        if (w->min_interval > 0)
                poll_later(w);
        return 0;
}

static int on_poll(sd_event_source *s, uint64_t usec, void *userdata) {
        EventsWatch *w = userdata;

        if (drain(w) > 0)
                poll_later(w);          /* still busy: keep batching */
        else
                (void) sd_event_source_set_enabled(w->source, SD_EVENT_ON);
        return 0;
}

int events_watch_new(sd_event *e, usec_t min_interval, EventsWatchHandler handler, EventsWatch **ret) {
        _cleanup_(events_watch_freep) EventsWatch *w = NULL;
        int r;

        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->handler = handler;
        w->min_interval = min_interval;
        w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->fd < 0)
                return -errno;
        r = sd_event_add_io(e, &w->source, w->fd, EPOLLIN, on_inotify, w);
        if (r < 0)
                return r;
        /* Accuracy 0 would mean sd-event's default of 250 ms: batches 250-450 ms apart. */
        r = sd_event_add_time_relative(e, &w->timer, CLOCK_MONOTONIC, min_interval, USEC_PER_MSEC, on_poll, w);
        if (r < 0)
                return r;
        r = sd_event_source_set_enabled(w->timer, SD_EVENT_OFF);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(w);
        return 0;
}

EventsWatch *events_watch_free(EventsWatch *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->source);
        sd_event_source_disable_unref(w->timer);
        safe_close(w->fd);
        free(w->watches);
        free(w);
        return NULL;
}

int events_watch_add(EventsWatch *w, const char *path, void *userdata) {
        size_t i;
        int wd;

        if (w->n_watches == w->n_allocated) {
                size_t n = MAX(w->n_allocated * 2, (size_t) 64);
                Watch *a = reallocarray(w->watches, n, sizeof(Watch));
                if (!a)
                        return -ENOMEM;
                w->watches = a;
                w->n_allocated = n;
        }

        wd = inotify_add_watch(w->fd, path, IN_MODIFY | IN_ONLYDIR | IN_DONT_FOLLOW);
        if (wd < 0)
                return -errno;

        i = find(w, wd);
        if (i < w->n_watches && w->watches[i].wd == wd) {
                /* The same file again (the kernel reuses the watch): the newest owner wins. */
                w->watches[i].userdata = userdata;
                return wd;
        }
        memmove(w->watches + i + 1, w->watches + i, (w->n_watches - i) * sizeof(Watch));
        w->watches[i] = (Watch) { .wd = wd, .userdata = userdata };
        w->n_watches++;
        w->generation++;
        return wd;
}

int events_watch_remove(EventsWatch *w, int wd) {
        size_t i;

        if (wd < 0)
                return -1;
        i = find(w, wd);
        if (i < w->n_watches && w->watches[i].wd == wd) {
                forget(w, i);
                /* EINVAL: the kernel dropped it already (cgroup removed); nothing to undo. */
                (void) inotify_rm_watch(w->fd, wd);
        }
        return -1;
}

size_t events_watch_count(const EventsWatch *w) {
        return w->n_watches;
}
