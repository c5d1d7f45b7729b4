/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memmond's sampling tick against the bare pread floor, side by side.
 *
 * Watches every unit the way memmond does (same Manager, same held fds),
 * then alternates, round after round, two passes over the same fds in the
 * same order: the floor (pread of each file, nothing else) and memmond's tick
 * (manager_sample_units(): reads, parsing, history, rules). Each round is one
 * tick of simulated time at the configured SampleInterval=, so memory.stat is
 * read exactly when memmond would read it, by both passes. (The limits are
 * not held: memmond reads them when inotify reports a write, and every 5
 * minutes; 60 rounds are 5 simulated minutes, so the default run includes one
 * such refresh in memmond's pass.)
 * The pair order flips every round (ABBA) so drift hits both alike.
 *
 * Adjacent passes matter under emulation: the earlier benchmark timed the
 * floor and the running daemon a minute apart and got ratios from 1.2x to
 * 1.8x for the same code.
 *
 *   sampler-bench [--rounds N] [--gap-ms MS] [--cgroup-root PATH] [--config FILE]
 *
 * --gap-ms sleeps before every pass, as the daemon does between its ticks:
 * both passes then start with caches (and, under TCG, translation caches) that
 * the rest of the system has had time to disturb.
 *
 * Needs read access to the cgroups (root in the VM). Prints figures only.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "manager.h"
#include "time-util.h"

/* The floor reads into a buffer as large as memmond's largest (memory.stat). */
static char buf[16384];

static void floor_pass(Manager *m, bool slow) {
        for (size_t i = 0; i < m->n_units; i++) {
                const CgroupFiles *f = &m->units[i]->files;
                for (CgroupFile k = 0; k < _CGROUP_FILE_HELD; k++) {
                        bool is_slow = k == CGROUP_FILE_STAT;
                        if (f->fd[k] < 0 || (is_slow && !slow))
                                continue;
                        (void) pread(f->fd[k], buf, sizeof buf, 0);
                }
        }
}

static void gap(unsigned long ms) {
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };

        if (ms > 0)
                while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                        ;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

static double median(double *v, size_t n) {
        qsort(v, n, sizeof *v, cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "rounds",      required_argument, NULL, 'n' },
                { "cgroup-root", required_argument, NULL, 'r' },
                { "config",      required_argument, NULL, 'c' },
                { "gap-ms",      required_argument, NULL, 'g' },
                { "help",        no_argument,       NULL, 'h' },
                {}
        };
        const char *root = NULL, *config_file = "/nonexistent";
        unsigned long rounds = 40, gap_ms = 0;
        Config *config = NULL;
        Manager *m = NULL;
        int c, r;

        while ((c = getopt_long(argc, argv, "n:r:c:g:h", opts, NULL)) >= 0)
                switch (c) {
                case 'n': {
                        char *end;
                        errno = 0;
                        rounds = strtoul(optarg, &end, 10);
                        if (errno != 0 || end == optarg || *end != '\0' || rounds < 2 || rounds > 100000) {
                                fprintf(stderr, "sampler-bench: bad --rounds value: %s\n", optarg);
                                return 2;
                        }
                        break;
                }
                case 'g': {
                        char *end;
                        errno = 0;
                        gap_ms = strtoul(optarg, &end, 10);
                        if (errno != 0 || end == optarg || *end != '\0' || gap_ms > 60000) {
                                fprintf(stderr, "sampler-bench: bad --gap-ms value: %s\n", optarg);
                                return 2;
                        }
                        break;
                }
                case 'r':
                        root = optarg;
                        break;
                case 'c':
                        config_file = optarg;
                        break;
                default:
                        fprintf(c == 'h' ? stdout : stderr,
                                "usage: sampler-bench [--rounds N] [--gap-ms MS] [--cgroup-root PATH] [--config FILE]\n");
                        return c == 'h' ? 0 : 2;
                }

        log_set_max_level(LOG_WARNING);
        r = config_load(config_file, "/nonexistent", &config);
        if (r < 0)
                return 1;

        ManagerOptions o = { .cgroup_root = root, .no_bus = true };
        r = manager_new(&o, config, &m);
        if (r < 0) {
                config_free(config);
                return 1;
        }
        r = manager_rescan(m);
        if (r < 0 || m->n_units == 0) {
                fprintf(stderr, "sampler-bench: no units to sample\n");
                manager_free(m);
                return 1;
        }
        m->started = true;
        /* The scan took a first sample at real time: start both passes in phase at round 0. */
        for (size_t i = 0; i < m->n_units; i++)
                m->units[i]->stat_time = 0;

        usec_t interval = m->config->sample_interval, t = now_usec(CLOCK_MONOTONIC);
        size_t n = m->n_units;
        /* [0]: ticks reading only the fast files, [1]: ticks also reading memory.stat */
        double floor_us[2] = {}, memmond_us[2] = {};
        unsigned long ticks[2] = {};
        double *ratio = calloc(rounds, sizeof(double));
        if (!ratio)
                return 1;

        /* Round 0 is a warm-up. */
        usec_t last_slow = 0;
        for (unsigned long i = 0; i <= rounds; i++, t += interval) {
                /* memmond reads memory.stat when StatInterval= has passed: mirror that. */
                bool slow = last_slow == 0 || t - last_slow >= m->config->stat_interval;
                usec_t a0, a1, b0, b1;

                if (slow)
                        last_slow = t;
                if (i % 2 == 0) {
                        gap(gap_ms);
                        a0 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                        floor_pass(m, slow);
                        a1 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                        gap(gap_ms);
                        b0 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                        (void) manager_sample_units(m, t);
                        b1 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                } else {
                        gap(gap_ms);
                        b0 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                        (void) manager_sample_units(m, t);
                        b1 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                        gap(gap_ms);
                        a0 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                        floor_pass(m, slow);
                        a1 = now_usec(CLOCK_THREAD_CPUTIME_ID);
                }
                if (i == 0)
                        continue;
                floor_us[slow] += (double) (a1 - a0) / n;
                memmond_us[slow] += (double) (b1 - b0) / n;
                ticks[slow]++;
                ratio[i - 1] = (double) (b1 - b0) / (double) (a1 - a0);
        }

        printf("sampler-bench: %zu units, %lu rounds of simulated %.1f s ticks (StatInterval %.1f s), "
               "%lu ms idle before each pass, thread CPU time\n",
               n, rounds, (double) interval / USEC_PER_SEC, (double) m->config->stat_interval / USEC_PER_SEC, gap_ms);
        static const char *const what[] = { "fast files only", "with memory.stat" };
        for (int k = 0; k < 2; k++)
                if (ticks[k] > 0)
                        printf("  %lu ticks %-20s: floor %7.2f us, memmond %7.2f us per unit, ratio %.3fx\n",
                               ticks[k], what[k], floor_us[k] / ticks[k], memmond_us[k] / ticks[k],
                               memmond_us[k] / floor_us[k]);
        double f = (floor_us[0] + floor_us[1]) / rounds, mm = (memmond_us[0] + memmond_us[1]) / rounds;
        qsort(ratio, rounds, sizeof(double), cmp_double);
        printf("per unit per tick: floor (pread only) %.2f us, memmond's tick %.2f us\n", f, mm);
        printf("ratio memmond/floor: %.3fx (target <= 1.3x); per round min %.3fx, median %.3fx, max %.3fx\n",
               mm / f, ratio[0], median(ratio, rounds), ratio[rounds - 1]);
        printf("SAMPLER_BENCH_RATIO=%.3f SAMPLER_BENCH_FLOOR_US=%.3f SAMPLER_BENCH_MEMMOND_US=%.3f\n", mm / f, f, mm);

        free(ratio);
        manager_free(m);
        return 0;
}
