/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Export(): everything memmond knows right now as one JSON document, for bug
 * reports and scripts. The keys are the bus property names (fields.h).
 */

typedef struct Manager Manager;

/* Returns a newly allocated, NUL-terminated JSON text. */
int manager_export_json(Manager *m, char **ret);
