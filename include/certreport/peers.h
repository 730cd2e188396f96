/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: peer statistics over a cohort of applicants.
 *
 * Built one scorecard at a time (memory does not grow with the cohort), saved to a peers file
 * and loaded back, so a report can be regenerated later against the same cohort. Only counts
 * are kept, so a loaded file gives exactly the statistics that were saved. */
#ifndef CERTREPORT_PEERS_H
#define CERTREPORT_PEERS_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "catalog.h"
#include "score.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_peer_group {
    unsigned long applicants;
    unsigned long met; /* criteria met, summed over the group's applicants */
} cr_peer_group;

typedef struct cr_peers {
    const cr_catalog *catalog; /* borrowed */
    unsigned long applicants;  /* eligible applicants counted */
    unsigned long excluded;    /* cities left out (not eligible) */
    cr_peer_group *regions;    /* by catalog region */
    cr_peer_group *bands;      /* by catalog band */
    unsigned long *yes;        /* by criterion: applicants answering yes (audited) */
    unsigned long *yes_band;   /* [criterion * nbands + band] */
    /* The cohort the statistics were computed over, kept in the peers file so a report made
     * later can tell which cohort it was compared with: |cities| found in the folder, |used|
     * (= applicants + excluded), and the ids of the cities left out because their files were
     * invalid. A peers file written before these were recorded loads with |recorded| false. */
    bool recorded;
    unsigned long cities, used;
    char **left_out; /* ids, in the cohort's order */
    size_t nleft_out;
} cr_peers;

/* New, empty statistics for |cat| (borrowed). NULL with |err| set on allocation failure. */
CR_API cr_peers *cr_peers_new(const cr_catalog *cat, cr_error *err);
CR_API void cr_peers_free(cr_peers *p);

/* Counts one applicant (and one city used). Ineligible cities are counted only in `excluded`.
 * It takes no error record: a NULL argument, or an audited state or scorecard of another catalog
 * (its criteria count, region or band index out of |p|'s catalog), is ignored, nothing counted. */
CR_API void cr_peers_add(cr_peers *p, const cr_audited *a, const cr_scorecard *sc);

/* Records a city left out of the statistics (its files are invalid): its id is copied. */
CR_API cr_status cr_peers_leave_out(cr_peers *p, const char *id, cr_error *err);

/* Average score of a group in percent (met / (applicants * criteria)), 0 for an empty group
 * (and for a NULL |p| or |g|). */
CR_API double cr_peers_average(const cr_peers *p, const cr_peer_group *g);

/* Share of all applicants (band == CR_NONE) or of one band answering yes to |criterion|,
 * in percent, 0 for an empty group, and 0 for a NULL |p|, a |criterion| out of range or a |band|
 * out of range (other than CR_NONE): nothing is read out of bounds. */
CR_API double cr_peers_share(const cr_peers *p, size_t criterion, size_t band);

/* Writes the peers file atomically (temporary file, then rename). */
CR_API cr_status cr_peers_save(const cr_peers *p, const char *path, cr_error *err);

/* Loads a peers file made for |cat|'s edition. NULL with |err| set. */
CR_API cr_peers *cr_peers_load(const char *path, const cr_catalog *cat, const cr_schemas *schemas,
                               cr_error *err);
/* The same from memory (|len| bytes named |name| in messages). */
CR_API cr_peers *cr_peers_parse(const char *buf, size_t len, const char *name,
                                const cr_catalog *cat, const cr_schemas *schemas, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
