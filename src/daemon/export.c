/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Shape: the manager properties at the top level plus "HealthProblems", then
 * "Units" (each unit's properties plus "ObjectPath", sorted by name) and
 * "Alerts" (every alert still in the log, oldest first, with the fields of
 * ListAlerts). Sizes and times are unsigned 64-bit integers; UINT64_MAX
 * means "none" as on the bus.
 */

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus-unit.h"
#include "export.h"
#include "json-util.h"
#include "fields.h"
#include "manager.h"

static json_object *value_to_json(const FieldValue *v) {
        switch (v->type) {
        case 't':
                return json_object_new_uint64(v->t);
        case 'u':
                return json_object_new_int64(v->u);
        case 'd':
                return json_object_new_double(v->d);
        case 's':
                return json_object_new_string(v->s);
        }
        return NULL;
}

static int export_unit(const Unit *u, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        _cleanup_free_ char *path = NULL;
        int r;

        if (!o)
                return -ENOMEM;
        r = bus_unit_path(u->name, &path);
        if (r < 0)
                return r;
        r = json_add(o, "ObjectPath", json_object_new_string(path));
        for (const UnitField *f = unit_fields; r >= 0 && f->name; f++) {
                FieldValue v;
                f->get(u, &v);
                r = json_add(o, f->name, value_to_json(&v));
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

static int export_alert(const AlertRecord *a, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        int r;

        if (!o)
                return -ENOMEM;
        r = json_add(o, "Id", json_object_new_uint64(a->id));
        if (r >= 0)
                r = json_add(o, "Unit", json_object_new_string(a->unit));
        if (r >= 0)
                r = json_add(o, "Kind", json_object_new_string(alert_kind_to_string(a->kind)));
        if (r >= 0)
                r = json_add(o, "Severity", json_object_new_string(severity_to_string(a->severity)));
        if (r >= 0)
                r = json_add(o, "RaisedRealtime", json_object_new_uint64(a->raised));
        if (r >= 0)
                r = json_add(o, "ClearedRealtime", json_object_new_uint64(a->cleared));
        if (r >= 0)
                r = json_add(o, "Current", json_object_new_uint64(a->current));
        if (r >= 0)
                r = json_add(o, "Acknowledged", json_object_new_boolean(a->acknowledged));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

static int by_name(const void *a, const void *b) {
        return strcmp((*(Unit *const *) a)->name, (*(Unit *const *) b)->name);
}

int manager_export_json(Manager *m, char **ret) {
        _cleanup_(json_object_putp) json_object *root = json_object_new_object();
        _cleanup_(strv_freep) char **problems = NULL;
        _cleanup_free_ Unit **units = NULL;
        json_object *a, *item;
        HealthStatus status;
        const char *text;
        char *s;
        int r;

        if (!root)
                return -ENOMEM;

        for (const ManagerField *f = manager_fields; f->name; f++) {
                FieldValue v;
                f->get(m, &v);
                r = json_add(root, f->name, value_to_json(&v));
                if (r < 0)
                        return r;
        }

        r = manager_health(m, &status, &problems);
        if (r < 0)
                return r;
        a = json_object_new_array();
        r = json_add(root, "HealthProblems", a);
        for (char **p = problems; r >= 0 && *p; p++)
                r = json_append(a, json_object_new_string(*p));
        if (r < 0)
                return r;

        units = calloc(MAX(m->n_units, (size_t) 1), sizeof *units);
        if (!units)
                return -ENOMEM;
        memcpy(units, m->units, m->n_units * sizeof *units);
        qsort(units, m->n_units, sizeof *units, by_name);
        a = json_object_new_array();
        r = json_add(root, "Units", a);
        for (size_t i = 0; r >= 0 && i < m->n_units; i++) {
                r = export_unit(units[i], &item);
                if (r >= 0)
                        r = json_append(a, item);
        }
        if (r < 0)
                return r;

        a = json_object_new_array();
        r = json_add(root, "Alerts", a);
        for (size_t i = m->alerts->n; r >= 0 && i > 0; i--) {
                r = export_alert(alert_log_get(m->alerts, i - 1), &item);
                if (r >= 0)
                        r = json_append(a, item);
        }
        if (r < 0)
                return r;

        text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
        if (!text)
                return -ENOMEM;
        s = strdup(text);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
