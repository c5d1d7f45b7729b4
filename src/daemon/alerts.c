/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "log.h"

int alert_log_new(AlertLog **ret, size_t capacity, unsigned per_hour) {
        _cleanup_(alert_log_freep) AlertLog *l = NULL;

        if (capacity == 0)
                return -EINVAL;
        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->ring = calloc(capacity, sizeof *l->ring);
        if (!l->ring)
                return -ENOMEM;
        l->capacity = l->max_capacity = capacity;
        l->next_id = 1;
        l->global = RATELIMIT_INIT(ALERT_BUDGET_INTERVAL, per_hour);
        *ret = TAKE_PTR(l);
        return 0;
}

AlertLog *alert_log_free(AlertLog *l) {
        if (!l)
                return NULL;
        free(l->ring);
        free(l);
        return NULL;
}

void alert_log_set_budget(AlertLog *l, unsigned per_hour) {
        l->global.burst = per_hour;
}

void alert_log_set_max(AlertLog *l, size_t max) {
        l->max_capacity = MAX(max, l->capacity);
}

/* Doubles a full ring, oldest first in the new one; the next record goes after the newest. */
static int alert_log_grow(AlertLog *l) {
        size_t k = MIN(l->capacity * 2, l->max_capacity);
        AlertRecord *a;

        if (k <= l->capacity)
                return -ENOSPC;
        a = calloc(k, sizeof *a);
        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++)
                a[i] = l->ring[(l->head + i) % l->capacity];
        free(l->ring);
        l->ring = a;
        l->capacity = k;
        l->head = l->n;
        return 0;
}

const AlertRecord *alert_log_get(const AlertLog *l, size_t i) {
        if (i >= l->n)
                return NULL;
        return &l->ring[(l->head + l->capacity - 1 - i) % l->capacity];
}

AlertRecord *alert_log_find_mutable(AlertLog *l, uint64_t id) {
        for (size_t i = 0; i < l->n; i++) {
                AlertRecord *r = (AlertRecord *) alert_log_get(l, i);
                if (r->id == id)
                        return r;
        }
        return NULL;
}

const AlertRecord *alert_log_find(const AlertLog *l, uint64_t id) {
        return alert_log_find_mutable((AlertLog *) l, id);
}

static void record_new(AlertLog *l, const Alert *a, bool suppressed) {
        size_t pos = l->head;
        AlertRecord *r;

        /*
         * When full, overwrite the oldest *cleared* record: active alerts (bounded by units
         * times kinds) must stay listable and acknowledgeable however many came after them.
         * Skipped active records then read as slightly newer than they are; ids order them.
         */
        if (l->n == l->capacity) {
                bool found = false;

                for (size_t k = 0; k < l->capacity; k++) {
                        size_t c = (l->head + k) % l->capacity;
                        if (l->ring[c].cleared != 0) {
                                pos = c;
                                found = true;
                                break;
                        }
                }
                /* All active: grow if allowed, else the oldest active one goes. */
                if (!found && alert_log_grow(l) >= 0)
                        pos = l->head;
        }
        r = &l->ring[pos];
        l->head = pos;

        *r = (AlertRecord) {
                .id = a->id,
                .kind = a->kind,
                .severity = a->severity,
                .raised = now_usec(CLOCK_REALTIME),
                .current = a->current,
                .limit = a->limit,
                .suppressed = suppressed,
        };
        if (a->unit)
                snprintf(r->unit, sizeof r->unit, "%s", a->unit);
        /* An OOM kill is over as soon as it happened. */
        if (a->kind == ALERT_OOM_KILL)
                r->cleared = r->raised;
        l->head = (l->head + 1) % l->capacity;
        if (l->n < l->capacity)
                l->n++;
}

static void send(AlertLog *l, const Alert *a, bool cleared) {
        int r = journal_send_alert(a, cleared, l->sink, l->sink_userdata);
        if (r < 0) {
                l->n_send_errors++;
                /* Say it once per failure streak; the journal may be restarting. */
                if (l->last_send_error == 0)
                        log_warning_errno(r, "Cannot write alert %llu to the journal: %m",
                                          (unsigned long long) a->id);
                l->last_send_error = r;
        } else if (l->last_send_error != 0) {
                log_info("Writing alerts to the journal works again (%llu failed meanwhile).",
                         (unsigned long long) l->n_send_errors);
                l->last_send_error = 0;
        }
}

static void report_suppressed(AlertLog *l, const char *unit, unsigned n, const RateLimit *rl) {
        int r;

        /* Not budgeted itself: at most one per budget window. */
        r = journal_send_suppressed(unit, n, rl->burst, rl->interval, l->sink, l->sink_userdata);
        if (r < 0)
                log_warning_errno(r, "Cannot report %u suppressed alerts for %s to the journal: %m",
                                  n, unit ?: "all units");
}

uint64_t alert_log_deliver(AlertLog *l, AlertSlot *slot, RateLimit *unit_budget,
                           const AlertChange *ch, usec_t now) {
        Alert a = ch->alert;
        unsigned prev = 0;
        bool allowed;

        if (ch->cleared) {
                AlertRecord *rec = alert_log_find_mutable(l, a.id);
                if (rec)
                        rec->cleared = now_usec(CLOCK_REALTIME);
                if (slot->sent)
                        send(l, &a, true);
                l->n_cleared++;
                alert_slot_apply(slot, ch, a.id, false, now);
                return a.id;
        }

        if (a.id == 0)
                a.id = l->next_id++;

        /* A new window hands back what the previous one refused: report it first. */
        allowed = !unit_budget || ratelimit_below(unit_budget, now, &prev);
        if (prev > 0)
                report_suppressed(l, a.unit, prev, unit_budget);
        if (allowed) {
                allowed = ratelimit_below(&l->global, now, &prev);
                if (prev > 0)
                        report_suppressed(l, NULL, prev, &l->global);
        }
        if (allowed)
                send(l, &a, false);
        else
                l->n_suppressed++;

        AlertRecord *rec = alert_log_find_mutable(l, a.id);
        if (rec) {
                rec->severity = a.severity;
                rec->current = a.current;
                rec->suppressed = rec->suppressed && !allowed;
        } else if (allowed || a.kind != ALERT_OOM_KILL)
                /* A suppressed OOM kill is only counted: a crash loop must not flush the log. */
                record_new(l, &a, !allowed);
        l->n_raised++;

        alert_slot_apply(slot, ch, a.id, allowed, now);
        return a.id;
}

void alert_log_flush_suppressed(AlertLog *l, const char *unit, RateLimit *rl, usec_t now) {
        unsigned n = ratelimit_take_expired(rl, now);

        if (n > 0)
                report_suppressed(l, unit, n, rl);
}

void alert_log_flush_suppressed_now(AlertLog *l, const char *unit, RateLimit *rl) {
        unsigned n = rl->suppressed;

        if (n == 0)
                return;
        rl->suppressed = 0;
        report_suppressed(l, unit, n, rl);
}
