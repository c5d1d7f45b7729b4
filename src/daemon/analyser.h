/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Growth and leak analyser: pure window math over one unit's memory history.
 * No I/O, no allocation; see analyser.c for the method and docs/ANALYSIS.md
 * for the parameters and measured detection quality.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "severity.h"
#include "time-util.h"

typedef enum Pattern {
        PATTERN_UNKNOWN,        /* too few points or too short a span */
        PATTERN_STABLE,         /* no significant trend (shrinking counts as stable) */
        PATTERN_LINEAR,         /* steady growth, not yet sustained long enough to be a leak */
        PATTERN_EXPONENTIAL,    /* growth whose rate is itself rising */
        PATTERN_SPIKE,          /* short excursion above the baseline */
        PATTERN_LEAK,           /* sustained growth, or a sawtooth whose troughs rise */
        PATTERN_SAWTOOTH,       /* grows and drops back (GC, cache cycling), flat troughs */
        _PATTERN_MAX,
        _PATTERN_INVALID = -1,
} Pattern;

/* One sample: t is CLOCK_MONOTONIC µs, the rest are bytes. */
typedef struct AnalysisPoint {
        usec_t t;
        uint64_t current;       /* memory.current */
        uint64_t anon;          /* memory.stat anon */
        uint64_t file;          /* memory.stat file (reclaimable page cache) */
} AnalysisPoint;

/* Limits a forecast may hit; UINT64_MAX means none. */
typedef struct AnalysisLimits {
        uint64_t max;           /* memory.max */
        uint64_t high;          /* memory.high */
        uint64_t host_headroom; /* bytes the host can still hand out (MemAvailable) */
} AnalysisLimits;

#define ANALYSIS_LIMITS_NONE { .max = UINT64_MAX, .high = UINT64_MAX, .host_headroom = UINT64_MAX }

/* Longer inputs are decimated (evenly strided) down to this many points. */
#define ANALYSER_MAX_POINTS 512U
/* Number of median bins the trend fit works on; bounds Theil-Sen to ~780 pairs. */
#define ANALYSER_MAX_BINS 40U

typedef struct AnalyserParams {
        usec_t window;                  /* only the trailing window of the series is used */
        size_t min_points;              /* fewer points: PATTERN_UNKNOWN */
        usec_t min_span;                /* shorter span: PATTERN_UNKNOWN */
        usec_t sustained_span;          /* growth seen this long gets full duration credit */
        usec_t leak_span;               /* growth sustained this long is a LEAK, shorter is LINEAR */
        double min_growth_bytes_per_min;/* absolute dead band on the slope */
        double gate_z;                  /* slope / standard error where growth starts to count */
        double full_z;                  /* ... and where it counts fully */
        double gate_mk_z;               /* Mann-Kendall z needed to call it a trend at all */
        double r2_low, r2_high;         /* R² ramp for confidence */
        double drop_fraction;           /* a drop is this fraction of the largest fast drop ... */
        double drop_noise_k;            /* ... and at least this many noise sigmas ... */
        uint64_t drop_min_bytes;        /* ... and at least this many bytes */
        double spike_noise_k;           /* spike height in noise sigmas ... */
        double spike_min_ratio;         /* ... and as a fraction of the baseline */
        usec_t spike_max_span;          /* longer excursions are not spikes */
        double forecast_min_r2;         /* no time_to_limit below this fit quality */
        unsigned alert_confidence;      /* growth at or above this confidence gets a real severity */
} AnalyserParams;

#define ANALYSER_PARAMS_DEFAULT {                                       \
                .window = 30 * USEC_PER_MINUTE,                         \
                .min_points = 12,                                       \
                .min_span = 2 * USEC_PER_MINUTE,                        \
                .sustained_span = 6 * USEC_PER_MINUTE,                  \
                .leak_span = 15 * USEC_PER_MINUTE,                      \
                .min_growth_bytes_per_min = 256.0 * 1024.0,             \
                .gate_z = 3.0,                                          \
                .full_z = 6.0,                                          \
                .gate_mk_z = 2.5,                                       \
                .r2_low = 0.3,                                          \
                .r2_high = 0.8,                                         \
                .drop_fraction = 0.5,                                   \
                .drop_noise_k = 6.0,                                    \
                .drop_min_bytes = 4ULL * 1024 * 1024,                   \
                .spike_noise_k = 6.0,                                   \
                .spike_min_ratio = 0.2,                                 \
                .spike_max_span = 2 * USEC_PER_MINUTE,                  \
                .forecast_min_r2 = 0.6,                                 \
                .alert_confidence = 80,                                 \
        }

typedef struct Analysis {
        Pattern pattern;
        unsigned confidence;                    /* 0..100 */
        double growth_bytes_per_min;            /* of the judged (non-reclaimable) memory */
        double reclaimable_growth_bytes_per_min;/* of page cache over the same window, for the report */
        usec_t window;                          /* span of the points the verdict is based on */
        size_t n_points;                        /* number of input points behind the verdict */
        usec_t time_to_limit;                   /* USEC_INFINITY when none or fit too poor */
        const char *limit_name;                 /* "max", "high", "host", or NULL */
        uint64_t restart_freed;                 /* bytes freed by a detected reset, 0 if none */
        Severity severity;
        double r2;                              /* fit quality of the trend behind the verdict, 0..1 */
        double mk_z;                            /* Mann-Kendall z of that trend */
        unsigned cycles;                        /* drops seen (sawtooth), 0 otherwise */
} Analysis;

int analyser_run(const AnalysisPoint *pts, size_t n, const AnalysisLimits *lim,
                 const AnalyserParams *p, Analysis *ret);

int analyser_find_restart(const AnalysisPoint *pts, size_t n, const AnalyserParams *p,
                          size_t *ret_index, uint64_t *ret_freed);

uint64_t analysis_point_judged(const AnalysisPoint *pt);

bool analysis_is_alert(const Analysis *a, const AnalyserParams *p);

const char *pattern_to_string(Pattern p);
Pattern pattern_from_string(const char *s);
