/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The bus API end to end: a private dbus-daemon (GTestDBus), the real memmond
 * binary on a fake cgroup tree, a fake polkit served from a thread of this
 * process (fake-polkit.c: verdict set by the test, questions recorded), and a GDBus
 * client calling every method and property and waiting for the signals.
 * Introspection is compared with dbus/org.memmon.Monitor.xml.
 *
 * The cases share one daemon and run in the order registered (all directly
 * under /bus/: GTest runs a suite's own cases before its sub-suites).
 * Environment (set by meson): MEMMOND, MEMMON_DBUS_XML.
 */

#undef NDEBUG

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "fake-polkit.h"
#include "memmon-build.h"

#define NAME "org.memmon.Monitor"
#define PATH "/org/memmon/Monitor"
#define IFACE "org.memmon.Monitor"
#define UNIT_IFACE "org.memmon.Unit"
#define HOG_PATH PATH "/unit/hog_2eservice"
#define PAGE 4096ULL
#define TIMEOUT_MS 10000

/* Environment: bus, daemon, client */

static GTestDBus *test_bus;
static char *tmpdir, *cgroot, *conf_path, *stderr_path;
static GSubprocess *daemon_proc;
static GDBusConnection *client;
static const char *address;             /* of the private bus */
static GPtrArray *signals;              /* of GVariant (sos@*): member, path, interface... see on_signal */
static guint64 start_rt;

static void write_file(const char *dir, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void write_file(const char *dir, const char *name, const char *fmt, ...) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *text = NULL;
        va_list ap;
        int fd, n;

        va_start(ap, fmt);
        n = g_vasprintf(&text, fmt, ap);
        va_end(ap);
        g_assert_cmpint(n, >=, 0);

        /*
         * In place, like the kernel's files: memmond keeps them open (no
         * g_file_set_contents()). One write, then the truncation: opening with
         * O_TRUNC would show memmond an empty file for a moment.
         */
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(write(fd, text, (size_t) n), ==, n);
        g_assert_cmpint(ftruncate(fd, n), ==, 0);
        g_assert_cmpint(close(fd), ==, 0);
}

static char *unit_dir(const char *rel) {
        return g_build_filename(cgroot, rel, NULL);
}

/*
 * Made in a staging directory and renamed into the tree: the kernel creates a
 * cgroup's files with it, and memmond would otherwise see the directory before
 * its files (a unit it cannot open is retried at the next rescan, an hour away).
 */
static void make_unit(const char *rel, guint64 current, const char *max) {
        g_autofree char *target = unit_dir(rel);
        g_autofree char *parent = g_path_get_dirname(target);
        g_autofree char *d = g_build_filename(tmpdir, "staging", NULL);

        g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==, 0);
        g_assert_cmpint(g_mkdir_with_parents(d, 0755), ==, 0);
        write_file(d, "memory.current", "%" G_GUINT64_FORMAT "\n", current);
        write_file(d, "memory.peak", "%" G_GUINT64_FORMAT "\n", current);
        write_file(d, "memory.swap.current", "0\n");
        write_file(d, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
        write_file(d, "memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
                                         "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        write_file(d, "memory.stat", "anon %" G_GUINT64_FORMAT "\nfile 0\nkernel 0\nsock 0\nshmem 0\nfile_mapped 0\n",
                   current);
        write_file(d, "memory.max", "%s\n", max);
        write_file(d, "memory.high", "max\n");
        write_file(d, "memory.low", "0\n");
        g_assert_cmpint(g_rename(d, target), ==, 0);
}

static void set_current(const char *rel, guint64 current) {
        g_autofree char *d = unit_dir(rel);
        write_file(d, "memory.current", "%" G_GUINT64_FORMAT "\n", current);
}

static void write_config(const char *sample_interval, const char *extra) {
        write_file(tmpdir, "memmond.conf",
                   "[Monitor]\n"
                   "SampleInterval=%s\n"
                   "RescanInterval=1h\n"
                   "PressureTriggers=no\n"
                   "AnalysisInterval=1s\n"
                   "AnalysisMinSpan=2s\n"
                   "SustainedSpan=4s\n"
                   "LeakSpan=8s\n"
                   "AnalysisWindow=30s\n"
                   "%s"
                   "[Rules]\n"
                   "HoldTime=1s\n"
                   "ClearTime=1s\n"
                   "HostAvailableWarningPercent=0\n"
                   "HostAvailableCriticalPercent=0\n"
                   "HostPressureFullAvg10=0\n",
                   sample_interval, extra);
}

static void on_signal(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                      const char *member, GVariant *params, gpointer data) {
        g_ptr_array_add(signals, g_variant_ref_sink(g_variant_new("(sss@*)", iface, member, path, params)));
}

typedef gboolean (*Condition)(gpointer data);

/* Runs the default main context (signals) until cond holds; FALSE on timeout. */
static gboolean wait_for(Condition cond, gpointer data, unsigned timeout_ms) {
        gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;

        while (!cond(data)) {
                if (g_get_monotonic_time() > deadline)
                        return FALSE;
                while (g_main_context_iteration(NULL, FALSE))
                        ;
                g_usleep(10 * 1000);
        }
        return TRUE;
}

/* Index of the first recorded signal with this member (and path, if given) from index from on; -1 if none. */
static int find_signal(const char *iface, const char *member, const char *path, guint from) {
        for (guint i = from; i < signals->len; i++) {
                const char *si, *sm, *sp;
                g_variant_get(signals->pdata[i], "(&s&s&s*)", &si, &sm, &sp, NULL);
                if (g_str_equal(si, iface) && g_str_equal(sm, member) && (!path || g_str_equal(sp, path)))
                        return (int) i;
        }
        return -1;
}

static GVariant *signal_params(int i) {
        return g_variant_get_child_value(signals->pdata[i], 3);
}

typedef struct SignalWait {
        const char *iface, *member, *path;
        guint from;
        int found;
} SignalWait;

static gboolean signal_arrived(gpointer data) {
        SignalWait *w = data;
        w->found = find_signal(w->iface, w->member, w->path, w->from);
        return w->found >= 0;
}

static int wait_signal(const char *iface, const char *member, const char *path, guint from) {
        SignalWait w = { iface, member, path, from, -1 };

        (void) wait_for(signal_arrived, &w, TIMEOUT_MS);
        return w.found;
}

static GVariant *call_full(const char *path, const char *iface, const char *method, GVariant *params,
                           const char *reply_type, GDBusCallFlags flags, GError **error) {
        return g_dbus_connection_call_sync(client, NAME, path, iface, method, params,
                                           reply_type ? G_VARIANT_TYPE(reply_type) : NULL, flags, 5000, NULL, error);
}

static GVariant *call(const char *method, GVariant *params, const char *reply_type, GError **error) {
        return call_full(PATH, IFACE, method, params, reply_type, G_DBUS_CALL_FLAGS_NONE, error);
}

static char *read_log(const char *log);

static void assert_remote_error(GError *error, const char *name) {
        g_autofree char *remote = NULL;

        g_assert_nonnull(error);
        remote = g_dbus_error_get_remote_error(error);
        if (!remote || !g_str_equal(remote, name)) {
                g_autofree char *log = stderr_path ? read_log(stderr_path) : NULL;
                g_error("expected %s, got %s (%s); memmond's stderr:\n%s", name, remote ? remote : "(local)",
                        error->message, log ? log : "");
        }
}

static GVariant *get_property(const char *path, const char *iface, const char *name) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        GVariant *v;

        reply = call_full(path, "org.freedesktop.DBus.Properties", "Get", g_variant_new("(ss)", iface, name),
                          "(v)", G_DBUS_CALL_FLAGS_NONE, &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(v)", &v);
        return v;
}

static guint64 get_u64(const char *path, const char *iface, const char *name) {
        g_autoptr(GVariant) v = get_property(path, iface, name);
        return g_variant_get_uint64(v);
}

static guint32 get_u32(const char *path, const char *iface, const char *name) {
        g_autoptr(GVariant) v = get_property(path, iface, name);
        return g_variant_get_uint32(v);
}

static gboolean name_has_owner(gpointer name) {
        g_autoptr(GVariant) reply = NULL;
        gboolean has = FALSE;

        reply = g_dbus_connection_call_sync(client, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                            "org.freedesktop.DBus", "NameHasOwner", g_variant_new("(s)", name),
                                            G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
        if (reply)
                g_variant_get(reply, "(b)", &has);
        return has;
}

/* memmond must not outlive a test that aborts. */
static void die_with_parent(gpointer data) {
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *spawn_memmond(const char *bus_address, const char *log, const char *extra_arg) {
        g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
        g_autofree char *conf_dir = g_build_filename(tmpdir, "conf.d", NULL);
        g_autoptr(GError) error = NULL;
        const char *memmond = g_getenv("MEMMOND");
        GSubprocess *p;

        g_assert_nonnull(memmond);
        if (bus_address)
                g_subprocess_launcher_setenv(l, "DBUS_SYSTEM_BUS_ADDRESS", bus_address, TRUE);
        g_subprocess_launcher_set_stderr_file_path(l, log);
        g_subprocess_launcher_set_child_setup(l, die_with_parent, NULL, NULL);
        p = g_subprocess_launcher_spawn(l, &error, memmond, "--config", conf_path, "--config-dir", conf_dir,
                                        "--cgroup-root", cgroot, extra_arg, NULL);
        g_assert_no_error(error);
        return p;
}

/* SIGTERM and a clean exit (under ASan this also means no leaks). */
static void stop_memmond(GSubprocess *p, const char *log) {
        g_autoptr(GError) error = NULL;

        g_subprocess_send_signal(p, SIGTERM);
        g_subprocess_wait(p, NULL, &error);
        g_assert_no_error(error);
        if (!g_subprocess_get_if_exited(p) || g_subprocess_get_exit_status(p) != 0) {
                g_autofree char *text = NULL;
                g_file_get_contents(log, &text, NULL, NULL);
                g_error("memmond did not exit cleanly; its stderr:\n%s", text ? text : "");
        }
}

static char *read_log(const char *log) {
        char *text = NULL;
        g_file_get_contents(log, &text, NULL, NULL);
        return text ? text : g_strdup("");
}

static void setup(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *conf_dir = NULL;

        tmpdir = g_dir_make_tmp("memmon-bus-XXXXXX", &error);
        g_assert_no_error(error);
        cgroot = g_build_filename(tmpdir, "cg", NULL);
        conf_dir = g_build_filename(tmpdir, "conf.d", NULL);
        conf_path = g_build_filename(tmpdir, "memmond.conf", NULL);
        stderr_path = g_build_filename(tmpdir, "memmond.stderr", NULL);
        g_assert_cmpint(g_mkdir_with_parents(cgroot, 0755), ==, 0);
        g_assert_cmpint(g_mkdir_with_parents(conf_dir, 0755), ==, 0);
        write_file(cgroot, "cgroup.controllers", "cpu memory pids\n");
        make_unit("system.slice/hog.service", 100 * PAGE, "4096000");
        make_unit("system.slice/steady.service", 100 * PAGE, "max");
        make_unit("user.slice/user-1000.slice/user@1000.service", 50 * PAGE, "max");
        write_config("200ms", "");

        test_bus = g_test_dbus_new(G_TEST_DBUS_NONE);
        g_test_dbus_up(test_bus);
        address = g_test_dbus_get_bus_address(test_bus);

        client = g_dbus_connection_new_for_address_sync(address,
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
        g_assert_no_error(error);
        signals = g_ptr_array_new_with_free_func((GDestroyNotify) g_variant_unref);
        /* Before the daemon starts, so no signal is missed. */
        g_dbus_connection_signal_subscribe(client, NULL, NULL, NULL, NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                           on_signal, NULL, NULL);

        fake_polkit_start(address);

        start_rt = (guint64) g_get_real_time();
        daemon_proc = spawn_memmond(address, stderr_path, NULL);
        if (!wait_for(name_has_owner, (gpointer) NAME, TIMEOUT_MS)) {
                g_autofree char *log = read_log(stderr_path);
                g_error("memmond did not take %s; its stderr:\n%s", NAME, log);
        }
}

static void teardown(void) {
        if (daemon_proc) {
                g_subprocess_send_signal(daemon_proc, SIGKILL);
                g_subprocess_wait(daemon_proc, NULL, NULL);
                g_clear_object(&daemon_proc);
        }
        fake_polkit_stop();
        g_clear_object(&client);
        if (test_bus) {
                g_test_dbus_down(test_bus);
                g_clear_object(&test_bus);
        }
        g_clear_pointer(&signals, g_ptr_array_unref);
        if (tmpdir) {
                g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
                (void) system(cmd);
        }
}

/* Introspection */

static GDBusNodeInfo *introspect(const char *path) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        const char *xml;
        GDBusNodeInfo *info;

        reply = call_full(path, "org.freedesktop.DBus.Introspectable", "Introspect", NULL, "(s)",
                          G_DBUS_CALL_FLAGS_NONE, &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(&s)", &xml);
        info = g_dbus_node_info_new_for_xml(xml, &error);
        g_assert_no_error(error);
        return info;
}

static GDBusNodeInfo *reference_xml(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *xml = NULL;
        const char *path = g_getenv("MEMMON_DBUS_XML");
        GDBusNodeInfo *info;

        g_assert_nonnull(path);
        g_file_get_contents(path, &xml, NULL, &error);
        g_assert_no_error(error);
        info = g_dbus_node_info_new_for_xml(xml, &error);
        g_assert_no_error(error);
        return info;
}

static guint n_items(void **a) {
        guint n = 0;
        while (a && a[n])
                n++;
        return n;
}

static void compare_args(const char *what, GDBusArgInfo **want, GDBusArgInfo **got) {
        g_assert_cmpuint(n_items((void **) want), ==, n_items((void **) got));
        for (guint i = 0; want && want[i]; i++) {
                if (!g_str_equal(want[i]->name, got[i]->name) || !g_str_equal(want[i]->signature, got[i]->signature))
                        g_error("%s: argument %u is %s %s in the XML, %s %s served", what, i, want[i]->signature,
                                want[i]->name, got[i]->signature, got[i]->name);
        }
}

static const char *emits(GDBusAnnotationInfo **a) {
        return g_dbus_annotation_info_lookup(a, "org.freedesktop.DBus.Property.EmitsChangedSignal") ?: "true";
}

static void compare_interface(const GDBusInterfaceInfo *want, const GDBusInterfaceInfo *got) {
        g_assert_nonnull(got);
        g_assert_cmpuint(n_items((void **) want->methods), ==, n_items((void **) got->methods));
        g_assert_cmpuint(n_items((void **) want->signals), ==, n_items((void **) got->signals));
        g_assert_cmpuint(n_items((void **) want->properties), ==, n_items((void **) got->properties));

        for (guint i = 0; want->methods && want->methods[i]; i++) {
                GDBusMethodInfo *w = want->methods[i];
                GDBusMethodInfo *g = g_dbus_interface_info_lookup_method((GDBusInterfaceInfo *) got, w->name);
                if (!g)
                        g_error("method %s.%s is in the XML but not served", want->name, w->name);
                compare_args(w->name, w->in_args, g->in_args);
                compare_args(w->name, w->out_args, g->out_args);
        }
        for (guint i = 0; want->signals && want->signals[i]; i++) {
                GDBusSignalInfo *w = want->signals[i];
                GDBusSignalInfo *g = g_dbus_interface_info_lookup_signal((GDBusInterfaceInfo *) got, w->name);
                if (!g)
                        g_error("signal %s.%s is in the XML but not served", want->name, w->name);
                compare_args(w->name, w->args, g->args);
        }
        for (guint i = 0; want->properties && want->properties[i]; i++) {
                GDBusPropertyInfo *w = want->properties[i];
                GDBusPropertyInfo *g = g_dbus_interface_info_lookup_property((GDBusInterfaceInfo *) got, w->name);
                if (!g)
                        g_error("property %s.%s is in the XML but not served", want->name, w->name);
                g_assert_cmpstr(w->signature, ==, g->signature);
                g_assert_cmpint(w->flags, ==, g->flags);
                if (!g_str_equal(emits(w->annotations), emits(g->annotations)))
                        g_error("property %s: EmitsChangedSignal=%s in the XML, %s served", w->name,
                                emits(w->annotations), emits(g->annotations));
        }
}

static void test_introspect_manager(void) {
        g_autoptr(GDBusNodeInfo) want = reference_xml(), got = introspect(PATH);

        compare_interface(g_dbus_node_info_lookup_interface(want, IFACE),
                          g_dbus_node_info_lookup_interface(got, IFACE));
        g_assert_nonnull(g_dbus_node_info_lookup_interface(got, "org.freedesktop.DBus.ObjectManager"));
        g_assert_null(g_dbus_node_info_lookup_interface(got, UNIT_IFACE));
}

static void test_introspect_unit(void) {
        g_autoptr(GDBusNodeInfo) want = reference_xml(), got = introspect(HOG_PATH);

        compare_interface(g_dbus_node_info_lookup_interface(want, UNIT_IFACE),
                          g_dbus_node_info_lookup_interface(got, UNIT_IFACE));
        g_assert_null(g_dbus_node_info_lookup_interface(got, IFACE));
}

static void test_introspect_children(void) {
        g_autoptr(GDBusNodeInfo) units = introspect(PATH "/unit");
        guint n = n_items((void **) units->nodes);

        /* The unit directory lists the units and is not a unit itself. */
        g_assert_cmpuint(n, ==, 3);
        g_assert_null(g_dbus_node_info_lookup_interface(units, UNIT_IFACE));
}

/* Properties */

static gboolean have_samples(gpointer data) {
        return get_u64(PATH, IFACE, "NSamples") >= GPOINTER_TO_UINT(data);
}

static void test_manager_properties(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) all = NULL, props = NULL, version = NULL, health = NULL;
        const char *health_s;

        g_assert_true(wait_for(have_samples, GUINT_TO_POINTER(3), TIMEOUT_MS));

        all = call_full(PATH, "org.freedesktop.DBus.Properties", "GetAll", g_variant_new("(s)", IFACE),
                        "(a{sv})", G_DBUS_CALL_FLAGS_NONE, &error);
        g_assert_no_error(error);
        props = g_variant_get_child_value(all, 0);
        g_assert_cmpuint(g_variant_n_children(props), ==, 13);

        version = get_property(PATH, IFACE, "Version");
        g_assert_cmpstr(g_variant_get_string(version, NULL), ==, PACKAGE_VERSION);
        g_assert_cmpuint(get_u64(PATH, IFACE, "SampleIntervalUSec"), ==, 200000);
        g_assert_cmpuint(get_u32(PATH, IFACE, "NUnits"), ==, 3);
        g_assert_cmpuint(get_u32(PATH, IFACE, "NActiveAlerts"), ==, 0);
        g_assert_cmpuint(get_u64(PATH, IFACE, "HostMemTotal"), >, 0);
        g_assert_cmpuint(get_u64(PATH, IFACE, "HostMemAvailable"), <=, get_u64(PATH, IFACE, "HostMemTotal"));
        g_assert_cmpuint(get_u64(PATH, IFACE, "HostSwapFree"), <=, get_u64(PATH, IFACE, "HostSwapTotal"));
        g_assert_cmpuint(get_u64(PATH, IFACE, "OwnRSS"), >, 100 * 1024);
        g_assert_cmpuint(get_u64(PATH, IFACE, "NSamples"), >=, 3);
        {
                g_autoptr(GVariant) some = get_property(PATH, IFACE, "HostPressureSomeAvg10");
                g_autoptr(GVariant) full = get_property(PATH, IFACE, "HostPressureFullAvg10");
                g_assert_cmpfloat(g_variant_get_double(some), >=, 0.0);
                g_assert_cmpfloat(g_variant_get_double(full), >=, 0.0);
        }
        health = get_property(PATH, IFACE, "Health");
        health_s = g_variant_get_string(health, NULL);
        g_assert_true(g_str_equal(health_s, "ok") || g_str_equal(health_s, "degraded"));

        /* Read-only, every one. */
        g_assert_null(call_full(PATH, "org.freedesktop.DBus.Properties", "Set",
                                g_variant_new("(ssv)", IFACE, "NUnits", g_variant_new_uint32(7)), NULL,
                                G_DBUS_CALL_FLAGS_NONE, &error));
        assert_remote_error(error, "org.freedesktop.DBus.Error.PropertyReadOnly");
}

static void test_unit_properties(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) all = NULL, props = NULL, name = NULL, pattern = NULL, limit = NULL;

        all = call_full(HOG_PATH, "org.freedesktop.DBus.Properties", "GetAll", g_variant_new("(s)", UNIT_IFACE),
                        "(a{sv})", G_DBUS_CALL_FLAGS_NONE, &error);
        g_assert_no_error(error);
        props = g_variant_get_child_value(all, 0);
        g_assert_cmpuint(g_variant_n_children(props), ==, 25);

        name = get_property(HOG_PATH, UNIT_IFACE, "Name");
        g_assert_cmpstr(g_variant_get_string(name, NULL), ==, "hog.service");
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "Current"), ==, 100 * PAGE);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "Peak"), ==, 100 * PAGE);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "Anon"), ==, 100 * PAGE);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "File"), ==, 0);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "Swap"), ==, 0);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "MemoryMax"), ==, 4096000);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "MemoryHigh"), ==, G_MAXUINT64);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "MemoryLow"), ==, 0);
        g_assert_cmpuint(get_u64(HOG_PATH, UNIT_IFACE, "EventsOomKill"), ==, 0);
        g_assert_cmpuint(get_u32(HOG_PATH, UNIT_IFACE, "ActiveAlerts"), ==, 0);
        g_assert_cmpuint(get_u32(HOG_PATH, UNIT_IFACE, "CgroupRestarts"), ==, 0);
        g_assert_cmpuint(get_u32(HOG_PATH, UNIT_IFACE, "Confidence"), <=, 100);
        pattern = get_property(HOG_PATH, UNIT_IFACE, "Pattern");
        g_assert_cmpuint(strlen(g_variant_get_string(pattern, NULL)), >, 0);
        limit = get_property(HOG_PATH, UNIT_IFACE, "ForecastLimit");
        g_assert_nonnull(g_variant_get_string(limit, NULL));

        /* A well-formed path for a unit that is not watched is no object. */
        g_assert_null(call_full(PATH "/unit/nope_2eservice", "org.freedesktop.DBus.Properties", "Get",
                                g_variant_new("(ss)", UNIT_IFACE, "Name"), "(v)", G_DBUS_CALL_FLAGS_NONE, &error));
        g_assert_nonnull(error);
}

static void test_object_manager(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL, objects = NULL, hog = NULL, unit_props = NULL, name = NULL;
        g_autoptr(GVariant) user = NULL;

        reply = call_full(PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
                          "(a{oa{sa{sv}}})", G_DBUS_CALL_FLAGS_NONE, &error);
        g_assert_no_error(error);
        objects = g_variant_get_child_value(reply, 0);
        g_assert_cmpuint(g_variant_n_children(objects), ==, 3);

        hog = g_variant_lookup_value(objects, HOG_PATH, G_VARIANT_TYPE("a{sa{sv}}"));
        g_assert_nonnull(hog);
        unit_props = g_variant_lookup_value(hog, UNIT_IFACE, G_VARIANT_TYPE("a{sv}"));
        g_assert_nonnull(unit_props);
        name = g_variant_lookup_value(unit_props, "Name", G_VARIANT_TYPE_STRING);
        g_assert_cmpstr(g_variant_get_string(name, NULL), ==, "hog.service");
        /* '@' and '-' are escaped by sd_bus_path_encode. */
        user = g_variant_lookup_value(objects, PATH "/unit/user_401000_2eservice", NULL);
        g_assert_nonnull(user);
}

/* Methods */

static void test_list_units(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariantIter) it = NULL;
        const char *name, *pattern, *path;
        guint64 current, peak, anon, max, ttl;
        guint32 confidence, active;
        double growth;
        guint n = 0;
        const char *order[] = { "hog.service", "steady.service", "user@1000.service" };

        reply = call("ListUnits", NULL, "(a(sottttsudtu))", &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(a(sottttsudtu))", &it);
        while (g_variant_iter_next(it, "(&s&otttt&sudtu)", &name, &path, &current, &peak, &anon, &max, &pattern,
                                   &confidence, &growth, &ttl, &active)) {
                g_assert_cmpuint(n, <, G_N_ELEMENTS(order));
                g_assert_cmpstr(name, ==, order[n]);
                g_assert_true(g_str_has_prefix(path, PATH "/unit/"));
                g_assert_cmpuint(confidence, <=, 100);
                g_assert_cmpuint(active, ==, 0);
                if (g_str_equal(name, "hog.service")) {
                        g_assert_cmpstr(path, ==, HOG_PATH);
                        g_assert_cmpuint(current, ==, 100 * PAGE);
                        g_assert_cmpuint(peak, ==, 100 * PAGE);
                        g_assert_cmpuint(anon, ==, 100 * PAGE);
                        g_assert_cmpuint(max, ==, 4096000);
                } else if (g_str_equal(name, "steady.service"))
                        g_assert_cmpuint(max, ==, G_MAXUINT64);
                n++;
        }
        g_assert_cmpuint(n, ==, 3);
}

static void test_get_unit(void) {
        static const char *const malformed[] = {
                "", "foo", "foo.socket", ".service", "a b.service", "../x.service", "x/y.service",
                "@x.service", "a@b@c.service", "ü.service",
        };
        g_autofree char *too_long = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GError) error = NULL;
        const char *path;

        reply = call("GetUnit", g_variant_new("(s)", "hog.service"), "(o)", &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(&o)", &path);
        g_assert_cmpstr(path, ==, HOG_PATH);
        g_clear_pointer(&reply, g_variant_unref);

        reply = call("GetUnit", g_variant_new("(s)", "user@1000.service"), "(o)", &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(&o)", &path);
        g_assert_cmpstr(path, ==, PATH "/unit/user_401000_2eservice");

        g_assert_null(call("GetUnit", g_variant_new("(s)", "nope.service"), "(o)", &error));
        assert_remote_error(error, "org.memmon.Monitor.Error.NoSuchUnit");
        g_clear_error(&error);
        /* Valid names that memmond does not watch by design. */
        g_assert_null(call("GetUnit", g_variant_new("(s)", "nope.scope"), "(o)", &error));
        assert_remote_error(error, "org.memmon.Monitor.Error.NoSuchUnit");
        g_clear_error(&error);

        for (size_t i = 0; i < G_N_ELEMENTS(malformed); i++) {
                g_assert_null(call("GetUnit", g_variant_new("(s)", malformed[i]), "(o)", &error));
                assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
                g_clear_error(&error);
        }
        too_long = g_strnfill(256, 'a');
        memcpy(too_long + 256 - strlen(".service"), ".service", strlen(".service"));
        g_assert_cmpuint(strlen(too_long), ==, 256);
        g_assert_null(call("GetUnit", g_variant_new("(s)", too_long), "(o)", &error));
        assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
        g_clear_error(&error);

        /* Wrong signature: sd-bus refuses it before our code runs. */
        g_assert_null(call("GetUnit", g_variant_new("(u)", 1), "(o)", &error));
        assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
}

static guint history(const char *unit, guint64 since, guint64 resolution, guint64 *first_t, guint64 *last_t,
                     GError **error) {
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariantIter) it = NULL;
        guint64 t, current, anon, file, prev = 0;
        guint n = 0;

        reply = call("GetHistory", g_variant_new("(stt)", unit, since, resolution), "(a(tttt))", error);
        if (!reply)
                return 0;
        g_variant_get(reply, "(a(tttt))", &it);
        while (g_variant_iter_next(it, "(tttt)", &t, &current, &anon, &file)) {
                g_assert_cmpuint(t, >=, prev); /* oldest first */
                if (resolution > 0 && n > 0)
                        g_assert_cmpuint(t / resolution, >, prev / resolution); /* one point per bucket */
                prev = t;
                if (n == 0 && first_t)
                        *first_t = t;
                if (g_str_equal(unit, "steady.service")) {
                        g_assert_cmpuint(current, ==, 100 * PAGE);
                        g_assert_cmpuint(anon, ==, 100 * PAGE);
                        g_assert_cmpuint(file, ==, 0);
                }
                n++;
        }
        if (last_t)
                *last_t = prev;
        return n;
}

static void test_get_history(void) {
        g_autoptr(GError) error = NULL;
        guint64 first = 0, last = 0, now;
        guint n_all, n_recent, n_buckets;

        g_assert_true(wait_for(have_samples, GUINT_TO_POINTER(5), TIMEOUT_MS));
        n_all = history("steady.service", 0, 0, &first, &last, &error);
        g_assert_no_error(error);
        now = (guint64) g_get_real_time();
        g_assert_cmpuint(n_all, >=, 3);
        /* Raw points are whole seconds of CLOCK_MONOTONIC; older ones are one-minute means
         * stamped with the start of their minute, which may be before memmond started. */
        g_assert_cmpuint(first, >=, start_rt - 61 * G_USEC_PER_SEC);
        g_assert_cmpuint(last, <=, now + G_USEC_PER_SEC);

        /* Each call converts with the clock offset of its moment: allow a little jitter. */
        n_recent = history("steady.service", last - 1000, 0, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(n_recent, >=, 1);
        g_assert_cmpuint(n_recent, <=, n_all);

        n_buckets = history("steady.service", 0, G_USEC_PER_SEC, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(n_buckets, >=, 1);
        g_assert_cmpuint(n_buckets, <, n_all); /* 5 samples a second share a bucket */

        g_assert_cmpuint(history("steady.service", now + 60 * G_USEC_PER_SEC, 0, NULL, NULL, &error), ==, 0);
        assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
        g_clear_error(&error);
        g_assert_cmpuint(history("steady.service", 0, (guint64) 2 * 24 * 3600 * G_USEC_PER_SEC, NULL, NULL, &error),
                         ==, 0);
        assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
        g_clear_error(&error);
        g_assert_cmpuint(history("nope.service", 0, 0, NULL, NULL, &error), ==, 0);
        assert_remote_error(error, "org.memmon.Monitor.Error.NoSuchUnit");
        g_clear_error(&error);
        g_assert_cmpuint(history("bad name", 0, 0, NULL, NULL, &error), ==, 0);
        assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
}

static void test_analyze(void) {
        static const char *const patterns[] = {
                "unknown", "stable", "linear", "exponential", "spike", "leak", "sawtooth",
        };
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        const char *pattern, *limit;
        guint32 confidence;
        double growth;
        guint64 ttl, window;
        gboolean known = FALSE;

        reply = call("Analyze", g_variant_new("(s)", "steady.service"), "((sudtst))", &error);
        g_assert_no_error(error);
        g_variant_get(reply, "((&sudt&st))", &pattern, &confidence, &growth, &ttl, &limit, &window);
        for (size_t i = 0; i < G_N_ELEMENTS(patterns); i++)
                known = known || g_str_equal(pattern, patterns[i]);
        g_assert_true(known);
        g_assert_cmpuint(confidence, <=, 100);
        g_assert_cmpuint(window, <=, 30 * G_USEC_PER_SEC + G_USEC_PER_SEC);
        g_assert_true(g_str_equal(limit, "") || g_str_equal(limit, "max") || g_str_equal(limit, "high") ||
                      g_str_equal(limit, "host"));
        if (limit[0] == '\0')
                g_assert_cmpuint(ttl, ==, G_MAXUINT64);

        g_assert_null(call("Analyze", g_variant_new("(s)", "nope.service"), NULL, &error));
        assert_remote_error(error, "org.memmon.Monitor.Error.NoSuchUnit");
        g_clear_error(&error);
        g_assert_null(call("Analyze", g_variant_new("(s)", "nope"), NULL, &error));
        assert_remote_error(error, "org.freedesktop.DBus.Error.InvalidArgs");
}

static void test_export(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        json_object *root, *units, *v, *hog;
        const char *text;

        reply = call("Export", NULL, "(s)", &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(&s)", &text);
        root = json_tokener_parse(text);
        g_assert_nonnull(root);

        g_assert_true(json_object_object_get_ex(root, "Version", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, PACKAGE_VERSION);
        g_assert_true(json_object_object_get_ex(root, "NUnits", &v));
        g_assert_cmpint(json_object_get_int(v), ==, 3);
        g_assert_true(json_object_object_get_ex(root, "HealthProblems", &v));
        g_assert_true(json_object_is_type(v, json_type_array));
        g_assert_true(json_object_object_get_ex(root, "Alerts", &v));
        g_assert_true(json_object_is_type(v, json_type_array));
        g_assert_true(json_object_object_get_ex(root, "Units", &units));
        g_assert_cmpuint(json_object_array_length(units), ==, 3);
        hog = json_object_array_get_idx(units, 0);
        g_assert_true(json_object_object_get_ex(hog, "Name", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, "hog.service");
        g_assert_true(json_object_object_get_ex(hog, "ObjectPath", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, HOG_PATH);
        g_assert_true(json_object_object_get_ex(hog, "MemoryMax", &v));
        g_assert_cmpuint(json_object_get_uint64(v), ==, 4096000);
        g_assert_true(json_object_object_get_ex(hog, "MemoryHigh", &v));
        g_assert_cmpuint(json_object_get_uint64(v), ==, G_MAXUINT64);
        g_assert_true(json_object_object_get_ex(hog, "Pattern", &v));
        g_assert_cmpuint(json_object_object_length(hog), ==, 26); /* every property plus ObjectPath */
        json_object_put(root);
}

static void test_health(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL, prop = NULL;
        const char **problems = NULL;
        const char *status;

        reply = call("Health", NULL, "(sas)", &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(&s^a&s)", &status, &problems);
        prop = get_property(PATH, IFACE, "Health");
        g_assert_cmpstr(status, ==, g_variant_get_string(prop, NULL));
        /* ok exactly when nothing is wrong; failing never while the sampler runs. */
        g_assert_cmpstr(status, !=, "failing");
        g_assert_cmpint(g_str_equal(status, "ok"), ==, g_strv_length((char **) problems) == 0);
        g_free(problems);
}

static void test_pattern_changed(void) {
        g_autoptr(GVariant) p = NULL;
        const char *unit, *old, *new;
        guint32 confidence;
        int i;

        /* The first verdict (after AnalysisMinSpan=2s) replaces "unknown". */
        i = wait_signal(IFACE, "PatternChanged", PATH, 0);
        g_assert_cmpint(i, >=, 0);
        p = signal_params(i);
        g_variant_get(p, "(&s&s&su)", &unit, &old, &new, &confidence);
        g_assert_true(g_str_has_suffix(unit, ".service"));
        g_assert_cmpstr(old, ==, "unknown");
        g_assert_cmpstr(new, !=, "unknown");
        g_assert_cmpuint(confidence, <=, 100);

        /* ... and the unit announces its new Pattern at the end of that tick. */
        {
                g_autoptr(GError) error = NULL;
                g_autoptr(GVariant) reply = call("GetUnit", g_variant_new("(s)", unit), "(o)", &error);
                const char *path;
                int k;

                g_assert_no_error(error);
                g_variant_get(reply, "(&o)", &path);
                for (k = i; (k = wait_signal("org.freedesktop.DBus.Properties", "PropertiesChanged", path, k)) >= 0;
                     k++) {
                        g_autoptr(GVariant) pc = signal_params(k), changed = NULL, v = NULL;
                        g_variant_get(pc, "(&s@a{sv}*)", NULL, &changed, NULL);
                        v = g_variant_lookup_value(changed, "Pattern", G_VARIANT_TYPE_STRING);
                        if (v && g_str_equal(g_variant_get_string(v, NULL), new))
                                break;
                }
                g_assert_cmpint(k, >=, 0);
        }
}

typedef struct AlertFind {
        guint64 id;
        gboolean include_cleared;
        gboolean found, acknowledged;
        guint64 raised, cleared;
} AlertFind;

static void list_alerts(AlertFind *f) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariantIter) it = NULL;
        const char *unit, *kind, *severity;
        guint64 id, raised, cleared, current;
        gboolean ack;

        reply = call("ListAlerts", g_variant_new("(b)", f->include_cleared), "(a(tssstttb))", &error);
        g_assert_no_error(error);
        f->found = FALSE;
        g_variant_get(reply, "(a(tssstttb))", &it);
        while (g_variant_iter_next(it, "(t&s&s&stttb)", &id, &unit, &kind, &severity, &raised, &cleared, &current,
                                   &ack)) {
                if (!f->include_cleared)
                        g_assert_cmpuint(cleared, ==, 0);
                if (id != f->id)
                        continue;
                g_assert_cmpstr(unit, ==, "hog.service");
                g_assert_cmpstr(kind, ==, "usage");
                g_assert_cmpstr(severity, ==, "warning");
                g_assert_cmpuint(current, ==, 3600000);
                f->found = TRUE;
                f->acknowledged = ack;
                f->raised = raised;
                f->cleared = cleared;
        }
}

static unsigned polkit_calls(void) {
        FakePolkitQuestion q;
        unsigned n;

        fake_polkit_last(&q);
        n = q.n_calls;
        fake_polkit_question_clear(&q);
        return n;
}

static void acknowledge(guint64 id, GDBusCallFlags flags, GError **error) {
        g_autoptr(GVariant) reply = NULL;
        reply = call_full(PATH, IFACE, "AcknowledgeAlert", g_variant_new("(t)", id), "()", flags, error);
}

static gboolean props_changed_has(guint from, const char *path, const char *iface, const char *prop, guint32 value) {
        for (int i = from; (i = find_signal("org.freedesktop.DBus.Properties", "PropertiesChanged", path, i)) >= 0;
             i++) {
                g_autoptr(GVariant) p = signal_params(i), changed = NULL, v = NULL;
                const char *in;

                g_variant_get(p, "(&s@a{sv}*)", &in, &changed, NULL);
                if (!g_str_equal(in, iface))
                        continue;
                v = g_variant_lookup_value(changed, prop, G_VARIANT_TYPE_UINT32);
                if (v && g_variant_get_uint32(v) == value)
                        return TRUE;
        }
        return FALSE;
}

typedef struct PropWait {
        guint from;
        const char *path, *iface, *prop;
        guint32 value;
} PropWait;

static gboolean prop_arrived(gpointer data) {
        PropWait *w = data;
        return props_changed_has(w->from, w->path, w->iface, w->prop, w->value);
}

static void test_alerts(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) raised = NULL, cleared = NULL;
        const char *unit, *kind, *severity;
        guint64 id, cleared_id;
        guint from = signals->len;
        AlertFind f = {};
        FakePolkitQuestion q;
        unsigned calls;
        int i;

        /* 88 % of memory.max for HoldTime=1s: a warning. */
        set_current("system.slice/hog.service", 3600000);
        i = wait_signal(IFACE, "AlertRaised", PATH, from);
        g_assert_cmpint(i, >=, 0);
        raised = signal_params(i);
        g_variant_get(raised, "(t&s&s&s)", &id, &unit, &kind, &severity);
        g_assert_cmpuint(id, >, 0);
        g_assert_cmpstr(unit, ==, "hog.service");
        g_assert_cmpstr(kind, ==, "usage");
        g_assert_cmpstr(severity, ==, "warning");

        /* PropertiesChanged on the manager and on the unit, from the end of the tick. */
        {
                PropWait m = { from, PATH, IFACE, "NActiveAlerts", 1 };
                PropWait u = { from, HOG_PATH, UNIT_IFACE, "ActiveAlerts", 1 };
                g_assert_true(wait_for(prop_arrived, &m, TIMEOUT_MS));
                g_assert_true(wait_for(prop_arrived, &u, TIMEOUT_MS));
        }
        g_assert_cmpuint(get_u32(PATH, IFACE, "NActiveAlerts"), ==, 1);
        g_assert_cmpuint(get_u32(HOG_PATH, UNIT_IFACE, "ActiveAlerts"), ==, 1);

        f.id = id;
        list_alerts(&f);
        g_assert_true(f.found);
        g_assert_false(f.acknowledged);
        g_assert_cmpuint(f.raised, >=, start_rt);
        g_assert_cmpuint(f.cleared, ==, 0);

        /* polkit says no: AccessDenied, still unacknowledged; polkit was asked the right question. */
        fake_polkit_set(FAKE_POLKIT_DENY);
        calls = polkit_calls();
        acknowledge(id, G_DBUS_CALL_FLAGS_NONE, &error);
        assert_remote_error(error, "org.freedesktop.DBus.Error.AccessDenied");
        g_clear_error(&error);
        g_assert_cmpuint(polkit_calls(), ==, calls + 1);
        fake_polkit_last(&q);
        g_assert_cmpstr(q.subject_kind, ==, "system-bus-name");
        g_assert_cmpstr(q.subject_name, ==, g_dbus_connection_get_unique_name(client));
        g_assert_cmpstr(q.action, ==, "org.memmon.monitor.manage");
        g_assert_cmpuint(q.flags, ==, 0);
        fake_polkit_question_clear(&q);
        list_alerts(&f);
        g_assert_false(f.acknowledged);

        /* polkit wants a password: the caller did not allow interaction. */
        fake_polkit_set(FAKE_POLKIT_CHALLENGE);
        acknowledge(id, G_DBUS_CALL_FLAGS_NONE, &error);
        assert_remote_error(error, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired");
        g_clear_error(&error);
        /* It did: polkit is told so (flag 1), and still says no here. */
        acknowledge(id, G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, &error);
        assert_remote_error(error, "org.freedesktop.DBus.Error.AccessDenied");
        g_clear_error(&error);
        fake_polkit_last(&q);
        g_assert_cmpuint(q.flags, ==, 1);
        fake_polkit_question_clear(&q);
        list_alerts(&f);
        g_assert_false(f.acknowledged);

        /* Unknown ids fail without asking polkit. */
        calls = polkit_calls();
        acknowledge(id + 1000, G_DBUS_CALL_FLAGS_NONE, &error);
        assert_remote_error(error, "org.memmon.Monitor.Error.NoSuchAlert");
        g_clear_error(&error);
        g_assert_cmpuint(polkit_calls(), ==, calls);

        fake_polkit_set(FAKE_POLKIT_ALLOW);
        acknowledge(id, G_DBUS_CALL_FLAGS_NONE, &error);
        g_assert_no_error(error);
        list_alerts(&f);
        g_assert_true(f.acknowledged);
        fake_polkit_set(FAKE_POLKIT_DENY);

        /* Back to 10 % for ClearTime=1s: cleared, same id. */
        from = signals->len;
        set_current("system.slice/hog.service", 100 * PAGE);
        i = wait_signal(IFACE, "AlertCleared", PATH, from);
        g_assert_cmpint(i, >=, 0);
        cleared = signal_params(i);
        g_variant_get(cleared, "(t&s&s)", &cleared_id, &unit, &kind);
        g_assert_cmpuint(cleared_id, ==, id);
        g_assert_cmpstr(unit, ==, "hog.service");
        g_assert_cmpstr(kind, ==, "usage");
        {
                PropWait m = { from, PATH, IFACE, "NActiveAlerts", 0 };
                g_assert_true(wait_for(prop_arrived, &m, TIMEOUT_MS));
        }
        g_assert_cmpint(find_signal(IFACE, "AlertRaised", PATH, from), <, 0);

        f.include_cleared = FALSE;
        list_alerts(&f);
        g_assert_false(f.found);
        f.include_cleared = TRUE;
        list_alerts(&f);
        g_assert_true(f.found);
        g_assert_true(f.acknowledged);
        g_assert_cmpuint(f.cleared, >=, f.raised);
}

static void reload(GError **error) {
        g_autoptr(GVariant) reply = call("Reload", NULL, "()", error);
}

static void test_reload(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *bad = g_build_filename(tmpdir, "conf.d", "50-bad.conf", NULL);
        FakePolkitQuestion q;

        /* The last 10 s: raw samples only (a one-minute mean is placed at least 30 s back). */
        guint64 recent = (guint64) g_get_real_time() - 10 * G_USEC_PER_SEC;
        write_config("300ms", "HistoryDepth=3\n");
        g_assert_cmpuint(history("steady.service", recent, 0, NULL, NULL, &error), >, 3);
        g_assert_no_error(error);
        fake_polkit_set(FAKE_POLKIT_DENY);
        reload(&error);
        assert_remote_error(error, "org.freedesktop.DBus.Error.AccessDenied");
        g_clear_error(&error);
        g_assert_cmpuint(get_u64(PATH, IFACE, "SampleIntervalUSec"), ==, 200000);

        fake_polkit_set(FAKE_POLKIT_ALLOW);
        reload(&error);
        g_assert_no_error(error);
        g_assert_cmpuint(get_u64(PATH, IFACE, "SampleIntervalUSec"), ==, 300000);
        /* The new HistoryDepth= applies to units already watched: the newest 3 samples stay. */
        recent = (guint64) g_get_real_time() - 10 * G_USEC_PER_SEC;
        g_assert_cmpuint(history("steady.service", recent, 0, NULL, NULL, &error), ==, 3);
        g_assert_no_error(error);
        fake_polkit_last(&q);
        g_assert_cmpstr(q.action, ==, "org.memmon.monitor.manage");
        fake_polkit_question_clear(&q);

        /* A broken drop-in: Failed, the running configuration stays. */
        write_file(tmpdir, "conf.d/50-bad.conf", "[Monitor]\nBogus=1\n");
        reload(&error);
        assert_remote_error(error, "org.freedesktop.DBus.Error.Failed");
        g_clear_error(&error);
        g_assert_cmpuint(get_u64(PATH, IFACE, "SampleIntervalUSec"), ==, 300000);

        g_assert_cmpint(g_unlink(bad), ==, 0);
        write_config("200ms", "");
        reload(&error);
        g_assert_no_error(error);
        g_assert_cmpuint(get_u64(PATH, IFACE, "SampleIntervalUSec"), ==, 200000);
        fake_polkit_set(FAKE_POLKIT_DENY);
}

static void test_units_come_and_go(void) {
        g_autofree char *dir = unit_dir("system.slice/late.service");
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
        const char *late = PATH "/unit/late_2eservice";
        guint from = signals->len;

        make_unit("system.slice/late.service", 10 * PAGE, "max");
        g_assert_cmpint(wait_signal("org.freedesktop.DBus.ObjectManager", "InterfacesAdded", PATH, from), >=, 0);
        {
                PropWait w = { from, PATH, IFACE, "NUnits", 4 };
                g_assert_true(wait_for(prop_arrived, &w, TIMEOUT_MS));
        }
        g_assert_cmpuint(get_u64(late, UNIT_IFACE, "Current"), ==, 10 * PAGE);

        from = signals->len;
        g_assert_cmpint(system(cmd), ==, 0);
        g_assert_cmpint(wait_signal("org.freedesktop.DBus.ObjectManager", "InterfacesRemoved", PATH, from), >=, 0);
        {
                PropWait w = { from, PATH, IFACE, "NUnits", 3 };
                g_assert_true(wait_for(prop_arrived, &w, TIMEOUT_MS));
        }
}

/* Size in bytes of the reply to a call without arguments, as sent on the bus. */
static gsize reply_size(const char *iface, const char *method) {
        g_autoptr(GDBusMessage) call = g_dbus_message_new_method_call(NAME, PATH, iface, method);
        g_autoptr(GDBusMessage) reply = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree guchar *blob = NULL;
        gsize size = 0;

        reply = g_dbus_connection_send_message_with_reply_sync(client, call, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                                               TIMEOUT_MS, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_false(g_dbus_message_to_gerror(reply, &error));
        blob = g_dbus_message_to_blob(reply, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
        g_assert_no_error(error);
        return size;
}

/*
 * Every reply that lists the units must fit the system bus's message limit at the
 * MaxUnits ceiling: dbus-daemon disconnects a sender whose message is larger than
 * max_message_size (32 MiB by default), and any user may call these. Units with the
 * longest names there are (255 characters, every one escaped in the object path)
 * give the bytes a unit adds; the ceiling must leave a quarter of the limit unused.
 */
#define WORST_UNITS 100U
static void test_reply_sizes(void) {
        static const struct { const char *iface, *method; } calls[] = {
                { IFACE, "ListUnits" },
                { IFACE, "Export" },
                { "org.freedesktop.DBus.ObjectManager", "GetManagedObjects" },
        };
        gsize base[G_N_ELEMENTS(calls)];
        guint from = signals->len;

        for (size_t i = 0; i < G_N_ELEMENTS(calls); i++)
                base[i] = reply_size(calls[i].iface, calls[i].method);

        for (unsigned i = 0; i < WORST_UNITS; i++) {
                GString *name = g_string_new(NULL);

                g_string_printf(name, "system.slice/%03u", i);
                while (name->len < strlen("system.slice/") + 255 - strlen(".service"))
                        g_string_append_c(name, '-');
                g_string_append(name, ".service");
                make_unit(name->str, 10 * PAGE, "max");
                g_string_free(name, TRUE);
        }
        {
                PropWait w = { from, PATH, IFACE, "NUnits", 3 + WORST_UNITS };
                g_assert_true(wait_for(prop_arrived, &w, TIMEOUT_MS));
        }

        for (size_t i = 0; i < G_N_ELEMENTS(calls); i++) {
                gsize now = reply_size(calls[i].iface, calls[i].method);
                gsize per_unit = (now - base[i] + WORST_UNITS - 1) / WORST_UNITS;
                guint64 at_ceiling = base[i] + (guint64) per_unit * CONFIG_MAX_UNITS_LIMIT;

                g_test_message("%s: %zu bytes with 3 units, %zu bytes per unit with 255-character names, "
                               "%" G_GUINT64_FORMAT " bytes at MaxUnits=%u",
                               calls[i].method, base[i], per_unit, at_ceiling, CONFIG_MAX_UNITS_LIMIT);
                g_assert_cmpuint(per_unit, >, 255);     /* the names are in it */
                g_assert_cmpuint(at_ceiling, <, 24U * 1024U * 1024U);
        }

        from = signals->len;
        for (unsigned i = 0; i < WORST_UNITS; i++) {
                g_autofree char *cmd = g_strdup_printf("rm -rf '%s/system.slice/%03u'*", cgroot, i);
                g_assert_cmpint(system(cmd), ==, 0);
        }
        {
                PropWait w = { from, PATH, IFACE, "NUnits", 3 };
                g_assert_true(wait_for(prop_arrived, &w, TIMEOUT_MS));
        }
}

typedef struct Pending {
        unsigned replies, denied;
} Pending;

static void on_reload_reply(GObject *source, GAsyncResult *res, gpointer data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
        g_autofree char *remote = error ? g_dbus_error_get_remote_error(error) : NULL;
        Pending *p = data;

        p->replies++;
        p->denied += g_strcmp0(remote, "org.freedesktop.DBus.Error.AccessDenied") == 0;
}

static gboolean polkit_holds_64(gpointer data) {
        return fake_polkit_held() == 64;
}

static gboolean all_replied(gpointer data) {
        return ((Pending *) data)->replies == 64;
}

static void test_busy(void) {
        g_autoptr(GError) error = NULL;
        Pending p = {};

        /* 64 checks waiting for polkit: the 65th call is refused at once. */
        fake_polkit_set(FAKE_POLKIT_HOLD);
        for (unsigned i = 0; i < 64; i++)
                g_dbus_connection_call(client, NAME, PATH, IFACE, "Reload", NULL, G_VARIANT_TYPE("()"),
                                       G_DBUS_CALL_FLAGS_NONE, 30000, NULL, on_reload_reply, &p);
        g_assert_true(wait_for(polkit_holds_64, NULL, TIMEOUT_MS));
        reload(&error);
        assert_remote_error(error, "org.memmon.Monitor.Error.Busy");
        g_clear_error(&error);
        g_assert_cmpuint(p.replies, ==, 0);

        /* polkit answers: every parked call gets its reply. */
        fake_polkit_release(FAKE_POLKIT_DENY);
        g_assert_true(wait_for(all_replied, &p, TIMEOUT_MS));
        g_assert_cmpuint(p.denied, ==, 64);
        /* And there is room again. */
        reload(&error);
        assert_remote_error(error, "org.freedesktop.DBus.Error.AccessDenied");
}

static unsigned held_target;

static gboolean polkit_holds_target(gpointer data) {
        return fake_polkit_held() >= held_target;
}

static gboolean replied_n(gpointer data) {
        return ((Pending *) data)->replies >= held_target;
}

static void test_busy_interactive(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) v = NULL;
        Pending p = {};

        /* One user may keep 4 interactive checks (password prompts) waiting, not more. */
        fake_polkit_set(FAKE_POLKIT_HOLD);
        held_target = fake_polkit_held() + 4;
        for (unsigned i = 0; i < 4; i++)
                g_dbus_connection_call(client, NAME, PATH, IFACE, "Reload", NULL, G_VARIANT_TYPE("()"),
                                       G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, 30000, NULL,
                                       on_reload_reply, &p);
        g_assert_true(wait_for(polkit_holds_target, NULL, TIMEOUT_MS));
        v = g_dbus_connection_call_sync(client, NAME, PATH, IFACE, "Reload", NULL, NULL,
                                        G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, TIMEOUT_MS, NULL, &error);
        assert_remote_error(error, "org.memmon.Monitor.Error.Busy");
        g_clear_error(&error);

        /* Per user, not per connection: a second connection of the same user is refused too. */
        {
                g_autoptr(GDBusConnection) other = NULL;
                g_autoptr(GVariant) w = NULL;

                other = g_dbus_connection_new_for_address_sync(address,
                                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                               G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                               NULL, NULL, &error);
                g_assert_no_error(error);
                w = g_dbus_connection_call_sync(other, NAME, PATH, IFACE, "Reload", NULL, NULL,
                                                G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, TIMEOUT_MS,
                                                NULL, &error);
                assert_remote_error(error, "org.memmon.Monitor.Error.Busy");
                g_clear_error(&error);
                g_assert_cmpuint(fake_polkit_held(), ==, held_target);
        }

        fake_polkit_release(FAKE_POLKIT_DENY);
        held_target = 4;
        g_assert_true(wait_for(replied_n, &p, TIMEOUT_MS));
        g_assert_cmpuint(p.denied, ==, 4);
}

static gboolean name_gone(gpointer name) {
        return !name_has_owner(name);
}

static void test_polkit_missing(void) {
        g_autoptr(GError) error = NULL;

        /* Without polkit only root may; this test runs as root only to check that path. */
        fake_polkit_stop();
        g_assert_true(wait_for(name_gone, (gpointer) "org.freedesktop.PolicyKit1", TIMEOUT_MS));
        reload(&error);
        if (getuid() == 0)
                g_assert_no_error(error);
        else
                assert_remote_error(error, "org.freedesktop.DBus.Error.AccessDenied");
}

static gboolean log_says_available(gpointer log) {
        g_autofree char *text = read_log(log);
        return strstr(text, "the D-Bus API is available") != NULL;
}

/* A second memmond cannot own the name; when the first goes, it takes over. */
static void test_name_takeover(void) {
        g_autofree char *log2 = g_build_filename(tmpdir, "memmond-2.stderr", NULL);
        g_autofree char *text = NULL;
        GSubprocess *second;

        second = spawn_memmond(address, log2, NULL);
        g_usleep(G_USEC_PER_SEC);
        text = read_log(log2);
        if (!strstr(text, "Cannot own the bus name"))
                g_error("second memmond's stderr:\n%s", text);
        g_clear_pointer(&text, g_free);

        stop_memmond(daemon_proc, stderr_path);
        g_clear_object(&daemon_proc);
        daemon_proc = second;
        g_free(stderr_path);
        stderr_path = g_strdup(log2);

        /* Retries back off from 2 s; allow a few. */
        g_assert_true(wait_for(name_has_owner, (gpointer) NAME, 15000));
        /* The bus gives the name before memmond has read its reply and logged it. */
        g_assert_true(wait_for(log_says_available, log2, TIMEOUT_MS));
}

static void test_bus_lost(void) {
        g_autofree char *log = NULL;

        /* The bus goes away: memmond logs it and keeps sampling. */
        g_clear_object(&client);
        g_test_dbus_down(test_bus);
        g_clear_object(&test_bus);
        g_usleep(G_USEC_PER_SEC);
        log = read_log(stderr_path);
        g_assert_nonnull(strstr(log, "Lost the connection to the system bus"));
        stop_memmond(daemon_proc, stderr_path);
        g_clear_object(&daemon_proc);
}

static void test_no_bus(void) {
        g_autofree char *log_path = g_build_filename(tmpdir, "nobus.stderr", NULL);
        g_autofree char *missing = g_strdup_printf("unix:path=%s/no-such-socket", tmpdir);
        g_autofree char *log = NULL;
        GSubprocess *p;
        const char *w;

        /* Unreachable bus: one warning, monitoring goes on. */
        p = spawn_memmond(missing, log_path, NULL);
        g_usleep(G_USEC_PER_SEC + G_USEC_PER_SEC / 2);
        log = read_log(log_path);
        w = strstr(log, "Cannot connect to the system bus");
        g_assert_nonnull(w);
        g_assert_null(strstr(w + 1, "Cannot connect to the system bus"));
        g_assert_nonnull(strstr(log, "Watching 3 units"));
        stop_memmond(p, log_path);
        g_object_unref(p);
        g_clear_pointer(&log, g_free);

        /* --no-bus: not even tried. */
        p = spawn_memmond(missing, log_path, "--no-bus");
        g_usleep(G_USEC_PER_SEC / 2);
        stop_memmond(p, log_path);
        g_object_unref(p);
        log = read_log(log_path);
        g_assert_null(strstr(log, "system bus"));
}

int main(int argc, char *argv[]) {
        g_autofree char *dbus_daemon = NULL;
        int r;

        g_test_init(&argc, &argv, NULL);

        dbus_daemon = g_find_program_in_path("dbus-daemon");
        if (!dbus_daemon) {
                printf("1..0 # SKIP dbus-daemon is not installed\n");
                return 0;
        }
        setup();

        g_test_add_func("/bus/introspection-manager", test_introspect_manager);
        g_test_add_func("/bus/introspection-unit", test_introspect_unit);
        g_test_add_func("/bus/introspection-children", test_introspect_children);
        g_test_add_func("/bus/properties-manager", test_manager_properties);
        g_test_add_func("/bus/properties-unit", test_unit_properties);
        g_test_add_func("/bus/object-manager", test_object_manager);
        g_test_add_func("/bus/ListUnits", test_list_units);
        g_test_add_func("/bus/GetUnit", test_get_unit);
        g_test_add_func("/bus/GetHistory", test_get_history);
        g_test_add_func("/bus/Analyze", test_analyze);
        g_test_add_func("/bus/Export", test_export);
        g_test_add_func("/bus/Health", test_health);
        g_test_add_func("/bus/PatternChanged", test_pattern_changed);
        g_test_add_func("/bus/alerts", test_alerts);
        g_test_add_func("/bus/Reload", test_reload);
        g_test_add_func("/bus/units-come-and-go", test_units_come_and_go);
        g_test_add_func("/bus/reply-sizes", test_reply_sizes);
        g_test_add_func("/bus/Busy", test_busy);
        g_test_add_func("/bus/Busy-interactive", test_busy_interactive);
        g_test_add_func("/bus/polkit-missing", test_polkit_missing);
        g_test_add_func("/bus/name-takeover", test_name_takeover);
        g_test_add_func("/bus/bus-lost", test_bus_lost);
        g_test_add_func("/bus/no-bus", test_no_bus);

        r = g_test_run();
        teardown();
        return r;
}
