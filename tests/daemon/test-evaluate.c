/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <string.h>

#include "evaluate.h"

#define SEC USEC_PER_SEC
#define UNIT "hog.service"

/* The shipped defaults: 80/90/95 %, hold and clear 30 s, margin 5 %, PSI 20, leak 80. */
static RuleConfig default_rules(void) {
        Config *c = NULL;
        RuleConfig rc;

        g_assert_cmpint(config_new_default(&c), ==, 0);
        rc = c->rules;
        config_free(c);
        return rc;
}

static Sample usage_sample(uint64_t current, uint64_t max, uint64_t high) {
        return (Sample) {
                .current = current,
                .events = { .valid = true },
                .limits = { .valid = true, .max = max, .high = high, .low = 0 },
        };
}

static size_t feed(UnitAlertState *st, const RuleConfig *rc, uint64_t current, uint64_t max, uint64_t high,
                   usec_t now, AlertChange out[static ALERT_CHANGES_MAX]) {
        Sample s = usage_sample(current, max, high);
        return evaluate_unit_sample(st, rc, UNIT, &s, now, out);
}

/* Delivery stand-in: a fresh raise gets `id`, everything else keeps the slot's. */
static void deliver(AlertSlot *slot, const AlertChange *ch, uint64_t id, usec_t now) {
        alert_slot_apply(slot, ch, ch->alert.id ?: id, true, now);
}

static void test_usage_hold(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];
        usec_t t0 = 1000 * SEC;

        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed(&st, &rc, 850, 1000, LIMIT_MAX, t0, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 860, 1000, LIMIT_MAX, t0 + 10 * SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 860, 1000, LIMIT_MAX, t0 + 29 * SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 870, 1000, LIMIT_MAX, t0 + 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 0);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_USAGE);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_cmpstr(out[0].alert.unit, ==, UNIT);
        g_assert_cmpuint(out[0].alert.current, ==, 870);
        g_assert_cmpuint(out[0].alert.limit, ==, 1000);
        g_assert_cmpstr(out[0].alert.limit_name, ==, "max");
        g_assert_cmpfloat(out[0].alert.threshold_percent, ==, 80);
        g_assert_cmpuint(out[0].alert.threshold_bytes, ==, 800);
        g_assert_cmpuint(out[0].alert.held, ==, 30 * SEC);

        /* A dip below the threshold restarts the hold. */
        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed(&st, &rc, 850, 1000, LIMIT_MAX, t0, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 500, 1000, LIMIT_MAX, t0 + 20 * SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 850, 1000, LIMIT_MAX, t0 + 25 * SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 850, 1000, LIMIT_MAX, t0 + 50 * SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 850, 1000, LIMIT_MAX, t0 + 55 * SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
}

static void test_usage_escalate_and_clear(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];
        AlertSlot *slot = &st.slot[ALERT_USAGE];
        usec_t now = 0;

        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed(&st, &rc, 850, 1000, LIMIT_MAX, now, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 850, 1000, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        deliver(slot, &out[0], 42, now);
        g_assert_cmpuint(slot->id, ==, 42);
        g_assert_cmpint(slot->severity, ==, SEVERITY_WARNING);
        g_assert_cmpuint(alert_slots_active(st.slot), ==, 1);

        /* Escalation: same slot id, severity critical, not a clear. */
        g_assert_cmpuint(feed(&st, &rc, 920, 1000, LIMIT_MAX, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 920, 1000, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 42);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpfloat(out[0].alert.threshold_percent, ==, 90);
        deliver(slot, &out[0], 99, now);
        g_assert_cmpuint(slot->id, ==, 42);
        g_assert_cmpint(slot->severity, ==, SEVERITY_CRITICAL);

        /* Back to warning (inside the critical margin would hold; 82 is below 90 - 5). */
        g_assert_cmpuint(feed(&st, &rc, 820, 1000, LIMIT_MAX, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 820, 1000, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 42);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        deliver(slot, &out[0], 99, now);

        /* 76 % is below the threshold but within the 5 % margin: never clears. */
        for (int i = 0; i < 30; i++)
                g_assert_cmpuint(feed(&st, &rc, 760, 1000, LIMIT_MAX, now += 10 * SEC, out), ==, 0);
        g_assert_cmpuint(slot->id, ==, 42);

        /* 74 % is below 80 - 5: clears after ClearTime, not before. */
        g_assert_cmpuint(feed(&st, &rc, 740, 1000, LIMIT_MAX, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 740, 1000, LIMIT_MAX, now + 29 * SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 740, 1000, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 42);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_USAGE);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        deliver(slot, &out[0], 0, now);
        g_assert_cmpuint(slot->id, ==, 0);
        g_assert_cmpuint(alert_slots_active(st.slot), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 740, 1000, LIMIT_MAX, now += 60 * SEC, out), ==, 0);
}

static void test_usage_bytes(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];
        AlertSlot *slot = &st.slot[ALERT_USAGE];
        usec_t now = 0;

        rc.warning_bytes = 1000000;
        rc.critical_bytes = 2000000;
        unit_alert_state_init(&st, false);

        /* No limit at all: only the absolute rule can fire. */
        g_assert_cmpuint(feed(&st, &rc, 999999, LIMIT_MAX, LIMIT_MAX, now, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 1500000, LIMIT_MAX, LIMIT_MAX, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 1500000, LIMIT_MAX, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_cmpuint(out[0].alert.threshold_bytes, ==, 1000000);
        g_assert_cmpuint(out[0].alert.limit, ==, 0);
        g_assert_null(out[0].alert.limit_name);
        deliver(slot, &out[0], 5, now);

        g_assert_cmpuint(feed(&st, &rc, 2500000, LIMIT_MAX, LIMIT_MAX, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 2500000, LIMIT_MAX, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_cmpuint(out[0].alert.id, ==, 5);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpuint(out[0].alert.threshold_bytes, ==, 2000000);
        deliver(slot, &out[0], 0, now);

        /* The margin is 5 % of WarningBytes: 960000 holds warning, 940000 clears. */
        g_assert_cmpuint(feed(&st, &rc, 960000, LIMIT_MAX, LIMIT_MAX, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 960000, LIMIT_MAX, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        deliver(slot, &out[0], 0, now);
        g_assert_cmpuint(feed(&st, &rc, 960000, LIMIT_MAX, LIMIT_MAX, now += 300 * SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 940000, LIMIT_MAX, LIMIT_MAX, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 940000, LIMIT_MAX, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 5);
}

static void test_usage_high(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];

        /* memory.max is "max", memory.high is set: the percentage is of high. */
        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed(&st, &rc, 1700, LIMIT_MAX, 2000, 0, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 1700, LIMIT_MAX, 2000, 30 * SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_cmpstr(out[0].alert.limit_name, ==, "high");
        g_assert_cmpuint(out[0].alert.limit, ==, 2000);
        g_assert_cmpuint(out[0].alert.threshold_bytes, ==, 1600);

        /* Both set: memory.max wins (1700 of 10000 is nothing). */
        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed(&st, &rc, 1700, 10000, 2000, 0, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 1700, 10000, 2000, 30 * SEC, out), ==, 0);
}

static void test_usage_unlimited(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];

        unit_alert_state_init(&st, false);
        for (usec_t now = 0; now < 2 * USEC_PER_HOUR; now += 5 * SEC)
                g_assert_cmpuint(feed(&st, &rc, UINT64_C(1) << 40, LIMIT_MAX, LIMIT_MAX, now, out), ==, 0);
        g_assert_cmpint(st.usage_percent.active, ==, SEVERITY_NONE);

        /* memory.max of 0 must not divide by zero or fire either. */
        unit_alert_state_init(&st, false);
        for (usec_t now = 0; now < 10 * USEC_PER_MINUTE; now += 5 * SEC)
                g_assert_cmpuint(feed(&st, &rc, 4096, 0, LIMIT_MAX, now, out), ==, 0);

        /* Limits not read yet: no usage verdict at all. */
        unit_alert_state_init(&st, false);
        Sample s = usage_sample(999, 1000, LIMIT_MAX);
        s.limits.valid = false;
        for (usec_t now = 0; now < 10 * USEC_PER_MINUTE; now += 5 * SEC)
                g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now, out), ==, 0);
}

static size_t feed_events(UnitAlertState *st, uint64_t oom_kill, uint64_t max, AlertChange out[static ALERT_CHANGES_MAX]) {
        MemoryEvents ev = { .valid = true, .max = max, .oom = oom_kill, .oom_kill = oom_kill };
        return evaluate_unit_events(st, UNIT, &ev, 12345, 0, out);
}

static void test_events(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];

        /* A unit seen at start: what happened before is history, not an alert. */
        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed_events(&st, 3, 10, out), ==, 0);
        g_assert_cmpuint(feed_events(&st, 3, 10, out), ==, 0);

        /* oom_kill rising fires at once, as critical, with no hold time. */
        g_assert_cmpuint(feed_events(&st, 4, 11, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_OOM_KILL);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpuint(out[0].alert.oom_kill_count, ==, 4);
        g_assert_cmpuint(out[0].alert.current, ==, 12345);
        g_assert_cmpstr(out[0].alert.unit, ==, UNIT);
        g_assert_cmpuint(feed_events(&st, 4, 11, out), ==, 0);

        /* max rising alone is a limit hit. */
        g_assert_cmpuint(feed_events(&st, 4, 12, out), ==, 1);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_LIMIT_HIT);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_cmpstr(out[0].alert.limit_name, ==, "max");
        g_assert_cmpuint(out[0].alert.max_events, ==, 12);

        /* Counters going down: a new cgroup. New baseline, no alert ... */
        g_assert_cmpuint(feed_events(&st, 0, 0, out), ==, 0);
        /* ... and rising from there is judged against the new baseline. */
        g_assert_cmpuint(feed_events(&st, 1, 0, out), ==, 1);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_OOM_KILL);

        /* An unread memory.events changes nothing, not even the baseline. */
        MemoryEvents invalid = { .valid = false, .oom_kill = 100, .max = 100 };
        g_assert_cmpuint(evaluate_unit_events(&st, UNIT, &invalid, 0, 0, out), ==, 0);
        g_assert_cmpuint(st.oom_kills, ==, 1);
        g_assert_cmpuint(feed_events(&st, 1, 0, out), ==, 0);

        /* A unit that appeared after start: its existing counts are alerts. */
        unit_alert_state_init(&st, true);
        g_assert_cmpuint(feed_events(&st, 3, 10, out), ==, 1);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_OOM_KILL);
        unit_alert_state_init(&st, true);
        g_assert_cmpuint(feed_events(&st, 0, 2, out), ==, 1);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_LIMIT_HIT);
        unit_alert_state_init(&st, true);
        g_assert_cmpuint(feed_events(&st, 0, 0, out), ==, 0);

        /* Through the sample path too, at the same instant the counter moved. */
        unit_alert_state_init(&st, false);
        Sample s = usage_sample(100, 1000, LIMIT_MAX);
        s.events.oom_kill = 2;
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, 0, out), ==, 0);
        s.events.oom_kill = 3;
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_OOM_KILL);

        /* Event alerts keep no slot state. */
        alert_slot_apply(&st.slot[ALERT_OOM_KILL], &out[0], 17, true, SEC);
        g_assert_cmpuint(alert_slots_active(st.slot), ==, 0);
}

/* A unit living at its memory.max: one limit-hit alert, not one per max event. */
static void test_limit_hit_state(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];
        Sample s = usage_sample(100, 1000, LIMIT_MAX);
        usec_t now = 0;

        unit_alert_state_init(&st, false);
        s.events.max = 5;
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now, out), ==, 0);
        s.events.max = 6;
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now += SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_LIMIT_HIT);
        alert_slot_apply(&st.slot[ALERT_LIMIT_HIT], &out[0], 21, true, now);
        g_assert_cmpuint(alert_slots_active(st.slot), ==, 1);

        /* Still hitting the limit every second for a minute: no new alert, no clear. */
        for (int i = 0; i < 60; i++) {
                s.events.max++;
                g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now += SEC, out), ==, 0);
        }
        /* Quiet for less than ClearTime (30 s): still up; then cleared with its id. */
        usec_t last = now;
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, last + 29 * SEC, out), ==, 0);
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now = last + 30 * SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 21);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_LIMIT_HIT);
        alert_slot_apply(&st.slot[ALERT_LIMIT_HIT], &out[0], 21, true, now);
        g_assert_cmpuint(alert_slots_active(st.slot), ==, 0);

        /* The next max event raises a new one. */
        s.events.max++;
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now += SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        alert_slot_apply(&st.slot[ALERT_LIMIT_HIT], &out[0], 22, true, now);

        /* ClearTime=0: up while the counter rises each sample, cleared at the first quiet one. */
        rc.clear_time = 0;
        for (int i = 0; i < 5; i++) {
                s.events.max++;
                g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now += SEC, out), ==, 0);
        }
        g_assert_cmpuint(evaluate_unit_sample(&st, &rc, UNIT, &s, now += SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 22);
}

static size_t feed_psi(UnitAlertState *st, const RuleConfig *rc, double full, usec_t now,
                       AlertChange out[static ALERT_CHANGES_MAX]) {
        Sample s = {
                .current = 100,
                .events = { .valid = true },
                .pressure = { .valid = true, .has_full = true, .full_avg10 = full, .some_avg10 = full + 1 },
        };
        return evaluate_unit_sample(st, rc, UNIT, &s, now, out);
}

static void test_pressure(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];
        usec_t now = 0;

        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed_psi(&st, &rc, 19.9, now, out), ==, 0);
        g_assert_cmpuint(feed_psi(&st, &rc, 25, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed_psi(&st, &rc, 25, now + 29 * SEC, out), ==, 0);
        g_assert_cmpuint(feed_psi(&st, &rc, 25, now += 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_PRESSURE);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_cmpfloat(out[0].alert.threshold_percent, ==, 20);
        g_assert_cmpfloat(out[0].alert.psi_full_avg10, ==, 25);
        g_assert_cmpfloat(out[0].alert.psi_some_avg10, ==, 26);
        deliver(&st.slot[ALERT_PRESSURE], &out[0], 3, now);

        /* The margin is a quarter of the level: 16 holds, 14 clears after ClearTime. */
        g_assert_cmpuint(feed_psi(&st, &rc, 16, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed_psi(&st, &rc, 16, now += 300 * SEC, out), ==, 0);
        g_assert_cmpuint(feed_psi(&st, &rc, 14, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed_psi(&st, &rc, 14, now += 30 * SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 3);

        /* PressureFullAvg10=0 turns the rule off. */
        rc.pressure_full_avg10 = 0;
        unit_alert_state_init(&st, false);
        for (now = 0; now < 5 * USEC_PER_MINUTE; now += 5 * SEC)
                g_assert_cmpuint(feed_psi(&st, &rc, 90, now, out), ==, 0);

        /* Switched off while raised (a reload): the alert clears at once, not never. */
        rc = default_rules();
        unit_alert_state_init(&st, false);
        g_assert_cmpuint(feed_psi(&st, &rc, 50, now = 0, out), ==, 0);
        g_assert_cmpuint(feed_psi(&st, &rc, 50, now += 30 * SEC, out), ==, 1);
        alert_slot_apply(&st.slot[ALERT_PRESSURE], &out[0], 4, true, now);
        rc.pressure_full_avg10 = 0;
        g_assert_cmpuint(feed_psi(&st, &rc, 50, now += SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 4);
        alert_slot_apply(&st.slot[ALERT_PRESSURE], &out[0], 4, true, now);
        g_assert_cmpuint(feed_psi(&st, &rc, 50, now += SEC, out), ==, 0);
}

static Analysis analysis(Pattern p, unsigned confidence, Severity sev) {
        return (Analysis) {
                .pattern = p,
                .confidence = confidence,
                .severity = sev,
                .growth_bytes_per_min = 1e6,
                .time_to_limit = USEC_INFINITY,
                .window = 20 * USEC_PER_MINUTE,
        };
}

static void test_leak(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];
        AlertSlot *slot = &st.slot[ALERT_LEAK];
        Analysis a;
        usec_t now = 0;

        unit_alert_state_init(&st, false);

        /* Below LeakConfidence, and LINEAR before any alert: nothing. */
        a = analysis(PATTERN_LEAK, 79, SEVERITY_INFO);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now, out), ==, 0);
        a = analysis(PATTERN_LINEAR, 95, SEVERITY_WARNING);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 0);

        /* A LEAK verdict at the threshold raises at once (the analyser already held it). */
        a = analysis(PATTERN_LEAK, 80, SEVERITY_WARNING);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_LEAK);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_cmpstr(out[0].alert.pattern, ==, "leak");
        g_assert_cmpuint(out[0].alert.confidence, ==, 80);
        g_assert_cmpuint(out[0].alert.window, ==, 20 * USEC_PER_MINUTE);
        deliver(slot, &out[0], 11, now);

        /* Still growing, judged LINEAR over a shorter window: stays up for an hour. */
        a = analysis(PATTERN_LINEAR, 70, SEVERITY_INFO);
        for (int i = 0; i < 60; i++)
                g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 0);
        g_assert_cmpuint(slot->id, ==, 11);

        /* A worse verdict while active escalates the same alert, once. */
        a = analysis(PATTERN_LEAK, 95, SEVERITY_CRITICAL);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 11);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_CRITICAL);
        deliver(slot, &out[0], 11, now);
        g_assert_cmpint(slot->severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 0);

        /* STABLE clears, but only after LEAK_CLEAR_TIME (10 min). */
        a = analysis(PATTERN_STABLE, 90, SEVERITY_NONE);
        usec_t stable_since = now += 60 * SEC;
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now, out), ==, 0);
        for (int i = 1; i < 10; i++)
                g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 0);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100,
                                                stable_since + 10 * USEC_PER_MINUTE - 1, out), ==, 0);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100,
                                                now = stable_since + 10 * USEC_PER_MINUTE, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 11);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_LEAK);
        deliver(slot, &out[0], 0, now);
        g_assert_cmpuint(slot->id, ==, 0);

        /* A LEAK the analyser rates critical is raised as critical. */
        a = analysis(PATTERN_EXPONENTIAL, 95, SEVERITY_CRITICAL);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpstr(out[0].alert.pattern, ==, "exponential");

        /* A low LeakConfidence= still leaves a level to clear at (the margin is at most half of it). */
        rc.leak_confidence = 20;
        unit_alert_state_init(&st, false);
        a = analysis(PATTERN_LEAK, 20, SEVERITY_WARNING);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now += 60 * SEC, out), ==, 1);
        deliver(slot, &out[0], 12, now);
        a = analysis(PATTERN_STABLE, 90, SEVERITY_NONE);
        stable_since = now += 60 * SEC;
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, now, out), ==, 0);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100,
                                                now = stable_since + 10 * USEC_PER_MINUTE, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 12);

        /* LeakConfidence=0 turns it off. */
        rc.leak_confidence = 0;
        unit_alert_state_init(&st, false);
        a = analysis(PATTERN_LEAK, 100, SEVERITY_CRITICAL);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 100, 0, out), ==, 0);
}

static void test_gone(void) {
        RuleConfig rc = default_rules();
        UnitAlertState st;
        AlertChange out[ALERT_CHANGES_MAX];
        usec_t now = 0;

        unit_alert_state_init(&st, false);
        g_assert_cmpuint(evaluate_unit_gone(&st, UNIT, now, out), ==, 0);

        g_assert_cmpuint(feed(&st, &rc, 990, 1000, LIMIT_MAX, now, out), ==, 0);
        g_assert_cmpuint(feed(&st, &rc, 990, 1000, LIMIT_MAX, now += 30 * SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_EMERGENCY);
        deliver(&st.slot[ALERT_USAGE], &out[0], 21, now);

        Analysis a = analysis(PATTERN_LEAK, 90, SEVERITY_WARNING);
        g_assert_cmpuint(evaluate_unit_analysis(&st, &rc, UNIT, &a, 990, now += 10 * SEC, out), ==, 1);
        deliver(&st.slot[ALERT_LEAK], &out[0], 22, now);
        g_assert_cmpuint(alert_slots_active(st.slot), ==, 2);

        now += 100 * SEC;
        size_t n = evaluate_unit_gone(&st, UNIT, now, out);
        g_assert_cmpuint(n, ==, 2);
        g_assert_true(out[0].cleared);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_USAGE);
        g_assert_cmpuint(out[0].alert.id, ==, 21);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_EMERGENCY);
        g_assert_cmpuint(out[0].alert.held, ==, 110 * SEC);
        g_assert_true(out[1].cleared);
        g_assert_cmpint(out[1].alert.kind, ==, ALERT_LEAK);
        g_assert_cmpuint(out[1].alert.id, ==, 22);
        g_assert_cmpuint(out[1].alert.held, ==, 100 * SEC);
        for (size_t i = 0; i < n; i++)
                deliver(&st.slot[out[i].alert.kind], &out[i], 0, now);
        g_assert_cmpuint(alert_slots_active(st.slot), ==, 0);
}

static size_t feed_host(HostAlertState *st, const Config *c, uint64_t avail, usec_t now,
                        AlertChange out[static ALERT_CHANGES_MAX]) {
        HostSample h = { .mem_total = 1000000, .mem_available = avail };
        return evaluate_host(st, c, &h, now, out);
}

static void test_host(void) {
        Config *c = NULL;
        HostAlertState st = { .available = LEVEL_STATE_INIT, .pressure = LEVEL_STATE_INIT };
        AlertChange out[ALERT_CHANGES_MAX];
        AlertSlot *slot = &st.slot[ALERT_HOST_MEMORY];
        usec_t now = 0;

        g_assert_cmpint(config_new_default(&c), ==, 0);

        /* 15 % available: fine. 8 %: below the 10 % line, warns after HoldTime. */
        g_assert_cmpuint(feed_host(&st, c, 150000, now, out), ==, 0);
        g_assert_cmpuint(feed_host(&st, c, 80000, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed_host(&st, c, 80000, now + 29 * SEC, out), ==, 0);
        g_assert_cmpuint(feed_host(&st, c, 80000, now += 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_HOST_MEMORY);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_null(out[0].alert.unit);
        g_assert_cmpstr(out[0].alert.limit_name, ==, "host");
        g_assert_cmpuint(out[0].alert.current, ==, 80000);
        g_assert_cmpuint(out[0].alert.limit, ==, 1000000);
        g_assert_cmpfloat_with_epsilon(out[0].alert.threshold_percent, 10, 1e-9);
        deliver(slot, &out[0], 8, now);

        /* 4 %: below 5 %, critical with the same id. */
        g_assert_cmpuint(feed_host(&st, c, 40000, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed_host(&st, c, 40000, now += 30 * SEC, out), ==, 1);
        g_assert_false(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 8);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpfloat_with_epsilon(out[0].alert.threshold_percent, 5, 1e-9);
        deliver(slot, &out[0], 0, now);

        /* 12 % is above 10 % but within the margin: holds warning. 20 % clears. */
        g_assert_cmpuint(feed_host(&st, c, 120000, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed_host(&st, c, 120000, now += 30 * SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_false(out[0].cleared);
        deliver(slot, &out[0], 0, now);
        g_assert_cmpuint(feed_host(&st, c, 120000, now += 300 * SEC, out), ==, 0);
        g_assert_cmpuint(feed_host(&st, c, 200000, now += SEC, out), ==, 0);
        g_assert_cmpuint(feed_host(&st, c, 200000, now += 30 * SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 8);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);

        /* Host PSI: full avg10 above HostPressureFullAvg10. */
        HostSample h = {
                .mem_total = 1000000, .mem_available = 500000,
                .pressure = { .valid = true, .has_full = true, .full_avg10 = 30, .some_avg10 = 40 },
        };
        now = 0;
        g_assert_cmpuint(evaluate_host(&st, c, &h, now, out), ==, 0);
        g_assert_cmpuint(evaluate_host(&st, c, &h, now += 30 * SEC, out), ==, 1);
        g_assert_cmpint(out[0].alert.kind, ==, ALERT_PRESSURE);
        g_assert_cmpint(out[0].alert.severity, ==, SEVERITY_WARNING);
        g_assert_null(out[0].alert.unit);
        g_assert_cmpfloat(out[0].alert.psi_full_avg10, ==, 30);
        g_assert_cmpfloat(out[0].alert.threshold_percent, ==, 20);
        deliver(&st.slot[ALERT_PRESSURE], &out[0], 9, now);
        h.pressure.full_avg10 = 1;
        g_assert_cmpuint(evaluate_host(&st, c, &h, now += SEC, out), ==, 0);
        g_assert_cmpuint(evaluate_host(&st, c, &h, now += 30 * SEC, out), ==, 1);
        g_assert_true(out[0].cleared);
        g_assert_cmpuint(out[0].alert.id, ==, 9);

        /* Old kernels without the "full" line, and MemTotal 0: no verdict. */
        HostAlertState st2 = { .available = LEVEL_STATE_INIT, .pressure = LEVEL_STATE_INIT };
        HostSample old = { .mem_total = 0, .mem_available = 0,
                           .pressure = { .valid = true, .has_full = false, .full_avg10 = 90 } };
        for (now = 0; now < 5 * USEC_PER_MINUTE; now += 5 * SEC)
                g_assert_cmpuint(evaluate_host(&st2, c, &old, now, out), ==, 0);

        config_free(c);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/evaluate/usage-hold", test_usage_hold);
        g_test_add_func("/evaluate/usage-escalate-clear", test_usage_escalate_and_clear);
        g_test_add_func("/evaluate/usage-bytes", test_usage_bytes);
        g_test_add_func("/evaluate/usage-high", test_usage_high);
        g_test_add_func("/evaluate/usage-unlimited", test_usage_unlimited);
        g_test_add_func("/evaluate/events", test_events);
        g_test_add_func("/evaluate/pressure", test_pressure);
        g_test_add_func("/evaluate/leak", test_leak);
        g_test_add_func("/evaluate/limit-hit-state", test_limit_hit_state);
        g_test_add_func("/evaluate/gone", test_gone);
        g_test_add_func("/evaluate/host", test_host);
        return g_test_run();
}
