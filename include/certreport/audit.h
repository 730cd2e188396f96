/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: applies the reviewers' audit log to a submission.
 *
 * Events apply in order. A change whose `from` is not the answer at that point is stale: the
 * city updated its answer after the review. It is not applied; the criterion keeps the city's
 * answer and is flagged "needs re-review" until a later change applies to it. */
#ifndef CERTREPORT_AUDIT_H
#define CERTREPORT_AUDIT_H

#include "export.h"

#include <stdbool.h>

#include "catalog.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_criterion_state {
    cr_answer submitted;          /* the city's answer */
    cr_answer answer;             /* after the audit */
    bool audited;                 /* touched by a change or comment event */
    bool changed;                 /* an applied change altered the answer (the report's "*") */
    bool stale;                   /* needs re-review */
    const cr_event *const *notes; /* change and comment events with a comment, in order */
    size_t nnotes;
    const size_t *programs; /* indices of submission programs naming this criterion */
    size_t nprograms;
} cr_criterion_state;

typedef struct cr_step_state {
    bool reached;
    const cr_event *event; /* the latest event of that step, or NULL */
} cr_step_state;

typedef struct cr_audited {
    const cr_catalog *catalog;
    const cr_submission *submission;
    const cr_audit_log *log;            /* may be NULL: no audit yet */
    const cr_criterion_state *criteria; /* by catalog index */
    size_t ncriteria;
    const int *verdicts; /* by catalog outcome: -1 no verdict, 0 not met, 1 met */
    cr_step_state steps[CR_STEP_COUNT];
    int current_step;        /* the latest step reached, -1 if none */
    size_t awarded;          /* tier of the certified step, or CR_NONE */
    struct cr_arena *arena_; /* private */
} cr_audited;

/* Applies |log| (may be NULL) to |sub|. The result borrows |cat|, |sub| and |log|: keep them alive.
 * Returns a new state owned by the caller (cr_audited_free), or NULL with |err| set: CR_EINPUT
 * when the log audits another submission, CR_ENOMEM. */
CR_API cr_audited *cr_audit_apply(const cr_catalog *cat, const cr_submission *sub,
                                  const cr_audit_log *log, cr_error *err);
CR_API void cr_audited_free(cr_audited *a);

#ifdef __cplusplus
}
#endif
#endif
