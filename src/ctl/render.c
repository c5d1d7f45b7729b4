/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Text renderers. Layout follows systemctl: right-aligned "Label: value"
 * blocks for one object, tables for many, a one-line footer that --no-legend
 * drops. Colour only marks what needs attention (alerts, limits close to
 * full, a health that is not ok), never the plain figures.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format-util.h"
#include "render.h"
#include "sparkline.h"
#include "table.h"
#include "terminal.h"

#define LABEL_WIDTH 12
#define UNIT_NAME_MIN_WIDTH 16

static const char *on(const RenderOptions *o, const char *color) {
        return o->colors && color ? color : "";
}

static const char *off(const RenderOptions *o, const char *color) {
        return o->colors && color ? ANSI_NORMAL : "";
}

const char *health_color(const char *status) {
        if (streq_ptr(status, "ok"))
                return ANSI_HIGHLIGHT_GREEN;
        if (streq_ptr(status, "degraded"))
                return ANSI_HIGHLIGHT_YELLOW;
        return ANSI_HIGHLIGHT_RED;
}

const char *severity_color(const char *severity) {
        if (streq_ptr(severity, "emergency") || streq_ptr(severity, "critical"))
                return ANSI_HIGHLIGHT_RED;
        if (streq_ptr(severity, "warning"))
                return ANSI_HIGHLIGHT_YELLOW;
        return NULL;
}

const char *pattern_color(const char *pattern) {
        if (streq_ptr(pattern, "leak") || streq_ptr(pattern, "exponential"))
                return ANSI_HIGHLIGHT_RED;
        if (streq_ptr(pattern, "linear"))
                return ANSI_YELLOW;
        return NULL;
}

static const char *limit_color(uint64_t current, uint64_t max) {
        if (max == 0 || max == CTL_NONE)
                return NULL;
        if ((double) current >= 0.9 * (double) max)
                return ANSI_HIGHLIGHT_RED;
        if ((double) current >= 0.8 * (double) max)
                return ANSI_HIGHLIGHT_YELLOW;
        return NULL;
}

static int done(FILE *f) {
        return ferror(f) ? -EIO : 0;
}

int render_status(FILE *f, const ManagerInfo *m, const RenderOptions *o) {
        char a[FORMAT_BYTES_MAX], b[FORMAT_BYTES_MAX], p[FORMAT_PERCENT_MAX], d[FORMAT_DURATION_MAX];
        const char *hc = health_color(m->health);

        fprintf(f, "%s\u25cf%s memmond %s\n", on(o, hc), off(o, hc), strempty(m->version));
        fprintf(f, "%*s: %s%s%s\n", LABEL_WIDTH, "Health", on(o, hc), strempty(m->health), off(o, hc));
        for (char **i = m->problems; i && *i; i++)
                fprintf(f, "%*s  %s\n", LABEL_WIDTH, "", *i);
        fprintf(f, "%*s: %" PRIu32 " watched, sampled every %s\n", LABEL_WIDTH, "Units", m->n_units,
                format_timespan(d, sizeof(d), m->sample_interval));
        fprintf(f, "%*s: %s%" PRIu32 " active%s\n", LABEL_WIDTH, "Alerts",
                on(o, m->n_active_alerts > 0 ? ANSI_HIGHLIGHT_RED : NULL), m->n_active_alerts,
                off(o, m->n_active_alerts > 0 ? ANSI_HIGHLIGHT_RED : NULL));
        fprintf(f, "%*s: %s available of %s (%s)\n", LABEL_WIDTH, "Memory",
                format_bytes(a, sizeof(a), m->host_mem_available), format_bytes(b, sizeof(b), m->host_mem_total),
                format_percent_of(p, sizeof(p), m->host_mem_available, m->host_mem_total));
        if (m->host_swap_total > 0)
                fprintf(f, "%*s: %s free of %s\n", LABEL_WIDTH, "Swap",
                        format_bytes(a, sizeof(a), m->host_swap_free), format_bytes(b, sizeof(b), m->host_swap_total));
        else
                fprintf(f, "%*s: none\n", LABEL_WIDTH, "Swap");
        fprintf(f, "%*s: some %.2f%%, full %.2f%% (avg10)\n", LABEL_WIDTH, "Pressure",
                m->host_pressure_some_avg10, m->host_pressure_full_avg10);
        fprintf(f, "%*s: %s\n", LABEL_WIDTH, "memmond RSS", format_bytes(a, sizeof(a), m->own_rss));
        fprintf(f, "%*s: %" PRIu64 "\n", LABEL_WIDTH, "Samples", m->n_samples);
        return done(f);
}

int render_units(FILE *f, const UnitList *l, const RenderOptions *o) {
        static const char *const headers[] = {
                "NAME", "CURRENT", "PEAK", "LIMIT", "%LIMIT", "PATTERN", "CONF", "GROWTH", "TTL", "ALERTS",
        };
        _cleanup_(table_freep) Table *t = NULL;
        uint64_t total = 0;
        int r;

        r = table_new(&t, ELEMENTSOF(headers), headers);
        if (r < 0)
                return r;
        for (size_t c = 1; c < ELEMENTSOF(headers); c++)
                if (c != 5)
                        table_set_align(t, c, TABLE_ALIGN_RIGHT);
        table_set_shrinkable(t, 0, UNIT_NAME_MIN_WIDTH);

        for (size_t i = 0; i < l->n && r >= 0; i++) {
                const UnitRow *u = &l->rows[i];
                char cur[FORMAT_BYTES_MAX], peak[FORMAT_BYTES_MAX], max[FORMAT_BYTES_MAX], pct[FORMAT_PERCENT_MAX],
                        conf[16], growth[FORMAT_GROWTH_MAX], ttl[FORMAT_DURATION_MAX], alerts[16];

                total = u64_add_sat(total, u->current);
                snprintf(conf, sizeof(conf), "%" PRIu32 "%%", u->confidence);
                snprintf(alerts, sizeof(alerts), "%" PRIu32, u->active_alerts);
                if (u->memory_max == CTL_NONE)
                        snprintf(max, sizeof(max), "-");
                else
                        format_bytes(max, sizeof(max), u->memory_max);

                r = table_add_cell(t, u->name, NULL);
                if (r >= 0)
                        r = table_add_cell(t, format_bytes(cur, sizeof(cur), u->current), NULL);
                if (r >= 0)
                        r = table_add_cell(t, format_bytes(peak, sizeof(peak), u->peak), NULL);
                if (r >= 0)
                        r = table_add_cell(t, max, NULL);
                if (r >= 0)
                        r = table_add_cell(t, format_percent_of(pct, sizeof(pct), u->current, u->memory_max),
                                           limit_color(u->current, u->memory_max));
                if (r >= 0)
                        r = table_add_cell(t, u->pattern, pattern_color(u->pattern));
                if (r >= 0)
                        r = table_add_cell(t, conf, NULL);
                if (r >= 0)
                        r = table_add_cell(t, format_growth(growth, sizeof(growth), u->growth), NULL);
                if (r >= 0)
                        r = table_add_cell(t, format_timespan(ttl, sizeof(ttl), u->time_to_limit), NULL);
                if (r >= 0)
                        r = table_add_cell(t, alerts, u->active_alerts > 0 ? ANSI_HIGHLIGHT_RED : NULL);
        }
        if (r < 0)
                return r;

        if (l->n > 0 || !o->legend) {
                r = table_print(t, f, &(TableOptions) {
                                .header = o->legend,
                                .colors = o->colors,
                                .width = o->shorten ? o->width : 0,
                        });
                if (r < 0)
                        return r;
        }
        if (o->legend) {
                char b[FORMAT_BYTES_MAX];

                if (l->n > 0)
                        fputc('\n', f);
                fprintf(f, "%zu unit%s listed, %s in total.\n", l->n, l->n == 1 ? "" : "s",
                        format_bytes(b, sizeof(b), total));
        }
        return done(f);
}

/* How `show` prints the known properties; unknown ones go by their type. */
typedef enum PropertyFormat {
        PROP_RAW,
        PROP_BYTES,
        PROP_PERCENT,           /* a double that is already a percentage (PSI) */
        PROP_CONFIDENCE,
        PROP_GROWTH,
        PROP_TIMESPAN,
        PROP_TIMESTAMP,
        PROP_OPTIONAL_STRING,   /* "" shown as "-" */
} PropertyFormat;

static PropertyFormat property_format(const Property *p) {
        static const struct {
                const char *name;
                PropertyFormat format;
        } table[] = {
                { "Current", PROP_BYTES },
                { "Peak", PROP_BYTES },
                { "Swap", PROP_BYTES },
                { "Anon", PROP_BYTES },
                { "File", PROP_BYTES },
                { "Kernel", PROP_BYTES },
                { "Shmem", PROP_BYTES },
                { "MemoryMax", PROP_BYTES },
                { "MemoryHigh", PROP_BYTES },
                { "MemoryLow", PROP_BYTES },
                { "RestartFreedBytes", PROP_BYTES },
                { "PressureSomeAvg10", PROP_PERCENT },
                { "PressureFullAvg10", PROP_PERCENT },
                { "Confidence", PROP_CONFIDENCE },
                { "GrowthBytesPerMinute", PROP_GROWTH },
                { "ForecastLimit", PROP_OPTIONAL_STRING },
        };
        size_t n = strlen(p->name);

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(p->name, table[i].name))
                        return table[i].format;
        /* The API's naming conventions cover properties added later. */
        if (p->type == 't' && n > 4 && streq(p->name + n - 4, "USec"))
                return PROP_TIMESPAN;
        if (p->type == 't' && n > 8 && streq(p->name + n - 8, "Realtime"))
                return PROP_TIMESTAMP;
        if (p->type == 't' && n > 5 && streq(p->name + n - 5, "Bytes"))
                return PROP_BYTES;
        return PROP_RAW;
}

char *render_property_value(char *buf, size_t len, const Property *p) {
        switch (p->type) {
        case 't':
        case 'u':
                switch (property_format(p)) {
                case PROP_BYTES:
                        return format_bytes(buf, len, p->value.u64);
                case PROP_TIMESPAN:
                        return format_timespan(buf, len, p->value.u64);
                case PROP_TIMESTAMP:
                        return format_timestamp(buf, len, p->value.u64, true);
                case PROP_CONFIDENCE:
                        snprintf(buf, len, "%" PRIu64 "%%", p->value.u64);
                        return buf;
                default:
                        snprintf(buf, len, "%" PRIu64, p->value.u64);
                        return buf;
                }
        case 'x':
        case 'i':
                snprintf(buf, len, "%" PRIi64, p->value.i64);
                return buf;
        case 'd':
                switch (property_format(p)) {
                case PROP_PERCENT:
                        snprintf(buf, len, "%.2f%%", p->value.d);
                        return buf;
                case PROP_GROWTH:
                        return format_growth(buf, len, p->value.d);
                default:
                        snprintf(buf, len, "%g", p->value.d);
                        return buf;
                }
        case 'b':
                snprintf(buf, len, "%s", p->value.b ? "yes" : "no");
                return buf;
        case 's':
                if (property_format(p) == PROP_OPTIONAL_STRING && isempty(p->value.s))
                        snprintf(buf, len, "-");
                else
                        snprintf(buf, len, "%s", strempty(p->value.s));
                return buf;
        }
        snprintf(buf, len, "[unsupported type '%c']", p->type);
        return buf;
}

int render_properties(FILE *f, const PropertyList *l, const RenderOptions *o) {
        size_t width = 0;

        for (size_t i = 0; i < l->n; i++)
                width = MAX(width, strlen(l->props[i].name));
        for (size_t i = 0; i < l->n; i++) {
                char v[256];

                fprintf(f, "%*s: %s\n", (int) width, l->props[i].name, render_property_value(v, sizeof(v), &l->props[i]));
        }
        return done(f);
}

int render_history(FILE *f, const char *unit, const History *h, const RenderOptions *o) {
        _cleanup_free_ uint64_t *values = NULL;
        _cleanup_free_ char *line = NULL;
        char a[FORMAT_TIMESTAMP_MAX], b[FORMAT_TIMESTAMP_MAX], d[FORMAT_DURATION_MAX];
        char lo[FORMAT_BYTES_MAX], hi[FORMAT_BYTES_MAX], last[FORMAT_BYTES_MAX];
        HistorySummary s;
        int r;

        if (h->n == 0) {
                if (o->legend)
                        fprintf(f, "No history for %s in that time range.\n", unit);
                return done(f);
        }

        values = calloc(h->n, sizeof(uint64_t));
        if (!values)
                return -ENOMEM;
        for (size_t i = 0; i < h->n; i++)
                values[i] = h->points[i].current;
        r = sparkline_render(values, h->n, MAX(o->width, 1U), &line);
        if (r < 0)
                return r;

        history_summarize(h, &s);
        if (o->legend)
                fprintf(f, "%s: %zu point%s from %s to %s (%s)\n", unit, h->n, h->n == 1 ? "" : "s",
                        format_timestamp(a, sizeof(a), s.first_time, true),
                        format_timestamp(b, sizeof(b), s.last_time, true),
                        format_timespan(d, sizeof(d), s.last_time - s.first_time));
        fprintf(f, "%s\n", line);
        if (o->legend)
                fprintf(f, "min %s, max %s, last %s\n", format_bytes(lo, sizeof(lo), s.min),
                        format_bytes(hi, sizeof(hi), s.max), format_bytes(last, sizeof(last), s.last));
        return done(f);
}

int render_alerts(FILE *f, const AlertList *l, bool all, const RenderOptions *o) {
        const char *headers[] = { "ID", "UNIT", "KIND", "SEVERITY", "RAISED", "CURRENT", "ACK", "CLEARED" };
        _cleanup_(table_freep) Table *t = NULL;
        size_t n_columns = all ? 8 : 7;
        int r;

        if (l->n == 0) {
                if (o->legend)
                        fprintf(f, "%s\n", all ? "No alerts in the log." : "No active alerts.");
                return done(f);
        }

        r = table_new(&t, n_columns, headers);
        if (r < 0)
                return r;
        table_set_align(t, 0, TABLE_ALIGN_RIGHT);
        table_set_align(t, 5, TABLE_ALIGN_RIGHT);
        table_set_shrinkable(t, 1, UNIT_NAME_MIN_WIDTH);

        for (size_t i = 0; i < l->n && r >= 0; i++) {
                const AlertRow *al = &l->rows[i];
                char id[24], raised[FORMAT_TIMESTAMP_MAX], cleared[FORMAT_TIMESTAMP_MAX], cur[FORMAT_BYTES_MAX];

                snprintf(id, sizeof(id), "%" PRIu64, al->id);
                r = table_add_cell(t, id, NULL);
                if (r >= 0)
                        r = table_add_cell(t, isempty(al->unit) ? "(host)" : al->unit, NULL);
                if (r >= 0)
                        r = table_add_cell(t, al->kind, NULL);
                if (r >= 0)
                        r = table_add_cell(t, al->severity, al->cleared == 0 ? severity_color(al->severity) : NULL);
                if (r >= 0)
                        r = table_add_cell(t, format_timestamp(raised, sizeof(raised), al->raised, false), NULL);
                if (r >= 0)
                        r = table_add_cell(t, format_bytes(cur, sizeof(cur), al->current), NULL);
                if (r >= 0)
                        r = table_add_cell(t, al->acknowledged ? "yes" : "no", NULL);
                if (r >= 0 && all)
                        r = table_add_cell(t, format_timestamp(cleared, sizeof(cleared), al->cleared, false), NULL);
        }
        if (r < 0)
                return r;

        r = table_print(t, f, &(TableOptions) {
                        .header = o->legend,
                        .colors = o->colors,
                        .width = o->shorten ? o->width : 0,
                });
        if (r < 0)
                return r;
        if (o->legend)
                fprintf(f, "\n%zu %salert%s listed.\n", l->n, all ? "" : "active ", l->n == 1 ? "" : "s");
        return done(f);
}

static const char *limit_description(const char *limit) {
        if (streq_ptr(limit, "max"))
                return "memory.max";
        if (streq_ptr(limit, "high"))
                return "memory.high";
        if (streq_ptr(limit, "host"))
                return "the host's available memory";
        return isempty(limit) ? "a limit" : limit;
}

int render_analysis(FILE *f, const char *unit, const AnalysisInfo *a, const RenderOptions *o) {
        char g[FORMAT_GROWTH_MAX], d[FORMAT_DURATION_MAX], w[FORMAT_DURATION_MAX];
        const char *pc = pattern_color(a->pattern);

        fprintf(f, "%s: %s%s%s, confidence %" PRIu32 "%%\n", unit, on(o, pc), strempty(a->pattern), off(o, pc),
                a->confidence);
        fprintf(f, "%*s: %s\n", LABEL_WIDTH, "Growth", format_growth(g, sizeof(g), a->growth));
        if (a->time_to_limit == CTL_NONE)
                fprintf(f, "%*s: none\n", LABEL_WIDTH, "Forecast");
        else
                fprintf(f, "%*s: reaches %s in %s\n", LABEL_WIDTH, "Forecast", limit_description(a->forecast_limit),
                        format_timespan(d, sizeof(d), a->time_to_limit));
        fprintf(f, "%*s: %s\n", LABEL_WIDTH, "Window", format_timespan(w, sizeof(w), a->window));
        return done(f);
}

int render_health(FILE *f, const char *status, char *const *problems, const RenderOptions *o) {
        const char *hc = health_color(status);

        fprintf(f, "%s%s%s\n", on(o, hc), strempty(status), off(o, hc));
        for (char *const *p = problems; p && *p; p++)
                fprintf(f, "  %s\n", *p);
        return done(f);
}
