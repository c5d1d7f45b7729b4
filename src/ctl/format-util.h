/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Figures for people, in systemctl's style: binary sizes with one decimal
 * ("12.3M"), durations with two parts ("1h 5min"), local timestamps.
 * Every function writes into a caller's buffer and returns it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time-util.h"

#define FORMAT_BYTES_MAX 16
#define FORMAT_GROWTH_MAX 24
#define FORMAT_PERCENT_MAX 16
#define FORMAT_TIMESTAMP_MAX 64

/* "512B", "1.5K", "12.3M" (rounded); UINT64_MAX is "infinity". */
char *format_bytes(char *buf, size_t len, uint64_t bytes);

/* Signed rate: "+1.2M/min", "-512K/min", "0/min"; NaN is "n/a". */
char *format_growth(char *buf, size_t len, double bytes_per_min);

/* part as a share of whole, "85%"; "-" when whole is 0 or UINT64_MAX. */
char *format_percent_of(char *buf, size_t len, uint64_t part, uint64_t whole);

/*
 * CLOCK_REALTIME µs in local time. Long form "Wed 2024-05-01 12:03:04 UTC",
 * short form "2024-05-01 12:03:04". 0 (never) is "-".
 */
char *format_timestamp(char *buf, size_t len, usec_t t, bool long_form);

/* format_duration() but 0 is "0" and UINT64_MAX is "-" (no forecast). */
char *format_timespan(char *buf, size_t len, usec_t t);
