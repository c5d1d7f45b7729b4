/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * memmond.conf: systemd-style INI, one main file plus the *.conf files in memmond.conf.d
 * drop-ins applied in lexical order. A loaded Config is immutable; reload
 * builds a new one and swaps it only if it is valid.
 */

#include <stdbool.h>
#include <stdint.h>

#include "time-util.h"
#include "util.h"

/* Hard ceilings: config values above these are rejected, not clamped. */
/*
 * 10,000 units keep every bus reply that lists them (ListUnits, Export, GetManagedObjects:
 * at most about 1.9 KiB a unit, with 255-character names) under 24 MiB, three quarters of
 * dbus-daemon's default 32 MiB message limit. A larger reply gets memmond disconnected from
 * the bus, at the call of any user (test-bus checks the sizes).
 */
#define CONFIG_MAX_UNITS_LIMIT 10000U
#define CONFIG_HISTORY_DEPTH_LIMIT 100000U
#define CONFIG_MAX_GLOBS 64U
#define CONFIG_MAX_OVERRIDES 256U
#define CONFIG_MAX_FILE_SIZE (256U * 1024U)
#define CONFIG_MAX_DROPINS 128U
/* Raw samples one analysis may look at (the analyser decimates them further). */
#define CONFIG_ANALYSIS_MAX_RAW 4096U

/* Per-unit alert rules; [Rules] gives defaults, [Unit:GLOB] sections override. */
typedef struct RuleConfig {
        double warning_percent;         /* of memory.max, or memory.high when no max; 0 = off */
        double critical_percent;
        double emergency_percent;
        uint64_t warning_bytes;         /* absolute memory.current; 0 = off */
        uint64_t critical_bytes;
        double pressure_full_avg10;     /* PSI full avg10 percent; 0 = off */
        usec_t hold_time;               /* condition must hold this long to fire */
        usec_t clear_time;              /* and be gone this long to clear */
        double clear_margin_percent;    /* hysteresis: clear below threshold - margin */
        unsigned leak_confidence;       /* analysis confidence that raises a leak alert; 0 = off */
        bool ignore;                    /* do not watch the unit at all */
} RuleConfig;

typedef struct UnitOverride {
        char *glob;
        RuleConfig rules;
        uint64_t set;                   /* bit per config key (index in config_keys) given in the section */
} UnitOverride;

typedef struct Config {
        /* [Monitor] */
        usec_t sample_interval;
        usec_t stat_interval;           /* memory.stat and limits; the kernel flushes stat ~every 2 s */
        usec_t rescan_interval;
        usec_t analysis_interval;
        unsigned history_depth;         /* raw samples per unit */
        unsigned history_coarse_depth;  /* one-minute aggregates per unit */
        unsigned max_units;
        char **include;                 /* NULL-terminated globs on unit names */
        char **exclude;
        int log_level;
        bool pressure_triggers;
        usec_t pressure_trigger_stall;
        usec_t pressure_trigger_window;
        unsigned max_pressure_triggers; /* each costs a kernel thread (psimon) on Linux 6.1 */
        usec_t analysis_window;         /* see docs/ANALYSIS.md */
        usec_t analysis_min_span;
        usec_t analysis_sustained_span;
        usec_t analysis_leak_span;
        uint64_t analysis_min_growth;   /* bytes per minute below which growth is noise */

        /* [Rules] */
        RuleConfig rules;
        double host_available_warning_percent;  /* MemAvailable below this % of MemTotal */
        double host_available_critical_percent;
        double host_pressure_full_avg10;
        unsigned alerts_per_unit_per_hour;
        unsigned alerts_per_hour;

        UnitOverride *overrides;
        size_t n_overrides;

        /*
         * Where each [Monitor]/[Rules] key was last set, for the cross-field checks'
         * messages: files[origin.file - 1] and its line; origin.file 0: the default.
         */
        char **files;                   /* every file parsed, in order */
        size_t n_files;
        struct {
                unsigned file, line, seq;
        } origin[64];
        unsigned n_assignments;
} Config;

int config_new_default(Config **ret);
Config *config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free);

/*
 * Loads main_path (missing is fine: defaults) and then every *.conf in
 * dropin_dir. Each problem is logged as "file:line: reason"; any problem
 * makes the whole load fail with -EINVAL so a bad edit never half-applies.
 */
int config_load(const char *main_path, const char *dropin_dir, Config **ret);

/* Parses one file's text into c; path is used in messages only. */
int config_parse_text(Config *c, const char *path, const char *text);

/* Validates cross-field constraints after all files are applied. */
int config_verify(const Config *c, const char *origin);

/* The rules for one unit: defaults plus every matching [Unit:GLOB] in order. */
void config_rules_for_unit(const Config *c, const char *unit, RuleConfig *ret);
/*
 * The effective rules of one unit checked as config_verify() checks [Rules]: overrides can
 * combine (two globs matching one unit), and a glob with a character class never matches
 * itself, so only a real unit name shows some mistakes. Logs why; the caller falls back.
 */
int config_verify_unit_rules(const RuleConfig *r, const char *unit);

/* The analyser parameters the config sets; the rest stay at their defaults. */
typedef struct AnalyserParams AnalyserParams;
void config_analyser_params(const Config *c, AnalyserParams *p);

/* Include/exclude globs and Ignore=. */
bool config_unit_wanted(const Config *c, const char *unit);
