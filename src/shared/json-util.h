/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * json-c helpers shared by memmond's Export() and memmonctl's --json. json_add()
 * and json_append() take ownership of the value in every case, also on
 * failure, so a builder is one line per field and leaks nothing midway.
 */

#include <json-c/json.h>

static inline void json_object_putp(json_object **j) {
        if (*j)
                json_object_put(*j);
}

/* -ENOMEM when value is NULL (a failed json_object_new_*()) or cannot be added. */
int json_add(json_object *o, const char *key, json_object *value);
int json_append(json_object *a, json_object *value);
