/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * memmonctl: the command line of memmond. Parses argv, runs one verb, maps
 * the outcome to an exit status. Bus calls live in ctl-bus.c and all output
 * formatting in render.c, ctl-json.c and prometheus.c; a verb here only wires
 * one to the other. Verbs return an exit status (>= 0) once they have
 * reported a problem, or a negative errno for local failures, logged here.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmon-build.h"
#include "ctl-bus.h"
#include "ctl-error.h"
#include "ctl-json.h"
#include "log.h"
#include "parse.h"
#include "polkit-agent.h"
#include "prometheus.h"
#include "render.h"
#include "terminal.h"
#include "unit-name.h"

typedef enum ExportFormat {
        EXPORT_JSON,
        EXPORT_PROMETHEUS,
} ExportFormat;

static JsonMode arg_json = JSON_OFF;
static bool arg_legend = true;
static bool arg_all = false;
static bool arg_ask_password = true;
static usec_t arg_since = 0;
static bool arg_since_set = false;
static usec_t arg_resolution = 0;
static bool arg_resolution_set = false;
static ExportFormat arg_format = EXPORT_JSON;
static bool arg_format_set = false;

static RenderOptions render_options;

static void help(void) {
        printf("memmonctl [OPTIONS...] COMMAND ...\n\n"
               "Query memmond, the memory monitor of systemd units.\n\n"
               "Commands:\n"
               "  status                  Host memory, pressure, units, alerts, memmond's health (default)\n"
               "  list                    Watched units, largest first\n"
               "  show UNIT               All figures of one unit\n"
               "  history UNIT            Memory over time as a sparkline\n"
               "  alerts                  Active alerts (with --all also cleared ones)\n"
               "  ack ID                  Acknowledge an alert (needs authorization)\n"
               "  analyze UNIT            Growth pattern, rate and forecast of one unit\n"
               "  export                  Everything as JSON, or as Prometheus text\n"
               "  health                  memmond's health: ok, degraded or failing\n\n"
               "Options:\n"
               "  -h --help               Show this help\n"
               "     --version            Show package version\n"
               "     --json[=pretty|short]\n"
               "                          Print JSON (keys and units as in the D-Bus API)\n"
               "     --no-legend          Leave out headers, footers and captions\n"
               "     --no-pager           Accepted for systemctl habits; memmonctl never pages\n"
               "     --no-ask-password    Do not ask for a password for privileged calls\n"
               "     --since=DURATION     history: only the last DURATION (\"1h\", \"30min\")\n"
               "     --resolution=DURATION\n"
               "                          history: one point per DURATION\n"
               "     --all                alerts: include cleared alerts\n"
               "     --format=json|prometheus\n"
               "                          export: output format (default json)\n\n"
               "UNIT without a suffix means UNIT.service.\n\n"
               "Exit status:\n"
               "  0 success (health: ok)     3 health: degraded\n"
               "  1 failure, e.g. memmond    4 no such unit or alert\n"
               "    is not running           5 health: failing\n"
               "  2 bad usage or arguments memmond rejected\n\n"
               "Colours: only on a terminal; NO_COLOR=1 or SYSTEMD_COLORS=0 turn them off.\n"
               "The bus is the system bus, or DBUS_SYSTEM_BUS_ADDRESS if set.\n");
}

/* Reports a failed bus call; returns the exit status. */
static int bus_fail(const sd_bus_error *e, int r, const char *action_fmt, ...) _printf_(3, 4);
static int bus_fail(const sd_bus_error *e, int r, const char *action_fmt, ...) {
        char action[256], line[BUS_ERROR_LINE_MAX];
        va_list ap;

        va_start(ap, action_fmt);
        vsnprintf(action, sizeof(action), action_fmt, ap);
        va_end(ap);
        log_error("%s", bus_error_format(line, sizeof(line), action, e, r));
        return bus_error_exit_status(e, r);
}

static int print_json(json_object *o) {
        return json_print(stdout, o, arg_json);
}

static int verb_status(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(manager_info_done) ManagerInfo m = {};
        _cleanup_free_ char *health = NULL;
        int r;

        r = ctl_get_manager(bus, &m, &error);
        if (r < 0)
                return bus_fail(&error, r, "get memmond's status");
        /* Health() has the reasons behind the Health property. */
        r = ctl_get_health(bus, &health, &m.problems, &error);
        if (r < 0)
                return bus_fail(&error, r, "get memmond's health");
        free(m.health);
        m.health = TAKE_PTR(health);

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_manager(&m, &o);
                return r < 0 ? r : print_json(o);
        }
        return render_status(stdout, &m, &render_options);
}

static int verb_list(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(unit_list_done) UnitList l = {};
        int r;

        r = ctl_list_units(bus, &l, &error);
        if (r < 0)
                return bus_fail(&error, r, "list units");
        unit_list_sort(&l);

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_units(&l, &o);
                return r < 0 ? r : print_json(o);
        }
        return render_units(stdout, &l, &render_options);
}

/* The UNIT argument: "nginx" means nginx.service; anything invalid is bad usage. */
static int unit_arg(const char *arg, char **ret) {
        int r = unit_name_mangle(arg, ret);

        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                log_error("Invalid unit name '%s': expected a service or scope such as nginx.service.", arg);
                return EXIT_USAGE;
        }
        return 0;
}

static int verb_show(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(property_list_done) PropertyList l = {};
        _cleanup_free_ char *unit = NULL;
        int r;

        r = unit_arg(args[0], &unit);
        if (r != 0)
                return r;
        r = ctl_get_unit_properties(bus, unit, &l, &error);
        if (r < 0)
                return bus_fail(&error, r, "get properties of %s", unit);

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_properties(&l, &o);
                return r < 0 ? r : print_json(o);
        }
        return render_properties(stdout, &l, &render_options);
}

static int verb_history(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(history_done) History h = {};
        _cleanup_free_ char *unit = NULL;
        usec_t since = 0;
        int r;

        r = unit_arg(args[0], &unit);
        if (r != 0)
                return r;
        if (arg_since_set) {
                usec_t now = now_usec(CLOCK_REALTIME);

                /* 0 would mean "everything kept"; a window older than the epoch is everything too. */
                since = arg_since < now ? now - arg_since : 1;
        }
        r = ctl_get_history(bus, unit, since, arg_resolution, &h, &error);
        if (r < 0)
                return bus_fail(&error, r, "get history of %s", unit);

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_history(unit, &h, &o);
                return r < 0 ? r : print_json(o);
        }
        return render_history(stdout, unit, &h, &render_options);
}

static int verb_alerts(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(alert_list_done) AlertList l = {};
        int r;

        r = ctl_list_alerts(bus, arg_all, &l, &error);
        if (r < 0)
                return bus_fail(&error, r, "list alerts");
        alert_list_sort(&l);

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_alerts(&l, &o);
                return r < 0 ? r : print_json(o);
        }
        return render_alerts(stdout, &l, arg_all, &render_options);
}

static int verb_ack(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t id;
        pid_t agent;
        int r;

        r = parse_u64(args[0], &id);
        if (r < 0) {
                log_error("Invalid alert id '%s': expected a number as listed by 'memmonctl alerts'.", args[0]);
                return EXIT_USAGE;
        }

        agent = arg_ask_password ? polkit_agent_open() : 0;
        if (agent < 0)
                log_debug_errno(agent, "Failed to start the polkit agent, going on without: %m");
        r = ctl_acknowledge_alert(bus, id, arg_ask_password, &error);
        polkit_agent_close(agent);
        if (r < 0)
                return bus_fail(&error, r, "acknowledge alert %s", args[0]);

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_ack(id, &o);
                return r < 0 ? r : print_json(o);
        }
        return 0;
}

static int verb_analyze(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(analysis_info_done) AnalysisInfo a = {};
        _cleanup_free_ char *unit = NULL;
        int r;

        r = unit_arg(args[0], &unit);
        if (r != 0)
                return r;
        r = ctl_analyze(bus, unit, &a, &error);
        if (r < 0)
                return bus_fail(&error, r, "analyze %s", unit);

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_analysis(unit, &a, &o);
                return r < 0 ? r : print_json(o);
        }
        return render_analysis(stdout, unit, &a, &render_options);
}

static int export_prometheus(sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(manager_info_done) ManagerInfo m = {};
        _cleanup_(unit_list_done) UnitList l = {};
        int r;

        r = ctl_get_manager(bus, &m, &error);
        if (r < 0)
                return bus_fail(&error, r, "get memmond's status");
        r = ctl_list_units(bus, &l, &error);
        if (r < 0)
                return bus_fail(&error, r, "list units");
        unit_list_sort(&l);
        return prometheus_write(stdout, &m, &l);
}

static int verb_export(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_free_ char *text = NULL;
        int r;

        if (arg_format == EXPORT_PROMETHEUS)
                return export_prometheus(bus);

        r = ctl_export(bus, &text, &error);
        if (r < 0)
                return bus_fail(&error, r, "export");
        /* Parsed, so a broken document is reported here rather than in the consumer. */
        o = json_tokener_parse(text);
        if (!o) {
                log_error("Failed to export: memmond sent a document that is not valid JSON.");
                return EXIT_FAIL;
        }
        return json_print(stdout, o, arg_json ?: (stdout_is_tty() ? JSON_PRETTY : JSON_SHORT));
}

static int verb_health(char **args, sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(strv_freep) char **problems = NULL;
        _cleanup_free_ char *status = NULL;
        int r;

        r = ctl_get_health(bus, &status, &problems, &error);
        if (r < 0)
                return bus_fail(&error, r, "get memmond's health");

        if (arg_json) {
                _cleanup_(json_object_putp) json_object *o = NULL;

                r = json_build_health(status, problems, &o);
                if (r >= 0)
                        r = print_json(o);
        } else
                r = render_health(stdout, status, problems, &render_options);
        if (r < 0)
                return r;

        if (streq(status, "ok"))
                return EXIT_OK;
        if (streq(status, "degraded"))
                return EXIT_DEGRADED;
        if (streq(status, "failing"))
                return EXIT_FAILING;
        log_error("memmond reported an unknown health status '%s'.", status);
        return EXIT_FAIL;
}

typedef struct Verb {
        const char *name;
        const char *arg;        /* name of the one argument, NULL for none */
        int (*run)(char **args, sd_bus *bus);
} Verb;

static const Verb verbs[] = {
        { "status", NULL, verb_status },
        { "list", NULL, verb_list },
        { "show", "UNIT", verb_show },
        { "history", "UNIT", verb_history },
        { "alerts", NULL, verb_alerts },
        { "ack", "ID", verb_ack },
        { "analyze", "UNIT", verb_analyze },
        { "export", NULL, verb_export },
        { "health", NULL, verb_health },
};

/* Returns 1 to go on, 0 to exit successfully (--help, --version), -EINVAL after logging a usage error. */
static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_JSON,
                ARG_NO_LEGEND,
                ARG_NO_PAGER,
                ARG_NO_ASK_PASSWORD,
                ARG_SINCE,
                ARG_RESOLUTION,
                ARG_ALL,
                ARG_FORMAT,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "json", optional_argument, NULL, ARG_JSON },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                { "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
                { "since", required_argument, NULL, ARG_SINCE },
                { "resolution", required_argument, NULL, ARG_RESOLUTION },
                { "all", no_argument, NULL, ARG_ALL },
                { "format", required_argument, NULL, ARG_FORMAT },
                {}
        };
        int c, r;

        /* Own messages instead of getopt's, which name argv[0] with its full path. */
        opterr = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("memmonctl %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_JSON:
                        if (!optarg)
                                arg_json = stdout_is_tty() ? JSON_PRETTY : JSON_SHORT;
                        else {
                                arg_json = json_mode_from_string(optarg);
                                if (arg_json < 0)
                                        return log_error_errno(EINVAL, "Invalid --json= mode '%s': expected pretty or short.",
                                                               optarg);
                        }
                        break;
                case ARG_NO_LEGEND:
                        arg_legend = false;
                        break;
                case ARG_NO_PAGER:
                        break;
                case ARG_NO_ASK_PASSWORD:
                        arg_ask_password = false;
                        break;
                case ARG_SINCE:
                        r = parse_duration(optarg, &arg_since);
                        if (r < 0 || arg_since == 0)
                                return log_error_errno(EINVAL, "Invalid --since= duration '%s': expected e.g. 30min or 2h.",
                                                       optarg);
                        arg_since_set = true;
                        break;
                case ARG_RESOLUTION:
                        r = parse_duration(optarg, &arg_resolution);
                        if (r < 0)
                                return log_error_errno(EINVAL,
                                                       "Invalid --resolution= duration '%s': expected e.g. 10s or 1min.",
                                                       optarg);
                        arg_resolution_set = true;
                        break;
                case ARG_ALL:
                        arg_all = true;
                        break;
                case ARG_FORMAT:
                        if (streq(optarg, "json"))
                                arg_format = EXPORT_JSON;
                        else if (streq(optarg, "prometheus"))
                                arg_format = EXPORT_PROMETHEUS;
                        else
                                return log_error_errno(EINVAL, "Invalid --format= '%s': expected json or prometheus.",
                                                       optarg);
                        arg_format_set = true;
                        break;
                case ':':
                        return log_error_errno(EINVAL, "Option '%s' needs an argument.", argv[optind - 1]);
                case '?':
                        /* A long option given a value it does not take has optopt set to its value (>= 0x100 here). */
                        if (optopt > 0 && optopt < 0x100)
                                log_error("Unknown option '-%c'.", optopt);
                        else
                                log_error("Unknown option '%s'.", argv[optind - 1]);
                        return -EINVAL;
                }
        return 1;
}

/* Options that only one verb understands are mistakes elsewhere; say so instead of ignoring them. */
static int check_options(const Verb *v) {
        if ((arg_since_set || arg_resolution_set) && !streq(v->name, "history"))
                return log_error_errno(EINVAL, "--since= and --resolution= only apply to 'history'.");
        if (arg_all && !streq(v->name, "alerts"))
                return log_error_errno(EINVAL, "--all only applies to 'alerts'.");
        if (arg_format_set && !streq(v->name, "export"))
                return log_error_errno(EINVAL, "--format= only applies to 'export'.");
        if (arg_format == EXPORT_PROMETHEUS && arg_json)
                return log_error_errno(EINVAL, "--json and --format=prometheus exclude each other.");
        return 0;
}

static const Verb *find_verb(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return &verbs[i];
        return NULL;
}

static int run(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        const Verb *v;
        int n_args, r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : EXIT_OK;

        v = find_verb(optind < argc ? argv[optind] : "status");
        if (!v) {
                log_error("Unknown command '%s'. See 'memmonctl --help'.", argv[optind]);
                return EXIT_USAGE;
        }
        n_args = optind < argc ? argc - optind - 1 : 0;
        if (n_args != (v->arg ? 1 : 0)) {
                if (v->arg)
                        log_error("'%s' needs exactly one %s.", v->name, v->arg);
                else
                        log_error("'%s' takes no arguments.", v->name);
                return EXIT_USAGE;
        }
        r = check_options(v);
        if (r < 0)
                return EXIT_USAGE;

        render_options = (RenderOptions) {
                .colors = colors_enabled_now(),
                .legend = arg_legend,
                .width = columns_now(),
                .shorten = stdout_is_tty(),
        };

        r = ctl_bus_open(&bus);
        if (r < 0) {
                log_error_errno(r, "Failed to connect to the system bus: %m");
                return EXIT_FAIL;
        }

        r = v->run(optind < argc ? argv + optind + 1 : argv + argc, bus);
        if (r < 0) {
                log_error_errno(r, "Failed to %s: %m", v->name);
                return EXIT_FAIL;
        }
        if (fflush(stdout) != 0) {
                log_error("Failed to write output: %m");
                return EXIT_FAIL;
        }
        return r;
}

int main(int argc, char *argv[]) {
        return run(argc, argv);
}
