/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: a whole cohort's reports in one run.
 *
 * Two passes. First every city is scored, one at a time, and the cohort's peer statistics are
 * computed over the valid cities (or a frozen peers file is loaded). Then the reports are
 * rendered by worker processes, each holding one city at a time, and written atomically into
 * the output folder. A city whose files are invalid is reported and skipped; a worker that
 * crashes costs only its city. A report is re-rendered only when the hash of everything that went
 * into it changed (manifest.json keeps the hashes). SIGINT, SIGTERM and SIGHUP stop the run
 * cleanly: no temporary file is left and every existing report stays whole. */
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
    unsigned jobs;             /* worker processes; 0: one per core */
    const char *peers_path;    /* a frozen peers file, or NULL: computed from the cohort */
    const char *previous_dir;  /* the previous cycle's cohort folder, or NULL */
    const char *format;        /* "pdf" (ID.pdf) or "png" (a folder of pages: ID.png.d/1.png ...) */
    const char *backend;       /* "haru" or "cairo" (PDF); PNG is always cairo */
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
    cr_progress_mode progress;
    FILE *log;   /* progress, warnings and per-city problems; NULL: stderr */
    bool strict; /* a warning (about the folder or a city) or a city left out stops the
                    run after pass 1: nothing rendered or written */
    /* Optional: asked between cities (pass 1) and between reports; true stops the run as a
     * signal would. The library installs no signal handler: a caller that wants SIGTERM to stop
     * cr_batch_overview sets a flag in its own handler and says so here (cr_batch_run also
     * reads SIGINT, SIGTERM and SIGHUP itself, from a signalfd). */
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

/* Runs a batch. The cohort folder is read as every command reads it (cr_cohort_scan,
 * cr_cohort_stats): warnings about it and per-city problems go to o->log ("file:line: message"),
 * then one line with what the peer statistics were computed over; per-city problems count in |res|;
 * CR_OK means the run finished (even when cities failed: see res->failed). Anything that stops
 * the whole run (an unreadable cohort or peers file, an output folder that cannot be written,
 * out of memory) returns an error in |err|; a signal returns CR_EIO with res->signal set. */
CR_API cr_status cr_batch_run(const cr_batch_options *o, const cr_catalog *cat,
                              const cr_schemas *schemas, cr_batch_result *res, cr_error *err);

/* Merges the manifests the shards of a run wrote into o->out_dir (manifest-K-of-N.csv/json,
 * K = 1..N, all of one N) into manifest.csv and manifest.json, the very files one run over the
 * whole cohort writes (its lines in the cohort's order, by id, no "shard"). Refused while a run
 * writes to the folder (o->wait: waits). Uses out_dir, wait, log, progress, cancelled; |res|
 * gets the counts by status and the manifest's path. */
cr_status cr_batch_merge(const cr_batch_options *o, cr_batch_result *res, cr_error *err);

/* The staff's cohort overview (certreport cohort): scores every valid city of o->cohort_dir
 * (invalid ones are reported to o->log and left out), computes or loads the peers and lays out
 * the overview into a PDF in |out| (o->backend). Uses cohort_dir, peers_path, layout_path,
 * fonts_dir, strings_dir, lang, date, log. */
CR_API cr_status cr_batch_overview(const cr_batch_options *o, const cr_catalog *cat,
                                   const cr_schemas *schemas, cr_buffer *out, size_t *excluded,
                                   cr_error *err);

#ifdef __cplusplus
}
#endif

#endif
