/* SPDX-License-Identifier: Apache-2.0 */
/* certreport fuzz targets: loading what they share (see fuzz_common.h). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one world of the process (one target per executable), and whether it is loaded. */
static fuzz_world world;
static bool loaded;

static void die(const char *what, const cr_error *e)
{
    char msg[1200] = "";
    if (e)
        cr_error_format(e, msg, sizeof msg);
    fprintf(stderr, "fuzz setup: %s: %s\n", what, msg);
    exit(1);
}

static const char *fuzz_path(char *buf, size_t size, const char *relpath)
{
    snprintf(buf, size, "%s/%s", CR_FUZZ_ROOT, relpath);
    return buf;
}

static char *fuzz_read(const char *relpath, size_t *len)
{
    char path[4096];
    FILE *f = fopen(fuzz_path(path, sizeof path, relpath), "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
        fclose(f);
        return buf;
    }
    free(buf);
    if (f)
        fclose(f);
    die(path, NULL);
    return NULL;
}

static void world_free(void)
{
    fuzz_world *w = &world;
    cr_fonts_free(w->fonts);
    cr_strings_free(w->strings);
    cr_layout_spec_free(w->spec);
    cr_peers_free(w->peers);
    for (size_t i = 0; w->cities && i < w->cohort->n; i++)
        cr_assessment_free(&w->cities[i]);
    free(w->cities);
    cr_cohort_free(w->cohort);
    cr_catalog_free(w->catalog);
    cr_schemas_free(w->schemas);
    free(w->sample);
    memset(w, 0, sizeof *w);
}

static void world_load(fuzz_world *w, enum fuzz_need need)
{
    char path[4096];
    cr_error err;
    cr_error_init(&err);
    atexit(world_free);
    fuzz_path(w->fonts_dir, sizeof w->fonts_dir, "fonts");
    w->sample = fuzz_read("samples/cohort/gold-city.submission.xml", &w->sample_len);
    if (!(w->schemas = cr_schemas_load(fuzz_path(path, sizeof path, "assets/schemas"), &err)))
        die("schemas", &err);
    if (need < FUZZ_CATALOG)
        return;
    if (!(w->catalog = cr_catalog_load(fuzz_path(path, sizeof path, "assets/catalog-2023.xml"),
                                       w->schemas, &err)))
        die("catalog", &err);
    if (need < FUZZ_COHORT)
        return;
    if (!(w->cohort = cr_cohort_scan(fuzz_path(path, sizeof path, "samples/cohort"), &err)))
        die("cohort", &err);
    if (!(w->cities = calloc(w->cohort->n, sizeof *w->cities)))
        die("out of memory", NULL);
    for (size_t i = 0; i < w->cohort->n; i++)
        if (cr_cohort_load(&w->cohort->entries[i], &w->cities[i], w->catalog, w->schemas, &err) !=
            CR_OK)
            die("sample city", &err);
    if (!(w->peers = cr_peers_new(w->catalog, &err)))
        die("peers", &err);
    for (size_t i = 0; i < w->cohort->n; i++)
        cr_peers_add(w->peers, w->cities[i].audited, &w->cities[i].score);
    if (need < FUZZ_REPORT)
        return;
    if (!(w->spec = cr_layout_spec_load(fuzz_path(path, sizeof path, "layouts/default.xml"),
                                        w->fonts_dir, w->schemas, &err)))
        die("layout", &err);
    if (!(w->strings = cr_strings_load(fuzz_path(path, sizeof path, "assets/strings/en.xml"),
                                       w->schemas, &err)))
        die("strings", &err);
    if (!(w->fonts = cr_fonts_load(cr_layout_spec_fonts(w->spec), &err)) ||
        cr_layout_check_texts(w->catalog, w->strings, w->fonts, &err) != CR_OK)
        die("fonts", &err);
}

const fuzz_world *fuzz_world_get(enum fuzz_need need)
{
    if (!loaded) {
        world_load(&world, need);
        loaded = true;
    }
    return &world;
}

const cr_assessment *fuzz_city(const fuzz_world *w, const char *id)
{
    for (size_t i = 0; id && w->cohort && i < w->cohort->n; i++)
        if (strcmp(w->cohort->entries[i].id, id) == 0)
            return &w->cities[i];
    return NULL;
}
