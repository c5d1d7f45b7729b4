/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Prometheus exposition. Every family is written in one block (HELP, TYPE,
 * then its samples), which the format requires. Byte counts are printed as
 * exact integers; values meaning "none" (no limit, no forecast) are left out
 * rather than exported as 2^64-1, so queries and alerts on them stay honest.
 */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prometheus.h"
#include "util.h"

int prometheus_escape_label(const char *s, char **ret) {
        _cleanup_free_ char *e = NULL;
        char *p;

        e = malloc(strlen(s) * 2 + 1);
        if (!e)
                return -ENOMEM;
        for (p = e; *s; s++)
                switch (*s) {
                case '\\':
                        *p++ = '\\';
                        *p++ = '\\';
                        break;
                case '"':
                        *p++ = '\\';
                        *p++ = '"';
                        break;
                case '\n':
                        *p++ = '\\';
                        *p++ = 'n';
                        break;
                default:
                        *p++ = *s;
                }
        *p = 0;
        *ret = TAKE_PTR(e);
        return 0;
}

char *prometheus_format_double(char *buf, size_t len, double d) {
        if (isnan(d))
                snprintf(buf, len, "NaN");
        else if (isinf(d))
                snprintf(buf, len, d > 0 ? "+Inf" : "-Inf");
        else {
                snprintf(buf, len, "%.15g", d);
                if (strtod(buf, NULL) != d)
                        snprintf(buf, len, "%.17g", d);
        }
        return buf;
}

typedef struct Value {
        bool present;
        bool is_double;
        uint64_t u;
        double d;
} Value;

#define U64(x) ((Value) { .present = true, .u = (x) })
#define DBL(x) ((Value) { .present = true, .is_double = true, .d = (x) })
#define NONE ((Value) {})

static Value unit_current(const UnitRow *u) { return U64(u->current); }
static Value unit_peak(const UnitRow *u) { return U64(u->peak); }
static Value unit_anon(const UnitRow *u) { return U64(u->anon); }
static Value unit_max(const UnitRow *u) { return u->memory_max == CTL_NONE ? NONE : U64(u->memory_max); }
static Value unit_growth(const UnitRow *u) { return DBL(u->growth); }
static Value unit_confidence(const UnitRow *u) { return U64(u->confidence); }
static Value unit_ttl(const UnitRow *u) {
        return u->time_to_limit == CTL_NONE ? NONE : DBL((double) u->time_to_limit / (double) USEC_PER_SEC);
}
static Value unit_alerts(const UnitRow *u) { return U64(u->active_alerts); }

static const struct {
        const char *name, *type, *help;
        Value (*get)(const UnitRow *u);
} unit_metrics[] = {
        { "memmon_unit_memory_current_bytes", "gauge", "memory.current of the unit's cgroup.", unit_current },
        { "memmon_unit_memory_peak_bytes", "gauge", "Highest memory.current seen for the unit.", unit_peak },
        { "memmon_unit_memory_anon_bytes", "gauge", "Anonymous memory of the unit (memory.stat anon).", unit_anon },
        { "memmon_unit_memory_max_bytes", "gauge", "memory.max of the unit; absent when unlimited.", unit_max },
        { "memmon_unit_growth_bytes_per_minute", "gauge", "Trend of the unit's non-reclaimable memory.", unit_growth },
        { "memmon_unit_leak_confidence", "gauge", "Confidence in the unit's growth pattern, 0 to 100.", unit_confidence },
        { "memmon_unit_time_to_limit_seconds", "gauge", "Forecast time until the unit reaches a limit; absent without a forecast.", unit_ttl },
        { "memmon_unit_active_alerts", "gauge", "Alerts raised for the unit and not cleared.", unit_alerts },
};

static void write_family(FILE *f, const char *name, const char *type, const char *help) {
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void write_value(FILE *f, Value v) {
        char b[PROMETHEUS_DOUBLE_MAX];

        if (v.is_double)
                fprintf(f, " %s\n", prometheus_format_double(b, sizeof(b), v.d));
        else
                fprintf(f, " %llu\n", (unsigned long long) v.u);
}

static void write_plain(FILE *f, const char *name, const char *type, const char *help, Value v) {
        write_family(f, name, type, help);
        fputs(name, f);
        write_value(f, v);
}

int prometheus_write(FILE *f, const ManagerInfo *m, const UnitList *units) {
        static const char *const health_states[] = { "ok", "degraded", "failing" };
        _cleanup_(strv_freep) char **labels = NULL;
        _cleanup_free_ char *version = NULL;
        int r;

        /* Escape every unit name once; the same label is used by each family. */
        labels = calloc(units->n + 1, sizeof(char *));
        if (!labels)
                return -ENOMEM;
        for (size_t i = 0; i < units->n; i++) {
                r = prometheus_escape_label(strempty(units->rows[i].name), &labels[i]);
                if (r < 0)
                        return r;
        }
        r = prometheus_escape_label(strempty(m->version), &version);
        if (r < 0)
                return r;

        write_family(f, "memmon_build_info", "gauge", "memmond's version, as a label.");
        fprintf(f, "memmon_build_info{version=\"%s\"} 1\n", version);

        write_family(f, "memmon_health", "gauge", "1 for memmond's current health status, 0 for the others.");
        for (size_t i = 0; i < ELEMENTSOF(health_states); i++)
                fprintf(f, "memmon_health{status=\"%s\"} %d\n", health_states[i],
                        streq_ptr(m->health, health_states[i]));

        write_plain(f, "memmon_units", "gauge", "Units watched by memmond.", U64(m->n_units));
        write_plain(f, "memmon_active_alerts", "gauge", "Alerts raised and not cleared, units and host.",
                    U64(m->n_active_alerts));
        write_plain(f, "memmon_samples_total", "counter", "Sample ticks since memmond started.", U64(m->n_samples));
        write_plain(f, "memmon_resident_memory_bytes", "gauge", "memmond's own resident memory.", U64(m->own_rss));
        write_plain(f, "memmon_host_memory_total_bytes", "gauge", "MemTotal from /proc/meminfo.",
                    U64(m->host_mem_total));
        write_plain(f, "memmon_host_memory_available_bytes", "gauge", "MemAvailable from /proc/meminfo.",
                    U64(m->host_mem_available));
        write_plain(f, "memmon_host_swap_total_bytes", "gauge", "SwapTotal from /proc/meminfo.",
                    U64(m->host_swap_total));
        write_plain(f, "memmon_host_swap_free_bytes", "gauge", "SwapFree from /proc/meminfo.",
                    U64(m->host_swap_free));
        write_plain(f, "memmon_host_pressure_some_avg10", "gauge",
                    "Share of time some tasks stalled on memory, 10 s average, percent.",
                    DBL(m->host_pressure_some_avg10));
        write_plain(f, "memmon_host_pressure_full_avg10", "gauge",
                    "Share of time all tasks stalled on memory, 10 s average, percent.",
                    DBL(m->host_pressure_full_avg10));

        for (size_t k = 0; k < ELEMENTSOF(unit_metrics); k++) {
                write_family(f, unit_metrics[k].name, unit_metrics[k].type, unit_metrics[k].help);
                for (size_t i = 0; i < units->n; i++) {
                        Value v = unit_metrics[k].get(&units->rows[i]);

                        if (!v.present)
                                continue;
                        fprintf(f, "%s{unit=\"%s\"}", unit_metrics[k].name, labels[i]);
                        write_value(f, v);
                }
        }

        write_family(f, "memmon_unit_pattern", "gauge", "The unit's growth pattern, as a label; always 1.");
        for (size_t i = 0; i < units->n; i++) {
                _cleanup_free_ char *pattern = NULL;

                r = prometheus_escape_label(strempty(units->rows[i].pattern), &pattern);
                if (r < 0)
                        return r;
                fprintf(f, "memmon_unit_pattern{unit=\"%s\",pattern=\"%s\"} 1\n", labels[i], pattern);
        }

        return ferror(f) ? -EIO : 0;
}
