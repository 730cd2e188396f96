/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (program): the progress of a batch run (progress.h). */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

void app_progress_start(app_progress *p, cr_progress_mode mode, FILE *log)
{
    p->mode = mode;
    p->log = log;
    clock_gettime(CLOCK_MONOTONIC, &p->started);
    p->last_line = p->started;
}

void app_progress_show(app_progress *p, size_t done, size_t total, bool final)
{
    if (p->mode == CR_PROGRESS_NONE || total == 0)
        return;
    double t = seconds_since(&p->started);
    double rate = t > 0 ? (double)done / t : 0;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    if (p->mode == CR_PROGRESS_BAR) {
        enum { W = 28 };
        char bar[W + 1];
        size_t fill = total ? done * W / total : 0;
        for (size_t i = 0; i < W; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[W] = '\0';
        fprintf(p->log, "\r\033[K[%s] %zu/%zu reports  %.0f/s  %d:%02d left", bar, done, total,
                rate, (int)left / 60, (int)left % 60);
        if (final)
            fprintf(p->log, "\n");
        fflush(p->log);
        return;
    }
    if (!final && seconds_since(&p->last_line) < 5)
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->last_line);
    fprintf(p->log, "certreport batch: %zu/%zu reports (%zu%%), %.0f/s, about %.0f s left\n", done,
            total, total ? done * 100 / total : 0, rate, left);
    fflush(p->log);
}

void app_progress_abandon(app_progress *p)
{
    if (p->mode == CR_PROGRESS_BAR)
        fprintf(p->log, "\n");
}
