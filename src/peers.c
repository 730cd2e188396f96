/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: cohort statistics (see certreport/peers.h). */
#define _POSIX_C_SOURCE 200809L
#include "certreport/peers.h"
#include "args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "text.h"
#include "xmlsafe.h"

/* |id| in lower case, into |buf|. */
static const char *lower(char *buf, size_t size, const char *id)
{
    size_t k = 0;
    for (; id[k] && k + 1 < size; k++)
        buf[k] = id[k] >= 'A' && id[k] <= 'Z' ? (char)(id[k] - 'A' + 'a') : id[k];
    buf[k] = '\0';
    return buf;
}

cr_peers *cr_peers_new(const cr_catalog *cat, cr_error *err)
{
    if (CR_ARG_NULL(cat, err))
        return NULL;
    cr_peers *p = calloc(1, sizeof *p);
    if (p) {
        p->catalog = cat;
        p->recorded = true;
        p->regions = calloc(cat->nregions + 1, sizeof *p->regions);
        p->bands = calloc(cat->nbands + 1, sizeof *p->bands);
        p->yes = calloc(cat->ncriteria + 1, sizeof *p->yes);
        p->yes_band = calloc(cat->ncriteria * cat->nbands + 1, sizeof *p->yes_band);
    }
    if (!p || !p->regions || !p->bands || !p->yes || !p->yes_band) {
        cr_peers_free(p);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    return p;
}

void cr_peers_free(cr_peers *p)
{
    if (!p)
        return;
    free(p->regions);
    free(p->bands);
    free(p->yes);
    free(p->yes_band);
    for (size_t i = 0; i < p->nleft_out; i++)
        free(p->left_out[i]);
    free(p->left_out);
    free(p);
}

cr_status cr_peers_leave_out(cr_peers *p, const char *id, cr_error *err)
{
    if (CR_ARG_NULL(p, err) || CR_ARG_NULL(id, err))
        return CR_EUSAGE;
    char **n = realloc(p->left_out, (p->nleft_out + 1) * sizeof *n);
    if (!n)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    p->left_out = n;
    if (!(n[p->nleft_out] = strdup(id)))
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    p->nleft_out++;
    p->cities++;
    return CR_OK;
}

void cr_peers_add(cr_peers *p, const cr_audited *a, const cr_scorecard *sc)
{
    if (!p || !a || !sc || !a->criteria || a->ncriteria != p->catalog->ncriteria ||
        (sc->region != CR_NONE && sc->region >= p->catalog->nregions) ||
        (sc->band != CR_NONE && sc->band >= p->catalog->nbands))
        return; /* not this catalog's: nothing to count (see peers.h) */
    const cr_catalog *cat = p->catalog;
    p->cities++;
    p->used++;
    if (sc->eligibility != CR_ELIGIBLE || sc->region == CR_NONE || sc->band == CR_NONE) {
        p->excluded++;
        return;
    }
    p->applicants++;
    p->regions[sc->region].applicants++;
    p->regions[sc->region].met += sc->met;
    p->bands[sc->band].applicants++;
    p->bands[sc->band].met += sc->met;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        if (a->criteria[i].answer == CR_ANSWER_YES) {
            p->yes[i]++;
            p->yes_band[i * cat->nbands + sc->band]++;
        }
    }
}

double cr_peers_average(const cr_peers *p, const cr_peer_group *g)
{
    if (!p || !g)
        return 0.0;
    if (g->applicants == 0 || p->catalog->ncriteria == 0)
        return 0.0;
    return 100.0 * (double)g->met / ((double)g->applicants * (double)p->catalog->ncriteria);
}

double cr_peers_share(const cr_peers *p, size_t criterion, size_t band)
{
    if (!p || criterion >= p->catalog->ncriteria || (band != CR_NONE && band >= p->catalog->nbands))
        return 0.0;
    const cr_catalog *cat = p->catalog;
    unsigned long yes, of;
    if (band == CR_NONE) {
        yes = p->yes[criterion];
        of = p->applicants;
    } else {
        yes = p->yes_band[criterion * cat->nbands + band];
        of = p->bands[band].applicants;
    }
    return of ? 100.0 * (double)yes / (double)of : 0.0;
}

cr_status cr_peers_save(const cr_peers *p, const char *path, cr_error *err)
{
    if (CR_ARG_NULL(p, err) || CR_ARG_NULL(path, err))
        return CR_EUSAGE;
    const cr_catalog *cat = p->catalog;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    /* Every name written here is an id or code the catalog schema restricted to [A-Za-z0-9+_-]. */
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f,
            "<!-- certreport peer statistics: counts of eligible applicants; do not edit. -->\n");
    fprintf(f, "<peers format=\"1\" edition=\"%s\" applicants=\"%lu\" excluded=\"%lu\">\n",
            cat->edition, p->applicants, p->excluded);
    if (p->recorded) {
        /* Ids passed the cohort scan's check (letters, digits, '.', '_', '-'): nothing to escape.
         */
        fprintf(f, "  <cohort cities=\"%lu\" used=\"%lu\"%s\n", p->cities, p->used,
                p->nleft_out ? ">" : "/>");
        for (size_t i = 0; i < p->nleft_out; i++)
            fprintf(f, "    <left-out id=\"%s\"/>\n", p->left_out[i]);
        if (p->nleft_out)
            fprintf(f, "  </cohort>\n");
    }
    for (size_t r = 0; r < cat->nregions; r++)
        fprintf(f, "  <region id=\"%s\" applicants=\"%lu\" met=\"%lu\"/>\n", cat->regions[r].id,
                p->regions[r].applicants, p->regions[r].met);
    /* Band ids in lower case, as every machine output writes them (json.h); read back in any case.
     */
    char band[64];
    for (size_t b = 0; b < cat->nbands; b++)
        fprintf(f, "  <band id=\"%s\" applicants=\"%lu\" met=\"%lu\"/>\n",
                lower(band, sizeof band, cat->bands[b].id), p->bands[b].applicants,
                p->bands[b].met);
    for (size_t i = 0; i < cat->ncriteria; i++) {
        fprintf(f, "  <criterion code=\"%s\" yes=\"%lu\">", cat->criteria[i].code, p->yes[i]);
        for (size_t b = 0; b < cat->nbands; b++)
            fprintf(f, "<band id=\"%s\" yes=\"%lu\"/>", lower(band, sizeof band, cat->bands[b].id),
                    p->yes_band[i * cat->nbands + b]);
        fprintf(f, "</criterion>\n");
    }
    fprintf(f, "</peers>\n");
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    }
    cr_status rc = cr_write_atomic(path, buf, len, err);
    free(buf);
    return rc;
}

/* Reading back: every count is checked against the others, so a hand-edited or truncated
 * file cannot produce shares above 100% or averages from nowhere. */
typedef struct reader {
    cr_peers *p;
    const char *name;
    cr_error *err;
    bool bad;
} reader;

static bool count(reader *r, xmlNodePtr n, const char *attr, unsigned long *out)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
    bool ok = v && cr_parse_uint((const char *)v, 1000000000ul, out);
    xmlFree(v);
    if (!ok) {
        cr_error_set(r->err, CR_EINPUT, r->name, cr_xml_line(n), "attribute %s is not a count",
                     attr);
        r->bad = true;
    }
    return ok;
}

/* Whether |attr| of |n| is |want|, ASCII letters in any case (band ids were written "30K-100K"
 * before the one vocabulary, "30k-100k" since). */
static bool id_is(xmlNodePtr n, const char *attr, const char *want)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
    bool same = v != NULL;
    const char *a = (const char *)v;
    for (size_t i = 0; same; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] - 'A' + 'a') : a[i];
        char y = want[i] >= 'A' && want[i] <= 'Z' ? (char)(want[i] - 'A' + 'a') : want[i];
        same = x == y;
        if (!x || !y)
            break;
    }
    xmlFree(v);
    return same;
}

static void expect(reader *r, xmlNodePtr n, const char *what, const char *want)
{
    cr_error_set(r->err, CR_EINPUT, r->name, cr_xml_line(n),
                 "expected %s %s here (the file must list the catalog's, in order)", what, want);
    r->bad = true;
}

static void too_many(reader *r, xmlNodePtr n, const char *what)
{
    cr_error_set(r->err, CR_EINPUT, r->name, cr_xml_line(n),
                 "%s is larger than the applicants it counts", what);
    r->bad = true;
}

/* <cohort cities used><left-out id/>...</cohort>: optional (older files lack it). */
static bool read_cohort(reader *r, xmlNodePtr n)
{
    cr_peers *p = r->p;
    if (!count(r, n, "cities", &p->cities) || !count(r, n, "used", &p->used))
        return false;
    for (xmlNodePtr c = cr_xml_elem(n->children); c; c = cr_xml_elem(c->next)) {
        xmlChar *id = xmlGetNoNsProp(c, (const xmlChar *)"id");
        bool ok = id != NULL;
        char **more = ok ? realloc(p->left_out, (p->nleft_out + 1) * sizeof *more) : NULL;
        if (more) {
            p->left_out = more;
            ok = (more[p->nleft_out] = strdup((const char *)id)) != NULL;
            p->nleft_out += ok;
        }
        xmlFree(id);
        if (!ok || !more) {
            cr_error_set(r->err, CR_ENOMEM, r->name, cr_xml_line(c), "out of memory");
            r->bad = true;
            return false;
        }
    }
    if (p->used != p->applicants + p->excluded || p->cities != p->used + p->nleft_out) {
        cr_error_set(
            r->err, CR_EINPUT, r->name, cr_xml_line(n),
            "cohort counts do not add up (cities = used + left out, used = applicants + excluded)");
        r->bad = true;
        return false;
    }
    p->recorded = true;
    return true;
}

cr_peers *cr_peers_load(const char *path, const cr_catalog *cat, const cr_schemas *schemas,
                        cr_error *err)
{
    if (CR_ARG_NULL(path, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    size_t len;
    char *buf = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!buf)
        return NULL;
    cr_peers *p = cr_peers_parse(buf, len, path, cat, schemas, err);
    free(buf);
    return p;
}

cr_peers *cr_peers_parse(const char *buf, size_t len, const char *path, const cr_catalog *cat,
                         const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(buf, err) || CR_ARG_NULL(path, err) || CR_ARG_NULL(cat, err) ||
        CR_ARG_NULL(schemas, err))
        return NULL;
    xmlDocPtr doc = cr_xml_load(buf, len, path, schemas, CR_SCHEMA_PEERS, "peers", err);
    if (!doc)
        return NULL;
    reader r = {.name = path, .err = err};
    cr_peers *p = r.p = cr_peers_new(cat, err);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr n = cr_xml_elem(root->children);
    unsigned long sum = 0;
    if (!p)
        goto done;
    if (!id_is(root, "edition", cat->edition)) {
        cr_error_set(
            err, CR_EINPUT, path, cr_xml_line(root),
            "peers were computed for another edition of the standard (catalog %s is edition %s)",
            cat->file, cat->edition);
        r.bad = true;
        goto done;
    }
    if (!count(&r, root, "applicants", &p->applicants) ||
        !count(&r, root, "excluded", &p->excluded))
        goto done;
    p->recorded = false;
    if (cr_xml_is(n, "cohort")) {
        if (!read_cohort(&r, n))
            goto done;
        n = cr_xml_elem(n->next);
    }
    for (size_t i = 0; i < cat->nregions && !r.bad; i++, n = cr_xml_elem(n->next)) {
        if (!cr_xml_is(n, "region") || !id_is(n, "id", cat->regions[i].id)) {
            expect(&r, n ? n : root, "region", cat->regions[i].id);
            goto done;
        }
        if (count(&r, n, "applicants", &p->regions[i].applicants) &&
            count(&r, n, "met", &p->regions[i].met) &&
            p->regions[i].met > p->regions[i].applicants * cat->ncriteria)
            too_many(&r, n, "met");
        sum += p->regions[i].applicants;
    }
    if (!r.bad && sum != p->applicants) {
        cr_error_set(err, CR_EINPUT, path, cr_xml_line(root),
                     "region applicants do not add up to %lu", p->applicants);
        r.bad = true;
        goto done;
    }
    sum = 0;
    for (size_t b = 0; b < cat->nbands && !r.bad; b++, n = cr_xml_elem(n->next)) {
        if (!cr_xml_is(n, "band") || !id_is(n, "id", cat->bands[b].id)) {
            expect(&r, n ? n : root, "band", cat->bands[b].id);
            goto done;
        }
        if (count(&r, n, "applicants", &p->bands[b].applicants) &&
            count(&r, n, "met", &p->bands[b].met) &&
            p->bands[b].met > p->bands[b].applicants * cat->ncriteria)
            too_many(&r, n, "met");
        sum += p->bands[b].applicants;
    }
    if (!r.bad && sum != p->applicants) {
        cr_error_set(err, CR_EINPUT, path, cr_xml_line(root),
                     "band applicants do not add up to %lu", p->applicants);
        r.bad = true;
        goto done;
    }
    for (size_t i = 0; i < cat->ncriteria && !r.bad; i++, n = cr_xml_elem(n->next)) {
        if (!cr_xml_is(n, "criterion") || !id_is(n, "code", cat->criteria[i].code)) {
            expect(&r, n ? n : root, "criterion", cat->criteria[i].code);
            goto done;
        }
        if (count(&r, n, "yes", &p->yes[i]) && p->yes[i] > p->applicants)
            too_many(&r, n, "yes");
        xmlNodePtr bn = cr_xml_elem(n->children);
        for (size_t b = 0; b < cat->nbands && !r.bad; b++, bn = cr_xml_elem(bn->next)) {
            if (!bn || !id_is(bn, "id", cat->bands[b].id)) {
                expect(&r, bn ? bn : n, "band", cat->bands[b].id);
                goto done;
            }
            unsigned long *y = &p->yes_band[i * cat->nbands + b];
            if (count(&r, bn, "yes", y) && *y > p->bands[b].applicants)
                too_many(&r, bn, "yes");
        }
        if (!r.bad && bn) {
            cr_error_set(err, CR_EINPUT, path, cr_xml_line(bn), "unexpected band");
            r.bad = true;
        }
    }
    if (!r.bad && n) {
        cr_error_set(err, CR_EINPUT, path, cr_xml_line(n), "unexpected element <%s>",
                     (const char *)n->name);
        r.bad = true;
    }
done:
    xmlFreeDoc(doc);
    if (!p || r.bad) {
        cr_peers_free(p);
        return NULL;
    }
    return p;
}
