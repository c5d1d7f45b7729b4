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
        g_assert_cmpuint(before, <, 2048 + 64);
        history_free(h);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/history/ring-bounded", test_ring_bounded);
        g_test_add_func("/history/memory-constant", test_memory_constant);
        return g_test_run();
}
