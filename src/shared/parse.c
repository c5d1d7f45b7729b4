/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Parsers for kernel text files and config values. The kernel's formats are
 * stable but grow: unknown keys are skipped, known keys must parse. Numbers
 * never go through atoi() or an unchecked strtol(): every conversion checks
 * errno, the end pointer and the range.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "util.h"

static bool only_trailing_space(const char *p) {
        for (; *p; p++)
                if (!isspace((unsigned char) *p))
                        return false;
        return true;
}

/*
 * Decimal digits in [p, end), nothing else. The kernel's numbers on the hot path
 * (several per unit per tick) do not need strtoull()'s locale, sign and base
 * handling; under emulation that was a visible part of the tick.
 */
static int parse_digits(const char *p, const char *end, uint64_t *ret) {
        uint64_t v = 0;

        if (p >= end)
                return -EINVAL;
        for (; p < end; p++) {
                unsigned d = (unsigned char) *p - '0';

                if (d > 9)
                        return -EINVAL;
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

static const char *skip_digits(const char *p) {
        while (*p >= '0' && *p <= '9')
                p++;
        return p;
}

int parse_u64(const char *s, uint64_t *ret) {
        const char *end;

        if (!s)
                return -EINVAL;
        end = skip_digits(s);
        if (!only_trailing_space(end))
                return -EINVAL;
        return parse_digits(s, end, ret);
}

/* PSI's "12.34" (the kernel prints two decimals; more are accepted), without strtod(). */
static int parse_psi_avg(const char *p, const char *end, double *ret) {
        const char *dot = memchr(p, '.', end - p) ?: end;
        uint64_t ip, frac = 0, scale = 1;
        int r;

        r = parse_digits(p, dot, &ip);
        if (r < 0)
                return r;
        if (dot < end) {
                if (end - dot - 1 > 9)
                        return -EINVAL;
                r = parse_digits(dot + 1, end, &frac);
                if (r < 0)
                        return r;
                for (const char *q = dot + 1; q < end; q++)
                        scale *= 10;
        }
        if (ip > 100)
                return -ERANGE;
        *ret = (double) ip + (double) frac / (double) scale;
        return *ret > 100 ? -ERANGE : 0;
}

int parse_limit(const char *s, uint64_t *ret) {
        if (!s)
                return -EINVAL;
        if (startswith(s, "max") && only_trailing_space(s + 3)) {
                *ret = LIMIT_MAX;
                return 0;
        }
        return parse_u64(s, ret);
}

int parse_size(const char *s, uint64_t *ret) {
        static const struct {
                char suffix;
                uint64_t factor;
        } table[] = {
                { 'K', 1ULL << 10 },
                { 'M', 1ULL << 20 },
                { 'G', 1ULL << 30 },
                { 'T', 1ULL << 40 },
        };
        unsigned long long v;
        uint64_t factor = 1;
        char *end;

        if (!s || !isdigit((unsigned char) *s))
                return -EINVAL;

        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (errno != 0 || end == s)
                return -EINVAL;

        if (*end != 0 && !isspace((unsigned char) *end)) {
                bool found = false;

                for (size_t i = 0; i < ELEMENTSOF(table); i++)
                        if (toupper((unsigned char) *end) == table[i].suffix) {
                                factor = table[i].factor;
                                found = true;
                                break;
                        }
                if (!found)
                        return -EINVAL;
                end++;
                /* Accept "M", "MB", "MiB". */
                if (*end == 'i')
                        end++;
                if (*end == 'B')
                        end++;
        }
        if (!only_trailing_space(end))
                return -EINVAL;
        if (factor > 1 && v > UINT64_MAX / factor)
                return -ERANGE;

        *ret = v * factor;
        return 0;
}

int parse_double(const char *s, double *ret) {
        char *end;
        double v;

        if (!s || *s == 0 || isspace((unsigned char) *s))
                return -EINVAL;

        errno = 0;
        v = strtod(s, &end);
        if (errno == ERANGE)
                return -ERANGE;
        if (errno != 0 || end == s || !only_trailing_space(end) || !isfinite(v))
                return -EINVAL;

        *ret = v;
        return 0;
}

int parse_percent(const char *s, double *ret) {
        char buf[64];
        size_t len;
        double v;
        int r;

        if (!s)
                return -EINVAL;
        len = strlen(s);
        if (len == 0 || len >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, len + 1);
        while (len > 0 && isspace((unsigned char) buf[len - 1]))
                buf[--len] = 0;
        if (len > 0 && buf[len - 1] == '%')
                buf[--len] = 0;

        r = parse_double(buf, &v);
        if (r < 0)
                return r;
        if (v <= 0 || v > 100)
                return -ERANGE;
        *ret = v;
        return 0;
}

int parse_boolean(const char *s, bool *ret) {
        static const char *const yes[] = { "1", "yes", "true", "on", "y" };
        static const char *const no[] = { "0", "no", "false", "off", "n" };

        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (strcasecmp(s, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (strcasecmp(s, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        return -EINVAL;
}

int parse_keyed_u64(const char *buf, const KeyedField *fields, size_t n_fields, void *dest) {
        uint64_t seen = 0, all;
        size_t hint = 0;
        int found = 0;

        if (!buf || n_fields > 64)
                return -EINVAL;
        all = n_fields == 64 ? UINT64_MAX : (UINT64_C(1) << n_fields) - 1;

        /*
         * Stops once every wanted key was seen: memory.stat has ~40 lines and the ones the
         * sampler wants come first, which matters on the hot path.
         */
        for (const char *line = buf; *line && seen != all;) {
                const char *eol = strchrnul(line, '\n');
                const char *sp = memchr(line, ' ', eol - line);

                if (sp) {
                        size_t klen = sp - line;

                        /* The kernel's order is the table's: try the key after the last match first. */
                        for (size_t j = 0; j < n_fields; j++) {
                                size_t i = (hint + j) % n_fields;
                                const char *vend = eol;
                                uint64_t v;

                                if (strncmp(line, fields[i].key, klen) != 0 || fields[i].key[klen] != 0)
                                        continue;
                                while (vend > sp + 1 && isspace((unsigned char) vend[-1]))
                                        vend--;
                                if (parse_digits(sp + 1, vend, &v) < 0)
                                        return -EINVAL;
                                memcpy((char *) dest + fields[i].offset, &v, sizeof(v));
                                if (!(seen & (UINT64_C(1) << i)))
                                        found++;
                                seen |= UINT64_C(1) << i;
                                hint = i + 1;
                                break;
                        }
                } else if (eol != line)
                        return -EINVAL; /* a non-empty line without a value */

                line = *eol ? eol + 1 : eol;
        }

        return found;
}

int parse_memory_stat(const char *buf, MemoryStat *ret) {
        static const KeyedField fields[] = {
                { "anon", offsetof(MemoryStat, anon) },
                { "file", offsetof(MemoryStat, file) },
                { "kernel", offsetof(MemoryStat, kernel) },
                { "sock", offsetof(MemoryStat, sock) },
                { "shmem", offsetof(MemoryStat, shmem) },
                { "file_mapped", offsetof(MemoryStat, file_mapped) },
        };
        MemoryStat s = {};
        int r;

        r = parse_keyed_u64(buf, fields, ELEMENTSOF(fields), &s);
        if (r < 0)
                return r;
        /* anon and file exist on every kernel with cgroup v2; without them the file is not memory.stat. */
        if (r < 2)
                return -EINVAL;
        s.valid = true;
        *ret = s;
        return 0;
}

int parse_memory_events(const char *buf, MemoryEvents *ret) {
        static const KeyedField fields[] = {
                { "low", offsetof(MemoryEvents, low) },
                { "high", offsetof(MemoryEvents, high) },
                { "max", offsetof(MemoryEvents, max) },
                { "oom", offsetof(MemoryEvents, oom) },
                { "oom_kill", offsetof(MemoryEvents, oom_kill) },
                { "oom_group_kill", offsetof(MemoryEvents, oom_group_kill) },
        };
        MemoryEvents e = {};
        int r;

        r = parse_keyed_u64(buf, fields, ELEMENTSOF(fields), &e);
        if (r < 0)
                return r;
        if (r < 5) /* oom_group_kill is 5.17+, the rest are older */
                return -EINVAL;
        e.valid = true;
        *ret = e;
        return 0;
}

static int parse_pressure_line(const char *p, const char *eol, double avg[3], uint64_t *total) {
        static const struct {
                const char *key;
                size_t len;
        } keys[] = {
#define KEY(k) { k, sizeof(k) - 1 }
                KEY("avg10="), KEY("avg60="), KEY("avg300="), KEY("total="),
#undef KEY
        };
        unsigned seen = 0;
        size_t hint = 0;

        while (p < eol) {
                const char *tok_end;
                bool known = false;

                while (p < eol && *p == ' ')
                        p++;
                if (p >= eol)
                        break;
                tok_end = memchr(p, ' ', eol - p) ?: eol;

                /* The kernel's order is the table's: try the key after the last match first. */
                for (size_t j = 0; j < ELEMENTSOF(keys); j++) {
                        size_t i = (hint + j) % ELEMENTSOF(keys), klen = keys[i].len;

                        if ((size_t) (tok_end - p) <= klen || memcmp(p, keys[i].key, klen) != 0)
                                continue;
                        hint = i + 1;
                        if (i < 3) {
                                if (parse_psi_avg(p + klen, tok_end, &avg[i]) < 0)
                                        return -EINVAL;
                        } else if (parse_digits(p + klen, tok_end, total) < 0)
                                return -EINVAL;
                        seen |= 1U << i;
                        known = true;
                        break;
                }
                /* A key=value the kernel may add one day is skipped; anything else is garbage. */
                if (!known && !memchr(p, '=', tok_end - p))
                        return -EINVAL;
                p = tok_end;
        }

        return seen == 0xf ? 0 : -EINVAL;
}

int parse_pressure(const char *buf, PressureStats *ret) {
        PressureStats ps = {};
        bool some = false;

        if (!buf)
                return -EINVAL;

        for (const char *line = buf; *line;) {
                const char *eol = strchrnul(line, '\n');
                double avg[3];
                uint64_t total;

                if (startswith(line, "some ")) {
                        if (parse_pressure_line(line + 5, eol, avg, &total) < 0)
                                return -EINVAL;
                        ps.some_avg10 = avg[0];
                        ps.some_avg60 = avg[1];
                        ps.some_avg300 = avg[2];
                        ps.some_total = total;
                        some = true;
                } else if (startswith(line, "full ")) {
                        if (parse_pressure_line(line + 5, eol, avg, &total) < 0)
                                return -EINVAL;
                        ps.full_avg10 = avg[0];
                        ps.full_avg60 = avg[1];
                        ps.full_avg300 = avg[2];
                        ps.full_total = total;
                        ps.has_full = true;
                } else if (eol != line)
                        return -EINVAL;

                line = *eol ? eol + 1 : eol;
        }

        if (!some)
                return -EINVAL;
        ps.valid = true;
        *ret = ps;
        return 0;
}

int parse_meminfo(const char *buf, HostSample *ret) {
        static const struct {
                const char *key;
                size_t offset;
        } fields[] = {
                { "MemTotal:", offsetof(HostSample, mem_total) },
                { "MemAvailable:", offsetof(HostSample, mem_available) },
                { "SwapTotal:", offsetof(HostSample, swap_total) },
                { "SwapFree:", offsetof(HostSample, swap_free) },
        };
        unsigned seen = 0;

        if (!buf)
                return -EINVAL;

        for (const char *line = buf; *line;) {
                const char *eol = strchrnul(line, '\n');

                for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                        size_t klen = strlen(fields[i].key);
                        const char *p;
                        char num[32];
                        size_t len;
                        uint64_t v;

                        if ((size_t) (eol - line) <= klen || strncmp(line, fields[i].key, klen) != 0)
                                continue;
                        p = line + klen;
                        p += strspn(p, " ");
                        len = strspn(p, "0123456789");
                        if (len == 0 || len >= sizeof(num))
                                return -EINVAL;
                        memcpy(num, p, len);
                        num[len] = 0;
                        if (parse_u64(num, &v) < 0)
                                return -EINVAL;
                        p += len;
                        /* Values are in kB ("kB" = KiB in the kernel's meminfo). */
                        if (strncmp(p, " kB", 3) == 0)
                                v = u64_mul_sat(v, 1024);
                        memcpy((char *) ret + fields[i].offset, &v, sizeof(v));
                        seen |= 1U << i;
                        break;
                }

                line = *eol ? eol + 1 : eol;
        }

        /* MemAvailable is 3.14+; without MemTotal this is not meminfo. */
        return (seen & 0x3) == 0x3 ? 0 : -EINVAL;
}
