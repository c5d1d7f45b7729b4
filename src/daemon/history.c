/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Two rings per unit. The raw ring holds the last N samples at the sample
 * interval, enough for spike and short-term growth detection; every minute
 * the mean of that minute's samples goes into the coarse ring, which gives
 * the long window a slow leak needs. Values are stored as 4 KiB pages in
 * 32-bit fields to keep an entry at 16 bytes: with the default 60 + 60
 * entries a unit costs under 2 KiB, 1,000 units under 2 MiB.
 */

#include <errno.h>
#include <stdlib.h>

#include "history.h"

typedef struct Ring {
        HistoryEntry *entries;
        uint32_t capacity, count, head;         /* head: next slot to write */
} Ring;

struct History {
        Ring raw, coarse;
        /* Accumulator for the minute in progress. */
        usec_t bucket_start;
        uint64_t sum_current, sum_anon, sum_file;
        uint32_t bucket_n;
        uint32_t last_t;
};

static uint32_t to_pages(uint64_t bytes) {
        uint64_t p = (bytes + HISTORY_PAGE_SIZE / 2) / HISTORY_PAGE_SIZE;
        return p > UINT32_MAX ? UINT32_MAX : (uint32_t) p;
}

static void ring_push(Ring *r, const HistoryEntry *e) {
        if (r->capacity == 0)
                return;
        r->entries[r->head] = *e;
        r->head = (r->head + 1) % r->capacity;
        if (r->count < r->capacity)
                r->count++;
}

/* i = 0 is the oldest entry. */
static const HistoryEntry *ring_at(const Ring *r, uint32_t i) {
        return &r->entries[(r->head + r->capacity - r->count + i) % r->capacity];
}

int history_new(History **ret, unsigned raw_capacity, unsigned coarse_capacity) {
        _cleanup_(history_freep) History *h = NULL;

        if (raw_capacity == 0)
                return -EINVAL;

        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->raw.entries = calloc(raw_capacity, sizeof(HistoryEntry));
        if (!h->raw.entries)
                return -ENOMEM;
        h->raw.capacity = raw_capacity;
        if (coarse_capacity > 0) {
                h->coarse.entries = calloc(coarse_capacity, sizeof(HistoryEntry));
                if (!h->coarse.entries)
                        return -ENOMEM;
                h->coarse.capacity = coarse_capacity;
        }

        *ret = TAKE_PTR(h);
        return 0;
}

History *history_free(History *h) {
        if (!h)
                return NULL;
        free(h->raw.entries);
        free(h->coarse.entries);
        free(h);
        return NULL;
}

static void flush_bucket(History *h) {
        HistoryEntry e;

        if (h->bucket_n == 0)
                return;
        e = (HistoryEntry) {
                .t_sec = (uint32_t) (h->bucket_start / USEC_PER_SEC),
                .current = to_pages(h->sum_current / h->bucket_n),
                .anon = to_pages(h->sum_anon / h->bucket_n),
                .file = to_pages(h->sum_file / h->bucket_n),
        };
        ring_push(&h->coarse, &e);
        h->bucket_n = 0;
        h->sum_current = h->sum_anon = h->sum_file = 0;
}

int history_add(History *h, usec_t t, uint64_t current, uint64_t anon, uint64_t file) {
        uint32_t t_sec = (uint32_t) (t / USEC_PER_SEC);
        HistoryEntry e;

        if (h->raw.count > 0 && t_sec < h->last_t)
                return -ESTALE;

        if (h->bucket_n > 0 && t >= h->bucket_start + HISTORY_COARSE_PERIOD)
                flush_bucket(h);
        if (h->bucket_n == 0)
                h->bucket_start = t - t % HISTORY_COARSE_PERIOD;
        h->sum_current = u64_add_sat(h->sum_current, current);
        h->sum_anon = u64_add_sat(h->sum_anon, anon);
        h->sum_file = u64_add_sat(h->sum_file, file);
        h->bucket_n++;

        e = (HistoryEntry) {
                .t_sec = t_sec,
                .current = to_pages(current),
                .anon = to_pages(anon),
                .file = to_pages(file),
        };
        ring_push(&h->raw, &e);
        h->last_t = t_sec;
        return 0;
}

void history_reset(History *h) {
        h->raw.count = h->raw.head = 0;
        h->coarse.count = h->coarse.head = 0;
        h->bucket_n = 0;
        h->sum_current = h->sum_anon = h->sum_file = 0;
        h->last_t = 0;
}

size_t history_raw_count(const History *h) {
        return h->raw.count;
}

size_t history_coarse_count(const History *h) {
        return h->coarse.count;
}

size_t history_capacity(const History *h) {
        return h->raw.capacity + h->coarse.capacity;
}

size_t history_memory_bytes(const History *h) {
        return sizeof(*h) + history_capacity(h) * sizeof(HistoryEntry);
}

static HistoryPoint to_point(const HistoryEntry *e, usec_t t) {
        return (HistoryPoint) {
                .t = t,
                .current = (uint64_t) e->current * HISTORY_PAGE_SIZE,
                .anon = (uint64_t) e->anon * HISTORY_PAGE_SIZE,
                .file = (uint64_t) e->file * HISTORY_PAGE_SIZE,
        };
}

static usec_t coarse_time(const History *h, uint32_t i) {
        /* A bucket's mean is placed mid-minute. */
        return (usec_t) ring_at(&h->coarse, i)->t_sec * USEC_PER_SEC + HISTORY_COARSE_PERIOD / 2;
}

size_t history_get(const History *h, usec_t since, HistoryPoint *out, size_t max) {
        usec_t raw_oldest = h->raw.count > 0 ? (usec_t) ring_at(&h->raw, 0)->t_sec * USEC_PER_SEC : USEC_INFINITY;
        size_t n = 0, eligible = 0, n_coarse, n_raw = MIN((size_t) h->raw.count, max), skip;

        /* Coarse entries count only where they are older than the raw ring. */
        for (uint32_t i = 0; i < h->coarse.count; i++) {
                usec_t t = coarse_time(h, i);
                if (t >= since && t < raw_oldest)
                        eligible++;
        }
        /* If everything does not fit, keep the newest points. */
        n_coarse = MIN(eligible, max - n_raw);
        skip = eligible - n_coarse;

        for (uint32_t i = 0; i < h->coarse.count && n < n_coarse; i++) {
                usec_t t = coarse_time(h, i);

                if (t < since || t >= raw_oldest)
                        continue;
                if (skip > 0) {
                        skip--;
                        continue;
                }
                out[n++] = to_point(ring_at(&h->coarse, i), t);
        }

        for (uint32_t i = h->raw.count - n_raw; i < h->raw.count; i++) {
                const HistoryEntry *e = ring_at(&h->raw, i);
                usec_t t = (usec_t) e->t_sec * USEC_PER_SEC;

                if (t < since)
                        continue;
                out[n++] = to_point(e, t);
        }

        return n;
}
