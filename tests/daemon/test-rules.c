/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>

#include "rules.h"

static const LevelRule rule = {
        .threshold = { [SEVERITY_WARNING] = 80, [SEVERITY_CRITICAL] = 90, [SEVERITY_EMERGENCY] = 95 },
        .clear_margin = 5,
        .hold_time = 30 * USEC_PER_SEC,
        .clear_time = 30 * USEC_PER_SEC,
};

static void test_target(void) {
        g_assert_cmpint(level_rule_target(&rule, 10), ==, SEVERITY_NONE);
        g_assert_cmpint(level_rule_target(&rule, 80), ==, SEVERITY_WARNING);
        g_assert_cmpint(level_rule_target(&rule, 91), ==, SEVERITY_CRITICAL);
        g_assert_cmpint(level_rule_target(&rule, 100), ==, SEVERITY_EMERGENCY);
}

static void test_hold_then_fire(void) {
        LevelState s = LEVEL_STATE_INIT;
        LevelTransition t;
        usec_t now = 1000 * USEC_PER_SEC;

        /* A 10 s peak does not fire. */
        g_assert_false(level_rule_eval(&rule, &s, 85, now, &t));
        g_assert_false(level_rule_eval(&rule, &s, 85, now + 10 * USEC_PER_SEC, &t));
        g_assert_false(level_rule_eval(&rule, &s, 50, now + 15 * USEC_PER_SEC, &t));
        g_assert_false(level_rule_eval(&rule, &s, 85, now + 40 * USEC_PER_SEC, &t));   /* hold restarts */
        g_assert_true(level_rule_eval(&rule, &s, 86, now + 70 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.from, ==, SEVERITY_NONE);
        g_assert_cmpint(t.to, ==, SEVERITY_WARNING);
        g_assert_cmpuint(t.held, ==, 30 * USEC_PER_SEC);
        g_assert_cmpint(s.active, ==, SEVERITY_WARNING);
}

static void test_hysteresis(void) {
        LevelState s = LEVEL_STATE_INIT;
        LevelTransition t;
        usec_t now = 0;

        g_assert_false(level_rule_eval(&rule, &s, 85, now, &t));
        g_assert_true(level_rule_eval(&rule, &s, 85, now += 30 * USEC_PER_SEC, &t));
        /* Hovering between 76 and 80: inside the margin, never clears. */
        for (int i = 0; i < 20; i++)
                g_assert_false(level_rule_eval(&rule, &s, i % 2 ? 76 : 79, now += 10 * USEC_PER_SEC, &t));
        g_assert_cmpint(s.active, ==, SEVERITY_WARNING);
        /* Clearly below for clear_time: clears once. */
        g_assert_false(level_rule_eval(&rule, &s, 60, now += 10 * USEC_PER_SEC, &t));
        g_assert_false(level_rule_eval(&rule, &s, 60, now += 10 * USEC_PER_SEC, &t));
        g_assert_true(level_rule_eval(&rule, &s, 60, now += 20 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.to, ==, SEVERITY_NONE);
        g_assert_false(level_rule_eval(&rule, &s, 60, now += 60 * USEC_PER_SEC, &t));
}

static void test_escalate(void) {
        LevelState s = LEVEL_STATE_INIT;
        LevelTransition t;
        usec_t now = 0;

        g_assert_false(level_rule_eval(&rule, &s, 97, now, &t));
        g_assert_true(level_rule_eval(&rule, &s, 97, now += 30 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.to, ==, SEVERITY_EMERGENCY);
        /* 89 is below the emergency band (95 - 5) but within the critical one (90 - 5). */
        g_assert_false(level_rule_eval(&rule, &s, 89, now += USEC_PER_SEC, &t));
        g_assert_true(level_rule_eval(&rule, &s, 89, now += 30 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.from, ==, SEVERITY_EMERGENCY);
        g_assert_cmpint(t.to, ==, SEVERITY_CRITICAL);
}

/* A hold yields the level the value kept all along, in either direction. */
static void test_held_level(void) {
        LevelState s = LEVEL_STATE_INIT;
        LevelTransition t;
        usec_t now = 1000 * USEC_PER_SEC;

        /* 85 % for 29 s, then 96 % for 1 s: a warning (held 30 s), not an emergency. */
        g_assert_false(level_rule_eval(&rule, &s, 85, now, &t));
        g_assert_false(level_rule_eval(&rule, &s, 96, now + 29 * USEC_PER_SEC, &t));
        g_assert_true(level_rule_eval(&rule, &s, 96, now + 30 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.to, ==, SEVERITY_WARNING);
        /* The emergency needs a hold of its own. */
        g_assert_false(level_rule_eval(&rule, &s, 96, now + 31 * USEC_PER_SEC, &t));
        g_assert_false(level_rule_eval(&rule, &s, 96, now + 60 * USEC_PER_SEC, &t));
        g_assert_true(level_rule_eval(&rule, &s, 96, now + 61 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.to, ==, SEVERITY_EMERGENCY);

        /* Emergency, then 10 s in the critical band and 20 s at 10 %: down to critical only. */
        now += 100 * USEC_PER_SEC;
        g_assert_false(level_rule_eval(&rule, &s, 87, now, &t));    /* critical with the margin */
        g_assert_false(level_rule_eval(&rule, &s, 10, now + 10 * USEC_PER_SEC, &t));
        g_assert_true(level_rule_eval(&rule, &s, 10, now + 30 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.from, ==, SEVERITY_EMERGENCY);
        g_assert_cmpint(t.to, ==, SEVERITY_CRITICAL);
        g_assert_false(level_rule_eval(&rule, &s, 10, now + 31 * USEC_PER_SEC, &t));
        g_assert_true(level_rule_eval(&rule, &s, 10, now + 61 * USEC_PER_SEC, &t));
        g_assert_cmpint(t.to, ==, SEVERITY_NONE);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/rules/target", test_target);
        g_test_add_func("/rules/hold-then-fire", test_hold_then_fire);
        g_test_add_func("/rules/hysteresis", test_hysteresis);
        g_test_add_func("/rules/escalate", test_escalate);
        g_test_add_func("/rules/held-level", test_held_level);
        return g_test_run();
}
