/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Unit names as a sysadmin types them. */

/*
 * "nginx" becomes "nginx.service", as systemctl does; a name with a suffix is
 * kept as it is. Returns 0 or -ENOMEM, -EINVAL for an empty name.
 */
int unit_name_mangle(const char *name, char **ret);
