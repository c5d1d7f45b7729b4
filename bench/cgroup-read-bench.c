/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgroup-read-bench: what does it cost to sample a unit's memory files?
 *
 *   cgroup-read-bench [--passes N] CGROUP_DIR...
 *
 * For every given cgroup directory, reads the files memmond samples
 *   (a) with open() + read() + close() each time (what a naive sampler does),
 *   (b) with fds opened once and pread(fd, ..., 0) each time (the floor),
 * N passes each (after one warm-up pass), and prints the per-unit cost of
 * each file and method and the ratio (a)/(b).  The last line is the floor of
 * one memmond tick at the default intervals: the fast files every tick,
 * memory.stat every second tick (StatInterval=10s, SampleInterval=5s). The
 * limits are in the table but not in the tick: memmond reads them with
 * open/read/close when inotify reports a write. Built statically for the VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char *const files[] = {
        "memory.current", "memory.peak", "memory.swap.current", "memory.events", "memory.pressure",
        "memory.stat", "memory.max", "memory.high", "memory.low",
};
#define NFAST 5 /* the first NFAST are read every tick */
#define NTICK 6 /* and the next one (memory.stat) every second tick */
#define NFILES (sizeof files / sizeof files[0])

static char buf[16384];

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int read_once(int dirfd, const char *name) {
        int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = read(fd, buf, sizeof buf);
        close(fd);
        return n < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "passes", required_argument, NULL, 'p' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        int passes = 5, c;

        while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) >= 0) {
                switch (c) {
                case 'p': {
                        char *end;
                        errno = 0;
                        long v = strtol(optarg, &end, 10);
                        if (errno != 0 || end == optarg || *end != '\0' || v <= 0 || v > 1000000) {
                                fprintf(stderr, "cgroup-read-bench: bad --passes value: %s\n", optarg);
                                return 2;
                        }
                        passes = (int) v;
                        break;
                }
                default:
                        fprintf(c == 'h' ? stdout : stderr, "usage: cgroup-read-bench [--passes N] CGROUP_DIR...\n");
                        return c == 'h' ? 0 : 2;
                }
        }
        int n = argc - optind;
        if (n <= 0 || passes <= 0) {
                fprintf(stderr, "usage: cgroup-read-bench [--passes N] CGROUP_DIR...\n");
                return 2;
        }

        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }

        int *dirfds = calloc((size_t) n, sizeof(int));
        int *fds = calloc((size_t) n * NFILES, sizeof(int));
        if (!dirfds || !fds)
                return 1;
        int ok = 0;
        for (int i = 0; i < n; i++) {
                dirfds[i] = open(argv[optind + i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dirfds[i] < 0) {
                        fprintf(stderr, "cgroup-read-bench: %s: %s\n", argv[optind + i], strerror(errno));
                        continue;
                }
                for (size_t f = 0; f < NFILES; f++)
                        fds[i * NFILES + f] = openat(dirfds[i], files[f], O_RDONLY | O_CLOEXEC);
                ok++;
        }
        printf("cgroups: %d (of %d given), passes: %d\n", ok, n, passes);
        if (ok == 0)
                return 1;

        double naive[NFILES] = {}, held[NFILES] = {};
        long errors = 0;
        for (int pass = -1; pass < passes; pass++) {       /* pass -1: warm-up */
                for (size_t f = 0; f < NFILES; f++) {
                        double t0 = now_us();
                        for (int i = 0; i < n; i++)
                                if (dirfds[i] >= 0 && read_once(dirfds[i], files[f]) < 0)
                                        errors++;
                        double t1 = now_us();
                        for (int i = 0; i < n; i++) {
                                int fd = fds[i * NFILES + f];
                                if (dirfds[i] >= 0 && (fd < 0 || pread(fd, buf, sizeof buf, 0) < 0))
                                        errors++;
                        }
                        double t2 = now_us();
                        if (pass >= 0) {
                                naive[f] += t1 - t0;
                                held[f] += t2 - t1;
                        }
                }
        }

        double tn = 0, th = 0, tick_n = 0, tick_h = 0;
        printf("%-18s %14s %14s %7s\n", "file", "open+read+close", "held fd+pread", "ratio");
        printf("%-18s %14s %14s %7s\n", "", "us/unit", "us/unit", "");
        for (size_t f = 0; f < NFILES; f++) {
                double a = naive[f] / passes / ok, b = held[f] / passes / ok;
                tn += a;
                th += b;
                tick_n += f < NFAST ? a : f < NTICK ? a / 2 : 0;
                tick_h += f < NFAST ? b : f < NTICK ? b / 2 : 0;
                printf("%-18s %14.2f %14.2f %7.2f\n", files[f], a, b, b > 0 ? a / b : 0);
        }
        printf("%-18s %14.2f %14.2f %7.2f\n", "all files", tn, th, th > 0 ? tn / th : 0);
        printf("per tick for %d units: open+read+close %.1f ms, held fds %.1f ms\n", ok, tick_n * ok / 1000, tick_h * ok / 1000);
        printf("CPU share at a 5 s interval: %.2f %% vs %.2f %% of one CPU\n", tick_n * ok / 5e6 * 100, tick_h * ok / 5e6 * 100);
        /* Machine-readable, for vm-bench-guest.sh */
        printf("FLOOR_TICK_US_PER_UNIT=%.3f NAIVE_TICK_US_PER_UNIT=%.3f\n", tick_h, tick_n);
        if (errors)
                printf("read errors: %ld\n", errors);
        return 0;
}
