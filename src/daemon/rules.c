/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The state machine behind every threshold alert. Raising waits for the
 * condition to hold for hold_time (a short peak is not an alert); lowering
 * waits until the value stayed below the active threshold minus the margin for
 * clear_time, so a unit hovering at the line does not flap. While a change is
 * held, the pending level is the one the value kept for the whole hold (the
 * nearest to the active level it has seen): 85 % for 29 s and 95 % for 1 s
 * raises a warning after 30 s, not an emergency; the emergency then needs its
 * own hold. Clearing steps down the same way.
 */

#include "rules.h"

Severity level_rule_target(const LevelRule *r, double value) {
        Severity t = SEVERITY_NONE;

        for (Severity s = SEVERITY_INFO; s < _SEVERITY_MAX; s++)
                if (r->threshold[s] > 0 && value >= r->threshold[s])
                        t = s;
        return t;
}

/* The level still justified by value when leaving `active` needs the margin. */
static Severity target_with_margin(const LevelRule *r, Severity active, double value) {
        Severity t = level_rule_target(r, value);

        if (t >= active)
                return t;
        if (r->threshold[active] > 0 && value >= r->threshold[active] - r->clear_margin)
                return active;
        /* Below active's band: the margin also applies to the levels in between. */
        for (Severity s = active - 1; s > t; s--)
                if (r->threshold[s] > 0 && value >= r->threshold[s] - r->clear_margin)
                        return s;
        return t;
}

bool level_rule_eval(const LevelRule *r, LevelState *s, double value, usec_t now, LevelTransition *ret) {
        Severity target = target_with_margin(r, s->active, value);
        usec_t need;

        if (target == s->active) {
                s->has_pending = false;
                return false;
        }

        if (!s->has_pending || (target > s->active) != (s->pending > s->active)) {
                /* A new direction starts a new hold. */
                s->has_pending = true;
                s->pending = target;
                s->pending_since = now;
        } else if (target > s->active ? target < s->pending : target > s->pending)
                /* Back towards the active level: only that much has held all along. */
                s->pending = target;

        need = s->pending > s->active ? r->hold_time : r->clear_time;
        if (now < s->pending_since || now - s->pending_since < need)
                return false;

        *ret = (LevelTransition) {
                .from = s->active,
                .to = s->pending,
                .held = now - s->pending_since,
        };
        s->active = s->pending;
        s->active_since = now;
        s->has_pending = false;
        return true;
}
