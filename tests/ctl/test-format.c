/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "format-util.h"
#include "unit-name.h"

static void test_bytes(void) {
        char b[FORMAT_BYTES_MAX];

        g_assert_cmpstr(format_bytes(b, sizeof(b), 0), ==, "0B");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 1023), ==, "1023B");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 1024), ==, "1.0K");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 1536), ==, "1.5K");
        /* Rounded; what rounds to 1024 of a unit is 1.0 of the next. */
        g_assert_cmpstr(format_bytes(b, sizeof(b), 1048575), ==, "1.0M");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 1048524), ==, "1023.9K");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 1258291), ==, "1.2M");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 1100), ==, "1.1K");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 12897485), ==, "12.3M");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 2ULL << 30), ==, "2.0G");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 5ULL << 40), ==, "5.0T");
        g_assert_cmpstr(format_bytes(b, sizeof(b), 3ULL << 50), ==, "3.0P");
        g_assert_cmpstr(format_bytes(b, sizeof(b), UINT64_MAX - 1), ==, "16.0E");
        g_assert_cmpstr(format_bytes(b, sizeof(b), UINT64_MAX), ==, "infinity");
}

static void test_bytes_small_buffer(void) {
        char b[4];

        /* Cut, but always terminated. */
        g_assert_cmpstr(format_bytes(b, sizeof(b), 12897485), ==, "12.");
}

static void test_growth(void) {
        char b[FORMAT_GROWTH_MAX];

        g_assert_cmpstr(format_growth(b, sizeof(b), 0.0), ==, "0/min");
        g_assert_cmpstr(format_growth(b, sizeof(b), 0.4), ==, "0/min");
        g_assert_cmpstr(format_growth(b, sizeof(b), -0.9), ==, "0/min");
        g_assert_cmpstr(format_growth(b, sizeof(b), 1258291.2), ==, "+1.2M/min");
        g_assert_cmpstr(format_growth(b, sizeof(b), -524288.0), ==, "-512.0K/min");
        g_assert_cmpstr(format_growth(b, sizeof(b), 100.0), ==, "+100B/min");
        g_assert_cmpstr(format_growth(b, sizeof(b), NAN), ==, "n/a");
        g_assert_cmpstr(format_growth(b, sizeof(b), INFINITY), ==, "+infinity/min");
        g_assert_cmpstr(format_growth(b, sizeof(b), 1e300), ==, "+infinity/min");
}

static void test_percent(void) {
        char b[FORMAT_PERCENT_MAX];

        g_assert_cmpstr(format_percent_of(b, sizeof(b), 850, 1000), ==, "85%");
        g_assert_cmpstr(format_percent_of(b, sizeof(b), 899, 1000), ==, "89%");
        g_assert_cmpstr(format_percent_of(b, sizeof(b), 2000, 1000), ==, "200%");
        g_assert_cmpstr(format_percent_of(b, sizeof(b), 1, 1000), ==, "0%");
        g_assert_cmpstr(format_percent_of(b, sizeof(b), 5, 0), ==, "-");
        g_assert_cmpstr(format_percent_of(b, sizeof(b), 5, UINT64_MAX), ==, "-");
}

static void test_timestamp(void) {
        char b[FORMAT_TIMESTAMP_MAX];
        /* 2024-05-01 12:03:04 UTC, a Wednesday */
        usec_t t = 1714564984ULL * USEC_PER_SEC + 123456;

        g_assert_cmpstr(format_timestamp(b, sizeof(b), t, true), ==, "Wed 2024-05-01 12:03:04 UTC");
        g_assert_cmpstr(format_timestamp(b, sizeof(b), t, false), ==, "2024-05-01 12:03:04");
        g_assert_cmpstr(format_timestamp(b, sizeof(b), 0, true), ==, "-");
        g_assert_cmpstr(format_timestamp(b, sizeof(b), USEC_INFINITY, false), ==, "-");
}

static void test_timespan(void) {
        char b[FORMAT_DURATION_MAX];

        g_assert_cmpstr(format_timespan(b, sizeof(b), USEC_INFINITY), ==, "-");
        g_assert_cmpstr(format_timespan(b, sizeof(b), 0), ==, "0");
        g_assert_cmpstr(format_timespan(b, sizeof(b), 2 * USEC_PER_HOUR + 5 * USEC_PER_MINUTE + 7 * USEC_PER_SEC),
                        ==, "2h 5min");
        g_assert_cmpstr(format_timespan(b, sizeof(b), 200 * USEC_PER_MSEC), ==, "200ms");
}

static void test_unit_name_mangle(void) {
        char *s;

        g_assert_cmpint(unit_name_mangle("nginx", &s), ==, 0);
        g_assert_cmpstr(s, ==, "nginx.service");
        free(s);
        g_assert_cmpint(unit_name_mangle("session-3.scope", &s), ==, 0);
        g_assert_cmpstr(s, ==, "session-3.scope");
        free(s);
        g_assert_cmpint(unit_name_mangle("user@1000.service", &s), ==, 0);
        g_assert_cmpstr(s, ==, "user@1000.service");
        free(s);
        g_assert_cmpint(unit_name_mangle("", &s), ==, -EINVAL);
        g_assert_cmpint(unit_name_mangle(NULL, &s), ==, -EINVAL);
}

int main(int argc, char *argv[]) {
        setenv("TZ", "UTC", 1);
        tzset();
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/format/bytes", test_bytes);
        g_test_add_func("/format/bytes-small-buffer", test_bytes_small_buffer);
        g_test_add_func("/format/growth", test_growth);
        g_test_add_func("/format/percent", test_percent);
        g_test_add_func("/format/timestamp", test_timestamp);
        g_test_add_func("/format/timespan", test_timespan);
        g_test_add_func("/unit-name/mangle", test_unit_name_mangle);
        return g_test_run();
}
