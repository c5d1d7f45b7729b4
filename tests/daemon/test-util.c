/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <glib/gstdio.h>

#include "test-util.h"

void test_rm_rf(const char *path) {
        GDir *d = g_file_test(path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open(path, 0, NULL);

        if (d) {
                for (const char *n; (n = g_dir_read_name(d)); ) {
                        g_autofree char *p = g_build_filename(path, n, NULL);
                        test_rm_rf(p);
                }
                g_dir_close(d);
        }
        g_assert_cmpint(g_remove(path), ==, 0);
}
