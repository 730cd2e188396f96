/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: loading and checking a catalog file (see certreport/catalog.h). The schema checks
 * syntax; this file checks meaning: unique codes, sane thresholds, resolvable references. */
#include "certreport/catalog.h"
#include "args.h"
#include "certreport/input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fileio.h"
#include "text.h"
#include "xmlsafe.h"

typedef struct loader {
    cr_catalog *cat;
    cr_arena *arena;
    const char *name;
    cr_error *err;
    bool oom;
} loader;

static const char *attr(loader *l, xmlNodePtr n, const char *a)
{
    return cr_xml_attr(l->arena, n, a, &l->oom);
}

static bool fail(loader *l, xmlNodePtr n, const char *msg, const char *what)
{
    cr_error_set(l->err, CR_EINPUT, l->name, cr_xml_line(n), "%s: %s", msg, what);
    return false;
}

static bool number(loader *l, xmlNodePtr n, const char *a, unsigned long max, unsigned long *out)
{
    const char *v = attr(l, n, a);
    if (!v || !cr_parse_uint(v, max, out)) {
        cr_error_set(l->err, CR_EINPUT, l->name, cr_xml_line(n),
                     "attribute %s: expected a whole number up to %lu", a, max);
        return false;
    }
    return true;
}

static bool load_regions(loader *l, xmlNodePtr regions)
{
    cr_catalog *cat = l->cat;
    size_t n = cr_xml_count(regions, "region");
    cr_region *r = cr_arena_calloc(l->arena, n, sizeof *r);
    if (!r)
        return !(l->oom = true);
    size_t i = 0;
    for (xmlNodePtr c = cr_xml_elem(regions->children); c; c = cr_xml_elem(c->next), i++) {
        r[i].id = attr(l, c, "id");
        r[i].name = attr(l, c, "name");
        const char *list = attr(l, c, "countries");
        if (l->oom)
            return false;
        size_t words = 0;
        for (const char *p = list; *p; p++)
            words += (*p != ' ' && (p == list || p[-1] == ' '));
        char(*codes)[3] = cr_arena_calloc(l->arena, words, sizeof *codes);
        if (!codes)
            return !(l->oom = true);
        size_t k = 0;
        for (const char *p = list; *p;) {
            if (*p == ' ') {
                p++;
                continue;
            }
            /* The schema guarantees two capitals per word. */
            memcpy(codes[k], p, 2);
            codes[k++][2] = '\0';
            p += 2;
        }
        r[i].countries = (const char(*)[3])codes;
        r[i].ncountries = k;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(r[j].id, r[i].id) == 0)
                return fail(l, c, "duplicate region id", r[i].id);
            for (size_t a = 0; a < r[j].ncountries; a++)
                for (size_t b = 0; b < k; b++)
                    if (strcmp(r[j].countries[a], codes[b]) == 0)
                        return fail(l, c, "country listed in two regions", codes[b]);
        }
    }
    cat->regions = r;
    cat->nregions = n;
    return true;
}

static bool load_bands(loader *l, xmlNodePtr bands)
{
    size_t n = cr_xml_count(bands, "band");
    cr_band *b = cr_arena_calloc(l->arena, n, sizeof *b);
    if (!b)
        return !(l->oom = true);
    size_t i = 0;
    for (xmlNodePtr c = cr_xml_elem(bands->children); c; c = cr_xml_elem(c->next), i++) {
        unsigned long min, max = 0;
        b[i].id = attr(l, c, "id");
        b[i].name = attr(l, c, "name");
        if (l->oom || !number(l, c, "min", 1000000000ul, &min))
            return false;
        bool open = !xmlHasProp(c, (const xmlChar *)"max");
        if (!open && !number(l, c, "max", 1000000000ul, &max))
            return false;
        b[i].min = (long)min;
        b[i].max = open ? -1 : (long)max;
        if (!open && max < min)
            return fail(l, c, "band max is below its min", b[i].id);
        if (i > 0 && (b[i - 1].max < 0 || b[i - 1].max >= b[i].min))
            return fail(l, c, "bands must ascend without overlapping", b[i].id);
        if (i + 1 < n && open)
            return fail(l, c, "only the last band may be open-ended", b[i].id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(b[j].id, b[i].id) == 0)
                return fail(l, c, "duplicate band id", b[i].id);
    }
    l->cat->bands = b;
    l->cat->nbands = n;
    return true;
}

static bool load_outcomes(loader *l, xmlNodePtr outcomes)
{
    size_t n = cr_xml_count(outcomes, "outcome");
    cr_outcome_def *o = cr_arena_calloc(l->arena, n, sizeof *o);
    if (!o)
        return !(l->oom = true);
    size_t i = 0;
    for (xmlNodePtr c = cr_xml_elem(outcomes->children); c; c = cr_xml_elem(c->next), i++) {
        o[i].id = attr(l, c, "id");
        o[i].name = attr(l, c, "name");
        o[i].unit = attr(l, c, "unit");
        const char *rule = attr(l, c, "rule");
        const char *standard = attr(l, c, "standard");
        o[i].indicator = cr_xml_text(l->arena, cr_xml_child(c, "indicator"), &l->oom);
        o[i].standard_text = cr_xml_text(l->arena, cr_xml_child(c, "standard-text"), &l->oom);
        xmlNodePtr ref = cr_xml_child(c, "reference");
        o[i].reference = ref ? attr(l, ref, "href") : NULL;
        size_t ns = cr_xml_count(c, "source");
        cr_outcome_source *src = cr_arena_calloc(l->arena, ns ? ns : 1, sizeof *src);
        if (!src)
            return !(l->oom = true);
        for (xmlNodePtr sc = cr_xml_elem(c->children); sc; sc = cr_xml_elem(sc->next)) {
            if (!cr_xml_is(sc, "source"))
                continue;
            const char *region = attr(l, sc, "region");
            cr_outcome_source *so = &src[o[i].nsources++];
            so->href = attr(l, sc, "href");
            so->region = CR_NONE;
            if (l->oom)
                return false;
            if (region && (so->region = cr_catalog_region_by_id(l->cat, region)) == CR_NONE)
                return fail(l, sc, "data source of an unknown region", region);
            for (size_t j = 0; j + 1 < o[i].nsources; j++)
                if (src[j].region == so->region)
                    return fail(l, sc, "two data sources for one region",
                                region ? region : "(all)");
        }
        o[i].sources = src;
        if (l->oom)
            return false;
        o[i].rule = strcmp(rule, "at-least") == 0  ? CR_RULE_AT_LEAST
                    : strcmp(rule, "at-most") == 0 ? CR_RULE_AT_MOST
                                                   : CR_RULE_VERDICT;
        if (o[i].rule != CR_RULE_VERDICT) {
            if (!standard || !cr_parse_decimal(standard, &o[i].standard))
                return fail(l, c, "a numeric outcome needs a standard", o[i].id);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(o[j].id, o[i].id) == 0)
                return fail(l, c, "duplicate outcome id", o[i].id);
    }
    l->cat->outcomes = o;
    l->cat->noutcomes = n;
    return true;
}

static bool load_areas(loader *l, xmlNodePtr areas)
{
    size_t na = cr_xml_count(areas, "area"), nc = 0;
    for (xmlNodePtr a = cr_xml_elem(areas->children); a; a = cr_xml_elem(a->next))
        nc += cr_xml_count(a, "criterion");
    cr_area *ar = cr_arena_calloc(l->arena, na, sizeof *ar);
    cr_criterion *cr = cr_arena_calloc(l->arena, nc, sizeof *cr);
    if (!ar || !cr)
        return !(l->oom = true);
    l->cat->areas = ar;
    l->cat->criteria = cr;
    size_t i = 0, k = 0;
    for (xmlNodePtr a = cr_xml_elem(areas->children); a; a = cr_xml_elem(a->next), i++) {
        ar[i].code = attr(l, a, "code");
        ar[i].name = attr(l, a, "name");
        ar[i].short_name = attr(l, a, "short");
        ar[i].description = cr_xml_text(l->arena, cr_xml_child(a, "description"), &l->oom);
        ar[i].first = k;
        if (l->oom)
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ar[j].code, ar[i].code) == 0)
                return fail(l, a, "duplicate area code", ar[i].code);
        for (xmlNodePtr c = cr_xml_elem(a->children); c; c = cr_xml_elem(c->next)) {
            if (!cr_xml_is(c, "criterion"))
                continue;
            cr[k].code = attr(l, c, "code");
            cr[k].name = attr(l, c, "name");
            const char *core = attr(l, c, "core");
            cr[k].statement = cr_xml_text(l->arena, cr_xml_child(c, "statement"), &l->oom);
            if (l->oom)
                return false;
            cr[k].core = core && (strcmp(core, "true") == 0 || strcmp(core, "1") == 0);
            cr[k].area = i;
            l->cat->ncriteria = k; /* lookups below see only the earlier ones */
            if (cr_catalog_criterion(l->cat, cr[k].code) != CR_NONE)
                return fail(l, c, "duplicate criterion code", cr[k].code);
            k++;
        }
        ar[i].count = k - ar[i].first;
    }
    l->cat->nareas = na;
    l->cat->ncriteria = nc;
    return true;
}

static bool load_tiers(loader *l, xmlNodePtr tiers)
{
    cr_catalog *cat = l->cat;
    unsigned long verification;
    if (!number(l, tiers, "verification", 100, &verification))
        return false;
    cat->verification_percent = (unsigned)verification;
    size_t n = cr_xml_count(tiers, "tier");
    cr_tier *t = cr_arena_calloc(l->arena, n, sizeof *t);
    if (!t)
        return !(l->oom = true);
    size_t i = 0;
    for (xmlNodePtr c = cr_xml_elem(tiers->children); c; c = cr_xml_elem(c->next), i++) {
        unsigned long percent, mo;
        t[i].id = attr(l, c, "id");
        t[i].name = attr(l, c, "name");
        xmlNodePtr desc = cr_xml_child(c, "description");
        t[i].description = desc ? cr_xml_text(l->arena, desc, &l->oom) : NULL;
        const char *outcomes = attr(l, c, "min-outcomes");
        const char *req = attr(l, c, "requires");
        if (l->oom || !number(l, c, "percent", 100, &percent))
            return false;
        t[i].percent = (unsigned)percent;
        if (strcmp(outcomes, "all") == 0) {
            t[i].min_outcomes = CR_ALL_OUTCOMES;
        } else {
            if (!cr_parse_uint(outcomes, cat->noutcomes, &mo))
                return fail(l, c, "min-outcomes is more than the catalog's outcomes", t[i].id);
            t[i].min_outcomes = (unsigned)mo;
        }
        if (i > 0 && t[i].percent <= t[i - 1].percent)
            return fail(l, c, "tiers must be listed in ascending order of percent", t[i].id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(t[j].id, t[i].id) == 0)
                return fail(l, c, "duplicate tier id", t[i].id);
        if (req) {
            char *list = cr_arena_strdup(l->arena, req);
            size_t *idx = cr_arena_calloc(l->arena, strlen(req) / 2 + 1, sizeof *idx);
            if (!list || !idx)
                return !(l->oom = true);
            size_t k = 0;
            for (char *w = list; *w;) {
                char *end = strchr(w, ' ');
                if (end)
                    *end = '\0';
                size_t ci = cr_catalog_criterion(cat, w);
                if (ci == CR_NONE)
                    return fail(l, c, "tier requires an unknown criterion", w);
                idx[k++] = ci;
                w = end ? end + 1 : w + strlen(w);
            }
            t[i].requires = idx;
            t[i].nrequires = k;
        }
    }
    cat->tiers = t;
    cat->ntiers = n;
    return true;
}

cr_catalog *cr_catalog_parse(const char *buf, size_t len, const char *name,
                             const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(buf, err) || CR_ARG_NULL(name, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    loader l = {.name = name, .err = err};
    xmlDocPtr doc = cr_xml_load(buf, len, name, schemas, CR_SCHEMA_CATALOG, "catalog", err);
    if (!doc)
        return NULL;
    bool ok = false;
    l.arena = cr_arena_new();
    l.cat = l.arena ? cr_arena_alloc(l.arena, sizeof *l.cat) : NULL;
    if (!l.cat) {
        l.oom = true;
        goto done;
    }
    cr_catalog *cat = l.cat;
    cat->arena_ = l.arena;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    cat->file = cr_arena_strdup(l.arena, name);
    cat->edition = attr(&l, root, "edition");
    cat->title = attr(&l, root, "title");
    cat->lang = attr(&l, root, "lang");
    unsigned long minpop;
    if (l.oom ||
        !number(&l, cr_xml_child(root, "eligibility"), "min-population", 1000000000ul, &minpop))
        goto done;
    cat->min_population = (long)minpop;
    /* Order matters: tiers refer to criteria and count outcomes. */
    if (!load_regions(&l, cr_xml_child(root, "regions")) ||
        !load_bands(&l, cr_xml_child(root, "bands")) ||
        !load_outcomes(&l, cr_xml_child(root, "outcomes")) ||
        !load_areas(&l, cr_xml_child(root, "areas")) ||
        !load_tiers(&l, cr_xml_child(root, "tiers")))
        goto done;
    if (cat->ncriteria > CR_MAX_LIST || cat->nareas > CR_MAX_LIST || cat->noutcomes > CR_MAX_LIST) {
        cr_error_set(err, CR_EINPUT, name, cr_xml_line(root),
                     "catalog is larger than certreport supports (%d criteria, areas or outcomes)",
                     CR_MAX_LIST);
        goto done;
    }
    ok = true;
done:
    if (l.oom)
        cr_error_set(err, CR_ENOMEM, name, 0, "out of memory");
    xmlFreeDoc(doc);
    if (!ok) {
        cr_arena_free(l.arena);
        return NULL;
    }
    return l.cat;
}

cr_catalog *cr_catalog_load(const char *path, const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(path, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    size_t len;
    char *buf = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!buf)
        return NULL;
    cr_catalog *cat = cr_catalog_parse(buf, len, path, schemas, err);
    free(buf);
    return cat;
}

/* ---- translations of the texts ---- */

/* Finds the entry of |ids| (n entries, each |stride| bytes apart, the id the first member) equal
 * to |id|; records it in |seen|. */
static size_t find_id(const void *ids, size_t n, size_t stride, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        const char *const *p = (const char *const *)((const char *)ids + i * stride);
        if (*p && strcmp(*p, id) == 0)
            return i;
    }
    return CR_NONE;
}

typedef struct text_kind {
    const char *element, *key; /* element name and its id attribute */
    void *items;               /* the catalog's array (cast back from const: the catalog's own) */
    size_t n, stride;
} text_kind;

cr_status cr_catalog_translate(cr_catalog *cat, const char *path, const cr_schemas *schemas,
                               cr_error *err)
{
    cr_error local;
    if (!err) {
        cr_error_init(&local);
        err = &local;
    }
    if (CR_ARG_NULL(cat, err) || CR_ARG_NULL(path, err) || CR_ARG_NULL(schemas, err))
        return CR_EUSAGE;
    size_t len;
    char *buf = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!buf)
        return err->code;
    xmlDocPtr doc =
        cr_xml_load(buf, len, path, schemas, CR_SCHEMA_CATALOG_TEXT, "catalog-text", err);
    free(buf);
    if (!doc)
        return err->code;
    loader l = {.cat = cat, .arena = cat->arena_, .name = path, .err = err};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *edition = attr(&l, root, "edition");
    bool ok = !l.oom;
    if (ok && edition && strcmp(edition, cat->edition) != 0) {
        cr_error_set(err, CR_EINPUT, path, cr_xml_line(root),
                     "translation of edition %s, but the catalog is edition %s", edition,
                     cat->edition);
        ok = false;
    }
    text_kind kinds[] = {
        {"region", "id", (void *)(uintptr_t)cat->regions, cat->nregions, sizeof *cat->regions},
        {"band", "id", (void *)(uintptr_t)cat->bands, cat->nbands, sizeof *cat->bands},
        {"tier", "id", (void *)(uintptr_t)cat->tiers, cat->ntiers, sizeof *cat->tiers},
        {"outcome", "id", (void *)(uintptr_t)cat->outcomes, cat->noutcomes, sizeof *cat->outcomes},
        {"area", "code", (void *)(uintptr_t)cat->areas, cat->nareas, sizeof *cat->areas},
        {"criterion", "code", (void *)(uintptr_t)cat->criteria, cat->ncriteria,
         sizeof *cat->criteria},
    };
    /* Every id of the catalog exactly once: a translation never falls back to English silently. */
    for (size_t k = 0; ok && k < sizeof kinds / sizeof *kinds; k++) {
        text_kind *t = &kinds[k];
        bool *seen = calloc(t->n ? t->n : 1, sizeof *seen);
        if (!seen) {
            l.oom = true;
            break;
        }
        for (xmlNodePtr c = cr_xml_elem(root->children); ok && c; c = cr_xml_elem(c->next)) {
            if (!cr_xml_is(c, t->element))
                continue;
            const char *id = attr(&l, c, t->key), *name = attr(&l, c, "name");
            size_t i = id ? find_id(t->items, t->n, t->stride, id) : CR_NONE;
            if (l.oom || !id || !name) {
                ok = false;
            } else if (i == CR_NONE) {
                ok = fail(&l, c, "not in the catalog", id);
            } else if (seen[i]) {
                ok = fail(&l, c, "translated twice", id);
            } else {
                seen[i] = true;
                char *item = (char *)t->items + i * t->stride;
                if (k == 3) {
                    cr_outcome_def *o = (cr_outcome_def *)item;
                    o->name = name;
                    o->indicator = cr_xml_text(l.arena, cr_xml_child(c, "indicator"), &l.oom);
                    o->standard_text =
                        cr_xml_text(l.arena, cr_xml_child(c, "standard-text"), &l.oom);
                } else if (k == 4) {
                    cr_area *a = (cr_area *)item;
                    a->name = name;
                    a->short_name = attr(&l, c, "short"); /* never the English one */
                    a->description = cr_xml_text(l.arena, cr_xml_child(c, "description"), &l.oom);
                } else if (k == 5) {
                    cr_criterion *cr = (cr_criterion *)item;
                    cr->name = name;
                    cr->statement = cr_xml_text(l.arena, cr_xml_child(c, "statement"), &l.oom);
                } else if (k == 0) {
                    ((cr_region *)item)->name = name;
                } else if (k == 1) {
                    ((cr_band *)item)->name = name;
                } else {
                    /* A tier the catalog describes needs its description translated too. */
                    cr_tier *tr = (cr_tier *)item;
                    xmlNodePtr desc = cr_xml_child(c, "description");
                    tr->name = name;
                    if (tr->description && !desc)
                        ok = fail(&l, c, "no translation of the description of tier", tr->id);
                    else if (tr->description)
                        tr->description = cr_xml_text(l.arena, desc, &l.oom);
                }
            }
        }
        for (size_t i = 0; ok && i < t->n; i++)
            if (!seen[i])
                ok = fail(&l, root, "no translation of",
                          *(const char *const *)((const char *)t->items + i * t->stride));
        free(seen);
    }
    if (l.oom) {
        cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
        ok = false;
    }
    if (ok)
        cat->lang = attr(&l, root, "lang");
    xmlFreeDoc(doc);
    return ok && !l.oom ? CR_OK : (err->code != CR_OK ? err->code : CR_EINPUT);
}

bool cr_catalog_translation_path(const char *catalog_path, const char *lang, char *out, size_t size)
{
    if (out && size)
        out[0] = '\0';
    if (!catalog_path || !lang || !out || size == 0)
        return false;
    size_t n = strlen(catalog_path);
    size_t stem = n > 4 && strcmp(catalog_path + n - 4, ".xml") == 0 ? n - 4 : n;
    int w = snprintf(out, size, "%.*s.%s.xml", (int)stem, catalog_path, lang);
    return w > 0 && (size_t)w < size;
}

void cr_catalog_free(cr_catalog *cat)
{
    if (cat)
        cr_arena_free(cat->arena_);
}

const char *cr_catalog_outcome_source(const cr_catalog *cat, size_t o, size_t region)
{
    const char *any = NULL;
    if (!cat || o >= cat->noutcomes)
        return NULL;
    for (size_t k = 0; k < cat->outcomes[o].nsources; k++) {
        const cr_outcome_source *s = &cat->outcomes[o].sources[k];
        if (s->region == region && region != CR_NONE)
            return s->href;
        if (s->region == CR_NONE)
            any = s->href;
    }
    return any;
}

size_t cr_catalog_criterion(const cr_catalog *cat, const char *code)
{
    if (!cat || !code)
        return CR_NONE;
    for (size_t i = 0; i < cat->ncriteria; i++)
        if (strcmp(cat->criteria[i].code, code) == 0)
            return i;
    return CR_NONE;
}

size_t cr_catalog_outcome(const cr_catalog *cat, const char *id)
{
    if (!cat || !id)
        return CR_NONE;
    for (size_t i = 0; i < cat->noutcomes; i++)
        if (strcmp(cat->outcomes[i].id, id) == 0)
            return i;
    return CR_NONE;
}

size_t cr_catalog_tier(const cr_catalog *cat, const char *id)
{
    if (!cat || !id)
        return CR_NONE;
    for (size_t i = 0; i < cat->ntiers; i++)
        if (strcmp(cat->tiers[i].id, id) == 0)
            return i;
    return CR_NONE;
}

size_t cr_catalog_band(const cr_catalog *cat, const char *id)
{
    if (!cat || !id)
        return CR_NONE;
    for (size_t i = 0; i < cat->nbands; i++)
        if (strcmp(cat->bands[i].id, id) == 0)
            return i;
    return CR_NONE;
}

size_t cr_catalog_region_by_id(const cr_catalog *cat, const char *id)
{
    if (!cat || !id)
        return CR_NONE;
    for (size_t i = 0; i < cat->nregions; i++)
        if (strcmp(cat->regions[i].id, id) == 0)
            return i;
    return CR_NONE;
}

size_t cr_catalog_region(const cr_catalog *cat, const char *country)
{
    if (!cat || !country)
        return CR_NONE;
    for (size_t i = 0; i < cat->nregions; i++)
        for (size_t k = 0; k < cat->regions[i].ncountries; k++)
            if (strcmp(cat->regions[i].countries[k], country) == 0)
                return i;
    return CR_NONE;
}

size_t cr_catalog_band_of(const cr_catalog *cat, long population)
{
    if (!cat)
        return CR_NONE;
    for (size_t i = 0; i < cat->nbands; i++)
        if (population >= cat->bands[i].min &&
            (cat->bands[i].max < 0 || population <= cat->bands[i].max))
            return i;
    return CR_NONE;
}

const char *cr_answer_name(cr_answer a)
{
    switch (a) {
    case CR_ANSWER_YES:
        return "yes";
    case CR_ANSWER_IN_PROGRESS:
        return "in-progress";
    case CR_ANSWER_NO:
        return "no";
    default:
        return "?";
    }
}
