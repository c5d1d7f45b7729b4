/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit names come from untrusted callers: they are checked against systemd's
 * rules before they reach a lookup or a log line. The vtable is the same
 * table of fields Export uses (fields.c); only Pattern, Confidence and
 * ActiveAlerts announce changes, the figures change every tick and are
 * EmitsChangedSignal=false.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-manager.h"
#include "bus-unit.h"
#include "cgroup.h"
#include "fields.h"
#include "log.h"
#include "manager.h"
#include "unit.h"

bool bus_unit_name_is_valid(const char *name) {
        /* The same rule as discovery, so every watched unit can be named on the bus. */
        return cgroup_name_is_unit(name);
}

int bus_unit_path(const char *name, char **ret) {
        return sd_bus_path_encode(BUS_UNIT_PREFIX, name, ret);
}

int bus_unit_lookup(Manager *m, const char *name, Unit **ret, sd_bus_error *error) {
        Unit *u;

        if (!bus_unit_name_is_valid(name))
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "Not a valid service or scope unit name.");
        u = manager_get_unit(m, name);
        if (!u)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s is not watched.", name);
        *ret = u;
        return 0;
}

int bus_append_field_value(sd_bus_message *reply, const FieldValue *v) {
        switch (v->type) {
        case 't':
                return sd_bus_message_append_basic(reply, 't', &v->t);
        case 'u':
                return sd_bus_message_append_basic(reply, 'u', &v->u);
        case 'd':
                return sd_bus_message_append_basic(reply, 'd', &v->d);
        case 's':
                return sd_bus_message_append_basic(reply, 's', v->s);
        }
        return -EINVAL;
}

static int property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const UnitField *f = unit_field_find(property);
        FieldValue v;

        if (!f)
                return -ENOENT;
        f->get(userdata, &v);
        return bus_append_field_value(reply, &v);
}

#define P(name, type) SD_BUS_PROPERTY(name, type, property_get, 0, 0)
#define P_CHANGES(name, type) SD_BUS_PROPERTY(name, type, property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)

static const sd_bus_vtable unit_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        P("Current", "t"),
        P("Peak", "t"),
        P("Swap", "t"),
        P("Anon", "t"),
        P("File", "t"),
        P("Kernel", "t"),
        P("Shmem", "t"),
        P("MemoryMax", "t"),
        P("MemoryHigh", "t"),
        P("MemoryLow", "t"),
        P("EventsHigh", "t"),
        P("EventsMax", "t"),
        P("EventsOom", "t"),
        P("EventsOomKill", "t"),
        P("PressureSomeAvg10", "d"),
        P("PressureFullAvg10", "d"),
        P_CHANGES("Pattern", "s"),
        P_CHANGES("Confidence", "u"),
        P("GrowthBytesPerMinute", "d"),
        P("TimeToLimitUSec", "t"),
        P("ForecastLimit", "s"),
        P_CHANGES("ActiveAlerts", "u"),
        P("CgroupRestarts", "u"),
        P("RestartFreedBytes", "t"),
        SD_BUS_VTABLE_END
};

static int find_unit(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                     sd_bus_error *error) {
        _cleanup_free_ char *name = NULL;
        Unit *u;
        int r;

        r = sd_bus_path_decode(path, BUS_UNIT_PREFIX, &name);
        if (r <= 0)
                return r == -ENOMEM ? r : 0;
        u = manager_get_unit(userdata, name);
        if (!u)
                return 0;
        *found = u;
        return 1;
}

static int enumerate_units(sd_bus *bus, const char *prefix, void *userdata, char ***ret_nodes,
                           sd_bus_error *error) {
        _cleanup_(strv_freep) char **l = NULL;
        Manager *m = userdata;
        int r;

        l = calloc(m->n_units + 1, sizeof *l);
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_units; i++) {
                r = bus_unit_path(m->units[i]->name, &l[i]);
                if (r < 0)
                        return r;
        }
        *ret_nodes = TAKE_PTR(l);
        return 0;
}

int bus_unit_register(sd_bus *bus, Manager *m) {
        int r;

        r = sd_bus_add_fallback_vtable(bus, NULL, BUS_UNIT_PREFIX, BUS_UNIT_INTERFACE, unit_vtable, find_unit, m);
        if (r < 0)
                return r;
        return sd_bus_add_node_enumerator(bus, NULL, BUS_UNIT_PREFIX, enumerate_units, m);
}

void bus_unit_emit_added(Unit *u) {
        sd_bus *bus = bus_manager_get_bus(u->manager);
        _cleanup_free_ char *path = NULL;
        int r;

        if (!bus || bus_unit_path(u->name, &path) < 0)
                return;
        r = sd_bus_emit_object_added(bus, path);
        if (r < 0)
                log_debug_errno(r, "Cannot announce %s on the bus: %m", u->name);
}

void bus_unit_emit_removed(Unit *u) {
        sd_bus *bus = bus_manager_get_bus(u->manager);
        _cleanup_free_ char *path = NULL;
        int r;

        if (!bus || bus_unit_path(u->name, &path) < 0)
                return;
        r = sd_bus_emit_object_removed(bus, path);
        if (r < 0)
                log_debug_errno(r, "Cannot announce the removal of %s on the bus: %m", u->name);
}

void bus_unit_emit_changes(Unit *u) {
        sd_bus *bus = bus_manager_get_bus(u->manager);
        _cleanup_free_ char *path = NULL;
        const char *changed[4];
        unsigned active = unit_active_alerts(u);
        size_t n = 0;
        int r;

        if (u->bus_emitted.pattern != u->analysis.pattern)
                changed[n++] = "Pattern";
        if (u->bus_emitted.confidence != u->analysis.confidence)
                changed[n++] = "Confidence";
        if (u->bus_emitted.active_alerts != active)
                changed[n++] = "ActiveAlerts";
        if (n == 0)
                return;
        changed[n] = NULL;

        u->bus_emitted.pattern = u->analysis.pattern;
        u->bus_emitted.confidence = u->analysis.confidence;
        u->bus_emitted.active_alerts = active;

        if (!bus || bus_unit_path(u->name, &path) < 0)
                return;
        r = sd_bus_emit_properties_changed_strv(bus, path, BUS_UNIT_INTERFACE, (char **) changed);
        if (r < 0)
                log_debug_errno(r, "Cannot send PropertiesChanged for %s: %m", u->name);
}
