/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Discovery only runs at start and on rescans, never on the sampling path, so
 * it may use libcgroup and directory walks freely. The walk is bounded in
 * depth and in units so a hostile tree cannot make it unbounded.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "fileio.h"
#include "log.h"

#define CGROUP_MAX_DEPTH 16
#define CGROUP_PATH_MAX 1024

static bool endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/*
 * systemd's unit name rules for the two kinds memmond watches. Stricter than
 * the kernel's directory names: a name that is not a valid unit (non-UTF-8, a
 * quote) would break every bus reply that lists it.
 */
bool cgroup_name_is_unit(const char *name) {
        static const char *const suffixes[] = { ".service", ".scope" };
        size_t n, ats = 0;
        bool suffix = false;

        if (!name)
                return false;
        n = strnlen(name, CGROUP_UNIT_NAME_MAX + 1);
        if (n == 0 || n > CGROUP_UNIT_NAME_MAX)
                return false;

        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t k = strlen(suffixes[i]);
                if (n > k && streq(name + n - k, suffixes[i]))
                        suffix = true;
        }
        if (!suffix || name[0] == '@')
                return false;

        /* systemd's VALID_CHARS, plus one '@' between template and instance. */
        for (const char *p = name; *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr(":-_.\\", *p))
                        continue;
                if (*p == '@' && ++ats == 1)
                        continue;
                return false;
        }
        return true;
}


static bool controllers_have_memory(const char *buf) {
        const char *p = buf;
        size_t n = strlen("memory");

        while ((p = strstr(p, "memory"))) {
                bool start = p == buf || p[-1] == ' ';
                bool end = p[n] == '\0' || p[n] == ' ' || p[n] == '\n';
                if (start && end)
                        return true;
                p += n;
        }
        return false;
}

int cgroup_check_root(int root_fd, const char *root) {
        char buf[512];
        int r;

        r = read_file_at(root_fd, "cgroup.controllers", buf, sizeof buf, NULL);
        if (r < 0)
                return log_error_errno(r, "Cannot read %s/cgroup.controllers: %m", root);
        if (!controllers_have_memory(buf))
                return log_error_errno(EOPNOTSUPP,
                                       "The memory controller is not enabled on the cgroup v2 hierarchy at %s "
                                       "(cgroup.controllers: %s).", root, buf);
        return 0;
}

/* A hung discovery (a stuck mount in /proc/self/mounts?) fails start-up clearly, well before systemd's timeout. */
#define DISCOVERY_TIMEOUT (10 * USEC_PER_SEC)

/* libcgroup's message; for ECGOTHER its text is the child's errno, which only the report carries. */
static const char *cgroup_reason(int code, int last_errno) {
        return code == ECGOTHER && last_errno > 0 ? strerror(last_errno) : cgroup_strerror(code);
}

static void discover_libcgroup(CgroupMountReport *rep) {
        char *mnt = NULL;

        rep->init_r = cgroup_init();
        if (rep->init_r == 0) {
                rep->mount_r = cgroup_get_subsys_mount_point("memory", &mnt);
                if (rep->mount_r == 0 && mnt)
                        snprintf(rep->path, sizeof rep->path, "%s", mnt);
        }
        rep->last_errno = cgroup_get_last_errno();
}

static _Noreturn void discover_child(int fd, CgroupDiscoverFunc discover) {
        CgroupMountReport rep = {};
        size_t left = sizeof rep;

        discover(&rep);
        for (const char *p = (const char *) &rep; left > 0;) {
                ssize_t n = write(fd, p, left);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        _exit(EXIT_FAILURE);
                p += n;
                left -= n;
        }
        _exit(EXIT_SUCCESS);
}

/*
 * libcgroup's cgroup_init() fills about 2.4 MiB of static tables (100 controllers
 * with PATH_MAX buffers each). Measured: 830 KiB of anonymous memory and 400 KiB of
 * library pages that would stay in memmond's RSS for its whole life, for one lookup
 * at start. So the lookup runs in a short-lived child and only the path comes back.
 */
int cgroup_discover_in_child(CgroupDiscoverFunc discover, usec_t timeout, CgroupMountReport *ret) {
        _cleanup_close_pair_ int pipefd[2] = { -1, -1 };
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + timeout;
        size_t got = 0;
        int status, r = 0;
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                pipefd[0] = safe_close(pipefd[0]);
                discover_child(pipefd[1], discover);
        }
        pipefd[1] = safe_close(pipefd[1]);

        while (got < sizeof *ret) {
                struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
                usec_t now = now_usec(CLOCK_MONOTONIC);
                ssize_t n;

                if (now >= deadline) {
                        r = -ETIMEDOUT;
                        (void) kill(pid, SIGKILL);
                        break;
                }
                n = poll(&p, 1, (int) ((deadline - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC));
                if (n < 0 && errno != EINTR) {
                        r = -errno;
                        (void) kill(pid, SIGKILL);
                        break;
                }
                if (n <= 0)
                        continue;
                n = read(pipefd[0], (char *) ret + got, sizeof *ret - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                got += n;
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (r < 0)
                return r;
        if (got != sizeof *ret || !WIFEXITED(status) || WEXITSTATUS(status) != EXIT_SUCCESS)
                return -EPROTO;
        ret->path[sizeof ret->path - 1] = 0;
        return 0;
}

int cgroup_find_memory_root(char **ret) {
        _cleanup_free_ char *mnt = NULL;
        CgroupMountReport rep;
        struct statfs fs;
        int r;

        r = cgroup_discover_in_child(discover_libcgroup, DISCOVERY_TIMEOUT, &rep);
        if (r == -ETIMEDOUT)
                return log_error_errno(r, "libcgroup's cgroup mount discovery did not finish within %llu s; gave up.",
                                       (unsigned long long) (DISCOVERY_TIMEOUT / USEC_PER_SEC));
        if (r < 0)
                return log_error_errno(r, "Cannot run the cgroup mount discovery: %m");
        if (rep.init_r != 0)
                return log_error_errno(EOPNOTSUPP, "Cannot discover cgroup mounts: %s.",
                                       cgroup_reason(rep.init_r, rep.last_errno));
        if (rep.mount_r != 0 || rep.path[0] == 0)
                return log_error_errno(EOPNOTSUPP,
                                       "No cgroup hierarchy carries the memory controller (%s). "
                                       "memmond needs cgroup v2 with the memory controller "
                                       "(boot with systemd.unified_cgroup_hierarchy=1).",
                                       rep.mount_r != 0 ? cgroup_reason(rep.mount_r, rep.last_errno) : "no mount point");

        mnt = strdup(rep.path);
        if (!mnt)
                return log_oom();

        if (statfs(mnt, &fs) < 0)
                return log_error_errno(errno, "Cannot statfs %s: %m", mnt);
        if (fs.f_type != CGROUP2_SUPER_MAGIC)
                return log_error_errno(EOPNOTSUPP,
                                       "The memory controller is mounted at %s as cgroup v1. memmond needs "
                                       "the cgroup v2 memory controller; this host runs a v1 or hybrid "
                                       "hierarchy (boot with systemd.unified_cgroup_hierarchy=1).", mnt);

        *ret = TAKE_PTR(mnt);
        return 0;
}

typedef struct Walk {
        const Config *config;
        CgroupUnitFunc unit_cb;
        CgroupSliceFunc slice_cb;
        void *userdata;
        CgroupScanStats stats;
        char path[CGROUP_PATH_MAX];
} Walk;

static int walk_dir(Walk *w, int dir_fd, size_t path_len, unsigned depth) {
        _cleanup_(closedirp) DIR *d = NULL;
        int fd, r;

        if (depth > CGROUP_MAX_DEPTH)
                return 0;

        fd = openat(dir_fd, w->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return errno == ENOENT || errno == ENODEV ? 0 : -errno; /* vanished: fine */
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }

        if (w->slice_cb) {
                r = w->slice_cb(w->path, w->userdata);
                if (r < 0)
                        return r;
        }
        w->stats.slices++;

        for (struct dirent *de; (errno = 0, de = readdir(d)); ) {
                bool is_slice, is_unit;
                struct stat st;
                int k;

                if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
                        continue;
                if (de->d_name[0] == '.')
                        continue;

                is_slice = endswith(de->d_name, ".slice");
                is_unit = cgroup_name_is_unit(de->d_name);
                if (!is_slice && !is_unit)
                        continue;

                k = snprintf(w->path + path_len, sizeof w->path - path_len, "/%s", de->d_name);
                if (k < 0 || (size_t) k >= sizeof w->path - path_len) {
                        w->path[path_len] = '\0';
                        continue; /* absurdly deep; cannot be a real unit */
                }

                if (is_slice) {
                        r = walk_dir(w, dir_fd, path_len + k, depth + 1);
                        w->path[path_len] = '\0';
                        if (r < 0)
                                return r;
                        continue;
                }

                if (fstatat(dir_fd, w->path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) {
                        w->path[path_len] = '\0';
                        continue;
                }

                if (!config_unit_wanted(w->config, de->d_name))
                        w->stats.skipped++;
                else {
                        CgroupEntry e = {
                                .name = w->path + path_len + 1,
                                .path = w->path,
                                .id = (uint64_t) st.st_ino,
                        };
                        w->stats.units++;
                        r = w->unit_cb(&e, w->userdata);
                        if (r < 0) {
                                w->path[path_len] = '\0';
                                return r;
                        }
                }
                w->path[path_len] = '\0';
        }
        return errno == ENODEV || errno == ENOENT ? 0 : -errno;
}

int cgroup_scan(int root_fd, const Config *c,
                CgroupUnitFunc unit_cb, CgroupSliceFunc slice_cb, void *userdata,
                CgroupScanStats *ret_stats) {
        static const char *const tops[] = { "system.slice", "user.slice" };
        Walk w = {
                .config = c,
                .unit_cb = unit_cb,
                .slice_cb = slice_cb,
                .userdata = userdata,
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(tops); i++) {
                size_t n = strlen(tops[i]);
                memcpy(w.path, tops[i], n + 1);
                r = walk_dir(&w, root_fd, n, 0);
                if (r < 0)
                        return r;
        }
        if (ret_stats)
                *ret_stats = w.stats;
        return 0;
}
