/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Robust statistics used by the analyser. Everything works in doubles on
 * caller-owned arrays; degenerate inputs (n too small, zero spread) give 0
 * rather than NaN so the callers never have to special-case them.
 */

#include <errno.h>
#include <math.h>

#include "stats.h"
#include "util.h"

/* Hoare quickselect: a[k] ends up as the k-th smallest; O(n) expected. */
static double select_kth(double *a, size_t n, size_t k) {
        size_t lo = 0, hi = n - 1;

        while (lo < hi) {
                double pivot = a[lo + (hi - lo) / 2];
                size_t i = lo, j = hi;

                while (i <= j) {
                        while (a[i] < pivot)
                                i++;
                        while (a[j] > pivot)
                                j--;
                        if (i <= j) {
                                double x = a[i];
                                a[i] = a[j];
                                a[j] = x;
                                i++;
                                if (j == 0)
                                        break;
                                j--;
                        }
                }
                if (k <= j)
                        hi = j;
                else if (k >= i)
                        lo = i;
                else
                        break;
        }
        return a[k];
}

/**
 * stats_median_inplace() - median
 * @a: values, reordered
 * @n: their number
 *
 * Return: the median (mean of the two middle values for even @n), 0 for @n == 0.
 */
double stats_median_inplace(double *a, size_t n) {
        double hi, lo;

        if (n == 0)
                return 0.0;
        hi = select_kth(a, n, n / 2);
        if (n % 2)
                return hi;
        /* After selection everything left of n/2 is <= a[n/2]: take its maximum. */
        lo = a[0];
        for (size_t i = 1; i < n / 2; i++)
                lo = MAX(lo, a[i]);
        return (lo + hi) / 2.0;
}

/**
 * stats_mad_sigma_inplace() - robust standard deviation
 * @a: values, overwritten
 * @n: their number
 *
 * Return: 1.4826 × the median absolute deviation from the median, 0 for @n < 2.
 */
double stats_mad_sigma_inplace(double *a, size_t n) {
        double med;

        if (n < 2)
                return 0.0;
        med = stats_median_inplace(a, n);
        for (size_t i = 0; i < n; i++)
                a[i] = fabs(a[i] - med);
        return STATS_MAD_TO_SIGMA * stats_median_inplace(a, n);
}

/**
 * stats_theil_sen() - Theil-Sen line and Kendall's S in one pass over the pairs
 * @x: abscissae, non-decreasing
 * @y: ordinates
 * @n: number of points
 * @scratch: STATS_THEIL_SEN_SCRATCH(@n) doubles
 * @ret: the fit; pairs with equal x count for S but give no slope
 *
 * O(n²) time, so callers bound n.
 *
 * Return: 0, or -EINVAL for @n < 2.
 */
int stats_theil_sen(const double *x, const double *y, size_t n, double *scratch, TheilSen *ret) {
        size_t np = 0;
        long s = 0;

        *ret = (TheilSen) {};
        if (n < 2)
                return -EINVAL;

        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++) {
                        double dx = x[j] - x[i], dy = y[j] - y[i];

                        s += (dy > 0) - (dy < 0);
                        if (dx > 0)
                                scratch[np++] = dy / dx;
                }
        ret->kendall_s = s;
        ret->slope = stats_median_inplace(scratch, np);

        for (size_t i = 0; i < n; i++)
                scratch[i] = y[i] - ret->slope * x[i];
        ret->intercept = stats_median_inplace(scratch, n);
        return 0;
}

/**
 * stats_mann_kendall_z() - normal score of Kendall's S without ties
 * @s: Kendall's S
 * @n: number of points
 *
 * Return: (S - sign(S)) / sqrt(n(n-1)(2n+5)/18), with continuity correction; 0 when S is 0 or @n < 2.
 */
double stats_mann_kendall_z(long s, size_t n) {
        double var;

        if (s == 0 || n < 2)
                return 0.0;
        var = (double) n * (double) (n - 1) * (double) (2 * n + 5) / 18.0;
        return ((double) s - (s > 0 ? 1.0 : -1.0)) / sqrt(var);
}

/**
 * stats_kendall_tau() - Kendall's tau-a
 * @s: Kendall's S
 * @n: number of points
 *
 * Return: S over the number of pairs, in [-1, 1]; 0 for @n < 2.
 */
double stats_kendall_tau(long s, size_t n) {
        if (n < 2)
                return 0.0;
        return (double) s / ((double) n * (double) (n - 1) / 2.0);
}

/**
 * stats_least_squares() - ordinary least-squares line
 * @x: abscissae
 * @y: ordinates
 * @n: number of points, > 0
 * @ret_slope: slope, 0 when x has no spread; may be NULL
 * @ret_intercept: value at x = 0; may be NULL
 *
 * Return: the residual sum of squares.
 */
double stats_least_squares(const double *x, const double *y, size_t n, double *ret_slope, double *ret_intercept) {
        double mx = 0, my = 0, sxx = 0, sxy = 0, a, c, ssr = 0;

        if (n == 0)
                return 0.0;
        for (size_t i = 0; i < n; i++) {
                mx += x[i];
                my += y[i];
        }
        mx /= (double) n;
        my /= (double) n;
        for (size_t i = 0; i < n; i++) {
                sxx += (x[i] - mx) * (x[i] - mx);
                sxy += (x[i] - mx) * (y[i] - my);
        }
        a = sxx > 0 ? sxy / sxx : 0.0;
        c = my - a * mx;
        for (size_t i = 0; i < n; i++) {
                double r = y[i] - c - a * x[i];
                ssr += r * r;
        }
        if (ret_slope)
                *ret_slope = a;
        if (ret_intercept)
                *ret_intercept = c;
        return ssr;
}

/**
 * stats_r2() - coefficient of determination of a given line
 * @x: abscissae
 * @y: ordinates
 * @n: number of points
 * @slope: the line's slope
 * @intercept: its value at x = 0
 *
 * Return: 1 - SSR/SST clamped to [0, 1]; 0 when y has no spread.
 */
double stats_r2(const double *x, const double *y, size_t n, double slope, double intercept) {
        double mean = 0.0, ss_tot = 0.0, ss_res = 0.0;

        if (n == 0)
                return 0.0;
        for (size_t i = 0; i < n; i++)
                mean += y[i];
        mean /= (double) n;
        for (size_t i = 0; i < n; i++) {
                double r = y[i] - (intercept + slope * x[i]);

                ss_res += r * r;
                ss_tot += (y[i] - mean) * (y[i] - mean);
        }
        if (!(ss_tot > 0.0))
                return 0.0;
        return MAX(0.0, MIN(1.0, 1.0 - ss_res / ss_tot));
}

/**
 * stats_autocorr() - autocorrelation of residuals at a lag
 * @r: residuals, taken as zero-mean
 * @n: their number
 * @lag: the lag
 *
 * Return: Σ r[i]·r[i-lag] / Σ r[i]², 0 when all are zero or @lag >= @n.
 */
double stats_autocorr(const double *r, size_t n, size_t lag) {
        double ss = 0.0, sl = 0.0;

        if (lag >= n)
                return 0.0;
        for (size_t i = 0; i < n; i++)
                ss += r[i] * r[i];
        for (size_t i = lag; i < n; i++)
                sl += r[i] * r[i - lag];
        return ss > 0.0 ? sl / ss : 0.0;
}
