/* SPDX-License-Identifier: Apache-2.0 */
/* certreport serve: the page for cities and staff (issue #17, item 4).
 *
 * GET / is assets/web/index.html; its stylesheet, script and strings are the other files of a
 * fixed list (no path from the request ever reaches the file system, so there is nothing to
 * traverse). Every file is read once, when the service starts, and answered from memory with its
 * type, an ETag (its SHA-256; 304 when If-None-Match has it), "Cache-Control: no-cache" (a browser
 * keeps it but asks each time, so a new version is seen at once) and a Content-Security-Policy
 * that lets the page load only its own script, style and API, and blob: images (the previews).
 *
 * GET /v1/catalog?lang=L is the standard as the page shows it (areas, criteria with their
 * statements, outcomes, tiers) in language L, built once per language from the installation's
 * catalog and its translation (assets/catalog-EDITION.L.xml). The standard is public: neither
 * needs a token. Everything a city sends goes to the token-checked endpoints of serve.c. */
#define _GNU_SOURCE
#include "serve_web.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <nettle/sha2.h>

#include "fileio.h"

#define MAX_FILE (1024u * 1024u)
#define MAX_LANGS 16

/* The page's files: URL, file under assets/web/, type. The only files served. */
static const struct {
    const char *url, *file, *type;
} files[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/app.css", "app.css", "text/css; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/i18n.json", "i18n.json", "application/json; charset=utf-8"},
};
#define NFILES (sizeof files / sizeof files[0])

#define CATALOG_URL "/v1/catalog"

/* No inline script or style, no other origin, no framing, no forms posted elsewhere. */
static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; "
                          "form-action 'none'; frame-ancestors 'none'";

typedef struct blob {
    char *data;
    size_t len;
    char etag[68]; /* "SHA-256 hex" */
} blob;

struct serve_web {
    blob file[NFILES];
    size_t nlangs, base; /* base: the catalog's own language, the default */
    char lang[MAX_LANGS][17];
    blob catalog[MAX_LANGS];
};

static void set_etag(blob *b)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, b->len, (const uint8_t *)b->data);
    sha256_digest(&ctx, sizeof d, d);
    b->etag[0] = '"';
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(b->etag + 1 + 2 * i, 3, "%02x", d[i]);
    b->etag[1 + 2 * sizeof d] = '"';
    b->etag[2 + 2 * sizeof d] = '\0';
}

static const char *rule_name(cr_outcome_rule r)
{
    return r == CR_RULE_AT_LEAST ? "at-least" : r == CR_RULE_AT_MOST ? "at-most" : "verdict";
}

/* The catalog as the page reads it. NULL when out of memory. */
static json_t *catalog_json(const cr_catalog *cat, const char *lang)
{
    json_t *j = json_object(), *tiers = json_array(), *areas = json_array(),
           *outcomes = json_array(), *regions = json_object();
    if (!j || !tiers || !areas || !outcomes || !regions) {
        json_decref(j), json_decref(tiers), json_decref(areas), json_decref(outcomes);
        json_decref(regions);
        return NULL;
    }
    for (size_t i = 0; i < cat->nregions; i++)
        json_object_set_new(regions, cat->regions[i].id, json_string(cat->regions[i].name));
    json_object_set_new(j, "edition", json_string(cat->edition));
    json_object_set_new(j, "lang", json_string(lang));
    json_object_set_new(j, "title", json_string(cat->title));
    json_object_set_new(j, "total", json_integer((json_int_t)cat->ncriteria));
    for (size_t i = 0; i < cat->ntiers; i++) {
        const cr_tier *t = &cat->tiers[i];
        json_t *e = json_object(), *req = json_array();
        for (size_t k = 0; k < t->nrequires; k++)
            json_array_append_new(req, json_string(cat->criteria[t->requires[k]].code));
        json_object_set_new(e, "id", json_string(t->id));
        json_object_set_new(e, "name", json_string(t->name));
        json_object_set_new(e, "need",
                            json_integer((json_int_t)((t->percent * cat->ncriteria + 99) / 100)));
        json_object_set_new(e, "min_outcomes",
                            t->min_outcomes == CR_ALL_OUTCOMES ? json_string("all")
                                                               : json_integer(t->min_outcomes));
        json_object_set_new(e, "requires", req);
        json_array_append_new(tiers, e);
    }
    for (size_t i = 0; i < cat->nareas; i++) {
        const cr_area *a = &cat->areas[i];
        json_t *e = json_object(), *crit = json_array();
        for (size_t k = a->first; k < a->first + a->count; k++) {
            const cr_criterion *c = &cat->criteria[k];
            json_t *ce = json_object();
            json_object_set_new(ce, "code", json_string(c->code));
            json_object_set_new(ce, "name", json_string(c->name));
            json_object_set_new(ce, "statement", json_string(c->statement));
            json_object_set_new(ce, "core", json_boolean(c->core));
            json_array_append_new(crit, ce);
        }
        json_object_set_new(e, "code", json_string(a->code));
        json_object_set_new(e, "name", json_string(a->name));
        json_object_set_new(e, "criteria", crit);
        json_array_append_new(areas, e);
    }
    for (size_t i = 0; i < cat->noutcomes; i++) {
        const cr_outcome_def *o = &cat->outcomes[i];
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(o->id));
        json_object_set_new(e, "name", json_string(o->name));
        json_object_set_new(e, "indicator", json_string(o->indicator));
        json_object_set_new(e, "rule", json_string(rule_name(o->rule)));
        json_object_set_new(e, "standard",
                            o->rule == CR_RULE_VERDICT ? json_null() : json_real(o->standard));
        json_object_set_new(e, "unit", o->unit ? json_string(o->unit) : json_null());
        json_array_append_new(outcomes, e);
    }
    json_object_set_new(j, "regions", regions);
    json_object_set_new(j, "tiers", tiers);
    json_object_set_new(j, "areas", areas);
    json_object_set_new(j, "outcomes", outcomes);
    return j;
}

/* Stores |j| (stolen) as the catalog of language number |i|, the list of languages added. */
static cr_status store_catalog(serve_web *w, size_t i, json_t *j, cr_error *err)
{
    json_t *langs = json_array();
    for (size_t k = 0; langs && k < w->nlangs; k++)
        json_array_append_new(langs, json_string(w->lang[k]));
    if (j && langs)
        json_object_set_new(j, "languages", langs);
    else
        json_decref(langs);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!s)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    w->catalog[i].data = s;
    w->catalog[i].len = strlen(s);
    set_etag(&w->catalog[i]);
    return CR_OK;
}

static int cmp_lang(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The languages: the catalog's own, and every LANG of assets/strings/LANG.xml. */
static void find_langs(serve_web *w, const cr_install *in, const cr_catalog *cat)
{
    snprintf(w->lang[w->nlangs++], sizeof w->lang[0], "%s", cat->lang ? cat->lang : "en");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/strings", cr_install_assets(in));
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) && w->nlangs < MAX_LANGS;) {
        size_t n = strlen(e->d_name);
        if (n < 5 || n > 4 + 16 || strcmp(e->d_name + n - 4, ".xml") != 0 || e->d_name[0] == '.')
            continue;
        char lang[17];
        snprintf(lang, sizeof lang, "%.*s", (int)(n - 4), e->d_name);
        if (strcmp(lang, w->lang[0]) != 0)
            snprintf(w->lang[w->nlangs++], sizeof w->lang[0], "%s", lang);
    }
    closedir(d);
    qsort(w->lang, w->nlangs, sizeof w->lang[0], cmp_lang);
    for (size_t i = 0; i < w->nlangs; i++)
        if (strcmp(w->lang[i], cat->lang ? cat->lang : "en") == 0)
            w->base = i;
}

serve_web *serve_web_open(const cr_install *in, cr_error *err)
{
    serve_web *w = calloc(1, sizeof *w);
    cr_catalog *tr = NULL;
    if (!w) {
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    /* The page's files, as they are on disk now. */
    for (size_t i = 0; i < NFILES; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/web/%s", cr_install_assets(in), files[i].file);
        if (!(w->file[i].data = cr_read_file(path, MAX_FILE, &w->file[i].len, err)))
            goto fail;
        set_etag(&w->file[i]);
    }
    /* The catalog in each language: the loaded one, or a fresh copy translated. */
    const cr_catalog *cat = cr_install_catalog(in);
    find_langs(w, in, cat);
    for (size_t i = 0; i < w->nlangs; i++) {
        const cr_catalog *use = cat;
        if (cat->lang && strcmp(w->lang[i], cat->lang) != 0) {
            char path[4096];
            if (!cr_catalog_translation_path(cat->file, w->lang[i], path, sizeof path)) {
                cr_error_set(err, CR_EIO, cat->file, 0, "no room for the translation's path");
                goto fail;
            }
            if (!(tr = cr_catalog_load(cat->file, cr_install_schemas(in), err)) ||
                cr_catalog_translate(tr, path, cr_install_schemas(in), err) != CR_OK)
                goto fail;
            use = tr;
        }
        if (store_catalog(w, i, catalog_json(use, w->lang[i]), err) != CR_OK)
            goto fail;
        cr_catalog_free(tr);
        tr = NULL;
    }
    return w;
fail:
    cr_catalog_free(tr);
    serve_web_close(w);
    return NULL;
}

void serve_web_close(serve_web *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < NFILES; i++)
        free(w->file[i].data);
    for (size_t i = 0; i < MAX_LANGS; i++)
        free(w->catalog[i].data);
    free(w);
}

bool serve_web_owns(const char *url)
{
    if (strcmp(url, CATALOG_URL) == 0)
        return true;
    for (size_t i = 0; i < NFILES; i++)
        if (strcmp(url, files[i].url) == 0)
            return true;
    return false;
}

static enum MHD_Result answer(struct MHD_Connection *c, int status, const char *type,
                              const char *body, size_t len, const char *etag, int *status_out)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, etag ? "no-cache" : "no-store");
    if (etag)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    if (ok == MHD_YES)
        *status_out = status;
    return ok;
}

/* Whether If-None-Match names |etag| (or is "*"). */
static bool not_modified(struct MHD_Connection *c, const char *etag)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (!h)
        return false;
    if (strcmp(h, "*") == 0)
        return true;
    const char *p = strstr(h, etag);
    return p != NULL;
}

static enum MHD_Result answer_blob(struct MHD_Connection *c, const blob *b, const char *type,
                                   int *status)
{
    if (not_modified(c, b->etag))
        return answer(c, MHD_HTTP_NOT_MODIFIED, type, "", 0, b->etag, status);
    return answer(c, MHD_HTTP_OK, type, b->data, b->len, b->etag, status);
}

static enum MHD_Result answer_error(struct MHD_Connection *c, int code, const char *json,
                                    int *status)
{
    return answer(c, code, "application/json", json, strlen(json), NULL, status);
}

enum MHD_Result serve_web_answer(const serve_web *w, struct MHD_Connection *c, const char *url,
                                 const char *method, int *status)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return answer_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "{\"error\": \"use GET\", \"diagnostics\": []}\n", status);
    if (strcmp(url, CATALOG_URL) == 0) {
        const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
        if (!lang || !*lang)
            lang = w->lang[w->base];
        for (size_t i = 0; i < w->nlangs; i++)
            if (strcmp(w->lang[i], lang) == 0)
                return answer_blob(c, &w->catalog[i], "application/json; charset=utf-8", status);
        return answer_error(c, MHD_HTTP_BAD_REQUEST,
                            "{\"error\": \"no catalog in that lang\", \"diagnostics\": []}\n",
                            status);
    }
    for (size_t i = 0; i < NFILES; i++)
        if (strcmp(url, files[i].url) == 0)
            return answer_blob(c, &w->file[i], files[i].type, status);
    return answer_error(c, MHD_HTTP_NOT_FOUND,
                        "{\"error\": \"no such file\", \"diagnostics\": []}\n", status);
}
