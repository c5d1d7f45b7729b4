/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * MESSAGE_ID values of memmon's journal entries. Each has an entry in
 * systemd/memmon.catalog; never reuse or change an id once released, scripts
 * match on them.
 */

#define MEMMON_MESSAGE_DAEMON_READY      "eefaed22575542a3a33c7eab4998c114"
#define MEMMON_MESSAGE_ALERT_USAGE       "88e9f918a56d4bf5ac79ac987778fcbc"
#define MEMMON_MESSAGE_ALERT_CLEARED     "5132c368305b4d0ea68613ef0e2a5ad5"
#define MEMMON_MESSAGE_ALERT_OOM_KILL    "56a9b6c0c2c948e7831f3d85ace6c11c"
#define MEMMON_MESSAGE_ALERT_LIMIT_HIT   "cd7777ca8b4f441e86d3cf4b3813c27c"
#define MEMMON_MESSAGE_ALERT_PRESSURE    "c882983bb06e43cea53a26004ffa1220"
#define MEMMON_MESSAGE_ALERT_HOST_MEMORY "20495ee2cf6643ba862a199a648bd326"
#define MEMMON_MESSAGE_ALERT_LEAK        "8df513bfe6d34336aa87b45b7753b3f1"
#define MEMMON_MESSAGE_ALERTS_SUPPRESSED "6a225e7b6e5a4710968cc1eecaa871ac"
#define MEMMON_MESSAGE_UNIT_RESTARTED    "ba2ac2e9d56045e8a92948c06eefc0a3"
