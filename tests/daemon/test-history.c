/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <glib.h>

#include "history.h"

static void test_ring_bounded(void) {
        History *h = NULL;
        HistoryPoint pts[256];
        size_t n;

        g_assert_cmpint(history_new(&h, 10, 5), ==, 0);
        /* 20 minutes at 5 s: the raw ring keeps 10, coarse keeps 5 minute means. */
        for (unsigned i = 0; i < 240; i++)
                g_assert_cmpint(history_add(h, 1000 * USEC_PER_SEC + i * 5 * USEC_PER_SEC,
                                            (uint64_t) i * 4096, i * 4096ULL, 0), ==, 0);
        g_assert_cmpuint(history_raw_count(h), ==, 10);
        g_assert_cmpuint(history_coarse_count(h), ==, 5);
        n = history_get(h, 0, pts, G_N_ELEMENTS(pts));
        g_assert_cmpuint(n, ==, 15);
        for (size_t i = 1; i < n; i++)
                g_assert_cmpuint(pts[i].t, >, pts[i - 1].t);
        g_assert_cmpuint(pts[n - 1].current, ==, 239 * 4096);
        /* Limited output keeps the newest points. */
        n = history_get(h, 0, pts, 3);
        g_assert_cmpuint(n, ==, 3);
        g_assert_cmpuint(pts[2].current, ==, 239 * 4096);
        g_assert_cmpint(history_add(h, 10 * USEC_PER_SEC, 1, 1, 1), ==, -ESTALE);
        history_reset(h);
        g_assert_cmpuint(history_get(h, 0, pts, 10), ==, 0);
        g_assert_null(history_free(h));
        g_assert_null(history_free(NULL));
}

static void test_memory_constant(void) {
        History *h = NULL;
        size_t before;

        g_assert_cmpint(history_new(&h, 60, 60), ==, 0);
        before = history_memory_bytes(h);
        for (unsigned i = 0; i < 100000; i++)
                history_add(h, (usec_t) i * USEC_PER_SEC, 1ULL << 30, 1ULL << 29, 1ULL << 29);
        g_assert_cmpuint(history_memory_bytes(h), ==, before);
        /* 120 entries of 12 bytes plus the header, in one allocation */
        g_assert_cmpuint(before, <=, 120 * 12 + 128);
        history_free(h);
}

static void assert_share(uint64_t got, uint64_t want, uint64_t current) {
        /* anon and file are kept as shares of current: within 1/65535 of it, plus page rounding. */
        uint64_t tol = current / 65535 + 4096;
        g_assert_cmpuint(got, <=, want + tol);
        g_assert_cmpuint(got + tol, >=, want);
}

static void test_shares(void) {
        static const struct {
                uint64_t current, anon, file;
        } cases[] = {
                { 0, 0, 0 },
                { 4096, 4096, 0 },
                { 100ULL << 20, 30ULL << 20, 70ULL << 20 },
                { 4ULL << 30, (4ULL << 30) - 12345678, 12345678 },
                { 8ULL << 40, 3ULL << 40, 5ULL << 40 },         /* 8 TiB */
                { 15ULL << 40, 1, 15ULL << 40 },
        };
        History *h = NULL;
        HistoryPoint p;

        g_assert_cmpint(history_new(&h, 4, 2), ==, 0);
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_assert_cmpint(history_add(h, (i + 1) * USEC_PER_SEC, cases[i].current, cases[i].anon, cases[i].file), ==, 0);
                g_assert_cmpuint(history_get(h, (i + 1) * USEC_PER_SEC, &p, 1), ==, 1);
                g_assert_cmpuint(p.current, ==, cases[i].current / 4096 * 4096);
                assert_share(p.anon, cases[i].anon, cases[i].current);
                assert_share(p.file, cases[i].file, cases[i].current);
        }
        /* memory.stat read a moment apart from memory.current may exceed it: clamped to current. */
        g_assert_cmpint(history_add(h, 10 * USEC_PER_SEC, 1 << 20, 2 << 20, 3 << 20), ==, 0);
        g_assert_cmpuint(history_get(h, 10 * USEC_PER_SEC, &p, 1), ==, 1);
        g_assert_cmpuint(p.anon, ==, 1 << 20);
        g_assert_cmpuint(p.file, ==, 1 << 20);
        history_free(h);
}

static void test_resize(void) {
        History *h = NULL;
        HistoryPoint pts[64];
        size_t n;

        g_assert_cmpint(history_new(&h, 10, 5), ==, 0);
        for (unsigned i = 0; i < 100; i++)     /* 500 s: 10 raw, 5 coarse, a minute in progress */
                g_assert_cmpint(history_add(h, (i + 1) * 5 * USEC_PER_SEC, (i + 1) * 4096ULL, 0, 0), ==, 0);

        /* Same size: nothing happens. */
        History *same = h;
        g_assert_cmpint(history_resize(&h, 10, 5), ==, 0);
        g_assert_true(h == same);

        /* Smaller: the newest survive. */
        g_assert_cmpint(history_resize(&h, 4, 2), ==, 0);
        g_assert_cmpuint(history_raw_count(h), ==, 4);
        g_assert_cmpuint(history_coarse_count(h), ==, 2);
        n = history_get(h, 0, pts, G_N_ELEMENTS(pts));
        g_assert_cmpuint(n, ==, 6);
        g_assert_cmpuint(pts[n - 1].current, ==, 100 * 4096);
        g_assert_cmpuint(pts[n - 4].current, ==, 97 * 4096);
        g_assert_cmpuint(history_memory_bytes(h), <, 6 * 12 + 128);

        /* A larger coarse ring, a smaller raw one; the minute in progress is not lost. */
        g_assert_cmpint(history_resize(&h, 3, 10), ==, 0);
        g_assert_cmpuint(history_raw_count(h), ==, 3);
        g_assert_cmpuint(history_coarse_count(h), ==, 2);
        for (unsigned i = 100; i < 112; i++)   /* up to 560 s */
                g_assert_cmpint(history_add(h, (i + 1) * 5 * USEC_PER_SEC, (i + 1) * 4096ULL, 0, 0), ==, 0);
        g_assert_cmpuint(history_raw_count(h), ==, 3);
        g_assert_cmpuint(history_coarse_count(h), ==, 3);
        n = history_get(h, 0, pts, G_N_ELEMENTS(pts));
        g_assert_cmpuint(n, ==, 6);
        for (size_t i = 1; i < n; i++)
                g_assert_cmpuint(pts[i].t, >, pts[i - 1].t);
        /* The minute [480 s, 540 s) began before the resize: its mean spans both sides (96..107 pages). */
        g_assert_cmpuint(pts[2].t, ==, 510 * USEC_PER_SEC);
        g_assert_cmpuint(pts[2].current, ==, 102 * 4096);
        g_assert_cmpuint(pts[5].current, ==, 112 * 4096);
        history_free(h);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/history/ring-bounded", test_ring_bounded);
        g_test_add_func("/history/memory-constant", test_memory_constant);
        g_test_add_func("/history/shares", test_shares);
        g_test_add_func("/history/resize", test_resize);
        return g_test_run();
}
