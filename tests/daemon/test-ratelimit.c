/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>

#include "ratelimit.h"

static void test_budget(void) {
        RateLimit rl = RATELIMIT_INIT(USEC_PER_HOUR, 3);
        unsigned suppressed = 99;
        usec_t t = 5 * USEC_PER_SEC;

        g_assert_true(ratelimit_below(&rl, t, &suppressed));
        g_assert_cmpuint(suppressed, ==, 0);
        g_assert_true(ratelimit_below(&rl, t + 1, NULL));
        g_assert_true(ratelimit_below(&rl, t + 2, NULL));
        g_assert_false(ratelimit_below(&rl, t + 3, NULL));
        g_assert_false(ratelimit_below(&rl, t + USEC_PER_HOUR - 1, NULL));
        g_assert_cmpuint(rl.suppressed, ==, 2);
        /* Next window: allowed again, and the refused count is handed over once. */
        g_assert_true(ratelimit_below(&rl, t + USEC_PER_HOUR, &suppressed));
        g_assert_cmpuint(suppressed, ==, 2);
        g_assert_true(ratelimit_below(&rl, t + USEC_PER_HOUR + 1, &suppressed));
        g_assert_cmpuint(suppressed, ==, 0);
}

static void test_edges(void) {
        RateLimit unlimited = RATELIMIT_INIT(0, 0), none = RATELIMIT_INIT(USEC_PER_HOUR, 0);

        for (int i = 0; i < 1000; i++)
                g_assert_true(ratelimit_below(&unlimited, i, NULL));
        g_assert_false(ratelimit_below(&none, 0, NULL));
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/ratelimit/budget", test_budget);
        g_test_add_func("/ratelimit/edges", test_edges);
        return g_test_run();
}
