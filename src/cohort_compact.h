/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): a cohort folder listed compactly, for runs over very large cohorts (the
 * batch parent holds its cohort for the whole run). The same rule and the same warnings as
 * cr_cohort_scan, but the cohort keeps only its ids, back to back with one 4-byte offset each
 * (about 17 bytes a city instead of some 100): its |entries| is NULL, and a city's paths are
 * made again from the folder and its id when they are needed (cr_cohort_entry_at). Every
 * function of cohort.h takes such a cohort, cr_cohort_stats and cr_cohort_stats_parallel
 * included; code that reads c->entries itself must go through these functions instead. */
#ifndef CR_COHORT_COMPACT_H
#define CR_COHORT_COMPACT_H

#include <stddef.h>

#include <xxhash.h>

#include "certreport/cohort.h"

/* Longest path of a city's file: the folder (at most 4096 bytes), '/', the id, the suffix. */
#define CR_COHORT_PATH_MAX 4200

/* A city's entry as cr_cohort_entry_at makes it: the entry and the paths it points to. */
typedef struct cr_cohort_paths {
    cr_cohort_entry e;
    char submission[CR_COHORT_PATH_MAX];
    char audit[CR_COHORT_PATH_MAX];
} cr_cohort_paths;

/* cr_cohort_scan's listing of |dir|, kept compact (see above). Free with cr_cohort_free. */
cr_cohort *cr_cohort_scan_compact(const char *dir, cr_error *err);

/* City |i|'s id (stable for the cohort's life), of any cohort. */
const char *cr_cohort_id(const cr_cohort *c, size_t i);

/* City |i|'s entry, of any cohort: &c->entries[i], or for a compact one, made in |buf| (valid
 * until |buf| is reused). */
const cr_cohort_entry *cr_cohort_entry_at(const cr_cohort *c, size_t i, cr_cohort_paths *buf);

/* Sees a valid city as cr_cohort_run.city does, and |inputs|: the hash of the bytes of its files
 * that were read and parsed, cr_digest_feed (digest.h) of "submission" and its bytes, then, when
 * it has one, of "audit" and its bytes. Valid during the call; XXH3_copyState to go on with it. */
typedef cr_status (*cr_cohort_inputs_fn)(void *data, size_t index, const cr_assessment *a,
                                         const XXH3_state_t *inputs, cr_error *err);

/* What a batch's first pass adds to cr_cohort_stats_parallel. */
typedef struct cr_cohort_pass {
    /* Required: called instead of |run|->city, with the hash of the city's inputs as read. */
    cr_cohort_inputs_fn city;
    /* Optional: called before city |index|'s warnings reach |err|'s sink and before its |city|
     * or |run|->left_out call, from the calling thread, in the cohort's order. */
    void (*begin)(void *data, size_t index);
    /* Cities loaded ahead of the merge, per thread, at most (0: cr_cohort_stats_parallel's 128):
     * fewer keep less in memory. */
    unsigned ahead;
} cr_cohort_pass;

/* cr_cohort_stats_parallel for a batch's first pass, which hashes each city's inputs from the
 * bytes this run reads, so that no file is read a second time for its hash (|pass|). Unlike
 * cr_cohort_stats_parallel's, |run|->cancelled is asked from the calling thread only (before
 * each city it merges), so it need not be safe to call from any thread. */
cr_peers *cr_cohort_stats_inputs(const cr_cohort *c, const cr_catalog *cat,
                                 const cr_schemas *schemas, const cr_cohort_run *run,
                                 const cr_cohort_pass *pass, unsigned threads, cr_error *err);

#endif
