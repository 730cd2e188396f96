/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the roadmap (see certreport/roadmap.h). A pure function of the audited answers, the
 * scorecard, the catalog and optionally the peers; every "reaches" is computed by applying the
 * conditions to a copy of the answers and asking cr_tier_holds, so it is the scoring rules'
 * own answer, never a second implementation of them.
 *
 * Why the costs are the least possible: for tier T to hold, every core criterion and every
 * criterion T requires must be met (each costs one and adds one to the count), the count must
 * reach T's threshold (each further criterion costs one), and T's minimum of outcomes must be met
 * (each costs one). Nothing else enters cr_tier_holds, and meeting a criterion or an outcome
 * never makes a tier stop holding, so the sum of those is both necessary and enough. */
#include "certreport/roadmap.h"
#include "args.h"

#include <string.h>

#include "arena.h"

/* Smallest met count that reaches |percent| of |total| (met * 100 >= percent * total). */
static unsigned needed(unsigned total, unsigned percent)
{
    return (unsigned)(((unsigned long)percent * total + 99ul) / 100ul);
}

static unsigned outcomes_required(const cr_catalog *cat, size_t t)
{
    unsigned m = cat->tiers[t].min_outcomes;
    return m == CR_ALL_OUTCOMES ? (unsigned)cat->noutcomes : m;
}

static bool requires_criterion(const cr_tier *t, size_t c)
{
    for (size_t k = 0; k < t->nrequires; k++)
        if (t->requires[k] == c)
            return true;
    return false;
}

/* The tier these answers and outcomes qualify for (eligibility aside), CR_NONE for none. */
static size_t tier_of(const cr_catalog *cat, const cr_answer *ans, const bool *om)
{
    size_t tier = CR_NONE;
    for (size_t t = 0; t < cat->ntiers; t++)
        if (cr_tier_holds(cat, t, ans, om))
            tier = t;
    return tier;
}

static bool above(size_t reached, size_t t)
{
    return reached != CR_NONE && reached >= t;
}

static unsigned count_met(const cr_catalog *cat, const cr_answer *ans)
{
    unsigned n = 0;
    for (size_t i = 0; i < cat->ncriteria; i++)
        n += ans[i] == CR_ANSWER_YES;
    return n;
}

static unsigned count_outcomes(const cr_catalog *cat, const bool *om)
{
    unsigned n = 0;
    for (size_t o = 0; o < cat->noutcomes; o++)
        n += om[o];
    return n;
}

/* Meets the first |m| outcomes not met. */
static void meet_outcomes(const cr_catalog *cat, bool *om, unsigned m)
{
    for (size_t o = 0; o < cat->noutcomes && m; o++)
        if (!om[o])
            om[o] = true, m--;
}

static const size_t *copy_idx(cr_arena *arena, const size_t *v, size_t n)
{
    size_t *out = cr_arena_calloc(arena, n ? n : 1, sizeof *out);
    if (out && n)
        memcpy(out, v, n * sizeof *v);
    return out;
}

/* Outcomes not met, as a list (catalog order). */
static size_t unmet_outcomes(const cr_catalog *cat, const bool *om, size_t *out)
{
    size_t n = 0;
    for (size_t o = 0; o < cat->noutcomes; o++)
        if (!om[o])
            out[n++] = o;
    return n;
}

/* Ranking: required by a tier above first (lower tier first), then in progress before no, then
 * peer share, then catalog order. Negative when |x| ranks before |y|. */
static int rank_cmp(const cr_roadmap_candidate *x, const cr_roadmap_candidate *y)
{
    if (x->required_by != y->required_by)
        return x->required_by < y->required_by ? -1 : 1; /* CR_NONE is the largest */
    if (x->answer != y->answer)
        return x->answer == CR_ANSWER_IN_PROGRESS ? -1 : 1;
    if (x->share != y->share)
        return x->share > y->share ? -1 : 1;
    return x->criterion < y->criterion ? -1 : (x->criterion > y->criterion);
}

typedef struct ctx {
    const cr_catalog *cat;
    cr_arena *arena;
    cr_roadmap *rm;
    cr_answer ans[CR_MAX_LIST]; /* the audited answers */
    bool om[CR_MAX_LIST];       /* outcomes met */
    unsigned met, outcomes;
} ctx;

static void fill_tier(ctx *c, size_t t, cr_roadmap_tier *te)
{
    const cr_catalog *cat = c->cat;
    size_t core[CR_MAX_LIST], req[CR_MAX_LIST], outs[CR_MAX_LIST], nc = 0, nr = 0;
    for (size_t i = 0; i < cat->ncriteria; i++)
        if (cat->criteria[i].core && c->ans[i] != CR_ANSWER_YES)
            core[nc++] = i;
    const cr_tier *tier = &cat->tiers[t];
    for (size_t k = 0; k < tier->nrequires; k++) {
        size_t i = tier->requires[k];
        bool dup = false;
        for (size_t j = 0; j < nr; j++)
            dup |= req[j] == i;
        if (!cat->criteria[i].core && c->ans[i] != CR_ANSWER_YES && !dup)
            req[nr++] = i;
    }
    te->tier = t;
    te->core = copy_idx(c->arena, core, nc);
    te->ncore = nc;
    te->required = copy_idx(c->arena, req, nr);
    te->nrequired = nr;
    te->need = needed((unsigned)cat->ncriteria, tier->percent);
    te->more_criteria = te->need > c->met ? te->need - c->met : 0;
    unsigned named = (unsigned)(nc + nr);
    te->extra_criteria = te->need > c->met + named ? te->need - c->met - named : 0;
    unsigned req_o = outcomes_required(cat, t);
    te->more_outcomes = req_o > c->outcomes ? req_o - c->outcomes : 0;
    size_t no = te->more_outcomes ? unmet_outcomes(cat, c->om, outs) : 0;
    te->outcomes = copy_idx(c->arena, outs, no);
    te->noutcomes = no;
    te->cost = named + te->extra_criteria + te->more_outcomes;
}

/* The tier reached when only the |k| best candidates no tier names are met (core and required
 * criteria are blockers of their own); if there are not enough, the next best non-core ones. */
static size_t clear_criteria(const ctx *c, unsigned k)
{
    cr_answer ans[CR_MAX_LIST];
    memcpy(ans, c->ans, sizeof ans);
    const cr_roadmap *rm = c->rm;
    for (int pass = 0; pass < 2 && k; pass++)
        for (size_t j = 0; j < rm->ncandidates && k; j++) {
            const cr_roadmap_candidate *cd = &rm->candidates[j];
            bool named = false;
            for (size_t t = 0; t < c->cat->ntiers; t++)
                named |= requires_criterion(&c->cat->tiers[t], cd->criterion);
            if (c->cat->criteria[cd->criterion].core || ans[cd->criterion] == CR_ANSWER_YES ||
                (pass == 0 && named))
                continue;
            ans[cd->criterion] = CR_ANSWER_YES;
            k--;
        }
    return tier_of(c->cat, ans, c->om);
}

static void add_blocker(cr_roadmap_blocker *b, size_t *n, cr_blocker_kind kind, size_t criterion,
                        unsigned count, size_t tier, size_t reaches)
{
    b[*n] = (cr_roadmap_blocker){kind, criterion, count, tier, reaches};
    (*n)++;
}

static void build_blockers(ctx *c, cr_roadmap_blocker *b, size_t *n)
{
    const cr_catalog *cat = c->cat;
    const cr_roadmap *rm = c->rm;
    if (rm->eligibility != CR_ELIGIBLE) {
        add_blocker(b, n, CR_BLOCKER_ELIGIBILITY, CR_NONE, 0, CR_NONE, CR_NONE);
        return;
    }
    if (rm->ntiers == 0)
        return;
    cr_answer ans[CR_MAX_LIST];
    bool om[CR_MAX_LIST];
    size_t first = rm->tiers[0].tier;
    /* Core criteria, then required ones (each once, at the lowest tier that requires it). */
    for (size_t k = 0; k < rm->tiers[0].ncore; k++) {
        size_t i = rm->tiers[0].core[k];
        memcpy(ans, c->ans, sizeof ans);
        ans[i] = CR_ANSWER_YES;
        add_blocker(b, n, CR_BLOCKER_CORE, i, 1, first, tier_of(cat, ans, c->om));
    }
    for (size_t t = 0; t < rm->ntiers; t++)
        for (size_t k = 0; k < rm->tiers[t].nrequired; k++) {
            size_t i = rm->tiers[t].required[k];
            bool seen = false;
            for (size_t j = 0; j < *n; j++)
                seen |= b[j].criterion == i;
            if (seen)
                continue;
            memcpy(ans, c->ans, sizeof ans);
            ans[i] = CR_ANSWER_YES;
            add_blocker(b, n, CR_BLOCKER_REQUIRED, i, 1, rm->tiers[t].tier,
                        tier_of(cat, ans, c->om));
        }
    /* Thresholds and outcomes, each distinct count once (at the lowest tier needing it). */
    for (size_t t = 0; t < rm->ntiers; t++) {
        unsigned k = rm->tiers[t].more_criteria;
        bool seen = false;
        for (size_t j = 0; j < *n; j++)
            seen |= b[j].kind == CR_BLOCKER_CRITERIA && b[j].count == k;
        if (k && !seen)
            add_blocker(b, n, CR_BLOCKER_CRITERIA, CR_NONE, k, rm->tiers[t].tier,
                        clear_criteria(c, k));
    }
    for (size_t t = 0; t < rm->ntiers; t++) {
        unsigned m = rm->tiers[t].more_outcomes;
        bool seen = false;
        for (size_t j = 0; j < *n; j++)
            seen |= b[j].kind == CR_BLOCKER_OUTCOMES && b[j].count == m;
        if (m && !seen) {
            memcpy(om, c->om, sizeof om);
            meet_outcomes(cat, om, m);
            add_blocker(b, n, CR_BLOCKER_OUTCOMES, CR_NONE, m, rm->tiers[t].tier,
                        tier_of(cat, c->ans, om));
        }
    }
}

/* The cheapest path to |te|'s tier, in steps through the lower tiers where that costs nothing
 * extra. False when the tier cannot be reached (not enough criteria or outcomes left). */
static bool build_path(ctx *c, const cr_roadmap_tier *te, cr_roadmap_path *p)
{
    const cr_catalog *cat = c->cat;
    const cr_roadmap *rm = c->rm;
    size_t T = te->tier;
    bool pending[CR_MAX_LIST] = {false}; /* named criteria of the path not yet in a step */
    for (size_t k = 0; k < te->ncore; k++)
        pending[te->core[k]] = true;
    for (size_t k = 0; k < te->nrequired; k++)
        pending[te->required[k]] = true;
    size_t pool = 0, unmet_o = cat->noutcomes - c->outcomes;
    for (size_t i = 0; i < cat->ncriteria; i++)
        pool += c->ans[i] != CR_ANSWER_YES && !pending[i];
    if (te->extra_criteria > pool || te->more_outcomes > unmet_o)
        return false;

    /* The path's pools, fixed for all its steps (so "any k of these" holds whichever k earlier
     * steps took): criteria not met and named by no step, ranked; outcomes not met. */
    size_t pool_c[CR_MAX_LIST], npool_c = 0, pool_o[CR_MAX_LIST];
    for (size_t j = 0; j < rm->ncandidates; j++)
        if (!pending[rm->candidates[j].criterion])
            pool_c[npool_c++] = j;
    size_t npool_o = unmet_outcomes(cat, c->om, pool_o);
    cr_answer ans[CR_MAX_LIST];
    bool om[CR_MAX_LIST];
    memcpy(ans, c->ans, sizeof ans);
    memcpy(om, c->om, sizeof om);
    unsigned extras_rem = te->extra_criteria, outc_rem = te->more_outcomes;
    size_t first = rm->tiers[0].tier;
    cr_roadmap_step *steps = cr_arena_calloc(c->arena, T - first + 1, sizeof *steps);
    if (!steps)
        return false;
    size_t ns = 0;
    p->tier = T;
    p->reaches = rm->tier;
    p->cost = 0;
    for (size_t t = first; t <= T; t++) {
        if (above(tier_of(cat, ans, om), t))
            continue;
        bool final = t == T;
        size_t named[CR_MAX_LIST], nn = 0;
        unsigned x = 0, o = 0;
        if (final) {
            for (size_t i = 0; i < cat->ncriteria; i++)
                if (pending[i])
                    named[nn++] = i;
            x = extras_rem;
            o = outc_rem;
        } else {
            /* What tier t needs of the path's conditions: every core and t-required criterion... */
            bool in[CR_MAX_LIST] = {false}, fits = true;
            for (size_t i = 0; i < cat->ncriteria; i++) {
                bool must = ans[i] != CR_ANSWER_YES &&
                            (cat->criteria[i].core || requires_criterion(&cat->tiers[t], i));
                if (must && !pending[i])
                    fits = false; /* not on the way to T */
                if (must)
                    in[i] = true;
            }
            if (!fits)
                continue;
            for (size_t i = 0; i < cat->ncriteria; i++)
                if (in[i])
                    named[nn++] = i;
            /* ...then the path's other named criteria count toward t's threshold first... */
            unsigned have = count_met(cat, ans) + (unsigned)nn,
                     need = needed((unsigned)cat->ncriteria, cat->tiers[t].percent);
            for (size_t i = 0; i < cat->ncriteria && have < need; i++)
                if (pending[i] && !in[i])
                    named[nn++] = i, have++;
            /* ...then any other criteria, and outcomes. */
            x = need > have ? need - have : 0;
            unsigned req_o = outcomes_required(cat, t), now_o = count_outcomes(cat, om);
            o = req_o > now_o ? req_o - now_o : 0;
            if (x > extras_rem || o > outc_rem)
                continue;
        }
        cr_roadmap_step *s = &steps[ns++];
        for (size_t k = 0; k < nn; k++)
            pending[named[k]] = false;
        s->criteria = copy_idx(c->arena, named, nn);
        s->ncriteria = nn;
        s->more_criteria = x;
        s->candidates = copy_idx(c->arena, pool_c, x ? npool_c : 0);
        s->ncandidates = x ? npool_c : 0;
        s->more_outcomes = o;
        s->outcomes = copy_idx(c->arena, pool_o, o ? npool_o : 0);
        s->noutcomes = o ? npool_o : 0;
        s->cost = (unsigned)nn + x + o;
        /* Apply the step: the named criteria, the best |x| of the pool not met yet, the first |o|
         * outcomes not met yet. */
        for (size_t k = 0; k < nn; k++)
            ans[named[k]] = CR_ANSWER_YES;
        for (size_t j = 0, k = x; j < npool_c && k; j++) {
            size_t i = rm->candidates[pool_c[j]].criterion;
            if (ans[i] != CR_ANSWER_YES)
                ans[i] = CR_ANSWER_YES, k--;
        }
        meet_outcomes(cat, om, o);
        extras_rem -= x;
        outc_rem -= o;
        s->reaches = tier_of(cat, ans, om);
        p->cost += s->cost;
        p->reaches = s->reaches;
        if (above(s->reaches, T))
            break;
    }
    p->steps = steps;
    p->nsteps = ns;
    return ns > 0;
}

const char *cr_blocker_kind_name(cr_blocker_kind k)
{
    switch (k) {
    case CR_BLOCKER_ELIGIBILITY:
        return "eligibility";
    case CR_BLOCKER_CORE:
        return "core";
    case CR_BLOCKER_REQUIRED:
        return "required";
    case CR_BLOCKER_CRITERIA:
        return "criteria";
    case CR_BLOCKER_OUTCOMES:
        return "outcomes";
    }
    return "?";
}

cr_roadmap *cr_roadmap_build(const cr_audited *a, const cr_scorecard *sc, const cr_peers *peers,
                             cr_error *err)
{
    if (CR_ARG_NULL(a, err) || CR_ARG_NULL(sc, err) || CR_ARG_NULL(a->catalog, err))
        return NULL;
    const cr_catalog *cat = a->catalog;
    if (cat->ncriteria > CR_MAX_LIST || cat->noutcomes > CR_MAX_LIST) {
        cr_error_set(err, CR_EUSAGE, cat->file, 0, "catalog too large for a roadmap");
        return NULL;
    }
    if (peers &&
        (peers->catalog->ncriteria != cat->ncriteria || peers->catalog->nbands != cat->nbands)) {
        cr_error_set(err, CR_EUSAGE, cat->file, 0, "peer statistics of another catalog");
        return NULL;
    }
    cr_arena *arena = cr_arena_new();
    cr_roadmap *rm = arena ? cr_arena_alloc(arena, sizeof *rm) : NULL;
    ctx *cx = rm ? cr_arena_alloc(arena, sizeof *cx) : NULL; /* large: not on the stack */
    if (!cx)
        goto oom;
    rm->arena_ = arena;
    rm->catalog = cat;
    rm->eligibility = sc->eligibility;
    rm->tier = sc->tier;
    rm->ranked_by_peers = peers != NULL;
    rm->band = peers ? sc->band : CR_NONE;
    rm->keep.tier = CR_NONE;
    cx->cat = cat;
    cx->arena = arena;
    cx->rm = rm;
    for (size_t i = 0; i < cat->ncriteria; i++)
        cx->ans[i] = a->criteria[i].answer;
    for (size_t o = 0; o < cat->noutcomes; o++)
        cx->om[o] = sc->outcome_met[o];
    cx->met = count_met(cat, cx->ans);
    cx->outcomes = count_outcomes(cat, cx->om);
    size_t first = sc->tier == CR_NONE ? 0 : sc->tier + 1;

    /* Every criterion not met, ranked (insertion sort: stable, and lists are short). */
    cr_roadmap_candidate *cand = cr_arena_calloc(arena, cat->ncriteria + 1, sizeof *cand);
    if (!cand)
        goto oom;
    size_t nc = 0;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        if (cx->ans[i] == CR_ANSWER_YES)
            continue;
        cr_roadmap_candidate cd = {i, cx->ans[i], a->criteria[i].stale, CR_NONE,
                                   peers ? cr_peers_share(peers, i, rm->band) : -1.0};
        for (size_t t = first; t < cat->ntiers && cd.required_by == CR_NONE; t++)
            if (!cat->criteria[i].core && requires_criterion(&cat->tiers[t], i))
                cd.required_by = t;
        size_t j = nc++;
        while (j > 0 && rank_cmp(&cd, &cand[j - 1]) < 0) {
            cand[j] = cand[j - 1];
            j--;
        }
        cand[j] = cd;
    }
    rm->candidates = cand;
    rm->ncandidates = nc;

    /* Every tier above the city's. */
    size_t nt = first < cat->ntiers ? cat->ntiers - first : 0;
    cr_roadmap_tier *tiers = cr_arena_calloc(arena, nt + 1, sizeof *tiers);
    if (!tiers)
        goto oom;
    for (size_t k = 0; k < nt; k++)
        fill_tier(cx, first + k, &tiers[k]);
    rm->tiers = tiers;
    rm->ntiers = nt;
    if (cr_arena_failed(arena)) /* blockers and paths read the tiers' lists */
        goto oom;

    /* What keeps the city at the top. */
    if (sc->eligibility == CR_ELIGIBLE && sc->tier != CR_NONE && sc->tier + 1 == cat->ntiers) {
        size_t t = sc->tier, keep[CR_MAX_LIST], nk = 0;
        for (size_t i = 0; i < cat->ncriteria; i++)
            if (cat->criteria[i].core)
                keep[nk++] = i;
        for (size_t k = 0; k < cat->tiers[t].nrequires; k++) {
            size_t i = cat->tiers[t].requires[k];
            bool dup = cat->criteria[i].core;
            for (size_t j = 0; j < nk; j++)
                dup |= keep[j] == i;
            if (!dup)
                keep[nk++] = i;
        }
        unsigned need = needed((unsigned)cat->ncriteria, cat->tiers[t].percent);
        unsigned req_o = outcomes_required(cat, t);
        rm->keep = (cr_roadmap_keep){t,  cx->met - need, copy_idx(arena, keep, nk),
                                     nk, req_o,          cx->outcomes - req_o};
    }

    /* Blockers: at most eligibility, or core + required + one per tier twice. */
    cr_roadmap_blocker *bl = cr_arena_calloc(arena, cat->ncriteria + 2 * nt + 1, sizeof *bl);
    if (!bl)
        goto oom;
    size_t nb = 0;
    build_blockers(cx, bl, &nb);
    rm->blockers = bl;
    rm->nblockers = nb;

    /* Paths, only for a city in the program. */
    cr_roadmap_path *paths = cr_arena_calloc(arena, nt + 1, sizeof *paths);
    if (!paths)
        goto oom;
    size_t np = 0;
    for (size_t k = 0; k < nt && sc->eligibility == CR_ELIGIBLE; k++)
        if (build_path(cx, &tiers[k], &paths[np]))
            np++;
    rm->paths = paths;
    rm->npaths = np;
    if (cr_arena_failed(arena))
        goto oom;
    return rm;
oom:
    cr_arena_free(arena);
    cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    return NULL;
}

void cr_roadmap_free(cr_roadmap *rm)
{
    if (rm)
        cr_arena_free(rm->arena_);
}
