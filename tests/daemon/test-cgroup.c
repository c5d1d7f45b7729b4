/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "test-util.h"

typedef struct Fixture {
        char *root;
        int root_fd;
} Fixture;

/* Unit directories the scan must report, as paths relative to the root. */
static const char *const unit_dirs[] = {
        "system.slice/a.service",
        "system.slice/b.scope",
        "system.slice/nested.slice/c.service",
        "system.slice/nested.slice/deeper.slice/d.service",
        "user.slice/user-1000.slice/user@1000.service",
        "user.slice/user-1000.slice/session-2.scope",
};

/* Directories it must not report. */
static const char *const other_dirs[] = {
        "system.slice/notaunit",
        "system.slice/e.socket",
        "system.slice/.service",
        "system.slice/.scope",
        "system.slice/.hidden.slice/h.service",
        "system.slice/a.service/inner.service",         /* units are leaves for the scan */
        "init.scope",
        "machine.slice/m.service",
        "system.slice/we\"ird.service",                /* not a unit name: would break bus replies */
        "system.slice/caf\xc3\xa9.service",            /* non-ASCII */
        "system.slice/\xff\xfe.service",               /* not even UTF-8 */
};

/* Regular files with unit-like names. */
static const char *const other_files[] = {
        "system.slice/x.service",
        "system.slice/y.scope",
        "system.slice/z.slice",
        "system.slice/cgroup.procs",
};

static void touch(const char *root, const char *rel, const char *text) {
        g_autofree char *p = g_build_filename(root, rel, NULL);
        GError *error = NULL;

        g_file_set_contents(p, text, -1, &error);
        g_assert_no_error(error);
}

static void mkdir_p(const char *root, const char *rel) {
        g_autofree char *p = g_build_filename(root, rel, NULL);
        g_assert_cmpint(g_mkdir_with_parents(p, 0755), ==, 0);
}

static void fixture_setup(Fixture *f, gconstpointer data) {
        GError *error = NULL;

        f->root = g_dir_make_tmp("memmon-cgroup-XXXXXX", &error);
        g_assert_no_error(error);
        for (size_t i = 0; i < G_N_ELEMENTS(unit_dirs); i++)
                mkdir_p(f->root, unit_dirs[i]);
        for (size_t i = 0; i < G_N_ELEMENTS(other_dirs); i++)
                mkdir_p(f->root, other_dirs[i]);
        for (size_t i = 0; i < G_N_ELEMENTS(other_files); i++)
                touch(f->root, other_files[i], "");
        /* A symlink to a unit directory is not a second unit. */
        g_autofree char *link = g_build_filename(f->root, "system.slice/link.service", NULL);
        g_assert_cmpint(symlink("a.service", link), ==, 0);

        f->root_fd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        g_assert_cmpint(f->root_fd, >=, 0);
}

static void fixture_teardown(Fixture *f, gconstpointer data) {
        close(f->root_fd);
        test_rm_rf(f->root);
        g_free(f->root);
}

typedef struct Seen {
        GHashTable *units;      /* path -> name */
        GPtrArray *slices;
        const char *root;
        int fail_after;         /* return -EIO from the unit callback after this many; 0: never */
} Seen;

static int on_unit(const CgroupEntry *e, void *userdata) {
        Seen *s = userdata;
        g_autofree char *p = g_build_filename(s->root, e->path, NULL);
        struct stat st;

        /* name is the last component of path, id the directory's inode. */
        g_assert_true(g_str_has_suffix(e->path, e->name));
        g_assert_cmpint(e->path[strlen(e->path) - strlen(e->name) - 1], ==, '/');
        g_assert_cmpint(stat(p, &st), ==, 0);
        g_assert_cmpuint(e->id, ==, (uint64_t) st.st_ino);

        g_assert_false(g_hash_table_contains(s->units, e->path));
        g_hash_table_insert(s->units, g_strdup(e->path), g_strdup(e->name));
        if (s->fail_after > 0 && (int) g_hash_table_size(s->units) >= s->fail_after)
                return -EIO;
        return 0;
}

static int on_slice(const char *path, void *userdata) {
        Seen *s = userdata;
        g_ptr_array_add(s->slices, g_strdup(path));
        return 0;
}

static void seen_init(Seen *s, const char *root) {
        *s = (Seen) {
                .units = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
                .slices = g_ptr_array_new_with_free_func(g_free),
                .root = root,
        };
}

static void seen_done(Seen *s) {
        g_hash_table_unref(s->units);
        g_ptr_array_unref(s->slices);
}

static Config *config_with(const char *text) {
        Config *c = NULL;

        g_assert_cmpint(config_new_default(&c), ==, 0);
        if (text) {
                g_assert_cmpint(config_parse_text(c, "test.conf", text), ==, 0);
                g_assert_cmpint(config_verify(c, "test.conf"), ==, 0);
        }
        return c;
}

static gboolean slice_seen(const Seen *s, const char *path) {
        for (guint i = 0; i < s->slices->len; i++)
                if (g_str_equal(g_ptr_array_index(s->slices, i), path))
                        return TRUE;
        return FALSE;
}

static void test_scan_all(Fixture *fx, gconstpointer data) {
        Config *c = config_with(NULL);
        CgroupScanStats stats = {};
        Seen s;

        seen_init(&s, fx->root);
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, on_slice, &s, &stats), ==, 0);

        for (size_t i = 0; i < G_N_ELEMENTS(unit_dirs); i++) {
                if (!g_hash_table_contains(s.units, unit_dirs[i]))
                        g_test_message("missing: %s", unit_dirs[i]);
                g_assert_true(g_hash_table_contains(s.units, unit_dirs[i]));
        }
        g_assert_cmpstr(g_hash_table_lookup(s.units, "user.slice/user-1000.slice/user@1000.service"), ==,
                        "user@1000.service");
        g_assert_cmpuint(g_hash_table_size(s.units), ==, G_N_ELEMENTS(unit_dirs));
        g_assert_cmpuint(stats.units, ==, G_N_ELEMENTS(unit_dirs));
        g_assert_cmpuint(stats.skipped, ==, 0);

        /* Every slice walked, and only those. */
        static const char *const slices[] = {
                "system.slice", "system.slice/nested.slice", "system.slice/nested.slice/deeper.slice",
                "user.slice", "user.slice/user-1000.slice",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(slices); i++)
                g_assert_true(slice_seen(&s, slices[i]));
        g_assert_cmpuint(s.slices->len, ==, G_N_ELEMENTS(slices));
        g_assert_cmpuint(stats.slices, ==, G_N_ELEMENTS(slices));

        /* No slice callback is fine too. */
        seen_done(&s);
        seen_init(&s, fx->root);
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, NULL, &s, NULL), ==, 0);
        g_assert_cmpuint(g_hash_table_size(s.units), ==, G_N_ELEMENTS(unit_dirs));

        seen_done(&s);
        config_free(c);
}

static void test_scan_filters(Fixture *fx, gconstpointer data) {
        Config *c = config_with("[Monitor]\n"
                                "Include=*.service user@*\n"
                                "Exclude=c.service\n"
                                "[Unit:d.*]\n"
                                "Ignore=yes\n");
        CgroupScanStats stats = {};
        Seen s;

        seen_init(&s, fx->root);
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, NULL, &s, &stats), ==, 0);
        /* Scopes are not included, c is excluded, d is ignored. */
        g_assert_true(g_hash_table_contains(s.units, "system.slice/a.service"));
        g_assert_true(g_hash_table_contains(s.units, "user.slice/user-1000.slice/user@1000.service"));
        g_assert_cmpuint(g_hash_table_size(s.units), ==, 2);
        g_assert_cmpuint(stats.units, ==, 2);
        g_assert_cmpuint(stats.skipped, ==, 4);
        seen_done(&s);
        config_free(c);

        /* Exclude only. */
        c = config_with("[Monitor]\nExclude=*.scope\n");
        seen_init(&s, fx->root);
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, NULL, &s, &stats), ==, 0);
        g_assert_cmpuint(stats.units, ==, 4);
        g_assert_cmpuint(stats.skipped, ==, 2);
        g_assert_false(g_hash_table_contains(s.units, "system.slice/b.scope"));
        seen_done(&s);
        config_free(c);
}

/* MaxUnits is applied by the manager, which keeps the units it watches: the scan reports all. */
static void test_scan_max_units(Fixture *fx, gconstpointer data) {
        Config *c = config_with("[Monitor]\nMaxUnits=2\nExclude=session-*\n");
        CgroupScanStats stats = {};
        Seen s;

        seen_init(&s, fx->root);
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, NULL, &s, &stats), ==, 0);
        g_assert_cmpuint(g_hash_table_size(s.units), ==, G_N_ELEMENTS(unit_dirs) - 1);
        g_assert_cmpuint(stats.units, ==, G_N_ELEMENTS(unit_dirs) - 1);
        g_assert_cmpuint(stats.skipped, ==, 1);
        seen_done(&s);
        config_free(c);
}

static void test_scan_callback_error(Fixture *fx, gconstpointer data) {
        Config *c = config_with(NULL);
        CgroupScanStats stats = { .units = 12345 };
        Seen s;

        seen_init(&s, fx->root);
        s.fail_after = 2;
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, NULL, &s, &stats), ==, -EIO);
        g_assert_cmpuint(g_hash_table_size(s.units), ==, 2);
        seen_done(&s);
        config_free(c);
}

static void test_scan_partial_tree(Fixture *fx, gconstpointer data) {
        Config *c = config_with(NULL);
        CgroupScanStats stats = {};
        Seen s;
        g_autofree char *user = g_build_filename(fx->root, "user.slice", NULL);
        g_autofree char *sys = g_build_filename(fx->root, "system.slice", NULL);

        /* No user.slice (a server without logins): not an error. */
        test_rm_rf(user);
        seen_init(&s, fx->root);
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, on_slice, &s, &stats), ==, 0);
        g_assert_cmpuint(stats.units, ==, 4);
        g_assert_cmpuint(stats.slices, ==, 3);
        seen_done(&s);

        /* An empty root. */
        test_rm_rf(sys);
        seen_init(&s, fx->root);
        g_assert_cmpint(cgroup_scan(fx->root_fd, c, on_unit, on_slice, &s, &stats), ==, 0);
        g_assert_cmpuint(stats.units, ==, 0);
        g_assert_cmpuint(stats.slices, ==, 0);
        seen_done(&s);
        config_free(c);
}

static void test_name_is_unit(void) {
        g_assert_true(cgroup_name_is_unit("a.service"));
        g_assert_true(cgroup_name_is_unit("session-2.scope"));
        g_assert_true(cgroup_name_is_unit("user@1000.service"));
        g_assert_false(cgroup_name_is_unit(".service"));
        g_assert_false(cgroup_name_is_unit(".scope"));
        g_assert_false(cgroup_name_is_unit("a.slice"));
        g_assert_false(cgroup_name_is_unit("a.service.d"));
        g_assert_false(cgroup_name_is_unit("service"));
        g_assert_false(cgroup_name_is_unit(""));
        g_assert_true(cgroup_name_is_unit("getty@tty1.service"));
        g_assert_true(cgroup_name_is_unit("run-u12.scope"));
        g_assert_true(cgroup_name_is_unit("dev-disk-by\\x2duuid.service"));
        g_assert_false(cgroup_name_is_unit("a@b@c.service"));
        g_assert_false(cgroup_name_is_unit("@a.service"));
        g_assert_false(cgroup_name_is_unit("we\"ird.service"));
        g_assert_false(cgroup_name_is_unit("\xff.service"));
        g_assert_false(cgroup_name_is_unit("a b.service"));
        char longname[300];
        memset(longname, 'a', sizeof longname);
        strcpy(longname + 256 - strlen(".service"), ".service");
        g_assert_false(cgroup_name_is_unit(longname));
        longname[255 - strlen(".service")] = '\0';
        strcat(longname, ".service");
        g_assert_true(cgroup_name_is_unit(longname));
}

static void test_check_root(Fixture *fx, gconstpointer data) {
        static const struct {
                const char *text;
                int ret;
        } cases[] = {
                { "cpu memory pids\n", 0 },
                { "cpuset cpu io memory hugetlb pids rdma misc\n", 0 },
                { "memory\n", 0 },
                { "memory", 0 },
                { "memoryx memory\n", 0 },
                { "memoryx\n", -EOPNOTSUPP },
                { "cpu memoryx pids\n", -EOPNOTSUPP },
                { "cpu xmemory pids\n", -EOPNOTSUPP },
                { "cpu io pids\n", -EOPNOTSUPP },
                { "\n", -EOPNOTSUPP },
                { "", -EOPNOTSUPP },
        };

        /* No cgroup.controllers at all: not a cgroup v2 root. */
        g_assert_cmpint(cgroup_check_root(fx->root_fd, fx->root), ==, -ENOENT);

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                touch(fx->root, "cgroup.controllers", cases[i].text);
                if (cgroup_check_root(fx->root_fd, fx->root) != cases[i].ret)
                        g_test_message("cgroup.controllers '%s'", cases[i].text);
                g_assert_cmpint(cgroup_check_root(fx->root_fd, fx->root), ==, cases[i].ret);
        }
}

static void discover_ok(CgroupMountReport *rep) {
        rep->mount_r = 0;
        snprintf(rep->path, sizeof rep->path, "/sys/fs/cgroup");
}

static void discover_hang(CgroupMountReport *rep) {
        for (;;)
                pause();
}

static void discover_die(CgroupMountReport *rep) {
        _exit(3);
}

static void test_discover_in_child(void) {
        CgroupMountReport rep;
        usec_t t0;

        memset(&rep, 0xff, sizeof rep);
        g_assert_cmpint(cgroup_discover_in_child(discover_ok, 5 * USEC_PER_SEC, &rep), ==, 0);
        g_assert_cmpint(rep.init_r, ==, 0);
        g_assert_cmpstr(rep.path, ==, "/sys/fs/cgroup");

        /* A child that never answers is killed at the timeout, not waited for. */
        t0 = now_usec(CLOCK_MONOTONIC);
        g_assert_cmpint(cgroup_discover_in_child(discover_hang, 200 * USEC_PER_MSEC, &rep), ==, -ETIMEDOUT);
        g_assert_cmpuint(now_usec(CLOCK_MONOTONIC) - t0, <, 3 * USEC_PER_SEC);

        g_assert_cmpint(cgroup_discover_in_child(discover_die, 5 * USEC_PER_SEC, &rep), ==, -EPROTO);
        /* Every child was reaped. */
        g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
        g_assert_cmpint(errno, ==, ECHILD);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add(name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
        ADD("/cgroup/scan-all", test_scan_all);
        ADD("/cgroup/scan-filters", test_scan_filters);
        ADD("/cgroup/scan-max-units", test_scan_max_units);
        ADD("/cgroup/scan-callback-error", test_scan_callback_error);
        ADD("/cgroup/scan-partial-tree", test_scan_partial_tree);
        ADD("/cgroup/check-root", test_check_root);
        g_test_add_func("/cgroup/name-is-unit", test_name_is_unit);
        g_test_add_func("/cgroup/discover-in-child", test_discover_in_child);
        return g_test_run();
}
