/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Two rings per unit. The raw ring holds the last N samples at the sample
 * interval, enough for spike and short-term growth detection; every minute
 * the mean of that minute's samples goes into the coarse ring, which gives
 * the long window a slow leak needs. An entry is 12 bytes (history.h) and a
 * unit's rings are one allocation: with the default 60 + 60 entries a unit
 * costs about 1.5 KiB, 1,000 units about 1.5 MiB.
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
        HistoryEntry entries[];         /* raw, then coarse */
};

static uint32_t to_pages(uint64_t bytes) {
        uint64_t p = (bytes + HISTORY_PAGE_SIZE / 2) / HISTORY_PAGE_SIZE;
        return p > UINT32_MAX ? UINT32_MAX : (uint32_t) p;
}

/* part/whole in 1/65535, rounded; stat and current are read at different times, so clamp. */
static uint16_t to_share(uint64_t part, uint64_t whole) {
        if (whole == 0)
                return 0;
        if (part >= whole)
                return UINT16_MAX;
        /* part < whole, so part * 65535 fits unless part >= 2^48: then lose low bits first. */
        while (part > (UINT64_MAX >> 16)) {
                part >>= 1;
                whole >>= 1;
        }
        return (uint16_t) ((part * UINT16_MAX + whole / 2) / whole);
}

static HistoryEntry make_entry(uint32_t t_sec, uint64_t current, uint64_t anon, uint64_t file) {
        return (HistoryEntry) {
                .t_sec = t_sec,
                .current = to_pages(current),
                .anon_share = to_share(anon, current),
                .file_share = to_share(file, current),
        };
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
        History *h;

        if (raw_capacity == 0)
                return -EINVAL;

        /* One allocation per unit: the capacities are bounded by config_verify(). */
        h = calloc(1, sizeof(*h) + ((size_t) raw_capacity + coarse_capacity) * sizeof(HistoryEntry));
        if (!h)
                return -ENOMEM;
        h->raw = (Ring) { .entries = h->entries, .capacity = raw_capacity };
        h->coarse = (Ring) { .entries = h->entries + raw_capacity, .capacity = coarse_capacity };

        *ret = h;
        return 0;
}

static void ring_copy_newest(Ring *to, const Ring *from) {
        uint32_t keep = MIN(from->count, to->capacity);

        for (uint32_t i = from->count - keep; i < from->count; i++)
                ring_push(to, ring_at(from, i));
}

int history_resize(History **h, unsigned raw_capacity, unsigned coarse_capacity) {
        History *old = *h, *n = NULL;
        int r;

        if (old->raw.capacity == raw_capacity && old->coarse.capacity == coarse_capacity)
                return 0;
        r = history_new(&n, raw_capacity, coarse_capacity);
        if (r < 0)
                return r;

        /* The newest entries survive, and so does the minute in progress. */
        ring_copy_newest(&n->raw, &old->raw);
        ring_copy_newest(&n->coarse, &old->coarse);
        n->bucket_start = old->bucket_start;
        n->sum_current = old->sum_current;
        n->sum_anon = old->sum_anon;
        n->sum_file = old->sum_file;
        n->bucket_n = old->bucket_n;
        n->last_t = old->last_t;

        free(old);
        *h = n;
        return 0;
}

History *history_free(History *h) {
        free(h);
        return NULL;
}

static void flush_bucket(History *h) {
        HistoryEntry e;

        if (h->bucket_n == 0)
                return;
        e = make_entry((uint32_t) (h->bucket_start / USEC_PER_SEC), h->sum_current / h->bucket_n,
                       h->sum_anon / h->bucket_n, h->sum_file / h->bucket_n);
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

        e = make_entry(t_sec, current, anon, file);
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

static uint64_t from_share(uint64_t whole, uint16_t share) {
        /* whole is at most 2^44 (pages of 4 KiB in 32 bits), so whole * 65535 fits. */
        return (whole * share + UINT16_MAX / 2) / UINT16_MAX;
}

static HistoryPoint to_point(const HistoryEntry *e, usec_t t) {
        uint64_t current = (uint64_t) e->current * HISTORY_PAGE_SIZE;

        return (HistoryPoint) {
                .t = t,
                .current = current,
                .anon = from_share(current, e->anon_share),
                .file = from_share(current, e->file_share),
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
