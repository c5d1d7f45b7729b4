/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Synthetic series for the analyser. Every series is a noise-free shape plus
 * noise from our own xorshift64* generator, so results do not depend on the C
 * library. All random shape parameters (base level, cycle phase, spike time)
 * are drawn before any noise, and noise is drawn even when its sigma is zero:
 * the same seed with noise_mib = 0 therefore yields the exact ground truth of
 * the noisy series, which the bench uses to score forecasts. The cycle
 * lengths of the irregular GC kinds come from a second generator, so adding
 * them changed no other series.
 *
 * Noise model: white Gaussian noise of noise_mib on anon, plus a slow AR(1)
 * wander (phi 0.95, stationary sigma about noise/3), plus Gaussian noise of a
 * quarter of that on file; everything rounded down to 4 KiB pages.
 */

#include <math.h>

#include "analyser-corpus.h"
#include "util.h"

#define MIB (1024.0 * 1024.0)

typedef struct Rng {
        uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r) {
        r->s ^= r->s >> 12;
        r->s ^= r->s << 25;
        r->s ^= r->s >> 27;
        return r->s * 2685821657736338717ULL;
}

static double rng_uniform(Rng *r) {
        return (double) (rng_next(r) >> 11) / 9007199254740992.0;
}

static double rng_gauss(Rng *r) {
        double u = rng_uniform(r), v = rng_uniform(r);

        return sqrt(-2.0 * log(u + 1e-300)) * cos(2.0 * M_PI * v);
}

static const char *const kind_table[_CORPUS_KIND_MAX] = {
        [CORPUS_STABLE] = "stable",
        [CORPUS_STABLE_NOISY] = "stable-noisy",
        [CORPUS_LINEAR_LEAK] = "linear-leak",
        [CORPUS_EXPONENTIAL] = "exponential",
        [CORPUS_SPIKE] = "spike",
        [CORPUS_SAWTOOTH_FLAT] = "sawtooth-flat",
        [CORPUS_SAWTOOTH_LEAK] = "sawtooth-leak",
        [CORPUS_PAGE_CACHE] = "page-cache",
        [CORPUS_RESTART_LEAK] = "restart-leak",
        [CORPUS_IRREGULAR_FLAT] = "irregular-flat",
        [CORPUS_IRREGULAR_LEAK] = "irregular-leak",
        [CORPUS_SHORT] = "short",
};

const char *corpus_kind_to_string(CorpusKind k) {
        return k < _CORPUS_KIND_MAX ? kind_table[k] : NULL;
}

bool corpus_kind_is_leak(CorpusKind k) {
        return k == CORPUS_LINEAR_LEAK || k == CORPUS_EXPONENTIAL || k == CORPUS_SAWTOOTH_LEAK ||
               k == CORPUS_RESTART_LEAK || k == CORPUS_IRREGULAR_LEAK;
}

size_t corpus_size(const CorpusSpec *spec) {
        if (spec->kind == CORPUS_SHORT)
                return 5;
        return spec->interval > 0 ? (size_t) (spec->duration / spec->interval) + 1 : 0;
}

static uint64_t pages(double bytes) {
        if (!(bytes > 0))
                return 0;
        return ((uint64_t) bytes) & ~(uint64_t) 4095;
}

size_t corpus_generate(const CorpusSpec *spec, AnalysisPoint *out, size_t max) {
        Rng rng = { .s = spec->seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL };
        Rng cycle_rng = { .s = spec->seed * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL };
        double base, period, amp, phase, spike_at, spike_len, spike_h, ar = 0.0, drop_prev, drop_next;
        double sigma = spec->noise_mib * MIB, rate = spec->rate_mib_per_min * MIB;
        double onset = (double) spec->onset / USEC_PER_MINUTE;
        double restart = (double) spec->restart / USEC_PER_MINUTE;
        size_t n = MIN(corpus_size(spec), max);

        /* Shape parameters first, noise after: see the comment at the top. */
        for (int i = 0; i < 4; i++)
                rng_next(&rng);
        base = (150.0 + 100.0 * rng_uniform(&rng)) * MIB;
        period = 1.5 + 1.5 * rng_uniform(&rng);                 /* minutes */
        amp = (60.0 + 40.0 * rng_uniform(&rng)) * MIB;
        phase = rng_uniform(&rng);
        spike_at = (0.4 + 0.3 * rng_uniform(&rng)) * (double) spec->duration / USEC_PER_MINUTE;
        spike_len = (10.0 + 10.0 * rng_uniform(&rng)) / 60.0;
        spike_h = (120.0 + 80.0 * rng_uniform(&rng)) * MIB;
        if (spec->kind == CORPUS_STABLE_NOISY)
                sigma *= 8.0;
        drop_prev = -phase * period;
        drop_next = drop_prev + period * (0.7 + 0.6 * rng_uniform(&cycle_rng));

        for (size_t i = 0; i < n; i++) {
                double t = (double) (i * spec->interval) / USEC_PER_MINUTE, since = MAX(0.0, t - onset);
                double anon = base, file = 64.0 * MIB, kernel = 12.0 * MIB;
                double white = rng_gauss(&rng), wander = rng_gauss(&rng), fnoise = rng_gauss(&rng);

                switch (spec->kind) {
                case CORPUS_STABLE:
                case CORPUS_STABLE_NOISY:
                case CORPUS_SHORT:
                        break;
                case CORPUS_LINEAR_LEAK:
                        anon += rate * since;
                        break;
                case CORPUS_EXPONENTIAL: {
                        /* Initial slope = rate, doubling time of the excess 4 min. */
                        double tau = 4.0 / M_LN2;
                        anon += rate * tau * (exp(since / tau) - 1.0);
                        break;
                }
                case CORPUS_SPIKE:
                        if (t >= spike_at && t < spike_at + spike_len)
                                anon += spike_h;
                        break;
                case CORPUS_SAWTOOTH_LEAK:
                case CORPUS_SAWTOOTH_FLAT: {
                        double x = t / period + phase;
                        anon += amp * (x - floor(x));
                        if (spec->kind == CORPUS_SAWTOOTH_LEAK)
                                anon += rate * since;
                        break;
                }
                case CORPUS_PAGE_CACHE:
                        file += 4.0 * rate * t;
                        break;
                case CORPUS_RESTART_LEAK:
                        if (t < restart)
                                anon += rate * since;
                        else
                                anon += rate * (t - restart);
                        break;
                case CORPUS_IRREGULAR_FLAT:
                case CORPUS_IRREGULAR_LEAK:
                        /* The heap grows to the same goal each cycle, at a rate that varies. */
                        while (t >= drop_next) {
                                drop_prev = drop_next;
                                drop_next += period * (0.7 + 0.6 * rng_uniform(&cycle_rng));
                        }
                        anon += amp * (t - drop_prev) / (drop_next - drop_prev);
                        if (spec->kind == CORPUS_IRREGULAR_LEAK)
                                anon += rate * since;
                        break;
                case _CORPUS_KIND_MAX:
                        break;
                }

                ar = 0.95 * ar + 0.1 * sigma * wander;
                anon += sigma * white + ar;
                file += 0.25 * sigma * fnoise;

                out[i] = (AnalysisPoint) {
                        .t = 1000 * USEC_PER_SEC + i * spec->interval,
                        .anon = pages(anon),
                        .file = pages(file),
                };
                out[i].current = out[i].anon + out[i].file + pages(kernel);
        }
        return n;
}
