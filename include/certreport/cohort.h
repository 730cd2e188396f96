/* certreport: a city's whole assessment (submission, audit log, audited state, scorecard) and
 * a cohort folder of them (ID.submission.xml, each with an optional ID.audit.xml). */
#ifndef CERTREPORT_COHORT_H
#define CERTREPORT_COHORT_H

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
cr_status cr_assessment_load(cr_assessment *out, const char *submission_path,
                             const char *audit_path, const cr_catalog *cat,
                             const cr_schemas *schemas, cr_error *err);
void cr_assessment_free(cr_assessment *a);

/* The same from memory (a request body, standard input): |sub| (|sub_len| bytes) named
 * |sub_name| in messages, and its audit log |audit| (NULL: none). */
cr_status cr_assessment_parse(cr_assessment *out, const char *sub, size_t sub_len,
                              const char *sub_name, const char *audit, size_t audit_len,
                              const char *audit_name, const cr_catalog *cat,
                              const cr_schemas *schemas, cr_error *err);

/* The date of the assessment's report, from its inputs only (never the clock): the latest audit
 * event, else the submission date at 00:00 UTC. Seconds since 1970. */
long long cr_assessment_date(const cr_assessment *a);

typedef struct cr_cohort_entry {
    char *id;
    char *submission; /* path */
    char *audit;      /* path, or NULL */
} cr_cohort_entry;

typedef struct cr_cohort {
    cr_cohort_entry *entries; /* sorted by id (byte order): runs are reproducible */
    size_t n;
} cr_cohort;

/* Lists the cities of a cohort folder. NULL with |err| set when the folder cannot be read, holds
 * no submission, or holds an audit log without its submission. Free with cr_cohort_free. */
cr_cohort *cr_cohort_scan(const char *dir, cr_error *err);
void cr_cohort_free(cr_cohort *c);

/* Loads one cohort entry; also checks that the submission's id matches its file name. */
cr_status cr_cohort_load(const cr_cohort_entry *e, cr_assessment *out, const cr_catalog *cat,
                         const cr_schemas *schemas, cr_error *err);

/* Peer statistics over every city of |c|, one city in memory at a time. A city that fails to
 * load is reported to |err| (and its sink); with |skip_invalid| the others still count and
 * *failed says how many were left out, otherwise the result is NULL. */
cr_peers *cr_cohort_stats(const cr_cohort *c, const cr_catalog *cat, const cr_schemas *schemas,
                          bool skip_invalid, size_t *failed, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
