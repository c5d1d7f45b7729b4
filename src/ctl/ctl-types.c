/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Freeing, ordering and summaries of the reply structs; no I/O. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-types.h"

void manager_info_done(ManagerInfo *m) {
        free(m->version);
        free(m->health);
        strv_free(m->problems);
        *m = (ManagerInfo) {};
}

void unit_list_done(UnitList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->rows[i].name);
                free(l->rows[i].path);
                free(l->rows[i].pattern);
        }
        free(l->rows);
        *l = (UnitList) {};
}

static int unit_row_compare(const void *a, const void *b) {
        const UnitRow *x = a, *y = b;

        if (x->current != y->current)
                return x->current > y->current ? -1 : 1;
        return strcmp(strempty(x->name), strempty(y->name));
}

void unit_list_sort(UnitList *l) {
        if (l->n > 1)
                qsort(l->rows, l->n, sizeof(UnitRow), unit_row_compare);
}

void history_done(History *h) {
        free(h->points);
        *h = (History) {};
}

void alert_list_done(AlertList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->rows[i].unit);
                free(l->rows[i].kind);
                free(l->rows[i].severity);
        }
        free(l->rows);
        *l = (AlertList) {};
}

void analysis_info_done(AnalysisInfo *a) {
        free(a->pattern);
        free(a->forecast_limit);
        *a = (AnalysisInfo) {};
}

void property_list_done(PropertyList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->props[i].name);
                if (l->props[i].type == 's')
                        free(l->props[i].value.s);
        }
        free(l->props);
        *l = (PropertyList) {};
}

const Property *property_list_find(const PropertyList *l, const char *name) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->props[i].name, name))
                        return &l->props[i];
        return NULL;
}

void history_summarize(const History *h, HistorySummary *ret) {
        HistorySummary s = {};

        if (h->n > 0) {
                s.min = UINT64_MAX;
                for (size_t i = 0; i < h->n; i++) {
                        s.min = MIN(s.min, h->points[i].current);
                        s.max = MAX(s.max, h->points[i].current);
                }
                s.last = h->points[h->n - 1].current;
                s.first_time = h->points[0].time;
                s.last_time = h->points[h->n - 1].time;
        }
        *ret = s;
}

static int alert_row_compare(const void *a, const void *b) {
        const AlertRow *x = a, *y = b;

        return x->id < y->id ? -1 : x->id > y->id;
}

void alert_list_sort(AlertList *l) {
        if (l->n > 1)
                qsort(l->rows, l->n, sizeof(AlertRow), alert_row_compare);
}

static uint64_t prop_u64(const PropertyList *l, const char *name) {
        const Property *p = property_list_find(l, name);

        return p && (p->type == 't' || p->type == 'u') ? p->value.u64 : 0;
}

static double prop_double(const PropertyList *l, const char *name) {
        const Property *p = property_list_find(l, name);

        return p && p->type == 'd' ? p->value.d : 0.0;
}

static int prop_strdup(const PropertyList *l, const char *name, char **ret) {
        const Property *p = property_list_find(l, name);

        *ret = strdup(p && p->type == 's' ? strempty(p->value.s) : "");
        return *ret ? 0 : -ENOMEM;
}

int manager_info_from_properties(const PropertyList *l, ManagerInfo *m) {
        _cleanup_free_ char *version = NULL, *health = NULL;
        int r;

        r = prop_strdup(l, "Version", &version);
        if (r < 0)
                return r;
        r = prop_strdup(l, "Health", &health);
        if (r < 0)
                return r;

        manager_info_done(m);
        *m = (ManagerInfo) {
                .version = TAKE_PTR(version),
                .health = TAKE_PTR(health),
                .sample_interval = prop_u64(l, "SampleIntervalUSec"),
                .n_units = (uint32_t) prop_u64(l, "NUnits"),
                .n_active_alerts = (uint32_t) prop_u64(l, "NActiveAlerts"),
                .host_mem_total = prop_u64(l, "HostMemTotal"),
                .host_mem_available = prop_u64(l, "HostMemAvailable"),
                .host_swap_total = prop_u64(l, "HostSwapTotal"),
                .host_swap_free = prop_u64(l, "HostSwapFree"),
                .host_pressure_some_avg10 = prop_double(l, "HostPressureSomeAvg10"),
                .host_pressure_full_avg10 = prop_double(l, "HostPressureFullAvg10"),
                .own_rss = prop_u64(l, "OwnRSS"),
                .n_samples = prop_u64(l, "NSamples"),
        };
        return 0;
}
