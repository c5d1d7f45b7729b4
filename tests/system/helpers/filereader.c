/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * filereader: grow page cache while anon memory stays flat.
 *
 *   filereader --file PATH --mb N [--loops K] [--hold]
 *
 * Writes an N MiB file (once), then reads it back K times (default: forever,
 * one pass per second), so the caller's cgroup accumulates N MiB of page cache
 * (memory.stat "file") with a constant, tiny anon footprint (one 64 KiB static
 * buffer).  With --hold it sleeps after the last loop instead of exiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[64 * 1024];

static int write_file(const char *path, unsigned long mb) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
                fprintf(stderr, "filereader: open %s: %s\n", path, strerror(errno));
                return -1;
        }
        memset(buf, 0xa5, sizeof buf);
        for (unsigned long i = 0; i < mb * 1024 * 1024 / sizeof buf; i++) {
                if (write(fd, buf, sizeof buf) != (ssize_t) sizeof buf) {
                        fprintf(stderr, "filereader: write %s: %s\n", path, strerror(errno));
                        close(fd);
                        return -1;
                }
        }
        close(fd);
        return 0;
}

static int read_file(const char *path, unsigned long long *total) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "filereader: open %s: %s\n", path, strerror(errno));
                return -1;
        }
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
                *total += (unsigned long long) n;
        close(fd);
        return n < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "file",  required_argument, NULL, 'f' },
                { "mb",    required_argument, NULL, 'm' },
                { "loops", required_argument, NULL, 'l' },
                { "hold",  no_argument,       NULL, 'H' },
                { "help",  no_argument,       NULL, 'h' },
                {}
        };
        const char *path = NULL;
        unsigned long mb = 0;
        long loops = -1;
        int do_hold = 0, c;

        while ((c = getopt_long(argc, argv, "f:m:l:Hh", opts, NULL)) >= 0) {
                switch (c) {
                case 'f': path = optarg; break;
                case 'm': mb = strtoul(optarg, NULL, 10); break;
                case 'l': loops = strtol(optarg, NULL, 10); break;
                case 'H': do_hold = 1; break;
                case 'h':
                default:
                        fprintf(c == 'h' ? stdout : stderr,
                                "usage: filereader --file PATH --mb N [--loops K] [--hold]\n");
                        return c == 'h' ? 0 : 2;
                }
        }
        if (!path || mb == 0) {
                fprintf(stderr, "usage: filereader --file PATH --mb N [--loops K] [--hold]\n");
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);

        if (write_file(path, mb) < 0)
                return 1;
        printf("filereader: pid %d wrote %lu MiB to %s\n", (int) getpid(), mb, path);

        unsigned long long total = 0;
        for (long i = 0; loops < 0 || i < loops; i++) {
                if (read_file(path, &total) < 0)
                        return 1;
                if (loops < 0 || i + 1 < loops)
                        sleep(1);
        }
        printf("filereader: read %llu MiB in total\n", total >> 20);
        if (do_hold)
                for (;;)
                        pause();
        return 0;
}
