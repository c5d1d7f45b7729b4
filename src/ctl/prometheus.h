/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Prometheus text exposition (format 0.0.4) of memmond's figures, built from
 * the manager properties and ListUnits(), for node_exporter's textfile
 * collector or a scrape via a small wrapper.
 */

#include <stdio.h>

#include "ctl-types.h"

#define PROMETHEUS_DOUBLE_MAX 32

/* Label value escaping: backslash, double quote and newline. Returns 0 or -ENOMEM. */
int prometheus_escape_label(const char *s, char **ret);

/* Shortest text that reads back to the same double; "NaN", "+Inf", "-Inf". */
char *prometheus_format_double(char *buf, size_t len, double d);

/* Writes all metric families, each with HELP and TYPE lines. Returns 0, -ENOMEM or -EIO. */
int prometheus_write(FILE *f, const ManagerInfo *m, const UnitList *units);
