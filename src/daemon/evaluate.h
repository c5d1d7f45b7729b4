/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Turning samples into alert raises and clears. Pure: state, rules, a sample
 * and the time go in; a short list of changes comes out. Ids, budgets and the
 * journal are the caller's business (alerts.c), so every rule here is tested
 * with an injected clock (tests/daemon/test-evaluate.c).
 */

#include <stdbool.h>
#include <stddef.h>

#include "analyser.h"
#include "config.h"
#include "journal.h"
#include "rules.h"
#include "sample.h"

/* Per-kind state of one alert source (a unit or the host). */
typedef struct AlertSlot {
        uint64_t id;            /* 0: not active */
        Severity severity;
        usec_t since;
        bool sent;              /* the raise reached the journal (not suppressed) */
        bool acknowledged;
} AlertSlot;

typedef struct UnitAlertState {
        LevelState usage_percent, usage_bytes, pressure, leak;
        AlertSlot slot[_ALERT_KIND_MAX];
        bool have_events;               /* baseline below is set */
        uint64_t oom_kills, max_events;
        usec_t max_event_time;          /* when the max counter last rose */
} UnitAlertState;

typedef struct HostAlertState {
        LevelState available, pressure;
        AlertSlot slot[_ALERT_KIND_MAX];
} HostAlertState;

typedef struct AlertChange {
        bool cleared;
        Alert alert;            /* alert.id is the slot's id for clears and updates, 0 for new raises */
} AlertChange;

/* At most one change per kind per call. */
#define ALERT_CHANGES_MAX (_ALERT_KIND_MAX + 1) /* a limit-hit clear can join a kill */

/* A unit first seen after start counts every event since its creation. */
void unit_alert_state_init(UnitAlertState *st, bool count_existing_events);

/* Usage, pressure and memory.events rules for one sample. */
size_t evaluate_unit_sample(UnitAlertState *st, const RuleConfig *rc, const char *unit,
                            const Sample *s, usec_t now, AlertChange out[static ALERT_CHANGES_MAX]);

/* Only the memory.events counters (inotify path). */
size_t evaluate_unit_events(UnitAlertState *st, const char *unit, const MemoryEvents *ev,
                            uint64_t current, usec_t now, AlertChange out[static ALERT_CHANGES_MAX]);

/* The leak rule on an analyser verdict; hysteresis keeps a growing unit's alert up. */
size_t evaluate_unit_analysis(UnitAlertState *st, const RuleConfig *rc, const char *unit,
                              const Analysis *a, uint64_t current, usec_t now,
                              AlertChange out[static ALERT_CHANGES_MAX]);

/* Clears everything active, e.g. when the unit vanished. */
size_t evaluate_unit_gone(UnitAlertState *st, const char *unit, usec_t now,
                          AlertChange out[static ALERT_CHANGES_MAX]);

size_t evaluate_host(HostAlertState *st, const Config *c, const HostSample *h, usec_t now,
                     AlertChange out[static ALERT_CHANGES_MAX]);

/* Records the outcome of delivering a change: the id given and whether it was sent. */
void alert_slot_apply(AlertSlot *slot, const AlertChange *ch, uint64_t id, bool sent, usec_t now);

/* Number of active alerts in a slot array. */
unsigned alert_slots_active(const AlertSlot slot[static _ALERT_KIND_MAX]);
