/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memmonctl's exit statuses and what a failed bus call means to a person.
 * The only place that knows D-Bus error names on the client side.
 */

#include <stddef.h>
#include <systemd/sd-bus.h>

enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,          /* anything else, memmond not running included */
        EXIT_USAGE = 2,         /* bad command line, or arguments memmond rejected */
        EXIT_DEGRADED = 3,      /* health: degraded */
        EXIT_NOT_FOUND = 4,     /* no such unit or alert */
        EXIT_FAILING = 5,       /* health: failing */
};

#define MEMMON_BUS_NAME "org.memmon.Monitor"
#define MEMMON_BUS_PATH "/org/memmon/Monitor"
#define MEMMON_BUS_INTERFACE "org.memmon.Monitor"
#define MEMMON_UNIT_INTERFACE "org.memmon.Unit"
#define MEMMON_UNIT_PATH_PREFIX "/org/memmon/Monitor/unit"

#define MEMMON_ERROR_NO_SUCH_UNIT "org.memmon.Monitor.Error.NoSuchUnit"
#define MEMMON_ERROR_NO_SUCH_ALERT "org.memmon.Monitor.Error.NoSuchAlert"
#define MEMMON_ERROR_BUSY "org.memmon.Monitor.Error.Busy"

/* Exit status for a call that failed with e (or with r when e is not set). */
int bus_error_exit_status(const sd_bus_error *e, int r);

/*
 * One line for stderr, e.g. "Failed to get history of foo.service: Unit
 * foo.service is not watched." or "memmond is not running.". action is a
 * verb phrase ("list units").
 */
char *bus_error_format(char *buf, size_t len, const char *action, const sd_bus_error *e, int r);

#define BUS_ERROR_LINE_MAX 512
