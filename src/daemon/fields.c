/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Figures not read yet (no memory.stat so far, a kernel without memory.peak)
 * are 0; limits not read yet are UINT64_MAX ("none"), like "max" itself.
 */

#include <stddef.h>

#include "fields.h"
#include "health.h"
#include "manager.h"
#include "memmon-build.h"
#include "unit.h"

int manager_health(Manager *m, HealthStatus *ret, char ***ret_problems) {
        HealthInputs in = {
                .now = now_usec(CLOCK_MONOTONIC),
                .last_tick = m->last_tick,
                .sample_interval = m->config->sample_interval,
                .psi_refused = m->config->pressure_triggers && !m->psi_triggers,
                .units_over_limit = m->units_over_limit,
                .max_units = m->config->max_units,
                .units_unwatchable = m->units_unwatchable,
                .unwatchable_error = m->scan_last_error,
                .journal_error = m->alerts->last_send_error,
                .journal_errors = m->alerts->n_send_errors,
        };

        return health_evaluate(&in, ret, ret_problems);
}

#define T(v) (*ret = (FieldValue) { .type = 't', .t = (v) })
#define U(v) (*ret = (FieldValue) { .type = 'u', .u = (v) })
#define D(v) (*ret = (FieldValue) { .type = 'd', .d = (v) })
#define S(v) (*ret = (FieldValue) { .type = 's', .s = (v) })

static void m_version(Manager *m, FieldValue *ret) { S(PACKAGE_VERSION); }
static void m_sample_interval(Manager *m, FieldValue *ret) { T(m->config->sample_interval); }
static void m_n_units(Manager *m, FieldValue *ret) { U((uint32_t) m->n_units); }
static void m_n_active_alerts(Manager *m, FieldValue *ret) { U(manager_active_alerts(m)); }
static void m_mem_total(Manager *m, FieldValue *ret) { T(m->has_host ? m->host.mem_total : 0); }
static void m_mem_available(Manager *m, FieldValue *ret) { T(m->has_host ? m->host.mem_available : 0); }
static void m_swap_total(Manager *m, FieldValue *ret) { T(m->has_host ? m->host.swap_total : 0); }
static void m_swap_free(Manager *m, FieldValue *ret) { T(m->has_host ? m->host.swap_free : 0); }
static void m_psi_some(Manager *m, FieldValue *ret) {
        D(m->has_host && m->host.pressure.valid ? m->host.pressure.some_avg10 : 0.0);
}
static void m_psi_full(Manager *m, FieldValue *ret) {
        D(m->has_host && m->host.pressure.valid && m->host.pressure.has_full ? m->host.pressure.full_avg10 : 0.0);
}
static void m_own_rss(Manager *m, FieldValue *ret) {
        uint64_t rss = 0;
        (void) own_rss_bytes(&rss);
        T(rss);
}
static void m_n_samples(Manager *m, FieldValue *ret) { T(m->n_ticks); }
static void m_health(Manager *m, FieldValue *ret) {
        HealthStatus s = HEALTH_FAILING; /* out of memory while judging is not healthy */
        (void) manager_health(m, &s, NULL);
        S(health_status_to_string(s));
}

const ManagerField manager_fields[] = {
        { "Version", 's', m_version },
        { "SampleIntervalUSec", 't', m_sample_interval },
        { "NUnits", 'u', m_n_units },
        { "NActiveAlerts", 'u', m_n_active_alerts },
        { "HostMemTotal", 't', m_mem_total },
        { "HostMemAvailable", 't', m_mem_available },
        { "HostSwapTotal", 't', m_swap_total },
        { "HostSwapFree", 't', m_swap_free },
        { "HostPressureSomeAvg10", 'd', m_psi_some },
        { "HostPressureFullAvg10", 'd', m_psi_full },
        { "OwnRSS", 't', m_own_rss },
        { "NSamples", 't', m_n_samples },
        { "Health", 's', m_health },
        {}
};

#define STAT(f) (u->sample.stat.valid ? u->sample.stat.f : 0)
#define EVENTS(f) (u->sample.events.valid ? u->sample.events.f : 0)

static void u_name(const Unit *u, FieldValue *ret) { S(u->name); }
static void u_current(const Unit *u, FieldValue *ret) { T(u->sample.current); }
static void u_peak(const Unit *u, FieldValue *ret) { T(u->sample.has_peak ? u->sample.peak : 0); }
static void u_swap(const Unit *u, FieldValue *ret) { T(u->sample.has_swap ? u->sample.swap_current : 0); }
static void u_anon(const Unit *u, FieldValue *ret) { T(STAT(anon)); }
static void u_file(const Unit *u, FieldValue *ret) { T(STAT(file)); }
static void u_kernel(const Unit *u, FieldValue *ret) { T(STAT(kernel)); }
static void u_shmem(const Unit *u, FieldValue *ret) { T(STAT(shmem)); }
static void u_max(const Unit *u, FieldValue *ret) { T(u->sample.limits.valid ? u->sample.limits.max : UINT64_MAX); }
static void u_high(const Unit *u, FieldValue *ret) { T(u->sample.limits.valid ? u->sample.limits.high : UINT64_MAX); }
static void u_low(const Unit *u, FieldValue *ret) { T(u->sample.limits.valid ? u->sample.limits.low : 0); }
static void u_ev_high(const Unit *u, FieldValue *ret) { T(EVENTS(high)); }
static void u_ev_max(const Unit *u, FieldValue *ret) { T(EVENTS(max)); }
static void u_ev_oom(const Unit *u, FieldValue *ret) { T(EVENTS(oom)); }
static void u_ev_oom_kill(const Unit *u, FieldValue *ret) { T(EVENTS(oom_kill)); }
static void u_psi_some(const Unit *u, FieldValue *ret) {
        D(u->sample.pressure.valid ? u->sample.pressure.some_avg10 : 0.0);
}
static void u_psi_full(const Unit *u, FieldValue *ret) {
        D(u->sample.pressure.valid ? u->sample.pressure.full_avg10 : 0.0);
}
static void u_pattern(const Unit *u, FieldValue *ret) { S(pattern_to_string(u->analysis.pattern)); }
static void u_confidence(const Unit *u, FieldValue *ret) { U(u->analysis.confidence); }
static void u_growth(const Unit *u, FieldValue *ret) { D(u->analysis.growth_bytes_per_min); }
static void u_ttl(const Unit *u, FieldValue *ret) { T(u->analysis.time_to_limit); }
static void u_forecast_limit(const Unit *u, FieldValue *ret) { S(strempty(u->analysis.limit_name)); }
static void u_active_alerts(const Unit *u, FieldValue *ret) { U(unit_active_alerts(u)); }
static void u_restarts(const Unit *u, FieldValue *ret) { U(u->cgroup_restarts); }
static void u_freed(const Unit *u, FieldValue *ret) { T(u->restart_freed); }

const UnitField unit_fields[] = {
        { "Name", 's', u_name },
        { "Current", 't', u_current },
        { "Peak", 't', u_peak },
        { "Swap", 't', u_swap },
        { "Anon", 't', u_anon },
        { "File", 't', u_file },
        { "Kernel", 't', u_kernel },
        { "Shmem", 't', u_shmem },
        { "MemoryMax", 't', u_max },
        { "MemoryHigh", 't', u_high },
        { "MemoryLow", 't', u_low },
        { "EventsHigh", 't', u_ev_high },
        { "EventsMax", 't', u_ev_max },
        { "EventsOom", 't', u_ev_oom },
        { "EventsOomKill", 't', u_ev_oom_kill },
        { "PressureSomeAvg10", 'd', u_psi_some },
        { "PressureFullAvg10", 'd', u_psi_full },
        { "Pattern", 's', u_pattern },
        { "Confidence", 'u', u_confidence },
        { "GrowthBytesPerMinute", 'd', u_growth },
        { "TimeToLimitUSec", 't', u_ttl },
        { "ForecastLimit", 's', u_forecast_limit },
        { "ActiveAlerts", 'u', u_active_alerts },
        { "CgroupRestarts", 'u', u_restarts },
        { "RestartFreedBytes", 't', u_freed },
        {}
};

const ManagerField *manager_field_find(const char *name) {
        for (const ManagerField *f = manager_fields; f->name; f++)
                if (streq(f->name, name))
                        return f;
        return NULL;
}

const UnitField *unit_field_find(const char *name) {
        for (const UnitField *f = unit_fields; f->name; f++)
                if (streq(f->name, name))
                        return f;
        return NULL;
}
