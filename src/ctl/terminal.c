/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Terminal capabilities, decided once per run. The environment rules follow
 * systemd's so a sysadmin's SYSTEMD_COLORS=0 or NO_COLOR=1 works the same for
 * memmonctl as for systemctl.
 */

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "parse.h"
#include "terminal.h"
#include "util.h"

bool colors_enabled_for(const char *no_color, const char *systemd_colors, const char *term, bool tty) {
        bool b;

        if (no_color && *no_color)
                return false;
        if (systemd_colors) {
                if (streq(systemd_colors, "16") || streq(systemd_colors, "256") || streq(systemd_colors, "24bit"))
                        return true;
                if (parse_boolean(systemd_colors, &b) >= 0)
                        return b;
                /* An unparsable value is ignored, as systemd does. */
        }
        if (term && streq(term, "dumb"))
                return false;
        return tty;
}

bool stdout_is_tty(void) {
        return isatty(STDOUT_FILENO) > 0;
}

bool colors_enabled_now(void) {
        return colors_enabled_for(getenv("NO_COLOR"), getenv("SYSTEMD_COLORS"), getenv("TERM"), stdout_is_tty());
}

unsigned columns_for(const char *columns_env, int fd) {
        struct winsize ws = {};
        uint64_t v;

        if (columns_env && parse_u64(columns_env, &v) >= 0 && v > 0 && v <= COLUMNS_MAX)
                return (unsigned) v;
        if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) >= 0 && ws.ws_col > 0)
                return MIN((unsigned) ws.ws_col, COLUMNS_MAX);
        return COLUMNS_DEFAULT;
}

unsigned columns_now(void) {
        return columns_for(getenv("COLUMNS"), STDOUT_FILENO);
}
