/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Size-capped reads of small kernel files. Everything here is bounded by the
 * caller's buffer; a file that does not fit is -EFBIG, never a partial parse.
 */

#include <stddef.h>

/* pread(fd, buf, size - 1, 0) and NUL-terminate. -EFBIG if it might not fit. */
int read_fd_at_start(int fd, char *buf, size_t size, size_t *ret_len);

/* openat + read_fd_at_start + close. */
int read_file_at(int dirfd, const char *path, char *buf, size_t size, size_t *ret_len);

/* Reads a whole regular file up to max bytes into a fresh NUL-terminated buffer. */
int read_full_file(const char *path, size_t max, char **ret, size_t *ret_len);
