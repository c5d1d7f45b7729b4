/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Field layout of alert entries. Numbers are plain decimal so that
 * `journalctl -o json` consumers can compare them without parsing units;
 * MESSAGE= is the human sentence. The sink indirection exists for unit tests;
 * the real proof is reading entries back from a running journald
 * (tests/daemon/test-journal.sh).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-journal.h>

#include "journal.h"
#include "message-ids.h"
#include "util.h"

#define MAX_FIELDS 24
#define FIELD_MAX 512 /* MESSAGE= with a 255-byte unit name and its figures */

static const char *const kind_table[_ALERT_KIND_MAX] = {
        [ALERT_USAGE] = "usage",
        [ALERT_OOM_KILL] = "oom-kill",
        [ALERT_LIMIT_HIT] = "limit-hit",
        [ALERT_PRESSURE] = "pressure",
        [ALERT_HOST_MEMORY] = "host-memory",
        [ALERT_LEAK] = "leak",
};

static const char *const kind_message_id[_ALERT_KIND_MAX] = {
        [ALERT_USAGE] = MEMMON_MESSAGE_ALERT_USAGE,
        [ALERT_OOM_KILL] = MEMMON_MESSAGE_ALERT_OOM_KILL,
        [ALERT_LIMIT_HIT] = MEMMON_MESSAGE_ALERT_LIMIT_HIT,
        [ALERT_PRESSURE] = MEMMON_MESSAGE_ALERT_PRESSURE,
        [ALERT_HOST_MEMORY] = MEMMON_MESSAGE_ALERT_HOST_MEMORY,
        [ALERT_LEAK] = MEMMON_MESSAGE_ALERT_LEAK,
};

const char *alert_kind_to_string(AlertKind k) {
        if ((unsigned) k >= _ALERT_KIND_MAX)
                return NULL;
        return kind_table[k];
}

typedef struct Fields {
        char buf[MAX_FIELDS][FIELD_MAX];
        struct iovec iov[MAX_FIELDS];
        int n;
} Fields;

_printf_(2, 3) static void field(Fields *f, const char *fmt, ...) {
        va_list ap;
        int k;

        if (f->n >= MAX_FIELDS)
                return;
        va_start(ap, fmt);
        k = vsnprintf(f->buf[f->n], FIELD_MAX, fmt, ap);
        va_end(ap);
        if (k < 0)
                return;
        f->iov[f->n] = (struct iovec) { .iov_base = f->buf[f->n], .iov_len = MIN((size_t) k, (size_t) FIELD_MAX - 1) };
        f->n++;
}

static int sink_journal(const struct iovec *iov, int n, void *userdata) {
        return sd_journal_sendv(iov, n);
}

int journal_send_alert(const Alert *a, bool cleared, JournalSink sink, void *userdata) {
        Fields f = { .n = 0 };
        const char *who = a->unit ?: "host";
        const char *kind = alert_kind_to_string(a->kind);
        const char *sev = severity_to_string(a->severity);

        if (!kind || !sev)
                return -EINVAL;

        if (cleared) {
                field(&f, "MESSAGE=%s: %s alert cleared (was %s).", who, kind, sev);
                field(&f, "MESSAGE_ID=%s", MEMMON_MESSAGE_ALERT_CLEARED);
                field(&f, "PRIORITY=%d", LOG_INFO);
        } else {
                if (a->kind == ALERT_USAGE && a->limit > 0 && a->threshold_percent > 0)
                        field(&f, "MESSAGE=%s: memory %.1f%% of memory.%s (%llu of %llu bytes), above the %s level of %g%%.",
                              who, 100.0 * (double) a->current / (double) a->limit, strempty(a->limit_name),
                              (unsigned long long) a->current, (unsigned long long) a->limit, sev, a->threshold_percent);
                else if (a->kind == ALERT_LEAK) {
                        char ttl[FORMAT_DURATION_MAX + 64] = "";
                        if (a->time_to_limit != USEC_INFINITY) {
                                char d[FORMAT_DURATION_MAX];
                                snprintf(ttl, sizeof ttl, ", forecast to reach %s%s in %s",
                                         streq_ptr(a->forecast_limit, "host") ? "the host's available memory" : "memory.",
                                         streq_ptr(a->forecast_limit, "host") ? "" : strempty(a->forecast_limit),
                                         format_duration(d, sizeof d, a->time_to_limit));
                        }
                        field(&f, "MESSAGE=%s: memory %s at %.2f MB/min (confidence %u%%)%s.",
                              who, strempty(a->pattern), a->growth_bytes_per_min / 1e6, a->confidence, ttl);
                }
                else if (a->kind == ALERT_OOM_KILL)
                        field(&f, "MESSAGE=%s: the kernel OOM killer killed a process (%llu kills so far).",
                              who, (unsigned long long) a->oom_kill_count);
                else
                        field(&f, "MESSAGE=%s: %s alert, severity %s.", who, kind, sev);
                field(&f, "MESSAGE_ID=%s", kind_message_id[a->kind]);
                field(&f, "PRIORITY=%d", severity_to_priority(a->severity));
        }

        if (a->unit)
                field(&f, "UNIT=%s", a->unit);
        field(&f, "MEMMON_ALERT=%s", kind);
        field(&f, "MEMMON_ALERT_ID=%llu", (unsigned long long) a->id);
        field(&f, "MEMMON_SEVERITY=%s", sev);
        field(&f, "MEMMON_CURRENT_BYTES=%llu", (unsigned long long) a->current);
        if (a->limit > 0) {
                field(&f, "MEMMON_LIMIT_BYTES=%llu", (unsigned long long) a->limit);
                field(&f, "MEMMON_LIMIT=%s", strempty(a->limit_name));
        }
        if (a->threshold_percent > 0) {
                field(&f, "MEMMON_THRESHOLD_PERCENT=%g", a->threshold_percent);
                field(&f, "MEMMON_THRESHOLD=%g", a->threshold_percent);
        }
        if (a->threshold_bytes > 0)
                field(&f, "MEMMON_THRESHOLD_BYTES=%llu", (unsigned long long) a->threshold_bytes);
        if (a->kind == ALERT_PRESSURE || a->psi_full_avg10 > 0) {
                field(&f, "MEMMON_PSI_FULL_AVG10=%.2f", a->psi_full_avg10);
                field(&f, "MEMMON_PSI_SOME_AVG10=%.2f", a->psi_some_avg10);
        }
        if (a->kind == ALERT_OOM_KILL)
                field(&f, "MEMMON_OOM_KILL_COUNT=%llu", (unsigned long long) a->oom_kill_count);
        if (a->kind == ALERT_LIMIT_HIT)
                field(&f, "MEMMON_MAX_EVENTS=%llu", (unsigned long long) a->max_events);
        if (a->kind == ALERT_LEAK) {
                field(&f, "MEMMON_PATTERN=%s", strempty(a->pattern));
                field(&f, "MEMMON_CONFIDENCE=%u", a->confidence);
                field(&f, "MEMMON_GROWTH_BYTES_PER_MIN=%.0f", a->growth_bytes_per_min);
                field(&f, "MEMMON_WINDOW_USEC=%llu", (unsigned long long) a->window);
                if (a->time_to_limit != USEC_INFINITY) {
                        field(&f, "MEMMON_TIME_TO_LIMIT_USEC=%llu", (unsigned long long) a->time_to_limit);
                        field(&f, "MEMMON_FORECAST_LIMIT=%s", strempty(a->forecast_limit));
                }
        }
        field(&f, "MEMMON_DURATION_USEC=%llu", (unsigned long long) a->held);

        return (sink ?: sink_journal)(f.iov, f.n, userdata);
}

int journal_send_suppressed(const char *unit, unsigned n, unsigned burst, usec_t interval,
                            JournalSink sink, void *userdata) {
        char d[FORMAT_DURATION_MAX];
        Fields f = { .n = 0 };

        format_duration(d, sizeof d, interval);
        field(&f, "MESSAGE=%s: %u alert%s suppressed: the budget is %u per %s.",
              unit ?: "all units", n, n == 1 ? " was" : "s were", burst, d);
        field(&f, "MESSAGE_ID=%s", MEMMON_MESSAGE_ALERTS_SUPPRESSED);
        field(&f, "PRIORITY=%d", LOG_WARNING);
        if (unit)
                field(&f, "UNIT=%s", unit);
        field(&f, "MEMMON_SUPPRESSED=%u", n);
        field(&f, "MEMMON_BUDGET=%u", burst);
        field(&f, "MEMMON_BUDGET_INTERVAL_USEC=%llu", (unsigned long long) interval);
        return (sink ?: sink_journal)(f.iov, f.n, userdata);
}

int journal_send_ready(const char *version, size_t n_units, usec_t sample_interval,
                       bool psi_triggers, JournalSink sink, void *userdata) {
        char d[FORMAT_DURATION_MAX];
        Fields f = { .n = 0 };

        format_duration(d, sizeof d, sample_interval);
        field(&f, "MESSAGE=memmond %s watching %zu units, sampling every %s%s.",
              version, n_units, d, psi_triggers ? ", with PSI triggers" : "");
        field(&f, "MESSAGE_ID=%s", MEMMON_MESSAGE_DAEMON_READY);
        field(&f, "PRIORITY=%d", LOG_INFO);
        field(&f, "MEMMON_VERSION=%s", version);
        field(&f, "MEMMON_UNITS=%zu", n_units);
        field(&f, "MEMMON_SAMPLE_INTERVAL_USEC=%llu", (unsigned long long) sample_interval);
        field(&f, "MEMMON_PSI_TRIGGERS=%d", psi_triggers);
        return (sink ?: sink_journal)(f.iov, f.n, userdata);
}
