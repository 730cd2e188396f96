/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: JSON output with jansson (see certreport/json.h). Jansson escapes strings and
 * prints numbers without the C locale getting in the way. */
#include "certreport/json.h"
#include "args.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sets |key| to |value|, taking ownership; remembers a failure in *ok. */
static void put(json_t *obj, const char *key, json_t *value, bool *ok)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *ok = false;
}

static void push(json_t *arr, json_t *value, bool *ok)
{
    if (!value || json_array_append_new(arr, value) != 0)
        *ok = false;
}

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *codes(const cr_catalog *cat, const size_t *idx, size_t n, bool *ok)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        push(arr, json_string(cat->criteria[idx[i]].code), ok);
    return arr;
}

static const char *tier_id(const cr_catalog *cat, size_t t)
{
    return t == CR_NONE ? NULL : cat->tiers[t].id;
}

static char *finish(json_t *root, bool ok, cr_error *err)
{
    char *out =
        ok && root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
                   : NULL;
    json_decref(root);
    if (!out) {
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    /* A trailing newline, as a command's output should end. */
    size_t n = strlen(out);
    char *nl = realloc(out, n + 2);
    if (!nl) {
        free(out);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    nl[n] = '\n';
    nl[n + 1] = '\0';
    return nl;
}

/* A band's id as every JSON output writes it: lower case ("30k-100k"), NULL for none. The
 * catalog's own id ("30K-100K") stays in the peers file, which is read back by the catalog. */
static json_t *band_json(const cr_catalog *cat, size_t b)
{
    if (b == CR_NONE)
        return json_null();
    char id[64];
    snprintf(id, sizeof id, "%s", cat->bands[b].id);
    for (char *c = id; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return json_string(id);
}

static const char *band_key(const cr_catalog *cat, size_t b, char *buf, size_t size)
{
    snprintf(buf, size, "%s", cat->bands[b].id);
    for (char *c = buf; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return buf;
}

static json_t *outcome_ids(const cr_catalog *cat, const size_t *idx, size_t n, bool *ok)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        push(arr, json_string(cat->outcomes[idx[i]].id), ok);
    return arr;
}

/* Percent rounded half up to one decimal. */
static json_t *pct1(double v)
{
    return json_real(floor(v * 10.0 + 0.5) / 10.0);
}

static json_t *roadmap_json(const cr_roadmap *rm, bool *ok)
{
    const cr_catalog *cat = rm->catalog;
    json_t *r = json_object();
    if (!r)
        return NULL;
    put(r, "eligible", json_boolean(rm->eligibility == CR_ELIGIBLE), ok);
    put(r, "peer_group",
        !rm->ranked_by_peers  ? json_null()
        : rm->band == CR_NONE ? json_string("all")
                              : band_json(cat, rm->band),
        ok);

    json_t *tiers = json_array();
    for (size_t k = 0; tiers && k < rm->ntiers; k++) {
        const cr_roadmap_tier *t = &rm->tiers[k];
        json_t *o = json_object();
        if (o) {
            put(o, "tier", json_string(cat->tiers[t->tier].id), ok);
            put(o, "need", json_integer(t->need), ok);
            put(o, "more_criteria", json_integer(t->more_criteria), ok);
            put(o, "missing_core", codes(cat, t->core, t->ncore, ok), ok);
            put(o, "missing_required", codes(cat, t->required, t->nrequired, ok), ok);
            put(o, "extra_criteria", json_integer(t->extra_criteria), ok);
            put(o, "more_outcomes", json_integer(t->more_outcomes), ok);
            put(o, "outcome_candidates", outcome_ids(cat, t->outcomes, t->noutcomes, ok), ok);
            put(o, "cost", json_integer(t->cost), ok);
        }
        push(tiers, o, ok);
    }
    put(r, "tiers", tiers, ok);

    json_t *keep = json_null();
    if (rm->keep.tier != CR_NONE && (keep = json_object()) != NULL) {
        const cr_roadmap_keep *kp = &rm->keep;
        put(keep, "tier", json_string(cat->tiers[kp->tier].id), ok);
        put(keep, "spare_criteria", json_integer(kp->spare_criteria), ok);
        put(keep, "criteria", codes(cat, kp->criteria, kp->ncriteria, ok), ok);
        put(keep, "outcomes", json_integer(kp->outcomes), ok);
        put(keep, "spare_outcomes", json_integer(kp->spare_outcomes), ok);
    }
    put(r, "keep", keep, ok);

    json_t *blockers = json_array();
    for (size_t k = 0; blockers && k < rm->nblockers; k++) {
        const cr_roadmap_blocker *b = &rm->blockers[k];
        json_t *o = json_object();
        if (o) {
            put(o, "kind", json_string(cr_blocker_kind_name(b->kind)), ok);
            put(o, "criterion",
                opt_string(b->criterion == CR_NONE ? NULL : cat->criteria[b->criterion].code), ok);
            put(o, "count", json_integer(b->count), ok);
            put(o, "tier", opt_string(tier_id(cat, b->tier)), ok);
            put(o, "reaches", opt_string(tier_id(cat, b->reaches)), ok);
        }
        push(blockers, o, ok);
    }
    put(r, "blockers", blockers, ok);

    json_t *paths = json_array();
    for (size_t k = 0; paths && k < rm->npaths; k++) {
        const cr_roadmap_path *p = &rm->paths[k];
        json_t *o = json_object(), *steps = json_array();
        for (size_t s = 0; steps && s < p->nsteps; s++) {
            const cr_roadmap_step *st = &rm->paths[k].steps[s];
            json_t *so = json_object(), *cand = json_array();
            for (size_t j = 0; cand && j < st->ncandidates; j++)
                push(cand,
                     json_string(cat->criteria[rm->candidates[st->candidates[j]].criterion].code),
                     ok);
            if (so) {
                put(so, "criteria", codes(cat, st->criteria, st->ncriteria, ok), ok);
                put(so, "more_criteria", json_integer(st->more_criteria), ok);
                put(so, "candidates", cand, ok);
                put(so, "more_outcomes", json_integer(st->more_outcomes), ok);
                put(so, "outcome_candidates", outcome_ids(cat, st->outcomes, st->noutcomes, ok),
                    ok);
                put(so, "cost", json_integer(st->cost), ok);
                put(so, "reaches", opt_string(tier_id(cat, st->reaches)), ok);
            } else {
                json_decref(cand);
            }
            push(steps, so, ok);
        }
        if (o) {
            put(o, "tier", json_string(cat->tiers[p->tier].id), ok);
            put(o, "reaches", opt_string(tier_id(cat, p->reaches)), ok);
            put(o, "cost", json_integer(p->cost), ok);
            put(o, "steps", steps, ok);
        } else {
            json_decref(steps);
        }
        push(paths, o, ok);
    }
    put(r, "paths", paths, ok);

    json_t *crit = json_array();
    for (size_t k = 0; crit && k < rm->ncandidates; k++) {
        const cr_roadmap_candidate *cd = &rm->candidates[k];
        json_t *o = json_object();
        if (o) {
            put(o, "code", json_string(cat->criteria[cd->criterion].code), ok);
            put(o, "answer", json_string(cr_answer_name(cd->answer)), ok);
            put(o, "core", json_boolean(cat->criteria[cd->criterion].core), ok);
            put(o, "required_for", opt_string(tier_id(cat, cd->required_by)), ok);
            put(o, "peer_share", cd->share < 0 ? json_null() : pct1(cd->share), ok);
            put(o, "stale", json_boolean(cd->stale), ok);
        }
        push(crit, o, ok);
    }
    put(r, "criteria", crit, ok);
    return r;
}

char *cr_scorecard_json(const cr_audited *a, const cr_scorecard *sc, cr_error *err)
{
    if (CR_ARG_NULL(a, err) || CR_ARG_NULL(sc, err))
        return NULL;
    return cr_scorecard_json_peers(a, sc, NULL, err);
}

char *cr_scorecard_json_peers(const cr_audited *a, const cr_scorecard *sc, const cr_peers *peers,
                              cr_error *err)
{
    if (CR_ARG_NULL(a, err) || CR_ARG_NULL(sc, err))
        return NULL;
    const cr_catalog *cat = a->catalog;
    const cr_submission *sub = a->submission;
    bool ok = true;
    json_t *root = json_object();
    if (!root)
        return finish(NULL, false, err);
    static const char *const elig[] = {"eligible", "outside-region", "below-population"};
    put(root, "format", json_integer(CR_JSON_FORMAT), &ok);
    put(root, "id", json_string(sub->id), &ok);
    put(root, "city", json_string(sub->city.name), &ok);
    put(root, "country", json_string(sub->city.country), &ok);
    put(root, "population", json_integer(sub->city.population), &ok);
    put(root, "subdivision", opt_string(sub->city.subdivision), &ok);
    put(root, "region", opt_string(sc->region == CR_NONE ? NULL : cat->regions[sc->region].id),
        &ok);
    put(root, "region_name",
        opt_string(sc->region == CR_NONE ? NULL : cat->regions[sc->region].name), &ok);
    put(root, "band", band_json(cat, sc->band), &ok);
    put(root, "band_name", opt_string(sc->band == CR_NONE ? NULL : cat->bands[sc->band].name), &ok);
    put(root, "cycle", json_integer(sub->cycle), &ok);
    put(root, "edition", json_string(cat->edition), &ok);
    put(root, "eligible", json_boolean(sc->eligibility == CR_ELIGIBLE), &ok);
    put(root, "eligibility", json_string(elig[sc->eligibility]), &ok);
    put(root, "tier", opt_string(tier_id(cat, sc->tier)), &ok);
    put(root, "awarded", opt_string(tier_id(cat, sc->awarded)), &ok);
    put(root, "met", json_integer(sc->met), &ok);
    put(root, "total", json_integer(sc->total), &ok);
    put(root, "percent", json_integer(sc->percent), &ok);
    put(root, "verification", json_boolean(sc->verification), &ok);

    json_t *areas = json_object();
    for (size_t k = 0; areas && k < sc->nareas; k++) {
        json_t *o = json_object();
        if (o) {
            put(o, "name", json_string(cat->areas[k].name), &ok);
            put(o, "met", json_integer(sc->areas[k].met), &ok);
            put(o, "total", json_integer(sc->areas[k].total), &ok);
            put(o, "percent", json_integer(sc->areas[k].percent), &ok);
        }
        put(areas, cat->areas[k].code, o, &ok);
    }
    put(root, "areas", areas, &ok);
    put(root, "core_missing", codes(cat, sc->core_missing, sc->ncore_missing, &ok), &ok);

    json_t *outcomes = json_object();
    for (size_t o = 0; outcomes && o < cat->noutcomes; o++)
        put(outcomes, cat->outcomes[o].id, json_boolean(sc->outcome_met[o]), &ok);
    put(root, "outcomes", outcomes, &ok);
    put(root, "outcomes_met", json_integer(sc->outcomes_met), &ok);
    put(root, "stale", codes(cat, sc->stale, sc->nstale, &ok), &ok);
    put(root, "changed", codes(cat, sc->changed, sc->nchanged, &ok), &ok);

    json_t *next = json_object();
    if (next) {
        const cr_next_tier *n = &sc->next;
        put(next, "tier", opt_string(tier_id(cat, n->tier)), &ok);
        put(next, "more_criteria", json_integer(n->more_criteria), &ok);
        put(next, "missing_criteria", codes(cat, n->missing, n->nmissing, &ok), &ok);
        put(next, "more_outcomes", json_integer(n->more_outcomes), &ok);
        json_t *cand = json_array();
        for (size_t o = 0; cand && o < n->noutcomes; o++)
            push(cand, json_string(cat->outcomes[n->outcomes[o]].id), &ok);
        put(next, "outcome_candidates", cand, &ok);
    }
    put(root, "next_tier", next, &ok);

    cr_roadmap *rm = cr_roadmap_build(a, sc, peers, err);
    if (!rm) {
        json_decref(root);
        return NULL;
    }
    put(root, "roadmap", roadmap_json(rm, &ok), &ok);
    cr_roadmap_free(rm);
    return finish(root, ok, err);
}

static json_t *group(const cr_peers *p, const cr_peer_group *g, const char *name, bool *ok)
{
    json_t *o = json_object();
    if (o) {
        put(o, "name", json_string(name), ok);
        put(o, "applicants", json_integer((json_int_t)g->applicants), ok);
        put(o, "average", pct1(cr_peers_average(p, g)), ok);
    }
    return o;
}

char *cr_peers_json(const cr_peers *p, cr_error *err)
{
    if (CR_ARG_NULL(p, err))
        return NULL;
    const cr_catalog *cat = p->catalog;
    bool ok = true;
    json_t *root = json_object();
    if (!root)
        return finish(NULL, false, err);
    put(root, "format", json_integer(CR_JSON_FORMAT), &ok);
    put(root, "edition", json_string(cat->edition), &ok);
    put(root, "applicants", json_integer((json_int_t)p->applicants), &ok);
    put(root, "excluded", json_integer((json_int_t)p->excluded), &ok);
    /* The cohort the statistics were computed over; null for a peers file that does not say. */
    json_t *cohort = p->recorded ? json_object() : json_null();
    if (p->recorded && cohort) {
        put(cohort, "cities", json_integer((json_int_t)p->cities), &ok);
        put(cohort, "used", json_integer((json_int_t)p->used), &ok);
        json_t *ids = json_array();
        for (size_t i = 0; ids && i < p->nleft_out; i++)
            push(ids, json_string(p->left_out[i]), &ok);
        put(cohort, "left_out", ids, &ok);
    }
    put(root, "cohort", cohort, &ok);
    char key[64];
    json_t *regions = json_object();
    for (size_t r = 0; regions && r < cat->nregions; r++)
        put(regions, cat->regions[r].id, group(p, &p->regions[r], cat->regions[r].name, &ok), &ok);
    put(root, "regions", regions, &ok);
    json_t *bands = json_object();
    for (size_t b = 0; bands && b < cat->nbands; b++)
        put(bands, band_key(cat, b, key, sizeof key),
            group(p, &p->bands[b], cat->bands[b].name, &ok), &ok);
    put(root, "bands", bands, &ok);
    json_t *criteria = json_object();
    for (size_t i = 0; criteria && i < cat->ncriteria; i++) {
        json_t *o = json_object();
        if (o) {
            put(o, "all", pct1(cr_peers_share(p, i, CR_NONE)), &ok);
            for (size_t b = 0; b < cat->nbands; b++)
                put(o, band_key(cat, b, key, sizeof key), pct1(cr_peers_share(p, i, b)), &ok);
        }
        put(criteria, cat->criteria[i].code, o, &ok);
    }
    put(root, "criteria", criteria, &ok);
    return finish(root, ok, err);
}
