/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small robust statistics for the analyser: median, MAD, Theil-Sen with
 * Kendall's S, least squares, R² and residual autocorrelation. Pure
 * arithmetic on caller-owned arrays: no I/O, no allocation. Functions named
 * *_inplace reorder their input.
 */

#include <stddef.h>

/* Normal-consistent scale of the median absolute deviation. */
#define STATS_MAD_TO_SIGMA 1.4826

double stats_median_inplace(double *a, size_t n);
double stats_mad_sigma_inplace(double *a, size_t n);

typedef struct TheilSen {
        double slope;           /* median of the pairwise slopes */
        double intercept;       /* median of y - slope·x */
        long kendall_s;         /* Σ sign(y_j - y_i) over i < j: the Mann-Kendall statistic */
} TheilSen;

/* Number of doubles stats_theil_sen() needs as scratch for n points. */
#define STATS_THEIL_SEN_SCRATCH(n) ((n) * ((n) - 1) / 2 > (n) ? (n) * ((n) - 1) / 2 : (n))

int stats_theil_sen(const double *x, const double *y, size_t n, double *scratch, TheilSen *ret);
double stats_mann_kendall_z(long s, size_t n);
double stats_kendall_tau(long s, size_t n);

double stats_least_squares(const double *x, const double *y, size_t n, double *ret_slope, double *ret_intercept);
double stats_r2(const double *x, const double *y, size_t n, double slope, double intercept);
double stats_autocorr(const double *r, size_t n, size_t lag);
