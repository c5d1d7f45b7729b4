/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * org.memmon.Unit: one object per watched unit under
 * /org/memmon/Monitor/unit/<sd_bus_path_encode(name)>, served by a fallback
 * vtable that looks the unit up at each call, so no per-unit registration
 * has to be kept in step with rescans.
 */

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "fields.h"

#define BUS_UNIT_PREFIX "/org/memmon/Monitor/unit"
#define BUS_UNIT_INTERFACE "org.memmon.Unit"
#define BUS_ERROR_NO_SUCH_UNIT "org.memmon.Monitor.Error.NoSuchUnit"

/* systemd's own limit on unit names. */
#define BUS_UNIT_NAME_MAX 255U

typedef struct Manager Manager;
typedef struct Unit Unit;

/* Would systemd accept this as a service or scope name? Checked before any lookup. */
bool bus_unit_name_is_valid(const char *name);

int bus_unit_path(const char *name, char **ret);

/* InvalidArgs for a malformed name, NoSuchUnit for one not watched; 0 and *ret otherwise. */
int bus_unit_lookup(Manager *m, const char *name, Unit **ret, sd_bus_error *error);

int bus_unit_register(sd_bus *bus, Manager *m);

/* Appends one field (fields.h) in its own D-Bus type; shared with bus-manager.c. */
int bus_append_field_value(sd_bus_message *reply, const FieldValue *v);

/* ObjectManager InterfacesAdded/InterfacesRemoved; removed must run while the unit is still findable. */
void bus_unit_emit_added(Unit *u);
void bus_unit_emit_removed(Unit *u);

/* PropertiesChanged for Pattern, Confidence and ActiveAlerts if they moved since the last call. */
void bus_unit_emit_changes(Unit *u);
