/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the roadmap (roadmap.h) on the shipped 2023 catalog, checked against the
 * library's own scoring.
 *
 * The exhaustive test builds every blocker combination of the scoring rules — core criteria
 * missing (each subset of DM1/LC1/PA1) × DM8 met or not × each subset of the three outcomes ×
 * criteria met at and around every threshold (21/22, 29/30, 36/37 of 43 and more) × eligible,
 * outside the regions, under the minimum population — as an audited state, scores it with
 * cr_score and builds its roadmap. Then, with cr_score again:
 *   - every step of every path, applied to a copy of the answers (with the best candidates, and
 *     again with the worst: "any k of these n"), gives exactly the tier the step names;
 *   - a brute force over every subset of the blockers (missing core criteria, DM8, outcomes, and
 *     0..n of the other criteria, which are interchangeable for the rules) finds the fewest
 *     changed conditions that reach each tier: no path costs more than that, and there is a path
 *     to every tier that some subset reaches;
 *   - every single blocker, cleared alone, gives the tier the roadmap names.
 * Fast by construction: the other criteria only count, so the brute force searches their number
 * (binary search: more criteria never lower the tier) instead of their subsets. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* An audited state built by hand: what cr_score reads, nothing else. */
typedef struct city {
    cr_submission sub;
    cr_outcome_value outv[CR_MAX_LIST];
    cr_criterion_state st[CR_MAX_LIST];
    int verdicts[CR_MAX_LIST];
    cr_audited au;
} city;

static void city_link(city *c, const cr_catalog *cat)
{
    c->sub.outcomes = c->outv;
    c->sub.noutcomes = cat->noutcomes;
    c->au.catalog = cat;
    c->au.submission = &c->sub;
    c->au.criteria = c->st;
    c->au.ncriteria = cat->ncriteria;
    c->au.verdicts = c->verdicts;
    c->au.awarded = CR_NONE;
    c->au.current_step = -1;
}

static void city_copy(city *dst, const city *src, const cr_catalog *cat)
{
    memcpy(dst, src, sizeof *dst);
    city_link(dst, cat);
}

static void set_outcome(city *c, const cr_catalog *cat, size_t o, bool met)
{
    const cr_outcome_def *d = &cat->outcomes[o];
    c->outv[o].present = true;
    c->verdicts[o] = -1;
    switch (d->rule) {
    case CR_RULE_AT_LEAST:
        c->outv[o].value = d->standard + (met ? 1 : -1);
        break;
    case CR_RULE_AT_MOST:
        c->outv[o].value = d->standard + (met ? -1 : 1);
        break;
    case CR_RULE_VERDICT:
        c->outv[o].present = false;
        c->verdicts[o] = met ? 1 : 0;
        break;
    }
}

static void set_answer(city *c, size_t i, cr_answer a)
{
    c->st[i].answer = c->st[i].submitted = a;
}

enum { ELIGIBLE, OUTSIDE, SMALL };

/* |core_missing|: bit k for the k-th core criterion; |outcomes|: bit o for outcome o met; |met|
 * criteria met in all (core and DM8 included); the rest alternate in progress / no, and every
 * seventh is stale. False when |met| cannot be made. */
static bool city_make(city *c, const cr_catalog *cat, unsigned core_missing, bool dm8,
                      unsigned outcomes, unsigned met, int elig)
{
    memset(c, 0, sizeof *c);
    city_link(c, cat);
    c->sub.id = "t";
    c->sub.city.name = "Test";
    c->sub.city.country = elig == OUTSIDE ? "FR" : "US";
    c->sub.city.population = elig == SMALL ? 20000 : 180000;
    size_t dm8i = cr_catalog_criterion(cat, "DM8");
    unsigned n = 0, k = 0;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        set_answer(c, i, i % 2 ? CR_ANSWER_NO : CR_ANSWER_IN_PROGRESS);
        c->st[i].stale = i % 7 == 3;
        if (cat->criteria[i].core) {
            if (!(core_missing >> k++ & 1u))
                set_answer(c, i, CR_ANSWER_YES), n++;
        } else if (i == dm8i && dm8) {
            set_answer(c, i, CR_ANSWER_YES), n++;
        }
    }
    for (size_t i = cat->ncriteria; i-- > 0 && n < met;) /* from the end: other areas too */
        if (!cat->criteria[i].core && i != dm8i && c->st[i].answer != CR_ANSWER_YES)
            set_answer(c, i, CR_ANSWER_YES), n++;
    for (size_t o = 0; o < cat->noutcomes; o++)
        set_outcome(c, cat, o, outcomes >> o & 1u);
    return n == met;
}

static size_t score_tier(city *c)
{
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(&c->au, &sc, &err), CR_OK);
    return sc.tier;
}

static bool at_least(size_t reached, size_t t)
{
    return reached != CR_NONE && reached >= t;
}

#define INF 100000u

static unsigned bits(unsigned v)
{
    unsigned n = 0;
    for (; v; v >>= 1)
        n += v & 1u;
    return n;
}

typedef struct bf {
    size_t core[CR_MAX_LIST], ncore; /* missing core criteria */
    bool dm8_missing;
    size_t others[CR_MAX_LIST], nothers; /* other criteria not met */
    size_t outs[CR_MAX_LIST], nouts;     /* outcomes not met */
    unsigned best[8];                    /* fewest changes reaching a tier >= t */
} bf;

/* The city with a subset of the blockers cleared: core subset |cs|, DM8 if |d|, the first |e|
 * other criteria (from |from_end|: the last ones), outcome subset |os|. */
static void clear(const bf *b, city *dst, const city *src, const cr_catalog *cat, unsigned cs,
                  bool d, size_t e, unsigned os)
{
    city_copy(dst, src, cat);
    for (size_t k = 0; k < b->ncore; k++)
        if (cs >> k & 1u)
            set_answer(dst, b->core[k], CR_ANSWER_YES);
    if (d)
        set_answer(dst, cr_catalog_criterion(cat, "DM8"), CR_ANSWER_YES);
    for (size_t k = 0; k < e; k++)
        set_answer(dst, b->others[k], CR_ANSWER_YES);
    for (size_t k = 0; k < b->nouts; k++)
        if (os >> k & 1u)
            set_outcome(dst, cat, b->outs[k], true);
}

static void brute_force(bf *b, const city *c, const cr_catalog *cat)
{
    size_t dm8i = cr_catalog_criterion(cat, "DM8");
    b->ncore = b->nothers = b->nouts = 0;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        if (c->st[i].answer == CR_ANSWER_YES)
            continue;
        if (cat->criteria[i].core)
            b->core[b->ncore++] = i;
        else if (i != dm8i)
            b->others[b->nothers++] = i;
    }
    b->dm8_missing = c->st[dm8i].answer != CR_ANSWER_YES;
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(&c->au, &sc, &err), CR_OK);
    for (size_t o = 0; o < cat->noutcomes; o++)
        if (!sc.outcome_met[o])
            b->outs[b->nouts++] = o;
    for (size_t t = 0; t < cat->ntiers; t++)
        b->best[t] = INF;
    city w;
    for (unsigned cs = 0; cs < 1u << b->ncore; cs++)
        for (unsigned d = 0; d <= (unsigned)b->dm8_missing; d++)
            for (unsigned os = 0; os < 1u << b->nouts; os++) {
                unsigned base = bits(cs) + d + bits(os);
                size_t lo = 0; /* the tier never falls as e grows: search upward per tier */
                for (size_t t = 0; t < cat->ntiers; t++) {
                    clear(b, &w, c, cat, cs, d, b->nothers, os);
                    if (!at_least(score_tier(&w), t))
                        break; /* nor any tier above */
                    size_t hi = b->nothers;
                    while (lo < hi) {
                        size_t mid = (lo + hi) / 2;
                        clear(b, &w, c, cat, cs, d, mid, os);
                        if (at_least(score_tier(&w), t))
                            hi = mid;
                        else
                            lo = mid + 1;
                    }
                    if (base + lo < b->best[t])
                        b->best[t] = base + (unsigned)lo;
                }
            }
}

/* Applies one step: its named criteria, |more_criteria| more of its candidates (the best ones
 * not met yet, or the worst), |more_outcomes| more of its outcomes (first or last not met). */
static void apply_step(city *c, const cr_catalog *cat, const cr_roadmap *rm,
                       const cr_roadmap_step *s, bool worst)
{
    for (size_t k = 0; k < s->ncriteria; k++)
        set_answer(c, s->criteria[k], CR_ANSWER_YES);
    unsigned x = s->more_criteria;
    for (size_t j = 0; j < s->ncandidates && x; j++) {
        size_t i = rm->candidates[s->candidates[worst ? s->ncandidates - 1 - j : j]].criterion;
        if (c->st[i].answer != CR_ANSWER_YES)
            set_answer(c, i, CR_ANSWER_YES), x--;
    }
    assert_int_equal(x, 0);
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(&c->au, &sc, &err), CR_OK);
    unsigned m = s->more_outcomes;
    for (size_t j = 0; j < s->noutcomes && m; j++) {
        size_t o = s->outcomes[worst ? s->noutcomes - 1 - j : j];
        if (!sc.outcome_met[o])
            set_outcome(c, cat, o, true), m--;
    }
    assert_int_equal(m, 0);
}

static const char *cat_code(const cr_catalog *cat, size_t i)
{
    return cat->criteria[i].code;
}

static const char *tname(const cr_catalog *cat, size_t t)
{
    return t == CR_NONE ? "none" : cat->tiers[t].id;
}

/* Every check of the roadmap of |c| against cr_score and the brute force. */
static void check_city(const cr_catalog *cat, const city *c, bool eligible, unsigned *npaths_seen)
{
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(&c->au, &sc, &err), CR_OK);
    cr_roadmap *rm = cr_roadmap_build(&c->au, &sc, NULL, &err);
    assert_no_error(&err);
    assert_non_null(rm);
    assert_true(rm->tier == sc.tier);
    size_t first = sc.tier == CR_NONE ? 0 : sc.tier + 1;
    assert_int_equal(rm->ntiers, cat->ntiers - first);
    city w, v;

    /* Candidates: every criterion not met, ranked, stale ones flagged. */
    size_t notmet = 0;
    for (size_t i = 0; i < cat->ncriteria; i++)
        notmet += c->st[i].answer != CR_ANSWER_YES;
    assert_int_equal(rm->ncandidates, notmet);
    for (size_t j = 0; j < rm->ncandidates; j++) {
        const cr_roadmap_candidate *cd = &rm->candidates[j];
        assert_int_equal(cd->stale, c->st[cd->criterion].stale);
        assert_true(cd->share < 0);
        if (j > 0 && cd->required_by == rm->candidates[j - 1].required_by)
            assert_false(cd->answer == CR_ANSWER_IN_PROGRESS &&
                         rm->candidates[j - 1].answer == CR_ANSWER_NO);
    }

    if (!eligible) {
        assert_int_equal(rm->npaths, 0);
        assert_int_equal(rm->nblockers, 1);
        assert_int_equal(rm->blockers[0].kind, CR_BLOCKER_ELIGIBILITY);
        assert_true(rm->blockers[0].reaches == CR_NONE);
        assert_true(rm->keep.tier == CR_NONE);
        /* Nothing reaches a tier: not even every criterion and outcome met. */
        city_copy(&w, c, cat);
        for (size_t i = 0; i < cat->ncriteria; i++)
            set_answer(&w, i, CR_ANSWER_YES);
        for (size_t o = 0; o < cat->noutcomes; o++)
            set_outcome(&w, cat, o, true);
        assert_true(score_tier(&w) == CR_NONE);
        cr_roadmap_free(rm);
        return;
    }

    bf b;
    brute_force(&b, c, cat);
    /* Each tier: its cost is the fewest changes the brute force finds. */
    for (size_t k = 0; k < rm->ntiers; k++) {
        const cr_roadmap_tier *te = &rm->tiers[k];
        assert_int_equal(te->tier, first + k);
        assert_int_equal(te->ncore, b.ncore);
        assert_int_equal(te->cost, b.best[te->tier]);
    }

    /* Paths: one per tier above that some subset of blockers reaches. */
    size_t want = 0;
    for (size_t t = first; t < cat->ntiers; t++)
        want += b.best[t] != INF;
    assert_int_equal(rm->npaths, want);
    for (size_t k = 0; k < rm->npaths; k++) {
        const cr_roadmap_path *p = &rm->paths[k];
        assert_true(p->tier >= first);
        assert_true(at_least(p->reaches, p->tier));
        assert_true(p->nsteps >= 1);
        city_copy(&w, c, cat);
        city_copy(&v, c, cat);
        unsigned cost = 0;
        size_t prev = sc.tier;
        for (size_t s = 0; s < p->nsteps; s++) {
            const cr_roadmap_step *st = &p->steps[s];
            assert_int_equal(st->cost, st->ncriteria + st->more_criteria + st->more_outcomes);
            assert_true(st->cost > 0);
            assert_true(st->more_criteria <= st->ncandidates);
            if (st->more_criteria == 0)
                assert_int_equal(st->ncandidates, 0); /* outcomes only: no criteria list */
            assert_true(st->more_outcomes <= st->noutcomes);
            cost += st->cost;
            apply_step(&w, cat, rm, st, false);
            apply_step(&v, cat, rm, st, true);
            size_t got = score_tier(&w), got_worst = score_tier(&v);
            if (got != st->reaches || got_worst != st->reaches)
                fail_msg(
                    "path to %s, step %zu: roadmap says %s, cr_score gives %s (worst choice %s)",
                    tname(cat, p->tier), s + 1, tname(cat, st->reaches), tname(cat, got),
                    tname(cat, got_worst));
            assert_true(
                at_least(st->reaches, prev == CR_NONE ? 0 : prev + 1)); /* each step climbs */
            prev = st->reaches;
        }
        assert_true(p->reaches == prev);
        assert_int_equal(p->cost, cost);
        /* No strictly cheaper set of changes reaches the tier named, nor the target. */
        assert_int_equal(cost, b.best[p->reaches]);
        assert_int_equal(cost, b.best[p->tier]);
        if (k > 0)
            assert_true(p->tier > rm->paths[k - 1].tier);
        (*npaths_seen)++;
    }

    /* Blockers, each cleared alone. */
    size_t dm8i = cr_catalog_criterion(cat, "DM8");
    size_t ncore_b = 0;
    bool dm8_b = false;
    for (size_t k = 0; k < rm->nblockers; k++) {
        const cr_roadmap_blocker *bl = &rm->blockers[k];
        city_copy(&w, c, cat);
        switch (bl->kind) {
        case CR_BLOCKER_CORE:
        case CR_BLOCKER_REQUIRED:
            assert_int_equal(c->st[bl->criterion].answer == CR_ANSWER_YES, false);
            assert_int_equal(cat->criteria[bl->criterion].core, bl->kind == CR_BLOCKER_CORE);
            ncore_b += bl->kind == CR_BLOCKER_CORE;
            dm8_b |= bl->criterion == dm8i;
            set_answer(&w, bl->criterion, CR_ANSWER_YES);
            break;
        case CR_BLOCKER_CRITERIA: {
            /* Other criteria (from the end of the list, not the roadmap's choice). */
            size_t n = bl->count;
            for (size_t j = b.nothers; j-- > 0 && n;)
                set_answer(&w, b.others[j], CR_ANSWER_YES), n--;
            if (n && b.dm8_missing)
                set_answer(&w, dm8i, CR_ANSWER_YES), n--;
            assert_int_equal(n, 0);
            break;
        }
        case CR_BLOCKER_OUTCOMES:
            assert_true(bl->count <= b.nouts);
            for (size_t j = 0; j < bl->count; j++)
                set_outcome(&w, cat, b.outs[b.nouts - 1 - j], true);
            break;
        case CR_BLOCKER_ELIGIBILITY:
            fail_msg("an eligible city with an eligibility blocker");
        }
        size_t got = score_tier(&w);
        if (got != bl->reaches)
            fail_msg("blocker %s %s x%u alone: roadmap says %s, cr_score gives %s",
                     cr_blocker_kind_name(bl->kind),
                     bl->criterion == CR_NONE ? "-" : cat->criteria[bl->criterion].code, bl->count,
                     tname(cat, bl->reaches), tname(cat, got));
    }
    if (first < cat->ntiers) {
        assert_int_equal(ncore_b, b.ncore);
        assert_int_equal(dm8_b, b.dm8_missing);
    }

    /* The top tier: what keeps the city there, checked by losing criteria. */
    if (sc.tier == cat->ntiers - 1) {
        assert_true(rm->keep.tier == sc.tier);
        assert_int_equal(rm->keep.ncriteria, 4); /* DM1, LC1, PA1, DM8 */
        assert_int_equal(rm->keep.outcomes, cat->noutcomes);
        city_copy(&w, c, cat);
        unsigned lost = 0;
        for (size_t i = 0; i < cat->ncriteria && lost < rm->keep.spare_criteria; i++)
            if (w.st[i].answer == CR_ANSWER_YES && !cat->criteria[i].core && i != dm8i)
                set_answer(&w, i, CR_ANSWER_NO), lost++;
        assert_true(score_tier(&w) == sc.tier);
        for (size_t i = 0; i < cat->ncriteria; i++)
            if (w.st[i].answer == CR_ANSWER_YES && !cat->criteria[i].core && i != dm8i) {
                set_answer(&w, i, CR_ANSWER_NO);
                break;
            }
        assert_true(score_tier(&w) != sc.tier);
    } else {
        assert_true(rm->keep.tier == CR_NONE);
    }
    cr_roadmap_free(rm);
}

static void test_every_blocker_combination(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_int_equal(cat->ncriteria, 43);
    assert_int_equal(cat->noutcomes, 3);
    static const unsigned mets[] = {0,  10, 20, 21, 22, 23, 28, 29, 30,
                                    31, 35, 36, 37, 38, 40, 41, 42, 43};
    unsigned cities = 0, paths = 0;
    city c;
    for (int elig = ELIGIBLE; elig <= SMALL; elig++)
        for (unsigned core = 0; core < 8; core++)
            for (int dm8 = 0; dm8 <= 1; dm8++)
                for (unsigned outs = 0; outs < 8; outs++)
                    for (size_t m = 0; m < sizeof mets / sizeof *mets; m++) {
                        if (!city_make(&c, cat, core, dm8, outs, mets[m], elig))
                            continue;
                        check_city(cat, &c, elig == ELIGIBLE, &paths);
                        cities++;
                    }
    print_message("%u cities, %u paths checked\n", cities, paths);
    assert_true(cities > 3000);
}

/* Issue #14: 40/43 with only LC1 missing (DM8 met, two outcomes met). Meeting LC1 gives Gold,
 * not Silver; the nominated outcome then gives Platinum. */
static void test_lc1_missing_gives_gold(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    city c;
    assert_true(city_make(&c, cat, 2u /* LC1 */, true, 3u /* broadband, pm25 */, 40, ELIGIBLE));
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(&c.au, &sc, &err), CR_OK);
    assert_true(sc.tier == CR_NONE);
    cr_roadmap *rm = cr_roadmap_build(&c.au, &sc, NULL, &err);
    assert_non_null(rm);
    size_t lc1 = cr_catalog_criterion(cat, "LC1");
    assert_int_equal(rm->nblockers, 2);
    assert_int_equal(rm->blockers[0].kind, CR_BLOCKER_CORE);
    assert_int_equal(rm->blockers[0].criterion, lc1);
    assert_string_equal(tname(cat, rm->blockers[0].reaches), "gold");
    assert_int_equal(rm->blockers[1].kind, CR_BLOCKER_OUTCOMES); /* Platinum's third outcome */
    assert_string_equal(tname(cat, rm->blockers[1].reaches), "none");
    assert_int_equal(rm->npaths, 3);
    for (size_t k = 0; k < 2; k++) { /* to Silver and to Gold: meet LC1 -> Gold */
        const cr_roadmap_path *p = &rm->paths[k];
        assert_int_equal(p->nsteps, 1);
        assert_int_equal(p->cost, 1);
        assert_int_equal(p->steps[0].ncriteria, 1);
        assert_int_equal(p->steps[0].criteria[0], lc1);
        assert_int_equal(p->steps[0].more_criteria, 0);
        assert_int_equal(p->steps[0].ncandidates, 0);
        assert_string_equal(tname(cat, p->reaches), "gold");
    }
    const cr_roadmap_path *pl = &rm->paths[2]; /* LC1 -> Gold; then nominated -> Platinum */
    assert_string_equal(tname(cat, pl->tier), "platinum");
    assert_int_equal(pl->nsteps, 2);
    assert_int_equal(pl->cost, 2);
    assert_int_equal(pl->steps[0].criteria[0], lc1);
    assert_string_equal(tname(cat, pl->steps[0].reaches), "gold");
    assert_int_equal(pl->steps[1].ncriteria, 0);
    assert_int_equal(pl->steps[1].more_outcomes, 1);
    assert_int_equal(pl->steps[1].noutcomes, 1);
    assert_string_equal(cat->outcomes[pl->steps[1].outcomes[0]].id, "nominated");
    assert_string_equal(tname(cat, pl->steps[1].reaches), "platinum");
    cr_roadmap_free(rm);
    unsigned n = 0;
    check_city(cat, &c, true, &n);
}

/* Issue #14: 35/43, no resident outcome: one outcome gives Gold, not Silver. No criteria list. */
static void test_no_outcome_gives_gold(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    city c;
    assert_true(city_make(&c, cat, 0, false, 0, 35, ELIGIBLE));
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(&c.au, &sc, &err), CR_OK);
    assert_true(sc.tier == CR_NONE);
    cr_roadmap *rm = cr_roadmap_build(&c.au, &sc, NULL, &err);
    assert_non_null(rm);
    assert_int_equal(rm->npaths, 3);
    for (size_t k = 0; k < 2; k++) {
        const cr_roadmap_step *s = &rm->paths[k].steps[0];
        assert_int_equal(rm->paths[k].nsteps, 1);
        assert_int_equal(s->ncriteria, 0);
        assert_int_equal(s->more_criteria, 0);
        assert_int_equal(s->ncandidates, 0); /* criteria change nothing */
        assert_int_equal(s->more_outcomes, 1);
        assert_int_equal(s->noutcomes, 3);
        assert_string_equal(tname(cat, s->reaches), "gold");
    }
    /* Platinum: an outcome -> Gold; then DM8, one more criterion and the other two outcomes. */
    const cr_roadmap_path *pl = &rm->paths[2];
    assert_int_equal(pl->nsteps, 2);
    assert_string_equal(tname(cat, pl->steps[0].reaches), "gold");
    assert_int_equal(pl->steps[1].ncriteria, 1);
    assert_string_equal(cat->criteria[pl->steps[1].criteria[0]].code, "DM8");
    assert_int_equal(pl->steps[1].more_criteria, 1);
    assert_int_equal(pl->steps[1].more_outcomes, 2);
    assert_int_equal(pl->cost, 5);
    assert_string_equal(tname(cat, pl->reaches), "platinum");
    /* Blockers: DM8 alone and two criteria alone change nothing; an outcome gives Gold. */
    bool outcome_gold = false;
    for (size_t k = 0; k < rm->nblockers; k++)
        if (rm->blockers[k].kind == CR_BLOCKER_OUTCOMES && rm->blockers[k].count == 1)
            outcome_gold = strcmp(tname(cat, rm->blockers[k].reaches), "gold") == 0;
    assert_true(outcome_gold);
    cr_roadmap_free(rm);
    unsigned n = 0;
    check_city(cat, &c, true, &n);
}

/* Peers rank the candidates: share of the city's band, after in progress before no. */
static void test_ranked_by_peers(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    cr_error err;
    cr_error_init(&err);
    cr_peers *p = cr_peers_new(cat, &err);
    assert_non_null(p);
    city peer, c;
    cr_scorecard sc;
    /* Two peers of the same band: both meet EVAL3 (answered no by the city), one meets EVAL1. */
    for (int k = 0; k < 2; k++) {
        assert_true(city_make(&peer, cat, 0, false, 1, 20, ELIGIBLE));
        set_answer(&peer, cr_catalog_criterion(cat, "EVAL3"), CR_ANSWER_YES);
        if (k == 0)
            set_answer(&peer, cr_catalog_criterion(cat, "EVAL1"), CR_ANSWER_YES);
        assert_int_equal(cr_score(&peer.au, &sc, &err), CR_OK);
        cr_peers_add(p, &peer.au, &sc);
    }
    assert_true(city_make(&c, cat, 0, false, 1, 20, ELIGIBLE));
    assert_int_equal(cr_score(&c.au, &sc, &err), CR_OK);
    cr_roadmap *rm = cr_roadmap_build(&c.au, &sc, p, &err);
    assert_non_null(rm);
    assert_true(rm->ranked_by_peers);
    assert_true(rm->band == sc.band && sc.band != CR_NONE);
    /* DM8 (required for Platinum) first; then every in-progress one; the first "no" is EVAL3
     * (100%), then EVAL1 (50%). */
    assert_string_equal(cat->criteria[rm->candidates[0].criterion].code, "DM8");
    size_t j = 1;
    while (j < rm->ncandidates && rm->candidates[j].answer == CR_ANSWER_IN_PROGRESS)
        j++;
    assert_true(j + 1 < rm->ncandidates);
    assert_int_equal(rm->candidates[j].answer, CR_ANSWER_NO);
    assert_string_equal(cat->criteria[rm->candidates[j].criterion].code, "EVAL3");
    assert_true(rm->candidates[j].share > 99.9);
    assert_string_equal(cat->criteria[rm->candidates[j + 1].criterion].code, "EVAL1");
    assert_true(rm->candidates[j + 1].share > 49.9 && rm->candidates[j + 1].share < 50.1);
    cr_roadmap_free(rm);
    cr_peers_free(p);
}

/* The samples: gold-city (Platinum in one step) and stale-city (OD2 flagged for re-review). */
static void test_samples(void **state)
{
    fixture *f = *state;
    const char *ids[] = {"gold-city", "stale-city"};
    for (int k = 0; k < 2; k++) {
        char sp[512], ap[512];
        cr_error err;
        cr_error_init(&err);
        cr_submission *sub = cr_submission_load(
            sample_path(sp, sizeof sp, ids[k], ".submission.xml"), f->catalog, f->schemas, &err);
        cr_audit_log *log = cr_audit_load(sample_path(ap, sizeof ap, ids[k], ".audit.xml"),
                                          f->catalog, f->schemas, &err);
        assert_no_error(&err);
        cr_audited *au = cr_audit_apply(f->catalog, sub, log, &err);
        cr_scorecard sc;
        assert_int_equal(cr_score(au, &sc, &err), CR_OK);
        cr_roadmap *rm = cr_roadmap_build(au, &sc, NULL, &err);
        assert_non_null(rm);
        if (k == 0) {
            assert_int_equal(rm->npaths, 1);
            const cr_roadmap_step *s = &rm->paths[0].steps[0];
            assert_string_equal(cat_code(f->catalog, s->criteria[0]), "DM8");
            assert_int_equal(s->more_criteria, 5);
            assert_int_equal(s->more_outcomes, 1);
            assert_int_equal(rm->paths[0].cost, 7);
            assert_string_equal(tname(f->catalog, s->reaches), "platinum");
        } else {
            bool od2 = false;
            for (size_t j = 0; j < rm->ncandidates; j++)
                if (strcmp(cat_code(f->catalog, rm->candidates[j].criterion), "OD2") == 0)
                    od2 = rm->candidates[j].stale;
            assert_true(od2);
        }
        cr_roadmap_free(rm);
        cr_audited_free(au);
        cr_audit_free(log);
        cr_submission_free(sub);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lc1_missing_gives_gold),
        cmocka_unit_test(test_no_outcome_gives_gold),
        cmocka_unit_test(test_ranked_by_peers),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_every_blocker_combination),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
