/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Aligned text tables in systemctl's layout: one space between columns, an
 * underlined header on colour terminals, no trailing blanks, and one column
 * that is shortened with "…" when a terminal is too narrow.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

typedef enum TableAlign {
        TABLE_ALIGN_LEFT,
        TABLE_ALIGN_RIGHT,
} TableAlign;

typedef struct TableOptions {
        bool header;            /* false with --no-legend */
        bool colors;
        unsigned width;         /* 0: never shorten (output is not a terminal) */
} TableOptions;

typedef struct Table Table;

/* headers: n_columns strings. Returns 0 or -ENOMEM. */
int table_new(Table **ret, size_t n_columns, const char *const *headers);
Table *table_free(Table *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Table *, table_free);

void table_set_align(Table *t, size_t column, TableAlign a);
/* The column that gives way when the table is wider than TableOptions.width. */
void table_set_shrinkable(Table *t, size_t column, size_t min_width);

/* Appends one cell, filling rows left to right. color may be NULL. */
int table_add_cell(Table *t, const char *text, const char *color);

size_t table_get_rows(const Table *t);

/* Display width of UTF-8 text: code points, which is right for unit names and our symbols. */
size_t utf8_width(const char *s);

int table_print(const Table *t, FILE *f, const TableOptions *o);
