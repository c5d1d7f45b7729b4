/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <glib.h>

#include "series.h"

#define MONO0 (1000 * USEC_PER_SEC)
#define OFFSET (1700000000ULL * USEC_PER_SEC)  /* realtime - monotonic */

/* n samples one second apart from MONO0; current = i pages. */
static History *make(unsigned raw, unsigned coarse, unsigned n) {
        History *h = NULL;

        g_assert_cmpint(history_new(&h, raw, coarse), ==, 0);
        for (unsigned i = 0; i < n; i++)
                g_assert_cmpint(history_add(h, MONO0 + i * USEC_PER_SEC, i * 4096ULL, i * 4096ULL, 0), ==, 0);
        return h;
}

static void test_realtime(void) {
        History *h = make(100, 10, 10);
        usec_t now_mono = MONO0 + 10 * USEC_PER_SEC;
        HistoryPoint *p = NULL;
        size_t n;

        g_assert_cmpint(series_get(h, 0, 0, now_mono, now_mono + OFFSET, &p, &n), ==, 0);
        g_assert_cmpuint(n, ==, 10);
        g_assert_cmpuint(p[0].t, ==, MONO0 + OFFSET);
        g_assert_cmpuint(p[9].t, ==, MONO0 + 9 * USEC_PER_SEC + OFFSET);
        g_assert_cmpuint(p[9].current, ==, 9 * 4096);
        g_free(p);

        /* since is realtime too */
        g_assert_cmpint(series_get(h, MONO0 + 7 * USEC_PER_SEC + OFFSET, 0, now_mono, now_mono + OFFSET, &p, &n),
                        ==, 0);
        g_assert_cmpuint(n, ==, 3);
        g_assert_cmpuint(p[0].current, ==, 7 * 4096);
        g_free(p);

        /* The future and absurd buckets are refused; the present is fine. */
        g_assert_cmpint(series_get(h, now_mono + OFFSET + 1, 0, now_mono, now_mono + OFFSET, &p, &n), ==, -EINVAL);
        g_assert_cmpint(series_get(h, 0, SERIES_MAX_RESOLUTION + 1, now_mono, now_mono + OFFSET, &p, &n), ==, -EINVAL);
        g_assert_cmpint(series_get(h, now_mono + OFFSET, 0, now_mono, now_mono + OFFSET, &p, &n), ==, 0);
        g_assert_cmpuint(n, ==, 0);
        g_free(p);
        history_free(h);
}

static void test_clock_before_epoch_offset(void) {
        History *h = make(100, 10, 5);
        HistoryPoint *p = NULL;
        size_t n;

        /* A realtime clock behind monotonic (set to 1970): no wrap-around. */
        g_assert_cmpint(series_get(h, 0, 0, MONO0 + 5 * USEC_PER_SEC, 2 * USEC_PER_SEC, &p, &n), ==, 0);
        g_assert_cmpuint(n, ==, 5);
        g_assert_cmpuint(p[0].t, ==, 0);
        g_assert_cmpuint(p[4].t, ==, 1 * USEC_PER_SEC);
        g_free(p);
        history_free(h);
}

static void test_buckets(void) {
        History *h = make(100, 10, 10);
        usec_t now_mono = MONO0 + 10 * USEC_PER_SEC;
        HistoryPoint *p = NULL;
        size_t n;

        /* 5 s buckets aligned in realtime: samples 0-4 and 5-9. */
        g_assert_cmpint(series_get(h, 0, 5 * USEC_PER_SEC, now_mono, now_mono + OFFSET, &p, &n), ==, 0);
        g_assert_cmpuint(n, ==, 2);
        g_assert_cmpuint(p[0].current, ==, 2 * 4096);
        g_assert_cmpuint(p[0].t, ==, MONO0 + 2 * USEC_PER_SEC + OFFSET);
        g_assert_cmpuint(p[1].current, ==, 7 * 4096);
        g_assert_cmpuint(p[1].anon, ==, 7 * 4096);
        g_free(p);

        /* A bucket wider than everything: one mean. */
        g_assert_cmpint(series_get(h, 0, USEC_PER_HOUR, now_mono, now_mono + OFFSET, &p, &n), ==, 0);
        g_assert_cmpuint(n, <=, 2); /* at most one hour boundary inside 10 s */
        g_free(p);
        history_free(h);
}

static void test_bounded(void) {
        unsigned total = SERIES_MAX_POINTS + 500;
        History *h = make(total, 10, total);
        usec_t now_mono = MONO0 + total * USEC_PER_SEC;
        HistoryPoint *p = NULL;
        size_t n;

        /* The newest SERIES_MAX_POINTS, as stored and in 1 s buckets. */
        g_assert_cmpint(series_get(h, 0, 0, now_mono, now_mono + OFFSET, &p, &n), ==, 0);
        g_assert_cmpuint(n, ==, SERIES_MAX_POINTS);
        g_assert_cmpuint(p[n - 1].current, ==, (total - 1) * 4096ULL);
        g_free(p);
        g_assert_cmpint(series_get(h, 0, USEC_PER_SEC, now_mono, now_mono + OFFSET, &p, &n), ==, 0);
        g_assert_cmpuint(n, ==, SERIES_MAX_POINTS);
        g_assert_cmpuint(p[n - 1].current, ==, (total - 1) * 4096ULL);
        g_assert_cmpuint(p[0].current, ==, 500 * 4096ULL);
        g_free(p);
        history_free(h);
}

static void test_empty(void) {
        History *h = make(10, 10, 0);
        HistoryPoint *p = NULL;
        size_t n = 1;

        g_assert_cmpint(series_get(h, 0, USEC_PER_SEC, MONO0, MONO0 + OFFSET, &p, &n), ==, 0);
        g_assert_cmpuint(n, ==, 0);
        g_free(p);
        history_free(h);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/series/realtime", test_realtime);
        g_test_add_func("/series/clock-behind", test_clock_before_epoch_offset);
        g_test_add_func("/series/buckets", test_buckets);
        g_test_add_func("/series/bounded", test_bounded);
        g_test_add_func("/series/empty", test_empty);
        return g_test_run();
}
