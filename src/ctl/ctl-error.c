/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Error names to sentences and exit statuses. A missing daemon and a polkit
 * refusal are the two failures a sysadmin meets most, so they get sentences
 * of their own instead of the bus's wording; memmond's own errors carry
 * messages written for people and are shown as they are.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl-error.h"
#include "ctl-types.h"
#include "util.h"

static bool is_not_running(const sd_bus_error *e) {
        return sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
}

int bus_error_exit_status(const sd_bus_error *e, int r) {
        if (sd_bus_error_has_names(e, MEMMON_ERROR_NO_SUCH_UNIT, MEMMON_ERROR_NO_SUCH_ALERT))
                return EXIT_NOT_FOUND;
        if (sd_bus_error_has_name(e, SD_BUS_ERROR_INVALID_ARGS))
                return EXIT_USAGE;
        return r == 0 && !sd_bus_error_is_set(e) ? EXIT_OK : EXIT_FAIL;
}

/* "." unless s already ends a sentence. */
static const char *full_stop(const char *s) {
        return !isempty(s) && strchr(".!?", s[strlen(s) - 1]) ? "" : ".";
}

char *bus_error_format(char *buf, size_t len, const char *action, const sd_bus_error *e, int r) {
        const char *what, *detail = NULL;

        if (is_not_running(e)) {
                snprintf(buf, len, "memmond is not running (nobody owns %s on the system bus).", MEMMON_BUS_NAME);
                return buf;
        }

        if (sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED)) {
                what = "Access denied";
                /* memmond says why (polkit said no, polkit is missing): keep it after the verdict. */
                detail = isempty(e->message) ? NULL : e->message;
        } else if (sd_bus_error_has_name(e, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED))
                what = "Access denied: authentication is required, "
                       "run as root or from a terminal so polkit can ask for a password";
        else if (sd_bus_error_has_name(e, MEMMON_ERROR_BUSY))
                what = "memmond has too many authorization checks pending, try again shortly";
        else if (sd_bus_error_has_names(e, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT))
                what = "memmond did not reply in time";
        else if (sd_bus_error_has_names(e, SD_BUS_ERROR_UNKNOWN_METHOD, SD_BUS_ERROR_UNKNOWN_OBJECT,
                                        SD_BUS_ERROR_UNKNOWN_INTERFACE, SD_BUS_ERROR_UNKNOWN_PROPERTY)) {
                what = "memmond does not offer this (a different version?)";
                detail = strempty(e->message);
        } else if (sd_bus_error_is_set(e))
                what = isempty(e->message) ? e->name : e->message;
        else
                what = strerror(r < 0 ? -r : EIO);

        if (detail)
                snprintf(buf, len, "Failed to %s: %s: %s%s", action, what, detail, full_stop(detail));
        else
                snprintf(buf, len, "Failed to %s: %s%s", action, what, full_stop(what));
        return buf;
}
