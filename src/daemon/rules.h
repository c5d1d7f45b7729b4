/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Level rules: a measured value against ascending thresholds per severity,
 * with a hold time before firing and a margin plus clear time before
 * dropping. Pure: the caller passes the time, tests inject it.
 */

#include <stdbool.h>

#include "severity.h"
#include "time-util.h"

typedef struct LevelRule {
        double threshold[_SEVERITY_MAX];        /* 0 = that severity is off; must ascend */
        double clear_margin;                    /* drop only below threshold - margin */
        usec_t hold_time;
        usec_t clear_time;
} LevelRule;

typedef struct LevelState {
        Severity active;
        bool has_pending;
        Severity pending;                       /* candidate level while it is being held */
        usec_t pending_since;
        usec_t active_since;
} LevelState;

#define LEVEL_STATE_INIT ((LevelState) { .active = SEVERITY_NONE, .pending = SEVERITY_NONE })

typedef struct LevelTransition {
        Severity from, to;
        usec_t held;                            /* how long the new level was held before the change */
} LevelTransition;

/* The severity a value reaches, ignoring hold and hysteresis. */
Severity level_rule_target(const LevelRule *r, double value);

/* Feeds one measurement. Returns true and fills *ret when the active severity changes. */
bool level_rule_eval(const LevelRule *r, LevelState *s, double value, usec_t now, LevelTransition *ret);
