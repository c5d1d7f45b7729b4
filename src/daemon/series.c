/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * History keeps CLOCK_MONOTONIC (it does not jump when the clock is set);
 * clients think in wall-clock time. The conversion uses the current offset
 * between the two clocks, so after a clock change old points move with it,
 * which is what a graph of "the last hour" wants.
 *
 * Buckets are aligned to multiples of the resolution in CLOCK_REALTIME, so
 * two calls a moment apart return the same buckets; each bucket's point is
 * the mean of the stored points in it, its time included.
 */

#include <errno.h>
#include <stdlib.h>

#include "series.h"

static usec_t mono_to_rt(usec_t t, usec_t now_mono, usec_t now_rt) {
        /* t <= now_mono for stored points; never wrap below the epoch. */
        if (t + now_rt < now_mono)
                return 0;
        return t + now_rt - now_mono;
}

static usec_t rt_to_mono(usec_t t, usec_t now_mono, usec_t now_rt) {
        if (t + now_mono < now_rt)
                return 0;
        return t + now_mono - now_rt;
}

typedef struct Bucket {
        uint64_t key;
        size_t n;
        /* Sums of bytes may exceed 64 bits over a few thousand points of terabytes. */
        unsigned __int128 t, current, anon, file;
} Bucket;

static HistoryPoint bucket_mean(const Bucket *b) {
        return (HistoryPoint) {
                .t = (usec_t) (b->t / b->n),
                .current = (uint64_t) (b->current / b->n),
                .anon = (uint64_t) (b->anon / b->n),
                .file = (uint64_t) (b->file / b->n),
        };
}

/* Averages p[0..n) (oldest first) in place; returns the number of buckets. */
static size_t average(HistoryPoint *p, size_t n, usec_t resolution) {
        Bucket b = {};
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
                uint64_t key = p[i].t / resolution;

                if (b.n > 0 && key != b.key) {
                        p[k++] = bucket_mean(&b); /* k <= i: writing behind the reader */
                        b = (Bucket) {};
                }
                b.key = key;
                b.n++;
                b.t += p[i].t;
                b.current += p[i].current;
                b.anon += p[i].anon;
                b.file += p[i].file;
        }
        if (b.n > 0)
                p[k++] = bucket_mean(&b);
        return k;
}

int series_get(const History *h, usec_t since_rt, usec_t resolution, usec_t now_mono, usec_t now_rt,
               HistoryPoint **ret, size_t *ret_n) {
        _cleanup_free_ HistoryPoint *p = NULL;
        usec_t since_mono = 0;
        size_t n, want;

        if (since_rt > now_rt || resolution > SERIES_MAX_RESOLUTION)
                return -EINVAL;
        if (since_rt > 0)
                since_mono = rt_to_mono(since_rt, now_mono, now_rt);

        /* Averaging needs every point in range; as stored, the newest SERIES_MAX_POINTS are enough. */
        want = resolution > 0 ? history_capacity(h) : MIN(history_capacity(h), (size_t) SERIES_MAX_POINTS);
        p = calloc(MAX(want, (size_t) 1), sizeof *p);
        if (!p)
                return -ENOMEM;

        n = history_get(h, since_mono, p, want);
        for (size_t i = 0; i < n; i++)
                p[i].t = mono_to_rt(p[i].t, now_mono, now_rt);

        if (resolution > 0) {
                n = average(p, n, resolution);
                if (n > SERIES_MAX_POINTS) {
                        memmove(p, p + n - SERIES_MAX_POINTS, SERIES_MAX_POINTS * sizeof *p);
                        n = SERIES_MAX_POINTS;
                }
        }

        *ret = TAKE_PTR(p);
        *ret_n = n;
        return 0;
}
