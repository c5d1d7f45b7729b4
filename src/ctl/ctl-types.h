/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Plain data of memmond's replies, as docs/DBUS-API.md defines them. The bus
 * code (ctl-bus.c) fills these; the renderers (render.c, ctl-json.c,
 * prometheus.c) read them, so tests build them by hand without a bus.
 * UINT64_MAX keeps the API's meaning of "none" (no limit, no forecast).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time-util.h"
#include "util.h"

#define CTL_NONE UINT64_MAX

static inline bool isempty(const char *s) {
        return !s || !*s;
}

/* org.memmon.Monitor properties, plus Health()'s problem list. */
typedef struct ManagerInfo {
        char *version;
        usec_t sample_interval;
        uint32_t n_units;
        uint32_t n_active_alerts;
        uint64_t host_mem_total, host_mem_available;
        uint64_t host_swap_total, host_swap_free;
        double host_pressure_some_avg10, host_pressure_full_avg10;
        uint64_t own_rss;
        uint64_t n_samples;
        char *health;
        char **problems;                /* NULL-terminated, may be NULL */
} ManagerInfo;

void manager_info_done(ManagerInfo *m);

/* One row of ListUnits(). */
typedef struct UnitRow {
        char *name;
        char *path;
        uint64_t current, peak, anon;
        uint64_t memory_max;            /* CTL_NONE: no limit */
        char *pattern;
        uint32_t confidence;            /* 0..100 */
        double growth;                  /* bytes per minute */
        usec_t time_to_limit;           /* CTL_NONE: no forecast */
        uint32_t active_alerts;
} UnitRow;

typedef struct UnitList {
        UnitRow *rows;
        size_t n;
} UnitList;

void unit_list_done(UnitList *l);
/* Largest current first, then by name, as `list` shows them. */
void unit_list_sort(UnitList *l);

/* One point of GetHistory(). */
typedef struct HistoryPoint {
        usec_t time;                    /* CLOCK_REALTIME µs */
        uint64_t current, anon, file;
} HistoryPoint;

typedef struct History {
        HistoryPoint *points;           /* oldest first */
        size_t n;
} History;

void history_done(History *h);

/* One entry of ListAlerts(). */
typedef struct AlertRow {
        uint64_t id;
        char *unit;                     /* "" for host alerts */
        char *kind;
        char *severity;
        usec_t raised, cleared;         /* CLOCK_REALTIME µs, cleared 0 while active */
        uint64_t current;
        bool acknowledged;
} AlertRow;

typedef struct AlertList {
        AlertRow *rows;
        size_t n;
} AlertList;

void alert_list_done(AlertList *l);

/* Analyze()'s reply. */
typedef struct AnalysisInfo {
        char *pattern;
        uint32_t confidence;
        double growth;                  /* bytes per minute */
        usec_t time_to_limit;           /* CTL_NONE: no forecast */
        char *forecast_limit;           /* "max", "high", "host" or "" */
        usec_t window;
} AnalysisInfo;

void analysis_info_done(AnalysisInfo *a);

/*
 * One property of a unit object, kept generic so `show` prints properties a
 * newer memmond adds without a memmonctl update.
 */
typedef struct Property {
        char *name;
        char type;                      /* D-Bus signature character: 't', 'u', 'd', 's', 'b', 'i', 'x' */
        union {
                uint64_t u64;           /* 't', 'u' */
                int64_t i64;            /* 'x', 'i' */
                double d;
                bool b;
                char *s;
        } value;
} Property;

typedef struct PropertyList {
        Property *props;
        size_t n;
} PropertyList;

void property_list_done(PropertyList *l);
const Property *property_list_find(const PropertyList *l, const char *name);

/* min, max and last of current over a history; all 0 for an empty one. */
typedef struct HistorySummary {
        uint64_t min, max, last;
        usec_t first_time, last_time;
} HistorySummary;

void history_summarize(const History *h, HistorySummary *ret);

/* Oldest (lowest id) first. */
void alert_list_sort(AlertList *l);

/*
 * Fills m from the manager's properties. Missing or mistyped ones are left at
 * 0 so an older or newer memmond still gets a status. Returns 0 or -ENOMEM.
 */
int manager_info_from_properties(const PropertyList *l, ManagerInfo *m);
