/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * memmond entry point: argument parsing, the offline modes, and handing a
 * loaded config to the manager (manager.c) for the loop.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "memmon-build.h"
#include "analyze-file.h"
#include "config.h"
#include "log.h"
#include "manager.h"

static const char *arg_config = MEMMON_CONF_FILE;
static const char *arg_config_dir = MEMMON_CONF_DIR;
static const char *arg_cgroup_root = NULL;
static const char *arg_proc_root = NULL;
static bool arg_no_bus = false;

static void help(void) {
        printf("memmond [OPTIONS...]\n\n"
               "Watches the memory of every systemd unit.\n\n"
               "  -h --help              Show this help\n"
               "     --version           Show package version\n"
               "     --config=PATH       Main config file (default %s)\n"
               "     --config-dir=PATH   Drop-in directory (default %s)\n"
               "     --check-config      Validate the configuration and exit\n"
               "     --analyze=FILE      Classify a recorded series (CSV or JSON) and exit\n"
               "     --json              With --analyze: print JSON\n"
               "     --cgroup-root=PATH  Use this cgroup v2 tree instead of discovering it\n"
               "     --proc-root=PATH    Read meminfo and pressure from here (default /proc)\n"
               "     --no-bus            Do not connect to the system bus (no D-Bus API)\n",
               MEMMON_CONF_FILE, MEMMON_CONF_DIR);
}

int main(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_CONFIG, ARG_CONFIG_DIR, ARG_CHECK_CONFIG, ARG_ANALYZE, ARG_JSON,
               ARG_CGROUP_ROOT, ARG_PROC_ROOT, ARG_NO_BUS };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "config", required_argument, NULL, ARG_CONFIG },
                { "config-dir", required_argument, NULL, ARG_CONFIG_DIR },
                { "check-config", no_argument, NULL, ARG_CHECK_CONFIG },
                { "analyze", required_argument, NULL, ARG_ANALYZE },
                { "json", no_argument, NULL, ARG_JSON },
                { "cgroup-root", required_argument, NULL, ARG_CGROUP_ROOT },
                { "proc-root", required_argument, NULL, ARG_PROC_ROOT },
                { "no-bus", no_argument, NULL, ARG_NO_BUS },
                {}
        };
        _cleanup_(config_freep) Config *config = NULL;
        const char *analyze = NULL;
        bool check = false, json = false;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return EXIT_SUCCESS;
                case ARG_VERSION:
                        printf("memmond %s\n", PACKAGE_VERSION);
                        return EXIT_SUCCESS;
                case ARG_CONFIG:
                        arg_config = optarg;
                        break;
                case ARG_CONFIG_DIR:
                        arg_config_dir = optarg;
                        break;
                case ARG_CHECK_CONFIG:
                        check = true;
                        break;
                case ARG_ANALYZE:
                        analyze = optarg;
                        break;
                case ARG_JSON:
                        json = true;
                        break;
                case ARG_CGROUP_ROOT:
                        arg_cgroup_root = optarg;
                        break;
                case ARG_PROC_ROOT:
                        arg_proc_root = optarg;
                        break;
                case ARG_NO_BUS:
                        arg_no_bus = true;
                        break;
                default:
                        return EXIT_FAILURE;
                }
        if (optind < argc) {
                log_error("Unexpected argument: %s", argv[optind]);
                return EXIT_FAILURE;
        }

        if (analyze)
                return analyze_file_run(analyze, json, stdout) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

        r = config_load(arg_config, arg_config_dir, &config);
        if (r < 0) {
                log_error_errno(r, "Configuration is invalid.");
                return EXIT_FAILURE;
        }
        if (check) {
                printf("Configuration OK.\n");
                return EXIT_SUCCESS;
        }

        ManagerOptions o = {
                .config_file = arg_config,
                .config_dir = arg_config_dir,
                .cgroup_root = arg_cgroup_root,
                .proc_root = arg_proc_root,
                .no_bus = arg_no_bus,
        };
        _cleanup_(manager_freep) Manager *m = NULL;

        r = manager_new(&o, config, &m);
        if (r < 0) {
                (void) sd_notifyf(false, "STATUS=Failed to start: %s\nERRNO=%i", strerror(-r), -r);
                return EXIT_FAILURE;
        }
        TAKE_PTR(config); /* owned by the manager now */

        r = manager_run(m);
        if (r < 0) {
                log_error_errno(r, "Event loop failed: %m");
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
