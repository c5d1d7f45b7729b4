/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <stdio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sys/inotify.h>

#include "events-watch.h"
#include "time-util.h"

/* What the handler heard, per file. */
typedef struct Heard {
        unsigned modified, ignored;
        usec_t last;                    /* CLOCK_MONOTONIC of the last call */
} Heard;

static void handler(void *userdata, uint32_t mask) {
        Heard *h = userdata;

        if (mask & IN_MODIFY)
                h->modified++;
        if (mask & IN_IGNORED)
                h->ignored++;
        h->last = now_usec(CLOCK_MONOTONIC);
}

static void run_briefly(sd_event *e) {
        /* Dispatch whatever is pending, waiting at most 200 ms for the first event
         * (or for the next batch: the tests batch at most 100 ms apart). */
        g_assert_cmpint(sd_event_run(e, 200 * USEC_PER_MSEC), >=, 0);
        while (sd_event_run(e, 0) > 0)
                ;
}

static void touch(const char *path) {
        /* In place, as the kernel updates memory.events (g_file_set_contents() would rename). */
        FILE *f = fopen(path, "we");
        g_assert_nonnull(f);
        g_assert_cmpint(fputs("oom_kill 1\n", f), >=, 0);
        g_assert_cmpint(fclose(f), ==, 0);
}

static void test_many(void) {
        g_autofree char *dir = g_dir_make_tmp("memmon-ew-XXXXXX", NULL);
        enum { N = 200 };
        char *paths[N] = {};
        Heard heard[N] = {};
        int wd[N];
        sd_event *e = NULL;
        EventsWatch *w = NULL;

        g_assert_nonnull(dir);
        g_assert_cmpint(sd_event_new(&e), >=, 0);
        g_assert_cmpint(events_watch_new(e, 20 * USEC_PER_MSEC, handler, &w), ==, 0);

        for (int i = 0; i < N; i++) {
                paths[i] = g_strdup_printf("%s/events.%d", dir, i);
                touch(paths[i]);
                wd[i] = events_watch_add(w, paths[i], &heard[i]);
                g_assert_cmpint(wd[i], >=, 0);
        }
        g_assert_cmpuint(events_watch_count(w), ==, N);
        g_assert_cmpint(events_watch_add(w, "/nonexistent/memory.events", &heard[0]), ==, -ENOENT);

        /* Each change reaches the right owner, and only it. */
        for (int i = 0; i < N; i += 7)
                touch(paths[i]);
        run_briefly(e);
        for (int i = 0; i < N; i++)
                g_assert_cmpuint(heard[i].modified > 0, ==, i % 7 == 0);

        /* A removed watch is silent; the others still work. */
        for (int i = 0; i < N; i += 2)
                g_assert_cmpint(events_watch_remove(w, wd[i]), ==, -1);
        g_assert_cmpint(events_watch_remove(w, -1), ==, -1);
        g_assert_cmpuint(events_watch_count(w), ==, N / 2);
        memset(heard, 0, sizeof heard);
        for (int i = 0; i < N; i++)
                touch(paths[i]);
        run_briefly(e);
        for (int i = 0; i < N; i++) {
                g_assert_cmpuint(heard[i].modified > 0, ==, i % 2 == 1);
                g_assert_cmpuint(heard[i].ignored, ==, 0);      /* our own removal is not news */
        }

        /* A file that goes away: IN_IGNORED to its owner, and the watch is forgotten. */
        memset(heard, 0, sizeof heard);
        g_assert_cmpint(g_unlink(paths[1]), ==, 0);
        run_briefly(e);
        g_assert_cmpuint(heard[1].ignored, ==, 1);
        g_assert_cmpuint(events_watch_count(w), ==, N / 2 - 1);
        g_assert_cmpint(events_watch_remove(w, wd[1]), ==, -1); /* already gone: a no-op */

        /* The same file added again after removal gets a new descriptor and works. */
        wd[0] = events_watch_add(w, paths[0], &heard[0]);
        g_assert_cmpint(wd[0], >=, 0);
        touch(paths[0]);
        run_briefly(e);
        g_assert_cmpuint(heard[0].modified, >, 0);

        for (int i = 0; i < N; i++) {
                (void) g_unlink(paths[i]);
                g_free(paths[i]);
        }
        g_assert_cmpint(g_rmdir(dir), ==, 0);
        g_assert_null(events_watch_free(w));
        g_assert_null(events_watch_free(NULL));
        sd_event_unref(e);
}

/* Runs the loop until `until` (CLOCK_MONOTONIC). */
static void run_until(sd_event *e, usec_t until) {
        for (usec_t now; (now = now_usec(CLOCK_MONOTONIC)) < until;)
                g_assert_cmpint(sd_event_run(e, until - now), >=, 0);
}

static void test_storm(void) {
        g_autofree char *dir = g_dir_make_tmp("memmon-ew-XXXXXX", NULL);
        g_autofree char *a = g_strdup_printf("%s/a", dir), *b = g_strdup_printf("%s/b", dir);
        const usec_t interval = 100 * USEC_PER_MSEC, storm = 1000 * USEC_PER_MSEC;
        Heard ha = {}, hb = {};
        usec_t t, last_touch = 0;
        unsigned touches = 0;
        sd_event *e = NULL;
        EventsWatch *w = NULL;

        g_assert_nonnull(dir);
        g_assert_cmpint(sd_event_new(&e), >=, 0);
        g_assert_cmpint(events_watch_new(e, interval, handler, &w), ==, 0);
        touch(a);
        touch(b);
        g_assert_cmpint(events_watch_add(w, a, &ha), >=, 0);
        g_assert_cmpint(events_watch_add(w, b, &hb), >=, 0);

        /* After a quiet spell, a change is handled at once, not after the interval. */
        t = now_usec(CLOCK_MONOTONIC);
        touch(a);
        g_assert_cmpint(sd_event_run(e, interval / 2), >, 0);
        g_assert_cmpuint(ha.modified, ==, 1);
        g_assert_cmpuint(ha.last - t, <, interval / 2);

        /* A storm on both files (the kernel notifies up to every 20 ms; here every
         * 2 ms): one handler call per file and batch, batches interval apart. */
        run_until(e, now_usec(CLOCK_MONOTONIC) + 2 * interval);
        ha = hb = (Heard) {};
        for (t = now_usec(CLOCK_MONOTONIC); now_usec(CLOCK_MONOTONIC) < t + storm; touches++) {
                touch(touches % 2 ? a : b);
                last_touch = now_usec(CLOCK_MONOTONIC);
                run_until(e, last_touch + 2 * USEC_PER_MSEC);
        }
        /* Settle: the batch with the last change, then one that finds nothing. */
        run_until(e, last_touch + 3 * interval);
        g_test_message("%u changes in %u ms: %u and %u handler calls", touches,
                       (unsigned) (storm / USEC_PER_MSEC), ha.modified, hb.modified);
        g_assert_cmpuint(touches, >=, 50);
        g_assert_cmpuint(ha.modified, >=, 2);
        g_assert_cmpuint(ha.modified, <=, storm / interval + 2);
        g_assert_cmpuint(hb.modified, <=, storm / interval + 2);
        /* Nothing is lost: the last change was handled after it happened. */
        g_assert_cmpuint(MAX(ha.last, hb.last), >=, last_touch);

        /* Quiet again: back to handling at once. */
        t = now_usec(CLOCK_MONOTONIC);
        ha.modified = 0;
        touch(a);
        g_assert_cmpint(sd_event_run(e, interval / 2), >, 0);
        g_assert_cmpuint(ha.modified, ==, 1);
        g_assert_cmpuint(ha.last - t, <, interval / 2);

        g_assert_null(events_watch_free(w));
        sd_event_unref(e);
        (void) g_unlink(a);
        (void) g_unlink(b);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/events-watch/many", test_many);
        g_test_add_func("/events-watch/storm", test_storm);
        return g_test_run();
}
