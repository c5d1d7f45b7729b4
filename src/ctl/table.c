/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Table layout. Cells are copied in, so callers can format into stack
 * buffers. Widths are counted in code points; colour codes are written
 * around the text and never counted, and padding stays outside them.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "terminal.h"

#define ELLIPSIS "\u2026"

typedef struct Cell {
        char *text;
        const char *color;      /* static ANSI sequence or NULL */
} Cell;

struct Table {
        size_t n_columns;
        char **headers;
        TableAlign *align;
        size_t shrink_column;   /* n_columns: none */
        size_t shrink_min;
        Cell *cells;
        size_t n_cells, n_allocated;
};

Table *table_free(Table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i].text);
        free(t->cells);
        strv_free(t->headers);
        free(t->align);
        free(t);
        return NULL;
}

int table_new(Table **ret, size_t n_columns, const char *const *headers) {
        _cleanup_(table_freep) Table *t = NULL;

        if (n_columns == 0)
                return -EINVAL;

        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        t->n_columns = n_columns;
        t->shrink_column = n_columns;
        t->headers = calloc(n_columns + 1, sizeof(char *));
        t->align = calloc(n_columns, sizeof(TableAlign));
        if (!t->headers || !t->align)
                return -ENOMEM;
        for (size_t i = 0; i < n_columns; i++) {
                t->headers[i] = strdup(headers[i]);
                if (!t->headers[i])
                        return -ENOMEM;
        }

        *ret = TAKE_PTR(t);
        return 0;
}

void table_set_align(Table *t, size_t column, TableAlign a) {
        if (column < t->n_columns)
                t->align[column] = a;
}

void table_set_shrinkable(Table *t, size_t column, size_t min_width) {
        if (column >= t->n_columns)
                return;
        t->shrink_column = column;
        t->shrink_min = MAX(min_width, (size_t) 2);
}

int table_add_cell(Table *t, const char *text, const char *color) {
        char *s;

        if (t->n_cells == t->n_allocated) {
                size_t n = MAX(t->n_allocated * 2, t->n_columns * 16);
                Cell *c = reallocarray(t->cells, n, sizeof(Cell));

                if (!c)
                        return -ENOMEM;
                t->cells = c;
                t->n_allocated = n;
        }
        s = strdup(strempty(text));
        if (!s)
                return -ENOMEM;
        t->cells[t->n_cells++] = (Cell) { .text = s, .color = color };
        return 0;
}

size_t table_get_rows(const Table *t) {
        return (t->n_cells + t->n_columns - 1) / t->n_columns;
}

size_t utf8_width(const char *s) {
        size_t n = 0;

        for (; *s; s++)
                if (((unsigned char) *s & 0xC0) != 0x80)
                        n++;
        return n;
}

/* Writes text cut to width code points, the last one replaced by "…" when cut. */
static size_t print_text(FILE *f, const char *text, size_t width) {
        size_t w = utf8_width(text), n = 0;
        const char *p;

        if (w <= width) {
                fputs(text, f);
                return w;
        }
        if (width == 0)
                return 0;
        for (p = text; *p; p++) {
                if (((unsigned char) *p & 0xC0) != 0x80) {
                        if (n == width - 1)
                                break;
                        n++;
                }
                fputc(*p, f);
        }
        fputs(ELLIPSIS, f);
        return width;
}

static void pad(FILE *f, size_t n) {
        while (n-- > 0)
                fputc(' ', f);
}

static void print_cell(FILE *f, const char *text, const char *color, size_t width, TableAlign a, bool last) {
        size_t w = MIN(utf8_width(text), width);

        if (a == TABLE_ALIGN_RIGHT)
                pad(f, width - w);
        if (color)
                fputs(color, f);
        print_text(f, text, width);
        if (color)
                fputs(ANSI_NORMAL, f);
        /* No trailing blanks after the last column. */
        if (a == TABLE_ALIGN_LEFT && !last)
                pad(f, width - w);
}

int table_print(const Table *t, FILE *f, const TableOptions *o) {
        _cleanup_free_ size_t *widths = NULL;
        size_t n_rows = table_get_rows(t), total = 0;

        widths = calloc(t->n_columns, sizeof(size_t));
        if (!widths)
                return -ENOMEM;

        for (size_t c = 0; c < t->n_columns; c++)
                if (o->header)
                        widths[c] = utf8_width(t->headers[c]);
        for (size_t i = 0; i < t->n_cells; i++)
                widths[i % t->n_columns] = MAX(widths[i % t->n_columns], utf8_width(t->cells[i].text));

        for (size_t c = 0; c < t->n_columns; c++)
                total += widths[c] + (c > 0);
        if (o->width > 0 && total > o->width && t->shrink_column < t->n_columns) {
                size_t excess = total - o->width, *w = &widths[t->shrink_column];

                *w = *w > t->shrink_min + excess ? *w - excess : MIN(*w, t->shrink_min);
        }

        if (o->header) {
                for (size_t c = 0; c < t->n_columns; c++) {
                        if (c > 0)
                                fputc(' ', f);
                        print_cell(f, t->headers[c], o->colors ? ANSI_UNDERLINE : NULL, widths[c], t->align[c],
                                   c == t->n_columns - 1);
                }
                fputc('\n', f);
        }

        for (size_t r = 0; r < n_rows; r++) {
                for (size_t c = 0; c < t->n_columns; c++) {
                        size_t i = r * t->n_columns + c;
                        const Cell *cell = i < t->n_cells ? &t->cells[i] : NULL;

                        if (c > 0)
                                fputc(' ', f);
                        print_cell(f, cell ? cell->text : "", cell && o->colors ? cell->color : NULL,
                                   widths[c], t->align[c], c == t->n_columns - 1);
                }
                fputc('\n', f);
        }

        return ferror(f) ? -EIO : 0;
}
