/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A text-mode polkit agent (pkttyagent) for the duration of a privileged
 * call, so polkit can ask for a password on the terminal, as systemctl does.
 */

#include <sys/types.h>

#define POLKIT_AGENT_BINARY_PATH "/usr/bin/pkttyagent"

/*
 * Starts the agent when stdin and stdout are terminals, we are not root and
 * the agent is installed; otherwise does nothing. Returns the agent's pid,
 * 0 when none was started, or a negative errno.
 */
pid_t polkit_agent_open(void);

/* Stops an agent started by polkit_agent_open(); 0 is a no-op. */
void polkit_agent_close(pid_t pid);
