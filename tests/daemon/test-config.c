/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "config.h"

static void test_defaults(void) {
        Config *c = NULL;
        g_assert_cmpint(config_new_default(&c), ==, 0);
        g_assert_cmpuint(c->sample_interval, ==, 5 * USEC_PER_SEC);
        g_assert_cmpuint(c->max_pressure_triggers, ==, 512);
        g_assert_cmpint(config_verify(c, "defaults"), ==, 0);
        config_free(c);
        g_assert_null(config_free(NULL));
}

static void test_parse_and_override(void) {
        Config *c = NULL;
        RuleConfig rc;

        g_assert_cmpint(config_new_default(&c), ==, 0);
        g_assert_cmpint(config_parse_text(c, "t.conf",
                "# comment\n[Monitor]\nSampleInterval=1s\nInclude=*.service\nExclude=systemd-*\n"
                "[Rules]\nWarningPercent=70%\nHoldTime=2s\n"
                "[Unit:db*.service]\nWarningPercent=85\nCriticalPercent=92\n"
                "[Unit:noisy.service]\nIgnore=yes\n"), ==, 0);
        g_assert_cmpint(config_verify(c, "t.conf"), ==, 0);
        g_assert_cmpuint(c->sample_interval, ==, USEC_PER_SEC);
        config_rules_for_unit(c, "web.service", &rc);
        g_assert_cmpfloat(rc.warning_percent, ==, 70);
        g_assert_cmpuint(rc.hold_time, ==, 2 * USEC_PER_SEC);
        config_rules_for_unit(c, "db1.service", &rc);
        g_assert_cmpfloat(rc.warning_percent, ==, 85);
        g_assert_cmpfloat(rc.critical_percent, ==, 92);
        g_assert_cmpuint(rc.hold_time, ==, 2 * USEC_PER_SEC);     /* inherited */
        g_assert_true(config_unit_wanted(c, "web.service"));
        g_assert_false(config_unit_wanted(c, "noisy.service"));
        g_assert_false(config_unit_wanted(c, "systemd-journald.service"));
        g_assert_false(config_unit_wanted(c, "session-1.scope"));
        config_free(c);
}

static void test_errors(void) {
        static const char *const bad[] = {
                "[Monitor]\nSampleInterval=fast\n",
                "[Monitor]\nBogus=1\n",
                "[Nope]\n",
                "SampleInterval=1s\n",
                "[Monitor]\nStatInterval=1s\n",
                "[Monitor]\nMaxUnits=0\n",
                "[Monitor]\nMaxPressureTriggers=0\n",            /* PressureTriggers=no says that */
                "[Monitor]\nMaxPressureTriggers=10001\n",
                "[Monitor]\nMaxUnits=10001\n",                 /* bus replies must fit 32 MiB */
                "[Rules]\nWarningPercent=120\n",
                "[Unit:x.service]\nAlertsPerHour=5\n",
                "[Monitor\n",
                "[Monitor]\nnovalue\n",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                Config *c = NULL;
                g_assert_cmpint(config_new_default(&c), ==, 0);
                g_assert_cmpint(config_parse_text(c, "bad.conf", bad[i]), ==, -EINVAL);
                config_free(c);
        }
}

static void test_verify(void) {
        /* Each parses, but together with the defaults makes a daemon that would misbehave. */
        static const char *const bad[] = {
                "[Rules]\nWarningPercent=95\n",                                  /* warning above critical */
                "[Monitor]\nAnalysisMinSpan=6min\n",             /* = SustainedSpan: the analyser refuses */
                /* no level left to clear at: the alert would never clear */
                "[Rules]\nWarningPercent=0\nCriticalPercent=3\nEmergencyPercent=4\n",
                "[Rules]\nWarningPercent=0\nCriticalPercent=0\nEmergencyPercent=0\nClearMarginPercent=100\n"
                "WarningBytes=1G\n",
                "[Rules]\nHostAvailableWarningPercent=97\n",
                "[Rules]\nHostAvailableWarningPercent=100\nClearMarginPercent=0\n",  /* 100 would mean off */
                "[Monitor]\nSampleInterval=1us\n",
                "[Monitor]\nRescanInterval=10ms\n",
                "[Monitor]\nAnalysisInterval=1ms\n",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                Config *c = NULL;
                g_assert_cmpint(config_new_default(&c), ==, 0);
                g_assert_cmpint(config_parse_text(c, "v.conf", bad[i]), ==, 0);
                if (config_verify(c, "v.conf") != -EINVAL)
                        g_error("accepted: %s", bad[i]);
                config_free(c);
        }

        /* The lowest levels that are allowed. */
        Config *c = NULL;
        g_assert_cmpint(config_new_default(&c), ==, 0);
        g_assert_cmpint(config_parse_text(c, "v.conf",
                                          "[Monitor]\nSampleInterval=100ms\nRescanInterval=1s\nAnalysisInterval=1s\n"
                                          "[Rules]\nWarningPercent=0\nCriticalPercent=6\nEmergencyPercent=7\n"
                                          "HostAvailableWarningPercent=94\n"), ==, 0);
        g_assert_cmpint(config_verify(c, "v.conf"), ==, 0);
        config_free(c);
}

/* Overrides that only go wrong for a real unit: two globs combined, a glob that never matches itself. */
static void test_unit_rules(void) {
        Config *c = NULL;
        RuleConfig rc;

        g_assert_cmpint(config_new_default(&c), ==, 0);
        g_assert_cmpint(config_parse_text(c, "u.conf",
                                          "[Unit:web*]\nWarningPercent=85\nCriticalPercent=93\nEmergencyPercent=97\n"
                                          "[Unit:*-db.service]\nCriticalPercent=84\n"
                                          "[Unit:[ab]*.service]\nWarningPercent=95\n"), ==, 0);
        g_assert_cmpint(config_verify(c, "u.conf"), ==, 0);

        config_rules_for_unit(c, "web.service", &rc);
        g_assert_cmpint(config_verify_unit_rules(&rc, "web.service"), ==, 0);
        config_rules_for_unit(c, "web-db.service", &rc);               /* warning 85 > critical 84 */
        g_assert_cmpint(config_verify_unit_rules(&rc, "web-db.service"), ==, -EINVAL);
        config_rules_for_unit(c, "api.service", &rc);                  /* warning 95 > critical 90 */
        g_assert_cmpint(config_verify_unit_rules(&rc, "api.service"), ==, -EINVAL);
        config_free(c);
}

/* A file of exactly CONFIG_MAX_FILE_SIZE bytes is read; one byte more is refused. */
static void test_size_limit(void) {
        g_autofree char *dir = g_dir_make_tmp("memmon-config-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "memmond.conf", NULL);
        g_autofree char *none = g_build_filename(dir, "none.d", NULL);
        g_autofree char *text = g_malloc(CONFIG_MAX_FILE_SIZE + 2);
        static const char head[] = "[Monitor]\nSampleInterval=3s\n";
        Config *c = NULL;

        g_assert_nonnull(dir);
        /* The head, then comment lines of 64 bytes, the last one cut to fit. */
        memcpy(text, head, strlen(head));
        for (size_t i = strlen(head); i < CONFIG_MAX_FILE_SIZE; i++)
                text[i] = (i - strlen(head)) % 64 == 0 ? '#' : (i - strlen(head)) % 64 == 63 ? '\n' : 'x';
        text[CONFIG_MAX_FILE_SIZE - 1] = '\n';
        g_assert_true(g_file_set_contents(path, text, CONFIG_MAX_FILE_SIZE, NULL));
        g_assert_cmpint(config_load(path, none, &c), ==, 0);
        g_assert_cmpuint(c->sample_interval, ==, 3 * USEC_PER_SEC);
        config_free(c);

        text[CONFIG_MAX_FILE_SIZE] = '\n';
        g_assert_true(g_file_set_contents(path, text, CONFIG_MAX_FILE_SIZE + 1, NULL));
        c = NULL;
        g_assert_cmpint(config_load(path, none, &c), <, 0);
        g_assert_null(c);
        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void test_load_dropins(void) {
        g_autofree char *dir = g_dir_make_tmp("memmon-config-XXXXXX", NULL);
        g_autofree char *main_path = g_build_filename(dir, "memmond.conf", NULL);
        g_autofree char *dropins = g_build_filename(dir, "memmond.conf.d", NULL);
        g_autofree char *d1 = g_build_filename(dropins, "10-a.conf", NULL);
        g_autofree char *d2 = g_build_filename(dropins, "20-b.conf", NULL);
        Config *c = NULL;

        g_assert_nonnull(dir);
        g_assert_cmpint(g_mkdir(dropins, 0755), ==, 0);
        g_assert_true(g_file_set_contents(main_path, "[Monitor]\nSampleInterval=10s\n", -1, NULL));
        g_assert_true(g_file_set_contents(d1, "[Monitor]\nSampleInterval=3s\n", -1, NULL));
        g_assert_true(g_file_set_contents(d2, "[Monitor]\nSampleInterval=2s\n", -1, NULL));
        g_assert_cmpint(config_load(main_path, dropins, &c), ==, 0);
        g_assert_cmpuint(c->sample_interval, ==, 2 * USEC_PER_SEC);   /* last drop-in wins */
        config_free(c);

        /* One bad drop-in fails the whole load. */
        g_assert_true(g_file_set_contents(d2, "[Monitor]\nSampleInterval=-2\n", -1, NULL));
        c = NULL;
        g_assert_cmpint(config_load(main_path, dropins, &c), ==, -EINVAL);
        g_assert_null(c);

        /* A missing main file means defaults. */
        g_unlink(d1);
        g_unlink(d2);
        g_unlink(main_path);
        g_assert_cmpint(config_load(main_path, dropins, &c), ==, 0);
        g_assert_cmpuint(c->sample_interval, ==, 5 * USEC_PER_SEC);
        config_free(c);
        g_rmdir(dropins);
        g_rmdir(dir);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/config/defaults", test_defaults);
        g_test_add_func("/config/parse-override", test_parse_and_override);
        g_test_add_func("/config/errors", test_errors);
        g_test_add_func("/config/verify", test_verify);
        g_test_add_func("/config/load-dropins", test_load_dropins);
        g_test_add_func("/config/size-limit", test_size_limit);
        g_test_add_func("/config/unit-rules", test_unit_rules);
        return g_test_run();
}
