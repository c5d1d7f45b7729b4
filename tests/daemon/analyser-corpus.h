/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Synthetic memory series for the analyser: one generator shared by
 * test-analyser (asserted verdicts) and bench/detect-report (detection rates).
 * Deterministic: the same spec and seed always give the same points.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyser.h"

typedef enum CorpusKind {
        CORPUS_STABLE,          /* flat anon, light noise */
        CORPUS_STABLE_NOISY,    /* flat anon, heavy white noise plus slow wander */
        CORPUS_LINEAR_LEAK,     /* flat, then anon grows at rate from onset */
        CORPUS_EXPONENTIAL,     /* flat, then grows with doubling time ~4 min from onset */
        CORPUS_SPIKE,           /* flat with one short excursion that returns */
        CORPUS_SAWTOOTH_FLAT,   /* GC cycle, troughs flat */
        CORPUS_SAWTOOTH_LEAK,   /* GC cycle, troughs rise at rate from onset */
        CORPUS_PAGE_CACHE,      /* anon flat, file grows at rate * 4 */
        CORPUS_RESTART_LEAK,    /* leak from onset, restart at spec.restart, leak again */
        CORPUS_IRREGULAR_FLAT,  /* GC cycle whose period varies ±30 % from cycle to cycle, troughs flat */
        CORPUS_IRREGULAR_LEAK,  /* the same, troughs rise at rate from onset */
        CORPUS_SHORT,           /* five points */
        _CORPUS_KIND_MAX,
} CorpusKind;

typedef struct CorpusSpec {
        CorpusKind kind;
        uint64_t seed;
        double rate_mib_per_min;        /* leak rate (initial rate for exponential) */
        double noise_mib;               /* white noise sigma; heavy kinds scale it up */
        usec_t interval;                /* sampling period */
        usec_t duration;
        usec_t onset;                   /* growth starts here */
        usec_t restart;                 /* CORPUS_RESTART_LEAK: the unit restarts here */
} CorpusSpec;

#define CORPUS_SPEC_DEFAULT(k, s) {                             \
                .kind = (k),                                    \
                .seed = (s),                                    \
                .rate_mib_per_min = 2.0,                        \
                .noise_mib = 1.0,                               \
                .interval = 5 * USEC_PER_SEC,                   \
                .duration = 40 * USEC_PER_MINUTE,               \
                .onset = 10 * USEC_PER_MINUTE,                  \
                .restart = 25 * USEC_PER_MINUTE,                \
        }

/* Largest number of points corpus_generate() can write for a spec. */
size_t corpus_size(const CorpusSpec *spec);

/* Fills out[0..max) and returns the number of points written. With noise 0 it gives the ground truth. */
size_t corpus_generate(const CorpusSpec *spec, AnalysisPoint *out, size_t max);

const char *corpus_kind_to_string(CorpusKind k);

/* Whether a correct analyser must raise a leak alert on this kind (after onset). */
bool corpus_kind_is_leak(CorpusKind k);
