/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * pkttyagent registers itself for our session and tells us it is ready by
 * closing the --notify-fd pipe; only then may the call go out, or polkit
 * would find no agent and refuse. The agent dies with us (PDEATHSIG) if we
 * are killed before polkit_agent_close().
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "polkit-agent.h"
#include "util.h"

/* Waiting longer than this for the agent means it is stuck; go ahead without it. */
#define POLKIT_AGENT_READY_TIMEOUT_MSEC 5000

pid_t polkit_agent_open(void) {
        int pipe_fd[2];
        pid_t pid;

        if (geteuid() == 0 || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
                return 0;
        if (access(POLKIT_AGENT_BINARY_PATH, X_OK) < 0)
                return 0;

        if (pipe2(pipe_fd, O_CLOEXEC) < 0)
                return -errno;

        pid = fork();
        if (pid < 0) {
                int r = -errno;
                safe_close(pipe_fd[0]);
                safe_close(pipe_fd[1]);
                return r;
        }
        if (pid == 0) {
                /* The notify fd must survive exec: dup() it without O_CLOEXEC. */
                int fd = dup(pipe_fd[1]);
                char fd_str[16];

                if (fd < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
                        _exit(EXIT_FAILURE);
                if (getppid() == 1) /* parent already gone */
                        _exit(EXIT_FAILURE);
                snprintf(fd_str, sizeof(fd_str), "%d", fd);
                execl(POLKIT_AGENT_BINARY_PATH, POLKIT_AGENT_BINARY_PATH, "--notify-fd", fd_str, "--fallback",
                      (char *) NULL);
                _exit(EXIT_FAILURE);
        }

        safe_close(pipe_fd[1]);
        /* POLLHUP once the agent is registered (it closes its end) or has died. */
        (void) poll(&(struct pollfd) { .fd = pipe_fd[0], .events = POLLIN }, 1, POLKIT_AGENT_READY_TIMEOUT_MSEC);
        safe_close(pipe_fd[0]);
        return pid;
}

void polkit_agent_close(pid_t pid) {
        if (pid <= 0)
                return;
        (void) kill(pid, SIGTERM);
        (void) kill(pid, SIGCONT);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
}
