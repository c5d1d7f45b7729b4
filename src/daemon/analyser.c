/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The analyser turns one unit's recent memory history into a verdict: stable,
 * growing (linear, exponential, leak), spiky or cycling (sawtooth), with a
 * confidence, a rate and a forecast. It is pure arithmetic: no I/O, no heap,
 * and a bounded stack footprint (~33 KiB), because it runs once per unit per
 * analysis tick on up to ~1000 units.
 *
 * Why not "last minus first"? Memory series are noisy, have outliers (a burst
 * of requests), wander, cycle (garbage collectors, caches) and reset
 * (restarts). A two-point difference calls all of those leaks. So:
 *
 *  - We judge non-reclaimable memory, memory.current minus page cache. A unit
 *    whose memory.current climbs only through `file` is not leaking; the
 *    kernel takes that back under pressure.
 *  - The sample noise comes from the median absolute deviation of first
 *    differences, which is blind to trends and to the rare large drops.
 *  - The shape is read first: a hysteresis walker counts large drops. Two or
 *    more drops after gradual rises is a sawtooth, judged by the trend of the
 *    level each rise starts from. A single gradual rise followed by a drop to
 *    baseline looks like a restart, and only the segment after it is
 *    analysed. Short excursions that return are spikes and are masked out of
 *    the trend fit.
 *  - The trend is a Theil-Sen slope over median bins (at most
 *    ANALYSER_MAX_BINS, so the O(m²) pair loop stays ~780 pairs), gated by the
 *    Mann-Kendall statistic, R², an absolute dead band and a dead band of
 *    gate_z standard errors. The standard error comes from one noise model of
 *    the whole window (scale and memory of what the best smooth model leaves),
 *    because slow wander makes a few minutes of bins far less informative than
 *    their number suggests, and a dozen bins cannot say so themselves. Several
 *    trailing windows are tried so a leak that began recently is not diluted
 *    by the flat history before it.
 *
 * Confidence is the weakest of three pieces of evidence (significance, fit,
 * duration), so no single strong number can carry a weak verdict. The
 * arithmetic stays in doubles of bytes and minutes; every division is guarded
 * so NaN and infinities never reach the result. The generic statistics live in
 * stats.c, the drop walker and the sawtooth verdict in sawtooth.c.
 */

#include <errno.h>
#include <math.h>
#include <string.h>

#include "analyser-internal.h"
#include "analyser.h"
#include "sawtooth.h"
#include "stats.h"
#include "util.h"

#define MAX_PAIRS (ANALYSER_MAX_BINS * (ANALYSER_MAX_BINS - 1) / 2)
/* Bins on a time grid may hold a few more points than the average; longer ones fall back to counting. */
#define MAX_BIN_WIDTH (4 * ((ANALYSER_MAX_POINTS + ANALYSER_MAX_BINS - 1) / ANALYSER_MAX_BINS))
/* Growth confidence below this is not worth a growth verdict. */
#define STABLE_BELOW 0.3
/* The noise model needs this many bins; below it the window's own residuals are used. */
#define NOISE_MODEL_MIN_BINS 12U

static const char *const pattern_table[_PATTERN_MAX] = {
        [PATTERN_UNKNOWN] = "unknown",
        [PATTERN_STABLE] = "stable",
        [PATTERN_LINEAR] = "linear",
        [PATTERN_EXPONENTIAL] = "exponential",
        [PATTERN_SPIKE] = "spike",
        [PATTERN_LEAK] = "leak",
        [PATTERN_SAWTOOTH] = "sawtooth",
};

/**
 * pattern_to_string() - name of a pattern
 * @p: the pattern
 *
 * Return: a static lowercase name, or NULL for an out-of-range value.
 */
const char *pattern_to_string(Pattern p) {
        if (p < 0 || p >= _PATTERN_MAX)
                return NULL;
        return pattern_table[p];
}

/**
 * pattern_from_string() - parse a pattern name
 * @s: name as returned by pattern_to_string()
 *
 * Return: the pattern, or _PATTERN_INVALID.
 */
Pattern pattern_from_string(const char *s) {
        if (!s)
                return _PATTERN_INVALID;
        for (Pattern p = 0; p < _PATTERN_MAX; p++)
                if (streq(s, pattern_table[p]))
                        return p;
        return _PATTERN_INVALID;
}

/**
 * analysis_point_judged() - the memory a point is judged on
 * @pt: one sample
 *
 * Non-reclaimable memory: memory.current minus page cache, which covers anon,
 * kernel and sock. When the two reads disagree (memory.stat sampled at another
 * instant than memory.current) and file exceeds current, anon is used.
 *
 * Return: bytes.
 */
uint64_t analysis_point_judged(const AnalysisPoint *pt) {
        if (pt->current >= pt->file)
                return pt->current - pt->file;
        return pt->anon;
}

static bool pattern_is_growth(Pattern p) {
        return p == PATTERN_LINEAR || p == PATTERN_EXPONENTIAL || p == PATTERN_LEAK;
}

/**
 * analysis_is_alert() - whether a verdict means "growing abnormally"
 * @a: a verdict from analyser_run()
 * @p: the parameters it was computed with, or NULL for the defaults
 *
 * Return: true for LINEAR, EXPONENTIAL or LEAK at or above the alert confidence.
 */
bool analysis_is_alert(const Analysis *a, const AnalyserParams *p) {
        static const AnalyserParams def = ANALYSER_PARAMS_DEFAULT;

        if (!p)
                p = &def;
        return pattern_is_growth(a->pattern) && a->confidence >= p->alert_confidence;
}

/* Load pts[start, end) into s, evenly decimated to at most ANALYSER_MAX_POINTS. */
static void series_load(Series *s, const AnalysisPoint *pts, size_t start, size_t end) {
        size_t count = end - start;

        s->n = MIN(count, (size_t) ANALYSER_MAX_POINTS);
        s->base = start;
        s->t0 = pts[start].t;
        for (size_t i = 0; i < s->n; i++) {
                size_t k = start + (s->n == count ? i : (size_t) (((uint64_t) i * (count - 1)) / (s->n - 1)));

                s->idx[i] = (uint32_t) k;
                s->t[i] = (double) (pts[k].t - pts[start].t) / (double) USEC_PER_MINUTE;
                s->y[i] = (double) analysis_point_judged(&pts[k]);
        }
}

/* Noise: robust sigma of first differences / √2. Blind to trends and to rare drops. */
static double series_noise(const Series *s, double *scratch) {
        if (s->n < 3)
                return 0.0;
        for (size_t i = 1; i < s->n; i++)
                scratch[i - 1] = s->y[i] - s->y[i - 1];
        return stats_mad_sigma_inplace(scratch, s->n - 1) / M_SQRT2;
}

/* ---- Theil-Sen fit with Kendall/Mann-Kendall and R² ---- */

void fit_theil_sen(const double *t, const double *y, size_t m, double *scratch, Fit *ret) {
        TheilSen ts;

        *ret = (Fit) { .m = m };
        if (stats_theil_sen(t, y, m, scratch, &ts) < 0)
                return;
        ret->span = t[m - 1] - t[0];
        ret->slope = ts.slope;
        ret->intercept = ts.intercept;
        ret->mk_z = stats_mann_kendall_z(ts.kendall_s, m);
        ret->tau = stats_kendall_tau(ts.kendall_s, m);
        ret->r2 = stats_r2(t, y, m, ts.slope, ts.intercept);

        for (size_t i = 0; i < m; i++)
                scratch[i] = y[i] - (ts.intercept + ts.slope * t[i]);
        ret->sigma = stats_mad_sigma_inplace(scratch, m);
}

/* Slope over its standard error for points of noise sigma, each independent: sigma·√12 / (span·√m). */
static double fit_z(const Fit *f, double sigma) {
        double se;

        if (f->m < 3 || !(f->span > 0.0))
                return 0.0;
        se = sigma * sqrt(12.0) / (f->span * sqrt((double) f->m));
        if (!(se > 0.0))
                return f->slope > 0 ? Z_CAP : f->slope < 0 ? -Z_CAP : 0.0;
        return MAX(-Z_CAP, MIN(Z_CAP, f->slope / se));
}

/* Median bins of consecutive points, k each: the fallback when there is no usable time grid. */
static size_t bin_by_count(const double *t, const double *y, size_t n, double *bt, double *by, size_t *bfirst) {
        size_t k = (n + ANALYSER_MAX_BINS - 1) / ANALYSER_MAX_BINS, m = 0;

        for (size_t a = 0; a < n; a += k, m++) {
                size_t b = MIN(n, a + k);
                double buf[MAX_BIN_WIDTH];

                memcpy(buf, y + a, (b - a) * sizeof(double));
                by[m] = stats_median_inplace(buf, b - a);
                bt[m] = (t[a] + t[b - 1]) / 2.0;
                bfirst[m] = a;
        }
        return m;
}

/*
 * Median bins, at most ANALYSER_MAX_BINS, on a grid fixed in absolute time
 * (t0_usec is the absolute time of t == 0). The next analysis, one sample
 * later, then sees the same bins but at the two ends, so the verdict moves
 * with the data rather than with where the bin edges happen to fall; with
 * edges that slide every sample, a borderline trend flickers in and out of
 * significance. A sliver of a bin at either end joins its neighbour.
 */
static size_t bin_series(const double *t, const double *y, size_t n, usec_t t0_usec, double *bt, double *by,
                         size_t *bfirst) {
        double span;

        if (n == 0)
                return 0;
        span = t[n - 1] - t[0];
        for (size_t k = (n + ANALYSER_MAX_BINS - 2) / (ANALYSER_MAX_BINS - 1); k <= MAX_BIN_WIDTH / 2; k++) {
                /* Whole seconds, so jitter in the sampling does not move the grid. */
                double width = round((double) k * span * 60.0 / (double) MAX(n - 1, (size_t) 1));
                double phase = fmod((double) t0_usec / (double) USEC_PER_SEC, MAX(width, 1.0));
                size_t start[ANALYSER_MAX_BINS + 2], ns = 0, first, last, m = 0;
                int64_t prev = INT64_MIN;
                bool fits = true;

                if (width < 1.0)
                        break;
                for (size_t i = 0; i < n && fits; i++) {
                        int64_t id = (int64_t) floor((t[i] * 60.0 + phase) / width);

                        if (id == prev)
                                continue;
                        if (ns == ANALYSER_MAX_BINS + 1)
                                fits = false;
                        else
                                start[ns++] = i;
                        prev = id;
                }
                if (!fits)
                        continue;
                start[ns] = n;

                first = ns >= 2 && start[1] - start[0] < (k + 1) / 2 ? 1 : 0;
                last = ns - first >= 2 && start[ns] - start[ns - 1] < (k + 1) / 2 ? ns - 1 : ns;
                if (last - first > ANALYSER_MAX_BINS)
                        continue;
                for (size_t g = first; g < last; g++) {
                        size_t a = g == first ? 0 : start[g], b = g + 1 == last ? n : start[g + 1];
                        double buf[MAX_BIN_WIDTH];

                        if (b - a > MAX_BIN_WIDTH) {
                                fits = false;
                                break;
                        }
                        memcpy(buf, y + a, (b - a) * sizeof(double));
                        by[m] = stats_median_inplace(buf, b - a);
                        bt[m] = (t[a] + t[b - 1]) / 2.0;
                        bfirst[m++] = a;
                }
                if (fits)
                        return m;
        }
        return bin_by_count(t, y, n, bt, by, bfirst);
}

/* ---- shape: restarts, spikes (the drop walker is in sawtooth.c) ---- */

static size_t window_start(const AnalysisPoint *pts, size_t n, usec_t window) {
        usec_t last = pts[n - 1].t;
        size_t a = 0;

        if (window == USEC_INFINITY || last < window)
                return 0;
        /* Binary search: first point inside [last - window, last]. */
        for (size_t b = n - 1; a < b;) {
                size_t mid = a + (b - a) / 2;

                if (pts[mid].t < last - window)
                        a = mid + 1;
                else
                        b = mid;
        }
        return a;
}

static int params_check(const AnalyserParams *p) {
        if (p->window == 0 || p->min_points < 4 || p->min_span == 0)
                return -EINVAL;
        if (p->sustained_span <= p->min_span || p->leak_span < p->sustained_span)
                return -EINVAL;
        if (!(p->min_growth_bytes_per_min >= 0) || !(p->gate_z > 0) || !(p->full_z > p->gate_z))
                return -EINVAL;
        if (!(p->gate_mk_z >= 0) || !(p->r2_low >= 0) || !(p->r2_high > p->r2_low) || !(p->r2_high <= 1))
                return -EINVAL;
        if (!(p->drop_fraction > 0) || !(p->drop_fraction <= 1))
                return -EINVAL;
        if (!(p->drop_noise_k >= 0) || !(p->spike_noise_k >= 0) || !(p->spike_min_ratio >= 0))
                return -EINVAL;
        if (!(p->forecast_min_r2 >= 0) || p->alert_confidence > 100)
                return -EINVAL;
        return 0;
}

static int points_check(const AnalysisPoint *pts, size_t n) {
        if (n > 0 && !pts)
                return -EINVAL;
        if (n > UINT32_MAX)
                return -EINVAL;
        for (size_t i = 1; i < n; i++)
                if (pts[i].t < pts[i - 1].t)
                        return -EINVAL;
        return 0;
}

/**
 * analyser_find_restart() - locate a restart-like reset inside a series
 * @pts: points, sorted by time
 * @n: number of points
 * @p: parameters, or NULL for the defaults
 * @ret_index: index of the first point after the reset (unchanged when none)
 * @ret_freed: bytes of memory.current the reset freed (unchanged when none), may be NULL
 *
 * Only the trailing @p->window of the series is examined. A reset is a single
 * gradual climb followed by a drop to near where the climb started; repeated
 * drops are a sawtooth and a drop after a one-step rise is a spike, neither is
 * a restart.
 *
 * Return: 1 if found, 0 if not, -EINVAL on bad arguments.
 */
int analyser_find_restart(const AnalysisPoint *pts, size_t n, const AnalyserParams *p,
                          size_t *ret_index, uint64_t *ret_freed) {
        static const AnalyserParams def = ANALYSER_PARAMS_DEFAULT;
        double scratch[ANALYSER_MAX_POINTS];
        Series s;
        Cycles c;
        size_t start, k;
        int r;

        if (!p)
                p = &def;
        if (!ret_index)
                return -EINVAL;
        r = params_check(p);
        if (r < 0)
                return r;
        r = points_check(pts, n);
        if (r < 0)
                return r;
        if (n < 3)
                return 0;

        series_load(&s, pts, window_start(pts, n, p->window), n);
        cycles_find(&s, p, series_noise(&s, scratch), &c);
        start = restart_find(&s, &c);
        if (start == 0)
                return 0;

        k = s.idx[start];
        *ret_index = k;
        if (ret_freed) {
                uint64_t before = pts[s.idx[c.last_peak]].current;

                *ret_freed = before > pts[k].current ? before - pts[k].current : 0;
        }
        return 1;
}

/*
 * Spikes: runs above baseline + threshold that were entered from near the
 * baseline, last at most spike_max_span and (usually) came back. Their points
 * are masked so they do not bend the trend fit. Returns the number found;
 * *ret_returned counts those that came back down.
 */
static size_t spikes_find(const Series *s, const AnalyserParams *p, double noise, double *scratch,
                          bool *mask, size_t *ret_returned) {
        double base, thr, near;
        size_t found = 0, returned = 0;

        memset(mask, 0, s->n * sizeof(bool));
        *ret_returned = 0;
        if (s->n < 3)
                return 0;

        memcpy(scratch, s->y, s->n * sizeof(double));
        base = stats_median_inplace(scratch, s->n);
        thr = MAX(p->spike_noise_k * noise, p->spike_min_ratio * MAX(base, 0.0));
        thr = MAX(thr, (double) p->drop_min_bytes);
        near = base + 0.5 * thr;

        for (size_t a = 1; a < s->n; a++) {
                size_t b = a;

                if (s->y[a] <= base + thr || s->y[a - 1] > near)
                        continue;
                while (b + 1 < s->n && s->y[b + 1] > near)
                        b++;
                if (s->t[b] - s->t[a] <= (double) p->spike_max_span / (double) USEC_PER_MINUTE) {
                        for (size_t i = a; i <= b; i++)
                                mask[i] = true;
                        found++;
                        if (b + 1 < s->n)
                                returned++;
                }
                a = b;
        }
        *ret_returned = returned;
        return found;
}

/*
 * Shape models by least squares over the bins: a straight line, a hinge
 * (flat, then a straight line from an onset) and y = c + a·e^(bt) over a grid
 * of b, refined between grid points. A much better exponential with b > 0 is
 * acceleration; with b < 0 and a < 0 it is a warm-up approaching a plateau.
 */
typedef struct Shape {
        double ssr_lin, ssr_hinge, ssr_exp;
        double lin_a, lin_c;            /* line: bytes/min, bytes at t[0] */
        double onset;                   /* minutes, hinge change point */
        double hinge_a, hinge_c;        /* hinge: slope after the onset, level before it */
        double exp_a, exp_b, exp_c;     /* exponential, with t measured from t[0] */
} Shape;

/* Doubling (or halving) time span/8 · 2^(k/3): k = 0..15 covers span/8 to 4·span. */
#define EXP_GRID 16U

static double exp_grid_b(int sign, double k, double span) {
        return sign * M_LN2 / (span / 8.0 * pow(2.0, k / 3.0));
}

static double exp_fit(const double *t, const double *y, size_t m, double b, double *x, double *ret_a, double *ret_c) {
        for (size_t i = 0; i < m; i++)
                x[i] = exp(b * (t[i] - t[0]));
        return stats_least_squares(x, y, m, ret_a, ret_c);
}

/* Only the physically meaningful branches: growth that accelerates, or that saturates. */
static bool exp_meaningful(double a, double b) {
        return a > 0 || (b < 0 && a < 0);
}

static void shape_take_exp(Shape *ret, double ssr, double a, double b, double c) {
        ret->ssr_exp = ssr;
        ret->exp_a = a;
        ret->exp_b = b;
        ret->exp_c = c;
}

static void shape_fit(const double *t, const double *y, size_t m, Shape *ret) {
        double x[ANALYSER_MAX_BINS], span;

        *ret = (Shape) {};
        if (m == 0)
                return;
        span = t[m - 1] - t[0];
        ret->onset = t[0];
        for (size_t i = 0; i < m; i++)
                x[i] = t[i] - t[0];
        ret->ssr_lin = stats_least_squares(x, y, m, &ret->lin_a, &ret->lin_c);
        ret->ssr_hinge = ret->ssr_exp = ret->ssr_lin;
        ret->hinge_a = ret->lin_a;
        ret->hinge_c = ret->lin_c;
        if (m < 6 || !(span > 0))
                return;

        for (size_t c = 1; c + 3 < m; c++) {
                double ssr, a, c0;

                for (size_t i = 0; i < m; i++)
                        x[i] = MAX(0.0, t[i] - t[c]);
                ssr = stats_least_squares(x, y, m, &a, &c0);
                if (ssr < ret->ssr_hinge) {
                        ret->ssr_hinge = ssr;
                        ret->onset = t[c];
                        ret->hinge_a = a;
                        ret->hinge_c = c0;
                }
        }

        for (int sign = -1; sign <= 1; sign += 2) {
                double grid[EXP_GRID], s0, s1, s2, den;
                int kbest = -1;

                for (unsigned k = 0; k < EXP_GRID; k++) {
                        double b = exp_grid_b(sign, k, span), a, c;

                        grid[k] = exp_fit(t, y, m, b, x, &a, &c);
                        if (exp_meaningful(a, b) && grid[k] < ret->ssr_exp) {
                                shape_take_exp(ret, grid[k], a, b, c);
                                kbest = (int) k;
                        }
                }
                /*
                 * The grid steps b by 26 %, which on a fast exponential leaves
                 * a misfit far above the noise: take the vertex of the parabola
                 * through the best grid point and its neighbours.
                 */
                if (kbest <= 0 || kbest >= (int) EXP_GRID - 1)
                        continue;
                s0 = grid[kbest - 1];
                s1 = grid[kbest];
                s2 = grid[kbest + 1];
                den = s0 - 2.0 * s1 + s2;
                if (den > 0) {
                        double b = exp_grid_b(sign, kbest + 0.5 * (s0 - s2) / den, span), a, c, ssr;

                        ssr = exp_fit(t, y, m, b, x, &a, &c);
                        if (exp_meaningful(a, b) && ssr < ret->ssr_exp)
                                shape_take_exp(ret, ssr, a, b, c);
                }
        }
}

/*
 * The noise the trend gate measures slopes against: one model for the whole
 * window instead of one per trailing window. Memory wanders, so neighbouring
 * bin medians are correlated and a few minutes of bins hold far fewer
 * independent points than bins. A dozen bins can neither tell their own scale
 * reliably nor their autocorrelation (good to ±0.3, and biased low), and a
 * window whose estimate happens to come out low is exactly the one that then
 * passes the gate. So both come from the residuals of the best of the shape
 * models over all bins, plus a line with one level shift, which takes a small
 * restart the walker did not see. Whatever those smooth models cannot
 * explain is taken to be noise.
 */
typedef struct NoiseModel {
        double sigma;           /* bytes: robust sigma of one bin */
        double inflation;       /* factor on a slope's standard error for the bins' memory */
} NoiseModel;

/* Residuals of a line with a level shift at the largest jump between bins; returns their SSR. */
static double step_residuals(const double *t, const double *y, size_t m, double *r) {
        double big = 0.0, mt[2] = {}, my[2] = {}, sxx = 0, sxy = 0, a, c[2], ssr = 0.0;
        size_t js = 0, cnt[2];

        for (size_t i = 2; i + 2 < m; i++)
                if (fabs(y[i] - y[i - 1]) > big) {
                        big = fabs(y[i] - y[i - 1]);
                        js = i;
                }
        if (js == 0)
                return INFINITY;
        cnt[0] = js;
        cnt[1] = m - js;
        for (size_t i = 0; i < m; i++) {
                mt[i >= js] += t[i];
                my[i >= js] += y[i];
        }
        for (unsigned g = 0; g < 2; g++) {
                mt[g] /= (double) cnt[g];
                my[g] /= (double) cnt[g];
        }
        for (size_t i = 0; i < m; i++) {
                sxx += (t[i] - mt[i >= js]) * (t[i] - mt[i >= js]);
                sxy += (t[i] - mt[i >= js]) * (y[i] - my[i >= js]);
        }
        a = sxx > 0 ? sxy / sxx : 0.0;
        for (unsigned g = 0; g < 2; g++)
                c[g] = my[g] - a * mt[g];
        for (size_t i = 0; i < m; i++) {
                r[i] = y[i] - c[i >= js] - a * t[i];
                ssr += r[i] * r[i];
        }
        return ssr;
}

static void noise_model(const double *t, const double *y, size_t m, const Shape *sh, double floor,
                        NoiseModel *ret) {
        double r[ANALYSER_MAX_BINS], buf[ANALYSER_MAX_BINS];
        double best = MIN(sh->ssr_exp, MIN(sh->ssr_lin, sh->ssr_hinge)), r1, r2, rho, phi, sigma;

        *ret = (NoiseModel) { .sigma = floor, .inflation = 1.0 };
        if (m < 3)
                return;

        /* A shift only counts when it explains most of what the smooth models leave. */
        if (!(step_residuals(t, y, m, r) < 0.5 * best)) {
                for (size_t i = 0; i < m; i++) {
                        double x = t[i] - t[0], model;

                        if (sh->ssr_exp <= best && sh->exp_b != 0)
                                model = sh->exp_c + sh->exp_a * exp(sh->exp_b * x);
                        else if (sh->ssr_hinge <= best)
                                model = sh->hinge_c + sh->hinge_a * MAX(0.0, t[i] - sh->onset);
                        else
                                model = sh->lin_c + sh->lin_a * x;
                        r[i] = y[i] - model;
                }
        }
        r1 = stats_autocorr(r, m, 1);
        r2 = stats_autocorr(r, m, 2);
        memcpy(buf, r, m * sizeof(double));
        sigma = stats_mad_sigma_inplace(buf, m);
        ret->sigma = MAX(sigma, floor);

        if (m < NOISE_MODEL_MIN_BINS) {
                /* Too few bins to correct anything: the plain AR(1) factor. */
                rho = MAX(0.0, MIN(0.8, r1));
                ret->inflation = sqrt((1.0 + rho) / (1.0 - rho));
                return;
        }
        /*
         * The lag-1 autocorrelation of a fitted model's residuals comes out
         * low by about (2 + 5.5ρ)/m for a line; with three parameters take
         * (3 + 6ρ)/m. Bins of white noise plus a slow wander are not AR(1):
         * their autocorrelation decays as ρ·φ^(k-1) with φ = ρ2/ρ1, which
         * grows the variance of a slope by 1 + 2ρ/(1 - φ).
         */
        rho = MAX(0.0, MIN(0.9, (r1 + 3.0 / (double) m) / (1.0 - 6.0 / (double) m)));
        phi = r1 > 0.05 ? MAX(0.0, MIN(0.9, r2 / r1)) : 0.0;
        ret->inflation = sqrt(MAX(1.0, MIN(20.0, 1.0 + 2.0 * rho / (1.0 - phi))));
}

/* ---- steady growth ---- */

typedef struct Window {
        Fit fit;
        double z;               /* slope over its standard error under the noise model */
        size_t off;             /* first bin */
        double span;            /* minutes, raw points */
        double conf;
        bool gated;
} Window;

/* The trailing windows of the unmasked points, and the most convincing of them. */
typedef struct Trend {
        double bt[ANALYSER_MAX_BINS], by[ANALYSER_MAX_BINS];
        size_t bfirst[ANALYSER_MAX_BINS];
        size_t m;
        double floor;           /* bytes: the quietest a bin median can be */
        Shape shape;            /* over all bins */
        NoiseModel noise;
        Window best, full;
        bool have_best;
        double evidence;        /* best confidence of any window with a positive slope */
        double sustained;       /* minutes: longest window that passed the gate convincingly */
} Trend;

static void trend_fit(const double *ft, const double *fy, size_t nf, usec_t t0, const AnalyserParams *p,
                      double noise, double *scratch, Trend *tr) {
        static const unsigned eighths[] = { 8, 6, 4, 3, 2 };
        double min_span = (double) p->min_span / USEC_PER_MINUTE;
        double sus_span = (double) p->sustained_span / USEC_PER_MINUTE;
        size_t m, k;

        m = tr->m = bin_series(ft, fy, nf, t0, tr->bt, tr->by, tr->bfirst);
        k = (nf + m - 1) / m;
        /* A bin median cannot be quieter than the sample noise allows, nor than a page. */
        tr->floor = MAX(noise / sqrt((double) k), 4096.0);
        shape_fit(tr->bt, tr->by, m, &tr->shape);
        noise_model(tr->bt, tr->by, m, &tr->shape, tr->floor, &tr->noise);
        tr->have_best = false;
        tr->evidence = tr->sustained = 0.0;
        tr->best = tr->full = (Window) {};

        for (size_t w = 0; w < ELEMENTSOF(eighths); w++) {
                size_t mw = m * eighths[w] / 8, off = m - mw;
                Window cur = { .off = off };
                double c;

                if (mw < 6 || (w > 0 && mw == m))
                        continue;
                cur.span = ft[nf - 1] - ft[tr->bfirst[off]];
                if (cur.span < min_span && w > 0)
                        continue;
                fit_theil_sen(tr->bt + off, tr->by + off, mw, scratch, &cur.fit);
                cur.z = fit_z(&cur.fit, tr->noise.sigma * tr->noise.inflation);

                c = MIN(ramp(cur.z, p->gate_z, p->full_z), ramp(cur.fit.r2, p->r2_low, p->r2_high));
                c = MIN(c, ramp(cur.span, min_span, sus_span));
                cur.conf = c;
                cur.gated = cur.fit.slope >= p->min_growth_bytes_per_min &&
                            cur.z >= p->gate_z &&
                            cur.fit.mk_z >= p->gate_mk_z &&
                            cur.fit.r2 >= p->r2_low;
                if (cur.fit.slope > 0)
                        tr->evidence = MAX(tr->evidence, c);
                if (cur.gated && cur.conf >= 0.5)
                        tr->sustained = MAX(tr->sustained, cur.span);
                if (w == 0)
                        tr->full = cur;
                /* Best confidence wins; near-ties go to the longer window (listed first). */
                if (cur.gated && (!tr->have_best || cur.conf > tr->best.conf + 0.05)) {
                        tr->best = cur;
                        tr->have_best = true;
                }
        }
}

static void verdict_growth(const Series *s, const bool *mask, const AnalyserParams *p, double noise,
                           double *scratch, Verdict *v) {
        double ft[ANALYSER_MAX_POINTS], fy[ANALYSER_MAX_POINTS];
        size_t fidx[ANALYSER_MAX_POINTS], nf = 0;
        double min_span = (double) p->min_span / USEC_PER_MINUTE;
        double sus_span = (double) p->sustained_span / USEC_PER_MINUTE;
        double sustained, base;
        const Window *best;
        const Shape *sh;
        bool better;
        Trend tr;

        for (size_t i = 0; i < s->n; i++)
                if (!mask[i]) {
                        ft[nf] = s->t[i];
                        fy[nf] = s->y[i];
                        fidx[nf++] = i;
                }
        v->t_end = s->t[s->n - 1];
        if (nf < 4) {
                v->a.pattern = PATTERN_STABLE;
                return;
        }
        trend_fit(ft, fy, nf, s->t0, p, noise, scratch, &tr);
        best = &tr.best;
        sh = &tr.shape;
        sustained = tr.sustained;

        /* Growth too weak to stand behind is reported as stable, with lowered confidence. */
        if (!tr.have_best || best->conf < STABLE_BELOW) {
                v->a.pattern = PATTERN_STABLE;
                v->a.growth_bytes_per_min = tr.full.fit.slope;
                v->a.r2 = tr.full.fit.r2;
                v->a.mk_z = tr.full.fit.mk_z;
                v->a.confidence = (unsigned) lround(100.0 * ramp(series_span(s), min_span, sus_span) *
                                                     (1.0 - 0.5 * tr.evidence));
                return;
        }

        v->a.growth_bytes_per_min = best->fit.slope;
        v->a.r2 = best->fit.r2;
        v->a.mk_z = best->fit.mk_z;
        v->a.window = (usec_t) (best->span * (double) USEC_PER_MINUTE);
        v->a.n_points = s->idx[s->n - 1] - s->idx[fidx[tr.bfirst[best->off]]] + 1;
        v->a.confidence = (unsigned) lround(100.0 * best->conf);
        v->level_end = best->fit.intercept + best->fit.slope * v->t_end;
        v->a.pattern = PATTERN_LINEAR;

        /* Shape over all bins: when did the growth start, and is it bending? */
        base = MIN(sh->ssr_lin, sh->ssr_hinge);
        if (sh->ssr_hinge < 0.8 * sh->ssr_lin && sh->onset < v->t_end) {
                /* Growth that started at a clear onset lasts from there; else the longest good window. */
                sustained = MAX(sustained, best->fit.slope > 0 ? v->t_end - sh->onset : 0.0);
                /*
                 * Soon after the onset every trailing window still holds some
                 * of the flat history and understates the rate; the hinge
                 * measures it from the onset on.
                 */
                if (sh->hinge_a > v->a.growth_bytes_per_min) {
                        v->a.growth_bytes_per_min = sh->hinge_a;
                        v->level_end = sh->hinge_c + sh->hinge_a * (v->t_end - sh->onset);
                }
        }
        better = sh->ssr_exp < 0.5 * base && base - sh->ssr_exp > 10.0 * tr.floor * tr.floor;

        if (better && sh->exp_b > 0 && sh->exp_a > 0) {
                v->a.pattern = PATTERN_EXPONENTIAL;
                v->exponential_model = true;
                v->exp_a = sh->exp_a;
                v->exp_b = sh->exp_b;
                v->exp_c = sh->exp_c;
                v->exp_t0 = tr.bt[0];
                v->level_end = MAX(v->level_end, sh->exp_c + sh->exp_a * exp(sh->exp_b * (v->t_end - tr.bt[0])));
        } else if (better && sh->exp_b < 0)
                /* Warm-up levelling off: report it, but below the alert line. */
                v->a.confidence = MIN(v->a.confidence, 60U);
        else if (sustained >= (double) p->leak_span / USEC_PER_MINUTE)
                v->a.pattern = PATTERN_LEAK;
}

/* Minutes until the model reaches judged level L (bytes); INFINITY if never. */
static double forecast_minutes(const Verdict *v, double L) {
        double slope = v->a.growth_bytes_per_min;

        if (v->level_end >= L)
                return 0.0;
        if (v->exponential_model) {
                double x = (L - v->exp_c) / v->exp_a;

                if (x > 0 && v->exp_b > 0) {
                        double t = log(x) / v->exp_b + v->exp_t0 - v->t_end;
                        return MAX(0.0, t);
                }
        }
        if (!(slope > 0))
                return INFINITY;
        return (L - v->level_end) / slope;
}

static void verdict_forecast(Verdict *v, const AnalysisLimits *lim, const AnalyserParams *p) {
        const struct {
                uint64_t limit;
                const char *name;
                bool headroom;
        } limits[] = {
                { lim->max, "max", false },
                { lim->high, "high", false },
                { lim->host_headroom, "host", true },
        };
        double best = INFINITY;

        if (!pattern_is_growth(v->a.pattern) || v->a.confidence < 50)
                return;
        if (v->a.r2 < p->forecast_min_r2 || !(v->a.growth_bytes_per_min > 0))
                return;

        for (size_t i = 0; i < ELEMENTSOF(limits); i++) {
                double m;

                if (limits[i].limit == UINT64_MAX)
                        continue;
                if (limits[i].headroom)
                        /* Headroom shrinks by what this unit adds from now on. */
                        m = forecast_minutes(v, v->level_end + (double) limits[i].limit);
                else
                        m = forecast_minutes(v, (double) limits[i].limit);
                if (m < best) {
                        best = m;
                        v->a.limit_name = limits[i].name;
                }
        }
        if (isfinite(best) && best * (double) USEC_PER_MINUTE < 1e18)
                v->a.time_to_limit = (usec_t) (best * (double) USEC_PER_MINUTE);
        else
                v->a.limit_name = NULL;
}

static Severity verdict_severity(const Analysis *a, const AnalyserParams *p) {
        switch (a->pattern) {
        case PATTERN_LINEAR:
        case PATTERN_EXPONENTIAL:
        case PATTERN_LEAK:
                if (a->confidence < p->alert_confidence)
                        return SEVERITY_INFO;
                if (a->time_to_limit < 10 * USEC_PER_MINUTE)
                        return SEVERITY_EMERGENCY;
                if (a->time_to_limit < USEC_PER_HOUR)
                        return SEVERITY_CRITICAL;
                return SEVERITY_WARNING;
        case PATTERN_SPIKE:
                return SEVERITY_INFO;
        case PATTERN_UNKNOWN:
        case PATTERN_STABLE:
        case PATTERN_SAWTOOTH:
        case _PATTERN_MAX:
        case _PATTERN_INVALID:
                break;
        }
        return SEVERITY_NONE;
}

/* Page cache trend over the verdict's points: median of the last quarter minus the first. */
static double reclaimable_growth(const AnalysisPoint *pts, size_t first, size_t n, double *scratch) {
        size_t count = n - first, q, stride;
        double lo, hi, dt;
        size_t nq;

        if (count < 8)
                return 0.0;
        q = count / 4;
        stride = (q + ANALYSER_MAX_POINTS - 1) / ANALYSER_MAX_POINTS;
        nq = 0;
        for (size_t i = 0; i < q; i += stride)
                scratch[nq++] = (double) pts[first + i].file;
        lo = stats_median_inplace(scratch, nq);
        nq = 0;
        for (size_t i = 0; i < q; i += stride)
                scratch[nq++] = (double) pts[n - q + i].file;
        hi = stats_median_inplace(scratch, nq);
        dt = (double) (pts[n - 1 - q / 2].t - pts[first + q / 2].t) / (double) USEC_PER_MINUTE;
        return dt > 0 ? (hi - lo) / dt : 0.0;
}

/* Records the segment [start, n) in the verdict and, if long enough, loads it and finds its cycles. */
static bool segment_load(const AnalysisPoint *pts, size_t start, size_t n, const AnalyserParams *p, Verdict *v,
                         Series *s, double *scratch, double *ret_noise, Cycles *c) {
        v->a.n_points = n - start;
        v->a.window = pts[n - 1].t - pts[start].t;
        if (n - start < p->min_points || v->a.window < p->min_span)
                return false;

        series_load(s, pts, start, n);
        *ret_noise = series_noise(s, scratch);
        cycles_find(s, p, *ret_noise, c);
        return true;
}

/**
 * analyser_run() - classify one unit's memory history
 * @pts: points sorted by time (equal timestamps allowed), may be NULL if @n is 0
 * @n: number of points; any count is accepted, long series are decimated
 * @lim: limits for the forecast, or NULL for none
 * @p: parameters, or NULL for ANALYSER_PARAMS_DEFAULT
 * @ret: the verdict
 *
 * Only the trailing @p->window is used. A restart-like reset inside it is
 * detected and only the points after it are judged; the bytes it freed are
 * reported in @ret->restart_freed. Too little data yields PATTERN_UNKNOWN.
 * Runs in well under 100 µs for 240 points and uses no heap.
 *
 * Return: 0, or -EINVAL for NULL @ret, unsorted points or invalid parameters.
 */
int analyser_run(const AnalysisPoint *pts, size_t n, const AnalysisLimits *lim,
                 const AnalyserParams *p, Analysis *ret) {
        static const AnalyserParams def = ANALYSER_PARAMS_DEFAULT;
        static const AnalysisLimits nolim = ANALYSIS_LIMITS_NONE;
        double scratch[MAX(MAX_PAIRS, ANALYSER_MAX_POINTS)];
        bool mask[ANALYSER_MAX_POINTS];
        size_t w0, restart, spikes, returned;
        double noise;
        Verdict v = {
                .a = {
                        .pattern = PATTERN_UNKNOWN,
                        .time_to_limit = USEC_INFINITY,
                        .severity = SEVERITY_NONE,
                },
        };
        Series s;
        Cycles c;
        int r;

        if (!ret)
                return -EINVAL;
        if (!p)
                p = &def;
        if (!lim)
                lim = &nolim;
        r = params_check(p);
        if (r < 0)
                return r;
        r = points_check(pts, n);
        if (r < 0)
                return r;

        if (n == 0)
                goto done;
        w0 = window_start(pts, n, p->window);
        if (!segment_load(pts, w0, n, p, &v, &s, scratch, &noise, &c))
                goto done;

        if (c.n_gradual < 2) {
                restart = restart_find(&s, &c);
                if (restart > 0) {
                        size_t k = s.idx[restart];
                        uint64_t before = pts[s.idx[c.last_peak]].current;

                        v.a.restart_freed = before > pts[k].current ? before - pts[k].current : 0;
                        if (!segment_load(pts, k, n, p, &v, &s, scratch, &noise, &c))
                                goto done;
                }
        }

        if (c.n_gradual >= 2) {
                verdict_sawtooth(&s, &c, p, noise, scratch, &v);
                v.a.n_points = n - s.idx[0];
        } else {
                spikes = spikes_find(&s, p, noise, scratch, mask, &returned);
                verdict_growth(&s, mask, p, noise, scratch, &v);
                if (spikes > 0 && (v.a.pattern == PATTERN_STABLE || v.a.confidence < p->alert_confidence)) {
                        v.a.pattern = PATTERN_SPIKE;
                        v.a.confidence = returned > 0 ? 90 : 50;
                }
                if (!pattern_is_growth(v.a.pattern)) {
                        v.a.n_points = n - s.idx[0];
                        v.a.window = pts[n - 1].t - pts[s.idx[0]].t;
                }
        }

        v.a.reclaimable_growth_bytes_per_min = reclaimable_growth(pts, n - v.a.n_points, n, scratch);
        verdict_forecast(&v, lim, p);

done:
        v.a.severity = verdict_severity(&v.a, p);
        *ret = v.a;
        return 0;
}
