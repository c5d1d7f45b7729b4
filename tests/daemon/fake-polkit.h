/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A stand-in for polkitd on a test bus: owns org.freedesktop.PolicyKit1 from
 * its own thread (so a test may make blocking calls to a daemon that waits
 * for polkit), answers CheckAuthorization with the verdict the test sets, and
 * records what it was asked.
 */

#include <glib.h>
#include <stdbool.h>

typedef enum FakePolkitVerdict {
        FAKE_POLKIT_ALLOW,
        FAKE_POLKIT_DENY,
        FAKE_POLKIT_CHALLENGE,          /* not authorised, is_challenge */
        FAKE_POLKIT_HOLD,               /* no answer until fake_polkit_release() */
} FakePolkitVerdict;

/* The last question asked. */
typedef struct FakePolkitQuestion {
        unsigned n_calls;               /* so far */
        char *subject_kind, *subject_name, *action;
        guint32 flags;
} FakePolkitQuestion;

/* Connects to address and owns the name; starts with FAKE_POLKIT_DENY. */
void fake_polkit_start(const char *address);
/* Closes its connection, so the name goes away. */
void fake_polkit_stop(void);
void fake_polkit_set(FakePolkitVerdict v);
/* Questions held back (FAKE_POLKIT_HOLD) and not answered yet. */
unsigned fake_polkit_held(void);
/* Answers the held questions with v (not FAKE_POLKIT_HOLD) and makes v the verdict. */
void fake_polkit_release(FakePolkitVerdict v);
/* A copy; free with fake_polkit_question_clear(). */
void fake_polkit_last(FakePolkitQuestion *ret);
void fake_polkit_question_clear(FakePolkitQuestion *q);
