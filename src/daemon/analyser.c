/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The analyser turns one unit's recent memory history into a verdict: stable,
 * growing (linear, exponential, leak), spiky or cycling (sawtooth), with a
 * confidence, a rate and a forecast. It is pure arithmetic: no I/O, no heap,
 * and a bounded stack footprint (~30 KiB), because it runs once per unit per
 * analysis tick on up to ~1000 units.
 *
 * Why not "last minus first"? Memory series are noisy, have outliers (a burst
 * of requests), cycle (garbage collectors, caches) and reset (restarts). A
 * two-point difference calls all of those leaks. So:
 *
 *  - We judge non-reclaimable memory, memory.current minus page cache. A unit
 *    whose memory.current climbs only through `file` is not leaking; the
 *    kernel takes that back under pressure.
 *  - The noise scale comes from the median absolute deviation of first
 *    differences, which is blind to trends and to the rare large drops.
 *  - The shape is read first: a hysteresis walker counts large drops. Two or
 *    more drops after gradual rises is a sawtooth, judged by the trend of its
 *    troughs. A single gradual rise followed by a drop to baseline looks like a
 *    restart, and only the segment after it is analysed. Short excursions
 *    that return are spikes and are masked out of the trend fit.
 *  - The trend is a Theil-Sen slope over median bins (at most
 *    ANALYSER_MAX_BINS, so the O(m²) pair loop stays ~780 pairs), gated by the
 *    Mann-Kendall statistic, R², an absolute dead band and a dead band of
 *    gate_z standard errors scaled by the residual noise. Several trailing
 *    windows are tried so a leak that began recently is not diluted by the
 *    flat history before it.
 *
 * Confidence is the weakest of three pieces of evidence (significance, fit,
 * duration), so no single strong number can carry a weak verdict. The
 * arithmetic stays in doubles of bytes and minutes; every division is guarded
 * so NaN and infinities never reach the result.
 */

#include <errno.h>
#include <math.h>
#include <string.h>

#include "analyser.h"
#include "util.h"

#define MAX_PAIRS (ANALYSER_MAX_BINS * (ANALYSER_MAX_BINS - 1) / 2)
#define MAX_TROUGHS ANALYSER_MAX_BINS
#define MAX_BIN_WIDTH ((ANALYSER_MAX_POINTS + ANALYSER_MAX_BINS - 1) / ANALYSER_MAX_BINS)
#define MAD_TO_SIGMA 1.4826
/* Growth confidence below this is not worth a growth verdict. */
#define STABLE_BELOW 0.3

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

/* ---- small robust statistics ---- */

static double ramp(double x, double lo, double hi) {
        if (!(hi > lo))
                return x >= hi ? 1.0 : 0.0;
        if (!(x > lo))          /* also catches NaN */
                return 0.0;
        if (x >= hi)
                return 1.0;
        return (x - lo) / (hi - lo);
}

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

/* Median; reorders a. n must be > 0. */
static double median_inplace(double *a, size_t n) {
        double hi = select_kth(a, n, n / 2), lo;

        if (n % 2)
                return hi;
        /* After selection everything left of n/2 is <= a[n/2]: take its maximum. */
        lo = a[0];
        for (size_t i = 1; i < n / 2; i++)
                lo = MAX(lo, a[i]);
        return (lo + hi) / 2.0;
}

/* Robust sigma of a[] around its median; reorders a. */
static double mad_sigma_inplace(double *a, size_t n) {
        double med;

        if (n < 2)
                return 0.0;
        med = median_inplace(a, n);
        for (size_t i = 0; i < n; i++)
                a[i] = fabs(a[i] - med);
        return MAD_TO_SIGMA * median_inplace(a, n);
}

/* ---- the series we work on ---- */

typedef struct Series {
        size_t n;
        size_t base;                            /* index of t == 0 in the caller's array */
        double t[ANALYSER_MAX_POINTS];          /* minutes since pts[base].t */
        double y[ANALYSER_MAX_POINTS];          /* judged bytes */
        uint32_t idx[ANALYSER_MAX_POINTS];      /* index into the caller's array */
} Series;

/* Load pts[start, end) into s, evenly decimated to at most ANALYSER_MAX_POINTS. */
static void series_load(Series *s, const AnalysisPoint *pts, size_t start, size_t end) {
        size_t count = end - start;

        s->n = MIN(count, (size_t) ANALYSER_MAX_POINTS);
        s->base = start;
        for (size_t i = 0; i < s->n; i++) {
                size_t k = start + (s->n == count ? i : (size_t) (((uint64_t) i * (count - 1)) / (s->n - 1)));

                s->idx[i] = (uint32_t) k;
                s->t[i] = (double) (pts[k].t - pts[start].t) / (double) USEC_PER_MINUTE;
                s->y[i] = (double) analysis_point_judged(&pts[k]);
        }
}

static double series_span(const Series *s) {
        return s->n > 0 ? s->t[s->n - 1] - s->t[0] : 0.0;
}

/* Noise: robust sigma of first differences / √2. Blind to trends and to rare drops. */
static double series_noise(const Series *s, double *scratch) {
        if (s->n < 3)
                return 0.0;
        for (size_t i = 1; i < s->n; i++)
                scratch[i - 1] = s->y[i] - s->y[i - 1];
        return mad_sigma_inplace(scratch, s->n - 1) / M_SQRT2;
}

/* ---- Theil-Sen fit with Kendall/Mann-Kendall and R² ---- */

typedef struct Fit {
        double slope;           /* bytes per minute */
        double intercept;       /* bytes at t = 0 */
        double r2;              /* 0..1 */
        double mk_z;            /* Mann-Kendall z of the trend */
        double sigma;           /* robust residual sigma */
        double se;              /* standard error of the slope */
        double z;               /* slope / se, capped */
        double tau;             /* Kendall tau */
        double span;            /* minutes */
        size_t m;
} Fit;

#define Z_CAP 1e6

static void fit_theil_sen(const double *t, const double *y, size_t m, double noise_floor,
                          double *scratch, Fit *ret) {
        size_t np = 0;
        long s_mk = 0;
        double mean = 0.0, ss_tot = 0.0, ss_res = 0.0, lag1 = 0.0, rho, sigma, var_s;

        *ret = (Fit) { .m = m };
        if (m < 2)
                return;
        ret->span = t[m - 1] - t[0];

        for (size_t i = 0; i < m; i++)
                for (size_t j = i + 1; j < m; j++) {
                        double dt = t[j] - t[i], dy = y[j] - y[i];

                        s_mk += (dy > 0) - (dy < 0);
                        if (dt > 0)
                                scratch[np++] = dy / dt;
                }
        ret->slope = np > 0 ? median_inplace(scratch, np) : 0.0;

        for (size_t i = 0; i < m; i++)
                scratch[i] = y[i] - ret->slope * t[i];
        ret->intercept = median_inplace(scratch, m);

        for (size_t i = 0; i < m; i++)
                mean += y[i];
        mean /= (double) m;
        for (size_t i = 0; i < m; i++) {
                double r = y[i] - (ret->intercept + ret->slope * t[i]);

                scratch[i] = r;
                ss_res += r * r;
                ss_tot += (y[i] - mean) * (y[i] - mean);
        }
        ret->r2 = ss_tot > 0.0 ? 1.0 - ss_res / ss_tot : 0.0;
        ret->r2 = MAX(0.0, MIN(1.0, ret->r2));

        /* Lag-1 autocorrelation of the residuals: slow wander makes fewer independent points. */
        for (size_t i = 1; i < m; i++)
                lag1 += scratch[i] * scratch[i - 1];
        rho = ss_res > 0.0 ? MAX(0.0, MIN(0.8, lag1 / ss_res)) : 0.0;

        sigma = mad_sigma_inplace(scratch, m);
        ret->sigma = MAX(sigma, noise_floor);

        var_s = (double) m * (double) (m - 1) * (double) (2 * m + 5) / 18.0;
        ret->tau = (double) s_mk / ((double) m * (double) (m - 1) / 2.0);
        if (s_mk != 0)
                ret->mk_z = ((double) s_mk - (s_mk > 0 ? 1.0 : -1.0)) / sqrt(var_s);

        if (m >= 3 && ret->span > 0.0) {
                ret->se = ret->sigma * sqrt(12.0) / (ret->span * sqrt((double) m)) *
                          sqrt((1.0 + rho) / (1.0 - rho));
                if (ret->se > 0.0)
                        ret->z = MAX(-Z_CAP, MIN(Z_CAP, ret->slope / ret->se));
                else
                        ret->z = ret->slope > 0 ? Z_CAP : ret->slope < 0 ? -Z_CAP : 0.0;
        }
}

/* Median bins: m <= ANALYSER_MAX_BINS bins of k consecutive points each. */
static size_t bin_series(const double *t, const double *y, size_t n, double *bt, double *by,
                         size_t *bfirst) {
        size_t k, m = 0;

        if (n == 0)
                return 0;
        k = (n + ANALYSER_MAX_BINS - 1) / ANALYSER_MAX_BINS;
        for (size_t a = 0; a < n; a += k, m++) {
                size_t b = MIN(n, a + k);
                double buf[MAX_BIN_WIDTH];

                for (size_t i = a; i < b; i++)
                        buf[i - a] = y[i];
                by[m] = median_inplace(buf, b - a);
                bt[m] = (t[a] + t[b - 1]) / 2.0;
                bfirst[m] = a;
        }
        return m;
}

/* ---- shape: drops, cycles, restarts, spikes ---- */

typedef struct Cycles {
        double h;                       /* drop threshold in bytes */
        size_t n_drops, n_gradual;
        size_t last_peak, last_drop;    /* series indices of the last drop */
        bool last_gradual;
        double last_peak_y;
        size_t n_troughs;
        double trough_t[MAX_TROUGHS], trough_y[MAX_TROUGHS];
        double trough_step[MAX_TROUGHS];        /* rise over the sample after each trough */
} Cycles;

static void cycles_add_trough(Cycles *c, const Series *s, size_t i) {
        if (c->n_troughs == MAX_TROUGHS) {
                /* Keep the most recent ones: they matter for "is the baseline rising now". */
                memmove(c->trough_t, c->trough_t + 1, (MAX_TROUGHS - 1) * sizeof(double));
                memmove(c->trough_y, c->trough_y + 1, (MAX_TROUGHS - 1) * sizeof(double));
                memmove(c->trough_step, c->trough_step + 1, (MAX_TROUGHS - 1) * sizeof(double));
                c->n_troughs--;
        }
        c->trough_t[c->n_troughs] = s->t[i];
        c->trough_y[c->n_troughs] = s->y[i];
        c->trough_step[c->n_troughs] = i + 1 < s->n ? MAX(0.0, s->y[i + 1] - s->y[i]) : 0.0;
        c->n_troughs++;
}

/* Largest rise of y[i] above one of the two previous points, over [a, b]. */
static double fast_rise(const Series *s, size_t a, size_t b) {
        double r = 0.0;

        for (size_t i = a + 1; i <= b && i < s->n; i++) {
                r = MAX(r, s->y[i] - s->y[i - 1]);
                if (i >= a + 2)
                        r = MAX(r, s->y[i] - s->y[i - 2]);
        }
        return r;
}

/*
 * Hysteresis walker. A drop is a fall of at least h below the running peak;
 * the next rise of h above the running trough closes the cycle. h scales with
 * the largest fast drop so it adapts to the cycle amplitude, but never sinks
 * into the noise. A drop is "gradual" when the rise before it was not made in
 * one or two steps: that is what separates a GC cycle or a restart from a spike.
 */
static void cycles_find(const Series *s, const AnalyserParams *p, double noise, Cycles *c) {
        double max_drop = 0.0, pk, tr = 0.0, phase_min;
        size_t pk_i = 0, tr_i = 0, phase_start = 0;
        bool falling = false;

        *c = (Cycles) {};
        if (s->n < 3)
                return;

        for (size_t i = 1; i < s->n; i++)
                for (size_t j = i >= 3 ? i - 3 : 0; j < i; j++)
                        max_drop = MAX(max_drop, s->y[j] - s->y[i]);

        c->h = MAX(p->drop_fraction * max_drop, p->drop_noise_k * noise);
        c->h = MAX(c->h, (double) p->drop_min_bytes);
        if (max_drop < c->h)
                return;

        pk = phase_min = s->y[0];
        for (size_t i = 1; i < s->n; i++) {
                double y = s->y[i];

                if (!falling) {
                        if (y > pk) {
                                pk = y;
                                pk_i = i;
                        } else if (y < pk - c->h) {
                                double rise = pk - phase_min;

                                c->n_drops++;
                                c->last_peak = pk_i;
                                c->last_peak_y = pk;
                                c->last_drop = i;
                                c->last_gradual = rise > 0 && fast_rise(s, phase_start, pk_i) < 0.5 * rise;
                                if (c->last_gradual)
                                        c->n_gradual++;
                                falling = true;
                                tr = y;
                                tr_i = i;
                        }
                        phase_min = MIN(phase_min, y);
                } else {
                        if (y < tr) {
                                tr = y;
                                tr_i = i;
                        } else if (y > tr + c->h) {
                                cycles_add_trough(c, s, tr_i);
                                falling = false;
                                pk = y;
                                pk_i = i;
                                phase_min = tr;
                                phase_start = tr_i;
                        }
                }
        }
        if (falling)
                cycles_add_trough(c, s, tr_i);
}

/*
 * A restart looks like one gradual rise followed by one drop back to about
 * where the rise began. Returns the series index the post-restart segment
 * starts at, or 0 when there is no restart.
 */
static size_t restart_find(const Series *s, const Cycles *c) {
        double lo = s->y[0], after;
        size_t start;

        if (c->n_drops != 1 || !c->last_gradual)
                return 0;
        for (size_t i = 1; i <= c->last_peak; i++)
                lo = MIN(lo, s->y[i]);

        /* The drop may take a few samples; start at the lowest of them. */
        start = c->last_drop;
        for (size_t i = c->last_drop + 1; i < s->n && i < c->last_drop + 3; i++)
                if (s->y[i] < s->y[start])
                        start = i;
        after = s->y[start];
        if (after > lo + 0.25 * (c->last_peak_y - lo))
                return 0;
        return start;
}

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
        base = median_inplace(scratch, s->n);
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
 * Shape models by least squares over the bins of one window: a straight line,
 * a hinge (flat, then a straight line from an onset t_c) and y = c + a·e^(bt)
 * over a grid of b. A much better exponential with b > 0 is acceleration;
 * with b < 0 and a < 0 it is a warm-up approaching a plateau.
 */
typedef struct Shape {
        double ssr_lin, ssr_hinge, ssr_exp;
        double onset;           /* minutes, hinge change point */
        double exp_a, exp_b, exp_c;
} Shape;

static double ls_ssr(const double *x, const double *y, size_t m, double *ret_a, double *ret_c) {
        double mx = 0, my = 0, sxx = 0, sxy = 0, a, c, ssr = 0;

        for (size_t i = 0; i < m; i++) {
                mx += x[i];
                my += y[i];
        }
        mx /= (double) m;
        my /= (double) m;
        for (size_t i = 0; i < m; i++) {
                sxx += (x[i] - mx) * (x[i] - mx);
                sxy += (x[i] - mx) * (y[i] - my);
        }
        a = sxx > 0 ? sxy / sxx : 0.0;
        c = my - a * mx;
        for (size_t i = 0; i < m; i++) {
                double r = y[i] - c - a * x[i];
                ssr += r * r;
        }
        if (ret_a)
                *ret_a = a;
        if (ret_c)
                *ret_c = c;
        return ssr;
}

static void shape_fit(const double *t, const double *y, size_t m, Shape *ret) {
        double x[ANALYSER_MAX_BINS], span = t[m - 1] - t[0];

        *ret = (Shape) { .onset = t[0] };
        for (size_t i = 0; i < m; i++)
                x[i] = t[i] - t[0];
        ret->ssr_lin = ret->ssr_hinge = ret->ssr_exp = ls_ssr(x, y, m, NULL, NULL);
        if (m < 6 || !(span > 0))
                return;

        for (size_t c = 1; c + 3 < m; c++) {
                double ssr;

                for (size_t i = 0; i < m; i++)
                        x[i] = MAX(0.0, t[i] - t[c]);
                ssr = ls_ssr(x, y, m, NULL, NULL);
                if (ssr < ret->ssr_hinge) {
                        ret->ssr_hinge = ssr;
                        ret->onset = t[c];
                }
        }

        /* Doubling (or halving) times from span/8 to 4·span, both signs. */
        for (int sign = -1; sign <= 1; sign += 2)
                for (unsigned k = 0; k < 16; k++) {
                        double b = sign * M_LN2 / (span / 8.0 * pow(2.0, k * 5.0 / 15.0)), a, c, ssr;

                        for (size_t i = 0; i < m; i++)
                                x[i] = exp(b * (t[i] - t[0]));
                        ssr = ls_ssr(x, y, m, &a, &c);
                        /* Only the physically meaningful branches: accelerating or saturating growth. */
                        if (a <= 0 || ssr >= ret->ssr_exp)
                                if (!(sign < 0 && a < 0 && ssr < ret->ssr_exp))
                                        continue;
                        ret->ssr_exp = ssr;
                        ret->exp_a = a;
                        ret->exp_b = b;
                        ret->exp_c = c;
                }
}

/* The verdict under construction, plus what the forecast needs. */
typedef struct Verdict {
        Analysis a;
        double level_end;       /* judged bytes at t_end by the model */
        double t_end;           /* minutes, series time */
        bool exponential_model;
        double exp_a, exp_b, exp_c, exp_t0;
} Verdict;

static void verdict_sawtooth(const Series *s, const Cycles *c, const AnalyserParams *p,
                             double noise, double *scratch, Verdict *v) {
        double min_span = (double) p->min_span / USEC_PER_MINUTE;
        double sus_span = (double) p->sustained_span / USEC_PER_MINUTE;
        double best_conf = -1.0, last_max = 0.0, step;
        size_t nt = c->n_troughs;

        v->a.cycles = (unsigned) c->n_drops;
        v->a.window = (usec_t) (series_span(s) * (double) USEC_PER_MINUTE);
        v->t_end = s->t[s->n - 1];
        for (size_t i = c->last_peak; i < s->n; i++)
                last_max = MAX(last_max, s->y[i]);

        /*
         * A sampled trough lands anywhere within one sample's worth of the
         * cycle's rise above the true one, and as the cycle period beats
         * against the sampling period that error drifts: it looks like a
         * trend. Its typical size floors the trough noise.
         */
        memcpy(scratch, c->trough_step, nt * sizeof(double));
        step = nt > 0 ? median_inplace(scratch, nt) : 0.0;
        noise = MAX(noise, 0.5 * step);

        /*
         * The trend of the troughs is the trend of the memory the cycle cannot
         * give back. As for plain growth, trailing subsets are tried so a
         * baseline that started rising recently is not averaged away.
         */
        for (size_t k = nt; k >= 2; k = k > 3 ? MAX(3U, k * 3 / 4) : k - 1) {
                const double *tt = c->trough_t + nt - k, *ty = c->trough_y + nt - k;
                double slope, z, span, r2 = 0.0, mk = 0.0, tau = 1.0, conf;

                if (k >= 3) {
                        Fit f;
                        double sigma;

                        fit_theil_sen(tt, ty, k, 0.0, scratch, &f);
                        /* A trough is no quieter than a sample; few troughs give a useless MAD. */
                        sigma = MAX(f.sigma, noise);
                        span = f.span;
                        slope = f.slope;
                        z = span > 0 ? slope / (sigma * sqrt(12.0) / (span * sqrt((double) k)) + 1e-9) : 0.0;
                        r2 = f.r2;
                        mk = f.mk_z;
                        tau = f.tau;
                } else {
                        span = tt[1] - tt[0];
                        slope = span > 0 ? (ty[1] - ty[0]) / span : 0.0;
                        z = span > 0 ? (ty[1] - ty[0]) / (M_SQRT2 * noise + 1e-9) : 0.0;
                }

                if (k == nt) {
                        /* Whatever else happens, report the whole-window baseline trend. */
                        v->a.growth_bytes_per_min = slope;
                        v->a.r2 = r2;
                        v->a.mk_z = mk;
                }
                if (slope < p->min_growth_bytes_per_min || z < p->gate_z || tau < 0.5)
                        continue;

                /* Two troughs are a two-point difference: never enough for an alert on their own. */
                conf = MIN(ramp(z, p->gate_z, p->full_z), k >= 3 ? 1.0 : 0.5);
                conf = MIN(conf, ramp(span, min_span, sus_span));
                if (conf > best_conf + 0.05) {
                        best_conf = conf;
                        v->a.pattern = PATTERN_LEAK;
                        v->a.confidence = (unsigned) lround(100.0 * conf);
                        v->a.growth_bytes_per_min = slope;
                        v->a.r2 = r2;
                        v->a.mk_z = mk;
                        v->a.window = (usec_t) ((v->t_end - tt[0]) * (double) USEC_PER_MINUTE);
                        v->level_end = last_max;
                }
        }
        /* Weak evidence of a rising baseline is still a sawtooth, with its trend reported. */
        if (best_conf >= 0.5)
                return;

        v->a.pattern = PATTERN_SAWTOOTH;
        v->a.confidence = (unsigned) MIN(95, 55 + 15 * c->n_gradual);
}

typedef struct Window {
        Fit fit;
        size_t off;             /* first bin */
        double span;            /* minutes, raw points */
        double conf;
        bool gated;
} Window;

static void verdict_growth(const Series *s, const bool *mask, const AnalyserParams *p, double noise,
                           double *scratch, Verdict *v) {
        static const unsigned eighths[] = { 8, 6, 4, 3, 2 };
        double ft[ANALYSER_MAX_POINTS], fy[ANALYSER_MAX_POINTS];
        double bt[ANALYSER_MAX_BINS], by[ANALYSER_MAX_BINS];
        size_t fidx[ANALYSER_MAX_POINTS], bfirst[ANALYSER_MAX_BINS];
        size_t nf = 0, m, k;
        Window best = {}, full = {};
        double floor, evidence = 0.0, sustained = 0.0, min_span = (double) p->min_span / USEC_PER_MINUTE;
        double sus_span = (double) p->sustained_span / USEC_PER_MINUTE;
        bool have_best = false;
        Shape sh;

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
        m = bin_series(ft, fy, nf, bt, by, bfirst);
        k = (nf + m - 1) / m;
        /* A bin median cannot be quieter than the sample noise allows, nor than a page. */
        floor = MAX(noise / sqrt((double) k), 4096.0);

        for (size_t w = 0; w < ELEMENTSOF(eighths); w++) {
                size_t mw = m * eighths[w] / 8, off = m - mw;
                Window cur = { .off = off };
                double c;

                if (mw < 6 || (w > 0 && mw == m))
                        continue;
                cur.span = ft[nf - 1] - ft[bfirst[off]];
                if (cur.span < min_span && w > 0)
                        continue;
                fit_theil_sen(bt + off, by + off, mw, floor, scratch, &cur.fit);

                c = MIN(ramp(cur.fit.z, p->gate_z, p->full_z), ramp(cur.fit.r2, p->r2_low, p->r2_high));
                c = MIN(c, ramp(cur.span, min_span, sus_span));
                cur.conf = c;
                cur.gated = cur.fit.slope >= p->min_growth_bytes_per_min &&
                            cur.fit.z >= p->gate_z &&
                            cur.fit.mk_z >= p->gate_mk_z &&
                            cur.fit.r2 >= p->r2_low;
                if (cur.fit.slope > 0)
                        evidence = MAX(evidence, c);
                if (cur.gated && cur.conf >= 0.5)
                        sustained = MAX(sustained, cur.span);
                if (w == 0)
                        full = cur;
                /* Best confidence wins; near-ties go to the longer window (listed first). */
                if (cur.gated && (!have_best || cur.conf > best.conf + 0.05)) {
                        best = cur;
                        have_best = true;
                }
        }

        /* Growth too weak to stand behind is reported as stable, with lowered confidence. */
        if (!have_best || best.conf < STABLE_BELOW) {
                v->a.pattern = PATTERN_STABLE;
                v->a.growth_bytes_per_min = full.fit.slope;
                v->a.r2 = full.fit.r2;
                v->a.mk_z = full.fit.mk_z;
                v->a.confidence = (unsigned) lround(100.0 * ramp(series_span(s), min_span, sus_span) *
                                                     (1.0 - 0.5 * evidence));
                return;
        }

        v->a.growth_bytes_per_min = best.fit.slope;
        v->a.r2 = best.fit.r2;
        v->a.mk_z = best.fit.mk_z;
        v->a.window = (usec_t) (best.span * (double) USEC_PER_MINUTE);
        v->a.n_points = s->idx[s->n - 1] - s->idx[fidx[bfirst[best.off]]] + 1;
        v->a.confidence = (unsigned) lround(100.0 * best.conf);
        v->level_end = best.fit.intercept + best.fit.slope * v->t_end;
        v->a.pattern = PATTERN_LINEAR;

        /* Shape over all bins: when did the growth start, and is it bending? */
        shape_fit(bt, by, m, &sh);
        {
                double base = MIN(sh.ssr_lin, sh.ssr_hinge);
                /* Growth that started at a clear onset lasts from there; else the longest good window. */
                if (sh.ssr_hinge < 0.8 * sh.ssr_lin && sh.onset < v->t_end)
                        sustained = MAX(sustained, best.fit.slope > 0 ? v->t_end - sh.onset : 0.0);
                bool better = sh.ssr_exp < 0.5 * base && base - sh.ssr_exp > 10.0 * floor * floor;

                if (better && sh.exp_b > 0 && sh.exp_a > 0) {
                        v->a.pattern = PATTERN_EXPONENTIAL;
                        v->exponential_model = true;
                        v->exp_a = sh.exp_a;
                        v->exp_b = sh.exp_b;
                        v->exp_c = sh.exp_c;
                        v->exp_t0 = bt[0];
                        v->level_end = MAX(v->level_end, sh.exp_c + sh.exp_a * exp(sh.exp_b * (v->t_end - bt[0])));
                } else if (better && sh.exp_b < 0) {
                        /* Warm-up levelling off: report it, but below the alert line. */
                        v->a.confidence = MIN(v->a.confidence, 60U);
                } else if (sustained >= (double) p->leak_span / USEC_PER_MINUTE)
                        v->a.pattern = PATTERN_LEAK;
        }
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
        lo = median_inplace(scratch, nq);
        nq = 0;
        for (size_t i = 0; i < q; i += stride)
                scratch[nq++] = (double) pts[n - q + i].file;
        hi = median_inplace(scratch, nq);
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
