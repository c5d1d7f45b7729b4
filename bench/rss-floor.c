/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rss-floor: the smallest daemon on memmond's stack, for comparing RSS.
 *
 *   rss-floor          (run as a Type=notify service, as memmond is)
 *
 * Links exactly what memmond links and does what any sd-event daemon on the
 * system bus does at start and then at idle: an event loop with signal and
 * timer sources and the watchdog, a system bus connection with one object and
 * a well-known name, one structured journal entry, READY=1 and a STATUS=
 * line, and a timer that pread()s one file every 5 s. No units, no history.
 * bench/vm-bench-guest.sh prints its RSS next to memmond's, mapping by
 * mapping. Not a test: it asserts nothing.
 */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libcgroup.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

static int fd = -1;
static double sink;

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        char buf[64];

        if (pread(fd, buf, sizeof buf, 0) > 0)
                sink += sqrt((double) (unsigned char) buf[0]);  /* keep libm linked, as memmond uses it */
        return sd_event_source_set_time(s, usec + 5000000);
}

static int get_answer(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "u", 42);
}

static const sd_bus_vtable vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Answer", "u", get_answer, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

int main(void) {
        sd_event *e = NULL;
        sd_bus *bus = NULL;
        sigset_t mask;
        uint64_t now;
        int r;

        /* memmond links json-c and libcgroup too (the discovery runs in a child). */
        json_object_put(json_object_new_int(1));
        if (getenv("RSS_FLOOR_NEVER"))
                (void) cgroup_init();

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
        r = sd_event_default(&e);
        if (r >= 0)
                r = sd_event_add_signal(e, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(e, NULL, SIGINT, NULL, NULL);
        if (r >= 0)
                r = sd_event_now(e, CLOCK_MONOTONIC, &now);
        if (r >= 0)
                r = sd_event_add_time(e, NULL, CLOCK_MONOTONIC, now + 5000000, 0, on_timer, NULL);
        if (r >= 0)
                r = sd_event_set_watchdog(e, true);
        if (r >= 0)
                r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, NULL, "/org/memmon/Floor", "org.memmon.Floor", vtable, NULL);
        if (r >= 0)
                r = sd_bus_request_name_async(bus, NULL, "org.memmon.Floor", 0, NULL, NULL);
        if (r >= 0)
                r = sd_bus_attach_event(bus, e, 0);
        if (r < 0) {
                fprintf(stderr, "rss-floor: set-up failed: %s\n", strerror(-r));
                return EXIT_FAILURE;
        }

        sd_journal_send("MESSAGE=rss-floor started", "PRIORITY=6", "RSS_FLOOR_UNITS=%u", 0U, NULL);
        sd_notify(false, "READY=1\nSTATUS=idle, 0 units");

        r = sd_event_loop(e);
        sd_bus_flush_close_unref(bus);
        sd_event_unref(e);
        close(fd);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
