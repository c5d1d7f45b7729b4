/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Microsecond time values, as systemd's usec_t, and duration parsing. */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef uint64_t usec_t;

#define USEC_INFINITY ((usec_t) UINT64_MAX)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MINUTE (60ULL * USEC_PER_SEC)
#define USEC_PER_HOUR (60ULL * USEC_PER_MINUTE)
#define USEC_PER_DAY (24ULL * USEC_PER_HOUR)

usec_t now_usec(clockid_t clock);

/* "5s", "2min", "1h 30min", "250ms", bare number = seconds. Returns 0 or -EINVAL/-ERANGE. */
int parse_duration(const char *s, usec_t *ret);

/* Renders a duration like "1h 5min" into buf; returns buf. */
char *format_duration(char *buf, size_t len, usec_t t);

#define FORMAT_DURATION_MAX 64
