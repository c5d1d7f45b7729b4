/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Per-unit sample history: a ring of recent raw samples and a ring of
 * one-minute means behind it. Both are allocated once at their configured
 * capacity, so a unit's memory never grows with uptime.
 */

#include <stddef.h>
#include <stdint.h>

#include "time-util.h"
#include "util.h"

#define HISTORY_PAGE_SIZE 4096ULL
#define HISTORY_COARSE_PERIOD USEC_PER_MINUTE

/*
 * 12 bytes: seconds of CLOCK_MONOTONIC, memory.current in 4 KiB pages (covers
 * 16 TiB), and anon and file as shares of current in 1/65535: under 64 KiB of
 * error on a 4 GiB unit, far below what a growth rate or the cache check can
 * see, for a quarter less than two more page counts.
 */
typedef struct HistoryEntry {
        uint32_t t_sec;
        uint32_t current;
        uint16_t anon_share;
        uint16_t file_share;
} HistoryEntry;

/* What callers get back: full-width values. */
typedef struct HistoryPoint {
        usec_t t;
        uint64_t current, anon, file;
} HistoryPoint;

typedef struct History History;

int history_new(History **ret, unsigned raw_capacity, unsigned coarse_capacity);
History *history_free(History *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(History *, history_free);

/* Appends a sample; timestamps must not go backwards (older ones are dropped, -ESTALE). */
int history_add(History *h, usec_t t, uint64_t current, uint64_t anon, uint64_t file);

/* New capacities (a reload changed HistoryDepth=): keeps the newest entries. On -ENOMEM *h is unchanged. */
int history_resize(History **h, unsigned raw_capacity, unsigned coarse_capacity);
/* Drops everything, e.g. when the unit restarted. */
void history_reset(History *h);

size_t history_raw_count(const History *h);
size_t history_coarse_count(const History *h);
size_t history_capacity(const History *h);
size_t history_memory_bytes(const History *h);

/*
 * Writes the series oldest first: coarse means that are older than the oldest
 * raw sample, then the raw samples; at most max points, only those with
 * t >= since. Returns the number written.
 */
size_t history_get(const History *h, usec_t since, HistoryPoint *out, size_t max);
