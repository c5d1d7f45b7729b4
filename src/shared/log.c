/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * One place decides the format of operational messages. The "<N>" prefix is
 * only written when stderr is connected to journald (JOURNAL_STREAM matches
 * our stderr), so a person running memmond in a terminal sees plain text.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "log.h"

static int max_level = LOG_INFO;
static int journal_stream = -1; /* unknown until first use */

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

int log_level_from_string(const char *s) {
        static const char *const names[] = {
                [LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
                [LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
                [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
        };

        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcasecmp(s, names[i]) == 0)
                        return (int) i;
        if (strcasecmp(s, "error") == 0)
                return LOG_ERR;
        return -EINVAL;
}

static bool stderr_is_journal(void) {
        const char *e;
        unsigned long long dev, ino;
        struct stat st;

        if (journal_stream >= 0)
                return journal_stream;

        journal_stream = 0;
        e = getenv("JOURNAL_STREAM");
        if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
            (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino)
                journal_stream = 1;
        return journal_stream;
}

int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) {
        int saved_errno = errno;
        char msg[1024];
        va_list ap;

        error = abs(error);
        if (level > max_level) {
                errno = saved_errno;
                return -error;
        }

        va_start(ap, fmt);
        errno = error; /* so %m in fmt renders the error */
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        if (stderr_is_journal())
                fprintf(stderr, "<%d>%s\n", level, msg);
        else if (max_level >= LOG_DEBUG)
                fprintf(stderr, "%s:%d: %s\n", file, line, msg);
        else
                fprintf(stderr, "%s\n", msg);

        errno = saved_errno;
        return -error;
}
