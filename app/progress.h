/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (program): the progress of a batch run on the terminal or in a log. */
#ifndef APP_PROGRESS_H
#define APP_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "certreport/batch.h"

typedef struct app_progress {
    cr_progress_mode mode;
    FILE *log;
    struct timespec started, last_line;
} app_progress;

/* Starts the clock: rates and times left count from now. */
void app_progress_start(app_progress *p, cr_progress_mode mode, FILE *log);
/* |done| of |total| reports: a bar redrawn in place (CR_PROGRESS_BAR), or a line every 5 s and
 * a last one when |final| (CR_PROGRESS_LINES), or nothing. */
void app_progress_show(app_progress *p, size_t done, size_t total, bool final);
/* Ends a bar left unfinished (a run that stopped), so what follows starts on its own line. */
void app_progress_abandon(app_progress *p);

#endif
