/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "render.h"
#include "terminal.h"

static const RenderOptions plain = { .legend = true, .width = 80 };

#define RENDER(call)                                                    \
        ({                                                              \
                char *_buf = NULL;                                      \
                size_t _size = 0;                                       \
                FILE *f = open_memstream(&_buf, &_size);                \
                g_assert_nonnull(f);                                    \
                g_assert_cmpint(call, ==, 0);                           \
                g_assert_cmpint(fclose(f), ==, 0);                      \
                _buf;                                                   \
        })

static UnitRow unit_rows[] = {
        { .name = (char *) "small.service", .current = 1024, .peak = 2048, .memory_max = CTL_NONE,
          .pattern = (char *) "stable", .confidence = 10, .growth = 0, .time_to_limit = CTL_NONE },
        { .name = (char *) "big.service", .current = 900ULL << 20, .peak = 950ULL << 20, .memory_max = 1000ULL << 20,
          .pattern = (char *) "leak", .confidence = 95, .growth = 1258291.2,
          .time_to_limit = 2 * USEC_PER_HOUR + 5 * USEC_PER_MINUTE, .active_alerts = 2 },
        { .name = (char *) "also-small.service", .current = 1024, .peak = 1024, .memory_max = 4096,
          .pattern = (char *) "unknown", .time_to_limit = CTL_NONE },
};

static void test_units(void) {
        UnitList l = { .rows = unit_rows, .n = G_N_ELEMENTS(unit_rows) };
        g_autofree char *s = NULL, *bare = NULL, *colored = NULL;

        unit_list_sort(&l);
        g_assert_cmpstr(l.rows[0].name, ==, "big.service");
        g_assert_cmpstr(l.rows[1].name, ==, "also-small.service"); /* equal sizes: by name */
        g_assert_cmpstr(l.rows[2].name, ==, "small.service");

        s = RENDER(render_units(f, &l, &plain));
        g_assert_cmpstr(s, ==,
                "NAME               CURRENT   PEAK   LIMIT %LIMIT PATTERN CONF    GROWTH     TTL ALERTS\n"
                "big.service         900.0M 950.0M 1000.0M    90% leak     95% +1.2M/min 2h 5min      2\n"
                "also-small.service    1.0K   1.0K    4.0K    25% unknown   0%     0/min       -      0\n"
                "small.service         1.0K   2.0K       -      - stable   10%     0/min       -      0\n"
                "\n"
                "3 units listed, 900.0M in total.\n");

        bare = RENDER(render_units(f, &l, &(RenderOptions) { .legend = false }));
        g_assert_true(g_str_has_prefix(bare, "big.service "));
        g_assert_null(strstr(bare, "NAME"));
        g_assert_null(strstr(bare, "listed"));

        colored = RENDER(render_units(f, &l, &(RenderOptions) { .legend = true, .colors = true }));
        g_assert_nonnull(strstr(colored, ANSI_HIGHLIGHT_RED "90%" ANSI_NORMAL));
        g_assert_nonnull(strstr(colored, ANSI_HIGHLIGHT_RED "leak" ANSI_NORMAL));
        g_assert_nonnull(strstr(colored, ANSI_HIGHLIGHT_RED "2" ANSI_NORMAL "\n"));
        g_assert_null(strstr(colored, ANSI_HIGHLIGHT_RED "0" ANSI_NORMAL));
}

static void test_units_empty(void) {
        UnitList l = {};
        g_autofree char *s = RENDER(render_units(f, &l, &plain));
        g_autofree char *bare = RENDER(render_units(f, &l, &(RenderOptions) {}));

        g_assert_cmpstr(s, ==, "0 units listed, 0B in total.\n");
        g_assert_cmpstr(bare, ==, "");
}

static void test_status(void) {
        char *problems[] = { (char *) "PSI triggers were refused by the kernel.", NULL };
        ManagerInfo m = {
                .version = (char *) "0.1", .sample_interval = USEC_PER_SEC, .n_units = 42, .n_active_alerts = 2,
                .host_mem_total = 8ULL << 30, .host_mem_available = 2ULL << 30, .host_swap_total = 0,
                .host_pressure_some_avg10 = 1.5, .host_pressure_full_avg10 = 0.25, .own_rss = 3 << 20,
                .n_samples = 1234, .health = (char *) "degraded", .problems = problems,
        };
        g_autofree char *s = RENDER(render_status(f, &m, &plain));
        g_autofree char *c = RENDER(render_status(f, &m, &(RenderOptions) { .colors = true }));

        g_assert_cmpstr(s, ==,
                "● memmond 0.1\n"
                "      Health: degraded\n"
                "              PSI triggers were refused by the kernel.\n"
                "       Units: 42 watched, sampled every 1s\n"
                "      Alerts: 2 active\n"
                "      Memory: 2.0G available of 8.0G (25%)\n"
                "        Swap: none\n"
                "    Pressure: some 1.50%, full 0.25% (avg10)\n"
                " memmond RSS: 3.0M\n"
                "     Samples: 1234\n");
        g_assert_true(g_str_has_prefix(c, ANSI_HIGHLIGHT_YELLOW "●" ANSI_NORMAL));
        g_assert_nonnull(strstr(c, ANSI_HIGHLIGHT_RED "2 active" ANSI_NORMAL));

        m.host_swap_total = 2ULL << 30;
        m.host_swap_free = 1ULL << 30;
        m.problems = NULL;
        m.health = (char *) "ok";
        g_free(s);
        s = RENDER(render_status(f, &m, &plain));
        g_assert_nonnull(strstr(s, "        Swap: 1.0G free of 2.0G\n"));
        g_assert_nonnull(strstr(s, "      Health: ok\n       Units:"));
}

static void test_properties(void) {
        Property props[] = {
                { .name = (char *) "Name", .type = 's', .value.s = (char *) "a.service" },
                { .name = (char *) "Current", .type = 't', .value.u64 = 12897485 },
                { .name = (char *) "MemoryMax", .type = 't', .value.u64 = UINT64_MAX },
                { .name = (char *) "EventsOomKill", .type = 't', .value.u64 = 3 },
                { .name = (char *) "PressureSomeAvg10", .type = 'd', .value.d = 12.5 },
                { .name = (char *) "Confidence", .type = 'u', .value.u64 = 87 },
                { .name = (char *) "GrowthBytesPerMinute", .type = 'd', .value.d = -2048 },
                { .name = (char *) "TimeToLimitUSec", .type = 't', .value.u64 = UINT64_MAX },
                { .name = (char *) "ForecastLimit", .type = 's', .value.s = (char *) "" },
                /* Not known to this memmonctl: rendered by naming convention and type. */
                { .name = (char *) "StartedRealtime", .type = 't', .value.u64 = 1714564984ULL * USEC_PER_SEC },
                { .name = (char *) "QuietUSec", .type = 't', .value.u64 = 90 * USEC_PER_SEC },
                { .name = (char *) "CacheBytes", .type = 't', .value.u64 = 2048 },
                { .name = (char *) "Ratio", .type = 'd', .value.d = 0.5 },
                { .name = (char *) "Enabled", .type = 'b', .value.b = true },
        };
        PropertyList l = { .props = props, .n = G_N_ELEMENTS(props) };
        g_autofree char *s = RENDER(render_properties(f, &l, &plain));

        g_assert_cmpstr(s, ==,
                "                Name: a.service\n"
                "             Current: 12.3M\n"
                "           MemoryMax: infinity\n"
                "       EventsOomKill: 3\n"
                "   PressureSomeAvg10: 12.50%\n"
                "          Confidence: 87%\n"
                "GrowthBytesPerMinute: -2.0K/min\n"
                "     TimeToLimitUSec: -\n"
                "       ForecastLimit: -\n"
                "     StartedRealtime: Wed 2024-05-01 12:03:04 UTC\n"
                "           QuietUSec: 1min 30s\n"
                "          CacheBytes: 2.0K\n"
                "               Ratio: 0.5\n"
                "             Enabled: yes\n");
        g_assert_nonnull(property_list_find(&l, "Ratio"));
        g_assert_null(property_list_find(&l, "Nope"));
}

static void test_history(void) {
        HistoryPoint p[8];
        History h = { .points = p, .n = G_N_ELEMENTS(p) };
        g_autofree char *s = NULL, *bare = NULL, *narrow = NULL, *empty = NULL;

        for (size_t i = 0; i < G_N_ELEMENTS(p); i++)
                p[i] = (HistoryPoint) { .time = (1714564984ULL + 60 * i) * USEC_PER_SEC, .current = (i + 1) << 20 };

        s = RENDER(render_history(f, "a.service", &h, &plain));
        g_assert_cmpstr(s, ==,
                "a.service: 8 points from Wed 2024-05-01 12:03:04 UTC to Wed 2024-05-01 12:10:04 UTC (7min)\n"
                "▁▂▃▄▅▆▇█\n"
                "min 1.0M, max 8.0M, last 8.0M\n");

        bare = RENDER(render_history(f, "a.service", &h, &(RenderOptions) { .width = 80 }));
        g_assert_cmpstr(bare, ==, "▁▂▃▄▅▆▇█\n");

        /* Scaled to the terminal width: pairs of points, each cell their larger one, 2M..8M. */
        narrow = RENDER(render_history(f, "a.service", &h, &(RenderOptions) { .width = 4 }));
        g_assert_cmpstr(narrow, ==, "▁▃▆█\n");

        h.n = 0;
        empty = RENDER(render_history(f, "a.service", &h, &plain));
        g_assert_cmpstr(empty, ==, "No history for a.service in that time range.\n");
}

static void test_alerts(void) {
        AlertRow a[] = {
                { .id = 12, .unit = (char *) "db.service", .kind = (char *) "leak", .severity = (char *) "critical",
                  .raised = 1714564984ULL * USEC_PER_SEC, .current = 5 << 20 },
                { .id = 3, .unit = (char *) "", .kind = (char *) "host", .severity = (char *) "warning",
                  .raised = 1714564000ULL * USEC_PER_SEC, .cleared = 1714564500ULL * USEC_PER_SEC,
                  .current = 1 << 30, .acknowledged = true },
        };
        AlertList l = { .rows = a, .n = G_N_ELEMENTS(a) };
        g_autofree char *s = NULL, *all = NULL, *none = NULL, *c = NULL;

        alert_list_sort(&l);
        g_assert_cmpuint(l.rows[0].id, ==, 3);

        s = RENDER(render_alerts(f, &l, false, &plain));
        g_assert_cmpstr(s, ==,
                "ID UNIT       KIND SEVERITY RAISED              CURRENT ACK\n"
                " 3 (host)     host warning  2024-05-01 11:46:40    1.0G yes\n"
                "12 db.service leak critical 2024-05-01 12:03:04    5.0M no\n"
                "\n"
                "2 active alerts listed.\n");
        all = RENDER(render_alerts(f, &l, true, &plain));
        g_assert_nonnull(strstr(all, " ACK CLEARED\n"));
        g_assert_nonnull(strstr(all, " yes 2024-05-01 11:55:00\n"));
        g_assert_nonnull(strstr(all, " no  -\n"));
        g_assert_nonnull(strstr(all, "2 alerts listed."));

        /* Only an active alert's severity is coloured. */
        c = RENDER(render_alerts(f, &l, true, &(RenderOptions) { .legend = true, .colors = true }));
        g_assert_nonnull(strstr(c, ANSI_HIGHLIGHT_RED "critical" ANSI_NORMAL));
        g_assert_null(strstr(c, ANSI_HIGHLIGHT_YELLOW "warning"));

        l.n = 0;
        none = RENDER(render_alerts(f, &l, false, &plain));
        g_assert_cmpstr(none, ==, "No active alerts.\n");
}

static void test_analysis(void) {
        AnalysisInfo a = { .pattern = (char *) "leak", .confidence = 87, .growth = 1258291.2,
                           .time_to_limit = 2 * USEC_PER_HOUR + 5 * USEC_PER_MINUTE,
                           .forecast_limit = (char *) "max", .window = 30 * USEC_PER_MINUTE };
        g_autofree char *s = RENDER(render_analysis(f, "db.service", &a, &plain));
        g_autofree char *none = NULL;

        g_assert_cmpstr(s, ==,
                "db.service: leak, confidence 87%\n"
                "      Growth: +1.2M/min\n"
                "    Forecast: reaches memory.max in 2h 5min\n"
                "      Window: 30min\n");

        a.time_to_limit = CTL_NONE;
        none = RENDER(render_analysis(f, "db.service", &a, &plain));
        g_assert_nonnull(strstr(none, "    Forecast: none\n"));
}

static void test_health(void) {
        char *problems[] = { (char *) "No sample for 12s.", NULL };
        g_autofree char *s = RENDER(render_health(f, "failing", problems, &plain));
        g_autofree char *ok = RENDER(render_health(f, "ok", NULL, &(RenderOptions) { .colors = true }));

        g_assert_cmpstr(s, ==, "failing\n  No sample for 12s.\n");
        g_assert_cmpstr(ok, ==, ANSI_HIGHLIGHT_GREEN "ok" ANSI_NORMAL "\n");
        g_assert_cmpstr(health_color("degraded"), ==, ANSI_HIGHLIGHT_YELLOW);
        g_assert_cmpstr(health_color("something new"), ==, ANSI_HIGHLIGHT_RED);
        g_assert_null(severity_color("info"));
        g_assert_null(pattern_color("stable"));
}

static void test_manager_from_properties(void) {
        Property props[] = {
                { .name = (char *) "Version", .type = 's', .value.s = (char *) "0.2" },
                { .name = (char *) "NUnits", .type = 'u', .value.u64 = 5 },
                { .name = (char *) "HostMemTotal", .type = 't', .value.u64 = 1000 },
                { .name = (char *) "HostPressureFullAvg10", .type = 'd', .value.d = 3.0 },
                /* Wrong type: ignored, not misread. */
                { .name = (char *) "OwnRSS", .type = 's', .value.s = (char *) "lots" },
                { .name = (char *) "Health", .type = 's', .value.s = (char *) "ok" },
        };
        PropertyList l = { .props = props, .n = G_N_ELEMENTS(props) };
        _cleanup_(manager_info_done) ManagerInfo m = {};

        g_assert_cmpint(manager_info_from_properties(&l, &m), ==, 0);
        g_assert_cmpstr(m.version, ==, "0.2");
        g_assert_cmpuint(m.n_units, ==, 5);
        g_assert_cmpuint(m.host_mem_total, ==, 1000);
        g_assert_cmpfloat(m.host_pressure_full_avg10, ==, 3.0);
        g_assert_cmpuint(m.own_rss, ==, 0);
        g_assert_cmpuint(m.n_samples, ==, 0);
        g_assert_cmpstr(m.health, ==, "ok");

        l.n = 0;
        g_assert_cmpint(manager_info_from_properties(&l, &m), ==, 0);
        g_assert_cmpstr(m.version, ==, "");
        g_assert_cmpuint(m.n_units, ==, 0);
}

static void test_history_summary(void) {
        HistoryPoint p[] = { { .time = 5, .current = 7 }, { .time = 6, .current = 3 }, { .time = 9, .current = 4 } };
        History h = { .points = p, .n = 3 };
        HistorySummary s;

        history_summarize(&h, &s);
        g_assert_cmpuint(s.min, ==, 3);
        g_assert_cmpuint(s.max, ==, 7);
        g_assert_cmpuint(s.last, ==, 4);
        g_assert_cmpuint(s.first_time, ==, 5);
        g_assert_cmpuint(s.last_time, ==, 9);
        h.n = 0;
        history_summarize(&h, &s);
        g_assert_cmpuint(s.min, ==, 0);
        g_assert_cmpuint(s.max, ==, 0);
}

int main(int argc, char *argv[]) {
        setenv("TZ", "UTC", 1);
        tzset();
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/render/units", test_units);
        g_test_add_func("/render/units-empty", test_units_empty);
        g_test_add_func("/render/status", test_status);
        g_test_add_func("/render/properties", test_properties);
        g_test_add_func("/render/history", test_history);
        g_test_add_func("/render/alerts", test_alerts);
        g_test_add_func("/render/analysis", test_analysis);
        g_test_add_func("/render/health", test_health);
        g_test_add_func("/types/manager-from-properties", test_manager_from_properties);
        g_test_add_func("/types/history-summary", test_history_summary);
        return g_test_run();
}
