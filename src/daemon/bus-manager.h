/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memmond on the system bus: the connection, the name org.memmon.Monitor and
 * the object /org/memmon/Monitor (docs/DBUS-API.md). The bus is optional:
 * monitoring never waits for it or stops because of it.
 */

#include <systemd/sd-bus.h>

#include "analyser.h"
#include "evaluate.h"

#define BUS_MANAGER_NAME "org.memmon.Monitor"
#define BUS_MANAGER_PATH "/org/memmon/Monitor"
#define BUS_MANAGER_INTERFACE "org.memmon.Monitor"
#define BUS_ERROR_NO_SUCH_ALERT "org.memmon.Monitor.Error.NoSuchAlert"

/* polkit actions, see polkit/org.memmon.Monitor.policy */
#define BUS_ACTION_MANAGE "org.memmon.monitor.manage"

/* Reconnection after a lost or missing bus backs off up to this. */
#define BUS_RETRY_MIN (1 * USEC_PER_SEC)
#define BUS_RETRY_MAX (60 * USEC_PER_SEC)

typedef struct Manager Manager;
typedef struct Unit Unit;
typedef struct BusManager BusManager;

/*
 * Connects, registers the objects, then asks for the name (asynchronously).
 * A bus that cannot be reached is logged once and retried in the background;
 * only -ENOMEM is returned.
 */
int bus_manager_start(Manager *m);
BusManager *bus_manager_free(BusManager *b);

/* The connection if it is usable, else NULL (then there is nobody to tell). */
sd_bus *bus_manager_get_bus(Manager *m);

/* Hooks: an alert change that was delivered, a unit's verdict changing, the end of a sample tick. */
void bus_manager_emit_alert(Manager *m, const AlertChange *ch, uint64_t id);
void bus_manager_emit_pattern_changed(Unit *u, Pattern old_pattern, const Analysis *a);
void bus_manager_tick(Manager *m);
