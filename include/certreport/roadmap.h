/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the roadmap. What stands between a city and each tier above the one it qualifies
 * for, what each blocker alone would change, the cheapest path to each tier in steps, and which
 * criteria would move the city. A pure function of the audited answers, their scorecard, the
 * catalog (every rule comes from it: core criteria, each tier's threshold, `requires` and
 * minimum outcomes) and, optionally, the peer statistics that rank the candidate criteria.
 *
 * Costs count changed conditions: one per criterion to meet, one per resident outcome to meet.
 * Meeting a missing core or required criterion also adds one to the criteria met. Every tier
 * named as reached ("reaches") is the tier cr_tier_holds gives once the conditions hold. */
#ifndef CERTREPORT_ROADMAP_H
#define CERTREPORT_ROADMAP_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "catalog.h"
#include "peers.h"
#include "score.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A criterion not met yet, as the roadmap ranks it. */
typedef struct cr_roadmap_candidate {
    size_t criterion;   /* catalog index */
    cr_answer answer;   /* CR_ANSWER_NO or CR_ANSWER_IN_PROGRESS */
    bool stale;         /* needs re-review: ask the reviewers to look again */
    size_t required_by; /* lowest tier above the city's that requires it (non-core), or CR_NONE */
    double share;       /* % of the city's peer group (its band, else all applicants) meeting it;
                           -1 without peer statistics */
} cr_roadmap_candidate;

/* Everything a tier above the city's still lacks. */
typedef struct cr_roadmap_tier {
    size_t tier;
    const size_t *core; /* core criteria not met (catalog order) */
    size_t ncore;
    const size_t *required; /* criteria the tier `requires` beyond the core, not met */
    size_t nrequired;
    unsigned need;           /* criteria met its threshold needs (met*100 >= percent*total) */
    unsigned more_criteria;  /* need - met, 0 when the threshold holds */
    unsigned extra_criteria; /* criteria beyond core+required still needed for the threshold */
    unsigned more_outcomes;  /* resident outcomes still to meet */
    const size_t *outcomes; /* candidates: outcomes not met (catalog indices), when more_outcomes */
    size_t noutcomes;
    unsigned cost; /* fewest changed conditions for the tier to hold:
                      ncore + nrequired + extra_criteria + more_outcomes */
} cr_roadmap_tier;

typedef enum cr_blocker_kind {
    CR_BLOCKER_ELIGIBILITY, /* not eligible: no tier is reachable (the scorecard says why) */
    CR_BLOCKER_CORE,        /* a core criterion not met */
    CR_BLOCKER_REQUIRED,    /* a criterion a tier requires, not met */
    CR_BLOCKER_CRITERIA,    /* |count| more criteria for |tier|'s threshold */
    CR_BLOCKER_OUTCOMES     /* |count| more resident outcomes for |tier| */
} cr_blocker_kind;

/* One blocker, and the tier the city reaches when it alone is cleared. */
typedef struct cr_roadmap_blocker {
    cr_blocker_kind kind;
    size_t criterion; /* CORE, REQUIRED: the criterion; else CR_NONE */
    unsigned count;   /* CRITERIA, OUTCOMES: how many more; CORE, REQUIRED: 1; ELIGIBILITY: 0 */
    size_t tier;      /* the lowest tier above the city's that it blocks (CR_NONE: eligibility) */
    size_t reaches;   /* tier with only this blocker cleared (may be the city's own), CR_NONE: none.
                         CRITERIA clears with criteria no tier names (neither core nor required). */
} cr_roadmap_blocker;

/* One step of a path: meet every |criteria|, |more_criteria| more of |candidates| (any of them)
 * and |more_outcomes| more of |outcomes| (any); with this step and those before it, the city
 * reaches |reaches|. The candidates and outcomes are the path's pools, the same in every step
 * that needs them: criteria not met when the path starts and named by none of its steps, and
 * outcomes not met then. So "k more of these n" holds whichever ones earlier steps took. */
typedef struct cr_roadmap_step {
    const size_t *criteria; /* named criteria (core first, then required), catalog indices */
    size_t ncriteria;
    unsigned more_criteria;
    const size_t *candidates; /* indices into cr_roadmap.candidates, best first; empty when
                                 more_criteria is 0 (then other criteria change nothing) */
    size_t ncandidates;
    unsigned more_outcomes;
    const size_t *outcomes; /* catalog indices, when more_outcomes */
    size_t noutcomes;
    unsigned cost; /* ncriteria + more_criteria + more_outcomes */
    size_t reaches;
} cr_roadmap_step;

/* The cheapest path to a tier: its steps pass through each lower tier on the way when that
 * costs nothing extra. No set of fewer changed conditions reaches |tier|. */
typedef struct cr_roadmap_path {
    size_t tier;    /* the target */
    size_t reaches; /* the tier at the end (>= tier: meeting one tier can give a higher one) */
    unsigned cost;  /* sum of the steps' costs */
    const cr_roadmap_step *steps;
    size_t nsteps;
} cr_roadmap_path;

/* What keeps a city at the highest tier (only when it holds it). */
typedef struct cr_roadmap_keep {
    size_t tier;             /* CR_NONE unless the city holds the catalog's highest tier */
    unsigned spare_criteria; /* criteria it may lose and keep the threshold */
    const size_t *criteria;  /* criteria that must stay met (core, then required) */
    size_t ncriteria;
    unsigned outcomes;       /* outcomes that must stay met (how many) */
    unsigned spare_outcomes; /* outcomes met beyond that */
} cr_roadmap_keep;

typedef struct cr_roadmap {
    const cr_catalog *catalog; /* borrowed */
    cr_eligibility eligibility;
    size_t tier;          /* the tier the city qualifies for now, CR_NONE for none */
    bool ranked_by_peers; /* candidates carry peer shares */
    size_t band;          /* peer group of the shares: the city's band, CR_NONE = all applicants */
    const cr_roadmap_tier *tiers; /* every tier above the city's, ascending (not eligible: every
                                     tier, with what the answers lack; cost 0 = they meet it) */
    size_t ntiers;
    const cr_roadmap_blocker *blockers; /* eligibility; else core, required, criteria, outcomes */
    size_t nblockers;
    const cr_roadmap_path *paths; /* one per reachable tier above the city's, ascending by
                                     target; none when not eligible */
    size_t npaths;
    cr_roadmap_keep keep;
    /* Every criterion not met, ranked: required by a tier above first, then in progress before
     * no, then by peer share (highest first), then catalog order. */
    const cr_roadmap_candidate *candidates;
    size_t ncandidates;
    struct cr_arena *arena_; /* private */
} cr_roadmap;

/* Builds the roadmap of |a|'s audited answers scored as |sc| (cr_score of |a|). |peers| may be
 * NULL (candidates are then ranked without shares); it must be for |a|'s catalog.
 * Returns a roadmap owned by the caller (free with cr_roadmap_free); it borrows the catalog.
 * NULL with |err| set: CR_ENOMEM, or CR_EUSAGE for a catalog larger than a scorecard holds. */
CR_API cr_roadmap *cr_roadmap_build(const cr_audited *a, const cr_scorecard *sc,
                                    const cr_peers *peers, cr_error *err);
CR_API void cr_roadmap_free(cr_roadmap *rm);

/* "core", "required", "criteria", "outcomes", "eligibility"; "?" for a value out of the enum. */
CR_API const char *cr_blocker_kind_name(cr_blocker_kind k);

#ifdef __cplusplus
}
#endif
#endif
