/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the terminal allows: colours and width. The decisions are pure
 * functions of the environment values so tests can cover them; the *_now()
 * wrappers read the real environment and stdout.
 */

#include <stdbool.h>

#define ANSI_NORMAL "\x1B[0m"
#define ANSI_RED "\x1B[0;31m"
#define ANSI_HIGHLIGHT_RED "\x1B[0;1;31m"
#define ANSI_GREEN "\x1B[0;32m"
#define ANSI_HIGHLIGHT_GREEN "\x1B[0;1;32m"
#define ANSI_YELLOW "\x1B[0;33m"
#define ANSI_HIGHLIGHT_YELLOW "\x1B[0;1;33m"
#define ANSI_GREY "\x1B[0;38;5;245m"
#define ANSI_UNDERLINE "\x1B[0;4m"
#define ANSI_BOLD "\x1B[0;1;39m"

#define COLUMNS_DEFAULT 80U
#define COLUMNS_MAX 10000U

/*
 * NO_COLOR (non-empty) turns colours off; then SYSTEMD_COLORS as systemd reads
 * it (a boolean, or "16", "256", "24bit" for on); then TERM=dumb is off;
 * otherwise colours follow whether stdout is a terminal.
 */
bool colors_enabled_for(const char *no_color, const char *systemd_colors, const char *term, bool tty);
bool colors_enabled_now(void);

/* COLUMNS if it is a sane positive number, else the width of fd's terminal, else 80. */
unsigned columns_for(const char *columns_env, int fd);
unsigned columns_now(void);

bool stdout_is_tty(void);
