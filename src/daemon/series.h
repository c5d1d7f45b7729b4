/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A unit's history as bus clients get it (GetHistory): CLOCK_REALTIME stamps,
 * optionally averaged into fixed-width buckets, and bounded in size.
 */

#include <stddef.h>

#include "history.h"

#define SERIES_MAX_POINTS 10000U
/* Wider buckets than this are refused as absurd (the coarse ring holds one-minute means). */
#define SERIES_MAX_RESOLUTION USEC_PER_DAY

/**
 * series_get() - read a history for a client
 * @h: the unit's history (CLOCK_MONOTONIC stamps)
 * @since_rt: oldest CLOCK_REALTIME stamp wanted; 0 for everything kept
 * @resolution: bucket width; 0 for the points as stored
 * @now_mono: CLOCK_MONOTONIC now, @now_rt: CLOCK_REALTIME now (their difference converts)
 * @ret: newly allocated points, oldest first, t in CLOCK_REALTIME
 * @ret_n: their number, at most SERIES_MAX_POINTS (the newest are kept)
 *
 * Return: 0, -EINVAL when @since_rt is in the future or @resolution is above
 * SERIES_MAX_RESOLUTION, -ENOMEM.
 */
int series_get(const History *h, usec_t since_rt, usec_t resolution, usec_t now_mono, usec_t now_rt,
               HistoryPoint **ret, size_t *ret_n);
