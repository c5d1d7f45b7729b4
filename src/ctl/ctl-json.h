/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * --json output. Keys are the D-Bus names of docs/DBUS-API.md (and of the
 * Export() document), values keep the API's units: bytes, µs, CLOCK_REALTIME
 * µs, UINT64_MAX for "none". So a script reads the API doc, not ours.
 */

#include <json-c/json.h>
#include <stdio.h>

#include "ctl-types.h"
#include "json-util.h"

typedef enum JsonMode {
        JSON_OFF,
        JSON_SHORT,             /* one line */
        JSON_PRETTY,
        _JSON_MODE_MAX,
        _JSON_MODE_INVALID = -1,
} JsonMode;

JsonMode json_mode_from_string(const char *s);  /* "short", "pretty" */

/* Each returns 0 or -ENOMEM and a new object in *ret. */
int json_build_manager(const ManagerInfo *m, json_object **ret);
int json_build_units(const UnitList *l, json_object **ret);
int json_build_properties(const PropertyList *l, json_object **ret);
int json_build_history(const char *unit, const History *h, json_object **ret);
int json_build_alerts(const AlertList *l, json_object **ret);
int json_build_analysis(const char *unit, const AnalysisInfo *a, json_object **ret);
int json_build_health(const char *status, char *const *problems, json_object **ret);
int json_build_ack(uint64_t id, json_object **ret);

/* Writes o and a newline. Returns 0 or -EIO. */
int json_print(FILE *f, json_object *o, JsonMode mode);
