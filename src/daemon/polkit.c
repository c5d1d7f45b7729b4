/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * One CheckAuthorization call per incoming method call, never blocking the
 * loop: the call is answered from the reply callback. The subject is the
 * caller's unique bus name, which polkit resolves to a uid, session and pid
 * itself; we never read /proc (memmond runs with ProtectProc=invisible).
 *
 * Root: polkit always authorises uid 0, so root needs no special case while
 * polkit runs. Without polkit on the bus (minimal systems), the bus driver is
 * asked for the caller's uid and only root is allowed; everyone else gets
 * AccessDenied saying polkit is missing.
 *
 * At most POLKIT_PENDING_MAX checks wait at a time (a caller holding an
 * interactive authorisation open should not let others pile up memory);
 * beyond that the call fails with Busy; one user (or, when the bus driver
 * cannot say whose it is, one connection) may hold at most
 * POLKIT_PENDING_PER_USER_MAX interactive ones, so nobody can lock others
 * out, not with many connections either.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "polkit.h"

/* CheckAuthorization flags */
#define POLKIT_ALLOW_USER_INTERACTION 1U

/* A human may have to type a password; do not be the party that gives up first. */
#define POLKIT_INTERACTIVE_TIMEOUT (5 * 60 * 1000000ULL)

typedef struct PolkitQuery PolkitQuery;

struct PolkitQuery {
        Polkit *polkit;
        sd_bus_message *call;
        sd_bus_slot *slot;
        char *action;
        PolkitAuthorized authorized;
        void *userdata;
        bool interactive;
        uid_t uid;                      /* of the caller, for interactive queries; UID_UNKNOWN: not known */
        PolkitQuery *prev, *next;
};

#define UID_UNKNOWN ((uid_t) -1)

/*
 * The caller's uid, from the bus driver: a synchronous round trip (as systemd's own polkit
 * checks make), so only asked for interactive calls, which are rare.
 */
static uid_t sender_uid(sd_bus_message *call) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        uid_t uid;

        if (sd_bus_query_sender_creds(call, SD_BUS_CREDS_EUID, &creds) < 0 ||
            sd_bus_creds_get_euid(creds, &uid) < 0)
                return UID_UNKNOWN;
        return uid;
}

/* The same caller for the cap: the same user, or the same connection when the user is unknown. */
static bool same_caller(const PolkitQuery *q, uid_t uid, const char *sender) {
        if (uid != UID_UNKNOWN && q->uid != UID_UNKNOWN)
                return q->uid == uid;
        return streq(sd_bus_message_get_sender(q->call), sender);
}

struct Polkit {
        sd_bus *bus;
        PolkitQuery *queries;
        unsigned n_queries;
};

static PolkitQuery *query_free(PolkitQuery *q) {
        if (!q)
                return NULL;
        if (q->polkit) {
                if (q->prev)
                        q->prev->next = q->next;
                else
                        q->polkit->queries = q->next;
                if (q->next)
                        q->next->prev = q->prev;
                q->polkit->n_queries--;
        }
        sd_bus_slot_unref(q->slot);
        sd_bus_message_unref(q->call);
        free(q->action);
        free(q);
        return NULL;
}

int polkit_new(sd_bus *bus, Polkit **ret) {
        Polkit *p = calloc(1, sizeof *p);

        if (!p)
                return -ENOMEM;
        p->bus = sd_bus_ref(bus);
        *ret = p;
        return 0;
}

Polkit *polkit_free(Polkit *p) {
        if (!p)
                return NULL;
        while (p->queries)
                query_free(p->queries);
        sd_bus_unref(p->bus);
        free(p);
        return NULL;
}

unsigned polkit_pending(const Polkit *p) {
        return p ? p->n_queries : 0;
}

static void query_reply_error(PolkitQuery *q, const char *name, const char *fmt, ...) _printf_(3, 4);
static void query_reply_error(PolkitQuery *q, const char *name, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = sd_bus_reply_method_errorfv(q->call, name, fmt, ap);
        va_end(ap);
        if (r < 0)
                log_debug_errno(r, "Cannot reply to a %s request: %m", q->action);
}

static void query_run(PolkitQuery *q) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = q->authorized(q->call, q->userdata, &error);
        if (r < 0 || sd_bus_error_is_set(&error)) {
                if (!sd_bus_error_is_set(&error))
                        sd_bus_error_set_errno(&error, r);
                r = sd_bus_reply_method_error(q->call, &error);
                if (r < 0)
                        log_debug_errno(r, "Cannot reply to a %s request: %m", q->action);
        }
}

static bool polkit_missing(const sd_bus_error *e) {
        /* Not activatable, or activation failed (dbus-daemon's or systemd's way of saying so). */
        return e->name &&
               (streq(e->name, SD_BUS_ERROR_SERVICE_UNKNOWN) || streq(e->name, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
                startswith(e->name, "org.freedesktop.DBus.Error.Spawn.") ||
                startswith(e->name, "org.freedesktop.systemd1."));
}

static int on_unix_user(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PolkitQuery *q = userdata;
        uint32_t uid;
        int r;

        q->slot = sd_bus_slot_unref(q->slot);

        if (sd_bus_message_is_method_error(reply, NULL)) {
                const sd_bus_error *e = sd_bus_message_get_error(reply);
                log_debug("Cannot ask the bus for the uid of %s: %s", sd_bus_message_get_sender(q->call),
                          e ? e->message : "unknown error");
                query_reply_error(q, SD_BUS_ERROR_ACCESS_DENIED, "%s",
                                  "polkit is not available on the system bus and the caller's uid is unknown.");
                goto finish;
        }

        r = sd_bus_message_read(reply, "u", &uid);
        if (r < 0) {
                query_reply_error(q, SD_BUS_ERROR_ACCESS_DENIED, "%s", "Malformed reply from the bus driver.");
                goto finish;
        }
        if (uid == 0)
                query_run(q);
        else
                query_reply_error(q, SD_BUS_ERROR_ACCESS_DENIED,
                                  "polkit is not available on the system bus; without it only root may %s.",
                                  q->action);

finish:
        query_free(q);
        return 0;
}

static int check_root_fallback(PolkitQuery *q) {
        return sd_bus_call_method_async(q->polkit->bus, &q->slot, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "GetConnectionUnixUser", on_unix_user, q,
                                        "s", sd_bus_message_get_sender(q->call));
}

static int on_check_authorization(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PolkitQuery *q = userdata;
        int authorized, challenge, r;

        q->slot = sd_bus_slot_unref(q->slot);

        if (sd_bus_message_is_method_error(reply, NULL)) {
                const sd_bus_error *e = sd_bus_message_get_error(reply);

                if (e && polkit_missing(e)) {
                        log_debug("polkit is not available (%s), allowing root only.", e->message);
                        r = check_root_fallback(q);
                        if (r >= 0)
                                return 0; /* the query lives on */
                        log_warning_errno(r, "Cannot ask the bus for a caller's uid: %m");
                }
                query_reply_error(q, SD_BUS_ERROR_ACCESS_DENIED, "Authorization check failed: %s",
                                  e && e->message ? e->message : "no reply from polkit");
                goto finish;
        }

        r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
        if (r >= 0)
                r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
        if (r < 0) {
                query_reply_error(q, SD_BUS_ERROR_ACCESS_DENIED, "%s", "Malformed reply from polkit.");
                goto finish;
        }

        if (authorized)
                query_run(q);
        else if (challenge && sd_bus_message_get_allow_interactive_authorization(q->call) <= 0)
                query_reply_error(q, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
                                  "Authentication is required for %s; allow interactive authorization.",
                                  q->action);
        else
                query_reply_error(q, SD_BUS_ERROR_ACCESS_DENIED, "Not authorized for %s.", q->action);

finish:
        query_free(q);
        return 0;
}

int polkit_check_async(Polkit *p, sd_bus_message *call, const char *action,
                       PolkitAuthorized authorized, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
        PolkitQuery *q;
        const char *sender;
        uid_t uid = UID_UNKNOWN;
        bool interactive;
        int r;

        sender = sd_bus_message_get_sender(call);
        if (!sender)
                return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "Caller has no bus name.");
        if (p->n_queries >= POLKIT_PENDING_MAX)
                return sd_bus_error_setf(error, POLKIT_ERROR_BUSY,
                                         "Too many authorization checks pending (%u), try again later.",
                                         POLKIT_PENDING_MAX);
        interactive = sd_bus_message_get_allow_interactive_authorization(call) > 0;
        /*
         * Interactive checks may wait minutes for a password: cap them per user too, or one
         * user holding prompts open (on as many connections as it likes) locks admins out.
         */
        if (interactive) {
                unsigned mine = 0;
                uid = sender_uid(call);
                for (PolkitQuery *i = p->queries; i; i = i->next)
                        mine += i->interactive && same_caller(i, uid, sender);
                if (mine >= POLKIT_PENDING_PER_USER_MAX)
                        return sd_bus_error_setf(error, POLKIT_ERROR_BUSY,
                                                 "Too many interactive authorization checks pending for this "
                                                 "user (%u), finish or cancel those first.",
                                                 POLKIT_PENDING_PER_USER_MAX);
        }

        r = sd_bus_message_new_method_call(p->bus, &req, "org.freedesktop.PolicyKit1",
                                           "/org/freedesktop/PolicyKit1/Authority",
                                           "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        if (r >= 0)
                r = sd_bus_message_append(req, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s", sender,
                                          action, 0, interactive ? POLKIT_ALLOW_USER_INTERACTION : 0U, "");
        if (r < 0)
                return r;

        q = calloc(1, sizeof *q);
        if (!q)
                return -ENOMEM;
        q->action = strdup(action);
        if (!q->action) {
                free(q);
                return -ENOMEM;
        }
        q->call = sd_bus_message_ref(call);
        q->authorized = authorized;
        q->userdata = userdata;
        q->interactive = interactive;
        q->uid = uid;

        r = sd_bus_call_async(p->bus, &q->slot, req, on_check_authorization, q,
                              interactive ? POLKIT_INTERACTIVE_TIMEOUT : 0);
        if (r < 0) {
                query_free(q);
                return r;
        }

        q->polkit = p;
        q->next = p->queries;
        if (p->queries)
                p->queries->prev = q;
        p->queries = q;
        p->n_queries++;
        return 1;
}
