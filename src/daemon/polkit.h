/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Asynchronous polkit checks for the bus methods that change something. The
 * incoming call is parked (a reference is kept) until polkit answers; then
 * either the caller's action runs and replies, or the call is answered with
 * AccessDenied / InteractiveAuthorizationRequired here.
 */

#include <systemd/sd-bus.h>

#include "util.h"

/* Bounds what unauthenticated callers can make the daemon hold. */
#define POLKIT_PENDING_MAX 64U
#define POLKIT_PENDING_PER_USER_MAX 4U

#define POLKIT_ERROR_BUSY "org.memmon.Monitor.Error.Busy"

typedef struct Polkit Polkit;

/* Runs once the sender of call is authorised; replies to call. A negative return is replied as an errno error. */
typedef int (*PolkitAuthorized)(sd_bus_message *call, void *userdata, sd_bus_error *error);

int polkit_new(sd_bus *bus, Polkit **ret);
/* Drops pending checks without replying (the connection is going away). */
Polkit *polkit_free(Polkit *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Polkit *, polkit_free);

/**
 * polkit_check_async() - ask polkit whether the sender of @call may do @action
 * @p: the registry of pending checks
 * @call: incoming method call; referenced until answered
 * @action: polkit action id
 * @authorized: run when allowed; it replies to @call
 * @userdata: for @authorized; must outlive @p
 * @error: set when the check cannot even start
 *
 * When polkit is not on the bus, only root (asked of the bus driver) is allowed.
 *
 * Return: 1 when the check is under way (the call will be answered later;
 * a method handler returns this so sd-bus knows the call is taken care of),
 * negative errno or a set @error otherwise (sd-bus replies with it).
 */
int polkit_check_async(Polkit *p, sd_bus_message *call, const char *action,
                       PolkitAuthorized authorized, void *userdata, sd_bus_error *error);

unsigned polkit_pending(const Polkit *p);
