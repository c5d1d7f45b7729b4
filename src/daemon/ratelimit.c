/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Fixed windows rather than a sliding log: O(1) memory per budget, which
 * matters with one budget per unit. The window starts at the first event, so
 * an idle unit carries no timer.
 */

#include "ratelimit.h"

bool ratelimit_below(RateLimit *rl, usec_t now, unsigned *ret_suppressed) {
        if (ret_suppressed)
                *ret_suppressed = 0;

        if (rl->interval == 0 || rl->burst == 0)
                return rl->interval == 0; /* no interval: unlimited; no burst: nothing allowed */

        if (!rl->started || now < rl->begin || now - rl->begin >= rl->interval) {
                if (ret_suppressed)
                        *ret_suppressed = rl->suppressed;
                rl->started = true;
                rl->begin = now;
                rl->num = 0;
                rl->suppressed = 0;
        }

        if (rl->num < rl->burst) {
                rl->num++;
                return true;
        }
        rl->suppressed++;
        return false;
}

unsigned ratelimit_take_expired(RateLimit *rl, usec_t now) {
        unsigned n;

        if (!rl->started || rl->suppressed == 0)
                return 0;
        if (now >= rl->begin && now - rl->begin < rl->interval)
                return 0;
        n = rl->suppressed;
        rl->started = false;
        rl->suppressed = 0;
        rl->num = 0;
        return n;
}
