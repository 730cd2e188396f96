/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: reading a submission (see certreport/input.h). The schema checks the syntax; this
 * file checks everything that needs the catalog or arithmetic, and reports every problem it
 * finds (the first is kept in the error record). */
#include "certreport/input.h"
#include "args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "text.h"
#include "xmlsafe.h"

/* Populations above this are a typo, not a city. */
#define MAX_POPULATION 40000000ul

typedef struct reader {
    const cr_catalog *cat;
    cr_arena *arena;
    const char *name;
    cr_error *err;
    bool oom, bad;
} reader;

static const char *attr(reader *r, xmlNodePtr n, const char *a)
{
    return cr_xml_attr(r->arena, n, a, &r->oom);
}

static void problem(reader *r, xmlNodePtr n, const char *fmt, const char *arg)
{
    char msg[300];
    snprintf(msg, sizeof msg, fmt, arg);
    cr_error_set(r->err, CR_EINPUT, r->name, cr_xml_line(n), "%s", msg);
    r->bad = true;
}

/* Attributes each element takes; others are warned about and ignored. */
static const char *const known_submission[] = {"id", "cycle", "submitted", "lang", NULL};
static const char *const known_city[] = {"name", "country", "subdivision", "population", NULL};
static const char *const known_response[] = {"criterion", "answer", NULL};
static const char *const known_outcome[] = {"metric", "value", "year",   "source",
                                            "name",   "sdg",   "target", NULL};
static const char *const known_program[] = {"name", "criteria", NULL};

/* A subdivision as ISO 3166-2 writes it ("US-TX"), from that form or the bare code ("TX"), in
 * any case. NULL when out of memory. */
static const char *normal_subdivision(reader *r, const char *country, char *sub)
{
    cr_ascii_upper(sub);
    if (strchr(sub, '-'))
        return sub;
    size_t n = strlen(country) + 1 + strlen(sub) + 1;
    char *full = cr_arena_alloc(r->arena, n);
    if (!full) {
        r->oom = true;
        return NULL;
    }
    snprintf(full, n, "%s-%s", country, sub);
    return full;
}

static void read_city(reader *r, xmlNodePtr c, cr_submission *s)
{
    s->city.line = cr_xml_line(c);
    cr_xml_warn_attrs(c, known_city, r->name, r->err);
    s->city.name = attr(r, c, "name");
    char *country = (char *)attr(r, c, "country");
    char *sub = (char *)attr(r, c, "subdivision");
    const char *pop = attr(r, c, "population");
    if (r->oom)
        return;
    cr_ascii_upper(country); /* "us" is US */
    s->city.country = country;
    s->city.subdivision = sub ? normal_subdivision(r, country, sub) : NULL;
    if (r->oom)
        return;
    unsigned long p;
    if (!cr_parse_uint(pop, MAX_POPULATION, &p))
        problem(r, c, "population %s is out of range (a whole number up to 40000000)", pop);
    else if (p == 0)
        problem(r, c, "population must be positive%s", "");
    else
        s->city.population = (long)p;
    if (s->city.subdivision && strncmp(s->city.subdivision, s->city.country, 2) != 0)
        problem(r, c, "subdivision %s is not in the city's country", s->city.subdivision);
    if (!s->city.name[0])
        problem(r, c, "the city needs a name%s", "");
}

/* The most responses a submission and evidence items a response may hold: a bound on a hostile
 * document's work, checked here rather than by maxOccurs in submission.xsd (libxml2's counted
 * content models cost some 5% of a submission's load). */
enum { MAX_RESPONSES = 1000, MAX_EVIDENCE = 20 };

/* The element after the first |max| of |first| and its element siblings, or NULL: where a list
 * is one too long. */
static xmlNodePtr one_too_many(xmlNodePtr first, size_t max)
{
    xmlNodePtr c = cr_xml_elem(first);
    for (size_t n = 0; c && n < max; n++)
        c = cr_xml_elem(c->next);
    return c;
}

static void read_responses(reader *r, xmlNodePtr list, cr_submission *s)
{
    const cr_catalog *cat = r->cat;
    cr_response *resp = cr_arena_calloc(r->arena, cat->ncriteria, sizeof *resp);
    if (!resp) {
        r->oom = true;
        return;
    }
    s->responses = resp;
    s->nresponses = cat->ncriteria;
    size_t next = 0; /* responses usually come in the catalog's order: try that one first */
    /* The bounds first, as the schema checked them before any other problem was found. */
    xmlNodePtr over = one_too_many(list->children, MAX_RESPONSES);
    if (over) {
        problem(r, over, "more than 1000 responses%s", "");
        return;
    }
    for (xmlNodePtr c = cr_xml_elem(list->children); c; c = cr_xml_elem(c->next)) {
        if ((over = one_too_many(c->children, MAX_EVIDENCE))) {
            problem(r, over, "more than 20 evidence items in one response%s", "");
            continue;
        }
        cr_xml_warn_attrs(c, known_response, r->name, r->err);
        bool code_spaced, answer_spaced;
        char *code = (char *)cr_xml_attr_spaced(r->arena, c, "criterion", &code_spaced, &r->oom);
        const char *answer = cr_xml_attr_spaced(r->arena, c, "answer", &answer_spaced, &r->oom);
        if (r->oom)
            return;
        /* What submission.xsd's patterns refused before the loader took them over: a code or an
         * answer with stray spaces (an unknown code or answer is named below). */
        if (code_spaced) {
            problem(r, c, "criterion %s has stray spaces (a code is letters, then digits)", code);
            continue;
        }
        cr_ascii_upper(code); /* "dm1" is DM1 */
        size_t i = next < cat->ncriteria && strcmp(cat->criteria[next].code, code) == 0
                       ? next
                       : cr_catalog_criterion(cat, code);
        if (i == CR_NONE) {
            problem(r, c, "unknown criterion %s (not in the catalog)", code);
            continue;
        }
        if (resp[i].line) {
            char msg[200];
            snprintf(msg, sizeof msg, "duplicate response to %s (first on line %ld)", code,
                     resp[i].line);
            problem(r, c, "%s", msg);
            continue;
        }
        next = i + 1;
        resp[i].line = cr_xml_line(c);
        if (answer_spaced)
            problem(r, c, "answer %s has stray spaces (yes, in-progress or no)", answer);
        else if (!cr_parse_answer(answer, &resp[i].answer))
            problem(r, c, "answer %s is not yes, in-progress or no", answer);
        size_t ne = 0;
        for (xmlNodePtr e = cr_xml_elem(c->children); e; e = cr_xml_elem(e->next))
            ne++;
        if (ne) {
            const char **ev = cr_arena_calloc(r->arena, ne, sizeof *ev);
            if (!ev) {
                r->oom = true;
                return;
            }
            size_t k = 0;
            for (xmlNodePtr e = cr_xml_elem(c->children); e; e = cr_xml_elem(e->next))
                ev[k++] = cr_xml_text(r->arena, e, &r->oom);
            resp[i].evidence = ev;
            resp[i].nevidence = ne;
        }
    }
    /* Every criterion needs an answer: name the missing ones (the first few). */
    char missing[200] = "";
    size_t nmissing = 0;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        if (resp[i].line)
            continue;
        if (nmissing < 8) {
            size_t used = strlen(missing);
            snprintf(missing + used, sizeof missing - used, "%s%s", nmissing ? " " : "",
                     cat->criteria[i].code);
        }
        nmissing++;
    }
    if (nmissing) {
        char msg[260];
        snprintf(msg, sizeof msg, "missing response%s: %s%s", nmissing > 1 ? "s" : "", missing,
                 nmissing > 8 ? " …" : "");
        problem(r, list, "%s", msg);
    }
}

static void read_outcomes(reader *r, xmlNodePtr list, cr_submission *s)
{
    const cr_catalog *cat = r->cat;
    cr_outcome_value *out =
        cr_arena_calloc(r->arena, cat->noutcomes ? cat->noutcomes : 1, sizeof *out);
    if (!out) {
        r->oom = true;
        return;
    }
    s->outcomes = out;
    s->noutcomes = cat->noutcomes;
    if (!list)
        return;
    for (xmlNodePtr c = cr_xml_elem(list->children); c; c = cr_xml_elem(c->next)) {
        cr_xml_warn_attrs(c, known_outcome, r->name, r->err);
        const char *metric = attr(r, c, "metric");
        const char *value = attr(r, c, "value");
        const char *year = attr(r, c, "year");
        const char *sdg = attr(r, c, "sdg");
        if (r->oom)
            return;
        size_t i = cr_catalog_outcome(cat, metric);
        if (i == CR_NONE) {
            problem(r, c, "unknown outcome metric %s (not in the catalog)", metric);
            continue;
        }
        if (out[i].present) {
            problem(r, c, "outcome %s is given twice", metric);
            continue;
        }
        cr_outcome_value *o = &out[i];
        const cr_outcome_def *def = &cat->outcomes[i];
        o->present = true;
        o->line = cr_xml_line(c);
        o->value_text = value;
        o->source = attr(r, c, "source");
        o->name = attr(r, c, "name");
        o->target = attr(r, c, "target");
        if (def->rule != CR_RULE_VERDICT) {
            char number[64] = "";
            /* "82.4%" for a percentage is 82.4, written differently. */
            if (value && def->unit && strcmp(def->unit, "%") == 0) {
                snprintf(number, sizeof number, "%s", value);
                size_t n = strlen(number);
                if (n > 1 && number[n - 1] == '%')
                    number[n - 1] = '\0';
                n = strlen(number);
                if (n > 0 && number[n - 1] == ' ')
                    number[n - 1] = '\0';
            }
            if (!value)
                problem(r, c, "outcome %s needs a value", metric);
            else if (!cr_parse_decimal(number[0] ? number : value, &o->value))
                problem(r, c, "outcome value %s is not a plain decimal number (like 82.4)", value);
            else if (o->value < 0 || o->value > 100000 ||
                     (def->unit && strcmp(def->unit, "%") == 0 && o->value > 100))
                problem(r, c, "outcome value %s is out of range", value);
        } else if (!o->name) {
            problem(r, c, "the nominated outcome %s needs a name", metric);
        }
        unsigned long v;
        if (year) {
            if (!cr_parse_uint(year, 2199, &v) || v < 1990)
                problem(r, c, "year %s is out of range (1990-2199)", year);
            else
                o->year = (int)v;
        }
        if (sdg) {
            if (!cr_parse_uint(sdg, 17, &v) || v < 1)
                problem(r, c, "sdg %s is not a UN Sustainable Development Goal (1-17)", sdg);
            else
                o->sdg = (int)v;
        }
    }
}

static void read_programs(reader *r, xmlNodePtr list, cr_submission *s)
{
    size_t n = 0;
    for (xmlNodePtr c = cr_xml_elem(list->children); c; c = cr_xml_elem(c->next))
        n++;
    cr_program *p = cr_arena_calloc(r->arena, n ? n : 1, sizeof *p);
    if (!p) {
        r->oom = true;
        return;
    }
    s->programs = p;
    s->nprograms = n;
    size_t i = 0;
    for (xmlNodePtr c = cr_xml_elem(list->children); c; c = cr_xml_elem(c->next), i++) {
        cr_xml_warn_attrs(c, known_program, r->name, r->err);
        p[i].name = attr(r, c, "name");
        p[i].line = cr_xml_line(c);
        const char *codes = attr(r, c, "criteria");
        char *copy = codes ? cr_arena_strdup(r->arena, codes) : NULL;
        cr_ascii_upper(copy);
        size_t *idx = codes ? cr_arena_calloc(r->arena, strlen(codes) / 2 + 1, sizeof *idx) : NULL;
        if (r->oom || !copy || !idx) {
            r->oom = true;
            return;
        }
        size_t k = 0;
        for (char *w = copy; *w;) {
            char *end = strchr(w, ' ');
            if (end)
                *end = '\0';
            size_t ci = cr_catalog_criterion(r->cat, w);
            if (ci == CR_NONE)
                problem(r, c, "program names unknown criterion %s", w);
            else
                idx[k++] = ci;
            w = end ? end + 1 : w + strlen(w);
        }
        p[i].criteria = idx;
        p[i].ncriteria = k;
    }
}

cr_submission *cr_submission_parse(const char *buf, size_t len, const char *name,
                                   const cr_catalog *cat, const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(buf, err) || CR_ARG_NULL(name, err) || CR_ARG_NULL(cat, err) ||
        CR_ARG_NULL(schemas, err))
        return NULL;
    reader r = {.cat = cat, .name = name, .err = err};
    xmlDocPtr doc = cr_xml_load(buf, len, name, schemas, CR_SCHEMA_SUBMISSION, "submission", err);
    if (!doc)
        return NULL;
    cr_submission *s = NULL;
    r.arena = cr_arena_new();
    if (!r.arena || !(s = cr_arena_alloc(r.arena, sizeof *s))) {
        r.oom = true;
        goto done;
    }
    s->arena_ = r.arena;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    s->file = cr_arena_strdup(r.arena, name);
    s->line = cr_xml_line(root);
    cr_xml_warn_attrs(root, known_submission, name, err);
    s->id = attr(&r, root, "id");
    char *lang = (char *)attr(&r, root, "lang");
    const char *cycle = attr(&r, root, "cycle");
    char *submitted = (char *)attr(&r, root, "submitted");
    if (r.oom)
        goto done;
    /* A language tag with a region or script ("pt-BR", "fr_CA", "EN") is its language. */
    if (lang) {
        lang[strcspn(lang, "-_")] = '\0';
        cr_ascii_lower(lang);
    }
    s->lang = lang;
    /* A portal may export the submission time: the date is what counts. */
    if (submitted[0] && strlen(submitted) > 10 && submitted[10] == 'T') {
        int64_t t;
        if (!cr_parse_datetime(submitted, &t))
            problem(&r, root, "submitted time %s is not a real date and time", submitted);
        submitted[10] = '\0';
    }
    unsigned long cy = 0;
    if (!cr_parse_uint(cycle, 2199, &cy) || cy < 2015)
        problem(&r, root, "cycle %s is out of range (2015-2199)", cycle);
    s->cycle = (int)cy;
    if (!cr_parse_date(submitted, &s->submitted))
        problem(&r, root, "submitted date %s is not a real date (YYYY-MM-DD, 1900-2199)",
                submitted);
    read_city(&r, cr_xml_child(root, "city"), s);
    if (!r.oom)
        read_responses(&r, cr_xml_child(root, "responses"), s);
    if (!r.oom)
        read_outcomes(&r, cr_xml_child(root, "outcomes"), s);
    xmlNodePtr programs = cr_xml_child(root, "programs");
    if (!r.oom && programs)
        read_programs(&r, programs, s);
done:
    if (r.oom)
        cr_error_set(err, CR_ENOMEM, name, 0, "out of memory");
    xmlFreeDoc(doc);
    if (r.oom || r.bad) {
        cr_arena_free(r.arena);
        return NULL;
    }
    return s;
}

cr_submission *cr_submission_load(const char *path, const cr_catalog *cat,
                                  const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(path, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    size_t len;
    char *buf = cr_read_file(path, CR_SUBMISSION_MAX_BYTES, &len, err);
    if (!buf)
        return NULL;
    cr_submission *s = cr_submission_parse(buf, len, path, cat, schemas, err);
    free(buf);
    return s;
}

void cr_submission_free(cr_submission *s)
{
    if (s)
        cr_arena_free(s->arena_);
}

cr_kind cr_input_kind(const char *path, cr_error *err)
{
    static const struct {
        const char *root;
        cr_kind kind;
    } kinds[] = {{"submission", CR_KIND_SUBMISSION},
                 {"audit", CR_KIND_AUDIT},
                 {"catalog", CR_KIND_CATALOG},
                 {"peers", CR_KIND_PEERS}};
    if (CR_ARG_NULL(path, err))
        return CR_KIND_UNKNOWN;
    size_t len;
    char *buf = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!buf)
        return CR_KIND_UNKNOWN;
    /* Only the kind is wanted here: warnings come when the file is loaded for real. */
    cr_error quiet;
    cr_error_init(&quiet);
    xmlDocPtr doc = cr_xml_parse(buf, len, path, &quiet);
    free(buf);
    if (!doc) {
        cr_error_set(err, quiet.code, quiet.file, quiet.line, "%s", quiet.message);
        return CR_KIND_UNKNOWN;
    }
    cr_kind kind = CR_KIND_UNKNOWN;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (cr_xml_is(root, kinds[i].root))
            kind = kinds[i].kind;
    if (kind == CR_KIND_UNKNOWN)
        cr_error_set(err, CR_EINPUT, path, cr_xml_line(root),
                     "<%s> is not a certreport format (submission, audit, catalog or peers)",
                     root ? (const char *)root->name : "");
    xmlFreeDoc(doc);
    return kind;
}
