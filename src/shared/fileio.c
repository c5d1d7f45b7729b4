/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * cgroupfs and procfs files are generated on read; one pread() at offset 0
 * returns a consistent snapshot if the buffer is large enough. That is why
 * the hot path keeps fds open and re-reads them with pread() instead of
 * open/read/close, and why a full buffer is treated as an error: a second
 * read would see a different snapshot.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"

int read_fd_at_start(int fd, char *buf, size_t size, size_t *ret_len) {
        ssize_t n;

        if (size < 2)
                return -EINVAL;

        do
                n = pread(fd, buf, size - 1, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n >= size - 1)
                return -EFBIG;

        buf[n] = 0;
        if (ret_len)
                *ret_len = n;
        return 0;
}

int read_file_at(int dirfd, const char *path, char *buf, size_t size, size_t *ret_len) {
        _cleanup_(closep) int fd = -1;

        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_fd_at_start(fd, buf, size, ret_len);
}

int read_full_file(const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_(closep) int fd = -1;
        _cleanup_(freep) char *buf = NULL;
        struct stat st;
        size_t len = 0, alloc;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADF;
        if ((uint64_t) st.st_size > max)
                return -EFBIG;

        /* One byte more than the file, to see its end (a file of exactly max bytes is fine), and the NUL. */
        alloc = (size_t) st.st_size + 2;
        buf = malloc(alloc);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                ssize_t n;

                if (len + 1 >= alloc) {
                        char *p;

                        /* The file grew since fstat(): allow it up to max. */
                        if (alloc > max + 1)
                                return -EFBIG;
                        alloc = MIN(alloc * 2, max + 2);
                        p = realloc(buf, alloc);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                }
                n = read(fd, buf + len, alloc - 1 - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += n;
        }

        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}
