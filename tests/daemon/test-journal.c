/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "journal.h"
#include "message-ids.h"

static GPtrArray *captured;

static int capture(const struct iovec *iov, int n, void *userdata) {
        g_ptr_array_set_size(captured, 0);
        for (int i = 0; i < n; i++)
                g_ptr_array_add(captured, g_strndup(iov[i].iov_base, iov[i].iov_len));
        return 0;
}

static gboolean has(const char *f) {
        for (guint i = 0; i < captured->len; i++)
                if (g_str_equal(g_ptr_array_index(captured, i), f))
                        return TRUE;
        return FALSE;
}

static const Alert warn = {
        .id = 7, .kind = ALERT_USAGE, .severity = SEVERITY_WARNING, .unit = "hog.service",
        .current = 58000000, .limit = 67108864, .limit_name = "max", .threshold_percent = 80,
        .held = 2000000,
};

static void test_fields(void) {
        captured = g_ptr_array_new_with_free_func(g_free);
        g_assert_cmpint(journal_send_alert(&warn, false, capture, NULL), ==, 0);
        g_assert_true(has("MESSAGE_ID=" MEMMON_MESSAGE_ALERT_USAGE));
        g_assert_true(has("PRIORITY=4"));
        g_assert_true(has("UNIT=hog.service"));
        g_assert_true(has("MEMMON_SEVERITY=warning"));
        g_assert_true(has("MEMMON_LIMIT_BYTES=67108864"));
        g_assert_true(has("MEMMON_LIMIT=max"));
        g_assert_true(has("MEMMON_CURRENT_BYTES=58000000"));
        g_assert_true(has("MEMMON_THRESHOLD_PERCENT=80"));
        g_assert_true(has("MEMMON_DURATION_USEC=2000000"));

        g_assert_cmpint(journal_send_alert(&warn, true, capture, NULL), ==, 0);
        g_assert_true(has("MESSAGE_ID=" MEMMON_MESSAGE_ALERT_CLEARED));
        g_assert_true(has("MEMMON_ALERT_ID=7"));

        Alert oom = { .id = 8, .kind = ALERT_OOM_KILL, .severity = SEVERITY_CRITICAL, .unit = "x.service", .oom_kill_count = 2 };
        g_assert_cmpint(journal_send_alert(&oom, false, capture, NULL), ==, 0);
        g_assert_true(has("MESSAGE_ID=" MEMMON_MESSAGE_ALERT_OOM_KILL));
        g_assert_true(has("MEMMON_OOM_KILL_COUNT=2"));
        g_assert_true(has("PRIORITY=2"));

        Alert leak = {
                .id = 9, .kind = ALERT_LEAK, .severity = SEVERITY_WARNING, .unit = "leaky.service",
                .current = 50000000, .pattern = "leak", .confidence = 93, .growth_bytes_per_min = 2097152,
                .time_to_limit = 25 * USEC_PER_MINUTE, .forecast_limit = "max", .window = 30 * USEC_PER_MINUTE,
        };
        g_assert_cmpint(journal_send_alert(&leak, false, capture, NULL), ==, 0);
        g_assert_true(has("MESSAGE_ID=" MEMMON_MESSAGE_ALERT_LEAK));
        g_assert_true(has("MESSAGE=leaky.service: memory leak at 2.10 MB/min (confidence 93%), forecast to reach memory.max in 25min."));
        g_assert_true(has("MEMMON_PATTERN=leak"));
        g_assert_true(has("MEMMON_CONFIDENCE=93"));
        g_assert_true(has("MEMMON_GROWTH_BYTES_PER_MIN=2097152"));
        g_assert_true(has("MEMMON_TIME_TO_LIMIT_USEC=1500000000"));
        g_assert_true(has("MEMMON_FORECAST_LIMIT=max"));
        g_assert_true(has("MEMMON_WINDOW_USEC=1800000000"));
        leak.time_to_limit = USEC_INFINITY;
        g_assert_cmpint(journal_send_alert(&leak, false, capture, NULL), ==, 0);
        g_assert_false(has("MEMMON_FORECAST_LIMIT=max"));
        g_assert_true(has("MESSAGE=leaky.service: memory leak at 2.10 MB/min (confidence 93%)."));

        g_assert_cmpint(journal_send_suppressed("x.service", 3, 10, USEC_PER_HOUR, capture, NULL), ==, 0);
        g_assert_true(has("MESSAGE_ID=" MEMMON_MESSAGE_ALERTS_SUPPRESSED));
        g_assert_true(has("MEMMON_SUPPRESSED=3"));
        g_assert_true(has("UNIT=x.service"));

        g_assert_cmpint(journal_send_ready("0.1", 12, 5 * USEC_PER_SEC, true, capture, NULL), ==, 0);
        g_assert_true(has("MESSAGE_ID=" MEMMON_MESSAGE_DAEMON_READY));
        g_assert_true(has("MEMMON_UNITS=12"));

        Alert bad = warn;
        bad.kind = _ALERT_KIND_MAX;
        g_assert_cmpint(journal_send_alert(&bad, false, capture, NULL), <, 0);
        g_ptr_array_unref(captured);
}

/* Only meaningful with a private journald listening (tests/daemon/test-journal.sh). */
static void test_readback(void) {
        sd_journal *j = NULL;
        char match[64];
        const void *d;
        size_t l;
        int r, found = 0;
        Alert a = warn;

        if (!g_getenv("MEMMON_TEST_JOURNALD")) {
                g_test_skip("needs a private journald, run via test-journal.sh");
                return;
        }
        a.id = (uint64_t) getpid();
        g_assert_cmpint(journal_send_alert(&a, false, NULL, NULL), ==, 0);

        snprintf(match, sizeof(match), "MEMMON_ALERT_ID=%llu", (unsigned long long) a.id);
        for (int tries = 0; tries < 50 && !found; tries++) {
                g_assert_cmpint(sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY), ==, 0);
                g_assert_cmpint(sd_journal_add_match(j, match, 0), ==, 0);
                while ((r = sd_journal_next(j)) > 0) {
                        g_assert_cmpint(sd_journal_get_data(j, "MESSAGE_ID", &d, &l), ==, 0);
                        g_assert_cmpmem(d, l, "MESSAGE_ID=" MEMMON_MESSAGE_ALERT_USAGE, strlen("MESSAGE_ID=" MEMMON_MESSAGE_ALERT_USAGE));
                        g_assert_cmpint(sd_journal_get_data(j, "MEMMON_LIMIT_BYTES", &d, &l), ==, 0);
                        g_assert_cmpmem(d, l, "MEMMON_LIMIT_BYTES=67108864", strlen("MEMMON_LIMIT_BYTES=67108864"));
                        g_assert_cmpint(sd_journal_get_data(j, "PRIORITY", &d, &l), ==, 0);
                        g_assert_cmpmem(d, l, "PRIORITY=4", 10);
                        found++;
                }
                sd_journal_close(j);
                if (!found)
                        g_usleep(100000);
        }
        g_assert_cmpint(found, ==, 1);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/journal/fields", test_fields);
        g_test_add_func("/journal/readback", test_readback);
        return g_test_run();
}
