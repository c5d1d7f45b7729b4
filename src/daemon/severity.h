/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Alert severities and their journal PRIORITY. */

#include <syslog.h>

typedef enum Severity {
        SEVERITY_NONE,
        SEVERITY_INFO,
        SEVERITY_WARNING,
        SEVERITY_CRITICAL,
        SEVERITY_EMERGENCY,
        _SEVERITY_MAX,
} Severity;

const char *severity_to_string(Severity s);
Severity severity_from_string(const char *s);   /* -1 cast as _SEVERITY_MAX on failure */
int severity_to_priority(Severity s);
