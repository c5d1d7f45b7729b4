/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The analyser's robust statistics on inputs with known answers, and their
 * degenerate cases (no points, no spread, ties).
 */

#undef NDEBUG

#include <glib.h>
#include <errno.h>
#include <math.h>

#include "stats.h"

static void test_median(void) {
        double odd[] = { 5, 1, 4, 2, 3 }, even[] = { 8, 2, 6, 4 }, ties[] = { 7, 7, 7, 1 }, one[] = { -3 };

        g_assert_cmpfloat(stats_median_inplace(odd, G_N_ELEMENTS(odd)), ==, 3);
        g_assert_cmpfloat(stats_median_inplace(even, G_N_ELEMENTS(even)), ==, 5);
        g_assert_cmpfloat(stats_median_inplace(ties, G_N_ELEMENTS(ties)), ==, 7);
        g_assert_cmpfloat(stats_median_inplace(one, 1), ==, -3);
        g_assert_cmpfloat(stats_median_inplace(NULL, 0), ==, 0);
}

static void test_mad(void) {
        /* Median 3, absolute deviations {2, 1, 0, 1, 97}: MAD 1, the outlier ignored. */
        double a[] = { 1, 2, 3, 4, 100 }, flat[] = { 2, 2, 2 }, one[] = { 9 };

        g_assert_cmpfloat_with_epsilon(stats_mad_sigma_inplace(a, G_N_ELEMENTS(a)), STATS_MAD_TO_SIGMA, 1e-12);
        g_assert_cmpfloat(stats_mad_sigma_inplace(flat, G_N_ELEMENTS(flat)), ==, 0);
        g_assert_cmpfloat(stats_mad_sigma_inplace(one, 1), ==, 0);
}

static void test_theil_sen(void) {
        double x[10], y[10], scratch[STATS_THEIL_SEN_SCRATCH(10)];
        double tx[] = { 0, 0, 1, 1 }, ty[] = { 0, 1, 2, 3 };
        TheilSen ts;

        /* y = 3x + 2 with one wild point: the line survives, S counts one discordant pair less. */
        for (size_t i = 0; i < G_N_ELEMENTS(x); i++) {
                x[i] = (double) i;
                y[i] = 3.0 * (double) i + 2.0;
        }
        g_assert_cmpint(stats_theil_sen(x, y, 10, scratch, &ts), ==, 0);
        g_assert_cmpfloat_with_epsilon(ts.slope, 3.0, 1e-12);
        g_assert_cmpfloat_with_epsilon(ts.intercept, 2.0, 1e-12);
        g_assert_cmpint(ts.kendall_s, ==, 45);

        y[7] = -1000.0;
        g_assert_cmpint(stats_theil_sen(x, y, 10, scratch, &ts), ==, 0);
        g_assert_cmpfloat_with_epsilon(ts.slope, 3.0, 1e-12);
        g_assert_cmpfloat_with_epsilon(ts.intercept, 2.0, 1e-12);
        g_assert_cmpint(ts.kendall_s, ==, 45 - 2 * 7);

        /* Pairs with equal x give no slope but still count for S. */
        g_assert_cmpint(stats_theil_sen(tx, ty, 4, scratch, &ts), ==, 0);
        g_assert_cmpfloat(ts.slope, ==, 2.0);
        g_assert_cmpint(ts.kendall_s, ==, 6);

        g_assert_cmpint(stats_theil_sen(x, y, 1, scratch, &ts), ==, -EINVAL);
        g_assert_cmpfloat(ts.slope, ==, 0);
}

static void test_mann_kendall(void) {
        /* Ten increasing points: S = 45, var = 10·9·25/18 = 125, z = 44/√125. */
        g_assert_cmpfloat_with_epsilon(stats_mann_kendall_z(45, 10), 44.0 / sqrt(125.0), 1e-12);
        g_assert_cmpfloat_with_epsilon(stats_mann_kendall_z(-45, 10), -44.0 / sqrt(125.0), 1e-12);
        g_assert_cmpfloat(stats_mann_kendall_z(0, 10), ==, 0);
        g_assert_cmpfloat(stats_mann_kendall_z(1, 1), ==, 0);
        g_assert_cmpfloat(stats_kendall_tau(45, 10), ==, 1.0);
        g_assert_cmpfloat(stats_kendall_tau(-15, 6), ==, -1.0);
        g_assert_cmpfloat(stats_kendall_tau(0, 1), ==, 0);
}

static void test_least_squares(void) {
        double x[] = { 0, 1, 2, 3 }, y[] = { 1, 3, 5, 7 }, bent[] = { 0, 1, 0, 1 }, same[] = { 2, 2, 2, 2 };
        double a, c;

        g_assert_cmpfloat_with_epsilon(stats_least_squares(x, y, 4, &a, &c), 0.0, 1e-12);
        g_assert_cmpfloat_with_epsilon(a, 2.0, 1e-12);
        g_assert_cmpfloat_with_epsilon(c, 1.0, 1e-12);
        g_assert_cmpfloat_with_epsilon(stats_r2(x, y, 4, a, c), 1.0, 1e-12);

        /* Best line through 0,1,0,1 is 0.2 + 0.2x with SSR 0.8. */
        g_assert_cmpfloat_with_epsilon(stats_least_squares(x, bent, 4, &a, &c), 0.8, 1e-12);
        g_assert_cmpfloat_with_epsilon(a, 0.2, 1e-12);
        g_assert_cmpfloat_with_epsilon(c, 0.2, 1e-12);
        g_assert_cmpfloat_with_epsilon(stats_r2(x, bent, 4, a, c), 0.2, 1e-12);

        /* No spread in x: slope 0, the mean. No spread in y: R² 0. A worse-than-mean line clamps to 0. */
        stats_least_squares(same, y, 4, &a, &c);
        g_assert_cmpfloat(a, ==, 0);
        g_assert_cmpfloat(c, ==, 4);
        g_assert_cmpfloat(stats_r2(x, same, 4, 0, 2), ==, 0);
        g_assert_cmpfloat(stats_r2(x, y, 4, -5, 0), ==, 0);
        g_assert_cmpfloat(stats_least_squares(x, y, 0, NULL, NULL), ==, 0);
}

static void test_autocorr(void) {
        double alt[] = { 1, -1, 1, -1, 1, -1, 1, -1 }, zero[4] = {};

        g_assert_cmpfloat_with_epsilon(stats_autocorr(alt, 8, 1), -7.0 / 8.0, 1e-12);
        g_assert_cmpfloat_with_epsilon(stats_autocorr(alt, 8, 2), 6.0 / 8.0, 1e-12);
        g_assert_cmpfloat(stats_autocorr(alt, 8, 8), ==, 0);
        g_assert_cmpfloat(stats_autocorr(zero, 4, 1), ==, 0);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/stats/median", test_median);
        g_test_add_func("/stats/mad", test_mad);
        g_test_add_func("/stats/theil-sen", test_theil_sen);
        g_test_add_func("/stats/mann-kendall", test_mann_kendall);
        g_test_add_func("/stats/least-squares", test_least_squares);
        g_test_add_func("/stats/autocorr", test_autocorr);

        return g_test_run();
}
