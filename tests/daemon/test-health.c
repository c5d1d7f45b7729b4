/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "health.h"

#define INTERVAL (5 * USEC_PER_SEC)
#define NOW (1000 * USEC_PER_SEC)

static HealthStatus judge(const HealthInputs *in, char ***problems) {
        HealthStatus s = _HEALTH_MAX;

        g_assert_cmpint(health_evaluate(in, &s, problems), ==, 0);
        return s;
}

static void test_ok(void) {
        HealthInputs in = { .now = NOW, .last_tick = NOW - INTERVAL, .sample_interval = INTERVAL, .max_units = 2000 };
        char **problems = NULL;

        g_assert_cmpint(judge(&in, &problems), ==, HEALTH_OK);
        g_assert_null(problems[0]);
        g_strfreev(problems);
        /* Just started: no tick yet is not a problem. */
        in.last_tick = 0;
        g_assert_cmpint(judge(&in, NULL), ==, HEALTH_OK);
        g_assert_cmpstr(health_status_to_string(HEALTH_OK), ==, "ok");
        g_assert_cmpstr(health_status_to_string(HEALTH_DEGRADED), ==, "degraded");
        g_assert_cmpstr(health_status_to_string(HEALTH_FAILING), ==, "failing");
}

static void test_late_ticks(void) {
        HealthInputs in = { .now = NOW, .sample_interval = INTERVAL, .max_units = 2000 };
        char **problems = NULL;

        in.last_tick = NOW - 3 * INTERVAL;
        g_assert_cmpint(judge(&in, NULL), ==, HEALTH_OK);
        in.last_tick = NOW - 3 * INTERVAL - 1;
        g_assert_cmpint(judge(&in, &problems), ==, HEALTH_DEGRADED);
        g_assert_nonnull(strstr(problems[0], "No sample taken"));
        g_strfreev(problems);
        in.last_tick = NOW - 10 * INTERVAL;
        g_assert_cmpint(judge(&in, NULL), ==, HEALTH_DEGRADED);
        in.last_tick = NOW - 10 * INTERVAL - 1;
        g_assert_cmpint(judge(&in, NULL), ==, HEALTH_FAILING);
        /* Failing wins over degraded reasons. */
        in.psi_refused = true;
        g_assert_cmpint(judge(&in, &problems), ==, HEALTH_FAILING);
        g_assert_cmpuint(g_strv_length(problems), ==, 2);
        g_strfreev(problems);
}

static void test_degraded_reasons(void) {
        HealthInputs in = { .now = NOW, .last_tick = NOW, .sample_interval = INTERVAL, .max_units = 2000 };
        char **problems = NULL;

        in.psi_refused = true;
        in.units_over_limit = 3;
        in.journal_error = -EAGAIN;
        in.journal_errors = 7;
        g_assert_cmpint(judge(&in, &problems), ==, HEALTH_DEGRADED);
        g_assert_cmpuint(g_strv_length(problems), ==, 3);
        g_assert_nonnull(strstr(problems[0], "PSI"));
        g_assert_nonnull(strstr(problems[1], "MaxUnits=2000"));
        g_assert_nonnull(strstr(problems[1], "3 units"));
        g_assert_nonnull(strstr(problems[2], "7 failed"));
        g_strfreev(problems);

        /* All five kinds at once (ticks late, too): every one is said. */
        in.last_tick = NOW - 5 * INTERVAL;
        in.units_unwatchable = 2;
        in.unwatchable_error = -ENOSPC;
        g_assert_cmpint(judge(&in, &problems), ==, HEALTH_DEGRADED);
        g_assert_cmpuint(g_strv_length(problems), ==, 5);
        g_assert_nonnull(strstr(problems[4], "7 failed"));
        g_strfreev(problems);

        /* Journal errors in the past that stopped are not a problem now. */
        in = (HealthInputs) { .now = NOW, .last_tick = NOW, .sample_interval = INTERVAL, .journal_errors = 7 };
        g_assert_cmpint(judge(&in, NULL), ==, HEALTH_OK);
}

static void test_own_rss(void) {
        uint64_t rss = 0;

        g_assert_cmpint(own_rss_bytes(&rss), ==, 0);
        g_assert_cmpuint(rss, >, 64 * 1024);
        g_assert_cmpuint(rss, <, 1ULL << 40);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/health/ok", test_ok);
        g_test_add_func("/health/late-ticks", test_late_ticks);
        g_test_add_func("/health/degraded", test_degraded_reasons);
        g_test_add_func("/health/own-rss", test_own_rss);
        return g_test_run();
}
