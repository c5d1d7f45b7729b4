/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Severity names as they appear in journal fields and the config. */

#include <string.h>

#include "severity.h"
#include "util.h"

static const char *const severity_table[_SEVERITY_MAX] = {
        [SEVERITY_NONE] = "none",
        [SEVERITY_INFO] = "info",
        [SEVERITY_WARNING] = "warning",
        [SEVERITY_CRITICAL] = "critical",
        [SEVERITY_EMERGENCY] = "emergency",
};

const char *severity_to_string(Severity s) {
        if ((unsigned) s >= _SEVERITY_MAX)
                return NULL;
        return severity_table[s];
}

Severity severity_from_string(const char *s) {
        if (!s)
                return _SEVERITY_MAX;
        for (unsigned i = 0; i < _SEVERITY_MAX; i++)
                if (streq(severity_table[i], s))
                        return (Severity) i;
        return _SEVERITY_MAX;
}

int severity_to_priority(Severity s) {
        switch (s) {
        case SEVERITY_NONE:
        case SEVERITY_INFO:
                return LOG_INFO;
        case SEVERITY_WARNING:
                return LOG_WARNING;
        case SEVERITY_CRITICAL:
                return LOG_CRIT;
        case SEVERITY_EMERGENCY:
                return LOG_ALERT;
        case _SEVERITY_MAX:
                break;
        }
        return LOG_INFO;
}
