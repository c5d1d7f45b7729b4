/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <stdio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sys/inotify.h>

#include "events-watch.h"
#include "time-util.h"

/* What the handler heard, per cgroup directory. */
typedef struct Heard {
        unsigned modified, limits, gone;
        usec_t last;                    /* CLOCK_MONOTONIC of the last call */
} Heard;

static void handler(void *userdata, unsigned what) {
        Heard *h = userdata;

        if (what & EVENTS_WATCH_EVENTS)
                h->modified++;
        if (what & EVENTS_WATCH_LIMITS)
                h->limits++;
        if (what & EVENTS_WATCH_GONE)
                h->gone++;
        h->last = now_usec(CLOCK_MONOTONIC);
}

static void run_briefly(sd_event *e) {
        /* Dispatch whatever is pending, waiting at most 200 ms for the first event
         * (or for the next batch: the tests batch at most 100 ms apart). */
        g_assert_cmpint(sd_event_run(e, 200 * USEC_PER_MSEC), >=, 0);
        while (sd_event_run(e, 0) > 0)
                ;
}

static void write_in(const char *dir, const char *name, const char *text) {
        /* In place, as the kernel and systemd write (g_file_set_contents() would rename). */
        g_autofree char *p = g_build_filename(dir, name, NULL);
        FILE *f = fopen(p, "we");
        g_assert_nonnull(f);
        g_assert_cmpint(fputs(text, f), >=, 0);
        g_assert_cmpint(fclose(f), ==, 0);
}

static void touch(const char *dir) {
        write_in(dir, "memory.events", "oom_kill 1\n");
}

static void make_cgroup(const char *dir) {
        g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
        touch(dir);
        write_in(dir, "memory.max", "max\n");
}

static void remove_cgroup(const char *dir) {
        static const char *const files[] = { "memory.events", "memory.max", "memory.high", "cgroup.procs" };

        for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
                g_autofree char *p = g_build_filename(dir, files[i], NULL);
                (void) g_unlink(p);
        }
        g_assert_cmpint(g_rmdir(dir), ==, 0);
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
                paths[i] = g_strdup_printf("%s/unit%d.service", dir, i);
                make_cgroup(paths[i]);
                wd[i] = events_watch_add(w, paths[i], &heard[i]);
                g_assert_cmpint(wd[i], >=, 0);
        }
        g_assert_cmpuint(events_watch_count(w), ==, N);
        g_assert_cmpint(events_watch_add(w, "/nonexistent/unit.service", &heard[0]), ==, -ENOENT);
        {
                g_autofree char *file = g_build_filename(paths[0], "memory.events", NULL);
                g_assert_cmpint(events_watch_add(w, file, &heard[0]), ==, -ENOTDIR);
        }

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
                g_assert_cmpuint(heard[i].gone, ==, 0); /* our own removal is not news */
        }

        /* Which file was written: the limits, memory.events, or anything else (ignored). */
        memset(heard, 0, sizeof heard);
        write_in(paths[3], "memory.max", "1048576\n");
        write_in(paths[5], "memory.high", "max\n");
        write_in(paths[5], "memory.events", "oom_kill 2\n");
        write_in(paths[7], "cgroup.procs", "0\n");
        write_in(paths[7], "memory.events.local", "oom_kill 2\n");
        run_briefly(e);
        g_assert_cmpuint(heard[3].limits, ==, 1);
        g_assert_cmpuint(heard[3].modified, ==, 0);
        /* Both in one batch: one call. */
        g_assert_cmpuint(heard[5].limits, ==, 1);
        g_assert_cmpuint(heard[5].modified, ==, 1);
        g_assert_cmpuint(heard[7].limits + heard[7].modified + heard[7].gone, ==, 0);
        {
                g_autofree char *p = g_build_filename(paths[7], "memory.events.local", NULL);
                g_assert_cmpint(g_unlink(p), ==, 0);
        }

        /* A cgroup that goes away: GONE to its owner, and the watch is forgotten. */
        memset(heard, 0, sizeof heard);
        remove_cgroup(paths[1]);
        run_briefly(e);
        g_assert_cmpuint(heard[1].gone, ==, 1);
        g_assert_cmpuint(events_watch_count(w), ==, N / 2 - 1);
        g_assert_cmpint(events_watch_remove(w, wd[1]), ==, -1); /* already gone: a no-op */
        make_cgroup(paths[1]);

        /* The same directory added again after removal gets a new descriptor and works. */
        wd[0] = events_watch_add(w, paths[0], &heard[0]);
        g_assert_cmpint(wd[0], >=, 0);
        touch(paths[0]);
        run_briefly(e);
        g_assert_cmpuint(heard[0].modified, >, 0);

        for (int i = 0; i < N; i++) {
                remove_cgroup(paths[i]);
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
        g_autofree char *a = g_strdup_printf("%s/a.service", dir), *b = g_strdup_printf("%s/b.service", dir);
        const usec_t interval = 100 * USEC_PER_MSEC, storm = 1000 * USEC_PER_MSEC;
        Heard ha = {}, hb = {};
        usec_t t, last_touch = 0;
        unsigned touches = 0;
        sd_event *e = NULL;
        EventsWatch *w = NULL;

        g_assert_nonnull(dir);
        g_assert_cmpint(sd_event_new(&e), >=, 0);
        g_assert_cmpint(events_watch_new(e, interval, handler, &w), ==, 0);
        make_cgroup(a);
        make_cgroup(b);
        g_assert_cmpint(events_watch_add(w, a, &ha), >=, 0);
        g_assert_cmpint(events_watch_add(w, b, &hb), >=, 0);

        /*
         * After a quiet spell, a change is handled at once, not after the interval: in the
         * next loop iteration, without waiting (the kernel queues the event before write()
         * returns; a batching watch would wait for its timer). No wall-clock bound, which a
         * loaded machine would break.
         */
        touch(a);
        g_assert_cmpint(sd_event_run(e, 0), >, 0);
        g_assert_cmpuint(ha.modified, ==, 1);

        /* A storm on both files (the kernel notifies up to every 20 ms; here every
         * 2 ms): one handler call per file and batch, batches interval apart. */
        run_until(e, now_usec(CLOCK_MONOTONIC) + 2 * interval);
        ha = hb = (Heard) {};
        for (t = now_usec(CLOCK_MONOTONIC); now_usec(CLOCK_MONOTONIC) < t + storm; touches++) {
                touch(touches % 2 ? a : b);
                last_touch = now_usec(CLOCK_MONOTONIC);
                run_until(e, last_touch + 2 * USEC_PER_MSEC);
        }
        /* Settle: the batch with the last change, then one that finds nothing (with the
         * timer off, nothing is dispatched for two intervals). */
        run_until(e, last_touch + 3 * interval);
        for (unsigned i = 0; sd_event_run(e, 2 * interval) > 0; i++)
                g_assert_cmpuint(i, <, 10);
        g_test_message("%u changes in %u ms: %u and %u handler calls", touches,
                       (unsigned) (storm / USEC_PER_MSEC), ha.modified, hb.modified);
        g_assert_cmpuint(touches, >=, 50);
        g_assert_cmpuint(ha.modified, >=, 2);
        g_assert_cmpuint(ha.modified, <=, storm / interval + 2);
        g_assert_cmpuint(hb.modified, <=, storm / interval + 2);
        /* Nothing is lost: the last change was handled after it happened. */
        g_assert_cmpuint(MAX(ha.last, hb.last), >=, last_touch);

        /* Quiet again: back to handling at once. */
        ha.modified = 0;
        touch(a);
        g_assert_cmpint(sd_event_run(e, 0), >, 0);
        g_assert_cmpuint(ha.modified, ==, 1);

        g_assert_null(events_watch_free(w));
        sd_event_unref(e);
        remove_cgroup(a);
        remove_cgroup(b);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* A unit-like owner that moves its own watch to another EventsWatch from its handler. */
typedef struct Mover {
        Heard heard;
        const char *path;
        EventsWatch *on, *other;
        int wd;
        bool move;
} Mover;

static void mover_handler(void *userdata, unsigned what) {
        Mover *m = userdata;
        EventsWatch *t;
        int wd;

        handler(&m->heard, what);
        if (!m->move)
                return;
        wd = events_watch_add(m->other, m->path, m);
        g_assert_cmpint(wd, >=, 0);
        g_assert_cmpint(events_watch_remove(m->on, m->wd), ==, -1);
        m->wd = wd;
        t = m->on, m->on = m->other, m->other = t;
        m->move = false;
}

static void test_move(void) {
        g_autofree char *dir = g_dir_make_tmp("memmon-ew-XXXXXX", NULL);
        enum { N = 6 };
        Mover mv[N] = {};
        char *paths[N];
        sd_event *e = NULL;
        EventsWatch *w1 = NULL, *w2 = NULL;

        g_assert_cmpint(sd_event_new(&e), >=, 0);
        g_assert_cmpint(events_watch_new(e, 0, mover_handler, &w1), ==, 0);
        g_assert_cmpint(events_watch_new(e, 20 * USEC_PER_MSEC, mover_handler, &w2), ==, 0);
        for (int i = 0; i < N; i++) {
                paths[i] = g_strdup_printf("%s/m%d.service", dir, i);
                make_cgroup(paths[i]);
                mv[i] = (Mover) { .path = paths[i], .on = w1, .other = w2, .move = i % 2 == 0 };
                mv[i].wd = events_watch_add(w1, paths[i], &mv[i]);
                g_assert_cmpint(mv[i].wd, >=, 0);
        }

        /* Handlers that move their watch mid-batch: every owner is still called exactly
         * once, in that one dispatch (our removals' IN_IGNORED would otherwise cover up
         * a skipped one by a second drain). */
        for (int i = 0; i < N; i++)
                touch(paths[i]);
        g_assert_cmpint(sd_event_run(e, 200 * USEC_PER_MSEC), >, 0);
        for (int i = 0; i < N; i++)
                g_assert_cmpuint(mv[i].heard.modified, ==, 1);
        run_briefly(e);
        for (int i = 0; i < N; i++)
                g_assert_cmpuint(mv[i].heard.modified, ==, 1);
        g_assert_cmpuint(events_watch_count(w1), ==, N / 2);
        g_assert_cmpuint(events_watch_count(w2), ==, N / 2);

        /* Each now hears through the watch it moved to, once. */
        for (int i = 0; i < N; i++)
                touch(paths[i]);
        run_briefly(e);
        run_briefly(e);
        for (int i = 0; i < N; i++) {
                g_assert_cmpuint(mv[i].heard.modified, ==, 2);
                g_assert_true(mv[i].on == (i % 2 == 0 ? w2 : w1));
        }

        g_assert_null(events_watch_free(w1));
        g_assert_null(events_watch_free(w2));
        sd_event_unref(e);
        for (int i = 0; i < N; i++) {
                remove_cgroup(paths[i]);
                g_free(paths[i]);
        }
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/events-watch/many", test_many);
        g_test_add_func("/events-watch/storm", test_storm);
        g_test_add_func("/events-watch/move", test_move);
        return g_test_run();
}
