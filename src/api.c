/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the one-call API (see certreport/api.h). What `certreport render --peers` does,
 * for a program that links the library: the installation's files are loaded once, each render
 * loads only the city's and the peers file. */
#define _GNU_SOURCE /* dladdr */
#include "certreport/api.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certreport/cohort.h"
#include "certreport/layout.h"
#include "certreport/peers.h"
#include "fileio.h"

#ifndef CERTREPORT_INSTALL_DATADIR
#define CERTREPORT_INSTALL_DATADIR "/usr/local/share/certreport"
#endif
#ifndef CERTREPORT_DEFAULT_CATALOG
#define CERTREPORT_DEFAULT_CATALOG "catalog-2023.xml"
#endif

struct cr_install {
    char assets[PATH_MAX];
    char catalog_path[PATH_MAX + 64];
    char fonts_dir[PATH_MAX + 64];
    char layout_path[PATH_MAX + 64];
    char strings_dir[PATH_MAX + 64];
    cr_schemas *schemas;
    cr_catalog *catalog;
    cr_layout_spec *spec; /* the default layout */
    cr_fonts *fonts;      /* its fonts */
    /* cr_install_preload: every language's string table and translated catalog, by the string
     * table's path; render() uses them instead of loading its own. Empty unless preloaded. */
    struct preloaded {
        char strings_path[PATH_MAX + 64];
        cr_strings *strings;
        cr_catalog *tcat; /* NULL: the catalog's own language */
    } pre[CR_PRELOAD_MAX];
    size_t npre;
    /* The measured text (one cr_layout_cache, made at the first report) shared by the reports
     * made with the default layout and fonts, as a batch worker shares one: the catalog's
     * statements, headings and legends are the same in each. One render holds it at a time and
     * none waits for it: a render that finds it taken (another thread's, or a parent thread's
     * at the time of a fork) makes its own for the report. The output is the same either way. */
    struct shared_cache {
        pthread_mutex_t lock;
        cr_layout_cache *cache;
    } * shared;
};

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* share/certreport beside the lib folder of the library holding this function. */
static bool beside_library(char *out, size_t size)
{
    Dl_info info;
    if (!dladdr((void *)(size_t)&cr_install_open, &info) || !info.dli_fname)
        return false;
    char lib[PATH_MAX];
    if (!realpath(info.dli_fname, lib))
        return false;
    char *slash = strrchr(lib, '/');
    if (!slash)
        return false;
    *slash = '\0'; /* prefix/lib or prefix/lib/<triplet> */
    for (int up = 1; up <= 2; up++) {
        char *s = strrchr(lib, '/');
        if (!s)
            return false;
        *s = '\0';
        int w = snprintf(out, size, "%s/share/certreport", lib);
        if (w > 0 && (size_t)w < size && is_dir(out))
            return true;
    }
    return false;
}

static bool find_assets(const char *given, char *out, size_t size)
{
    const char *env = getenv("CERTREPORT_ASSETS");
    if (given)
        return snprintf(out, size, "%s", given) > 0 && is_dir(out);
    if (env && *env)
        return snprintf(out, size, "%s", env) > 0 && is_dir(out);
    if (beside_library(out, size))
        return true;
    return snprintf(out, size, "%s", CERTREPORT_INSTALL_DATADIR) > 0 && is_dir(out);
}

void cr_install_close(cr_install *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->npre; i++) {
        cr_strings_free(in->pre[i].strings);
        cr_catalog_free(in->pre[i].tcat);
    }
    if (in->shared) {
        cr_layout_cache_free(in->shared->cache); /* before the fonts it borrows */
        pthread_mutex_destroy(&in->shared->lock);
        free(in->shared);
    }
    cr_fonts_free(in->fonts);
    cr_layout_spec_free(in->spec);
    cr_catalog_free(in->catalog);
    cr_schemas_free(in->schemas);
    free(in);
}

cr_install *cr_install_open(const char *assets_dir, cr_error *err)
{
    cr_install *in = calloc(1, sizeof *in);
    if (in && (in->shared = calloc(1, sizeof *in->shared)) &&
        pthread_mutex_init(&in->shared->lock, NULL) != 0) {
        free(in->shared);
        in->shared = NULL;
    }
    if (!in || !in->shared) {
        free(in);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    char path[PATH_MAX + 64];
    if (!find_assets(assets_dir, in->assets, sizeof in->assets)) {
        cr_error_set(err, CR_EIO, in->assets[0] ? in->assets : NULL, 0,
                     "assets folder not found (give one, or set CERTREPORT_ASSETS)");
        goto fail;
    }
    snprintf(path, sizeof path, "%s/schemas", in->assets);
    snprintf(in->catalog_path, sizeof in->catalog_path, "%s/%s", in->assets,
             CERTREPORT_DEFAULT_CATALOG);
    snprintf(in->strings_dir, sizeof in->strings_dir, "%s/strings", in->assets);
    if (!(in->schemas = cr_schemas_load(path, err)) ||
        !(in->catalog = cr_catalog_load(in->catalog_path, in->schemas, err)))
        goto fail;
    if (!cr_beside_assets(in->fonts_dir, sizeof in->fonts_dir, in->assets, "fonts")) {
        cr_error_set(err, CR_EIO, in->assets, 0, "fonts folder not found beside the assets");
        goto fail;
    }
    if (!cr_beside_assets(in->layout_path, sizeof in->layout_path, in->assets,
                          "layouts/default.xml")) {
        cr_error_set(err, CR_EIO, in->assets, 0, "default layout not found beside the assets");
        goto fail;
    }
    if (!(in->spec = cr_layout_spec_load(in->layout_path, in->fonts_dir, in->schemas, err)) ||
        !(in->fonts = cr_layout_spec_load_fonts(in->spec, err)))
        goto fail;
    return in;
fail:
    cr_install_close(in);
    return NULL;
}

const char *cr_install_assets(const cr_install *in)
{
    return in ? in->assets : NULL;
}

const cr_catalog *cr_install_catalog(const cr_install *in)
{
    return in ? in->catalog : NULL;
}

const cr_schemas *cr_install_schemas(const cr_install *in)
{
    return in ? in->schemas : NULL;
}

cr_status cr_install_preload(cr_install *in, cr_error *err)
{
    if (!in)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_install_preload: in is NULL");
    if (in->npre)
        return CR_OK;
    DIR *dir = opendir(in->strings_dir);
    if (!dir)
        return cr_error_set(err, CR_EIO, in->strings_dir, 0, "cannot read the folder");
    cr_status st = CR_OK;
    for (struct dirent *e; st == CR_OK && (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        char lang[64], strings_path[PATH_MAX + 64], cat_text[PATH_MAX + 64];
        if (n < 5 || n - 4 >= sizeof lang || strcmp(e->d_name + n - 4, ".xml") != 0)
            continue;
        snprintf(lang, sizeof lang, "%.*s", (int)(n - 4), e->d_name);
        if (!cr_language_files(in->strings_dir, in->catalog_path, in->catalog, lang, strings_path,
                               cat_text, sizeof strings_path, NULL))
            continue; /* a string table without its catalog translation: never chosen */
        if (in->npre == CR_PRELOAD_MAX)
            break; /* the rest load per report, as without preloading */
        struct preloaded *p = &in->pre[in->npre];
        memcpy(p->strings_path, strings_path, sizeof strings_path);
        p->tcat = NULL;
        bool ok = (p->strings = cr_strings_load(strings_path, in->schemas, err)) != NULL &&
                  (!cat_text[0] ||
                   ((p->tcat = cr_catalog_load(in->catalog_path, in->schemas, err)) != NULL &&
                    cr_catalog_translate(p->tcat, cat_text, in->schemas, err) == CR_OK));
        if (!ok)
            st = err && err->code ? err->code : CR_EINPUT;
        if (st != CR_OK) {
            cr_strings_free(p->strings);
            cr_catalog_free(p->tcat);
        } else {
            in->npre++;
        }
    }
    closedir(dir);
    return st;
}

/* Lays out and renders |a| against |peers|: the command line's render path. */
static cr_status render(const cr_install *in, const cr_assessment *a, const cr_peers *peers,
                        const cr_render_options *opt, cr_buffer *out, cr_error *err)
{
    static const cr_render_options defaults = CR_RENDER_OPTIONS_INIT;
    if (!opt)
        opt = &defaults;
    if ((unsigned)opt->format > CR_OUTPUT_SVG || (unsigned)opt->backend > CR_BACKEND_CAIRO)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_render_city: no such format or backend");
    cr_status st = CR_EINPUT;
    cr_layout_spec *spec = NULL;
    cr_fonts *fonts = NULL;
    cr_strings *strings = NULL;
    cr_catalog *tcat = NULL;
    cr_display *d = NULL;
    if (opt->layout) {
        if (!(spec = cr_layout_spec_load(opt->layout, in->fonts_dir, in->schemas, err)) ||
            !(fonts = cr_layout_spec_load_fonts(spec, err)))
            goto done;
    }
    /* The report's language: the one rule (cr_language_choose). */
    char strings_path[PATH_MAX + 64], cat_text[PATH_MAX + 64];
    if (!cr_language_choose(in->strings_dir, in->catalog_path, in->catalog, opt->lang,
                            a->submission->lang, strings_path, cat_text, sizeof strings_path,
                            err)) {
        st = err && err->code ? err->code : CR_EINPUT;
        goto done;
    }
    const cr_strings *use_strings = NULL;
    const cr_catalog *use_cat = in->catalog;
    for (size_t i = 0; i < in->npre && !use_strings; i++)
        if (strcmp(in->pre[i].strings_path, strings_path) == 0) {
            use_strings = in->pre[i].strings;
            if (in->pre[i].tcat)
                use_cat = in->pre[i].tcat;
        }
    if (!use_strings) {
        if (!(strings = cr_strings_load(strings_path, in->schemas, err)))
            goto done;
        if (cat_text[0] && (!(tcat = cr_catalog_load(in->catalog_path, in->schemas, err)) ||
                            cr_catalog_translate(tcat, cat_text, in->schemas, err) != CR_OK))
            goto done;
        use_strings = strings;
        use_cat = tcat ? tcat : in->catalog;
    }
    const cr_fonts *f = fonts ? fonts : in->fonts;
    cr_fonts_check_inputs(f, a->submission, a->log, err); /* warnings only */
    bool pdf = opt->format == CR_OUTPUT_PDF;
    bool haru = pdf && opt->backend == CR_BACKEND_HARU;
    cr_report_request req = {.catalog = use_cat,
                             .assessment = a,
                             .peers = peers,
                             .spec = spec ? spec : in->spec,
                             .strings = use_strings,
                             .fonts = f,
                             .created = opt->created >= 0 ? opt->created : cr_assessment_date(a),
                             .untagged = opt->untagged || !haru};
    bool held = !fonts && pthread_mutex_trylock(&in->shared->lock) == 0;
    if (held && !in->shared->cache)
        in->shared->cache = cr_layout_cache_new(in->fonts, 0, NULL); /* NULL: one per report */
    req.cache = held ? in->shared->cache : NULL;
    d = cr_layout_report(&req, err);
    if (held)
        pthread_mutex_unlock(&in->shared->lock);
    if (!d)
        goto done;
    cr_render_target t = {.format = opt->format,
                          .backend = opt->backend,
                          .page = opt->page,
                          .dpi = opt->dpi > 0 ? opt->dpi : 96};
    st = cr_render(d, f, &t, NULL, out, NULL, err);
done:
    if (st != CR_OK && err && err->code == CR_OK)
        cr_error_set(err, st, NULL, 0, "the report could not be made");
    cr_display_free(d);
    cr_catalog_free(tcat);
    cr_strings_free(strings);
    cr_fonts_free(fonts);
    cr_layout_spec_free(spec);
    return st;
}

static cr_status check_args(const char *fn, const cr_install *in, const void *submission,
                            const void *peers, const cr_render_options *opt, cr_buffer *out,
                            cr_error *err)
{
    if (out) {
        out->data = NULL;
        out->len = 0;
    }
    const char *missing = !in           ? "in"
                          : !submission ? "submission"
                          : !peers      ? "peers"
                          : !out        ? "out"
                                        : NULL;
    if (missing)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "%s: %s is NULL", fn, missing);
    if (opt && ((unsigned)opt->format > CR_OUTPUT_SVG || (unsigned)opt->backend > CR_BACKEND_CAIRO))
        return cr_error_set(err, CR_EUSAGE, NULL, 0,
                            "%s: opt->format %d or opt->backend %d out of range", fn,
                            (int)opt->format, (int)opt->backend);
    return CR_OK;
}

cr_status cr_render_city(const cr_install *in, const char *submission, const char *audit,
                         const char *peers, const cr_render_options *opt, cr_buffer *out,
                         cr_error *err)
{
    cr_status st = check_args(__func__, in, submission, peers, opt, out, err);
    if (st != CR_OK)
        return st;
    cr_assessment a;
    if ((st = cr_assessment_load(&a, submission, audit, in->catalog, in->schemas, err)) != CR_OK)
        return st;
    cr_peers *p = cr_peers_load(peers, in->catalog, in->schemas, err);
    st = p ? render(in, &a, p, opt, out, err) : (err && err->code ? err->code : CR_EINPUT);
    cr_peers_free(p);
    cr_assessment_free(&a);
    return st;
}

cr_status cr_render_city_buffers(const cr_install *in, const char *submission,
                                 size_t submission_len, const char *audit, size_t audit_len,
                                 const char *peers, size_t peers_len, const cr_render_options *opt,
                                 cr_buffer *out, cr_error *err)
{
    cr_status st = check_args(__func__, in, submission, peers, opt, out, err);
    if (st != CR_OK)
        return st;
    cr_assessment a;
    if ((st = cr_assessment_parse(&a, submission, submission_len, "submission", audit, audit_len,
                                  "audit", in->catalog, in->schemas, err)) != CR_OK)
        return st;
    cr_peers *p = cr_peers_parse(peers, peers_len, "peers", in->catalog, in->schemas, err);
    st = p ? render(in, &a, p, opt, out, err) : (err && err->code ? err->code : CR_EINPUT);
    cr_peers_free(p);
    cr_assessment_free(&a);
    return st;
}

cr_status cr_render_city_file(const cr_install *in, const char *submission, const char *audit,
                              const char *peers, const cr_render_options *opt, const char *path,
                              cr_error *err)
{
    cr_buffer out = {0};
    cr_status st = check_args(__func__, in, submission, peers, opt, &out, err);
    if (st != CR_OK)
        return st;
    if (!path)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_render_city_file: path is NULL");
    st = cr_render_city(in, submission, audit, peers, opt, &out, err);
    if (st == CR_OK)
        st = cr_write_file_atomic(path, out.data, out.len, err);
    cr_buffer_free(&out);
    return st;
}
