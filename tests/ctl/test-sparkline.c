/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <stdlib.h>

#include "sparkline.h"
#include "table.h"

static char *spark(const uint64_t *v, size_t n, size_t width) {
        char *s = NULL;

        g_assert_cmpint(sparkline_render(v, n, width, &s), ==, 0);
        g_assert_nonnull(s);
        return s;
}

static void test_ramp(void) {
        const uint64_t v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
        g_autofree char *s = spark(v, 8, 80);

        g_assert_cmpstr(s, ==, "▁▂▃▄▅▆▇█");
}

static void test_scaled(void) {
        /* Offsets do not matter: the lowest cell is ▁, the highest █. */
        const uint64_t v[] = { 1000000, 1000070, 1000035 };
        g_autofree char *s = spark(v, 3, 80);

        g_assert_cmpstr(s, ==, "▁█▅");
}

static void test_flat(void) {
        const uint64_t v[] = { 42, 42, 42 }, z[] = { 0, 0 };
        g_autofree char *s = spark(v, 3, 80);
        g_autofree char *t = spark(z, 2, 80);

        g_assert_cmpstr(s, ==, "▄▄▄");
        g_assert_cmpstr(t, ==, "▁▁");
}

static void test_bucketed_keeps_spike(void) {
        uint64_t v[1000] = {};
        g_autofree char *s = NULL;

        v[501] = 1000; /* one point out of a thousand */
        s = spark(v, G_N_ELEMENTS(v), 10);
        g_assert_cmpuint(utf8_width(s), ==, 10);
        g_assert_cmpstr(s, ==, "▁▁▁▁▁█▁▁▁▁");
}

static void test_width_limits(void) {
        uint64_t v[200];
        g_autofree char *s = NULL, *one = NULL, *none = NULL, *empty = NULL;

        for (size_t i = 0; i < G_N_ELEMENTS(v); i++)
                v[i] = i;
        s = spark(v, G_N_ELEMENTS(v), 80);
        g_assert_cmpuint(utf8_width(s), ==, 80);
        g_assert_cmpuint(strlen(s), ==, 80 * 3);
        g_assert_true(g_str_has_prefix(s, "▁"));
        g_assert_true(g_str_has_suffix(s, "█"));

        one = spark(v, G_N_ELEMENTS(v), 1);
        g_assert_cmpstr(one, ==, "▄"); /* one cell: a flat line */
        none = spark(v, G_N_ELEMENTS(v), 0);
        g_assert_cmpstr(none, ==, "");
        empty = spark(NULL, 0, 80);
        g_assert_cmpstr(empty, ==, "");
}

static void test_extremes(void) {
        const uint64_t v[] = { 0, UINT64_MAX, UINT64_MAX / 2 };
        g_autofree char *s = spark(v, 3, 80);

        g_assert_cmpstr(s, ==, "▁█▅");
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/sparkline/ramp", test_ramp);
        g_test_add_func("/sparkline/scaled", test_scaled);
        g_test_add_func("/sparkline/flat", test_flat);
        g_test_add_func("/sparkline/bucketed-keeps-spike", test_bucketed_keeps_spike);
        g_test_add_func("/sparkline/width-limits", test_width_limits);
        g_test_add_func("/sparkline/extremes", test_extremes);
        return g_test_run();
}
