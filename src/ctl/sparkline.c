/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Sparkline drawing. Scaling uses the range of the drawn cells, not of the
 * raw points, so the full eight levels are used even after bucketing.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sparkline.h"
#include "util.h"

static const char *const blocks[SPARKLINE_LEVELS] = {
        "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};

int sparkline_render(const uint64_t *values, size_t n, size_t width, char **ret) {
        _cleanup_free_ uint64_t *cells = NULL;
        _cleanup_free_ char *s = NULL;
        uint64_t lo = UINT64_MAX, hi = 0;
        size_t n_cells, off = 0;

        if (n == 0 || width == 0) {
                s = strdup("");
                if (!s)
                        return -ENOMEM;
                *ret = TAKE_PTR(s);
                return 0;
        }

        n_cells = MIN(n, width);
        cells = calloc(n_cells, sizeof(uint64_t));
        /* Every block is 3 bytes of UTF-8. */
        s = malloc(n_cells * 3 + 1);
        if (!cells || !s)
                return -ENOMEM;

        for (size_t i = 0; i < n_cells; i++) {
                /* Bucket i holds points [i*n/n_cells, (i+1)*n/n_cells): never empty since n >= n_cells. */
                size_t a = i * n / n_cells, b = (i + 1) * n / n_cells;
                uint64_t m = 0;

                for (size_t k = a; k < b; k++)
                        m = MAX(m, values[k]);
                cells[i] = m;
                lo = MIN(lo, m);
                hi = MAX(hi, m);
        }

        for (size_t i = 0; i < n_cells; i++) {
                unsigned level;

                if (hi == lo)
                        level = hi == 0 ? 0 : SPARKLINE_LEVELS / 2 - 1;
                else
                        level = (unsigned) ((double) (cells[i] - lo) / (double) (hi - lo) * (SPARKLINE_LEVELS - 1) + 0.5);
                memcpy(s + off, blocks[level], 3);
                off += 3;
        }
        s[off] = 0;

        *ret = TAKE_PTR(s);
        return 0;
}
