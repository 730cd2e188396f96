/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: a city's whole assessment (submission, audit log, audited state, scorecard) and
 * a cohort folder of them (ID.submission.xml, each with an optional ID.audit.xml). */
#ifndef CERTREPORT_COHORT_H
#define CERTREPORT_COHORT_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "catalog.h"
#include "input.h"
#include "peers.h"
#include "score.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_assessment {
    cr_submission *submission;
    cr_audit_log *log; /* NULL when there is no audit log */
    cr_audited *audited;
    cr_scorecard score;
} cr_assessment;

/* Loads a submission and its audit log (|audit_path| may be NULL), applies the audit and scores
 * it into |out|, which the caller releases with cr_assessment_free. On failure |out| holds
 * nothing and |err| says why. */
CR_API cr_status cr_assessment_load(cr_assessment *out, const char *submission_path,
                                    const char *audit_path, const cr_catalog *cat,
                                    const cr_schemas *schemas, cr_error *err);
/* NULL, or an assessment already freed (zeroed), does nothing. */
CR_API void cr_assessment_free(cr_assessment *a);

/* The same from memory (a request body, standard input): |sub| (|sub_len| bytes) named
 * |sub_name| in messages, and its audit log |audit| (NULL: none). */
CR_API cr_status cr_assessment_parse(cr_assessment *out, const char *sub, size_t sub_len,
                                     const char *sub_name, const char *audit, size_t audit_len,
                                     const char *audit_name, const cr_catalog *cat,
                                     const cr_schemas *schemas, cr_error *err);

/* The date of the assessment's report, from its inputs only (never the clock): the latest audit
 * event, else the submission date at 00:00 UTC. Seconds since 1970. 0 for a NULL |a| or one
 * without a submission (zeroed, freed): it takes no error record. */
CR_API long long cr_assessment_date(const cr_assessment *a);

typedef struct cr_cohort_entry {
    char *id;
    char *submission; /* path */
    char *audit;      /* path, or NULL */
} cr_cohort_entry;

typedef struct cr_cohort {
    cr_cohort_entry *entries; /* sorted by id (byte order): runs are reproducible */
    size_t n;
    size_t skipped; /* entries of the folder skipped with a warning */
} cr_cohort;

/* Lists the cities of a cohort folder. The one rule every command reads a cohort by (stats,
 * batch, cohort, render --cohort):
 *   - ID.submission.xml is a city and ID.audit.xml its audit log, ID being what a submission id
 *     may be (1 to 64 of A-Z a-z 0-9 . _ -, the first a letter or digit);
 *   - only regular files count. Each is looked at without following a link and opened without
 *     blocking (O_NONBLOCK | O_NOFOLLOW), then checked with fstat: a FIFO, device, socket,
 *     folder or symbolic link named like a city file, or a file that cannot be opened, is
 *     skipped with a warning to |err| ("DIR/NAME: warning: ..."), never waited on;
 *   - an audit log without its submission, and any other NAME.xml, is skipped with a warning;
 *   - any other file (README, EXPECTED.md) and hidden files are left alone, without a word.
 * NULL with |err| set when the folder cannot be read or holds no city. Free with cr_cohort_free. */
CR_API cr_cohort *cr_cohort_scan(const char *dir, cr_error *err);
CR_API void cr_cohort_free(cr_cohort *c);

/* Loads one cohort entry; also checks that the submission's id matches its file name. */
CR_API cr_status cr_cohort_load(const cr_cohort_entry *e, cr_assessment *out, const cr_catalog *cat,
                                const cr_schemas *schemas, cr_error *err);

/* What a caller of cr_cohort_stats may add; every member is optional (NULL). */
typedef struct cr_cohort_run {
    /* Only the cities for which it returns true are loaded (a shard of the cohort). */
    bool (*want)(void *data, size_t index, const cr_cohort_entry *e);
    /* Sees every valid city (after it was added to the statistics, before it is freed). An
     * error it returns (with |err| set) stops the run. */
    cr_status (*city)(void *data, size_t index, const cr_assessment *a, cr_error *err);
    /* Sees every city left out, with its first problem. */
    void (*left_out)(void *data, size_t index, const cr_error *problem);
    /* Asked before each city (and so between any two): true stops the run at once, with
     * CR_EIO "interrupted". How a caller learns of a signal is its own business: the library
     * installs no handler. */
    bool (*cancelled)(void *data);
    void *data;
} cr_cohort_run;

/* Peer statistics over the valid cities of |c|, one city in memory at a time. A city whose files
 * are invalid is left out and listed: its first problem goes to |err|'s sink as it is
 * ("file:line: message"; |err|'s own code stays unset) and its id into the result's left_out.
 * The result records the cohort (cities, used, left_out: see cr_peers). NULL with |err| set only
 * when the run itself fails: out of memory, |run|->city's error, or |run|->cancelled. |run| may
 * be NULL. */
CR_API cr_peers *cr_cohort_stats(const cr_cohort *c, const cr_catalog *cat,
                                 const cr_schemas *schemas, const cr_cohort_run *run,
                                 cr_error *err);

/* The same over |threads| threads (0 or 1: the calling thread alone, as cr_cohort_stats; at
 * most 256): the cities are loaded and scored in parallel, at most 128 per thread ahead of
 * the merge, and added in the cohort's order by the calling thread, so the result, every message to
 * |err|'s sink and every call of |run|->want, city and left_out (all made from the calling thread)
 * are the same as cr_cohort_stats's for any |threads|. Only |run|->cancelled is also asked from the
 * other threads, before each city: it must be safe to call from any thread (a flag a signal
 * handler sets is). The library's threads handle no signal; libxml2 is initialised
 * (xmlInitParser) before they start. */
CR_API cr_peers *cr_cohort_stats_parallel(const cr_cohort *c, const cr_catalog *cat,
                                          const cr_schemas *schemas, const cr_cohort_run *run,
                                          unsigned threads, cr_error *err);

/* One line saying what the statistics of |p| were computed over, the same for every command:
 * "peer statistics over 11 cities" or "peer statistics over 10 of 12 cities; left out
 * (invalid files): a, b" (at most 20 ids, then "and N more"); for a peers file that does not
 * record it, "peer statistics from a peers file that does not list its cities". Malloc'd; NULL
 * when out of memory or |p| is NULL. */
CR_API char *cr_cohort_summary(const cr_peers *p);

#ifdef __cplusplus
}
#endif
#endif
