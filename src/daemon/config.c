/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Config parsing is table driven: every key names its section, a parser and
 * where the value goes. Rule keys are valid both in [Rules] (defaults) and in
 * [Unit:GLOB] sections (overrides, remembered with a "set" bit so an override
 * only changes what it names). Any error is reported with file:line and the
 * load fails as a whole: memmond never runs a half-applied config.
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyser.h"
#include "config.h"
#include "fileio.h"
#include "log.h"
#include "parse.h"

typedef enum ValueType {
        VALUE_DURATION,
        VALUE_DURATION_MIN_2S,
        VALUE_PERCENT,
        VALUE_PERCENT_OR_ZERO,
        VALUE_SIZE,
        VALUE_UNSIGNED,
        VALUE_CONFIDENCE,
        VALUE_BOOLEAN,
        VALUE_GLOBS,
        VALUE_LOG_LEVEL,
} ValueType;

typedef enum SectionType {
        SECTION_MONITOR,
        SECTION_RULES,          /* also valid in [Unit:GLOB] */
        SECTION_RULES_ONLY,     /* global rules, [Rules] only */
} SectionType;

typedef struct ConfigKey {
        SectionType section;
        const char *name;
        ValueType type;
        size_t offset;          /* in Config, or in RuleConfig for SECTION_RULES */
        unsigned max;           /* for VALUE_UNSIGNED */
} ConfigKey;

#define MON(n, t, f, ...) { SECTION_MONITOR, n, t, offsetof(Config, f), __VA_ARGS__ }
#define RULE(n, t, f) { SECTION_RULES, n, t, offsetof(RuleConfig, f), 0 }
#define GRULE(n, t, f, ...) { SECTION_RULES_ONLY, n, t, offsetof(Config, f), __VA_ARGS__ }

static const ConfigKey config_keys[] = {
        MON("SampleInterval", VALUE_DURATION, sample_interval, 0),
        MON("StatInterval", VALUE_DURATION_MIN_2S, stat_interval, 0),
        MON("RescanInterval", VALUE_DURATION, rescan_interval, 0),
        MON("AnalysisInterval", VALUE_DURATION, analysis_interval, 0),
        MON("HistoryDepth", VALUE_UNSIGNED, history_depth, CONFIG_HISTORY_DEPTH_LIMIT),
        MON("HistoryCoarseDepth", VALUE_UNSIGNED, history_coarse_depth, CONFIG_HISTORY_DEPTH_LIMIT),
        MON("MaxUnits", VALUE_UNSIGNED, max_units, CONFIG_MAX_UNITS_LIMIT),
        MON("Include", VALUE_GLOBS, include, 0),
        MON("Exclude", VALUE_GLOBS, exclude, 0),
        MON("LogLevel", VALUE_LOG_LEVEL, log_level, 0),
        MON("PressureTriggers", VALUE_BOOLEAN, pressure_triggers, 0),
        MON("PressureTriggerStall", VALUE_DURATION, pressure_trigger_stall, 0),
        MON("PressureTriggerWindow", VALUE_DURATION, pressure_trigger_window, 0),
        MON("MaxPressureTriggers", VALUE_UNSIGNED, max_pressure_triggers, CONFIG_MAX_UNITS_LIMIT),
        MON("AnalysisWindow", VALUE_DURATION, analysis_window, 0),
        MON("AnalysisMinSpan", VALUE_DURATION, analysis_min_span, 0),
        MON("SustainedSpan", VALUE_DURATION, analysis_sustained_span, 0),
        MON("LeakSpan", VALUE_DURATION, analysis_leak_span, 0),
        MON("MinGrowthPerMinute", VALUE_SIZE, analysis_min_growth, 0),

        RULE("WarningPercent", VALUE_PERCENT_OR_ZERO, warning_percent),
        RULE("CriticalPercent", VALUE_PERCENT_OR_ZERO, critical_percent),
        RULE("EmergencyPercent", VALUE_PERCENT_OR_ZERO, emergency_percent),
        RULE("WarningBytes", VALUE_SIZE, warning_bytes),
        RULE("CriticalBytes", VALUE_SIZE, critical_bytes),
        RULE("PressureFullAvg10", VALUE_PERCENT_OR_ZERO, pressure_full_avg10),
        RULE("HoldTime", VALUE_DURATION, hold_time),
        RULE("ClearTime", VALUE_DURATION, clear_time),
        RULE("ClearMarginPercent", VALUE_PERCENT_OR_ZERO, clear_margin_percent),
        RULE("LeakConfidence", VALUE_CONFIDENCE, leak_confidence),
        RULE("Ignore", VALUE_BOOLEAN, ignore),

        GRULE("HostAvailableWarningPercent", VALUE_PERCENT_OR_ZERO, host_available_warning_percent, 0),
        GRULE("HostAvailableCriticalPercent", VALUE_PERCENT_OR_ZERO, host_available_critical_percent, 0),
        GRULE("HostPressureFullAvg10", VALUE_PERCENT_OR_ZERO, host_pressure_full_avg10, 0),
        GRULE("AlertsPerUnitPerHour", VALUE_UNSIGNED, alerts_per_unit_per_hour, 100000),
        GRULE("AlertsPerHour", VALUE_UNSIGNED, alerts_per_hour, 1000000),
};

/* UnitOverride.set has one bit per key. */
_Static_assert(ELEMENTSOF(config_keys) <= 64, "UnitOverride.set is too narrow for config_keys");
_Static_assert(ELEMENTSOF(config_keys) <= ELEMENTSOF(((Config *) NULL)->origin), "Config.origin is too short");

int config_new_default(Config **ret) {
        _cleanup_(config_freep) Config *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;

        *c = (Config) {
                .sample_interval = 5 * USEC_PER_SEC,
                .stat_interval = 10 * USEC_PER_SEC,
                .rescan_interval = 30 * USEC_PER_SEC,
                .analysis_interval = 60 * USEC_PER_SEC,
                .history_depth = 60,
                .history_coarse_depth = 60,
                .max_units = 2000,
                .log_level = LOG_INFO,
                .pressure_triggers = true,
                .pressure_trigger_stall = 200 * USEC_PER_MSEC,
                .pressure_trigger_window = 2 * USEC_PER_SEC,
                .max_pressure_triggers = 512,
                .analysis_window = 30 * USEC_PER_MINUTE,
                .analysis_min_span = 2 * USEC_PER_MINUTE,
                .analysis_sustained_span = 6 * USEC_PER_MINUTE,
                .analysis_leak_span = 15 * USEC_PER_MINUTE,
                .analysis_min_growth = 256 * 1024,
                .rules = {
                        .warning_percent = 80,
                        .critical_percent = 90,
                        .emergency_percent = 95,
                        .pressure_full_avg10 = 20,
                        .hold_time = 30 * USEC_PER_SEC,
                        .clear_time = 30 * USEC_PER_SEC,
                        .clear_margin_percent = 5,
                        .leak_confidence = 80,
                },
                .host_available_warning_percent = 10,
                .host_available_critical_percent = 5,
                .host_pressure_full_avg10 = 20,
                .alerts_per_unit_per_hour = 10,
                .alerts_per_hour = 100,
        };

        *ret = TAKE_PTR(c);
        return 0;
}

Config *config_free(Config *c) {
        if (!c)
                return NULL;
        strv_free(c->include);
        strv_free(c->exclude);
        for (size_t i = 0; i < c->n_overrides; i++)
                free(c->overrides[i].glob);
        free(c->overrides);
        for (size_t i = 0; i < c->n_files; i++)
                free(c->files[i]);
        free(c->files);
        free(c);
        return NULL;
}

static int strv_extend_words(char ***l, const char *value, const char *path, unsigned line) {
        size_t n = 0;

        for (char **i = *l; i && *i; i++)
                n++;

        for (const char *p = value;;) {
                size_t len;
                char **nl;

                p += strspn(p, " \t");
                if (*p == 0)
                        break;
                len = strcspn(p, " \t");
                if (n >= CONFIG_MAX_GLOBS) {
                        log_error("%s:%u: more than %u globs.", path, line, CONFIG_MAX_GLOBS);
                        return -EINVAL;
                }
                nl = realloc(*l, (n + 2) * sizeof(char *));
                if (!nl)
                        return -ENOMEM;
                *l = nl;
                nl[n] = strndup(p, len);
                if (!nl[n])
                        return -ENOMEM;
                nl[++n] = NULL;
                p += len;
        }
        return 0;
}

static int parse_value(const ConfigKey *k, void *dest, const char *value, const char *path, unsigned line) {
        int r;

        switch (k->type) {
        case VALUE_DURATION:
        case VALUE_DURATION_MIN_2S: {
                usec_t u;

                r = parse_duration(value, &u);
                if (r < 0)
                        break;
                if (u == 0 && k->section == SECTION_MONITOR) {
                        log_error("%s:%u: %s= must be greater than zero.", path, line, k->name);
                        return -EINVAL;
                }
                if (k->type == VALUE_DURATION_MIN_2S && u < 2 * USEC_PER_SEC) {
                        log_error("%s:%u: %s= must be at least 2s: the kernel updates memory.stat about every 2s.",
                                  path, line, k->name);
                        return -EINVAL;
                }
                if (u > 7 * USEC_PER_DAY) {
                        log_error("%s:%u: %s=%s is longer than 7 days.", path, line, k->name, value);
                        return -EINVAL;
                }
                *(usec_t *) dest = u;
                return 0;
        }
        case VALUE_PERCENT:
        case VALUE_PERCENT_OR_ZERO: {
                double d;

                if (k->type == VALUE_PERCENT_OR_ZERO && (streq(value, "0") || streq(value, "off"))) {
                        *(double *) dest = 0;
                        return 0;
                }
                r = parse_percent(value, &d);
                if (r < 0)
                        break;
                *(double *) dest = d;
                return 0;
        }
        case VALUE_SIZE: {
                uint64_t v;

                if (streq(value, "off")) {
                        *(uint64_t *) dest = 0;
                        return 0;
                }
                r = parse_size(value, &v);
                if (r < 0)
                        break;
                *(uint64_t *) dest = v;
                return 0;
        }
        case VALUE_UNSIGNED:
        case VALUE_CONFIDENCE: {
                unsigned max = k->type == VALUE_CONFIDENCE ? 100 : k->max;
                uint64_t v;

                r = parse_u64(value, &v);
                if (r < 0)
                        break;
                if (v > max || (k->type == VALUE_UNSIGNED && v == 0)) {
                        log_error("%s:%u: %s=%s out of range (%u..%u).", path, line, k->name, value,
                                  k->type == VALUE_UNSIGNED ? 1U : 0U, max);
                        return -EINVAL;
                }
                *(unsigned *) dest = (unsigned) v;
                return 0;
        }
        case VALUE_BOOLEAN:
                r = parse_boolean(value, (bool *) dest);
                if (r < 0)
                        break;
                return 0;
        case VALUE_GLOBS:
                /* An empty assignment resets the list, as in systemd unit files. */
                if (*value == 0) {
                        strv_free(*(char ***) dest);
                        *(char ***) dest = NULL;
                        return 0;
                }
                return strv_extend_words((char ***) dest, value, path, line);
        case VALUE_LOG_LEVEL:
                r = log_level_from_string(value);
                if (r < 0)
                        break;
                *(int *) dest = r;
                return 0;
        }

        log_error("%s:%u: invalid value for %s=: '%s'.", path, line, k->name, value);
        return -EINVAL;
}

static char *strip(char *s) {
        char *e;

        s += strspn(s, " \t\r");
        e = s + strlen(s);
        while (e > s && strchr(" \t\r", e[-1]))
                *--e = 0;
        return s;
}

static int override_add(Config *c, const char *glob, const char *path, unsigned line, UnitOverride **ret) {
        UnitOverride *n;

        if (*glob == 0 || strlen(glob) > 256 || strchr(glob, '/')) {
                log_error("%s:%u: invalid unit glob in section [Unit:%s].", path, line, glob);
                return -EINVAL;
        }
        if (c->n_overrides >= CONFIG_MAX_OVERRIDES) {
                log_error("%s:%u: more than %u [Unit:] sections.", path, line, CONFIG_MAX_OVERRIDES);
                return -EINVAL;
        }
        n = realloc(c->overrides, (c->n_overrides + 1) * sizeof(UnitOverride));
        if (!n)
                return -ENOMEM;
        c->overrides = n;
        n = &c->overrides[c->n_overrides];
        *n = (UnitOverride) { .glob = strdup(glob) };
        if (!n->glob)
                return -ENOMEM;
        c->n_overrides++;
        *ret = n;
        return 0;
}

/* Remembers path for messages about the keys it sets; returns its number (1-based). */
static int config_add_file(Config *c, const char *path) {
        char **a, *p;

        if (c->n_files > CONFIG_MAX_DROPINS)
                return 0;       /* not remembered: messages fall back to the caller's origin */
        p = strdup(path);
        if (!p)
                return -ENOMEM;
        a = reallocarray(c->files, c->n_files + 1, sizeof *a);
        if (!a) {
                free(p);
                return -ENOMEM;
        }
        c->files = a;
        c->files[c->n_files++] = p;
        return (int) c->n_files;
}

int config_parse_text(Config *c, const char *path, const char *text) {
        enum { NONE, MONITOR, RULES, UNIT } section = NONE;
        UnitOverride *ov = NULL;
        unsigned line = 0;
        int ret = 0, file;

        file = config_add_file(c, path);
        if (file < 0)
                return file;

        for (const char *p = text; *p;) {
                const char *eol = strchrnul(p, '\n');
                _cleanup_(freep) char *buf = strndup(p, eol - p);
                char *l, *eq, *key, *value;
                const ConfigKey *k = NULL;
                int r;

                if (!buf)
                        return -ENOMEM;
                line++;
                p = *eol ? eol + 1 : eol;

                l = strip(buf);
                if (*l == 0 || *l == '#' || *l == ';')
                        continue;

                if (*l == '[') {
                        size_t len = strlen(l);

                        if (l[len - 1] != ']') {
                                log_error("%s:%u: malformed section header.", path, line);
                                ret = -EINVAL;
                                section = NONE;
                                continue;
                        }
                        l[len - 1] = 0;
                        l++;
                        if (streq(l, "Monitor"))
                                section = MONITOR;
                        else if (streq(l, "Rules"))
                                section = RULES;
                        else if (startswith(l, "Unit:")) {
                                r = override_add(c, l + 5, path, line, &ov);
                                if (r == -ENOMEM)
                                        return r;
                                if (r < 0) {
                                        ret = r;
                                        section = NONE;
                                        continue;
                                }
                                section = UNIT;
                        } else {
                                log_error("%s:%u: unknown section [%s].", path, line, l);
                                ret = -EINVAL;
                                section = NONE;
                        }
                        continue;
                }

                eq = strchr(l, '=');
                if (!eq) {
                        log_error("%s:%u: expected Key=Value.", path, line);
                        ret = -EINVAL;
                        continue;
                }
                *eq = 0;
                key = strip(l);
                value = strip(eq + 1);

                if (section == NONE) {
                        log_error("%s:%u: %s= outside of a section.", path, line, key);
                        ret = -EINVAL;
                        continue;
                }

                for (size_t i = 0; i < ELEMENTSOF(config_keys); i++) {
                        const ConfigKey *ck = &config_keys[i];

                        if (!streq(ck->name, key))
                                continue;
                        if ((section == MONITOR && ck->section == SECTION_MONITOR) ||
                            (section == RULES && ck->section != SECTION_MONITOR) ||
                            (section == UNIT && ck->section == SECTION_RULES))
                                k = ck;
                        break;
                }
                if (!k) {
                        log_error("%s:%u: unknown key %s= in this section.", path, line, key);
                        ret = -EINVAL;
                        continue;
                }

                if (section == UNIT) {
                        r = parse_value(k, (char *) &ov->rules + k->offset, value, path, line);
                        if (r >= 0)
                                ov->set |= UINT64_C(1) << (k - config_keys);
                } else {
                        if (k->section == SECTION_RULES)
                                r = parse_value(k, (char *) &c->rules + k->offset, value, path, line);
                        else
                                r = parse_value(k, (char *) c + k->offset, value, path, line);
                        if (r >= 0 && file > 0)
                                c->origin[k - config_keys] = (typeof(c->origin[0])) {
                                        .file = file, .line = line, .seq = ++c->n_assignments,
                                };
                }
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }

        return ret;
}

static int verify_rules(const RuleConfig *r, const char *origin, const char *what) {
        double w = r->warning_percent, cr = r->critical_percent, e = r->emergency_percent;

        if ((w > 0 && cr > 0 && w >= cr) || (cr > 0 && e > 0 && cr >= e) || (w > 0 && e > 0 && w >= e)) {
                log_error("%s: %s: WarningPercent < CriticalPercent < EmergencyPercent is required.", origin, what);
                return -EINVAL;
        }
        if (r->warning_bytes > 0 && r->critical_bytes > 0 && r->warning_bytes >= r->critical_bytes) {
                log_error("%s: %s: WarningBytes must be below CriticalBytes.", origin, what);
                return -EINVAL;
        }
        /* An alert clears below its level minus the margin: at or under zero it never would. */
        double lowest = w > 0 ? w : cr > 0 ? cr : e;
        if (lowest > 0 && r->clear_margin_percent >= lowest) {
                log_error("%s: %s: ClearMarginPercent must be below the lowest percent level that is set.",
                          origin, what);
                return -EINVAL;
        }
        if (r->warning_bytes > 0 && r->clear_margin_percent >= 100) {
                log_error("%s: %s: ClearMarginPercent must be below 100 with WarningBytes= set.", origin, what);
                return -EINVAL;
        }
        return 0;
}

int config_verify_unit_rules(const RuleConfig *r, const char *unit) {
        char what[300];

        snprintf(what, sizeof what, "the [Unit:] sections matching %s", unit);
        return verify_rules(r, "configuration", what);
}

/*
 * "file:line" where the latest of the named keys was set (the assignment most likely to have
 * broken the relation), or origin when none was set in a file.
 */
static const char *keys_origin(const Config *c, const char *origin, char *buf, size_t n,
                               const char *const *names) {
        unsigned seq = 0;
        size_t best = 0;

        for (const char *const *name = names; *name; name++)
                for (size_t k = 0; k < ELEMENTSOF(config_keys); k++)
                        if (streq(config_keys[k].name, *name) && c->origin[k].seq > seq) {
                                seq = c->origin[k].seq;
                                best = k;
                        }
        if (seq == 0 || c->origin[best].file == 0 || c->origin[best].file > c->n_files)
                return origin;
        snprintf(buf, n, "%s:%u", c->files[c->origin[best].file - 1], c->origin[best].line);
        return buf;
}
#define WHERE(...) keys_origin(c, origin, where, sizeof where, (const char *const[]) { __VA_ARGS__, NULL })

int config_verify(const Config *c, const char *origin) {
        char where[PATH_MAX + 16];
        int r;

        r = verify_rules(&c->rules, WHERE("WarningPercent", "CriticalPercent", "EmergencyPercent", "WarningBytes",
                                          "CriticalBytes", "ClearMarginPercent"), "[Rules]");
        if (r < 0)
                return r;
        for (size_t i = 0; i < c->n_overrides; i++) {
                RuleConfig eff;
                char what[300];

                config_rules_for_unit(c, c->overrides[i].glob, &eff);
                snprintf(what, sizeof(what), "[Unit:%s]", c->overrides[i].glob);
                r = verify_rules(&eff, origin, what);
                if (r < 0)
                        return r;
        }
        if (c->host_available_critical_percent > 0 && c->host_available_warning_percent > 0 &&
            c->host_available_critical_percent >= c->host_available_warning_percent) {
                log_error("%s: HostAvailableCriticalPercent must be below HostAvailableWarningPercent "
                          "(alerts fire when MemAvailable drops below them).",
                          WHERE("HostAvailableWarningPercent", "HostAvailableCriticalPercent"));
                return -EINVAL;
        }
        /* Floors: a microsecond interval would keep the loop busy sampling, rescanning or analysing. */
        if (c->sample_interval < 100 * USEC_PER_MSEC || c->rescan_interval < USEC_PER_SEC ||
            c->analysis_interval < USEC_PER_SEC) {
                log_error("%s: SampleInterval= must be at least 100ms, RescanInterval= and AnalysisInterval= "
                          "at least 1s.", WHERE("SampleInterval", "RescanInterval", "AnalysisInterval"));
                return -EINVAL;
        }
        /* Host alerts clear once MemAvailable is above the level plus the margin: below 100 %. */
        if ((c->host_available_warning_percent > 0 &&
             c->host_available_warning_percent + c->rules.clear_margin_percent >= 100) ||
            (c->host_available_critical_percent > 0 &&
             c->host_available_critical_percent + c->rules.clear_margin_percent >= 100)) {
                log_error("%s: HostAvailableWarningPercent= and HostAvailableCriticalPercent= plus "
                          "ClearMarginPercent= must stay below 100, or their alerts could never clear.",
                          WHERE("HostAvailableWarningPercent", "HostAvailableCriticalPercent", "ClearMarginPercent"));
                return -EINVAL;
        }
        if (!(c->analysis_min_span < c->analysis_sustained_span &&
              c->analysis_sustained_span <= c->analysis_leak_span &&
              c->analysis_leak_span <= c->analysis_window)) {
                log_error("%s: analysis spans must satisfy AnalysisMinSpan < SustainedSpan <= LeakSpan <= AnalysisWindow.",
                          WHERE("AnalysisMinSpan", "SustainedSpan", "LeakSpan", "AnalysisWindow"));
                return -EINVAL;
        }
        if (MIN((usec_t) c->history_depth, c->analysis_window / c->sample_interval) > CONFIG_ANALYSIS_MAX_RAW) {
                log_error("%s: AnalysisWindow= spans more than %u raw samples (HistoryDepth=%u, SampleInterval=); "
                          "shorten the window, lower HistoryDepth= or sample less often.",
                          WHERE("AnalysisWindow", "HistoryDepth", "SampleInterval"), CONFIG_ANALYSIS_MAX_RAW,
                          c->history_depth);
                return -EINVAL;
        }
        if (c->pressure_trigger_window < 500 * USEC_PER_MSEC || c->pressure_trigger_window > 10 * USEC_PER_SEC ||
            c->pressure_trigger_stall == 0 || c->pressure_trigger_stall >= c->pressure_trigger_window) {
                log_error("%s: PressureTriggerWindow= must be 500ms..10s and PressureTriggerStall= below it "
                          "(kernel limits for PSI triggers).", WHERE("PressureTriggerWindow", "PressureTriggerStall"));
                return -EINVAL;
        }
        return 0;
}
#undef WHERE

static int dropin_cmp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int load_file(Config *c, const char *path, bool must_exist) {
        _cleanup_(freep) char *text = NULL;
        size_t len;
        int r;

        r = read_full_file(path, CONFIG_MAX_FILE_SIZE, &text, &len);
        if (r == -ENOENT && !must_exist)
                return 0;
        if (r == -EFBIG)
                return log_error_errno(EINVAL, "%s: larger than %u bytes, refusing.", path, CONFIG_MAX_FILE_SIZE);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read: %m", path);
        if (strlen(text) != len)
                return log_error_errno(EINVAL, "%s: contains a NUL byte, refusing.", path);
        return config_parse_text(c, path, text);
}

int config_load(const char *main_path, const char *dropin_dir, Config **ret) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(strv_freep) char **files = NULL;
        size_t n_files = 0;
        int r, ret_r = 0;

        r = config_new_default(&c);
        if (r < 0)
                return r;

        if (main_path) {
                r = load_file(c, main_path, false);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret_r = r;
        }

        if (dropin_dir) {
                DIR *d = opendir(dropin_dir);

                if (!d && errno != ENOENT)
                        return log_error_errno(errno, "%s: cannot open: %m", dropin_dir);
                if (d) {
                        struct dirent *de;

                        files = calloc(CONFIG_MAX_DROPINS + 1, sizeof(char *));
                        if (!files) {
                                closedir(d);
                                return -ENOMEM;
                        }
                        while ((de = readdir(d))) {
                                size_t len = strlen(de->d_name);

                                if (de->d_name[0] == '.' || len < 6 || !streq(de->d_name + len - 5, ".conf"))
                                        continue;
                                if (n_files >= CONFIG_MAX_DROPINS) {
                                        closedir(d);
                                        return log_error_errno(EINVAL, "%s: more than %u drop-ins.",
                                                               dropin_dir, CONFIG_MAX_DROPINS);
                                }
                                if (asprintf(&files[n_files], "%s/%s", dropin_dir, de->d_name) < 0) {
                                        files[n_files] = NULL;
                                        closedir(d);
                                        return -ENOMEM;
                                }
                                n_files++;
                        }
                        closedir(d);
                        qsort(files, n_files, sizeof(char *), dropin_cmp);
                }
        }

        for (size_t i = 0; i < n_files; i++) {
                r = load_file(c, files[i], true);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret_r = r;
        }
        if (ret_r < 0)
                return -EINVAL;

        r = config_verify(c, main_path ?: "config");
        if (r < 0)
                return r;

        *ret = TAKE_PTR(c);
        return 0;
}

void config_rules_for_unit(const Config *c, const char *unit, RuleConfig *ret) {
        RuleConfig rc = c->rules;

        for (size_t i = 0; i < c->n_overrides; i++) {
                const UnitOverride *o = &c->overrides[i];

                if (fnmatch(o->glob, unit, 0) != 0)
                        continue;
                for (size_t k = 0; k < ELEMENTSOF(config_keys); k++) {
                        const ConfigKey *ck = &config_keys[k];
                        size_t sz = 0;

                        if (ck->section != SECTION_RULES || !(o->set & (UINT64_C(1) << k)))
                                continue;
                        switch (ck->type) {
                        case VALUE_DURATION:
                        case VALUE_DURATION_MIN_2S:
                                sz = sizeof(usec_t);
                                break;
                        case VALUE_PERCENT:
                        case VALUE_PERCENT_OR_ZERO:
                                sz = sizeof(double);
                                break;
                        case VALUE_SIZE:
                                sz = sizeof(uint64_t);
                                break;
                        case VALUE_UNSIGNED:
                        case VALUE_CONFIDENCE:
                                sz = sizeof(unsigned);
                                break;
                        case VALUE_BOOLEAN:
                                sz = sizeof(bool);
                                break;
                        case VALUE_GLOBS:
                        case VALUE_LOG_LEVEL:
                                continue; /* not rule keys */
                        }
                        memcpy((char *) &rc + ck->offset, (const char *) &o->rules + ck->offset, sz);
                }
        }
        *ret = rc;
}

bool config_unit_wanted(const Config *c, const char *unit) {
        RuleConfig rc;
        bool included = !c->include;

        for (char **g = c->include; g && *g; g++)
                if (fnmatch(*g, unit, 0) == 0) {
                        included = true;
                        break;
                }
        if (!included)
                return false;
        for (char **g = c->exclude; g && *g; g++)
                if (fnmatch(*g, unit, 0) == 0)
                        return false;

        config_rules_for_unit(c, unit, &rc);
        return !rc.ignore;
}

void config_analyser_params(const Config *c, AnalyserParams *p) {
        p->window = c->analysis_window;
        p->min_span = c->analysis_min_span;
        p->sustained_span = c->analysis_sustained_span;
        p->leak_span = c->analysis_leak_span;
        p->min_growth_bytes_per_min = (double) c->analysis_min_growth;
}
