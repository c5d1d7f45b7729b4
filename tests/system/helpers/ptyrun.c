/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ptyrun PASSWORD TIMEOUT_SEC COMMAND [ARG...]: runs COMMAND on a new pseudo
 * terminal, copies what it prints to stdout, and types PASSWORD and Enter each
 * time "Password:" appears (at most 5 times), as a person at a terminal would:
 * half a second after the prompt. A polkit text agent prints its prompt, then
 * turns echo off and flushes what was typed: a password that comes back echoed
 * was typed too early and is lost, so it is typed again. Exits with COMMAND's
 * status, 124 on timeout, 125 on its own errors.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROMPT "Password:"
#define MAX_ANSWERS 5
#define ANSWER_DELAY_MS 500

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int child_status(pid_t pid) {
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return 125;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char *argv[]) {
        char seen[4096] = "";   /* output since the last answer, for the prompt */
        size_t n_seen = 0;
        unsigned answers = 0;
        long long answer_at = 0;     /* when to type the password; 0: not asked */
        long long deadline;
        char *end;
        long timeout;
        int master;
        pid_t pid;

        if (argc < 4) {
                fprintf(stderr, "usage: ptyrun PASSWORD TIMEOUT_SEC COMMAND [ARG...]\n");
                return 125;
        }
        errno = 0;
        timeout = strtol(argv[2], &end, 10);
        if (errno != 0 || *end != '\0' || timeout <= 0) {
                fprintf(stderr, "ptyrun: bad timeout '%s'\n", argv[2]);
                return 125;
        }
        deadline = now_ms() + timeout * 1000;

        pid = forkpty(&master, NULL, NULL, NULL);
        if (pid < 0) {
                perror("ptyrun: forkpty");
                return 125;
        }
        if (pid == 0) {
                execvp(argv[3], argv + 3);
                perror("ptyrun: exec");
                _exit(127);
        }

        for (;;) {
                struct pollfd p = { .fd = master, .events = POLLIN };
                long long now = now_ms(), left = deadline - now, wait = left;
                char buf[1024];
                ssize_t k;

                if (left <= 0) {
                        fprintf(stderr, "ptyrun: timed out after %ld s\n", timeout);
                        kill(pid, SIGKILL);
                        (void) child_status(pid);
                        return 124;
                }
                if (answer_at > 0 && now >= answer_at) {
                        size_t len = strlen(argv[1]);
                        if (write(master, argv[1], len) != (ssize_t) len || write(master, "\n", 1) != 1) {
                                perror("ptyrun: write");
                                kill(pid, SIGKILL);
                                (void) child_status(pid);
                                return 125;
                        }
                        answers++;
                        answer_at = 0;
                        n_seen = 0;
                        seen[0] = '\0';
                        continue;
                }
                if (answer_at > 0 && answer_at - now < wait)
                        wait = answer_at - now;
                if (poll(&p, 1, (int) wait) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("ptyrun: poll");
                        return 125;
                }
                if (p.revents == 0)
                        continue;
                k = read(master, buf, sizeof buf);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)     /* EIO: every process on the terminal closed it */
                        break;
                fwrite(buf, 1, (size_t) k, stdout);
                fflush(stdout);

                if ((size_t) k > sizeof seen - 1 - n_seen) {
                        /* Keep the tail: a prompt split across reads is still found. */
                        size_t keep = n_seen < sizeof seen / 2 ? n_seen : sizeof seen / 2;
                        memmove(seen, seen + n_seen - keep, keep);
                        n_seen = keep;
                        if ((size_t) k > sizeof seen - 1 - n_seen)
                                k = (ssize_t) (sizeof seen - 1 - n_seen);
                }
                memcpy(seen + n_seen, buf, (size_t) k);
                n_seen += (size_t) k;
                seen[n_seen] = '\0';
                /* A prompt, or our answer echoed (typed before echo went off, then flushed). */
                if (answer_at == 0 && answers < MAX_ANSWERS &&
                    (strstr(seen, PROMPT) || (answers > 0 && strstr(seen, argv[1])))) {
                        answer_at = now_ms() + ANSWER_DELAY_MS;
                        n_seen = 0;
                        seen[0] = '\0';
                }
        }
        return child_status(pid);
}
