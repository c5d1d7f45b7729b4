/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * json-c builders for --json. Each builder works on an owned local object
 * with a cleanup attribute and gives it away only when complete, so a failed
 * allocation midway leaks nothing. json_add() and json_append() take ownership of the
 * value in every case, which keeps the call sites to one line each.
 */

#include <errno.h>
#include <string.h>

#include "ctl-json.h"
#include "util.h"

JsonMode json_mode_from_string(const char *s) {
        if (streq_ptr(s, "short"))
                return JSON_SHORT;
        if (streq_ptr(s, "pretty"))
                return JSON_PRETTY;
        return _JSON_MODE_INVALID;
}

static json_object *new_string(const char *s) {
        return json_object_new_string(strempty(s));
}

static int add_strv(json_object *o, const char *key, char *const *l) {
        json_object *a = json_object_new_array();
        int r;

        r = json_add(o, key, a);
        for (char *const *p = l; r >= 0 && p && *p; p++)
                r = json_append(a, new_string(*p));
        return r;
}

int json_build_manager(const ManagerInfo *m, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = json_add(o, "Version", new_string(m->version));
        if (r >= 0)
                r = json_add(o, "SampleIntervalUSec", json_object_new_uint64(m->sample_interval));
        if (r >= 0)
                r = json_add(o, "NUnits", json_object_new_int64(m->n_units));
        if (r >= 0)
                r = json_add(o, "NActiveAlerts", json_object_new_int64(m->n_active_alerts));
        if (r >= 0)
                r = json_add(o, "HostMemTotal", json_object_new_uint64(m->host_mem_total));
        if (r >= 0)
                r = json_add(o, "HostMemAvailable", json_object_new_uint64(m->host_mem_available));
        if (r >= 0)
                r = json_add(o, "HostSwapTotal", json_object_new_uint64(m->host_swap_total));
        if (r >= 0)
                r = json_add(o, "HostSwapFree", json_object_new_uint64(m->host_swap_free));
        if (r >= 0)
                r = json_add(o, "HostPressureSomeAvg10", json_object_new_double(m->host_pressure_some_avg10));
        if (r >= 0)
                r = json_add(o, "HostPressureFullAvg10", json_object_new_double(m->host_pressure_full_avg10));
        if (r >= 0)
                r = json_add(o, "OwnRSS", json_object_new_uint64(m->own_rss));
        if (r >= 0)
                r = json_add(o, "NSamples", json_object_new_uint64(m->n_samples));
        if (r >= 0)
                r = json_add(o, "Health", new_string(m->health));
        if (r >= 0)
                r = add_strv(o, "HealthProblems", m->problems);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

static int build_unit_row(const UnitRow *u, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = json_add(o, "Name", new_string(u->name));
        if (r >= 0)
                r = json_add(o, "ObjectPath", new_string(u->path));
        if (r >= 0)
                r = json_add(o, "Current", json_object_new_uint64(u->current));
        if (r >= 0)
                r = json_add(o, "Peak", json_object_new_uint64(u->peak));
        if (r >= 0)
                r = json_add(o, "Anon", json_object_new_uint64(u->anon));
        if (r >= 0)
                r = json_add(o, "MemoryMax", json_object_new_uint64(u->memory_max));
        if (r >= 0)
                r = json_add(o, "Pattern", new_string(u->pattern));
        if (r >= 0)
                r = json_add(o, "Confidence", json_object_new_int64(u->confidence));
        if (r >= 0)
                r = json_add(o, "GrowthBytesPerMinute", json_object_new_double(u->growth));
        if (r >= 0)
                r = json_add(o, "TimeToLimitUSec", json_object_new_uint64(u->time_to_limit));
        if (r >= 0)
                r = json_add(o, "ActiveAlerts", json_object_new_int64(u->active_alerts));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int json_build_units(const UnitList *l, json_object **ret) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();
        int r;

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++) {
                json_object *o;

                r = build_unit_row(&l->rows[i], &o);
                if (r >= 0)
                        r = json_append(a, o);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(a);
        return 0;
}

static json_object *property_to_json(const Property *p) {
        switch (p->type) {
        case 't':
        case 'u':
                return json_object_new_uint64(p->value.u64);
        case 'x':
        case 'i':
                return json_object_new_int64(p->value.i64);
        case 'd':
                return json_object_new_double(p->value.d);
        case 'b':
                return json_object_new_boolean(p->value.b);
        case 's':
                return new_string(p->value.s);
        }
        return NULL; /* json null: a type this memmonctl does not know */
}

int json_build_properties(const PropertyList *l, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();

        if (!o)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++) {
                json_object *v = property_to_json(&l->props[i]);

                if (!v && l->props[i].type != 0 && strchr("tuxidbs", l->props[i].type))
                        return -ENOMEM;
                if (json_object_object_add(o, l->props[i].name, v) < 0) {
                        json_object_put(v);
                        return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(o);
        return 0;
}

static int build_points(const History *h, json_object **ret) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();
        int r;

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < h->n; i++) {
                _cleanup_(json_object_putp) json_object *p = json_object_new_object();

                if (!p)
                        return -ENOMEM;
                r = json_add(p, "TimeRealtime", json_object_new_uint64(h->points[i].time));
                if (r >= 0)
                        r = json_add(p, "Current", json_object_new_uint64(h->points[i].current));
                if (r >= 0)
                        r = json_add(p, "Anon", json_object_new_uint64(h->points[i].anon));
                if (r >= 0)
                        r = json_add(p, "File", json_object_new_uint64(h->points[i].file));
                if (r >= 0)
                        r = json_append(a, TAKE_PTR(p));
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(a);
        return 0;
}

int json_build_history(const char *unit, const History *h, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *points = NULL;
        HistorySummary s;
        int r;

        if (!o)
                return -ENOMEM;
        history_summarize(h, &s);

        r = json_add(o, "Unit", new_string(unit));
        if (r >= 0)
                r = json_add(o, "Min", json_object_new_uint64(s.min));
        if (r >= 0)
                r = json_add(o, "Max", json_object_new_uint64(s.max));
        if (r >= 0)
                r = json_add(o, "Last", json_object_new_uint64(s.last));
        if (r >= 0)
                r = json_add(o, "FirstRealtime", json_object_new_uint64(s.first_time));
        if (r >= 0)
                r = json_add(o, "LastRealtime", json_object_new_uint64(s.last_time));
        if (r >= 0)
                r = build_points(h, &points);
        if (r >= 0)
                r = json_add(o, "Points", points);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

static int build_alert_row(const AlertRow *al, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = json_add(o, "Id", json_object_new_uint64(al->id));
        if (r >= 0)
                r = json_add(o, "Unit", new_string(al->unit));
        if (r >= 0)
                r = json_add(o, "Kind", new_string(al->kind));
        if (r >= 0)
                r = json_add(o, "Severity", new_string(al->severity));
        if (r >= 0)
                r = json_add(o, "RaisedRealtime", json_object_new_uint64(al->raised));
        if (r >= 0)
                r = json_add(o, "ClearedRealtime", json_object_new_uint64(al->cleared));
        if (r >= 0)
                r = json_add(o, "Current", json_object_new_uint64(al->current));
        if (r >= 0)
                r = json_add(o, "Acknowledged", json_object_new_boolean(al->acknowledged));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int json_build_alerts(const AlertList *l, json_object **ret) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();
        int r;

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++) {
                json_object *o;

                r = build_alert_row(&l->rows[i], &o);
                if (r >= 0)
                        r = json_append(a, o);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(a);
        return 0;
}

int json_build_analysis(const char *unit, const AnalysisInfo *an, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = json_add(o, "Unit", new_string(unit));
        if (r >= 0)
                r = json_add(o, "Pattern", new_string(an->pattern));
        if (r >= 0)
                r = json_add(o, "Confidence", json_object_new_int64(an->confidence));
        if (r >= 0)
                r = json_add(o, "GrowthBytesPerMinute", json_object_new_double(an->growth));
        if (r >= 0)
                r = json_add(o, "TimeToLimitUSec", json_object_new_uint64(an->time_to_limit));
        if (r >= 0)
                r = json_add(o, "ForecastLimit", new_string(an->forecast_limit));
        if (r >= 0)
                r = json_add(o, "WindowUSec", json_object_new_uint64(an->window));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int json_build_health(const char *status, char *const *problems, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = json_add(o, "Health", new_string(status));
        if (r >= 0)
                r = add_strv(o, "HealthProblems", problems);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int json_build_ack(uint64_t id, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = json_add(o, "Id", json_object_new_uint64(id));
        if (r >= 0)
                r = json_add(o, "Acknowledged", json_object_new_boolean(true));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int json_print(FILE *f, json_object *o, JsonMode mode) {
        int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
        const char *s;

        flags |= mode == JSON_PRETTY ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
        s = json_object_to_json_string_ext(o, flags);
        if (!s)
                return -ENOMEM;
        fprintf(f, "%s\n", s);
        return ferror(f) ? -EIO : 0;
}
