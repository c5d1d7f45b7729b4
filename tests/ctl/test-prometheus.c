/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "prometheus.h"

static void test_escape(void) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "foo.service", "foo.service" },
                { "", "" },
                { "a\"b", "a\\\"b" },
                { "a\\x2db.service", "a\\\\x2db.service" },
                { "line\nbreak", "line\\nbreak" },
                { "\\\"\n", "\\\\\\\"\\n" },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *e = NULL;

                g_assert_cmpint(prometheus_escape_label(cases[i].in, &e), ==, 0);
                g_assert_cmpstr(e, ==, cases[i].out);
        }
}

static void test_double(void) {
        char b[PROMETHEUS_DOUBLE_MAX];

        g_assert_cmpstr(prometheus_format_double(b, sizeof(b), 0.0), ==, "0");
        g_assert_cmpstr(prometheus_format_double(b, sizeof(b), 0.1), ==, "0.1");
        g_assert_cmpstr(prometheus_format_double(b, sizeof(b), -1258291.2), ==, "-1258291.2");
        g_assert_cmpstr(prometheus_format_double(b, sizeof(b), 1e21), ==, "1e+21");
        g_assert_cmpstr(prometheus_format_double(b, sizeof(b), NAN), ==, "NaN");
        g_assert_cmpstr(prometheus_format_double(b, sizeof(b), INFINITY), ==, "+Inf");
        g_assert_cmpstr(prometheus_format_double(b, sizeof(b), -INFINITY), ==, "-Inf");
        /* Needs all 17 digits to read back exactly. */
        prometheus_format_double(b, sizeof(b), 0.1 + 0.2);
        g_assert_cmpfloat(strtod(b, NULL), ==, 0.1 + 0.2);
}

static char *write_sample(void) {
        UnitRow rows[] = {
                {
                        .name = (char *) "db.service", .current = 1073741824, .peak = 2147483648, .anon = 1000,
                        .memory_max = 4294967296, .pattern = (char *) "leak", .confidence = 91,
                        .growth = 1258291.2, .time_to_limit = 90 * USEC_PER_MINUTE, .active_alerts = 2,
                },
                {
                        .name = (char *) "we\"ird\\x2d.service", .current = 5, .peak = 5, .anon = 5,
                        .memory_max = CTL_NONE, .pattern = (char *) "stable", .confidence = 0,
                        .growth = -3.5, .time_to_limit = CTL_NONE, .active_alerts = 0,
                },
        };
        UnitList l = { .rows = rows, .n = G_N_ELEMENTS(rows) };
        ManagerInfo m = {
                .version = (char *) "0.1", .sample_interval = USEC_PER_SEC, .n_units = 2, .n_active_alerts = 2,
                .host_mem_total = 8ULL << 30, .host_mem_available = 3ULL << 30, .host_pressure_full_avg10 = 1.25,
                .own_rss = 4 << 20, .n_samples = 1234, .health = (char *) "degraded",
        };
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        g_assert_nonnull(f);
        g_assert_cmpint(prometheus_write(f, &m, &l), ==, 0);
        g_assert_cmpint(fclose(f), ==, 0);
        return buf;
}

static void test_write(void) {
        g_autofree char *s = write_sample();

        g_assert_nonnull(strstr(s, "# HELP memmon_unit_memory_current_bytes "));
        g_assert_nonnull(strstr(s, "# TYPE memmon_unit_memory_current_bytes gauge\n"
                                   "memmon_unit_memory_current_bytes{unit=\"db.service\"} 1073741824\n"
                                   "memmon_unit_memory_current_bytes{unit=\"we\\\"ird\\\\x2d.service\"} 5\n"));
        g_assert_nonnull(strstr(s, "memmon_unit_growth_bytes_per_minute{unit=\"db.service\"} 1258291.2\n"));
        g_assert_nonnull(strstr(s, "memmon_unit_growth_bytes_per_minute{unit=\"we\\\"ird\\\\x2d.service\"} -3.5\n"));
        g_assert_nonnull(strstr(s, "memmon_unit_leak_confidence{unit=\"db.service\"} 91\n"));
        g_assert_nonnull(strstr(s, "memmon_unit_active_alerts{unit=\"db.service\"} 2\n"));
        g_assert_nonnull(strstr(s, "memmon_unit_time_to_limit_seconds{unit=\"db.service\"} 5400\n"));
        g_assert_nonnull(strstr(s, "memmon_unit_memory_max_bytes{unit=\"db.service\"} 4294967296\n"));
        g_assert_nonnull(strstr(s, "memmon_host_memory_available_bytes 3221225472\n"));
        g_assert_nonnull(strstr(s, "memmon_host_pressure_full_avg10 1.25\n"));
        g_assert_nonnull(strstr(s, "# TYPE memmon_samples_total counter\nmemmon_samples_total 1234\n"));
        g_assert_nonnull(strstr(s, "memmon_health{status=\"degraded\"} 1\n"));
        g_assert_nonnull(strstr(s, "memmon_health{status=\"ok\"} 0\n"));
        g_assert_nonnull(strstr(s, "memmon_unit_pattern{unit=\"db.service\",pattern=\"leak\"} 1\n"));
        g_assert_nonnull(strstr(s, "memmon_build_info{version=\"0.1\"} 1\n"));
        /* "none" is left out, never exported as 2^64-1. */
        g_assert_null(strstr(s, "18446744073709551615"));
        g_assert_null(strstr(s, "memmon_unit_memory_max_bytes{unit=\"we"));
        g_assert_null(strstr(s, "memmon_unit_time_to_limit_seconds{unit=\"we"));
}

/* Every sample line belongs to the family declared by the TYPE line before it, each family once. */
static void test_well_formed(void) {
        g_autofree char *s = write_sample();
        g_auto(GStrv) lines = g_strsplit(s, "\n", -1);
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autofree char *family = NULL;
        size_t n_samples = 0;

        g_assert_true(g_str_has_suffix(s, "\n"));
        for (char **l = lines; *l && **l; l++) {
                if (g_str_has_prefix(*l, "# HELP ")) {
                        g_auto(GStrv) w = g_strsplit(*l, " ", 4);
                        g_assert_nonnull(w[2]);
                        g_assert_false(g_hash_table_contains(seen, w[2]));
                        g_hash_table_add(seen, g_strdup(w[2]));
                        g_free(family);
                        family = g_strdup(w[2]);
                        continue;
                }
                if (g_str_has_prefix(*l, "# TYPE ")) {
                        g_auto(GStrv) w = g_strsplit(*l, " ", 4);
                        g_assert_cmpstr(w[2], ==, family);
                        g_assert_true(g_str_equal(w[3], "gauge") || g_str_equal(w[3], "counter"));
                        continue;
                }
                g_assert_nonnull(family);
                g_assert_true(g_str_has_prefix(*l, family));
                g_assert_true((*l)[strlen(family)] == '{' || (*l)[strlen(family)] == ' ');
                n_samples++;
        }
        g_assert_cmpuint(n_samples, >, 20);
}

static void test_empty(void) {
        UnitList l = {};
        ManagerInfo m = {};
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        g_assert_cmpint(prometheus_write(f, &m, &l), ==, 0);
        g_assert_cmpint(fclose(f), ==, 0);
        g_assert_nonnull(strstr(buf, "memmon_build_info{version=\"\"} 1\n"));
        g_assert_nonnull(strstr(buf, "memmon_units 0\n"));
        free(buf);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/prometheus/escape", test_escape);
        g_test_add_func("/prometheus/double", test_double);
        g_test_add_func("/prometheus/write", test_write);
        g_test_add_func("/prometheus/well-formed", test_well_formed);
        g_test_add_func("/prometheus/empty", test_empty);
        return g_test_run();
}
