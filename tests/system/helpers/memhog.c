/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memhog: allocate anonymous memory for the memmon system tests.
 *
 *   memhog --mb N [--rate MB_PER_S] [--hold]
 *       Allocate N MiB (touching every page), at most MB_PER_S MiB per
 *       second if given, then exit -- or, with --hold, sleep until killed.
 *   memhog --leak-rate MB_PER_MIN [--mb MAX]
 *       Grow forever at MB_PER_MIN MiB per minute (up to MAX MiB if given,
 *       then hold), like a leaking service.
 *
 * Memory is taken in 1 MiB mmap() chunks and every page is written with a
 * non-zero pattern, so it is real anon memory (no zero page, no THP merging
 * tricks).  Built statically; no dependencies beyond libc.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1024UL * 1024UL)

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void sleep_until(double t) {
        for (;;) {
                double d = t - now();
                if (d <= 0)
                        return;
                struct timespec ts = { .tv_sec = (time_t) d, .tv_nsec = (long) ((d - (double) (time_t) d) * 1e9) };
                if (nanosleep(&ts, NULL) == 0)
                        return;
        }
}

static void usage(FILE *f) {
        fprintf(f,
                "usage: memhog --mb N [--rate MB_PER_S] [--hold]\n"
                "       memhog --leak-rate MB_PER_MIN [--mb MAX]\n"
                "  --quiet   do not print progress\n");
}

static void hold(void) {
        for (;;)
                pause();
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "mb",        required_argument, NULL, 'm' },
                { "rate",      required_argument, NULL, 'r' },
                { "leak-rate", required_argument, NULL, 'l' },
                { "hold",      no_argument,       NULL, 'H' },
                { "quiet",     no_argument,       NULL, 'q' },
                { "help",      no_argument,       NULL, 'h' },
                {}
        };
        double mb = -1, rate = 0, leak = 0;
        int do_hold = 0, quiet = 0, c;

        while ((c = getopt_long(argc, argv, "m:r:l:Hqh", opts, NULL)) >= 0) {
                switch (c) {
                case 'm': mb = strtod(optarg, NULL); break;
                case 'r': rate = strtod(optarg, NULL); break;
                case 'l': leak = strtod(optarg, NULL); break;
                case 'H': do_hold = 1; break;
                case 'q': quiet = 1; break;
                case 'h': usage(stdout); return 0;
                default: usage(stderr); return 2;
                }
        }
        if (leak > 0)
                rate = leak / 60.0;
        else if (mb < 0) {
                usage(stderr);
                return 2;
        }
        if (rate < 0) {
                usage(stderr);
                return 2;
        }

        setvbuf(stdout, NULL, _IOLBF, 0);
        long page = sysconf(_SC_PAGESIZE);
        double start = now();
        unsigned long chunks = 0, target = mb >= 0 ? (unsigned long) (mb + 0.5) : 0;
        double last_report = start;

        if (!quiet) {
                if (leak > 0)
                        printf("memhog: pid %d leaking %.1f MiB/min%s\n", (int) getpid(), leak, mb >= 0 ? " (capped)" : "");
                else
                        printf("memhog: pid %d target %lu MiB at %.1f MiB/s (0 = unlimited)\n", (int) getpid(), target, rate);
        }

        while (leak > 0 ? (mb < 0 || chunks < target) : chunks < target) {
                if (rate > 0)
                        sleep_until(start + (double) (chunks + 1) / rate);

                char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED) {
                        fprintf(stderr, "memhog: mmap after %lu MiB: %s\n", chunks, strerror(errno));
                        return 1;
                }
                for (unsigned long off = 0; off < CHUNK; off += (unsigned long) page)
                        p[off] = (char) (0x5a ^ (off >> 12) ^ chunks);
                chunks++;

                double t = now();
                if (!quiet && t - last_report >= 5.0) {
                        printf("memhog: %lu MiB after %.1f s\n", chunks, t - start);
                        last_report = t;
                }
        }

        if (!quiet)
                printf("memhog: allocated %lu MiB in %.2f s%s\n", chunks, now() - start,
                       do_hold || leak > 0 ? ", holding" : "");
        if (do_hold || leak > 0)
                hold();
        return 0;
}
