/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <fcntl.h>
#include <glib.h>
#include <unistd.h>

#include "terminal.h"

static void test_colors(void) {
        /* Default: follow the terminal. */
        g_assert_true(colors_enabled_for(NULL, NULL, "xterm", true));
        g_assert_false(colors_enabled_for(NULL, NULL, "xterm", false));
        /* NO_COLOR wins over everything, but only when non-empty. */
        g_assert_false(colors_enabled_for("1", NULL, "xterm", true));
        g_assert_false(colors_enabled_for("1", "1", "xterm", true));
        g_assert_true(colors_enabled_for("", NULL, "xterm", true));
        /* SYSTEMD_COLORS as systemd reads it. */
        g_assert_false(colors_enabled_for(NULL, "0", "xterm", true));
        g_assert_false(colors_enabled_for(NULL, "no", "xterm", true));
        g_assert_true(colors_enabled_for(NULL, "1", NULL, false));
        g_assert_true(colors_enabled_for(NULL, "256", NULL, false));
        g_assert_true(colors_enabled_for(NULL, "24bit", "dumb", false));
        g_assert_true(colors_enabled_for(NULL, "bogus", "xterm", true)); /* ignored */
        /* A dumb terminal has none. */
        g_assert_false(colors_enabled_for(NULL, NULL, "dumb", true));
}

static void test_columns(void) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpuint(columns_for("120", fd), ==, 120);
        g_assert_cmpuint(columns_for("120\n", fd), ==, 120);
        /* Not a terminal and no usable COLUMNS: 80. */
        g_assert_cmpuint(columns_for(NULL, fd), ==, COLUMNS_DEFAULT);
        g_assert_cmpuint(columns_for("", fd), ==, COLUMNS_DEFAULT);
        g_assert_cmpuint(columns_for("0", fd), ==, COLUMNS_DEFAULT);
        g_assert_cmpuint(columns_for("-5", fd), ==, COLUMNS_DEFAULT);
        g_assert_cmpuint(columns_for("12abc", fd), ==, COLUMNS_DEFAULT);
        g_assert_cmpuint(columns_for("99999999999999999999999", fd), ==, COLUMNS_DEFAULT);
        g_assert_cmpuint(columns_for("10001", -1), ==, COLUMNS_DEFAULT);
        close(fd);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/terminal/colors", test_colors);
        g_test_add_func("/terminal/columns", test_columns);
        return g_test_run();
}
