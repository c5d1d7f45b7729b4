/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The named figures of the manager and of a unit, in one table each, so the
 * bus properties (bus-manager.c, bus-unit.c) and Export (export.c) cannot
 * drift apart: a property is added here once and shows up in both.
 */

#include <stdint.h>

#include "health.h"

typedef struct Manager Manager;
typedef struct Unit Unit;

typedef struct FieldValue {
        char type;                      /* D-Bus signature: 't', 'u', 'd' or 's' */
        union {
                uint64_t t;
                uint32_t u;
                double d;
                const char *s;          /* static or owned by the object */
        };
} FieldValue;

typedef struct ManagerField {
        const char *name;
        char type;
        void (*get)(Manager *m, FieldValue *ret);
} ManagerField;

typedef struct UnitField {
        const char *name;
        char type;
        void (*get)(const Unit *u, FieldValue *ret);
} UnitField;

extern const ManagerField manager_fields[];
extern const UnitField unit_fields[];

/* NULL if there is no such field. */
const ManagerField *manager_field_find(const char *name);
const UnitField *unit_field_find(const char *name);

/* The Health verdict for m now; ret_problems may be NULL. */
int manager_health(Manager *m, HealthStatus *ret, char ***ret_problems);
