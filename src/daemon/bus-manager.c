/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The bus is a window on the monitor, not part of it: connecting never blocks
 * the loop (the name is requested asynchronously, after the objects exist so
 * no caller finds the name without them), and a missing or lost bus is
 * logged once and retried with a growing delay while sampling goes on.
 *
 * Read-only methods answer at once from the manager's state. The two that
 * change something go through polkit.c and are answered from its callback.
 * Change signals are rate-bound by construction: the manager's properties
 * are compared once per sample tick, alert signals mirror the journal
 * entries the alert budget let through.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-manager.h"
#include "bus-unit.h"
#include "export.h"
#include "fields.h"
#include "log.h"
#include "manager.h"
#include "polkit.h"
#include "series.h"

struct BusManager {
        Manager *manager;
        sd_bus *bus;
        Polkit *polkit;
        bool connected;                 /* no Disconnected seen on bus */
        bool failing;                   /* a problem was logged; say when it works again */
        sd_event_source *retry;
        usec_t retry_delay;

        /* What PropertiesChanged last announced (or the values at connect). */
        uint32_t last_n_units;
        unsigned last_active_alerts;
        HealthStatus last_health;
};

sd_bus *bus_manager_get_bus(Manager *m) {
        return m->bus && m->bus->connected ? m->bus->bus : NULL;
}

/* Properties */

static int property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const ManagerField *f = manager_field_find(property);
        FieldValue v;

        if (!f)
                return -ENOENT;
        f->get(userdata, &v);
        return bus_append_field_value(reply, &v);
}

/* Methods */

static int by_name(const void *a, const void *b) {
        return strcmp((*(Unit *const *) a)->name, (*(Unit *const *) b)->name);
}

static int method_list_units(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ Unit **units = NULL;
        Manager *m = userdata;
        int r;

        units = calloc(MAX(m->n_units, (size_t) 1), sizeof *units);
        if (!units)
                return -ENOMEM;
        memcpy(units, m->units, m->n_units * sizeof *units);
        qsort(units, m->n_units, sizeof *units, by_name);

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sottttsudtu)");
        for (size_t i = 0; r >= 0 && i < m->n_units; i++) {
                const Unit *u = units[i];
                _cleanup_free_ char *path = NULL;

                r = bus_unit_path(u->name, &path);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "(sottttsudtu)", u->name, path, u->sample.current,
                                                  u->sample.has_peak ? u->sample.peak : (uint64_t) 0,
                                                  u->sample.stat.valid ? u->sample.stat.anon : (uint64_t) 0,
                                                  u->sample.limits.valid ? u->sample.limits.max : UINT64_MAX,
                                                  pattern_to_string(u->analysis.pattern),
                                                  (uint32_t) u->analysis.confidence,
                                                  u->analysis.growth_bytes_per_min,
                                                  (uint64_t) u->analysis.time_to_limit,
                                                  (uint32_t) unit_active_alerts(u));
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_get_unit(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        const char *name;
        Unit *u;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        r = bus_unit_lookup(userdata, name, &u, error);
        if (r < 0)
                return r;
        r = bus_unit_path(u->name, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", path);
}

static int method_get_history(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ HistoryPoint *p = NULL;
        uint64_t since, resolution;
        const char *name;
        size_t n;
        Unit *u;
        int r;

        r = sd_bus_message_read(msg, "stt", &name, &since, &resolution);
        if (r < 0)
                return r;
        r = bus_unit_lookup(userdata, name, &u, error);
        if (r < 0)
                return r;

        r = series_get(u->history, since, resolution, now_usec(CLOCK_MONOTONIC), now_usec(CLOCK_REALTIME), &p, &n);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "sinceRealtime must not be in the future and resolutionUSec "
                                         "not above %llu.", (unsigned long long) SERIES_MAX_RESOLUTION);
        if (r < 0)
                return r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(tttt)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "(tttt)", (uint64_t) p[i].t, p[i].current, p[i].anon, p[i].file);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_list_alerts(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int include_cleared, r;

        r = sd_bus_message_read(msg, "b", &include_cleared);
        if (r < 0)
                return r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(tssstttb)");
        /* Oldest first, like GetHistory. */
        for (size_t i = m->alerts->n; r >= 0 && i > 0; i--) {
                const AlertRecord *a = alert_log_get(m->alerts, i - 1);

                if (a->cleared != 0 && !include_cleared)
                        continue;
                r = sd_bus_message_append(reply, "(tssstttb)", a->id, a->unit, alert_kind_to_string(a->kind),
                                          severity_to_string(a->severity), (uint64_t) a->raised,
                                          (uint64_t) a->cleared, a->current, (int) a->acknowledged);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int acknowledge_authorized(sd_bus_message *call, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        AlertRecord *a;
        AlertSlot *slots = m->host_alerts.slot;
        uint64_t id;
        int r;

        r = sd_bus_message_rewind(call, true);
        if (r >= 0)
                r = sd_bus_message_read(call, "t", &id);
        if (r < 0)
                return r;

        /* Looked up again: the log may have moved on while polkit thought. */
        a = alert_log_find_mutable(m->alerts, id);
        if (!a)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_ALERT, "No alert %llu in the log.",
                                         (unsigned long long) id);
        a->acknowledged = true;

        if (a->unit[0] != '\0') {
                Unit *u = manager_get_unit(m, a->unit);
                slots = u ? u->alerts.slot : NULL;
        }
        if (slots && slots[a->kind].id == id)
                slots[a->kind].acknowledged = true;

        log_info("Alert %llu (%s%s%s) acknowledged by %s.", (unsigned long long) id,
                 alert_kind_to_string(a->kind), a->unit[0] ? " of " : "", a->unit,
                 strempty(sd_bus_message_get_sender(call)));
        return sd_bus_reply_method_return(call, NULL);
}

static int method_acknowledge_alert(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        uint64_t id;
        int r;

        r = sd_bus_message_read(msg, "t", &id);
        if (r < 0)
                return r;
        /* Unknown ids fail before polkit is bothered; the id is checked again once authorised. */
        if (!alert_log_find(m->alerts, id))
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_ALERT, "No alert %llu in the log.",
                                         (unsigned long long) id);
        return polkit_check_async(m->bus->polkit, msg, BUS_ACTION_MANAGE, acknowledge_authorized, m, error);
}

static int method_analyze(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *name;
        Unit *u;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        r = bus_unit_lookup(userdata, name, &u, error);
        if (r < 0)
                return r;

        /*
         * Anyone may call this: a verdict younger than a second is served as is, so a caller
         * in a loop costs replies, not analyser runs (which also drive the leak alert rule).
         */
        usec_t now = now_usec(CLOCK_MONOTONIC);
        if (!u->has_analysis || now - u->analysis_time >= USEC_PER_SEC)
                (void) unit_analyse(u, now);
        return sd_bus_reply_method_return(msg, "(sudtst)", pattern_to_string(u->analysis.pattern),
                                          (uint32_t) u->analysis.confidence, u->analysis.growth_bytes_per_min,
                                          (uint64_t) u->analysis.time_to_limit, strempty(u->analysis.limit_name),
                                          (uint64_t) u->analysis.window);
}

static int method_export(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *json = NULL;
        int r;

        r = manager_export_json(userdata, &json);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "s", json);
}

static int reload_authorized(sd_bus_message *call, void *userdata, sd_bus_error *error) {
        int r;

        log_info("Reload requested by %s.", strempty(sd_bus_message_get_sender(call)));
        r = manager_reload(userdata);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED,
                                        "The configuration is invalid; the previous one stays in effect "
                                        "(details in memmond's log).");
        return sd_bus_reply_method_return(call, NULL);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        return polkit_check_async(m->bus->polkit, msg, BUS_ACTION_MANAGE, reload_authorized, m, error);
}

static int method_health(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(strv_freep) char **problems = NULL;
        HealthStatus s;
        int r;

        r = manager_health(userdata, &s, &problems);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", health_status_to_string(s));
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, problems);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

#define P(name, type) SD_BUS_PROPERTY(name, type, property_get, 0, 0)
#define P_CHANGES(name, type) SD_BUS_PROPERTY(name, type, property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)
/* Everyone may call every method; polkit guards the ones that change something. */
#define M(member, sig, in, result, out, handler) \
        SD_BUS_METHOD_WITH_NAMES(member, sig, in, result, out, handler, SD_BUS_VTABLE_UNPRIVILEGED)

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        P("SampleIntervalUSec", "t"),
        P_CHANGES("NUnits", "u"),
        P_CHANGES("NActiveAlerts", "u"),
        P("HostMemTotal", "t"),
        P("HostMemAvailable", "t"),
        P("HostSwapTotal", "t"),
        P("HostSwapFree", "t"),
        P("HostPressureSomeAvg10", "d"),
        P("HostPressureFullAvg10", "d"),
        P("OwnRSS", "t"),
        P("NSamples", "t"),
        P_CHANGES("Health", "s"),

        M("ListUnits", "", "", "a(sottttsudtu)", SD_BUS_PARAM(units), method_list_units),
        M("GetUnit", "s", SD_BUS_PARAM(name), "o", SD_BUS_PARAM(path), method_get_unit),
        M("GetHistory", "stt", SD_BUS_PARAM(unit) SD_BUS_PARAM(sinceRealtime) SD_BUS_PARAM(resolutionUSec),
          "a(tttt)", SD_BUS_PARAM(points), method_get_history),
        M("ListAlerts", "b", SD_BUS_PARAM(includeCleared), "a(tssstttb)", SD_BUS_PARAM(alerts), method_list_alerts),
        M("AcknowledgeAlert", "t", SD_BUS_PARAM(id), "", "", method_acknowledge_alert),
        M("Analyze", "s", SD_BUS_PARAM(unit), "(sudtst)", SD_BUS_PARAM(analysis), method_analyze),
        M("Export", "", "", "s", SD_BUS_PARAM(json), method_export),
        M("Reload", "", "", "", "", method_reload),
        M("Health", "", "", "sas", SD_BUS_PARAM(status) SD_BUS_PARAM(problems), method_health),

        SD_BUS_SIGNAL_WITH_NAMES("AlertRaised", "tsss",
                                 SD_BUS_PARAM(id) SD_BUS_PARAM(unit) SD_BUS_PARAM(kind) SD_BUS_PARAM(severity), 0),
        SD_BUS_SIGNAL_WITH_NAMES("AlertCleared", "tss", SD_BUS_PARAM(id) SD_BUS_PARAM(unit) SD_BUS_PARAM(kind), 0),
        SD_BUS_SIGNAL_WITH_NAMES("PatternChanged", "sssu",
                                 SD_BUS_PARAM(unit) SD_BUS_PARAM(oldPattern) SD_BUS_PARAM(newPattern)
                                 SD_BUS_PARAM(confidence), 0),
        SD_BUS_VTABLE_END
};

/* Signals */

void bus_manager_emit_alert(Manager *m, const AlertChange *ch, uint64_t id) {
        sd_bus *bus = bus_manager_get_bus(m);
        const char *unit = strempty(ch->alert.unit), *kind = alert_kind_to_string(ch->alert.kind);
        int r;

        if (!bus)
                return;
        if (ch->cleared)
                r = sd_bus_emit_signal(bus, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "AlertCleared", "tss",
                                       id, unit, kind);
        else
                r = sd_bus_emit_signal(bus, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "AlertRaised", "tsss",
                                       id, unit, kind, severity_to_string(ch->alert.severity));
        if (r < 0)
                log_debug_errno(r, "Cannot send the signal for alert %llu: %m", (unsigned long long) id);
}

void bus_manager_emit_pattern_changed(Unit *u, Pattern old_pattern, const Analysis *a) {
        sd_bus *bus = bus_manager_get_bus(u->manager);
        int r;

        if (!bus)
                return;
        r = sd_bus_emit_signal(bus, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "PatternChanged", "sssu", u->name,
                               pattern_to_string(old_pattern), pattern_to_string(a->pattern),
                               (uint32_t) a->confidence);
        if (r < 0)
                log_debug_errno(r, "Cannot send PatternChanged for %s: %m", u->name);
}

static HealthStatus current_health(Manager *m) {
        HealthStatus s = HEALTH_FAILING;

        (void) manager_health(m, &s, NULL);
        return s;
}

void bus_manager_tick(Manager *m) {
        BusManager *b = m->bus;
        const char *changed[4];
        size_t n = 0;
        uint32_t n_units;
        unsigned active;
        HealthStatus health;
        int r;

        if (!b || !b->connected)
                return;

        for (size_t i = 0; i < m->n_units; i++)
                bus_unit_emit_changes(m->units[i]);

        n_units = (uint32_t) m->n_units;
        active = manager_active_alerts(m);
        health = current_health(m);
        if (n_units != b->last_n_units)
                changed[n++] = "NUnits";
        if (active != b->last_active_alerts)
                changed[n++] = "NActiveAlerts";
        if (health != b->last_health)
                changed[n++] = "Health";
        if (n == 0)
                return;
        changed[n] = NULL;
        b->last_n_units = n_units;
        b->last_active_alerts = active;
        b->last_health = health;

        r = sd_bus_emit_properties_changed_strv(b->bus, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, (char **) changed);
        if (r < 0)
                log_debug_errno(r, "Cannot send PropertiesChanged: %m");
}

/* Connection */

static void schedule_retry(BusManager *b);

static int on_disconnected(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        BusManager *b = userdata;

        if (!b->failing)
                log_warning("Lost the connection to the system bus; monitoring goes on, "
                            "reconnecting in the background.");
        b->failing = true;
        b->connected = false;
        /* Not torn down here: we are inside this connection's dispatch. */
        schedule_retry(b);
        return 0;
}

static int on_name_lost(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        BusManager *b = userdata;
        const char *name;

        if (sd_bus_message_read(msg, "s", &name) < 0 || !streq(name, BUS_MANAGER_NAME))
                return 0;
        log_warning("Lost the bus name %s; reconnecting to take it back.", BUS_MANAGER_NAME);
        b->failing = true;
        schedule_retry(b);
        return 0;
}

static int on_name_request(sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        BusManager *b = userdata;
        const sd_bus_error *e;
        uint32_t ret;

        if (sd_bus_message_is_method_error(reply, NULL)) {
                /* Once per episode: a connection that keeps dropping fails here at every retry. */
                e = sd_bus_message_get_error(reply);
                log_full_errno(b->failing ? LOG_DEBUG : LOG_WARNING, 0,
                               "Cannot own the bus name %s (%s); the D-Bus API is not available, retrying.",
                               BUS_MANAGER_NAME, e && e->message ? e->message : "unknown error");
                b->failing = true;
                /* Another instance may go away, or the policy be fixed: try again, backing off. */
                b->retry_delay = MIN(b->retry_delay * 2, BUS_RETRY_MAX);
                schedule_retry(b);
                return 0;
        }
        if (sd_bus_message_read(reply, "u", &ret) < 0)
                ret = 0;
        if (ret == 3 /* DBUS_REQUEST_NAME_REPLY_EXISTS */) {
                log_full_errno(b->failing ? LOG_DEBUG : LOG_WARNING, 0,
                               "Cannot own the bus name %s: another process owns it; retrying.", BUS_MANAGER_NAME);
                b->failing = true;
                b->retry_delay = MIN(b->retry_delay * 2, BUS_RETRY_MAX);
                schedule_retry(b);
                return 0;
        }
        if (ret == 2 /* DBUS_REQUEST_NAME_REPLY_IN_QUEUE */)
                log_notice("Another process owns %s; queued to take it over.", BUS_MANAGER_NAME);
        else
                log_debug("Acquired the bus name %s.", BUS_MANAGER_NAME);

        if (b->failing)
                log_info("Connected to the system bus; the D-Bus API is available.");
        b->failing = false;
        b->retry_delay = BUS_RETRY_MIN;
        return 0;
}

static void bus_disconnect(BusManager *b) {
        b->polkit = polkit_free(b->polkit);
        b->bus = sd_bus_flush_close_unref(b->bus);
        b->connected = false;
}

static int bus_connect(BusManager *b) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(polkit_freep) Polkit *polkit = NULL;
        Manager *m = b->manager;
        int r;

        /* Honours DBUS_SYSTEM_BUS_ADDRESS, which the tests use. */
        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return r;

        r = sd_bus_add_object_vtable(bus, NULL, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, manager_vtable, m);
        if (r < 0)
                return r;
        r = bus_unit_register(bus, m);
        if (r < 0)
                return r;
        r = sd_bus_add_object_manager(bus, NULL, BUS_MANAGER_PATH);
        if (r < 0)
                return r;
        /* A local match: no AddMatch round trip. */
        r = sd_bus_match_signal(bus, NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                                "org.freedesktop.DBus.Local", "Disconnected", on_disconnected, b);
        if (r < 0)
                return r;
        /* Sent to us directly, so no AddMatch round trip is needed before it can arrive. */
        r = sd_bus_match_signal_async(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus", "NameLost", on_name_lost, NULL, b);
        if (r < 0)
                return r;
        r = polkit_new(bus, &polkit);
        if (r < 0)
                return r;

        r = sd_bus_request_name_async(bus, NULL, BUS_MANAGER_NAME, 0, on_name_request, b);
        if (r < 0)
                return r;

        b->polkit = TAKE_PTR(polkit);
        b->bus = TAKE_PTR(bus);
        b->connected = true;
        b->last_n_units = (uint32_t) m->n_units;
        b->last_active_alerts = manager_active_alerts(m);
        b->last_health = current_health(m);
        return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        BusManager *b = userdata;
        int r;

        bus_disconnect(b);
        r = bus_connect(b);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                log_debug_errno(r, "Still cannot connect to the system bus: %m");
                b->retry_delay = MIN(b->retry_delay * 2, BUS_RETRY_MAX);
                schedule_retry(b);
        }
        return 0;
}

static void schedule_retry(BusManager *b) {
        int r;

        if (!b->retry) {
                r = sd_event_add_time_relative(b->manager->event, &b->retry, CLOCK_MONOTONIC, b->retry_delay,
                                               USEC_PER_SEC / 10, on_retry, b);
                if (r < 0) {
                        log_warning_errno(r, "Cannot schedule reconnecting to the system bus: %m");
                        return;
                }
        } else
                (void) sd_event_source_set_time_relative(b->retry, b->retry_delay);
        (void) sd_event_source_set_enabled(b->retry, SD_EVENT_ONESHOT);
}

int bus_manager_start(Manager *m) {
        BusManager *b;
        int r;

        if (m->options.no_bus || m->bus)
                return 0;

        b = calloc(1, sizeof *b);
        if (!b)
                return log_oom();
        b->manager = m;
        b->retry_delay = BUS_RETRY_MIN;
        m->bus = b;

        r = bus_connect(b);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                log_warning_errno(r, "Cannot connect to the system bus (%m); monitoring goes on without the "
                                  "D-Bus API, retrying in the background.");
                b->failing = true;
                schedule_retry(b);
        }
        return 0;
}

BusManager *bus_manager_free(BusManager *b) {
        if (!b)
                return NULL;
        bus_disconnect(b);
        sd_event_source_disable_unref(b->retry);
        free(b);
        return NULL;
}
