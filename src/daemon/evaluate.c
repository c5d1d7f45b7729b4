/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Level alerts (usage, pressure, host memory, leak) go through rules.c for
 * hold time and hysteresis; an alert keeps its id while its severity moves
 * and is cleared when the level drops to none. Counter alerts fire at once on
 * a rising memory.events counter: an oom_kill is a fact with no clear; a max
 * event raises a limit-hit state that clears when the counter stands still.
 */

#include <math.h>
#include <string.h>

#include "evaluate.h"

/* A leak verdict must fall this far below the confidence threshold, for this long, to clear. */
#define LEAK_CLEAR_MARGIN 20.0
#define LEAK_CLEAR_TIME (10 * USEC_PER_MINUTE)

void unit_alert_state_init(UnitAlertState *st, bool count_existing_events) {
        *st = (UnitAlertState) {
                .usage_percent = LEVEL_STATE_INIT,
                .usage_bytes = LEVEL_STATE_INIT,
                .pressure = LEVEL_STATE_INIT,
                .leak = LEVEL_STATE_INIT,
                .have_events = count_existing_events,
        };
}

unsigned alert_slots_active(const AlertSlot slot[static _ALERT_KIND_MAX]) {
        unsigned n = 0;
        for (size_t i = 0; i < _ALERT_KIND_MAX; i++)
                n += slot[i].id != 0;
        return n;
}

void alert_slot_apply(AlertSlot *slot, const AlertChange *ch, uint64_t id, bool sent, usec_t now) {
        if (ch->cleared) {
                *slot = (AlertSlot) {};
                return;
        }
        /* OOM kills are facts, not states: nothing to keep. */
        if (ch->alert.kind == ALERT_OOM_KILL)
                return;
        if (slot->id == 0) {
                slot->id = id;
                slot->since = now;
                slot->sent = sent;
                slot->acknowledged = false;
        } else
                slot->sent = slot->sent || sent;
        slot->severity = ch->alert.severity;
}

/* Emits a raise, an update (severity moved) or a clear for a level transition. */
static size_t level_change(AlertSlot *slot, const LevelTransition *t, const Alert *tmpl, AlertChange *out) {
        out->alert = *tmpl;
        out->alert.id = slot->id;
        out->alert.held = t->held;
        if (t->to == SEVERITY_NONE) {
                if (slot->id == 0)
                        return 0;
                out->cleared = true;
                out->alert.severity = slot->severity != SEVERITY_NONE ? slot->severity : t->from;
        } else {
                out->cleared = false;
                out->alert.severity = t->to;
        }
        return 1;
}

/* The clearing change for an active slot. */
static AlertChange slot_clear(const AlertSlot *slot, AlertKind kind, const char *unit, uint64_t current, usec_t now) {
        return (AlertChange) {
                .cleared = true,
                .alert = {
                        .id = slot->id,
                        .kind = kind,
                        .severity = slot->severity,
                        .unit = unit,
                        .current = current,
                        .held = now >= slot->since ? now - slot->since : 0,
                        .time_to_limit = USEC_INFINITY,
                },
        };
}

/* A rule that was switched off (reload, [Unit:] override) drops its alert at once. */
static size_t rule_off(AlertSlot *slot, LevelState *ls, AlertKind kind, const char *unit,
                       uint64_t current, usec_t now, AlertChange *out) {
        *ls = LEVEL_STATE_INIT;
        if (slot->id == 0)
                return 0;
        *out = slot_clear(slot, kind, unit, current, now);
        return 1;
}

static void usage_rule(const RuleConfig *rc, LevelRule *ret) {
        *ret = (LevelRule) {
                .clear_margin = rc->clear_margin_percent,
                .hold_time = rc->hold_time,
                .clear_time = rc->clear_time,
        };
        ret->threshold[SEVERITY_WARNING] = rc->warning_percent;
        ret->threshold[SEVERITY_CRITICAL] = rc->critical_percent;
        ret->threshold[SEVERITY_EMERGENCY] = rc->emergency_percent;
}

static Severity severity_max(Severity a, Severity b) {
        return a > b ? a : b;
}

size_t evaluate_unit_events(UnitAlertState *st, const char *unit, const MemoryEvents *ev,
                            uint64_t current, usec_t now, AlertChange out[static ALERT_CHANGES_MAX]) {
        uint64_t kills, max_events;
        size_t n = 0;

        if (!ev->valid)
                return 0;

        /* oom_group_kill counts kills of whole groups; each also shows in oom_kill. */
        kills = ev->oom_kill;
        max_events = ev->max;

        if (st->have_events) {
                if (kills > st->oom_kills)
                        out[n++] = (AlertChange) {
                                .alert = {
                                        .kind = ALERT_OOM_KILL,
                                        .severity = SEVERITY_CRITICAL,
                                        .unit = unit,
                                        .current = current,
                                        .oom_kill_count = kills,
                                        .max_events = max_events,
                                        .time_to_limit = USEC_INFINITY,
                                },
                        };
                else if (max_events > st->max_events && st->slot[ALERT_LIMIT_HIT].id == 0)
                        /*
                         * Reported only without a kill (a kill implies hitting the limit), and
                         * as a state: a unit living at its limit (page cache under MemoryMax=)
                         * hits it constantly, so it is raised once and cleared after ClearTime
                         * without new max events (see evaluate_unit_sample).
                         */
                        out[n++] = (AlertChange) {
                                .alert = {
                                        .kind = ALERT_LIMIT_HIT,
                                        .severity = SEVERITY_WARNING,
                                        .unit = unit,
                                        .current = current,
                                        .limit_name = "max",
                                        .oom_kill_count = kills,
                                        .max_events = max_events,
                                        .time_to_limit = USEC_INFINITY,
                                },
                        };
        }
        if (st->have_events && max_events > st->max_events)
                st->max_event_time = now;
        /* A counter going down means a new cgroup: take it as the new baseline. */
        st->have_events = true;
        st->oom_kills = kills;
        st->max_events = max_events;
        return n;
}

size_t evaluate_unit_sample(UnitAlertState *st, const RuleConfig *rc, const char *unit,
                            const Sample *s, usec_t now, AlertChange out[static ALERT_CHANGES_MAX]) {
        LevelTransition t;
        LevelRule lr;
        size_t n = 0;

        n += evaluate_unit_events(st, unit, &s->events, s->current, now, out + n);

        /* A limit-hit alert clears once the max counter stood still for ClearTime. */
        AlertSlot *hit = &st->slot[ALERT_LIMIT_HIT];
        /* Not in the call that saw it rise: with ClearTime=0 that would raise and clear at once. */
        if (hit->id != 0 && now > st->max_event_time && now - st->max_event_time >= rc->clear_time) {
                out[n] = slot_clear(hit, ALERT_LIMIT_HIT, unit, s->current, now);
                out[n].alert.limit_name = "max";
                out[n].alert.max_events = st->max_events;
                n++;
        }

        /* Usage: percent of memory.max, else of memory.high, and absolute bytes; the alert takes the higher level. */
        if (s->limits.valid) {
                uint64_t limit = s->limits.max != LIMIT_MAX ? s->limits.max : s->limits.high;
                const char *limit_name = s->limits.max != LIMIT_MAX ? "max" : "high";
                LevelTransition tp = {}, tb = {};
                bool changed = false;

                usage_rule(rc, &lr);
                if (limit != LIMIT_MAX && limit > 0)
                        changed |= level_rule_eval(&lr, &st->usage_percent,
                                                   100.0 * (double) s->current / (double) limit, now, &tp);
                else
                        changed |= level_rule_eval(&lr, &st->usage_percent, 0, now, &tp);

                LevelRule br = {
                        .clear_margin = 0,
                        .hold_time = rc->hold_time,
                        .clear_time = rc->clear_time,
                };
                br.threshold[SEVERITY_WARNING] = (double) rc->warning_bytes;
                br.threshold[SEVERITY_CRITICAL] = (double) rc->critical_bytes;
                /* Bytes hysteresis: the percent margin of the lowest byte threshold. */
                if (rc->warning_bytes > 0)
                        br.clear_margin = (double) rc->warning_bytes * rc->clear_margin_percent / 100.0;
                changed |= level_rule_eval(&br, &st->usage_bytes, (double) s->current, now, &tb);

                Severity to = severity_max(st->usage_percent.active, st->usage_bytes.active);
                AlertSlot *slot = &st->slot[ALERT_USAGE];
                if (changed && to != (slot->id ? slot->severity : SEVERITY_NONE)) {
                        bool by_percent = st->usage_percent.active >= st->usage_bytes.active;
                        Alert a = {
                                .kind = ALERT_USAGE,
                                .unit = unit,
                                .current = s->current,
                                .time_to_limit = USEC_INFINITY,
                        };
                        LevelTransition x = {
                                .from = slot->id ? slot->severity : SEVERITY_NONE,
                                .to = to,
                                .held = by_percent ? tp.held : tb.held,
                        };
                        if (limit != LIMIT_MAX) {
                                a.limit = limit;
                                a.limit_name = limit_name;
                        }
                        if (to == SEVERITY_NONE || by_percent) {
                                Severity lvl = to == SEVERITY_NONE ? x.from : to;
                                if (limit != LIMIT_MAX && lr.threshold[lvl] > 0) {
                                        a.threshold_percent = lr.threshold[lvl];
                                        a.threshold_bytes = (uint64_t) ((double) limit * lr.threshold[lvl] / 100.0);
                                }
                        } else
                                a.threshold_bytes = (uint64_t) br.threshold[to];
                        n += level_change(slot, &x, &a, out + n);
                }
        }

        /* Pressure: full avg10 above the level. */
        if (rc->pressure_full_avg10 <= 0)
                n += rule_off(&st->slot[ALERT_PRESSURE], &st->pressure, ALERT_PRESSURE, unit, s->current, now, out + n);
        else {
                /* Unreadable PSI counts as no pressure, so an alert raised before still clears. */
                double full = s->pressure.valid ? s->pressure.full_avg10 : 0;
                LevelRule pr = {
                        .clear_margin = rc->pressure_full_avg10 / 4.0,
                        .hold_time = rc->hold_time,
                        .clear_time = rc->clear_time,
                };
                pr.threshold[SEVERITY_WARNING] = rc->pressure_full_avg10;
                if (level_rule_eval(&pr, &st->pressure, full, now, &t)) {
                        Alert a = {
                                .kind = ALERT_PRESSURE,
                                .unit = unit,
                                .current = s->current,
                                .threshold_percent = rc->pressure_full_avg10,
                                .psi_full_avg10 = s->pressure.full_avg10,
                                .psi_some_avg10 = s->pressure.some_avg10,
                                .time_to_limit = USEC_INFINITY,
                        };
                        n += level_change(&st->slot[ALERT_PRESSURE], &t, &a, out + n);
                }
        }
        return n;
}

size_t evaluate_unit_analysis(UnitAlertState *st, const RuleConfig *rc, const char *unit,
                              const Analysis *an, uint64_t current, usec_t now,
                              AlertChange out[static ALERT_CHANGES_MAX]) {
        LevelTransition t;
        double value = 0;

        if (rc->leak_confidence == 0)
                return rule_off(&st->slot[ALERT_LEAK], &st->leak, ALERT_LEAK, unit, current, now, out);

        if (an->pattern == PATTERN_LEAK || an->pattern == PATTERN_EXPONENTIAL)
                value = an->confidence;
        else if (an->pattern == PATTERN_LINEAR && st->leak.active != SEVERITY_NONE)
                /* Still growing, just judged over a shorter window: keep the alert up. */
                value = an->confidence;

        LevelRule lr = {
                /* At most half the threshold: a low LeakConfidence= must still leave a level to clear at. */
                .clear_margin = MIN(LEAK_CLEAR_MARGIN, rc->leak_confidence / 2.0),
                .hold_time = 0,                 /* the analyser already demands sustained growth */
                .clear_time = LEAK_CLEAR_TIME,
        };
        lr.threshold[SEVERITY_WARNING] = rc->leak_confidence;
        if (!level_rule_eval(&lr, &st->leak, value, now, &t)) {
                AlertSlot *slot = &st->slot[ALERT_LEAK];
                /* Active and the verdict got worse (faster growth, nearer limit): escalate. */
                if (slot->id == 0 || value == 0 || an->severity <= slot->severity)
                        return 0;
                t = (LevelTransition) { .from = slot->severity, .to = an->severity };
        }

        Alert a = {
                .kind = ALERT_LEAK,
                .unit = unit,
                .current = current,
                .pattern = pattern_to_string(an->pattern),
                .confidence = an->confidence,
                .growth_bytes_per_min = an->growth_bytes_per_min,
                .time_to_limit = an->time_to_limit,
                .forecast_limit = an->limit_name,
                .window = an->window,
                .threshold_percent = 0,
        };
        /* Escalate to the analyser's severity (exponential growth, a near limit). */
        if (t.to != SEVERITY_NONE && an->severity > t.to)
                t.to = an->severity;
        return level_change(&st->slot[ALERT_LEAK], &t, &a, out);
}

size_t evaluate_unit_gone(UnitAlertState *st, const char *unit, usec_t now,
                          AlertChange out[static ALERT_CHANGES_MAX]) {
        size_t n = 0;

        for (AlertKind k = 0; k < _ALERT_KIND_MAX; k++)
                if (st->slot[k].id != 0)
                        out[n++] = slot_clear(&st->slot[k], k, unit, 0, now);
        return n;
}

size_t evaluate_host(HostAlertState *st, const Config *c, const HostSample *h, usec_t now,
                     AlertChange out[static ALERT_CHANGES_MAX]) {
        LevelTransition t;
        size_t n = 0;

        /* Host memory: the rule engine wants rising values, so judge "percent unavailable". */
        if (h->mem_total > 0) {
                double avail = 100.0 * (double) h->mem_available / (double) h->mem_total;
                LevelRule lr = {
                        .clear_margin = c->rules.clear_margin_percent,
                        .hold_time = c->rules.hold_time,
                        .clear_time = c->rules.clear_time,
                };
                if (c->host_available_warning_percent > 0)
                        lr.threshold[SEVERITY_WARNING] = 100.0 - c->host_available_warning_percent;
                if (c->host_available_critical_percent > 0)
                        lr.threshold[SEVERITY_CRITICAL] = 100.0 - c->host_available_critical_percent;
                if (level_rule_eval(&lr, &st->available, 100.0 - avail, now, &t)) {
                        Severity lvl = t.to != SEVERITY_NONE ? t.to : t.from;
                        Alert a = {
                                .kind = ALERT_HOST_MEMORY,
                                .current = h->mem_available,
                                .limit = h->mem_total,
                                .limit_name = "host",
                                .threshold_percent = 100.0 - lr.threshold[lvl],
                                .time_to_limit = USEC_INFINITY,
                        };
                        n += level_change(&st->slot[ALERT_HOST_MEMORY], &t, &a, out + n);
                }
        }

        if (c->host_pressure_full_avg10 <= 0)
                n += rule_off(&st->slot[ALERT_PRESSURE], &st->pressure, ALERT_PRESSURE, NULL,
                              h->mem_available, now, out + n);
        else if (h->pressure.valid && h->pressure.has_full) {
                LevelRule pr = {
                        .clear_margin = c->host_pressure_full_avg10 / 4.0,
                        .hold_time = c->rules.hold_time,
                        .clear_time = c->rules.clear_time,
                };
                pr.threshold[SEVERITY_WARNING] = c->host_pressure_full_avg10;
                if (level_rule_eval(&pr, &st->pressure, h->pressure.full_avg10, now, &t)) {
                        Alert a = {
                                .kind = ALERT_PRESSURE,
                                .current = h->mem_available,
                                .threshold_percent = c->host_pressure_full_avg10,
                                .psi_full_avg10 = h->pressure.full_avg10,
                                .psi_some_avg10 = h->pressure.some_avg10,
                                .time_to_limit = USEC_INFINITY,
                        };
                        n += level_change(&st->slot[ALERT_PRESSURE], &t, &a, out + n);
                }
        }
        return n;
}
