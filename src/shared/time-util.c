/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Time helpers. All daemon time is CLOCK_MONOTONIC microseconds except
 * values that are persisted or shown to people, which use CLOCK_REALTIME.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time-util.h"
#include "util.h"

usec_t now_usec(clockid_t clock) {
        struct timespec ts;

        if (clock_gettime(clock, &ts) < 0)
                abort(); /* Only fails for invalid clock ids, a programming error. */
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static const struct {
        const char *suffix;
        usec_t usec;
} units[] = {
        /* Longest suffixes first so "ms" is not read as "m" + garbage. */
        { "usec", 1 },
        { "msec", USEC_PER_MSEC },
        { "seconds", USEC_PER_SEC },
        { "second", USEC_PER_SEC },
        { "sec", USEC_PER_SEC },
        { "minutes", USEC_PER_MINUTE },
        { "minute", USEC_PER_MINUTE },
        { "min", USEC_PER_MINUTE },
        { "hours", USEC_PER_HOUR },
        { "hour", USEC_PER_HOUR },
        { "days", USEC_PER_DAY },
        { "day", USEC_PER_DAY },
        { "us", 1 },
        { "ms", USEC_PER_MSEC },
        { "s", USEC_PER_SEC },
        { "m", USEC_PER_MINUTE },
        { "h", USEC_PER_HOUR },
        { "d", USEC_PER_DAY },
};

int parse_duration(const char *s, usec_t *ret) {
        usec_t total = 0;
        bool any = false;

        if (!s)
                return -EINVAL;

        for (const char *p = s;;) {
                unsigned long long v;
                char *end;
                usec_t mult = USEC_PER_SEC;
                size_t n = 0;

                p += strspn(p, " \t");
                if (*p == 0)
                        break;
                if (!isdigit((unsigned char) *p))
                        return -EINVAL;

                errno = 0;
                v = strtoull(p, &end, 10);
                if (errno != 0)
                        return -ERANGE;
                p = end;
                p += strspn(p, " \t");

                if (isalpha((unsigned char) *p)) {
                        size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz");
                        bool found = false;

                        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                                if (strlen(units[i].suffix) == len && strncmp(p, units[i].suffix, len) == 0) {
                                        mult = units[i].usec;
                                        found = true;
                                        break;
                                }
                        if (!found)
                                return -EINVAL;
                        n = len;
                }
                p += n;

                if (v > UINT64_MAX / mult)
                        return -ERANGE;
                if (total > UINT64_MAX - v * mult)
                        return -ERANGE;
                total += v * mult;
                any = true;
        }

        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

char *format_duration(char *buf, size_t len, usec_t t) {
        static const struct {
                const char *suffix;
                usec_t usec;
        } parts[] = {
                { "d", USEC_PER_DAY },
                { "h", USEC_PER_HOUR },
                { "min", USEC_PER_MINUTE },
                { "s", USEC_PER_SEC },
                { "ms", USEC_PER_MSEC },
        };
        size_t off = 0;

        if (len == 0)
                return buf;
        buf[0] = 0;

        if (t == USEC_INFINITY) {
                snprintf(buf, len, "infinity");
                return buf;
        }
        if (t == 0) {
                snprintf(buf, len, "0");
                return buf;
        }

        /* Two most significant parts are enough for people. */
        for (size_t i = 0, shown = 0; i < ELEMENTSOF(parts) && shown < 2 && off < len; i++) {
                usec_t n = t / parts[i].usec;
                int k;

                if (n == 0) {
                        if (shown > 0)
                                break;
                        continue;
                }
                k = snprintf(buf + off, len - off, "%s%llu%s", off > 0 ? " " : "",
                             (unsigned long long) n, parts[i].suffix);
                if (k < 0 || (size_t) k >= len - off)
                        break;
                off += k;
                t -= n * parts[i].usec;
                shown++;
        }
        if (off == 0)
                snprintf(buf, len, "%lluus", (unsigned long long) t);
        return buf;
}
