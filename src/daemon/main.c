/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * memmond entry point: argument parsing and the offline modes. The sampling
 * loop (sd-event manager) is not written yet; see docs/ARCHITECTURE.md.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "memmon-build.h"
#include "analyze-file.h"
#include "config.h"
#include "log.h"

static const char *arg_config = MEMMON_CONF_FILE;
static const char *arg_config_dir = MEMMON_CONF_DIR;

static void help(void) {
        printf("memmond [OPTIONS...]\n\n"
               "Watches the memory of every systemd unit.\n\n"
               "  -h --help              Show this help\n"
               "     --version           Show package version\n"
               "     --config=PATH       Main config file (default %s)\n"
               "     --config-dir=PATH   Drop-in directory (default %s)\n"
               "     --check-config      Validate the configuration and exit\n"
               "     --analyze=FILE      Classify a recorded series (CSV or JSON) and exit\n"
               "     --json              With --analyze: print JSON\n",
               MEMMON_CONF_FILE, MEMMON_CONF_DIR);
}

int main(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_CONFIG, ARG_CONFIG_DIR, ARG_CHECK_CONFIG, ARG_ANALYZE, ARG_JSON };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "config", required_argument, NULL, ARG_CONFIG },
                { "config-dir", required_argument, NULL, ARG_CONFIG_DIR },
                { "check-config", no_argument, NULL, ARG_CHECK_CONFIG },
                { "analyze", required_argument, NULL, ARG_ANALYZE },
                { "json", no_argument, NULL, ARG_JSON },
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

        log_error("The monitoring loop is not implemented yet; only --check-config and --analyze work.");
        return EXIT_FAILURE;
}
