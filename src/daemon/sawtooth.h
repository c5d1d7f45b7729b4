/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Interface of sawtooth.c to analyser.c: the drop walker's result (Cycles),
 * the restart it may reveal and the sawtooth verdict. Internal to the
 * analyser, like analyser-internal.h.
 */

#include <stdbool.h>
#include <stddef.h>

#include "analyser-internal.h"

#define MAX_TROUGHS ANALYSER_MAX_BINS

typedef struct Cycles {
        double h;                       /* drop threshold in bytes */
        size_t n_drops, n_gradual;
        size_t last_peak, last_drop;    /* series indices of the last drop */
        bool last_gradual;
        double last_peak_y;
        size_t n_troughs;               /* the most recent MAX_TROUGHS, oldest first: */
        size_t trough_i[MAX_TROUGHS];   /* series index of the trough */
        size_t drop_i[MAX_TROUGHS];     /* the peak the drop into it fell from */
        size_t rise_end[MAX_TROUGHS];   /* last sample of the rise that follows it */
} Cycles;

void cycles_find(const Series *s, const AnalyserParams *p, double noise, Cycles *c);
size_t restart_find(const Series *s, const Cycles *c);
void verdict_sawtooth(const Series *s, const Cycles *c, const AnalyserParams *p,
                      double noise, double *scratch, Verdict *v);
