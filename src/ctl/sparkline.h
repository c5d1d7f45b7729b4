/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A series as one line of Unicode blocks, ▁▂▃▄▅▆▇█. */

#include <stddef.h>
#include <stdint.h>

#define SPARKLINE_LEVELS 8U

/*
 * Draws n values in at most width cells into a new UTF-8 string. Longer
 * series are cut into width buckets that show their largest value, so a
 * short spike stays visible. The lowest value maps to ▁ and the highest to
 * █; a flat series is drawn at ▄ (or ▁ when it is all zero).
 * Returns 0 or -ENOMEM; an empty series or width 0 gives "".
 */
int sparkline_render(const uint64_t *values, size_t n, size_t width, char **ret);
