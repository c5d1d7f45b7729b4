/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pure parsers for the text formats of cgroupfs, procfs and the config file.
 * They never do I/O so tests can feed them truncated and malformed input.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sample.h"

/* Strict unsigned decimal; a trailing newline is accepted, anything else is -EINVAL. */
int parse_u64(const char *s, uint64_t *ret);

/* memory.max style: a u64 or the word "max" (returned as LIMIT_MAX). */
int parse_limit(const char *s, uint64_t *ret);

/* Sizes for people: "4096", "64K", "512M", "2G", "1T" (binary multiples). */
int parse_size(const char *s, uint64_t *ret);

/* "80", "80%", "92.5%": 0 < v <= 100. */
int parse_percent(const char *s, double *ret);

/* Strict finite double. */
int parse_double(const char *s, double *ret);

int parse_boolean(const char *s, bool *ret);

/*
 * "key value" per line files (memory.stat, memory.events). Unknown keys are
 * skipped since the kernel adds new ones; a known key with a bad value is an
 * error. Returns the number of known keys found, or -EINVAL.
 */
typedef struct KeyedField {
        const char *key;
        size_t offset;          /* of a uint64_t in the destination struct */
} KeyedField;

int parse_keyed_u64(const char *buf, const KeyedField *fields, size_t n_fields, void *dest);

int parse_memory_stat(const char *buf, MemoryStat *ret);
int parse_memory_events(const char *buf, MemoryEvents *ret);

/* PSI files: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" and "full ...". */
int parse_pressure(const char *buf, PressureStats *ret);

/* /proc/meminfo: fills mem_total, mem_available, swap_total, swap_free in bytes. */
int parse_meminfo(const char *buf, HostSample *ret);
