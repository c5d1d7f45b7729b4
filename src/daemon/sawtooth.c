/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The drop walker (cycles, restarts) and the sawtooth verdict, which reads a
 * leak under a GC-like cycle off the level each rise starts from. A model of
 * its own, with its own clock fitting, so it lives apart from analyser.c.
 */

#include <math.h>
#include <string.h>

#include "sawtooth.h"
#include "stats.h"
#include "util.h"

/* ---- cycles: drops and restarts ---- */

static void cycles_add_trough(Cycles *c, size_t peak, size_t i, size_t end) {
        if (c->n_troughs == MAX_TROUGHS) {
                /* Keep the most recent ones: they matter for "is the baseline rising now". */
                memmove(c->trough_i, c->trough_i + 1, (MAX_TROUGHS - 1) * sizeof(size_t));
                memmove(c->drop_i, c->drop_i + 1, (MAX_TROUGHS - 1) * sizeof(size_t));
                memmove(c->rise_end, c->rise_end + 1, (MAX_TROUGHS - 1) * sizeof(size_t));
                c->n_troughs--;
        }
        c->trough_i[c->n_troughs] = i;
        c->drop_i[c->n_troughs] = peak;
        c->rise_end[c->n_troughs] = end;
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

void cycles_find(const Series *s, const AnalyserParams *p, double noise, Cycles *c) {
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
                                /* The rise that began at the previous trough ends at this peak. */
                                if (c->n_troughs > 0)
                                        c->rise_end[c->n_troughs - 1] = pk_i;
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
                                cycles_add_trough(c, c->last_peak, tr_i, s->n - 1);
                                falling = false;
                                pk = y;
                                pk_i = i;
                                phase_min = tr;
                                phase_start = tr_i;
                        }
                }
        }
        if (falling)
                cycles_add_trough(c, c->last_peak, tr_i, s->n - 1);
}

/*
 * A restart looks like one gradual rise followed by one drop back to about
 * where the rise began. Returns the series index the post-restart segment
 * starts at, or 0 when there is no restart.
 */

size_t restart_find(const Series *s, const Cycles *c) {
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

/* ---- sawtooth: the level each rise starts from ---- */

/*
 * What a GC cycle cannot give back shows in the level each rise starts from.
 * The lowest sample is a poor reading of it: it lands anywhere within one
 * sample's worth of the rise above the true trough, and as the cycle beats
 * against the sampling period that error drifts and looks like a trend. So
 * the level is read off the rise itself, a line through its samples taken at
 * the instant of the drop, which is known to lie between the last sample
 * before it and the first after.
 *
 * When the drops keep a regular clock t0 + n·P, every instant follows from
 * the clock, and what remains uncertain is the clock itself. An error in t0
 * moves all levels alike and leaves their trend alone; an error in P tilts
 * them, by the rise rate times dP/P. So a regular clock turns one sample of
 * independent timing error per level into one shared uncertainty on the
 * slope, which shrinks as the drops accumulate.
 */
typedef struct Bases {
        size_t n;
        bool regular;                   /* drop instants from a fitted clock */
        double slope_sd;                /* bytes/min: slope uncertainty from the clock's period */
        double t[MAX_TROUGHS];          /* minutes: instant of the drop */
        double y[MAX_TROUGHS];          /* bytes: level the rise starts from */
        double sd[MAX_TROUGHS];         /* bytes: its own uncertainty */
        double rate[MAX_TROUGHS];       /* bytes/min: slope of the rise */
        double lo[MAX_TROUGHS], hi[MAX_TROUGHS];        /* minutes: the drop happened in (lo, hi] */
} Bases;

/* Width of the range of t0 that puts every drop j at t0 + idx[j]·period inside (lo, hi]; < 0 if none. */
static double clock_slack(const Bases *b, const long *idx, double period, double *ret_lo, double *ret_hi) {
        double lo = -INFINITY, hi = INFINITY;

        for (size_t j = 0; j < b->n; j++) {
                lo = MAX(lo, b->lo[j] - (double) idx[j] * period);
                hi = MIN(hi, b->hi[j] - (double) idx[j] * period);
        }
        if (ret_lo)
                *ret_lo = lo;
        if (ret_hi)
                *ret_hi = hi;
        return hi - lo;
}

/* Edge of the set of periods with a fitting clock, between a fitting one and a failing one. */
static double clock_edge(const Bases *b, const long *idx, double fits, double fails) {
        for (unsigned it = 0; it < 40; it++) {
                double mid = (fits + fails) / 2.0;

                if (clock_slack(b, idx, mid, NULL, NULL) >= 0)
                        fits = mid;
                else
                        fails = mid;
        }
        return fits;
}

/*
 * The clocks that put every drop inside its sampling interval form a convex
 * set whose width in t0 is concave in P: a ternary search finds a P that
 * fits, bisection the range [p_lo, p_hi] of those that do. The clock used is
 * the middle of that range.
 */
static void bases_clock(Bases *b, double *scratch) {
        long idx[MAX_TROUGHS];
        double period, dt, lo, hi, p_best, p_lo, p_hi, p_mid, t0_lo, t0_hi, rate;

        if (b->n < 4)
                return;
        for (size_t j = 1; j < b->n; j++)
                scratch[j - 1] = b->t[j] - b->t[j - 1];
        period = stats_median_inplace(scratch, b->n - 1);
        for (size_t j = 0; j < b->n; j++)
                scratch[j] = b->hi[j] - b->lo[j];
        dt = stats_median_inplace(scratch, b->n);
        if (!(period > 4.0 * dt))
                return;
        for (size_t j = 0; j < b->n; j++) {
                idx[j] = lround((b->t[j] - b->t[0]) / period);
                if (j > 0 && idx[j] <= idx[j - 1])
                        return;
        }

        lo = period - 2.0 * dt;
        hi = period + 2.0 * dt;
        for (unsigned it = 0; it < 60; it++) {
                double m1 = lo + (hi - lo) / 3.0, m2 = hi - (hi - lo) / 3.0;

                if (clock_slack(b, idx, m1, NULL, NULL) < clock_slack(b, idx, m2, NULL, NULL))
                        lo = m1;
                else
                        hi = m2;
        }
        p_best = (lo + hi) / 2.0;
        if (clock_slack(b, idx, p_best, NULL, NULL) < 0)
                return;
        p_lo = clock_edge(b, idx, p_best, period - 2.0 * dt);
        p_hi = clock_edge(b, idx, p_best, period + 2.0 * dt);
        p_mid = (p_lo + p_hi) / 2.0;
        if (clock_slack(b, idx, p_mid, &t0_lo, &t0_hi) < 0)
                return;

        for (size_t j = 0; j < b->n; j++) {
                double tc = (t0_lo + t0_hi) / 2.0 + (double) idx[j] * p_mid;

                tc = MAX(b->lo[j], MIN(b->hi[j], tc));
                b->y[j] += b->rate[j] * (tc - b->t[j]);
                b->t[j] = tc;
                scratch[j] = b->rate[j];
        }
        /* The period is anywhere in [p_lo, p_hi]: a uniform tilt of rate · dP/P. */
        rate = stats_median_inplace(scratch, b->n);
        b->slope_sd = rate * (p_hi - p_lo) / (sqrt(12.0) * p_mid);
        b->regular = true;
}

static void bases_find(const Series *s, const Cycles *c, double noise, double *scratch, Bases *b) {
        double rates[MAX_TROUGHS], rate_se[MAX_TROUGHS], pooled;
        size_t nr = 0;
        bool agree;

        *b = (Bases) {};
        /*
         * A GC cycle allocates at much the same rate every time. When the
         * rises agree on it within their own noise, one pooled rate serves
         * them all: a rise then only has to fix its level, not its slope,
         * which halves the uncertainty of where it starts. Rises too short
         * to fit always take the pooled rate.
         */
        for (size_t j = 0; j < c->n_troughs; j++) {
                size_t a = c->trough_i[j], e = c->rise_end[j];

                if (e >= a + 3) {
                        double span = s->t[e] - s->t[a];

                        stats_least_squares(s->t + a, s->y + a, e - a + 1, &rates[nr], NULL);
                        rate_se[nr] = span > 0 ? MAX(noise, 4096.0) * sqrt(12.0) / (span * sqrt((double) (e - a + 1)))
                                               : INFINITY;
                        nr++;
                }
        }
        memcpy(scratch, rates, nr * sizeof(double));
        pooled = stats_median_inplace(scratch, nr);
        agree = nr >= 3;
        for (size_t j = 0; j < nr; j++)
                if (!(fabs(rates[j] - pooled) <= 3.0 * rate_se[j]))
                        agree = false;

        for (size_t j = 0, jr = 0; j < c->n_troughs; j++) {
                size_t a = c->trough_i[j], e = c->rise_end[j], pk = c->drop_i[j], k = b->n, n;
                double rate = pooled, tau, level, sigma;
                bool own = e >= a + 3;

                if (own && !agree)
                        rate = rates[jr];
                jr += own;
                if (e < a || pk >= a)
                        continue;
                rate = MAX(rate, 0.0);
                for (size_t i = a; i <= e; i++)
                        scratch[i - a] = s->y[i] - rate * (s->t[i] - s->t[a]);
                level = stats_median_inplace(scratch, e - a + 1);
                /*
                 * The rise starts at the first sample after the peak, unless
                 * that one is still on its way down (a drop over several
                 * samples); the lowest sample is not always the first one.
                 */
                while (pk + 1 < a && s->y[pk + 1] > level + rate * (s->t[pk + 1] - s->t[a]) + 3.0 * noise)
                        pk++;
                a = pk + 1;
                n = e - a + 1;
                tau = (s->t[a - 1] + s->t[a]) / 2.0;
                for (size_t i = a; i <= e; i++)
                        scratch[i - a] = s->y[i] - rate * (s->t[i] - tau);
                b->y[k] = stats_median_inplace(scratch, n);
                for (size_t i = a; i <= e; i++)
                        scratch[i - a] = s->y[i] - rate * (s->t[i] - tau) - b->y[k];
                sigma = stats_mad_sigma_inplace(scratch, n);
                sigma = MAX(sigma, noise);
                b->t[k] = tau;
                b->lo[k] = s->t[a - 1];
                b->hi[k] = s->t[a];
                b->rate[k] = rate;
                /*
                 * A line's end is known to about 2σ/√n, a level with a pooled
                 * rate to about σ/√n; the median costs another 25 %.
                 */
                b->sd[k] = 1.25 * sigma / sqrt((double) n) * (agree ? sqrt(1.0 + 3.0 / (double) nr) : 2.0);
                b->n++;
        }

        bases_clock(b, scratch);
        if (b->regular)
                return;
        /* Without a clock each drop instant is uniform over its own sampling interval. */
        for (size_t j = 0; j < b->n; j++) {
                double timing = b->rate[j] * (b->hi[j] - b->lo[j]) / sqrt(12.0);

                b->sd[j] = sqrt(b->sd[j] * b->sd[j] + timing * timing);
        }
}

/* The trend of bases [from, from + k): Theil-Sen, with the standard error of their own scatter. */
typedef struct BaseTrend {
        Fit fit;
        double se;              /* bytes/min, the clock's tilt left out */
} BaseTrend;

static void bases_trend(const Bases *b, size_t from, size_t k, double *scratch, BaseTrend *ret) {
        double var = 0.0, sigma;

        fit_theil_sen(b->t + from, b->y + from, k, scratch, &ret->fit);
        /* Few bases give a useless MAD: their own uncertainty floors it. */
        for (size_t j = from; j < from + k; j++)
                var += b->sd[j] * b->sd[j];
        sigma = MAX(ret->fit.sigma, sqrt(var / (double) k));
        ret->se = sigma * sqrt(12.0) / (MAX(ret->fit.span, 1e-9) * sqrt((double) k));
}

void verdict_sawtooth(const Series *s, const Cycles *c, const AnalyserParams *p,
                      double noise, double *scratch, Verdict *v) {
        double min_span = (double) p->min_span / USEC_PER_MINUTE;
        double sus_span = (double) p->sustained_span / USEC_PER_MINUTE;
        double best_conf = -1.0, last_max = 0.0, tilt_max;
        size_t nt;
        Bases b;

        v->a.cycles = (unsigned) c->n_drops;
        v->a.window = (usec_t) (series_span(s) * (double) USEC_PER_MINUTE);
        v->t_end = s->t[s->n - 1];
        for (size_t i = c->last_peak; i < s->n; i++)
                last_max = MAX(last_max, s->y[i]);

        bases_find(s, c, noise, scratch, &b);
        nt = b.n;
        tilt_max = sqrt(3.0) * b.slope_sd;

        /*
         * The trend of the bases is the trend of the memory the cycle cannot
         * give back. As for plain growth, trailing subsets are tried so a
         * baseline that started rising recently is not averaged away.
         */
        for (size_t k = nt; k >= 2; k = k > 3 ? MAX(3U, k * 3 / 4) : k - 1) {
                double slope, z, span, r2 = 0.0, mk = 0.0, tau = 1.0, conf;

                if (k >= 3) {
                        BaseTrend cur, pre;

                        bases_trend(&b, nt - k, k, scratch, &cur);
                        span = cur.fit.span;
                        slope = cur.fit.slope;
                        r2 = cur.fit.r2;
                        mk = cur.fit.mk_z;
                        tau = cur.fit.tau;
                        z = slope / hypot(cur.se, b.slope_sd);
                        /*
                         * The clock's tilt is in every level alike. When the
                         * levels before the subset are flat but for a tilt the
                         * clock allows, they measure it, and the subset's rise
                         * above them is free of it.
                         */
                        if (b.regular && nt - k >= 3) {
                                bases_trend(&b, 0, nt - k, scratch, &pre);
                                if (fabs(pre.fit.slope) <= tilt_max + 2.0 * pre.se &&
                                    (slope - pre.fit.slope) / hypot(cur.se, pre.se) > z) {
                                        z = (slope - pre.fit.slope) / hypot(cur.se, pre.se);
                                        slope -= pre.fit.slope;
                                }
                        }
                } else {
                        double sd = hypot(b.sd[nt - 2], b.sd[nt - 1]);

                        span = b.t[nt - 1] - b.t[nt - 2];
                        slope = span > 0 ? (b.y[nt - 1] - b.y[nt - 2]) / span : 0.0;
                        z = span > 0 ? slope / (hypot(sd / span, b.slope_sd) + 1e-9) : 0.0;
                }
                z = MAX(-Z_CAP, MIN(Z_CAP, z));

                if (k == nt) {
                        /* Whatever else happens, report the whole-window baseline trend. */
                        v->a.growth_bytes_per_min = slope;
                        v->a.r2 = r2;
                        v->a.mk_z = mk;
                }
                if (slope < p->min_growth_bytes_per_min || z < p->gate_z || tau < 0.5)
                        continue;

                /* Two bases are a two-point difference: never enough for an alert on their own. */
                conf = MIN(ramp(z, p->gate_z, p->full_z), k >= 3 ? 1.0 : 0.5);
                conf = MIN(conf, ramp(span, min_span, sus_span));
                if (conf > best_conf + 0.05) {
                        best_conf = conf;
                        v->a.pattern = PATTERN_LEAK;
                        v->a.confidence = (unsigned) lround(100.0 * conf);
                        v->a.growth_bytes_per_min = slope;
                        v->a.r2 = r2;
                        v->a.mk_z = mk;
                        v->a.window = (usec_t) ((v->t_end - b.t[nt - k]) * (double) USEC_PER_MINUTE);
                        v->level_end = last_max;
                }
        }
        /* Weak evidence of a rising baseline is still a sawtooth, with its trend reported. */
        if (best_conf >= 0.5)
                return;

        v->a.pattern = PATTERN_SAWTOOTH;
        v->a.confidence = (unsigned) MIN(95, 55 + 15 * c->n_gradual);
}
