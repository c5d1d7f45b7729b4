/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Text output of every verb, written to a FILE so tests render into memory.
 * No bus access here: callers pass the reply structs of ctl-types.h.
 */

#include <stdbool.h>
#include <stdio.h>

#include "ctl-types.h"

typedef struct RenderOptions {
        bool colors;
        bool legend;            /* headers, footers, captions; off with --no-legend */
        unsigned width;         /* terminal columns, for the sparkline */
        bool shorten;           /* tables shrink to width (stdout is a terminal) */
} RenderOptions;

/* Each returns 0, -ENOMEM or -EIO. */
int render_status(FILE *f, const ManagerInfo *m, const RenderOptions *o);
int render_units(FILE *f, const UnitList *l, const RenderOptions *o);
int render_properties(FILE *f, const PropertyList *l, const RenderOptions *o);
int render_history(FILE *f, const char *unit, const History *h, const RenderOptions *o);
int render_alerts(FILE *f, const AlertList *l, bool all, const RenderOptions *o);
int render_analysis(FILE *f, const char *unit, const AnalysisInfo *a, const RenderOptions *o);
int render_health(FILE *f, const char *status, char *const *problems, const RenderOptions *o);

/* Value of one unit property as `show` prints it, into buf. */
char *render_property_value(char *buf, size_t len, const Property *p);

/* The colour that marks a health status, severity or pattern; NULL for none. */
const char *health_color(const char *status);
const char *severity_color(const char *severity);
const char *pattern_color(const char *pattern);
