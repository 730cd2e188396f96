/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: what the longer strings of the translations do to the layout. Every sample
 * city's report in every language that ships (Tempe with its previous cycle, so the status band
 * shows the change since then), read back from the display list:
 *
 * - no text leaves the margins or runs into other text (check_geometry);
 * - the status page's band: each box's text stays inside the box (a French "100 %" at 20 pt
 *   did not), an area's label takes at most 3 lines (English needs 3) and the change since the
 *   previous cycle one line ("+22 depuis 2022" took two);
 * - the criteria table's header row takes at most 3 lines (Spanish took 5). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"
#include "layouttest.h"

#define MAX_LABEL_LINES 3
#define MAX_HEADER_LINES 3

typedef struct state {
    layout_fixture base; /* first */
} state;

static int setup(void **st)
{
    state *s = layout_fixture_new(sizeof *s);
    if (!s)
        return -1;
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    layout_fixture_free(*st);
    return 0;
}

/* Adds |v| to the |n| distinct values of |vals| (room for |cap|) unless it is there; the new n. */
static size_t add_distinct(float *vals, size_t n, size_t cap, float v)
{
    for (size_t k = 0; k < n; k++)
        if (vals[k] == v)
            return n;
    if (n < cap)
        vals[n++] = v;
    return n;
}

static bool same_rgb(cr_rgb a, cr_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* The distinct baselines of the text ops of page |page| in [x0, x1) x [y0, y1) with |face|,
 * |size| and |color|. */
static size_t lines_in(const cr_display *d, size_t page, float x0, float x1, float y0, float y1,
                       cr_face face, float size, cr_rgb color)
{
    float ys[64];
    size_t n = 0;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind != CR_OP_TEXT || op_page(d, i) != page || o->x < x0 || o->x >= x1 ||
            o->y < y0 || o->y >= y1 || o->face != face || o->size != size ||
            !same_rgb(o->color, color))
            continue;
        n = add_distinct(ys, n, 64, o->y);
    }
    return n;
}

/* The status band (on the page of its heading): one shaded box per area, its texts inside it. */
static void check_band(const cr_display *d, const layout_env *e, const cr_catalog *cat,
                       const cr_strings *strings, const char *what)
{
    size_t h = find_op(d, 0, cr_strings_get(strings, "status.band"));
    assert_true(h != (size_t)-1);
    size_t page = op_page(d, h);
    const cr_layout_spec *sp = e->spec;
    float x0 = sp->margin_left, x1 = sp->page_w - sp->margin_right, gap = 5;
    float bw = (x1 - x0 - gap * (float)(cat->nareas - 1)) / (float)cat->nareas;
    size_t boxes = 0;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *b = &d->ops[i];
        if (op_page(d, i) != page)
            continue;
        if (b->kind != CR_OP_RECT || b->h < 30 || b->w < bw - 0.01f || b->w > bw + 0.01f ||
            !same_rgb(b->color, sp->shade))
            continue;
        boxes++;
        for (size_t j = 0; j < d->nops; j++) {
            const cr_op *o = &d->ops[j];
            if (o->kind != CR_OP_TEXT || op_page(d, j) != page || o->x < b->x ||
                o->x >= b->x + b->w || o->y < b->y || o->y > b->y + b->h)
                continue;
            float w = cr_fonts_width(e->fonts, o->face, o->size, o->text, ink_len(o->text));
            if (o->x + w > b->x + b->w)
                fail_msg(
                    "%s: \"%s\" (%.2f pt wide at %.2f) runs out of its status box (%.2f to %.2f)",
                    what, o->text, w, o->x, b->x, b->x + b->w);
        }
        size_t label =
            lines_in(d, page, b->x, b->x + b->w, b->y, b->y + b->h + 1, CR_FACE_BOLD, 7, sp->text);
        size_t delta = lines_in(d, page, b->x, b->x + b->w, b->y, b->y + b->h + 1, CR_FACE_REGULAR,
                                7, sp->muted);
        if (label < 1 || label > MAX_LABEL_LINES)
            fail_msg("%s: a status box's area label takes %zu lines", what, label);
        if (delta > 1)
            fail_msg("%s: a status box's change since the previous cycle takes %zu lines", what,
                     delta);
    }
    if (boxes != cat->nareas)
        fail_msg("%s: %zu status boxes, not %zu", what, boxes, cat->nareas);
}

/* The first criteria table's header row (white bold text on the dark bar), found by the first
 * column's header (one line in every language). */
static void check_table_header(const cr_display *d, const cr_strings *strings, const char *what)
{
    size_t op = find_op(d, 0, cr_strings_get(strings, "table.criterion"));
    assert_true(op != (size_t)-1);
    size_t page = op_page(d, op);
    /* Each column: the header texts starting at its left edge. */
    float xs[16];
    size_t ncols = 0;
    for (size_t i = op; i < d->nops && op_page(d, i) == page; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind == CR_OP_TEXT && same_rgb(o->color, (cr_rgb){255, 255, 255}))
            ncols = add_distinct(xs, ncols, 16, o->x);
    }
    assert_true(ncols >= 4);
    for (size_t c = 0; c < ncols; c++) {
        size_t n = lines_in(d, page, xs[c], xs[c] + 0.01f, 0, d->page_h, CR_FACE_BOLD, 7.0f,
                            (cr_rgb){255, 255, 255});
        if (n > MAX_HEADER_LINES)
            fail_msg("%s: a criteria table header takes %zu lines", what, n);
    }
}

static void check_language(state *s, const char *lang)
{
    const cr_schemas *schemas = s->base.fx->schemas;
    lang_cohort lc;
    lang_cohort_load(&lc, schemas, lang);
    cr_strings *strings = lc.strings;
    cr_catalog *cat = lc.catalog;
    cr_cohort *c = lc.cohort;
    cr_peers *peers = lc.peers;
    cr_error err;
    cr_error_init(&err);
    cr_assessment prev;
    assert_int_equal(cr_assessment_load(&prev, CR_TEST_DATA "/previous/gold-city.submission.xml",
                                        NULL, cat, schemas, &err),
                     CR_OK);
    for (size_t k = 0; k < c->n; k++) {
        const cr_cohort_entry *city = &c->entries[k];
        cr_assessment a;
        assert_int_equal(cr_assessment_load(&a, city->submission, city->audit, cat, schemas, &err),
                         CR_OK);
        bool with_prev = strcmp(a.submission->id, "gold-city") == 0;
        cr_report_request req = {.catalog = cat,
                                 .assessment = &a,
                                 .peers = peers,
                                 .spec = s->base.env.spec,
                                 .strings = strings,
                                 .fonts = s->base.env.fonts,
                                 .previous = with_prev ? &prev : NULL};
        cr_display *d = cr_layout_report(&req, &err);
        assert_no_error(&err);
        assert_non_null(d);
        char what[128];
        snprintf(what, sizeof what, "%s %s%s", lang, a.submission->id,
                 with_prev ? " (with 2022)" : "");
        check_geometry(d, &s->base.env);
        check_band(d, &s->base.env, cat, strings, what);
        check_table_header(d, strings, what);
        cr_display_free(d);
        cr_assessment_free(&a);
    }
    cr_assessment_free(&prev);
    lang_cohort_free(&lc);
}

static void test_en(void **st)
{
    check_language(*st, "en");
}
static void test_es(void **st)
{
    check_language(*st, "es");
}
static void test_fr(void **st)
{
    check_language(*st, "fr");
}
static void test_pt(void **st)
{
    check_language(*st, "pt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_en),
        cmocka_unit_test(test_es),
        cmocka_unit_test(test_fr),
        cmocka_unit_test(test_pt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
