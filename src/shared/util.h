/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small helpers shared by every memmon binary: cleanup attributes, ownership
 * transfer, array sizes. No daemon state lives here.
 */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _pure_ __attribute__((pure))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

#define container_of(ptr, type, member) \
        ((type *) ((char *) (ptr) - offsetof(type, member)))

/* Take ownership of a pointer: returns it and leaves NULL behind. */
#define TAKE_PTR(p)                             \
        ({                                      \
                __typeof__(p) *_pp_ = &(p);     \
                __typeof__(p) _p_ = *_pp_;      \
                *_pp_ = NULL;                   \
                _p_;                            \
        })

#define TAKE_FD(fd)                             \
        ({                                      \
                int *_fdp_ = &(fd);             \
                int _fd_ = *_fdp_;              \
                *_fdp_ = -1;                    \
                _fd_;                           \
        })

/* Define a foop() cleanup wrapper for a foo_free() that accepts NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)         \
        static inline void func##p(type *p) {           \
                if (*p)                                 \
                        func(*p);                       \
        }

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

static inline void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);

/* Close an fd if valid, keep errno, return -1 so callers can write fd = safe_close(fd). */
static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                close(fd);
                errno = saved;
        }
        return -1;
}

static inline void closep(int *fd) {
        safe_close(*fd);
}

static inline void close_pairp(int (*p)[2]) {
        safe_close((*p)[0]);
        safe_close((*p)[1]);
}
#define _cleanup_close_pair_ _cleanup_(close_pairp)

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

static inline bool startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Saturating arithmetic for byte counts coming from the kernel. */
static inline uint64_t u64_add_sat(uint64_t a, uint64_t b) {
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static inline uint64_t u64_mul_sat(uint64_t a, uint64_t b) {
        if (a != 0 && b > UINT64_MAX / a)
                return UINT64_MAX;
        return a * b;
}
