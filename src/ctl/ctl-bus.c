/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Bus calls of memmonctl. Replies are decoded into owned structs right away,
 * so nothing outside this file touches an sd_bus_message. A reply with the
 * wrong signature is -EBADMSG (sd-bus's own error), never a crash: memmond may
 * be a different version than memmonctl.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-bus.h"
#include "ctl-error.h"

/* polkit may wait for a person to type a password. */
#define INTERACTIVE_TIMEOUT_USEC (5 * USEC_PER_MINUTE)

int ctl_bus_open(sd_bus **ret) {
        return sd_bus_open_system(ret);
}

static int callv(sd_bus *bus, const char *path, const char *interface, const char *method, sd_bus_error *error,
                 sd_bus_message **reply, const char *types, va_list ap) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, MEMMON_BUS_NAME, path, interface, method);
        if (r < 0)
                return r;
        if (types) {
                r = sd_bus_message_appendv(m, types, ap);
                if (r < 0)
                        return r;
        }
        return sd_bus_call(bus, m, 0, error, reply);
}

static int call(sd_bus *bus, const char *path, const char *interface, const char *method, sd_bus_error *error,
                sd_bus_message **reply, const char *types, ...) {
        va_list ap;
        int r;

        va_start(ap, types);
        r = callv(bus, path, interface, method, error, reply, types, ap);
        va_end(ap);
        return r;
}

/* A method of org.memmon.Monitor on the manager object. */
static int manager_call(sd_bus *bus, const char *method, sd_bus_error *error, sd_bus_message **reply,
                        const char *types, ...) {
        va_list ap;
        int r;

        va_start(ap, types);
        r = callv(bus, MEMMON_BUS_PATH, MEMMON_BUS_INTERFACE, method, error, reply, types, ap);
        va_end(ap);
        return r;
}

static int strdup_to(char **dst, const char *s) {
        *dst = strdup(strempty(s));
        return *dst ? 0 : -ENOMEM;
}

/* Grows an array by one element, zeroed. */
static void *grow(void *array, size_t *n, size_t *allocated, size_t size) {
        if (*n == *allocated) {
                size_t k = MAX(*allocated * 2, (size_t) 16);
                void *p = reallocarray(array, k, size);

                if (!p)
                        return NULL;
                array = p;
                *allocated = k;
        }
        memset((char *) array + *n * size, 0, size);
        return array;
}

static int read_property(sd_bus_message *m, Property *p) {
        const char *contents;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (type != SD_BUS_TYPE_VARIANT || !contents || strlen(contents) != 1 || !strchr("tuxidbs", contents[0]))
                return 0; /* not a basic type we show */

        r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, contents);
        if (r < 0)
                return r;
        p->type = contents[0];
        switch (p->type) {
        case 't':
                r = sd_bus_message_read_basic(m, 't', &p->value.u64);
                break;
        case 'u': {
                uint32_t u;
                r = sd_bus_message_read_basic(m, 'u', &u);
                p->value.u64 = u;
                break;
        }
        case 'x':
                r = sd_bus_message_read_basic(m, 'x', &p->value.i64);
                break;
        case 'i': {
                int32_t i;
                r = sd_bus_message_read_basic(m, 'i', &i);
                p->value.i64 = i;
                break;
        }
        case 'd':
                r = sd_bus_message_read_basic(m, 'd', &p->value.d);
                break;
        case 'b': {
                int b;
                r = sd_bus_message_read_basic(m, 'b', &b);
                p->value.b = b;
                break;
        }
        case 's': {
                const char *s;
                r = sd_bus_message_read_basic(m, 's', &s);
                if (r >= 0)
                        r = strdup_to(&p->value.s, s);
                break;
        }
        }
        if (r < 0) {
                p->type = 0;
                return r;
        }
        r = sd_bus_message_exit_container(m);
        return r < 0 ? r : 1;
}

int ctl_read_properties(sd_bus_message *m, PropertyList *ret) {
        _cleanup_(property_list_done) PropertyList l = {};
        size_t allocated = 0;
        int r;

        r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
                const char *name;
                Property *p;

                r = sd_bus_message_read_basic(m, 's', &name);
                if (r < 0)
                        return r;
                p = grow(l.props, &l.n, &allocated, sizeof(Property));
                if (!p)
                        return -ENOMEM;
                l.props = p;
                p = &l.props[l.n];
                p->name = strdup(name);
                if (!p->name)
                        return -ENOMEM;
                r = read_property(m, p);
                if (r < 0) {
                        free(p->name);
                        if (p->type == 's')
                                free(p->value.s);
                        return r;
                }
                if (r == 0) {
                        free(p->name);
                        r = sd_bus_message_skip(m, "v");
                        if (r < 0)
                                return r;
                } else
                        l.n++;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;

        *ret = l;
        l = (PropertyList) {};
        return 0;
}

static int get_all(sd_bus *bus, const char *path, const char *interface, PropertyList *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = call(bus, path, "org.freedesktop.DBus.Properties", "GetAll", error, &reply, "s", interface);
        if (r < 0)
                return r;
        return ctl_read_properties(reply, ret);
}

int ctl_get_manager(sd_bus *bus, ManagerInfo *ret, sd_bus_error *error) {
        _cleanup_(property_list_done) PropertyList l = {};
        int r;

        r = get_all(bus, MEMMON_BUS_PATH, MEMMON_BUS_INTERFACE, &l, error);
        if (r < 0)
                return r;
        return manager_info_from_properties(&l, ret);
}

int ctl_get_health(sd_bus *bus, char **ret_status, char ***ret_problems, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(strv_freep) char **problems = NULL;
        _cleanup_free_ char *status = NULL;
        const char *s;
        int r;

        r = manager_call(bus, "Health", error, &reply, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_read_basic(reply, 's', &s);
        if (r < 0)
                return r;
        r = strdup_to(&status, s);
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(reply, &problems);
        if (r < 0)
                return r;

        *ret_status = TAKE_PTR(status);
        if (ret_problems)
                *ret_problems = TAKE_PTR(problems);
        return 0;
}

int ctl_list_units(sd_bus *bus, UnitList *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(unit_list_done) UnitList l = {};
        size_t allocated = 0;
        int r;

        r = manager_call(bus, "ListUnits", error, &reply, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_ARRAY, "(sottttsudtu)");
        if (r < 0)
                return r;
        for (;;) {
                const char *name, *path, *pattern;
                UnitRow *rows, *u;

                rows = grow(l.rows, &l.n, &allocated, sizeof(UnitRow));
                if (!rows)
                        return -ENOMEM;
                l.rows = rows;
                u = &l.rows[l.n];
                r = sd_bus_message_read(reply, "(sottttsudtu)", &name, &path, &u->current, &u->peak, &u->anon,
                                        &u->memory_max, &pattern, &u->confidence, &u->growth, &u->time_to_limit,
                                        &u->active_alerts);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                /* Count the row first so unit_list_done() frees whatever was copied. */
                l.n++;
                r = strdup_to(&u->name, name);
                if (r >= 0)
                        r = strdup_to(&u->path, path);
                if (r >= 0)
                        r = strdup_to(&u->pattern, pattern);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_exit_container(reply);
        if (r < 0)
                return r;

        *ret = l;
        l = (UnitList) {};
        return 0;
}

int ctl_get_unit_properties(sd_bus *bus, const char *unit, PropertyList *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *path;
        int r;

        /* GetUnit first: it answers NoSuchUnit, where GetAll on a guessed path would say UnknownObject. */
        r = manager_call(bus, "GetUnit", error, &reply, "s", unit);
        if (r < 0)
                return r;
        r = sd_bus_message_read_basic(reply, 'o', &path);
        if (r < 0)
                return r;
        return get_all(bus, path, MEMMON_UNIT_INTERFACE, ret, error);
}

int ctl_get_history(sd_bus *bus, const char *unit, usec_t since, usec_t resolution, History *ret,
                    sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(history_done) History h = {};
        size_t allocated = 0;
        int r;

        r = manager_call(bus, "GetHistory", error, &reply, "stt", unit, (uint64_t) since, (uint64_t) resolution);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_ARRAY, "(tttt)");
        if (r < 0)
                return r;
        for (;;) {
                HistoryPoint *points, *p;

                points = grow(h.points, &h.n, &allocated, sizeof(HistoryPoint));
                if (!points)
                        return -ENOMEM;
                h.points = points;
                p = &h.points[h.n];
                r = sd_bus_message_read(reply, "(tttt)", &p->time, &p->current, &p->anon, &p->file);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                h.n++;
        }
        r = sd_bus_message_exit_container(reply);
        if (r < 0)
                return r;

        *ret = h;
        h = (History) {};
        return 0;
}

int ctl_list_alerts(sd_bus *bus, bool include_cleared, AlertList *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(alert_list_done) AlertList l = {};
        size_t allocated = 0;
        int r;

        r = manager_call(bus, "ListAlerts", error, &reply, "b", (int) include_cleared);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_ARRAY, "(tssstttb)");
        if (r < 0)
                return r;
        for (;;) {
                const char *unit, *kind, *severity;
                AlertRow *rows, *a;
                int ack;

                rows = grow(l.rows, &l.n, &allocated, sizeof(AlertRow));
                if (!rows)
                        return -ENOMEM;
                l.rows = rows;
                a = &l.rows[l.n];
                r = sd_bus_message_read(reply, "(tssstttb)", &a->id, &unit, &kind, &severity, &a->raised,
                                        &a->cleared, &a->current, &ack);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                a->acknowledged = ack;
                l.n++;
                r = strdup_to(&a->unit, unit);
                if (r >= 0)
                        r = strdup_to(&a->kind, kind);
                if (r >= 0)
                        r = strdup_to(&a->severity, severity);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_exit_container(reply);
        if (r < 0)
                return r;

        *ret = l;
        l = (AlertList) {};
        return 0;
}

int ctl_acknowledge_alert(sd_bus *bus, uint64_t id, bool interactive, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, MEMMON_BUS_NAME, MEMMON_BUS_PATH, MEMMON_BUS_INTERFACE,
                                           "AcknowledgeAlert");
        if (r < 0)
                return r;
        r = sd_bus_message_set_allow_interactive_authorization(m, interactive);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "t", id);
        if (r < 0)
                return r;
        return sd_bus_call(bus, m, interactive ? INTERACTIVE_TIMEOUT_USEC : 0, error, NULL);
}

int ctl_analyze(sd_bus *bus, const char *unit, AnalysisInfo *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(analysis_info_done) AnalysisInfo a = {};
        const char *pattern, *limit;
        char type;
        int r;

        r = manager_call(bus, "Analyze", error, &reply, "s", unit);
        if (r < 0)
                return r;
        /* The API documents one struct; accept the same fields unwrapped as well. */
        r = sd_bus_message_peek_type(reply, &type, NULL);
        if (r < 0)
                return r;
        if (type == SD_BUS_TYPE_STRUCT)
                r = sd_bus_message_read(reply, "(sudtst)", &pattern, &a.confidence, &a.growth, &a.time_to_limit,
                                        &limit, &a.window);
        else
                r = sd_bus_message_read(reply, "sudtst", &pattern, &a.confidence, &a.growth, &a.time_to_limit,
                                        &limit, &a.window);
        if (r < 0)
                return r;
        if (r == 0)
                return -EBADMSG;
        r = strdup_to(&a.pattern, pattern);
        if (r >= 0)
                r = strdup_to(&a.forecast_limit, limit);
        if (r < 0)
                return r;

        *ret = a;
        a = (AnalysisInfo) {};
        return 0;
}

int ctl_export(sd_bus *bus, char **ret_json, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *s;
        int r;

        r = manager_call(bus, "Export", error, &reply, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_read_basic(reply, 's', &s);
        if (r < 0)
                return r;
        return strdup_to(ret_json, s);
}
