/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Alerts as structured journal entries: one entry per raise and one per
 * clear, each with its own MESSAGE_ID, UNIT= and numeric MEMMON_* fields.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "severity.h"
#include "time-util.h"

typedef enum AlertKind {
        ALERT_USAGE,            /* memory.current against memory.max/high or absolute bytes */
        ALERT_OOM_KILL,         /* memory.events oom_kill/oom_group_kill rose */
        ALERT_LIMIT_HIT,        /* memory.events max rose */
        ALERT_PRESSURE,         /* PSI full avg10 */
        ALERT_HOST_MEMORY,      /* host MemAvailable */
        ALERT_LEAK,             /* analyser verdict */
        _ALERT_KIND_MAX,
} AlertKind;

typedef struct Alert {
        uint64_t id;
        AlertKind kind;
        Severity severity;
        const char *unit;               /* NULL for host alerts */
        usec_t held;                    /* how long the condition held before firing */
        uint64_t current;
        uint64_t limit;                 /* 0 when not applicable */
        const char *limit_name;         /* "max", "high", "bytes", "host" */
        double threshold_percent;       /* 0 when not applicable */
        uint64_t threshold_bytes;
        double psi_full_avg10, psi_some_avg10;
        uint64_t oom_kill_count, max_events;
        /* ALERT_LEAK: the analyser's verdict */
        const char *pattern;
        unsigned confidence;
        double growth_bytes_per_min;
        usec_t time_to_limit;           /* USEC_INFINITY: no forecast */
        const char *forecast_limit;     /* "max", "high", "host" */
        usec_t window;
} Alert;

const char *alert_kind_to_string(AlertKind k);

/* Where entries go: sd_journal_sendv() by default, a capture in tests. */
typedef int (*JournalSink)(const struct iovec *iov, int n, void *userdata);

/* Builds the entry and hands it to sink (NULL: the journal). Returns the sink's result. */
int journal_send_alert(const Alert *a, bool cleared, JournalSink sink, void *userdata);

/* "n alerts for unit (NULL: all units) were suppressed by the budget of burst per hour". */
int journal_send_suppressed(const char *unit, unsigned n, unsigned burst, usec_t interval,
                            JournalSink sink, void *userdata);

/* The daemon's start entry (MEMMON_MESSAGE_DAEMON_READY). */
int journal_send_ready(const char *version, size_t n_units, usec_t sample_interval,
                       bool psi_triggers, JournalSink sink, void *userdata);
