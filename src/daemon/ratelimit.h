/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Budgets such as "10 alerts per unit per hour" or "3 restarts per unit per
 * hour": fixed windows that count what was refused, so suppressed alerts can
 * be reported instead of silently dropped.
 */

#include <stdbool.h>

#include "time-util.h"

typedef struct RateLimit {
        usec_t interval;
        unsigned burst;
        usec_t begin;
        unsigned num;
        unsigned suppressed;    /* refused in the current window */
        bool started;
} RateLimit;

#define RATELIMIT_INIT(i, b) ((RateLimit) { .interval = (i), .burst = (b) })

/*
 * True if one more event fits the budget at `now` (and counts it). When a new
 * window starts, *ret_suppressed (if given) receives how many events the
 * previous window refused, so the caller can report them once.
 */
bool ratelimit_below(RateLimit *rl, usec_t now, unsigned *ret_suppressed);

/*
 * If the window has ended with refusals, returns their number and closes the
 * window, so a quiet unit's suppressed alerts are still reported.
 */
unsigned ratelimit_take_expired(RateLimit *rl, usec_t now);
