/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the options of a cohort run, and the staff's cohort overview.
 *
 * The library scores a whole cohort one city at a time, computes the cohort's peer statistics
 * over the valid cities (or loads a frozen peers file) and lays out the overview
 * (cr_batch_overview). Rendering every city's report in worker processes, with signals and a
 * progress display, is the program's (`certreport batch`, app/batch_run.c): cr_batch_run was
 * removed from the library (issue #13), which forks no processes and handles no signals. A
 * program that renders many reports calls cr_render_city (api.h) per city, in its own threads or
 * processes. */
#ifndef CERTREPORT_BATCH_H
#define CERTREPORT_BATCH_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "catalog.h"
#include "error.h"
#include "input.h"
#include "render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cr_progress_mode {
    CR_PROGRESS_NONE, /* silent */
    CR_PROGRESS_BAR,  /* one line redrawn in place (a terminal) */
    CR_PROGRESS_LINES /* a plain line every few seconds (CI, logs) */
} cr_progress_mode;

typedef struct cr_batch_options {
    const char *cohort_dir;    /* ID.submission.xml (+ ID.audit.xml) per city */
    const char *out_dir;       /* created if missing; reports, manifest.csv and manifest.json */
    unsigned jobs;             /* the program's batch: worker processes; 0: one per core */
    const char *peers_path;    /* a frozen peers file, or NULL: computed from the cohort */
    const char *previous_dir;  /* the previous cycle's cohort folder, or NULL */
    cr_output_format format;   /* PDF (ID.pdf) or PNG (a folder of pages: ID.png.d/1.png ...) */
    cr_backend backend;        /* haru or cairo (PDF); PNG is always cairo */
    const char *catalog_path;  /* the catalog the caller loaded (hashed into every report) */
    const char *layout_path;   /* layout file */
    const char *fonts_dir;     /* the layout's fonts are found here */
    const char *strings_dir;   /* LANG.xml string tables */
    const char *lang;          /* every report in this language, or NULL: each submission's */
    bool untagged;             /* plain PDFs: no structure (see cr_report_request.untagged) */
    bool force;                /* re-render even when nothing changed */
    bool wait;                 /* another run holds the output folder's lock: wait for it (else
                                  the run is refused) */
    unsigned shard_k, shard_n; /* only the k-th (1-based) of n slices of the cohort; n = 0: all */
    long long date;            /* document date of every report, or < 0: each city's own */
    const char *version;       /* program version (part of every report's hash) */
    cr_progress_mode progress; /* the program's batch and merge */
    FILE *log;                 /* progress, warnings and per-city problems; NULL: stderr */
    bool strict; /* a warning (about the folder or a city) or a city left out stops the
                    run after pass 1: nothing rendered or written */
    /* Optional: asked between cities; true stops the run (CR_EIO). The library installs no
     * signal handler: a caller that wants SIGTERM to stop cr_batch_overview sets a flag in its
     * own handler and says so here. */
    bool (*cancelled)(void *data);
    void *cancel_data;
} cr_batch_options;

typedef struct cr_batch_result {
    size_t cities;    /* cities of the cohort (of this shard) */
    size_t rendered;  /* reports written */
    size_t unchanged; /* reports whose inputs had not changed */
    size_t failed;    /* cities not rendered: invalid files or a crash */
    size_t excluded;  /* invalid cities left out of the peer statistics (computed, not --peers) */
    int signal;       /* the signal that stopped the run, 0 if none */
    bool stopped;     /* the output could not be written: the run stopped early */
    char manifest[4096]; /* path of manifest.csv */
} cr_batch_result;

/* The staff's cohort overview (certreport cohort): scores every valid city of o->cohort_dir
 * (invalid ones are reported to o->log and left out), computes or loads the peers and lays out
 * the overview into a PDF in |out| (o->backend). Uses cohort_dir, peers_path, layout_path,
 * fonts_dir, strings_dir, lang, date, log, cancelled. CR_EUSAGE for a NULL pointer or a
 * backend out of its enum. */
CR_API cr_status cr_batch_overview(const cr_batch_options *o, const cr_catalog *cat,
                                   const cr_schemas *schemas, cr_buffer *out, size_t *excluded,
                                   cr_error *err);

#ifdef __cplusplus
}
#endif

#endif
