/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon's view of itself for Health() and OwnRSS: is monitoring working
 * as configured, and how much memory does memmond hold. The verdict is a pure
 * function of a few figures so it can be tested without a running manager.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time-util.h"

typedef enum HealthStatus {
        HEALTH_OK,
        HEALTH_DEGRADED,        /* works, but worse than configured */
        HEALTH_FAILING,         /* sampling has stopped */
        _HEALTH_MAX,
} HealthStatus;

/* Ticks missed before the verdict changes. */
#define HEALTH_DEGRADED_INTERVALS 3U
#define HEALTH_FAILING_INTERVALS 10U

typedef struct HealthInputs {
        usec_t now;                     /* CLOCK_MONOTONIC */
        usec_t last_tick;               /* 0: no tick yet (just started) */
        usec_t sample_interval;
        bool psi_refused;               /* PressureTriggers=yes, but the kernel said no */
        size_t units_over_limit;
        unsigned max_units;
        size_t units_unwatchable;       /* units or slices the last scan could not watch */
        int unwatchable_error;
        int journal_error;              /* last alert write error, 0 when the last one worked */
        uint64_t journal_errors;        /* failed alert writes since start */
} HealthInputs;

const char *health_status_to_string(HealthStatus s);

/* ret_problems (may be NULL) gets a NULL-terminated list of sentences, empty when ok. */
int health_evaluate(const HealthInputs *in, HealthStatus *ret, char ***ret_problems);

/* memmond's resident memory from /proc/self/statm. */
int own_rss_bytes(uint64_t *ret);
