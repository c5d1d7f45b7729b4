/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memmond's API as C calls: each sends one method call (or two) and decodes
 * the reply into the structs of ctl-types.h. On failure they return a
 * negative errno and, when memmond or the bus answered with an error, set
 * error; ctl-error.c turns both into words and an exit status.
 */

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "ctl-types.h"

/* The system bus; DBUS_SYSTEM_BUS_ADDRESS is honoured (tests use it). */
int ctl_bus_open(sd_bus **ret);

int ctl_get_manager(sd_bus *bus, ManagerInfo *ret, sd_bus_error *error);
int ctl_get_health(sd_bus *bus, char **ret_status, char ***ret_problems, sd_bus_error *error);
int ctl_list_units(sd_bus *bus, UnitList *ret, sd_bus_error *error);
int ctl_get_unit_properties(sd_bus *bus, const char *unit, PropertyList *ret, sd_bus_error *error);
int ctl_get_history(sd_bus *bus, const char *unit, usec_t since, usec_t resolution, History *ret,
                    sd_bus_error *error);
int ctl_list_alerts(sd_bus *bus, bool include_cleared, AlertList *ret, sd_bus_error *error);
/* interactive: let polkit ask for a password (allow-interactive-authorization). */
int ctl_acknowledge_alert(sd_bus *bus, uint64_t id, bool interactive, sd_bus_error *error);
int ctl_analyze(sd_bus *bus, const char *unit, AnalysisInfo *ret, sd_bus_error *error);
int ctl_export(sd_bus *bus, char **ret_json, sd_bus_error *error);

/* Reads an a{sv} of properties; types other than t/u/x/i/d/b/s are skipped. */
int ctl_read_properties(sd_bus_message *m, PropertyList *ret);
