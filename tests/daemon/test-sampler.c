/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sampler.h"
#include "test-util.h"

#define CG "system.slice/a.service"

static const char *const pressure_text =
        "some avg10=1.50 avg60=0.50 avg300=0.10 total=12345\n"
        "full avg10=0.75 avg60=0.25 avg300=0.05 total=6789\n";

static const char *const events_text =
        "low 0\nhigh 1\nmax 2\noom 3\noom_kill 4\noom_group_kill 5\n";

static const char *const stat_text =
        "anon 100\nfile 200\nkernel 30\nkernel_stack 16384\nsock 4\nshmem 5\nfile_mapped 7\nsome_future_key 9\n";

typedef struct Fixture {
        char *root;
        char *cg;
        int root_fd;
} Fixture;

/* Replaces the file's content (O_TRUNC): what a cgroupfs re-read looks like. */
static void put(const char *dir, const char *name, const char *text) {
        g_autofree char *p = g_build_filename(dir, name, NULL);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        size_t n = strlen(text);

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(write(fd, text, n), ==, (ssize_t) n);
        g_assert_cmpint(close(fd), ==, 0);
}

static void drop(const char *dir, const char *name) {
        g_autofree char *p = g_build_filename(dir, name, NULL);
        g_assert_cmpint(g_unlink(p), ==, 0);
}

static void fixture_setup(Fixture *f, gconstpointer data) {
        GError *error = NULL;

        f->root = g_dir_make_tmp("memmon-sampler-XXXXXX", &error);
        g_assert_no_error(error);
        f->cg = g_build_filename(f->root, CG, NULL);
        g_assert_cmpint(g_mkdir_with_parents(f->cg, 0755), ==, 0);
        f->root_fd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        g_assert_cmpint(f->root_fd, >=, 0);

        put(f->cg, "memory.current", "1000\n");
        put(f->cg, "memory.peak", "2000\n");
        put(f->cg, "memory.swap.current", "300\n");
        put(f->cg, "memory.events", events_text);
        put(f->cg, "memory.pressure", pressure_text);
        put(f->cg, "memory.stat", stat_text);
        put(f->cg, "memory.max", "max\n");
        put(f->cg, "memory.high", "4096\n");
        put(f->cg, "memory.low", "1024\n");
}

static void fixture_teardown(Fixture *f, gconstpointer data) {
        close(f->root_fd);
        test_rm_rf(f->root);
        g_free(f->cg);
        g_free(f->root);
}

static void test_read_all(Fixture *fx, gconstpointer data) {
        CgroupFiles f = CGROUP_FILES_INIT;
        Sample s = {};

        g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, 0);
        for (CgroupFile i = 0; i < _CGROUP_FILE_HELD; i++)
                g_assert_cmpint(f.fd[i], >=, 0);

        g_assert_cmpint(sampler_read_fast(&f, &s), ==, 0);
        g_assert_cmpuint(s.current, ==, 1000);
        g_assert_true(s.has_peak);
        g_assert_cmpuint(s.peak, ==, 2000);
        g_assert_true(s.has_swap);
        g_assert_cmpuint(s.swap_current, ==, 300);
        g_assert_true(s.events.valid);
        g_assert_cmpuint(s.events.low, ==, 0);
        g_assert_cmpuint(s.events.high, ==, 1);
        g_assert_cmpuint(s.events.max, ==, 2);
        g_assert_cmpuint(s.events.oom, ==, 3);
        g_assert_cmpuint(s.events.oom_kill, ==, 4);
        g_assert_cmpuint(s.events.oom_group_kill, ==, 5);
        g_assert_true(s.pressure.valid);
        g_assert_true(s.pressure.has_full);
        g_assert_cmpfloat(s.pressure.some_avg10, ==, 1.5);
        g_assert_cmpfloat(s.pressure.some_avg300, ==, 0.1);
        g_assert_cmpuint(s.pressure.some_total, ==, 12345);
        g_assert_cmpfloat(s.pressure.full_avg10, ==, 0.75);
        g_assert_cmpuint(s.pressure.full_total, ==, 6789);
        /* The fast read leaves stat and limits alone. */
        g_assert_false(s.stat.valid);
        g_assert_false(s.limits.valid);

        g_assert_cmpint(sampler_read_stat(&f, &s), ==, 0);
        g_assert_true(s.stat.valid);
        g_assert_false(s.limits.valid);
        g_assert_cmpint(sampler_read_limits(fx->root_fd, CG, &s.limits), ==, 0);
        g_assert_cmpuint(s.stat.anon, ==, 100);
        g_assert_cmpuint(s.stat.file, ==, 200);
        g_assert_cmpuint(s.stat.kernel, ==, 30);
        g_assert_cmpuint(s.stat.sock, ==, 4);
        g_assert_cmpuint(s.stat.shmem, ==, 5);
        g_assert_cmpuint(s.stat.file_mapped, ==, 7);
        g_assert_true(s.limits.valid);
        g_assert_cmpuint(s.limits.max, ==, LIMIT_MAX);
        g_assert_cmpuint(s.limits.high, ==, 4096);
        g_assert_cmpuint(s.limits.low, ==, 1024);

        MemoryEvents ev = {};
        g_assert_cmpint(sampler_read_events(&f, &ev), ==, 0);
        g_assert_true(ev.valid);
        g_assert_cmpuint(ev.oom_kill, ==, 4);

        cgroup_files_close(&f);
        for (CgroupFile i = 0; i < _CGROUP_FILE_HELD; i++)
                g_assert_cmpint(f.fd[i], ==, -1);
        cgroup_files_close(&f);         /* idempotent */

        g_assert_cmpstr(cgroup_file_name(CGROUP_FILE_SWAP), ==, "memory.swap.current");
        g_assert_cmpstr(cgroup_file_name(CGROUP_FILE_LOW), ==, "memory.low");
        g_assert_null(cgroup_file_name(_CGROUP_FILE_MAX));
}

static void test_optional_missing(Fixture *fx, gconstpointer data) {
        CgroupFiles f = CGROUP_FILES_INIT;
        Sample s = { .has_peak = true, .has_swap = true, .pressure.valid = true };

        drop(fx->cg, "memory.peak");
        drop(fx->cg, "memory.swap.current");
        drop(fx->cg, "memory.pressure");
        drop(fx->cg, "memory.high");
        drop(fx->cg, "memory.low");
        put(fx->cg, "memory.max", "65536\n");

        g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, 0);
        g_assert_cmpint(f.fd[CGROUP_FILE_PEAK], ==, -1);
        g_assert_cmpint(f.fd[CGROUP_FILE_PRESSURE], ==, -1);
        g_assert_cmpint(sampler_read_fast(&f, &s), ==, 0);
        g_assert_cmpuint(s.current, ==, 1000);
        g_assert_false(s.has_peak);
        g_assert_false(s.has_swap);
        g_assert_false(s.pressure.valid);
        g_assert_true(s.events.valid);
        g_assert_cmpint(sampler_read_stat(&f, &s), ==, 0);
        g_assert_cmpint(sampler_read_limits(fx->root_fd, CG, &s.limits), ==, 0);
        g_assert_cmpuint(s.limits.max, ==, 65536);
        g_assert_cmpuint(s.limits.high, ==, LIMIT_MAX);
        g_assert_cmpuint(s.limits.low, ==, 0);
        cgroup_files_close(&f);
}

static void test_required_missing(Fixture *fx, gconstpointer data) {
        static const char *const required[] = { "memory.current", "memory.events", "memory.stat" };

        for (size_t i = 0; i < G_N_ELEMENTS(required); i++) {
                g_autofree char *p = g_build_filename(fx->cg, required[i], NULL);
                g_autofree char *q = g_strconcat(p, ".away", NULL);
                CgroupFiles f = CGROUP_FILES_INIT;

                g_assert_cmpint(g_rename(p, q), ==, 0);
                /* Reported as "cgroup gone", and nothing is left open. */
                g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, -ENODEV);
                for (CgroupFile k = 0; k < _CGROUP_FILE_HELD; k++)
                        g_assert_cmpint(f.fd[k], ==, -1);
                g_assert_cmpint(g_rename(q, p), ==, 0);
        }

        /* memory.max is not held, but without it the cgroup is gone as well. */
        {
                MemoryLimits l = {};
                drop(fx->cg, "memory.max");
                g_assert_cmpint(sampler_read_limits(fx->root_fd, CG, &l), ==, -ENODEV);
                g_assert_false(l.valid);
                put(fx->cg, "memory.max", "max\n");
                g_assert_cmpint(sampler_read_limits(fx->root_fd, "system.slice/nope.service", &l), ==, -ENODEV);
                g_assert_cmpint(sampler_read_limits(fx->root_fd, CG, &l), ==, 0);
                g_assert_true(l.valid);
        }

        CgroupFiles f = CGROUP_FILES_INIT;
        g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, "system.slice/nope.service"), ==, -ENODEV);
        g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG "/memory.current"), ==, -ENOTDIR);

        /* Files closed after a failed reopen read as "gone" (recovery), not as EBADF (a warning). */
        {
                Sample s = {};
                g_assert_cmpint(sampler_read_fast(&f, &s), ==, -ENODEV);
        }
}

static void test_reread(Fixture *fx, gconstpointer data) {
        CgroupFiles f = CGROUP_FILES_INIT;
        Sample s = {};

        g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, 0);
        g_assert_cmpint(sampler_read_fast(&f, &s), ==, 0);
        g_assert_cmpuint(s.current, ==, 1000);

        /* The same fds see new content; a shorter value leaves no tail behind. */
        put(fx->cg, "memory.current", "5\n");
        put(fx->cg, "memory.events", "low 0\nhigh 1\nmax 9\noom 3\noom_kill 7\n");
        put(fx->cg, "memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n");
        g_assert_cmpint(sampler_read_fast(&f, &s), ==, 0);
        g_assert_cmpuint(s.current, ==, 5);
        g_assert_cmpuint(s.events.max, ==, 9);
        g_assert_cmpuint(s.events.oom_kill, ==, 7);
        g_assert_cmpuint(s.events.oom_group_kill, ==, 0);
        g_assert_true(s.pressure.valid);
        g_assert_false(s.pressure.has_full);

        put(fx->cg, "memory.current", "123456789\n");
        g_assert_cmpint(sampler_read_fast(&f, &s), ==, 0);
        g_assert_cmpuint(s.current, ==, 123456789);

        /* Limits change: "max" to a number and back. */
        put(fx->cg, "memory.max", "1048576\n");
        g_assert_cmpint(sampler_read_limits(fx->root_fd, CG, &s.limits), ==, 0);
        g_assert_cmpuint(s.limits.max, ==, 1048576);
        put(fx->cg, "memory.max", "max\n");
        g_assert_cmpint(sampler_read_limits(fx->root_fd, CG, &s.limits), ==, 0);
        g_assert_cmpuint(s.limits.max, ==, LIMIT_MAX);

        /* Overwriting in place without truncation leaves a tail: strict parsing refuses it. */
        put(fx->cg, "memory.current", "1000\n");
        {
                g_autofree char *p = g_build_filename(fx->cg, "memory.current", NULL);
                int fd = open(p, O_WRONLY | O_CLOEXEC);
                g_assert_cmpint(fd, >=, 0);
                g_assert_cmpint(pwrite(fd, "5\n", 2, 0), ==, 2);
                close(fd);
        }
        g_assert_cmpint(sampler_read_fast(&f, &s), ==, -EINVAL);

        cgroup_files_close(&f);
}

static void test_malformed(Fixture *fx, gconstpointer data) {
        enum { FAST, STAT, LIMITS };
        static const struct {
                const char *file, *text;
                int how;
        } cases[] = {
                { "memory.current", "abc\n", FAST },
                { "memory.current", "", FAST },
                { "memory.current", "-1\n", FAST },
                { "memory.current", "12 34\n", FAST },
                { "memory.events", "max\n", FAST },
                { "memory.events", "low 0\nhigh 0\nmax x\noom 0\noom_kill 0\n", FAST },
                { "memory.events", "low 0\nhigh 0\n", FAST },
                { "memory.stat", "kernel 5\n", STAT },
                { "memory.stat", "anon 1\nfile\n", STAT },
                { "memory.max", "maxx\n", LIMITS },
                { "memory.max", "\n", LIMITS },
                { "memory.high", "infinity\n", LIMITS },
                { "memory.low", "-5\n", LIMITS },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *p = g_build_filename(fx->cg, cases[i].file, NULL);
                g_autofree char *saved = NULL;
                CgroupFiles f = CGROUP_FILES_INIT;
                Sample s = {};
                int r;

                g_assert_true(g_file_get_contents(p, &saved, NULL, NULL));
                put(fx->cg, cases[i].file, cases[i].text);
                g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, 0);
                r = cases[i].how == FAST ? sampler_read_fast(&f, &s) :
                    cases[i].how == STAT ? sampler_read_stat(&f, &s) :
                    sampler_read_limits(fx->root_fd, CG, &s.limits);
                if (r != -EINVAL)
                        g_test_message("%s: '%s' gave %d", cases[i].file, cases[i].text, r);
                g_assert_cmpint(r, ==, -EINVAL);
                cgroup_files_close(&f);
                put(fx->cg, cases[i].file, saved);
        }

        /*
         * The optional files degrade instead: a sample without peak, swap or PSI is still a
         * sample (PSI off at boot, cgroup.pressure=0, a format this build does not know).
         */
        static const struct {
                const char *file, *text;
        } optional[] = {
                { "memory.peak", "max\n" },
                { "memory.swap.current", "1k\n" },
                { "memory.pressure", "some avg10=x avg60=0.00 avg300=0.00 total=0\n" },
                { "memory.pressure", "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n" },
                { "memory.pressure", "some avg10=0.00\n" },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(optional); i++) {
                g_autofree char *p = g_build_filename(fx->cg, optional[i].file, NULL);
                g_autofree char *saved = NULL;
                CgroupFiles f = CGROUP_FILES_INIT;
                Sample s = {};

                g_assert_true(g_file_get_contents(p, &saved, NULL, NULL));
                put(fx->cg, optional[i].file, optional[i].text);
                g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, 0);
                g_assert_cmpint(sampler_read_fast(&f, &s), ==, 0);
                if (g_str_equal(optional[i].file, "memory.peak"))
                        g_assert_false(s.has_peak);
                else if (g_str_equal(optional[i].file, "memory.swap.current"))
                        g_assert_false(s.has_swap);
                else
                        g_assert_false(s.pressure.valid);
                g_assert_true(s.events.valid);
                cgroup_files_close(&f);
                put(fx->cg, optional[i].file, saved);
        }

        /* Out of range is its own error. */
        {
                CgroupFiles f = CGROUP_FILES_INIT;
                Sample s = {};
                put(fx->cg, "memory.current", "99999999999999999999999\n");
                g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, 0);
                g_assert_cmpint(sampler_read_fast(&f, &s), ==, -ERANGE);
                cgroup_files_close(&f);
        }

        /* More than the buffer holds: -EFBIG, never a parse of a prefix. */
        g_autofree char *big = g_strnfill(100, '1');
        CgroupFiles f = CGROUP_FILES_INIT;
        Sample s = {};
        put(fx->cg, "memory.current", big);
        g_assert_cmpint(cgroup_files_open(&f, fx->root_fd, CG), ==, 0);
        g_assert_cmpint(sampler_read_fast(&f, &s), ==, -EFBIG);
        cgroup_files_close(&f);
}

static const char *const meminfo_text =
        "MemTotal:        8000000 kB\n"
        "MemFree:         1000000 kB\n"
        "MemAvailable:    3000000 kB\n"
        "Buffers:          100000 kB\n"
        "SwapTotal:       2000000 kB\n"
        "SwapFree:        1500000 kB\n"
        "HugePages_Total:       0\n";

static void test_host(Fixture *fx, gconstpointer data) {
        g_autofree char *proc = g_build_filename(fx->root, "proc", NULL);
        g_autofree char *psi = g_build_filename(proc, "pressure", NULL);
        HostFiles h = HOST_FILES_INIT;
        HostSample s = {};

        g_assert_cmpint(g_mkdir_with_parents(psi, 0755), ==, 0);

        /* No meminfo: an error. */
        g_assert_cmpint(host_files_open(&h, proc), ==, -ENOENT);
        g_assert_cmpint(h.meminfo, ==, -1);

        /* meminfo without PSI. */
        put(proc, "meminfo", meminfo_text);
        g_assert_cmpint(host_files_open(&h, proc), ==, 0);
        g_assert_cmpint(h.meminfo, >=, 0);
        g_assert_cmpint(h.pressure, ==, -1);
        s.pressure.valid = true;
        g_assert_cmpint(sampler_read_host(&h, &s), ==, 0);
        g_assert_cmpuint(s.mem_total, ==, UINT64_C(8000000) * 1024);
        g_assert_cmpuint(s.mem_available, ==, UINT64_C(3000000) * 1024);
        g_assert_cmpuint(s.swap_total, ==, UINT64_C(2000000) * 1024);
        g_assert_cmpuint(s.swap_free, ==, UINT64_C(1500000) * 1024);
        g_assert_false(s.pressure.valid);
        host_files_close(&h);
        g_assert_cmpint(h.meminfo, ==, -1);

        /* With PSI. */
        put(psi, "memory", pressure_text);
        g_assert_cmpint(host_files_open(&h, proc), ==, 0);
        g_assert_cmpint(h.pressure, >=, 0);
        g_assert_cmpint(sampler_read_host(&h, &s), ==, 0);
        g_assert_true(s.pressure.valid);
        g_assert_true(s.pressure.has_full);
        g_assert_cmpfloat(s.pressure.full_avg10, ==, 0.75);

        /* Re-reads see changes; a broken meminfo is an error. */
        put(proc, "meminfo", "MemTotal: 100 kB\nMemAvailable: 5 kB\n");
        g_assert_cmpint(sampler_read_host(&h, &s), ==, 0);
        g_assert_cmpuint(s.mem_total, ==, 102400);
        g_assert_cmpuint(s.mem_available, ==, 5120);
        put(proc, "meminfo", "MemFree: 100 kB\n");
        g_assert_cmpint(sampler_read_host(&h, &s), ==, -EINVAL);
        put(proc, "meminfo", meminfo_text);
        put(psi, "memory", "garbage\n");
        g_assert_cmpint(sampler_read_host(&h, &s), ==, -EINVAL);
        host_files_close(&h);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add(name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
        ADD("/sampler/read-all", test_read_all);
        ADD("/sampler/optional-missing", test_optional_missing);
        ADD("/sampler/required-missing", test_required_missing);
        ADD("/sampler/reread", test_reread);
        ADD("/sampler/malformed", test_malformed);
        ADD("/sampler/host", test_host);
        return g_test_run();
}
