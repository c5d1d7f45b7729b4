/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Offline analysis of a recorded series: `memmond --analyze FILE [--json]`. */

#include <stdbool.h>
#include <stdio.h>

/* Largest file and point count accepted; larger input is refused with -E2BIG / -EFBIG. */
#define ANALYZE_FILE_MAX_BYTES (16U * 1024U * 1024U)
#define ANALYZE_FILE_MAX_POINTS 100000U

int analyze_file_run(const char *path, bool json, FILE *out);
