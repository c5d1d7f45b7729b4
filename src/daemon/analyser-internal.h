/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What analyser.c and sawtooth.c share: the series under analysis, the
 * Theil-Sen fit, the verdict under construction and the small helpers both
 * use. Internal to the analyser; the public API is analyser.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyser.h"
#include "util.h"

/* Linear from 0 at lo to 1 at hi, clamped: how the evidence turns into confidence. */

static inline double ramp(double x, double lo, double hi) {
        if (!(hi > lo))
                return x >= hi ? 1.0 : 0.0;
        if (!(x > lo))          /* also catches NaN */
                return 0.0;
        if (x >= hi)
                return 1.0;
        return (x - lo) / (hi - lo);
}

/* ---- the series we work on ---- */

typedef struct Series {
        size_t n;
        size_t base;                            /* index of t == 0 in the caller's array */
        usec_t t0;                              /* its timestamp: anchors the bin grid */
        double t[ANALYSER_MAX_POINTS];          /* minutes since pts[base].t */
        double y[ANALYSER_MAX_POINTS];          /* judged bytes */
        uint32_t idx[ANALYSER_MAX_POINTS];      /* index into the caller's array */
} Series;

static inline double series_span(const Series *s) {
        return s->n > 0 ? s->t[s->n - 1] - s->t[0] : 0.0;
}

/* ---- Theil-Sen fit with Kendall/Mann-Kendall and R² ---- */

typedef struct Fit {
        double slope;           /* bytes per minute */
        double intercept;       /* bytes at t = 0 */
        double r2;              /* 0..1, against the Theil-Sen line */
        double mk_z;            /* Mann-Kendall z of the trend */
        double tau;             /* Kendall tau */
        double sigma;           /* robust residual sigma */
        double span;            /* minutes */
        size_t m;
} Fit;

#define Z_CAP 1e6

void fit_theil_sen(const double *t, const double *y, size_t m, double *scratch, Fit *ret);

/* The verdict under construction, plus what the forecast needs. */
typedef struct Verdict {
        Analysis a;
        double level_end;       /* judged bytes at t_end by the model */
        double t_end;           /* minutes, series time */
        bool exponential_model;
        double exp_a, exp_b, exp_c, exp_t0;
} Verdict;
