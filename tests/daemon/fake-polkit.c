/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <gio/gio.h>

#include "fake-polkit.h"

typedef struct FakePolkit {
        GMutex lock;
        GCond cond;
        bool ready;
        GThread *thread;
        GMainContext *context;
        GMainLoop *loop;
        char *address;

        FakePolkitVerdict verdict;
        FakePolkitQuestion last;
        GPtrArray *held;                /* GDBusMethodInvocation, answered by release */
} FakePolkit;

static FakePolkit polkit;

static const char polkit_xml[] =
        "<node><interface name='org.freedesktop.PolicyKit1.Authority'>"
        " <method name='CheckAuthorization'>"
        "  <arg type='(sa{sv})' name='subject' direction='in'/>"
        "  <arg type='s' name='action_id' direction='in'/>"
        "  <arg type='a{ss}' name='details' direction='in'/>"
        "  <arg type='u' name='flags' direction='in'/>"
        "  <arg type='s' name='cancellation_id' direction='in'/>"
        "  <arg type='(bba{ss})' name='result' direction='out'/>"
        " </method>"
        "</interface></node>";

static void answer(GDBusMethodInvocation *inv, FakePolkitVerdict v) {
        g_dbus_method_invocation_return_value(inv, g_variant_new("((bb@a{ss}))", v == FAKE_POLKIT_ALLOW,
                                                                 v == FAKE_POLKIT_CHALLENGE,
                                                                 g_variant_new_array(G_VARIANT_TYPE("{ss}"),
                                                                                     NULL, 0)));
}

static void method_call(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                        const char *method, GVariant *params, GDBusMethodInvocation *inv, gpointer data) {
        g_autoptr(GVariant) subject_details = NULL, details = NULL;
        const char *kind, *action, *cancel, *name = NULL;
        FakePolkitVerdict v;
        guint32 flags;

        g_variant_get(params, "((&s@a{sv})&s@a{ss}u&s)", &kind, &subject_details, &action, &details, &flags,
                      &cancel);
        (void) g_variant_lookup(subject_details, "name", "&s", &name);

        g_mutex_lock(&polkit.lock);
        polkit.last.n_calls++;
        g_free(polkit.last.subject_kind);
        g_free(polkit.last.subject_name);
        g_free(polkit.last.action);
        polkit.last.subject_kind = g_strdup(kind);
        polkit.last.subject_name = g_strdup(name);
        polkit.last.action = g_strdup(action);
        polkit.last.flags = flags;
        v = polkit.verdict;
        if (v == FAKE_POLKIT_HOLD)
                g_ptr_array_add(polkit.held, g_object_ref(inv));
        g_mutex_unlock(&polkit.lock);

        if (v != FAKE_POLKIT_HOLD)
                answer(inv, v);
}

static gpointer thread_main(gpointer data) {
        static const GDBusInterfaceVTable vtable = { .method_call = method_call };
        g_autoptr(GDBusNodeInfo) info = NULL;
        g_autoptr(GDBusConnection) conn = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GError) error = NULL;
        guint id;

        g_main_context_push_thread_default(polkit.context);
        conn = g_dbus_connection_new_for_address_sync(polkit.address,
                                                      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                      G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                      NULL, NULL, &error);
        g_assert_no_error(error);
        info = g_dbus_node_info_new_for_xml(polkit_xml, &error);
        g_assert_no_error(error);
        id = g_dbus_connection_register_object(conn, "/org/freedesktop/PolicyKit1/Authority",
                                               info->interfaces[0], &vtable, NULL, NULL, &error);
        g_assert_no_error(error);
        /* 4: DBUS_NAME_FLAG_DO_NOT_QUEUE */
        reply = g_dbus_connection_call_sync(conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                            "org.freedesktop.DBus", "RequestName",
                                            g_variant_new("(su)", "org.freedesktop.PolicyKit1", 4U),
                                            G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
        g_assert_no_error(error);

        g_mutex_lock(&polkit.lock);
        polkit.ready = true;
        g_cond_signal(&polkit.cond);
        g_mutex_unlock(&polkit.lock);

        g_main_loop_run(polkit.loop);

        g_dbus_connection_unregister_object(conn, id);
        g_dbus_connection_close_sync(conn, NULL, NULL);
        g_main_context_pop_thread_default(polkit.context);
        return NULL;
}

void fake_polkit_start(const char *address) {
        polkit.context = g_main_context_new();
        polkit.loop = g_main_loop_new(polkit.context, FALSE);
        polkit.address = g_strdup(address);
        polkit.verdict = FAKE_POLKIT_DENY;
        polkit.held = g_ptr_array_new_with_free_func(g_object_unref);
        polkit.ready = false;
        polkit.thread = g_thread_new("fake-polkit", thread_main, NULL);
        g_mutex_lock(&polkit.lock);
        while (!polkit.ready)
                g_cond_wait(&polkit.cond, &polkit.lock);
        g_mutex_unlock(&polkit.lock);
}

static gboolean quit_loop(gpointer loop) {
        g_main_loop_quit(loop);
        return G_SOURCE_REMOVE;
}

void fake_polkit_stop(void) {
        if (!polkit.thread)
                return;
        g_main_context_invoke(polkit.context, quit_loop, polkit.loop);
        g_thread_join(polkit.thread);
        polkit.thread = NULL;
        g_clear_pointer(&polkit.loop, g_main_loop_unref);
        g_clear_pointer(&polkit.context, g_main_context_unref);
        g_clear_pointer(&polkit.address, g_free);
        g_clear_pointer(&polkit.held, g_ptr_array_unref);
        fake_polkit_question_clear(&polkit.last);
}

void fake_polkit_set(FakePolkitVerdict v) {
        g_mutex_lock(&polkit.lock);
        polkit.verdict = v;
        g_mutex_unlock(&polkit.lock);
}

unsigned fake_polkit_held(void) {
        unsigned n;

        g_mutex_lock(&polkit.lock);
        n = polkit.held->len;
        g_mutex_unlock(&polkit.lock);
        return n;
}

static gboolean release_held(gpointer data) {
        FakePolkitVerdict v = GPOINTER_TO_INT(data);
        g_autoptr(GPtrArray) held = NULL;

        g_mutex_lock(&polkit.lock);
        held = polkit.held;
        polkit.held = g_ptr_array_new_with_free_func(g_object_unref);
        polkit.verdict = v;
        g_mutex_unlock(&polkit.lock);

        for (guint i = 0; i < held->len; i++)
                answer(held->pdata[i], v);
        return G_SOURCE_REMOVE;
}

void fake_polkit_release(FakePolkitVerdict v) {
        g_assert(v != FAKE_POLKIT_HOLD);
        /* Answered from the thread that owns the connection. */
        g_main_context_invoke(polkit.context, release_held, GINT_TO_POINTER(v));
}

void fake_polkit_last(FakePolkitQuestion *ret) {
        g_mutex_lock(&polkit.lock);
        *ret = (FakePolkitQuestion) {
                .n_calls = polkit.last.n_calls,
                .subject_kind = g_strdup(polkit.last.subject_kind),
                .subject_name = g_strdup(polkit.last.subject_name),
                .action = g_strdup(polkit.last.action),
                .flags = polkit.last.flags,
        };
        g_mutex_unlock(&polkit.lock);
}

void fake_polkit_question_clear(FakePolkitQuestion *q) {
        g_clear_pointer(&q->subject_kind, g_free);
        g_clear_pointer(&q->subject_name, g_free);
        g_clear_pointer(&q->action, g_free);
}
