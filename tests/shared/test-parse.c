/* SPDX-License-Identifier: LGPL-2.1-or-later */
#undef NDEBUG
#include <errno.h>
#include <glib.h>

#include "parse.h"

static void test_u64(void) {
        uint64_t v;
        g_assert_cmpint(parse_u64("4096\n", &v), ==, 0);
        g_assert_cmpuint(v, ==, 4096);
        g_assert_cmpint(parse_u64("-1", &v), ==, -EINVAL);
        g_assert_cmpint(parse_u64("12x", &v), ==, -EINVAL);
        g_assert_cmpint(parse_u64("", &v), ==, -EINVAL);
        g_assert_cmpint(parse_u64("99999999999999999999999", &v), ==, -ERANGE);
        /* The bounds and what strtoull() would have let through: no sign, no space, no base. */
        g_assert_cmpint(parse_u64("18446744073709551615", &v), ==, 0);
        g_assert_cmpuint(v, ==, UINT64_MAX);
        g_assert_cmpint(parse_u64("18446744073709551616", &v), ==, -ERANGE);
        g_assert_cmpint(parse_u64(" 1", &v), ==, -EINVAL);
        g_assert_cmpint(parse_u64("+1", &v), ==, -EINVAL);
        g_assert_cmpint(parse_u64("12 34", &v), ==, -EINVAL);
        g_assert_cmpint(parse_u64("0x10", &v), ==, -EINVAL);
        g_assert_cmpint(parse_u64(NULL, &v), ==, -EINVAL);
        g_assert_cmpint(parse_limit("max\n", &v), ==, 0);
        g_assert_cmpuint(v, ==, LIMIT_MAX);
        g_assert_cmpint(parse_limit("maximum", &v), ==, -EINVAL);
        g_assert_cmpint(parse_size("64M", &v), ==, 0);
        g_assert_cmpuint(v, ==, 64ULL << 20);
        g_assert_cmpint(parse_size("2GiB", &v), ==, 0);
        g_assert_cmpuint(v, ==, 2ULL << 30);
        g_assert_cmpint(parse_size("1Q", &v), ==, -EINVAL);
        g_assert_cmpint(parse_size("99999999999T", &v), ==, -ERANGE);
}

static void test_percent(void) {
        double d;
        g_assert_cmpint(parse_percent("80%", &d), ==, 0);
        g_assert_cmpfloat(d, ==, 80);
        g_assert_cmpint(parse_percent("92.5", &d), ==, 0);
        g_assert_cmpint(parse_percent("0", &d), ==, -ERANGE);
        g_assert_cmpint(parse_percent("101", &d), ==, -ERANGE);
        g_assert_cmpint(parse_percent("nan", &d), ==, -EINVAL);
}

static void test_stat_events(void) {
        MemoryStat st;
        MemoryEvents ev;

        g_assert_cmpint(parse_memory_stat("anon 100\nfile 200\nkernel 5\nsock 0\nshmem 1\nfile_mapped 2\nnew_key 7\n", &st), ==, 0);
        g_assert_true(st.valid);
        g_assert_cmpuint(st.anon, ==, 100);
        g_assert_cmpuint(st.file, ==, 200);
        g_assert_cmpuint(st.file_mapped, ==, 2);
        g_assert_cmpint(parse_memory_stat("anon 1x\nfile 2\n", &st), ==, -EINVAL);
        g_assert_cmpint(parse_memory_stat("anon 1\n", &st), ==, -EINVAL);      /* truncated */
        /* A repeated key counts once, so it cannot stand in for a missing one. */
        g_assert_cmpint(parse_memory_stat("anon 1\nanon 1\nanon 1\nanon 1\nanon 1\nanon 1\n", &st), ==, -EINVAL);
        /* Reading stops once every wanted key was seen (the hot path). */
        g_assert_cmpint(parse_memory_stat("anon 1\nfile 2\nkernel 3\nsock 4\nshmem 5\nfile_mapped 6\n"
                                          "pgfault 99999999999999999999999999\n", &st), ==, 0);
        g_assert_cmpuint(st.file_mapped, ==, 6);
        g_assert_cmpint(parse_memory_stat("garbage\n", &st), ==, -EINVAL);

        g_assert_cmpint(parse_memory_events("low 0\nhigh 3\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n", &ev), ==, 0);
        g_assert_cmpuint(ev.high, ==, 3);
        g_assert_cmpuint(ev.oom_kill, ==, 1);
        g_assert_cmpint(parse_memory_events("low 0\nhigh 3\n", &ev), ==, -EINVAL);
}

static void test_pressure(void) {
        PressureStats ps;

        g_assert_cmpint(parse_pressure("some avg10=1.50 avg60=0.20 avg300=0.00 total=12345\n"
                                       "full avg10=0.75 avg60=0.10 avg300=0.00 total=678\n", &ps), ==, 0);
        g_assert_true(ps.has_full);
        g_assert_cmpfloat(ps.some_avg10, ==, 1.5);
        g_assert_cmpfloat(ps.full_avg10, ==, 0.75);
        g_assert_cmpuint(ps.full_total, ==, 678);
        g_assert_cmpint(parse_pressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", &ps), ==, 0);
        g_assert_false(ps.has_full);
        g_assert_cmpint(parse_pressure("some avg10=0.00 avg60=0.00\n", &ps), ==, -EINVAL);
        /* Unknown key=value tokens (a future kernel) are skipped, bare words are not. */
        g_assert_cmpint(parse_pressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=1 extra=1\n"
                                       "full avg10=2.50 avg60=0.00 avg300=0.00 total=1 extra=1\n", &ps), ==, 0);
        g_assert_cmpfloat(ps.full_avg10, ==, 2.5);
        g_assert_cmpint(parse_pressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=1 junk\n", &ps), ==, -EINVAL);
        g_assert_cmpint(parse_pressure("some avg10=abc avg60=0.00 avg300=0.00 total=1\n", &ps), ==, -EINVAL);
        g_assert_cmpint(parse_pressure("", &ps), ==, -EINVAL);

        /* Averages are parsed without strtod(): the kernel's "%lu.%02lu", a bound of 100, nothing loose. */
        g_assert_cmpint(parse_pressure("some avg10=100.00 avg60=99.99 avg300=0.125 total=18446744073709551615\n", &ps), ==, 0);
        g_assert_cmpfloat(ps.some_avg10, ==, 100);
        g_assert_cmpfloat_with_epsilon(ps.some_avg60, 99.99, 1e-9);
        g_assert_cmpfloat_with_epsilon(ps.some_avg300, 0.125, 1e-12);
        g_assert_cmpuint(ps.some_total, ==, UINT64_MAX);
        g_assert_cmpint(parse_pressure("some avg10=7 avg60=0.00 avg300=0.00 total=1\n", &ps), ==, 0);
        g_assert_cmpfloat(ps.some_avg10, ==, 7);
        static const char *const bad_avg[] = { "100.01", "101", "1.", ".5", "-1.00", "+1.00", "1.2.3", "1e2", "0x10", "" };
        for (size_t i = 0; i < G_N_ELEMENTS(bad_avg); i++) {
                g_autofree char *t = g_strdup_printf("some avg10=%s avg60=0.00 avg300=0.00 total=1\n", bad_avg[i]);
                g_assert_cmpint(parse_pressure(t, &ps), ==, -EINVAL);
        }
        /* total overflowing 64 bits */
        g_assert_cmpint(parse_pressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551616\n", &ps), ==, -EINVAL);
}

static void test_meminfo(void) {
        HostSample h = {};

        g_assert_cmpint(parse_meminfo("MemTotal:       16384 kB\nMemFree:  1 kB\nMemAvailable:    8192 kB\n"
                                      "SwapTotal: 0 kB\nSwapFree: 0 kB\n", &h), ==, 0);
        g_assert_cmpuint(h.mem_total, ==, 16384ULL * 1024);
        g_assert_cmpuint(h.mem_available, ==, 8192ULL * 1024);
        g_assert_cmpint(parse_meminfo("MemFree: 1 kB\n", &h), ==, -EINVAL);
        g_assert_cmpint(parse_meminfo("MemTotal: x kB\nMemAvailable: 1 kB\n", &h), ==, -EINVAL);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/parse/u64", test_u64);
        g_test_add_func("/parse/percent", test_percent);
        g_test_add_func("/parse/stat-events", test_stat_events);
        g_test_add_func("/parse/pressure", test_pressure);
        g_test_add_func("/parse/meminfo", test_meminfo);
        return g_test_run();
}
