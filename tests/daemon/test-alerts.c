/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "alerts.h"
#include "message-ids.h"

#define HOUR ALERT_BUDGET_INTERVAL

/* Every entry handed to the sink, each a NULL-terminated array of "FIELD=value" strings. */
typedef struct Capture {
        GPtrArray *entries;
        int ret;                /* what the sink returns */
        unsigned calls;
} Capture;

static int capture_sink(const struct iovec *iov, int n, void *userdata) {
        Capture *c = userdata;
        GPtrArray *e = g_ptr_array_new();

        c->calls++;
        if (c->ret < 0)
                return c->ret;
        for (int i = 0; i < n; i++)
                g_ptr_array_add(e, g_strndup(iov[i].iov_base, iov[i].iov_len));
        g_ptr_array_add(e, NULL);
        g_ptr_array_add(c->entries, g_ptr_array_free(e, FALSE));
        return 0;
}

static void capture_init(Capture *c) {
        *c = (Capture) { .entries = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev) };
}

static void capture_done(Capture *c) {
        g_ptr_array_unref(c->entries);
}

static char **entry(const Capture *c, guint i) {
        g_assert_cmpuint(i, <, c->entries->len);
        return g_ptr_array_index(c->entries, i);
}

static gboolean has(char **e, const char *field) {
        return g_strv_contains((const char *const *) e, field);
}

static AlertLog *new_log(Capture *c, size_t capacity, unsigned per_hour) {
        AlertLog *l = NULL;

        g_assert_cmpint(alert_log_new(&l, capacity, per_hour), ==, 0);
        l->sink = capture_sink;
        l->sink_userdata = c;
        return l;
}

static AlertChange raise_change(AlertKind kind, Severity sev, const char *unit, const AlertSlot *slot) {
        return (AlertChange) {
                .alert = {
                        .id = slot->id,
                        .kind = kind,
                        .severity = sev,
                        .unit = unit,
                        .current = 900,
                        .limit = 1000,
                        .limit_name = "max",
                        .threshold_percent = 80,
                        .time_to_limit = USEC_INFINITY,
                },
        };
}

static AlertChange clear_change(AlertKind kind, const char *unit, const AlertSlot *slot) {
        return (AlertChange) {
                .cleared = true,
                .alert = {
                        .id = slot->id,
                        .kind = kind,
                        .severity = slot->severity,
                        .unit = unit,
                        .time_to_limit = USEC_INFINITY,
                },
        };
}

static void test_ids(void) {
        Capture cap;
        AlertLog *l;
        AlertSlot usage = {}, psi = {};
        RateLimit budget = RATELIMIT_INIT(HOUR, 10);
        AlertChange ch;
        usec_t now = 1000;

        capture_init(&cap);
        l = new_log(&cap, 8, 100);
        g_assert_cmpint(alert_log_new(&(AlertLog *) { NULL }, 0, 1), ==, -EINVAL);

        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "a.service", &usage);
        g_assert_cmpuint(alert_log_deliver(l, &usage, &budget, &ch, now), ==, 1);
        g_assert_cmpuint(usage.id, ==, 1);
        g_assert_true(usage.sent);
        g_assert_cmpint(usage.severity, ==, SEVERITY_WARNING);
        g_assert_cmpuint(cap.entries->len, ==, 1);
        g_assert_true(has(entry(&cap, 0), "MESSAGE_ID=" MEMMON_MESSAGE_ALERT_USAGE));
        g_assert_true(has(entry(&cap, 0), "MEMMON_ALERT_ID=1"));
        g_assert_true(has(entry(&cap, 0), "MEMMON_SEVERITY=warning"));
        g_assert_true(has(entry(&cap, 0), "UNIT=a.service"));

        ch = raise_change(ALERT_PRESSURE, SEVERITY_WARNING, "a.service", &psi);
        g_assert_cmpuint(alert_log_deliver(l, &psi, &budget, &ch, now), ==, 2);

        /* A severity update keeps the id and updates the record. */
        ch = raise_change(ALERT_USAGE, SEVERITY_CRITICAL, "a.service", &usage);
        g_assert_cmpuint(ch.alert.id, ==, 1);
        g_assert_cmpuint(alert_log_deliver(l, &usage, &budget, &ch, now + 1), ==, 1);
        g_assert_cmpuint(usage.id, ==, 1);
        g_assert_cmpint(usage.severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpuint(cap.entries->len, ==, 3);
        g_assert_true(has(entry(&cap, 2), "MEMMON_ALERT_ID=1"));
        g_assert_true(has(entry(&cap, 2), "MEMMON_SEVERITY=critical"));
        g_assert_cmpuint(l->n, ==, 2);
        g_assert_cmpint(alert_log_find(l, 1)->severity, ==, SEVERITY_CRITICAL);
        g_assert_cmpuint(alert_log_find(l, 1)->cleared, ==, 0);
        g_assert_cmpstr(alert_log_find(l, 1)->unit, ==, "a.service");

        /* The clear carries the id and frees the slot. */
        ch = clear_change(ALERT_USAGE, "a.service", &usage);
        g_assert_cmpuint(alert_log_deliver(l, &usage, &budget, &ch, now + 2), ==, 1);
        g_assert_cmpuint(usage.id, ==, 0);
        g_assert_cmpuint(cap.entries->len, ==, 4);
        g_assert_true(has(entry(&cap, 3), "MESSAGE_ID=" MEMMON_MESSAGE_ALERT_CLEARED));
        g_assert_true(has(entry(&cap, 3), "MEMMON_ALERT_ID=1"));
        g_assert_true(has(entry(&cap, 3), "MEMMON_SEVERITY=critical"));
        g_assert_cmpuint(alert_log_find(l, 1)->cleared, >, 0);

        /* A new raise in the freed slot gets a new id. */
        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "a.service", &usage);
        g_assert_cmpuint(alert_log_deliver(l, &usage, &budget, &ch, now + 3), ==, 3);

        /* Event alerts get ids but keep no slot; their record is closed at once. */
        AlertSlot oom = {};
        ch = raise_change(ALERT_OOM_KILL, SEVERITY_CRITICAL, "a.service", &oom);
        g_assert_cmpuint(alert_log_deliver(l, &oom, &budget, &ch, now + 4), ==, 4);
        g_assert_cmpuint(oom.id, ==, 0);
        g_assert_cmpuint(alert_log_find(l, 4)->cleared, >, 0);

        g_assert_cmpuint(l->n_raised, ==, 5);
        g_assert_cmpuint(l->n_cleared, ==, 1);
        g_assert_cmpuint(l->n_suppressed, ==, 0);
        alert_log_free(l);
        capture_done(&cap);
}

static void test_unit_budget(void) {
        Capture cap;
        AlertLog *l;
        AlertSlot slot[3] = {};
        static const AlertKind kinds[3] = { ALERT_USAGE, ALERT_PRESSURE, ALERT_LEAK };
        RateLimit budget = RATELIMIT_INIT(HOUR, 2);
        AlertChange ch;
        usec_t now = 5 * HOUR;

        capture_init(&cap);
        l = new_log(&cap, 16, 100);

        for (int i = 0; i < 3; i++) {
                ch = raise_change(kinds[i], SEVERITY_WARNING, "b.service", &slot[i]);
                g_assert_cmpuint(alert_log_deliver(l, &slot[i], &budget, &ch, now + i), ==, i + 1);
        }
        /* The third raise in the hour: id given, not sent, counted. */
        g_assert_cmpuint(cap.entries->len, ==, 2);
        g_assert_cmpuint(l->n_suppressed, ==, 1);
        g_assert_cmpuint(l->n_raised, ==, 3);
        g_assert_true(slot[0].sent);
        g_assert_true(slot[1].sent);
        g_assert_cmpuint(slot[2].id, ==, 3);
        g_assert_false(slot[2].sent);
        g_assert_true(alert_log_find(l, 3)->suppressed);
        g_assert_false(alert_log_find(l, 1)->suppressed);

        /* Its clear is not sent either: nobody saw the raise. */
        ch = clear_change(kinds[2], "b.service", &slot[2]);
        g_assert_cmpuint(alert_log_deliver(l, &slot[2], &budget, &ch, now + 10), ==, 3);
        g_assert_cmpuint(cap.entries->len, ==, 2);
        g_assert_cmpuint(slot[2].id, ==, 0);
        g_assert_cmpuint(alert_log_find(l, 3)->cleared, >, 0);

        /* Nothing to report while the window lasts. */
        alert_log_flush_suppressed(l, "b.service", &budget, now + HOUR - 1);
        g_assert_cmpuint(cap.entries->len, ==, 2);

        /* After the window: exactly one report. */
        alert_log_flush_suppressed(l, "b.service", &budget, now + HOUR);
        g_assert_cmpuint(cap.entries->len, ==, 3);
        char **e = entry(&cap, 2);
        g_assert_true(has(e, "MESSAGE_ID=6a225e7b6e5a4710968cc1eecaa871ac"));
        g_assert_true(has(e, "MEMMON_SUPPRESSED=1"));
        g_assert_true(has(e, "MEMMON_BUDGET=2"));
        g_assert_true(has(e, "UNIT=b.service"));
        alert_log_flush_suppressed(l, "b.service", &budget, now + 2 * HOUR);
        g_assert_cmpuint(cap.entries->len, ==, 3);

        /* A new window sends again. */
        ch = raise_change(kinds[2], SEVERITY_WARNING, "b.service", &slot[2]);
        g_assert_cmpuint(alert_log_deliver(l, &slot[2], &budget, &ch, now + 2 * HOUR), ==, 4);
        g_assert_cmpuint(cap.entries->len, ==, 4);
        g_assert_true(slot[2].sent);

        alert_log_free(l);
        capture_done(&cap);
}

static void test_unit_budget_report_on_next_raise(void) {
        Capture cap;
        AlertLog *l;
        AlertSlot slot[4] = {};
        RateLimit budget = RATELIMIT_INIT(HOUR, 1);
        AlertChange ch;

        capture_init(&cap);
        l = new_log(&cap, 16, 100);
        for (int i = 0; i < 3; i++) {
                ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "c.service", &slot[i]);
                alert_log_deliver(l, &slot[i], &budget, &ch, i);
        }
        g_assert_cmpuint(cap.entries->len, ==, 1);
        g_assert_cmpuint(l->n_suppressed, ==, 2);

        /* No flush: the next raise in a new window reports the backlog first. */
        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "c.service", &slot[3]);
        alert_log_deliver(l, &slot[3], &budget, &ch, HOUR + 5);
        g_assert_cmpuint(cap.entries->len, ==, 3);
        g_assert_true(has(entry(&cap, 1), "MESSAGE_ID=" MEMMON_MESSAGE_ALERTS_SUPPRESSED));
        g_assert_true(has(entry(&cap, 1), "MEMMON_SUPPRESSED=2"));
        g_assert_true(has(entry(&cap, 2), "MESSAGE_ID=" MEMMON_MESSAGE_ALERT_USAGE));
        g_assert_true(has(entry(&cap, 2), "MEMMON_ALERT_ID=4"));

        alert_log_free(l);
        capture_done(&cap);
}

static void test_global_budget(void) {
        Capture cap;
        AlertLog *l;
        AlertSlot slot[6] = {};
        RateLimit budget[6];
        char unit[6][32];
        AlertChange ch;
        usec_t now = 0;

        capture_init(&cap);
        l = new_log(&cap, 16, 3);

        for (int i = 0; i < 5; i++) {
                budget[i] = RATELIMIT_INIT(HOUR, 10);
                g_snprintf(unit[i], sizeof unit[i], "u%d.service", i);
                ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, unit[i], &slot[i]);
                alert_log_deliver(l, &slot[i], &budget[i], &ch, now + i);
        }
        /* Host alerts have no unit budget, but the global one applies. */
        ch = raise_change(ALERT_HOST_MEMORY, SEVERITY_WARNING, NULL, &slot[5]);
        alert_log_deliver(l, &slot[5], NULL, &ch, now + 5);

        g_assert_cmpuint(cap.entries->len, ==, 3);
        g_assert_cmpuint(l->n_suppressed, ==, 3);
        g_assert_cmpuint(l->n_raised, ==, 6);
        g_assert_false(slot[3].sent);
        g_assert_false(slot[5].sent);

        /* The per-unit budgets refused nothing: nothing to report for them. */
        for (int i = 0; i < 5; i++)
                alert_log_flush_suppressed(l, unit[i], &budget[i], now + 2 * HOUR);
        g_assert_cmpuint(cap.entries->len, ==, 3);

        alert_log_flush_suppressed(l, NULL, &l->global, now + HOUR);
        g_assert_cmpuint(cap.entries->len, ==, 4);
        char **e = entry(&cap, 3);
        g_assert_true(has(e, "MESSAGE_ID=" MEMMON_MESSAGE_ALERTS_SUPPRESSED));
        g_assert_true(has(e, "MEMMON_SUPPRESSED=3"));
        g_assert_true(has(e, "MEMMON_BUDGET=3"));
        for (char **f = e; *f; f++)
                g_assert_false(g_str_has_prefix(*f, "UNIT="));

        /* alert_log_set_budget() changes the global burst. */
        alert_log_set_budget(l, 0);
        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "z.service", &(AlertSlot) {});
        alert_log_deliver(l, &(AlertSlot) {}, NULL, &ch, now + 3 * HOUR);
        g_assert_cmpuint(cap.entries->len, ==, 4);
        g_assert_cmpuint(l->n_suppressed, ==, 4);

        alert_log_free(l);
        capture_done(&cap);
}

static void test_clear_always_sent(void) {
        Capture cap;
        AlertLog *l;
        AlertSlot a = {}, b = {}, host = {};
        RateLimit budget = RATELIMIT_INIT(HOUR, 1);
        AlertChange ch;

        capture_init(&cap);
        l = new_log(&cap, 16, 2);

        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "d.service", &a);
        alert_log_deliver(l, &a, &budget, &ch, 0);
        ch = raise_change(ALERT_HOST_MEMORY, SEVERITY_WARNING, NULL, &host);
        alert_log_deliver(l, &host, NULL, &ch, 1);
        /* Both budgets are now exhausted. */
        ch = raise_change(ALERT_PRESSURE, SEVERITY_WARNING, "d.service", &b);
        alert_log_deliver(l, &b, &budget, &ch, 2);
        ch = raise_change(ALERT_HOST_MEMORY, SEVERITY_CRITICAL, NULL, &host);
        alert_log_deliver(l, &host, NULL, &ch, 3);
        g_assert_cmpuint(cap.entries->len, ==, 2);
        g_assert_cmpuint(l->n_suppressed, ==, 2);
        /* A suppressed update of a sent raise keeps the slot sent. */
        g_assert_true(host.sent);
        g_assert_cmpint(host.severity, ==, SEVERITY_CRITICAL);

        ch = clear_change(ALERT_USAGE, "d.service", &a);
        alert_log_deliver(l, &a, &budget, &ch, 4);
        ch = clear_change(ALERT_HOST_MEMORY, NULL, &host);
        alert_log_deliver(l, &host, NULL, &ch, 5);
        g_assert_cmpuint(cap.entries->len, ==, 4);
        g_assert_true(has(entry(&cap, 2), "MESSAGE_ID=" MEMMON_MESSAGE_ALERT_CLEARED));
        g_assert_true(has(entry(&cap, 2), "MEMMON_ALERT_ID=1"));
        g_assert_true(has(entry(&cap, 3), "MESSAGE_ID=" MEMMON_MESSAGE_ALERT_CLEARED));
        g_assert_true(has(entry(&cap, 3), "MEMMON_ALERT_ID=2"));
        g_assert_true(has(entry(&cap, 3), "MEMMON_SEVERITY=critical"));
        g_assert_cmpuint(l->n_suppressed, ==, 2);
        g_assert_cmpuint(l->n_cleared, ==, 2);

        alert_log_free(l);
        capture_done(&cap);
}

static void test_ring(void) {
        Capture cap;
        AlertLog *l;
        AlertChange ch;

        capture_init(&cap);
        l = new_log(&cap, 4, 1000);

        g_assert_null(alert_log_get(l, 0));
        for (int i = 0; i < 6; i++) {
                AlertSlot s = {};
                ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "e.service", &s);
                ch.alert.current = 100 + i;
                g_assert_cmpuint(alert_log_deliver(l, &s, NULL, &ch, i), ==, i + 1);
                g_assert_cmpuint(l->n, ==, MIN(i + 1, 4));
                g_assert_cmpuint(alert_log_get(l, 0)->id, ==, i + 1);
        }
        g_assert_cmpuint(l->n, ==, 4);
        for (size_t i = 0; i < 4; i++) {
                g_assert_cmpuint(alert_log_get(l, i)->id, ==, 6 - i);
                g_assert_cmpuint(alert_log_get(l, i)->current, ==, 105 - i);
        }
        g_assert_null(alert_log_get(l, 4));
        g_assert_null(alert_log_find(l, 1));
        g_assert_null(alert_log_find(l, 2));
        g_assert_nonnull(alert_log_find(l, 3));
        g_assert_nonnull(alert_log_find(l, 6));
        g_assert_null(alert_log_find(l, 7));

        /* With room to grow (alert_log_set_max), active alerts are kept: 6 in a log of 4, up to 8. */
        {
                AlertLog *g = new_log(&cap, 4, 1000);

                alert_log_set_max(g, 8);
                for (int i = 0; i < 10; i++) {
                        AlertSlot s = {};
                        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "g.service", &s);
                        ch.alert.current = 100 + i;
                        g_assert_cmpuint(alert_log_deliver(g, &s, NULL, &ch, i), ==, i + 1);
                        g_assert_cmpuint(g->n, ==, MIN(i + 1, 8));
                        g_assert_cmpuint(alert_log_get(g, 0)->id, ==, i + 1);
                }
                for (size_t i = 0; i < 8; i++) {
                        g_assert_cmpuint(alert_log_get(g, i)->id, ==, 10 - i);
                        g_assert_cmpuint(alert_log_get(g, i)->current, ==, 109 - i);
                }
                g_assert_cmpuint(g->capacity, ==, 8);
                g_assert_null(alert_log_find(g, 2));
                g_assert_nonnull(alert_log_find(g, 3));
                alert_log_free(g);
        }

        /* Clearing an alert that fell out of the ring is fine. */
        AlertSlot old = { .id = 1, .severity = SEVERITY_WARNING, .sent = true };
        ch = clear_change(ALERT_USAGE, "e.service", &old);
        g_assert_cmpuint(alert_log_deliver(l, &old, NULL, &ch, 10), ==, 1);
        g_assert_cmpuint(old.id, ==, 0);
        g_assert_cmpuint(l->n, ==, 4);

        alert_log_free(l);

        /* An active alert survives any number of later ones that were cleared. */
        l = new_log(&cap, 4, 1000);
        AlertSlot keep = {};
        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "keep.service", &keep);
        uint64_t kept = alert_log_deliver(l, &keep, NULL, &ch, 0);
        for (int i = 0; i < 20; i++) {
                AlertSlot s = {};
                ch = raise_change(ALERT_PRESSURE, SEVERITY_WARNING, "churn.service", &s);
                alert_log_deliver(l, &s, NULL, &ch, i);
                ch = clear_change(ALERT_PRESSURE, "churn.service", &s);
                alert_log_deliver(l, &s, NULL, &ch, i);
        }
        g_assert_cmpuint(l->n, ==, 4);
        g_assert_nonnull(alert_log_find(l, kept));
        g_assert_cmpuint(alert_log_find(l, kept)->cleared, ==, 0);

        /* Suppressed OOM kills are counted, not logged. */
        alert_log_free(l);
        l = new_log(&cap, 4, 1);
        for (int i = 0; i < 10; i++) {
                AlertSlot s = {};
                ch = raise_change(ALERT_OOM_KILL, SEVERITY_CRITICAL, "loop.service", &s);
                alert_log_deliver(l, &s, NULL, &ch, i);
        }
        g_assert_cmpuint(l->n, ==, 1);
        g_assert_cmpuint(l->n_suppressed, ==, 9);

        alert_log_free(l);
        capture_done(&cap);
}

static void test_send_error(void) {
        Capture cap;
        AlertLog *l;
        AlertSlot a = {}, b = {};
        AlertChange ch;

        capture_init(&cap);
        l = new_log(&cap, 4, 1000);
        cap.ret = -ENOENT;

        ch = raise_change(ALERT_USAGE, SEVERITY_WARNING, "f.service", &a);
        g_assert_cmpuint(alert_log_deliver(l, &a, NULL, &ch, 0), ==, 1);
        ch = raise_change(ALERT_PRESSURE, SEVERITY_WARNING, "f.service", &b);
        g_assert_cmpuint(alert_log_deliver(l, &b, NULL, &ch, 1), ==, 2);
        ch = clear_change(ALERT_USAGE, "f.service", &a);
        alert_log_deliver(l, &a, NULL, &ch, 2);
        g_assert_cmpuint(cap.calls, ==, 3);
        g_assert_cmpuint(l->n_send_errors, ==, 3);
        g_assert_cmpint(l->last_send_error, ==, -ENOENT);
        g_assert_cmpuint(l->n_raised, ==, 2);
        g_assert_cmpuint(l->n_suppressed, ==, 0);
        g_assert_nonnull(alert_log_find(l, 2));

        /* The journal is back. */
        cap.ret = 0;
        ch = clear_change(ALERT_PRESSURE, "f.service", &b);
        alert_log_deliver(l, &b, NULL, &ch, 3);
        g_assert_cmpuint(cap.entries->len, ==, 1);
        g_assert_cmpuint(l->n_send_errors, ==, 3);
        g_assert_cmpint(l->last_send_error, ==, 0);

        alert_log_free(l);
        capture_done(&cap);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/alerts/ids", test_ids);
        g_test_add_func("/alerts/unit-budget", test_unit_budget);
        g_test_add_func("/alerts/unit-budget-report-on-next-raise", test_unit_budget_report_on_next_raise);
        g_test_add_func("/alerts/global-budget", test_global_budget);
        g_test_add_func("/alerts/clear-always-sent", test_clear_always_sent);
        g_test_add_func("/alerts/ring", test_ring);
        g_test_add_func("/alerts/send-error", test_send_error);
        return g_test_run();
}
