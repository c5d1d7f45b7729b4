/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Delivery of alert changes: ids, the per-unit and global hourly budgets, the
 * journal, and a bounded log of recent alerts for the bus API. What a budget
 * refuses is counted and reported in an ALERTS_SUPPRESSED entry, never
 * dropped silently.
 */

#include <stddef.h>
#include <stdint.h>

#include "evaluate.h"
#include "journal.h"
#include "ratelimit.h"

#define ALERT_UNIT_NAME_MAX 256
#define ALERT_BUDGET_INTERVAL USEC_PER_HOUR

typedef struct AlertRecord {
        uint64_t id;
        AlertKind kind;
        Severity severity;
        char unit[ALERT_UNIT_NAME_MAX];         /* "" for host alerts */
        usec_t raised;                          /* CLOCK_REALTIME µs */
        usec_t cleared;                         /* 0 while active */
        uint64_t current, limit;
        bool suppressed;                        /* the budget kept it out of the journal */
        bool acknowledged;
} AlertRecord;

typedef struct AlertLog {
        AlertRecord *ring;
        size_t capacity, head, n;
        size_t max_capacity;                    /* the ring grows up to this while all are active */
        uint64_t next_id;
        RateLimit global;
        JournalSink sink;                       /* NULL: the journal */
        void *sink_userdata;
        uint64_t n_raised, n_cleared, n_suppressed, n_send_errors;
        int last_send_error;
} AlertLog;

int alert_log_new(AlertLog **ret, size_t capacity, unsigned per_hour);
AlertLog *alert_log_free(AlertLog *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(AlertLog *, alert_log_free);

void alert_log_set_budget(AlertLog *l, unsigned per_hour);
/*
 * When the log is full and every record is still active, it grows (doubling) up to max
 * records rather than drop an active alert from ListAlerts and AcknowledgeAlert; the
 * caller bounds max by what can be active at once (units times kinds). Default: no growth.
 */
void alert_log_set_max(AlertLog *l, size_t max);

/*
 * Delivers one change from evaluate.c and updates slot. unit_budget is NULL
 * for host alerts. Clears are never budgeted: a raise that reached the
 * journal always gets its clear. Returns the alert id.
 */
uint64_t alert_log_deliver(AlertLog *l, AlertSlot *slot, RateLimit *unit_budget,
                           const AlertChange *ch, usec_t now);

/* Reports what rl refused in its current window now, e.g. when its unit goes away. */
void alert_log_flush_suppressed_now(AlertLog *l, const char *unit, RateLimit *rl);

/* Reports what budget rl refused once its window is over. unit NULL: the global budget. */
void alert_log_flush_suppressed(AlertLog *l, const char *unit, RateLimit *rl, usec_t now);

const AlertRecord *alert_log_find(const AlertLog *l, uint64_t id);
AlertRecord *alert_log_find_mutable(AlertLog *l, uint64_t id);
/* i = 0 is the newest. */
const AlertRecord *alert_log_get(const AlertLog *l, size_t i);
