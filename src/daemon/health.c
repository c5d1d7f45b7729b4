/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * "degraded" lists everything that makes monitoring less than configured;
 * "failing" means the sample timer has stopped firing, i.e. nothing is
 * watched any more although the bus still answers.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "health.h"
#include "parse.h"
#include "util.h"

/* One per kind of problem health_evaluate() knows (5); a sixth kind must raise this. */
#define HEALTH_PROBLEMS_MAX 5

const char *health_status_to_string(HealthStatus s) {
        static const char *const table[_HEALTH_MAX] = {
                [HEALTH_OK] = "ok",
                [HEALTH_DEGRADED] = "degraded",
                [HEALTH_FAILING] = "failing",
        };
        return s >= 0 && s < _HEALTH_MAX ? table[s] : NULL;
}

static int add_problem(char **l, size_t *n, const char *fmt, ...) _printf_(3, 4);
static int add_problem(char **l, size_t *n, const char *fmt, ...) {
        va_list ap;
        int k;

        if (*n >= HEALTH_PROBLEMS_MAX)
                return -E2BIG;
        va_start(ap, fmt);
        k = vasprintf(&l[*n], fmt, ap);
        va_end(ap);
        if (k < 0) {
                l[*n] = NULL;
                return -ENOMEM;
        }
        (*n)++;
        return 0;
}

int health_evaluate(const HealthInputs *in, HealthStatus *ret, char ***ret_problems) {
        _cleanup_(strv_freep) char **l = NULL;
        HealthStatus s = HEALTH_OK;
        size_t n = 0;
        int r = 0;

        l = calloc(HEALTH_PROBLEMS_MAX + 1, sizeof *l);
        if (!l)
                return -ENOMEM;

        if (in->last_tick > 0 && in->sample_interval > 0 && in->now > in->last_tick) {
                usec_t late = in->now - in->last_tick;
                char a[FORMAT_DURATION_MAX], b[FORMAT_DURATION_MAX];

                if (late > HEALTH_FAILING_INTERVALS * in->sample_interval)
                        s = HEALTH_FAILING;
                else if (late > HEALTH_DEGRADED_INTERVALS * in->sample_interval)
                        s = HEALTH_DEGRADED;
                if (s != HEALTH_OK)
                        r = add_problem(l, &n, "No sample taken for %s (SampleInterval=%s).",
                                        format_duration(a, sizeof a, late),
                                        format_duration(b, sizeof b, in->sample_interval));
        }
        if (r >= 0 && in->psi_refused)
                r = add_problem(l, &n, "%s", "PSI triggers were refused; pressure is only polled at each sample.");
        if (r >= 0 && in->units_over_limit > 0)
                r = add_problem(l, &n, "MaxUnits=%u reached: %zu units are not watched.",
                                in->max_units, in->units_over_limit);
        if (r >= 0 && in->units_unwatchable > 0)
                r = add_problem(l, &n, "%zu units or slices cannot be watched: %s.",
                                in->units_unwatchable, strerror(abs(in->unwatchable_error)));
        if (r >= 0 && in->journal_error != 0)
                r = add_problem(l, &n, "Writing alerts to the journal fails: %s (%" PRIu64 " failed).",
                                strerror(abs(in->journal_error)), in->journal_errors);
        if (r == -ENOMEM)
                return r;

        if (s == HEALTH_OK && n > 0)
                s = HEALTH_DEGRADED;
        *ret = s;
        if (ret_problems)
                *ret_problems = TAKE_PTR(l);
        return 0;
}

int own_rss_bytes(uint64_t *ret) {
        char buf[256], *space;
        uint64_t pages;
        long page_size;
        int r;

        /* "size resident shared text lib data dt", in pages. */
        r = read_file_at(AT_FDCWD, "/proc/self/statm", buf, sizeof buf, NULL);
        if (r < 0)
                return r;
        space = strchr(buf, ' ');
        if (!space)
                return -EINVAL;
        space++;
        space[strcspn(space, " \n")] = '\0';
        r = parse_u64(space, &pages);
        if (r < 0)
                return r;

        page_size = sysconf(_SC_PAGESIZE);
        if (page_size <= 0)
                return -EINVAL;
        *ret = u64_mul_sat(pages, (uint64_t) page_size);
        return 0;
}
