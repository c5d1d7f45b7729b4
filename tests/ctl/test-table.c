/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "table.h"
#include "terminal.h"

static char *print(const Table *t, const TableOptions *o) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        g_assert_nonnull(f);
        g_assert_cmpint(table_print(t, f, o), ==, 0);
        g_assert_cmpint(fclose(f), ==, 0);
        return buf;
}

static Table *sample(void) {
        const char *headers[] = { "NAME", "CURRENT", "PATTERN" };
        Table *t = NULL;

        g_assert_cmpint(table_new(&t, 3, headers), ==, 0);
        table_set_align(t, 1, TABLE_ALIGN_RIGHT);
        g_assert_cmpint(table_add_cell(t, "postgresql.service", NULL), ==, 0);
        g_assert_cmpint(table_add_cell(t, "1.2G", NULL), ==, 0);
        g_assert_cmpint(table_add_cell(t, "leak", ANSI_HIGHLIGHT_RED), ==, 0);
        g_assert_cmpint(table_add_cell(t, "cron.service", NULL), ==, 0);
        g_assert_cmpint(table_add_cell(t, "512.0K", NULL), ==, 0);
        g_assert_cmpint(table_add_cell(t, "stable", NULL), ==, 0);
        return t;
}

static void test_layout(void) {
        _cleanup_(table_freep) Table *t = sample();
        g_autofree char *s = print(t, &(TableOptions) { .header = true });

        g_assert_cmpuint(table_get_rows(t), ==, 2);
        /* Left columns padded, numbers right-aligned, no trailing blanks. */
        g_assert_cmpstr(s, ==,
                        "NAME               CURRENT PATTERN\n"
                        "postgresql.service    1.2G leak\n"
                        "cron.service        512.0K stable\n");
}

static void test_no_header(void) {
        _cleanup_(table_freep) Table *t = sample();
        g_autofree char *s = print(t, &(TableOptions) { .header = false });

        g_assert_cmpstr(s, ==,
                        "postgresql.service   1.2G leak\n"
                        "cron.service       512.0K stable\n");
}

static void test_colors(void) {
        _cleanup_(table_freep) Table *t = sample();
        g_autofree char *s = print(t, &(TableOptions) { .header = true, .colors = true });

        /* Underlined headers; colour codes around the text, padding outside them. */
        g_assert_nonnull(strstr(s, ANSI_UNDERLINE "NAME" ANSI_NORMAL "               " ANSI_UNDERLINE "CURRENT"));
        g_assert_nonnull(strstr(s, "   1.2G " ANSI_HIGHLIGHT_RED "leak" ANSI_NORMAL "\n"));
        g_assert_null(strstr(s, ANSI_HIGHLIGHT_RED "stable"));
}

static void test_shrink(void) {
        _cleanup_(table_freep) Table *t = sample();
        g_autofree char *wide = NULL, *narrow = NULL, *tiny = NULL;

        table_set_shrinkable(t, 0, 8);
        wide = print(t, &(TableOptions) { .header = true, .width = 200 });
        g_assert_nonnull(strstr(wide, "postgresql.service "));

        /* 34 columns needed, 28 given: NAME loses 6 and ends in an ellipsis. */
        narrow = print(t, &(TableOptions) { .header = true, .width = 28 });
        g_assert_cmpstr(narrow, ==,
                        "NAME         CURRENT PATTERN\n"
                        "postgresql.…    1.2G leak\n"
                        "cron.service  512.0K stable\n");

        /* Never below the minimum width. */
        tiny = print(t, &(TableOptions) { .header = true, .width = 5 });
        g_assert_nonnull(strstr(tiny, "postgre…    1.2G"));
}

static void test_ragged(void) {
        const char *headers[] = { "A", "B" };
        _cleanup_(table_freep) Table *t = NULL;
        g_autofree char *s = NULL;

        g_assert_cmpint(table_new(&t, 2, headers), ==, 0);
        g_assert_cmpint(table_add_cell(t, "x", NULL), ==, 0);
        g_assert_cmpint(table_add_cell(t, "y", NULL), ==, 0);
        g_assert_cmpint(table_add_cell(t, "z", NULL), ==, 0);
        s = print(t, &(TableOptions) { .header = true });
        g_assert_cmpstr(s, ==, "A B\nx y\nz \n");
}

static void test_many_rows(void) {
        const char *headers[] = { "N" };
        _cleanup_(table_freep) Table *t = NULL;
        g_autofree char *s = NULL;

        g_assert_cmpint(table_new(&t, 1, headers), ==, 0);
        for (int i = 0; i < 1000; i++) {
                char b[16];
                g_snprintf(b, sizeof(b), "%d", i);
                g_assert_cmpint(table_add_cell(t, b, NULL), ==, 0);
        }
        g_assert_cmpuint(table_get_rows(t), ==, 1000);
        s = print(t, &(TableOptions) { .header = false });
        g_assert_true(g_str_has_suffix(s, "\n998\n999\n"));
}

static void test_utf8_width(void) {
        g_assert_cmpuint(utf8_width(""), ==, 0);
        g_assert_cmpuint(utf8_width("abc"), ==, 3);
        g_assert_cmpuint(utf8_width("▁▂▃"), ==, 3);
        g_assert_cmpuint(utf8_width("caf\xc3\xa9"), ==, 4);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/table/layout", test_layout);
        g_test_add_func("/table/no-header", test_no_header);
        g_test_add_func("/table/colors", test_colors);
        g_test_add_func("/table/shrink", test_shrink);
        g_test_add_func("/table/ragged", test_ragged);
        g_test_add_func("/table/many-rows", test_many_rows);
        g_test_add_func("/table/utf8-width", test_utf8_width);
        return g_test_run();
}
