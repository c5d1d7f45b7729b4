/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl-json.h"

/* Prints o in mode and parses it back, so the tests check the text a script would read. */
static json_object *round_trip(json_object *o, JsonMode mode) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        json_object *back;

        g_assert_nonnull(f);
        g_assert_cmpint(json_print(f, o, mode), ==, 0);
        g_assert_cmpint(fclose(f), ==, 0);
        g_assert_true(g_str_has_suffix(buf, "\n"));
        if (mode == JSON_SHORT)
                g_assert_true(strchr(buf, '\n') == buf + size - 1); /* one line */
        back = json_tokener_parse(buf);
        g_assert_nonnull(back);
        free(buf);
        json_object_put(o);
        return back;
}

static json_object *get(json_object *o, const char *key) {
        json_object *v = NULL;

        g_assert_true(json_object_object_get_ex(o, key, &v));
        return v;
}

static void test_modes(void) {
        g_assert_cmpint(json_mode_from_string("short"), ==, JSON_SHORT);
        g_assert_cmpint(json_mode_from_string("pretty"), ==, JSON_PRETTY);
        g_assert_cmpint(json_mode_from_string("off"), ==, _JSON_MODE_INVALID);
        g_assert_cmpint(json_mode_from_string(NULL), ==, _JSON_MODE_INVALID);
}

static void test_manager(void) {
        char *problems[] = { (char *) "PSI triggers refused", NULL };
        ManagerInfo m = {
                .version = (char *) "0.1", .sample_interval = USEC_PER_SEC, .n_units = 7, .n_active_alerts = 1,
                .host_mem_total = 8ULL << 30, .host_pressure_some_avg10 = 0.5, .n_samples = 99,
                .health = (char *) "degraded", .problems = problems,
        };
        json_object *o = NULL;

        g_assert_cmpint(json_build_manager(&m, &o), ==, 0);
        o = round_trip(o, JSON_PRETTY);
        g_assert_cmpstr(json_object_get_string(get(o, "Version")), ==, "0.1");
        g_assert_cmpuint(json_object_get_uint64(get(o, "SampleIntervalUSec")), ==, USEC_PER_SEC);
        g_assert_cmpint(json_object_get_int64(get(o, "NUnits")), ==, 7);
        g_assert_cmpint(json_object_get_int64(get(o, "NActiveAlerts")), ==, 1);
        g_assert_cmpuint(json_object_get_uint64(get(o, "HostMemTotal")), ==, 8ULL << 30);
        g_assert_cmpfloat(json_object_get_double(get(o, "HostPressureSomeAvg10")), ==, 0.5);
        g_assert_cmpuint(json_object_get_uint64(get(o, "NSamples")), ==, 99);
        g_assert_cmpstr(json_object_get_string(get(o, "Health")), ==, "degraded");
        g_assert_cmpint(json_object_array_length(get(o, "HealthProblems")), ==, 1);
        g_assert_cmpstr(json_object_get_string(json_object_array_get_idx(get(o, "HealthProblems"), 0)), ==,
                        "PSI triggers refused");
        json_object_put(o);
}

static void test_units(void) {
        UnitRow rows[] = {
                { .name = (char *) "a.service", .path = (char *) "/org/memmon/Monitor/unit/a_2eservice",
                  .current = 10, .memory_max = CTL_NONE, .pattern = (char *) "leak", .confidence = 90,
                  .growth = -1.5, .time_to_limit = CTL_NONE, .active_alerts = 3 },
        };
        UnitList l = { .rows = rows, .n = 1 };
        json_object *o = NULL, *u;

        g_assert_cmpint(json_build_units(&l, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_true(json_object_is_type(o, json_type_array));
        g_assert_cmpint(json_object_array_length(o), ==, 1);
        u = json_object_array_get_idx(o, 0);
        g_assert_cmpstr(json_object_get_string(get(u, "Name")), ==, "a.service");
        g_assert_cmpstr(json_object_get_string(get(u, "ObjectPath")), ==, "/org/memmon/Monitor/unit/a_2eservice");
        g_assert_cmpuint(json_object_get_uint64(get(u, "Current")), ==, 10);
        /* "none" keeps the API's UINT64_MAX, exactly. */
        g_assert_cmpuint(json_object_get_uint64(get(u, "MemoryMax")), ==, UINT64_MAX);
        g_assert_cmpuint(json_object_get_uint64(get(u, "TimeToLimitUSec")), ==, UINT64_MAX);
        g_assert_cmpfloat(json_object_get_double(get(u, "GrowthBytesPerMinute")), ==, -1.5);
        g_assert_cmpint(json_object_get_int64(get(u, "Confidence")), ==, 90);
        g_assert_cmpint(json_object_get_int64(get(u, "ActiveAlerts")), ==, 3);
        json_object_put(o);

        l.n = 0;
        g_assert_cmpint(json_build_units(&l, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_cmpint(json_object_array_length(o), ==, 0);
        json_object_put(o);
}

static void test_properties(void) {
        Property props[] = {
                { .name = (char *) "Name", .type = 's', .value.s = (char *) "a.service" },
                { .name = (char *) "Current", .type = 't', .value.u64 = 4096 },
                { .name = (char *) "Confidence", .type = 'u', .value.u64 = 12 },
                { .name = (char *) "GrowthBytesPerMinute", .type = 'd', .value.d = 2.5 },
                { .name = (char *) "Flag", .type = 'b', .value.b = true },
                { .name = (char *) "Delta", .type = 'x', .value.i64 = -7 },
        };
        PropertyList l = { .props = props, .n = G_N_ELEMENTS(props) };
        json_object *o = NULL;

        g_assert_cmpint(json_build_properties(&l, &o), ==, 0);
        o = round_trip(o, JSON_PRETTY);
        g_assert_cmpstr(json_object_get_string(get(o, "Name")), ==, "a.service");
        g_assert_cmpuint(json_object_get_uint64(get(o, "Current")), ==, 4096);
        g_assert_cmpuint(json_object_get_uint64(get(o, "Confidence")), ==, 12);
        g_assert_cmpfloat(json_object_get_double(get(o, "GrowthBytesPerMinute")), ==, 2.5);
        g_assert_true(json_object_get_boolean(get(o, "Flag")));
        g_assert_cmpint(json_object_get_int64(get(o, "Delta")), ==, -7);
        json_object_put(o);
}

static void test_history(void) {
        HistoryPoint p[] = {
                { .time = 1000, .current = 30, .anon = 20, .file = 10 },
                { .time = 2000, .current = 10, .anon = 5, .file = 5 },
                { .time = 3000, .current = 20, .anon = 15, .file = 5 },
        };
        History h = { .points = p, .n = 3 };
        json_object *o = NULL, *pts;

        g_assert_cmpint(json_build_history("a.service", &h, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_cmpstr(json_object_get_string(get(o, "Unit")), ==, "a.service");
        g_assert_cmpuint(json_object_get_uint64(get(o, "Min")), ==, 10);
        g_assert_cmpuint(json_object_get_uint64(get(o, "Max")), ==, 30);
        g_assert_cmpuint(json_object_get_uint64(get(o, "Last")), ==, 20);
        g_assert_cmpuint(json_object_get_uint64(get(o, "FirstRealtime")), ==, 1000);
        g_assert_cmpuint(json_object_get_uint64(get(o, "LastRealtime")), ==, 3000);
        pts = get(o, "Points");
        g_assert_cmpint(json_object_array_length(pts), ==, 3);
        g_assert_cmpuint(json_object_get_uint64(get(json_object_array_get_idx(pts, 2), "TimeRealtime")), ==, 3000);
        g_assert_cmpuint(json_object_get_uint64(get(json_object_array_get_idx(pts, 0), "File")), ==, 10);
        json_object_put(o);
}

static void test_alerts_analysis_health_ack(void) {
        AlertRow a[] = {
                { .id = 5, .unit = (char *) "", .kind = (char *) "host-available", .severity = (char *) "critical",
                  .raised = 1, .cleared = 0, .current = 7, .acknowledged = true },
        };
        AlertList l = { .rows = a, .n = 1 };
        AnalysisInfo an = { .pattern = (char *) "linear", .confidence = 40, .growth = 100.0,
                            .time_to_limit = 60 * USEC_PER_SEC, .forecast_limit = (char *) "max",
                            .window = 30 * USEC_PER_MINUTE };
        char *problems[] = { NULL };
        json_object *o = NULL, *x;

        g_assert_cmpint(json_build_alerts(&l, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        x = json_object_array_get_idx(o, 0);
        g_assert_cmpuint(json_object_get_uint64(get(x, "Id")), ==, 5);
        g_assert_cmpstr(json_object_get_string(get(x, "Unit")), ==, "");
        g_assert_cmpstr(json_object_get_string(get(x, "Kind")), ==, "host-available");
        g_assert_cmpstr(json_object_get_string(get(x, "Severity")), ==, "critical");
        g_assert_cmpuint(json_object_get_uint64(get(x, "ClearedRealtime")), ==, 0);
        g_assert_true(json_object_get_boolean(get(x, "Acknowledged")));
        json_object_put(o);

        g_assert_cmpint(json_build_analysis("b.service", &an, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_cmpstr(json_object_get_string(get(o, "Unit")), ==, "b.service");
        g_assert_cmpstr(json_object_get_string(get(o, "Pattern")), ==, "linear");
        g_assert_cmpstr(json_object_get_string(get(o, "ForecastLimit")), ==, "max");
        g_assert_cmpuint(json_object_get_uint64(get(o, "TimeToLimitUSec")), ==, 60 * USEC_PER_SEC);
        g_assert_cmpuint(json_object_get_uint64(get(o, "WindowUSec")), ==, 30 * USEC_PER_MINUTE);
        json_object_put(o);

        g_assert_cmpint(json_build_health("ok", problems, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_cmpstr(json_object_get_string(get(o, "Health")), ==, "ok");
        g_assert_cmpint(json_object_array_length(get(o, "HealthProblems")), ==, 0);
        json_object_put(o);

        g_assert_cmpint(json_build_health("ok", NULL, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_cmpint(json_object_array_length(get(o, "HealthProblems")), ==, 0);
        json_object_put(o);

        g_assert_cmpint(json_build_ack(UINT64_MAX - 1, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_cmpuint(json_object_get_uint64(get(o, "Id")), ==, UINT64_MAX - 1);
        g_assert_true(json_object_get_boolean(get(o, "Acknowledged")));
        json_object_put(o);
}

static void test_escaping(void) {
        AlertRow a[] = { { .unit = (char *) "we\"ird\\x2d\n.service", .kind = (char *) "k", .severity = (char *) "s" } };
        AlertList l = { .rows = a, .n = 1 };
        json_object *o = NULL;

        g_assert_cmpint(json_build_alerts(&l, &o), ==, 0);
        o = round_trip(o, JSON_SHORT);
        g_assert_cmpstr(json_object_get_string(get(json_object_array_get_idx(o, 0), "Unit")), ==,
                        "we\"ird\\x2d\n.service");
        json_object_put(o);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/json/modes", test_modes);
        g_test_add_func("/json/manager", test_manager);
        g_test_add_func("/json/units", test_units);
        g_test_add_func("/json/properties", test_properties);
        g_test_add_func("/json/history", test_history);
        g_test_add_func("/json/alerts-analysis-health-ack", test_alerts_analysis_health_ack);
        g_test_add_func("/json/escaping", test_escaping);
        return g_test_run();
}
