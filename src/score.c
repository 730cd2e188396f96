/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: scoring (see certreport/score.h). Everything here is a pure function of its
 * arguments; thresholds compare exact ratios in integers. */
#include "certreport/score.h"
#include "args.h"

#include <string.h>

unsigned cr_percent(unsigned long part, unsigned long whole)
{
    if (whole == 0)
        return 0;
    /* Half up: floor((200 * part + whole) / (2 * whole)). */
    return (unsigned)((200ul * part + whole) / (2ul * whole));
}

static bool reaches(unsigned long met, unsigned long total, unsigned percent)
{
    return met * 100ul >= (unsigned long)percent * total;
}

/* Smallest met count that reaches |percent| of |total|. */
static unsigned needed(unsigned total, unsigned percent)
{
    return (unsigned)(((unsigned long)percent * total + 99ul) / 100ul);
}

bool cr_outcome_meets(const cr_outcome_def *def, const cr_outcome_value *value, int verdict)
{
    if (!def)
        return false;
    switch (def->rule) {
    case CR_RULE_AT_LEAST:
        return value && value->present && value->value >= def->standard;
    case CR_RULE_AT_MOST:
        return value && value->present && value->value <= def->standard;
    case CR_RULE_VERDICT:
        return verdict > 0;
    }
    return false;
}

static unsigned outcomes_required(const cr_catalog *cat, const cr_tier *t)
{
    return t->min_outcomes == CR_ALL_OUTCOMES ? (unsigned)cat->noutcomes : t->min_outcomes;
}

bool cr_tier_holds(const cr_catalog *cat, size_t t, const cr_answer *answers,
                   const bool *outcome_met)
{
    if (!cat || t >= cat->ntiers || !answers || !outcome_met)
        return false;
    const cr_tier *tier = &cat->tiers[t];
    unsigned met = 0, outcomes = 0;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        bool yes = answers[i] == CR_ANSWER_YES;
        met += yes;
        if (cat->criteria[i].core && !yes)
            return false;
    }
    for (size_t k = 0; k < tier->nrequires; k++)
        if (answers[tier->requires[k]] != CR_ANSWER_YES)
            return false;
    for (size_t o = 0; o < cat->noutcomes; o++)
        outcomes += outcome_met[o];
    return reaches(met, cat->ncriteria, tier->percent) && outcomes >= outcomes_required(cat, tier);
}

cr_status cr_score_answers(const cr_catalog *cat, const cr_answer *answers, const bool *outcome_met,
                           cr_scorecard *sc, cr_error *err)
{
    if (CR_ARG_NULL(sc, err))
        return CR_EUSAGE;
    memset(sc, 0, sizeof *sc);
    sc->region = sc->band = CR_NONE;
    sc->tier = sc->awarded = CR_NONE;
    sc->next.tier = CR_NONE;
    if (CR_ARG_NULL(cat, err) || CR_ARG_NULL(answers, err) || CR_ARG_NULL(outcome_met, err))
        return CR_EUSAGE;
    if (cat->nareas > CR_MAX_LIST || cat->ncriteria > CR_MAX_LIST || cat->noutcomes > CR_MAX_LIST)
        return cr_error_set(err, CR_EUSAGE, cat->file, 0, "catalog too large for a scorecard");

    sc->total = (unsigned)cat->ncriteria;
    sc->nareas = cat->nareas;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        bool yes = answers[i] == CR_ANSWER_YES;
        sc->met += yes;
        cr_area_score *as = &sc->areas[cat->criteria[i].area];
        as->total++;
        as->met += yes;
        if (cat->criteria[i].core && !yes)
            sc->core_missing[sc->ncore_missing++] = i;
    }
    for (size_t k = 0; k < sc->nareas; k++)
        sc->areas[k].percent = cr_percent(sc->areas[k].met, sc->areas[k].total);
    sc->percent = cr_percent(sc->met, sc->total);
    /* "More than N%" of the criteria opens verification. */
    sc->verification = sc->met * 100ul > (unsigned long)cat->verification_percent * sc->total;
    for (size_t o = 0; o < cat->noutcomes; o++) {
        sc->outcome_met[o] = outcome_met[o];
        sc->outcomes_met += outcome_met[o];
    }
    for (size_t t = 0; t < cat->ntiers; t++)
        if (cr_tier_holds(cat, t, answers, outcome_met))
            sc->tier = t;

    /* What blocks the next tier up. */
    size_t next = sc->tier == CR_NONE ? 0 : sc->tier + 1;
    if (next < cat->ntiers) {
        const cr_tier *t = &cat->tiers[next];
        cr_next_tier *n = &sc->next;
        n->tier = next;
        unsigned need = needed(sc->total, t->percent);
        n->more_criteria = need > sc->met ? need - sc->met : 0;
        for (size_t k = 0; k < sc->ncore_missing; k++)
            n->missing[n->nmissing++] = sc->core_missing[k];
        for (size_t k = 0; k < t->nrequires; k++) {
            size_t c = t->requires[k];
            bool listed = cat->criteria[c].core; /* core ones are listed already */
            if (answers[c] != CR_ANSWER_YES && !listed && n->nmissing < CR_MAX_LIST)
                n->missing[n->nmissing++] = c;
        }
        unsigned req = outcomes_required(cat, t);
        n->more_outcomes = req > sc->outcomes_met ? req - sc->outcomes_met : 0;
        if (n->more_outcomes)
            for (size_t o = 0; o < cat->noutcomes; o++)
                if (!outcome_met[o])
                    n->outcomes[n->noutcomes++] = o;
    }
    return CR_OK;
}

cr_status cr_score(const cr_audited *a, cr_scorecard *sc, cr_error *err)
{
    if (CR_ARG_NULL(a, err) || CR_ARG_NULL(sc, err) || CR_ARG_NULL(a->catalog, err) ||
        CR_ARG_NULL(a->submission, err))
        return CR_EUSAGE;
    const cr_catalog *cat = a->catalog;
    const cr_submission *sub = a->submission;
    cr_answer answers[CR_MAX_LIST];
    bool outcome_met[CR_MAX_LIST];
    if (cat->ncriteria > CR_MAX_LIST || cat->noutcomes > CR_MAX_LIST)
        return cr_error_set(err, CR_EUSAGE, cat->file, 0, "catalog too large for a scorecard");
    for (size_t i = 0; i < cat->ncriteria; i++)
        answers[i] = a->criteria[i].answer;
    for (size_t o = 0; o < cat->noutcomes; o++)
        outcome_met[o] = cr_outcome_meets(&cat->outcomes[o], &sub->outcomes[o], a->verdicts[o]);
    cr_status rc = cr_score_answers(cat, answers, outcome_met, sc, err);
    if (rc != CR_OK)
        return rc;

    sc->region = cr_catalog_region(cat, sub->city.country);
    sc->band = cr_catalog_band_of(cat, sub->city.population);
    if (sc->region == CR_NONE)
        sc->eligibility = CR_INELIGIBLE_REGION;
    else if (sub->city.population < cat->min_population)
        sc->eligibility = CR_INELIGIBLE_POPULATION;
    if (sc->eligibility != CR_ELIGIBLE) {
        /* Not in the program: no tier, and nothing to aim for. */
        sc->tier = CR_NONE;
        memset(&sc->next, 0, sizeof sc->next);
        sc->next.tier = CR_NONE;
    }
    sc->awarded = sc->eligibility == CR_ELIGIBLE ? a->awarded : CR_NONE;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        if (a->criteria[i].stale)
            sc->stale[sc->nstale++] = i;
        if (a->criteria[i].changed)
            sc->changed[sc->nchanged++] = i;
    }
    return CR_OK;
}
