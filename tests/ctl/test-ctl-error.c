/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <glib.h>

#include "ctl-error.h"

static void check(const char *name, const char *message, int r, int status, const char *line) {
        sd_bus_error e = SD_BUS_ERROR_MAKE_CONST(name, message);
        char buf[BUS_ERROR_LINE_MAX];

        g_assert_cmpint(bus_error_exit_status(name ? &e : NULL, r), ==, status);
        g_assert_cmpstr(bus_error_format(buf, sizeof(buf), "list units", name ? &e : NULL, r), ==, line);
}

static void test_not_running(void) {
        const char *line = "memmond is not running (nobody owns org.memmon.Monitor on the system bus).";

        check(SD_BUS_ERROR_SERVICE_UNKNOWN, "The name org.memmon.Monitor was not provided by any .service files",
              -EHOSTDOWN, EXIT_FAIL, line);
        check(SD_BUS_ERROR_NAME_HAS_NO_OWNER, "Name has no owner", -ENXIO, EXIT_FAIL, line);
}

static void test_access(void) {
        check(SD_BUS_ERROR_ACCESS_DENIED, "Not authorized for org.memmon.monitor.manage.", -EACCES, EXIT_FAIL,
              "Failed to list units: Access denied: Not authorized for org.memmon.monitor.manage.");
        check(SD_BUS_ERROR_ACCESS_DENIED, "polkit is missing", -EACCES, EXIT_FAIL,
              "Failed to list units: Access denied: polkit is missing.");
        check(SD_BUS_ERROR_ACCESS_DENIED, "", -EACCES, EXIT_FAIL, "Failed to list units: Access denied.");
        check(SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED, "Interactive authentication required.", -EACCES,
              EXIT_FAIL,
              "Failed to list units: Access denied: authentication is required, run as root or from a terminal "
              "so polkit can ask for a password.");
        check("org.memmon.Monitor.Error.Busy", "Too many", -EBUSY, EXIT_FAIL,
              "Failed to list units: memmond has too many authorization checks pending, try again shortly.");
}

static void test_not_found(void) {
        check(MEMMON_ERROR_NO_SUCH_UNIT, "Unit nope.service is not watched.", -EIO, EXIT_NOT_FOUND,
              "Failed to list units: Unit nope.service is not watched.");
        check(MEMMON_ERROR_NO_SUCH_ALERT, "No alert 9 in the log", -EIO, EXIT_NOT_FOUND,
              "Failed to list units: No alert 9 in the log.");
}

static void test_invalid_args(void) {
        check(SD_BUS_ERROR_INVALID_ARGS, "Not a valid service or scope unit name.", -EINVAL, EXIT_USAGE,
              "Failed to list units: Not a valid service or scope unit name.");
}

static void test_other(void) {
        check(SD_BUS_ERROR_NO_REPLY, "Timeout", -ETIMEDOUT, EXIT_FAIL,
              "Failed to list units: memmond did not reply in time.");
        check(SD_BUS_ERROR_UNKNOWN_METHOD, "Unknown method ListUnits", -EBADR, EXIT_FAIL,
              "Failed to list units: memmond does not offer this (a different version?): Unknown method ListUnits.");
        check("org.example.Weird", NULL, -EIO, EXIT_FAIL, "Failed to list units: org.example.Weird.");
        /* A local failure, no bus error: errno text. */
        check(NULL, NULL, -EBADMSG, EXIT_FAIL, "Failed to list units: Bad message.");
        check(NULL, NULL, 0, EXIT_OK, "Failed to list units: Input/output error.");
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/ctl-error/not-running", test_not_running);
        g_test_add_func("/ctl-error/access", test_access);
        g_test_add_func("/ctl-error/not-found", test_not_found);
        g_test_add_func("/ctl-error/invalid-args", test_invalid_args);
        g_test_add_func("/ctl-error/other", test_other);
        return g_test_run();
}
