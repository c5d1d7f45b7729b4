/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Reads a recorded memory series from a file and prints the analyser's
 * verdict, so a recording from a bug report can be judged offline with the
 * same code the daemon runs. The file is untrusted: its size and point count
 * are capped, every field is parsed strictly, and any problem is reported
 * once on stderr as "FILE:LINE: what" (JSON: the line of a syntax error, or
 * the array index of a bad element) with a negative errno returned.
 *
 * Formats, detected by the first non-blank character:
 *
 *   CSV  a header naming the columns timestamp, anon, file, current (any
 *        order; optional max and high), then one row per sample. '#' lines
 *        and blank lines are skipped. timestamp is in seconds, fractions
 *        allowed; a column named timestamp_usec is taken as microseconds.
 *        Byte values are unsigned integers.
 *   JSON an array of objects with the same keys, numbers as values.
 *
 * Timestamps must not go backwards. The limits of the last row that has
 * max/high are used for the forecast; "max" or an absent column means none.
 */

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyser.h"
#include "analyze-file.h"
#include "time-util.h"
#include "util.h"

static void json_object_putp(json_object **j) {
        if (*j)
                json_object_put(*j);
}

static void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}

typedef struct Recording {
        AnalysisPoint *pts;
        size_t n;
        AnalysisLimits lim;
} Recording;

static int read_all(const char *path, char **ret, size_t *ret_len) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_(freep) char *buf = NULL;
        size_t len;

        f = fopen(path, "re");
        if (!f) {
                int r = -errno;
                fprintf(stderr, "%s: cannot open: %s\n", path, strerror(-r));
                return r;
        }
        buf = malloc(ANALYZE_FILE_MAX_BYTES + 1);
        if (!buf)
                return -ENOMEM;
        len = fread(buf, 1, ANALYZE_FILE_MAX_BYTES + 1, f);
        if (ferror(f)) {
                fprintf(stderr, "%s: read error\n", path);
                return -EIO;
        }
        if (len > ANALYZE_FILE_MAX_BYTES) {
                fprintf(stderr, "%s: larger than %u bytes, refusing\n", path, ANALYZE_FILE_MAX_BYTES);
                return -EFBIG;
        }
        buf[len] = 0;
        if (strlen(buf) != len) {
                fprintf(stderr, "%s: contains a NUL byte, not a text file\n", path);
                return -EINVAL;
        }
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

static int parse_u64(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long v;

        s += strspn(s, " \t");
        if (!*s || *s == '-')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno != 0 || end == s)
                return -EINVAL;
        end += strspn(end, " \t\r");
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_limit(const char *s, uint64_t *ret) {
        s += strspn(s, " \t");
        if (startswith(s, "max") || *s == 0 || *s == '\r') {
                *ret = UINT64_MAX;
                return 0;
        }
        return parse_u64(s, ret);
}

/* Seconds (or µs when usec) as a finite non-negative number to usec_t. */
static int time_from_double(double v, bool usec, usec_t *ret) {
        double us = usec ? v : v * (double) USEC_PER_SEC;

        /* llround() returns long long: stay below 2^63. */
        if (!isfinite(us) || us < 0 || us >= 9.2e18)
                return -ERANGE;
        *ret = (usec_t) llround(us);
        return 0;
}

static int parse_time(const char *s, bool usec, usec_t *ret) {
        char *end;
        double v;

        s += strspn(s, " \t");
        if (!*s)
                return -EINVAL;
        errno = 0;
        v = strtod(s, &end);
        if (errno != 0 || end == s)
                return -EINVAL;
        end += strspn(end, " \t\r");
        if (*end)
                return -EINVAL;
        return time_from_double(v, usec, ret);
}

static int add_point(const char *path, const char *where, Recording *rec, size_t *cap, const AnalysisPoint *pt) {
        if (rec->n >= ANALYZE_FILE_MAX_POINTS) {
                fprintf(stderr, "%s:%s: more than %u points, refusing\n", path, where, ANALYZE_FILE_MAX_POINTS);
                return -E2BIG;
        }
        if (rec->n > 0 && pt->t < rec->pts[rec->n - 1].t) {
                fprintf(stderr, "%s:%s: timestamp goes backwards\n", path, where);
                return -EINVAL;
        }
        if (rec->n == *cap) {
                size_t c = MAX((size_t) 256, *cap * 2);
                AnalysisPoint *p = reallocarray(rec->pts, c, sizeof(AnalysisPoint));

                if (!p)
                        return -ENOMEM;
                rec->pts = p;
                *cap = c;
        }
        rec->pts[rec->n++] = *pt;
        return 0;
}

enum { COL_TIME, COL_ANON, COL_FILE, COL_CURRENT, COL_MAX, COL_HIGH, _COL_N };

static int parse_csv(const char *path, char *text, Recording *rec) {
        static const char *const names[_COL_N] = { "timestamp", "anon", "file", "current", "max", "high" };
        int col_of[_COL_N] = { -1, -1, -1, -1, -1, -1 };
        bool usec = false, header = false;
        size_t cap = 0;
        unsigned line = 0;

        for (char *l = text, *next; l; l = next) {
                AnalysisPoint pt = {};
                char where[32], *field;
                bool seen[_COL_N] = {};
                int r, c = 0;

                next = strchr(l, '\n');
                if (next)
                        *next++ = 0;
                line++;
                snprintf(where, sizeof(where), "%u", line);

                l += strspn(l, " \t");
                if (*l == '#' || *l == '\r' || *l == 0)
                        continue;

                if (!header) {
                        for (char *rest = l; (field = strsep(&rest, ",")); c++) {
                                size_t len;

                                field += strspn(field, " \t\"");
                                len = strcspn(field, " \t\r\"");
                                field[len] = 0;
                                for (int k = 0; k < _COL_N; k++)
                                        if (streq(field, names[k]) ||
                                            (k == COL_TIME && (streq(field, "timestamp_usec") || streq(field, "timestamp_us")))) {
                                                if (col_of[k] >= 0) {
                                                        fprintf(stderr, "%s:%u: duplicate column '%s'\n", path, line, field);
                                                        return -EINVAL;
                                                }
                                                col_of[k] = c;
                                                if (k == COL_TIME && !streq(field, "timestamp"))
                                                        usec = true;
                                        }
                        }
                        for (int k = 0; k <= COL_CURRENT; k++)
                                if (col_of[k] < 0) {
                                        fprintf(stderr, "%s:%u: header lacks column '%s' (need timestamp,anon,file,current)\n",
                                                path, line, names[k]);
                                        return -EINVAL;
                                }
                        header = true;
                        continue;
                }

                for (char *rest = l; (field = strsep(&rest, ",")); c++)
                        for (int k = 0; k < _COL_N; k++) {
                                if (col_of[k] != c)
                                        continue;
                                seen[k] = true;
                                switch (k) {
                                case COL_TIME:
                                        r = parse_time(field, usec, &pt.t);
                                        break;
                                case COL_ANON:
                                        r = parse_u64(field, &pt.anon);
                                        break;
                                case COL_FILE:
                                        r = parse_u64(field, &pt.file);
                                        break;
                                case COL_CURRENT:
                                        r = parse_u64(field, &pt.current);
                                        break;
                                case COL_MAX:
                                        r = parse_limit(field, &rec->lim.max);
                                        break;
                                case COL_HIGH:
                                        r = parse_limit(field, &rec->lim.high);
                                        break;
                                default:
                                        r = 0;
                                }
                                if (r < 0) {
                                        fprintf(stderr, "%s:%u: bad value for '%s': %s\n", path, line, names[k], field);
                                        return -EINVAL;
                                }
                        }
                for (int k = 0; k <= COL_CURRENT; k++)
                        if (!seen[k]) {
                                fprintf(stderr, "%s:%u: missing field '%s'\n", path, line, names[k]);
                                return -EINVAL;
                        }
                r = add_point(path, where, rec, &cap, &pt);
                if (r < 0)
                        return r;
        }
        if (!header) {
                fprintf(stderr, "%s: empty file, expected a CSV header or a JSON array\n", path);
                return -EINVAL;
        }
        return 0;
}

static int json_u64(json_object *o, const char *key, bool required, uint64_t *ret) {
        json_object *v;
        int64_t i;

        if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
                return required ? -ENOENT : 0;
        if (json_object_is_type(v, json_type_string) && streq(json_object_get_string(v), "max")) {
                *ret = UINT64_MAX;
                return 0;
        }
        if (!json_object_is_type(v, json_type_int))
                return -EINVAL;
        i = json_object_get_int64(v);
        if (i < 0)
                return -EINVAL;
        /* json-c keeps values above INT64_MAX as uint64 and clamps the int64 view. */
        *ret = i == INT64_MAX ? json_object_get_uint64(v) : (uint64_t) i;
        return 0;
}

static int parse_json(const char *path, const char *text, size_t len, Recording *rec) {
        _cleanup_(json_object_putp) json_object *root = NULL;
        json_tokener *tok;
        enum json_tokener_error jerr;
        size_t cap = 0, n, end;

        tok = json_tokener_new();
        if (!tok)
                return -ENOMEM;
        root = json_tokener_parse_ex(tok, text, (int) len);
        jerr = json_tokener_get_error(tok);
        end = MIN(json_tokener_get_parse_end(tok), len);
        if (!root || jerr != json_tokener_success || text[end + strspn(text + end, " \t\r\n")]) {
                size_t off = end;
                unsigned line = 1;

                for (size_t i = 0; i < off; i++)
                        line += text[i] == '\n';
                fprintf(stderr, "%s:%u: invalid JSON: %s\n", path, line,
                        jerr == json_tokener_continue ? "unexpected end of input" :
                        jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "trailing data");
                json_tokener_free(tok);
                return -EINVAL;
        }
        json_tokener_free(tok);

        if (!json_object_is_type(root, json_type_array)) {
                fprintf(stderr, "%s:1: expected a JSON array of samples\n", path);
                return -EINVAL;
        }
        n = json_object_array_length(root);
        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_array_get_idx(root, i), *tv;
                AnalysisPoint pt = {};
                const struct {
                        const char *name;
                        bool required;
                        uint64_t *ret;
                } keys[] = {
                        { "anon", true, &pt.anon },
                        { "file", true, &pt.file },
                        { "current", true, &pt.current },
                        { "max", false, &rec->lim.max },
                        { "high", false, &rec->lim.high },
                };
                char where[48];
                double tsec;
                int r;

                snprintf(where, sizeof(where), "[%zu]", i);
                if (!json_object_is_type(o, json_type_object)) {
                        fprintf(stderr, "%s:%s: element is not an object\n", path, where);
                        return -EINVAL;
                }
                if (!json_object_object_get_ex(o, "timestamp", &tv) ||
                    !(json_object_is_type(tv, json_type_int) || json_object_is_type(tv, json_type_double))) {
                        fprintf(stderr, "%s:%s: missing or non-numeric 'timestamp'\n", path, where);
                        return -EINVAL;
                }
                tsec = json_object_get_double(tv);
                if (time_from_double(tsec, false, &pt.t) < 0) {
                        fprintf(stderr, "%s:%s: 'timestamp' out of range\n", path, where);
                        return -EINVAL;
                }
                for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
                        r = json_u64(o, keys[k].name, keys[k].required, keys[k].ret);
                        if (r < 0) {
                                fprintf(stderr, "%s:%s: %s '%s'\n", path, where,
                                        r == -ENOENT ? "missing" : "non-integer or negative", keys[k].name);
                                return -EINVAL;
                        }
                }
                r = add_point(path, where, rec, &cap, &pt);
                if (r < 0)
                        return r;
        }
        return 0;
}

static const char *fmt_bytes(char *buf, size_t len, double b) {
        const char *sign = b < 0 ? "-" : "";

        b = fabs(b);
        if (b >= 1024.0 * 1024.0 * 1024.0)
                snprintf(buf, len, "%s%.2f GiB", sign, b / (1024.0 * 1024.0 * 1024.0));
        else if (b >= 1024.0 * 1024.0)
                snprintf(buf, len, "%s%.2f MiB", sign, b / (1024.0 * 1024.0));
        else if (b >= 1024.0)
                snprintf(buf, len, "%s%.1f KiB", sign, b / 1024.0);
        else
                snprintf(buf, len, "%s%.0f B", sign, b);
        return buf;
}

static int print_json(FILE *out, const char *path, const Analysis *a) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        const char *sev = severity_to_string(a->severity);

        if (!o)
                return -ENOMEM;
        if (json_object_object_add(o, "file", json_object_new_string(path)) < 0 ||
            json_object_object_add(o, "pattern", json_object_new_string(pattern_to_string(a->pattern))) < 0 ||
            json_object_object_add(o, "confidence", json_object_new_int((int) a->confidence)) < 0 ||
            json_object_object_add(o, "growth_bytes_per_min", json_object_new_double(a->growth_bytes_per_min)) < 0 ||
            json_object_object_add(o, "reclaimable_growth_bytes_per_min",
                                   json_object_new_double(a->reclaimable_growth_bytes_per_min)) < 0 ||
            json_object_object_add(o, "window_usec", json_object_new_uint64(a->window)) < 0 ||
            json_object_object_add(o, "n_points", json_object_new_uint64(a->n_points)) < 0 ||
            json_object_object_add(o, "time_to_limit_usec", a->time_to_limit == USEC_INFINITY ? NULL :
                                   json_object_new_uint64(a->time_to_limit)) < 0 ||
            json_object_object_add(o, "limit", a->limit_name ? json_object_new_string(a->limit_name) : NULL) < 0 ||
            json_object_object_add(o, "restart_freed_bytes", json_object_new_uint64(a->restart_freed)) < 0 ||
            json_object_object_add(o, "severity", sev ? json_object_new_string(sev) : NULL) < 0 ||
            json_object_object_add(o, "r2", json_object_new_double(a->r2)) < 0 ||
            json_object_object_add(o, "mann_kendall_z", json_object_new_double(a->mk_z)) < 0 ||
            json_object_object_add(o, "cycles", json_object_new_int((int) a->cycles)) < 0 ||
            json_object_object_add(o, "alert", json_object_new_boolean(analysis_is_alert(a, NULL))) < 0)
                return -ENOMEM;
        fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
        return 0;
}

static void print_text(FILE *out, const char *path, const Analysis *a) {
        char b1[32], b2[32], d[FORMAT_DURATION_MAX];
        const char *sev = severity_to_string(a->severity);

        fprintf(out, "%s: %s, confidence %u%%%s\n", path, pattern_to_string(a->pattern), a->confidence,
                analysis_is_alert(a, NULL) ? " (leak alert)" : "");
        fprintf(out, "  based on:        %zu points over %s\n", a->n_points, format_duration(d, sizeof(d), a->window));
        if (a->pattern == PATTERN_UNKNOWN) {
                fprintf(out, "  insufficient data for a verdict\n");
                return;
        }
        fprintf(out, "  growth:          %s/min non-reclaimable (R² %.2f, Mann-Kendall z %.1f)\n",
                fmt_bytes(b1, sizeof(b1), a->growth_bytes_per_min), a->r2, a->mk_z);
        fprintf(out, "  page cache:      %s/min (reclaimable, not judged)\n",
                fmt_bytes(b2, sizeof(b2), a->reclaimable_growth_bytes_per_min));
        if (a->cycles > 0)
                fprintf(out, "  cycles:          %u drops\n", a->cycles);
        if (a->restart_freed > 0)
                fprintf(out, "  restart:         a reset freed %s; only the part after it was judged\n",
                        fmt_bytes(b1, sizeof(b1), (double) a->restart_freed));
        if (a->time_to_limit != USEC_INFINITY)
                fprintf(out, "  forecast:        reaches %s in %s\n",
                        streq(a->limit_name, "host") ? "host available memory" :
                        streq(a->limit_name, "max") ? "memory.max" : "memory.high",
                        format_duration(d, sizeof(d), a->time_to_limit));
        else
                fprintf(out, "  forecast:        none\n");
        fprintf(out, "  severity:        %s\n", sev ?: "?");
}

/**
 * analyze_file_run() - judge a recorded series and print the verdict
 * @path: CSV or JSON file, see the top of analyze-file.c
 * @json: print JSON instead of text
 * @out: where the verdict goes; errors go to stderr
 *
 * Return: 0, or a negative errno after printing FILE:LINE and the reason.
 */
int analyze_file_run(const char *path, bool json, FILE *out) {
        _cleanup_(freep) char *text = NULL;
        Recording rec = { .lim = ANALYSIS_LIMITS_NONE };
        _cleanup_(freep) AnalysisPoint *pts = NULL;
        const char *first;
        Analysis a;
        size_t len = 0;
        int r;

        if (!path || !out)
                return -EINVAL;
        r = read_all(path, &text, &len);
        if (r < 0)
                return r;

        first = text + strspn(text, " \t\r\n");
        if (*first == '[' || *first == '{')
                r = parse_json(path, text, len, &rec);
        else
                r = parse_csv(path, text, &rec);
        pts = rec.pts;
        if (r < 0)
                return r;

        r = analyser_run(rec.pts, rec.n, &rec.lim, NULL, &a);
        if (r < 0) {
                fprintf(stderr, "%s: analysis failed: %s\n", path, strerror(-r));
                return r;
        }
        if (json)
                return print_json(out, path, &a);
        print_text(out, path, &a);
        return 0;
}
