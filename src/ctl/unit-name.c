/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Client-side help with unit names only; memmond checks them for real and
 * answers InvalidArgs, so nothing here needs to know systemd's full rules.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit-name.h"
#include "util.h"

int unit_name_mangle(const char *name, char **ret) {
        char *s;

        if (!name || !*name)
                return -EINVAL;
        if (strchr(name, '.'))
                s = strdup(name);
        else if (asprintf(&s, "%s.service", name) < 0)
                s = NULL;
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
