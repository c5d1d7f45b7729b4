/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Human figures. Sizes are rounded to one decimal, and a value that would
 * round to 1024 of a unit moves up to the next one, so there is neither a
 * "1024.0K" nor systemd's truncated "1.1M" for 1.2 MiB less a byte. All
 * functions are pure apart from format_timestamp() reading the time zone.
 */

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "format-util.h"
#include "util.h"

char *format_bytes(char *buf, size_t len, uint64_t bytes) {
        static const struct {
                const char *suffix;
                uint64_t factor;
        } table[] = {
                { "E", 1ULL << 60 },
                { "P", 1ULL << 50 },
                { "T", 1ULL << 40 },
                { "G", 1ULL << 30 },
                { "M", 1ULL << 20 },
                { "K", 1ULL << 10 },
        };

        if (len == 0)
                return buf;
        if (bytes == UINT64_MAX) {
                snprintf(buf, len, "infinity");
                return buf;
        }

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                uint64_t f = table[i].factor, tenths;

                if (bytes < f)
                        continue;
                /* (bytes % f) < 2^60, so times 10 plus f/2 still fits in 64 bits. */
                tenths = bytes / f * 10 + ((bytes % f) * 10 + f / 2) / f;
                /* 1023.96K rounds to 1024.0K: that is 1.0M. */
                if (tenths >= 10240 && i > 0) {
                        f = table[--i].factor;
                        tenths = bytes / f * 10 + ((bytes % f) * 10 + f / 2) / f;
                }
                snprintf(buf, len, "%llu.%llu%s", (unsigned long long) (tenths / 10),
                         (unsigned long long) (tenths % 10), table[i].suffix);
                return buf;
        }

        snprintf(buf, len, "%lluB", (unsigned long long) bytes);
        return buf;
}

char *format_growth(char *buf, size_t len, double bytes_per_min) {
        char b[FORMAT_BYTES_MAX];
        double a;

        if (len == 0)
                return buf;
        if (isnan(bytes_per_min)) {
                snprintf(buf, len, "n/a");
                return buf;
        }

        a = fabs(bytes_per_min);
        if (a < 1.0) {
                snprintf(buf, len, "0/min");
                return buf;
        }
        /* Beyond 2^64 bytes a minute is no real rate; show it as infinity. */
        format_bytes(b, sizeof(b), a >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t) llround(a));
        snprintf(buf, len, "%c%s/min", bytes_per_min < 0 ? '-' : '+', b);
        return buf;
}

char *format_percent_of(char *buf, size_t len, uint64_t part, uint64_t whole) {
        if (len == 0)
                return buf;
        if (whole == 0 || whole == UINT64_MAX) {
                snprintf(buf, len, "-");
                return buf;
        }
        snprintf(buf, len, "%.0f%%", floor((double) part * 100.0 / (double) whole));
        return buf;
}

char *format_timestamp(char *buf, size_t len, usec_t t, bool long_form) {
        struct tm tm;
        time_t sec;

        if (len == 0)
                return buf;
        if (t == 0 || t == USEC_INFINITY) {
                snprintf(buf, len, "-");
                return buf;
        }

        sec = (time_t) (t / USEC_PER_SEC);
        if (!localtime_r(&sec, &tm) ||
            strftime(buf, len, long_form ? "%a %Y-%m-%d %H:%M:%S %Z" : "%Y-%m-%d %H:%M:%S", &tm) == 0)
                snprintf(buf, len, "@%llu", (unsigned long long) (t / USEC_PER_SEC));
        return buf;
}

char *format_timespan(char *buf, size_t len, usec_t t) {
        if (len == 0)
                return buf;
        if (t == USEC_INFINITY) {
                snprintf(buf, len, "-");
                return buf;
        }
        return format_duration(buf, len, t);
}
