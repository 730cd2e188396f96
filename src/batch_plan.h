/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): the parts of a batch run that are plain library work, shared by the
 * library's cohort overview and the program's batch (app/batch_run.c), which adds the worker
 * processes, the signals and the progress display. A cr_batch holds what every report of a run
 * shares (catalog, layout, fonts, string tables, peers) and one small row per city: pass 1
 * (cr_batch_prepare) scores the cohort into the rows, cr_batch_hash says what each report depends
 * on, cr_batch_mark_unchanged finds the reports already written, cr_batch_render_city renders and
 * writes one, cr_batch_write_manifest records what is on disk. None of it forks, blocks signals
 * or prints but to the run's log. */
#ifndef CR_BATCH_PLAN_H
#define CR_BATCH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xxhash.h>

#include "certreport/batch.h"
#include "certreport/cohort.h"
#include "certreport/layout.h"
#include "certreport/peers.h"
#include "cohort_compact.h"

#define CR_BATCH_MAX_LANGS 8
#define CR_BATCH_MSG_MAX 1000
/* The output folder's lock: one writer at a time (shards share it and each holds its own). */
#define CR_BATCH_LOCK_NAME ".certreport.lock"

typedef enum cr_row_status {
    CR_ROW_PENDING,
    CR_ROW_RENDERED,
    CR_ROW_UNCHANGED,
    CR_ROW_FAILED
} cr_row_status;

/* One city of the run, as the parent holds it for the whole run: 8 bytes, so that a run over
 * 1,000,000 cities stays some tens of MB. The rest of what the manifest and the overview say of
 * it (a cr_batch_city) waits in the run's spill file: an unlinked temporary file written and read
 * with pwrite and pread (not mapped: its pages are the kernel's cache, not the parent's memory). */
typedef struct cr_batch_row {
    uint32_t entry; /* index in the cohort */
    uint8_t valid;  /* bool */
    uint8_t st;     /* cr_row_status */
    uint8_t lang;   /* index in the string tables */
    uint8_t spare;
} cr_batch_row;

/* One city, as the manifest and the overview need it: a row's record in the spill file
 * (cr_batch_city_get), with its texts. */
typedef struct cr_batch_city {
    size_t entry; /* index in the cohort */
    bool valid;
    char *name, *country;
    size_t region, band;
    unsigned met, total, percent, outcomes_met;
    size_t eligible, awarded;
    bool in_review;     /* the process has not reached certification yet */
    char *core_missing; /* "LC1 PA1" */
    size_t lang;        /* index in the string tables */
    unsigned *area_met; /* criteria met per area (catalog order) */
    unsigned *area_pct; /* and the percentage */
    int cycle;
    long long date; /* the report's date from the city's inputs */
    unsigned char city_hash[16];
    char hash[33]; /* everything that goes into the report, hex */
    cr_row_status st;
    char *message;  /* why it failed */
    char *warnings; /* its files' warnings, one per line ("file:line: warning: ..."), or NULL */
    unsigned long long bytes;
    unsigned pages;
    char content[33]; /* XXH3-128 of the bytes on disk (a PNG set: its pages in order), hex */
    /* Where its texts are in the spill file: name, country, core_missing and the two area arrays
     * (|texts|, none when name is NULL), message, warnings (0 bytes: NULL). */
    uint64_t texts_at, message_at, warnings_at;
    uint32_t texts_len, message_len, warnings_len;
    bool stored; /* the record was written (a record never written reads as zeros) */
    char *buf;   /* what the pointers above point into, after cr_batch_city_get */
} cr_batch_city;

typedef struct cr_batch_lang {
    char code[8];
    cr_strings *strings;
    cr_catalog *catalog; /* the catalog with its texts in this language; NULL: the catalog's own */
    unsigned char hash[16]; /* of the string table and the catalog translation */
} cr_batch_lang;

typedef struct cr_batch {
    const cr_batch_options *o;
    const cr_catalog *cat;
    const cr_schemas *schemas;
    FILE *log;
    cr_cohort *cohort;
    cr_batch_row *rows;
    size_t nrows;
    int spill;            /* the rows' records (cr_batch_city) then their texts; -1 when closed */
    uint64_t spill_end;   /* where the next text goes */
    cr_error spill_error; /* the first write to it that failed (the manifest then fails) */
    cr_peers *peers;
    cr_layout_spec *spec;
    cr_fonts *fonts;
    cr_layout_cache
        *cache; /* measured text, shared by the reports of one process (a worker's copy) */
    cr_batch_lang langs[CR_BATCH_MAX_LANGS];
    size_t nlangs;
    unsigned char global_hash[16];
    char manifest_csv[4096], manifest_json[4096];
    const char *command; /* "batch", "cohort" or "merge", for the log */
    size_t warnings;     /* about the cohort folder */
    size_t nleft_out;    /* invalid cities left out of the statistics computed */
    bool cancelled;      /* o->cancelled said stop during pass 1 */
} cr_batch;

/* Sets up |b| for a run of |command| with options |o| (kept: borrowed); the manifests' paths
 * when o->out_dir is given (manifest-K-of-N.* for a shard). Nothing is loaded yet. */
void cr_batch_init(cr_batch *b, const cr_batch_options *o, const cr_catalog *cat,
                   const cr_schemas *schemas, const char *command);
/* Frees what |b| loaded; |b| may be half-prepared. */
void cr_batch_free(cr_batch *b);

/* Loads what every report shares and scores the cohort (the shard's cities) into the rows: pass
 * 1, through cr_cohort_stats, asking o->cancelled between cities. Warnings and per-city problems
 * go to the log. CR_EIO with b->cancelled when o->cancelled stopped it; otherwise an error that
 * stops the run (--strict included). */
cr_status cr_batch_prepare(cr_batch *b, cr_error *err);

/* The hash of everything each valid row's report depends on (program, options, catalog, layout,
 * fonts, peers, date, its language, its files) into row->hash. */
cr_status cr_batch_hash(cr_batch *b, cr_error *err);

/* Marks unchanged (CR_ROW_UNCHANGED) every row whose report the last run's manifest.json lists
 * with the same hash and whose output on disk is verified to be what that run wrote. */
void cr_batch_mark_unchanged(cr_batch *b);

/* Writes manifest.csv and manifest.json (or a shard's): what is on disk now. */
cr_status cr_batch_write_manifest(const cr_batch *b, cr_error *err);

/* What rendering one city came to. */
enum { CR_OUT_OK, CR_OUT_CITY, CR_OUT_FATAL };
typedef struct cr_batch_output {
    uint64_t bytes;
    uint32_t pages;
    unsigned char content[16]; /* XXH3-128 of the bytes written */
    char message[CR_BATCH_MSG_MAX];
} cr_batch_output;

/* Renders the report of row |r| and writes it (cr_render: the PDF renamed into place, or the
 * PNG pages swapped in as one set). CR_OUT_OK; CR_OUT_CITY when the city failed (out->message
 * says why); CR_OUT_FATAL when the output folder, not the city, is the problem (it cannot be
 * written, or memory ran out). */
int cr_batch_render_city(const cr_batch *b, const cr_batch_row *r, cr_batch_output *out);

/* Merges the shards' manifests in o->out_dir (manifest-K-of-N.*, one N) into manifest.csv and
 * manifest.json, as one run over the whole cohort writes them; |res| gets the counts by status
 * and the manifest's path. The caller holds the folder's lock. */
cr_status cr_batch_merge_manifests(const char *out_dir, cr_batch_result *res, cr_error *err);

/* ---- the output folder (outdir.c) ---- */

/* Makes |dir| if missing and checks that a file can be written in it. */
cr_status cr_outdir_check(const char *dir, cr_error *err);
/* Opens the lock file |name| in |dir| (made if missing, never through a link; the file stays:
 * removing a lock file would let two runs lock two different files). Its descriptor, or -1 with
 * |err|; the lock file's path in |path| (|size| bytes). */
int cr_lock_open(const char *dir, const char *name, char *path, size_t size, cr_error *err);
/* Tries flock(|fd|, |mode| | LOCK_NB) once: 1 taken (the kernel releases it when every process
 * sharing |fd| is gone, however they die), 0 held by another run, -1 an error (|err|). */
int cr_lock_try(int fd, int mode, const char *path, cr_error *err);
/* Removes temporaries from the output folder: those for |only| (a report's name: after its worker
 * died), or every one this run owns (at the start, holding the lock: what a killed run left). */
size_t cr_batch_clean_temporaries(const cr_batch *b, const char *only);
/* Removes the temporary a worker may have left for row |r| (after it was killed or crashed). */
void cr_batch_remove_temporaries(const cr_batch *b, const cr_batch_row *r);

/* ---- small helpers ---- */

void cr_batch_logf(const cr_batch *b, const char *fmt, ...) CR_PRINTF(2, 3);
void cr_batch_log_error(const cr_batch *b, const cr_error *e);
/* Marks |r| failed with |e|'s message (cr_batch_fail_row_message: with |message|). */
void cr_batch_fail_row(cr_batch *b, cr_batch_row *r, const cr_error *e);
void cr_batch_fail_row_message(cr_batch *b, cr_batch_row *r, const char *message);
/* Records what a worker wrote for |r| (rendered). */
void cr_batch_row_written(cr_batch *b, cr_batch_row *r, const cr_batch_output *out);

/* ---- the rows' records (the spill file) ---- */

/* Row |r|'s record into |c| (a row never recorded: its defaults), its texts too when |texts| is
 * true (free them with cr_batch_city_free). CR_EIO or CR_ENOMEM with |err|. */
cr_status cr_batch_city_get(const cr_batch *b, const cr_batch_row *r, cr_batch_city *c, bool texts,
                            cr_error *err);
/* Writes |c| as row |r|'s record (its texts' places as they are in |c|). */
cr_status cr_batch_city_put(cr_batch *b, const cr_batch_row *r, const cr_batch_city *c,
                            cr_error *err);
void cr_batch_city_free(cr_batch_city *c);
void cr_batch_hex(const unsigned char *h, size_t n, char *out);
/* The XXH3-128 of what |s| was fed, in canonical (big-endian) bytes. */
void cr_batch_digest(XXH3_state_t *s, unsigned char out[16]);
/* The CPUs this process may use (its affinity: taskset, a cgroup cpuset, a Slurm allocation),
 * at least 1: the default of batch's and stats' -j, and the bound of pass 1's threads. */
unsigned cr_batch_cpu_count(void);
bool cr_batch_is_png(const cr_batch *b);
bool cr_batch_in_shard(const cr_batch *b, const char *id);
/* The report's name in the output folder (ID.pdf or ID.png.d) and its path; -1: too long. */
void cr_batch_out_name(const cr_batch *b, const cr_batch_row *r, char *buf, size_t size);
int cr_batch_out_path(const cr_batch *b, const char *name, char *buf, size_t size);

#endif
