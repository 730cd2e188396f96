/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: what the layout tests share (see layouttest.h). */
#include "layouttest.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layout_internal.h"
#include "testutil.h"

int layout_env_load(layout_env *e, const cr_schemas *schemas, const cr_catalog *cat)
{
    cr_error err;
    cr_error_init(&err);
    memset(e, 0, sizeof *e);
    e->spec = cr_layout_spec_load(CR_TEST_ASSETS "/../layouts/default.xml",
                                  CR_TEST_ASSETS "/../fonts", schemas, &err);
    if (e->spec)
        e->strings = cr_strings_load(CR_TEST_ASSETS "/strings/en.xml", schemas, &err);
    if (e->strings)
        e->fonts = cr_layout_spec_load_fonts(e->spec, &err);
    if (!e->fonts || cr_layout_check_texts(cat, e->strings, e->fonts, &err) != CR_OK) {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "layout fixture: %s\n", msg);
        layout_env_free(e);
        return -1;
    }
    return 0;
}

void layout_env_free(layout_env *e)
{
    cr_fonts_free(e->fonts);
    cr_strings_free(e->strings);
    cr_layout_spec_free(e->spec);
    memset(e, 0, sizeof *e);
}

void *layout_fixture_new(size_t size)
{
    void *fx;
    if (fixture_setup(&fx) != 0)
        return NULL;
    layout_fixture *s = calloc(1, size);
    if (!s) {
        fixture_teardown(&fx);
        return NULL;
    }
    s->fx = fx;
    if (layout_env_load(&s->env, s->fx->schemas, s->fx->catalog) != 0) {
        layout_fixture_free(s);
        return NULL;
    }
    return s;
}

void layout_fixture_free(void *state)
{
    layout_fixture *s = state;
    layout_env_free(&s->env);
    void *fx = s->fx;
    fixture_teardown(&fx);
    free(s);
}

/* The length of |s| without its trailing spaces: a line's text keeps the space it was broken at
 * (a word boundary, layout_draw.h), which draws nothing. */
size_t ink_len(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return n;
}

size_t op_page(const cr_display *d, size_t op)
{
    size_t page = 0;
    bool seen = false;
    for (size_t i = 0; i <= op && i < d->nops; i++)
        if (d->ops[i].kind == CR_OP_PAGE) {
            page += seen;
            seen = true;
        }
    return page;
}

char *page_text(const cr_display *d, size_t page)
{
    size_t cap = 1, p = (size_t)-1;
    for (size_t i = 0; i < d->nops; i++)
        if (d->ops[i].kind == CR_OP_TEXT)
            cap += strlen(d->ops[i].text) + 1;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = 0;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind == CR_OP_PAGE)
            p++;
        if (o->kind != CR_OP_TEXT || (page != (size_t)-1 && p != page))
            continue;
        size_t len = strlen(o->text);
        memcpy(s + n, o->text, len);
        n += len;
        s[n++] = ' ';
    }
    s[n] = '\0';
    return s;
}

/* |s| without whitespace, malloc'd. */
static char *squeeze(const char *s)
{
    char *out = malloc(strlen(s) + 1);
    assert_non_null(out);
    size_t n = 0;
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            out[n++] = *s;
    out[n] = '\0';
    return out;
}

bool has_text(const char *hay, const char *needle)
{
    char *h = squeeze(hay), *nd = squeeze(needle);
    bool found = strstr(h, nd) != NULL;
    free(h);
    free(nd);
    return found;
}

size_t find_page(const cr_display *d, const char *needle)
{
    for (size_t p = 0; p < d->npages; p++) {
        char *t = page_text(d, p);
        bool found = has_text(t, needle);
        free(t);
        if (found)
            return p;
    }
    return (size_t)-1;
}

size_t find_op(const cr_display *d, size_t from, const char *text)
{
    size_t n = strlen(text);
    for (size_t i = from; i < d->nops; i++)
        if (d->ops[i].kind == CR_OP_TEXT && strncmp(d->ops[i].text, text, n) == 0 &&
            ink_len(d->ops[i].text) == n) /* a trailing space: a word boundary, not ink */
            return i;
    return (size_t)-1;
}

void check_geometry(const cr_display *d, const layout_env *e)
{
    const cr_layout_spec *sp = e->spec;
    float left = sp->margin_left, right = sp->page_w - sp->margin_right;
    float top = sp->margin_top, bottom = sp->page_h - sp->margin_bottom;
    float header = top - 18, footer = bottom + 24; /* the running header's and footer's baselines */
    size_t page_start = 0;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind == CR_OP_PAGE)
            page_start = i;
        if (o->kind != CR_OP_TEXT || !ink_len(o->text))
            continue;
        float w = cr_fonts_width(e->fonts, o->face, o->size, o->text, ink_len(o->text));
        bool in_box = o->y - o->size >= top - 0.01f && o->y <= bottom + 0.01f;
        if (o->x < left - 0.01f || o->x + w > right + 0.01f ||
            (!in_box && o->y != header && o->y != footer))
            fail_msg("text \"%s\" at %.2f,%.2f (width %.2f) on page %zu leaves the margins",
                     o->text, o->x, o->y, w, op_page(d, i) + 1);
        for (size_t j = page_start; j < i; j++) {
            const cr_op *p = &d->ops[j];
            if (p->kind != CR_OP_TEXT || !ink_len(p->text))
                continue;
            float pw = cr_fonts_width(e->fonts, p->face, p->size, p->text, ink_len(p->text));
            bool lines_meet = o->y - o->size * 0.7f < p->y && p->y - p->size * 0.7f < o->y;
            if (lines_meet && o->x < p->x + pw - 0.5f && p->x < o->x + w - 0.5f)
                fail_msg("page %zu: \"%s\" overlaps \"%s\"", op_page(d, i) + 1, o->text, p->text);
        }
    }
}

void write_pdf(const cr_display *d, const cr_fonts *fonts, const char *path)
{
    cr_error err;
    cr_error_init(&err);
    cr_buffer out = {0};
    assert_int_equal(cr_render_pdf(d, fonts, &out, &err), CR_OK);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "%PDF-", 5);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
    assert_int_equal(fclose(f), 0);
    cr_buffer_free(&out);
}

void lang_cohort_load(lang_cohort *lc, const cr_schemas *schemas, const char *lang)
{
    cr_error err;
    cr_error_init(&err);
    char path[1024];
    snprintf(path, sizeof path, "%s/strings/%s.xml", CR_TEST_ASSETS, lang);
    lc->strings = cr_strings_load(path, schemas, &err);
    assert_no_error(&err);
    lc->catalog = cr_catalog_load(CR_TEST_ASSETS "/catalog-2023.xml", schemas, &err);
    assert_no_error(&err);
    if (strcmp(lang, "en") != 0) {
        assert_true(cr_catalog_translation_path(CR_TEST_ASSETS "/catalog-2023.xml", lang, path,
                                                sizeof path));
        assert_int_equal(cr_catalog_translate(lc->catalog, path, schemas, &err), CR_OK);
    }
    lc->cohort = cr_cohort_scan(CR_TEST_SAMPLES, &err);
    lc->peers = lc->cohort ? cr_cohort_stats(lc->cohort, lc->catalog, schemas, NULL, &err) : NULL;
    assert_no_error(&err);
    assert_non_null(lc->peers);
}

void lang_cohort_free(lang_cohort *lc)
{
    cr_peers_free(lc->peers);
    cr_cohort_free(lc->cohort);
    cr_catalog_free(lc->catalog);
    cr_strings_free(lc->strings);
}

void lang_cohort_each(const cr_schemas *schemas, const layout_env *e, const char *lang,
                      report_fn fn, void *data)
{
    lang_cohort lc;
    lang_cohort_load(&lc, schemas, lang);
    cr_error err;
    cr_error_init(&err);
    for (size_t k = 0; k < lc.cohort->n; k++) {
        const cr_cohort_entry *city = &lc.cohort->entries[k];
        cr_assessment a;
        assert_int_equal(
            cr_assessment_load(&a, city->submission, city->audit, lc.catalog, schemas, &err),
            CR_OK);
        cr_report_request req = {.catalog = lc.catalog,
                                 .assessment = &a,
                                 .peers = lc.peers,
                                 .spec = e->spec,
                                 .strings = lc.strings,
                                 .fonts = e->fonts};
        cr_display *d = cr_layout_report(&req, &err);
        assert_no_error(&err);
        assert_non_null(d);
        char what[128];
        snprintf(what, sizeof what, "%s %s", lang, a.submission->id);
        fn(d, &a, lc.strings, what, data);
        cr_display_free(d);
        cr_assessment_free(&a);
    }
    lang_cohort_free(&lc);
}
