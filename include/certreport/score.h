/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: scoring. Pure functions of the catalog and the audited answers: no I/O, no state.
 *
 * Thresholds compare exact ratios (met * 100 >= percent * total), never rounded percentages.
 * Displayed percentages round half up. */
#ifndef CERTREPORT_SCORE_H
#define CERTREPORT_SCORE_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cr_eligibility {
    CR_ELIGIBLE = 0,
    CR_INELIGIBLE_REGION,    /* country outside the program's regions */
    CR_INELIGIBLE_POPULATION /* population below the catalog minimum */
} cr_eligibility;

typedef struct cr_area_score {
    unsigned met, total, percent;
} cr_area_score;

/* What stands between the city and the next tier up. */
typedef struct cr_next_tier {
    size_t tier;                 /* the next tier, or CR_NONE at the top */
    unsigned more_criteria;      /* criteria still to meet for its threshold */
    size_t missing[CR_MAX_LIST]; /* core and tier-required criteria not met, catalog indices */
    size_t nmissing;
    unsigned more_outcomes;       /* outcomes still to meet */
    size_t outcomes[CR_MAX_LIST]; /* outcomes not met (candidates), catalog indices */
    size_t noutcomes;
} cr_next_tier;

typedef struct cr_scorecard {
    cr_eligibility eligibility;
    size_t region, band; /* CR_NONE when outside */
    unsigned met, total, percent;
    bool verification; /* more than the catalog's verification percent met */
    cr_area_score areas[CR_MAX_LIST];
    size_t nareas;
    size_t tier;    /* highest tier whose conditions all hold, CR_NONE for none */
    size_t awarded; /* tier awarded at certification (from the audit log), or CR_NONE */
    size_t core_missing[CR_MAX_LIST];
    size_t ncore_missing;
    bool outcome_met[CR_MAX_LIST]; /* by catalog outcome */
    unsigned outcomes_met;
    size_t stale[CR_MAX_LIST]; /* criteria needing re-review */
    size_t nstale;
    size_t changed[CR_MAX_LIST]; /* criteria whose answer the review changed */
    size_t nchanged;
    cr_next_tier next;
} cr_scorecard;

/* Percent of |part| in |whole|, rounded half up (0 when whole is 0). */
CR_API unsigned cr_percent(unsigned long part, unsigned long whole);

/* Whether an outcome's value meets its standard (numeric rules), or |verdict| (>0) for
 * verdict rules. False for a NULL |def| (a NULL |value| is "no value"). */
CR_API bool cr_outcome_meets(const cr_outcome_def *def, const cr_outcome_value *value, int verdict);

/* Whether the conditions of tier |t| all hold for these answers (one per criterion) and
 * outcome results (one per outcome). False when an argument is NULL or |t| is not a tier index
 * (CR_NONE included): it takes no error record. */
CR_API bool cr_tier_holds(const cr_catalog *cat, size_t t, const cr_answer *answers,
                          const bool *outcome_met);

/* Scores the audited answers into |out|. Fails (CR_EUSAGE) only if the catalog is larger than
 * a scorecard holds (CR_MAX_LIST areas, criteria lists or outcomes). */
CR_API cr_status cr_score(const cr_audited *a, cr_scorecard *out, cr_error *err);

/* Fills |out| for answers and outcome results directly (what cr_score does after reading the
 * audited state). Eligibility fields are left as CR_ELIGIBLE / CR_NONE. */
CR_API cr_status cr_score_answers(const cr_catalog *cat, const cr_answer *answers,
                                  const bool *outcome_met, cr_scorecard *out, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
