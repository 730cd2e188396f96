/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: every text of every report has the contrast WCAG 2.1 AA asks for (success
 * criterion 1.4.3): a ratio of at least 4.5:1 against what is drawn under it, or 3:1 for large
 * text (18 pt, or 14 pt bold). Read from the display lists of every sample, in English and
 * French, against the background each text sits on (the last filled shape under it on its page,
 * else the white page); and every text colour of the layout file against white and the shade. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"
#include "layouttest.h"

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

/* WCAG relative luminance of an sRGB colour. */
static double luminance(cr_rgb c)
{
    double ch[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
    for (int k = 0; k < 3; k++)
        ch[k] = ch[k] <= 0.03928 ? ch[k] / 12.92 : pow((ch[k] + 0.055) / 1.055, 2.4);
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

static double contrast(cr_rgb a, cr_rgb b)
{
    double la = luminance(a), lb = luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

static bool large(const cr_op *o)
{
    bool bold = o->face == CR_FACE_BOLD || o->face == CR_FACE_BOLD_ITALIC;
    return o->size >= 18.0f || (bold && o->size >= 14.0f);
}

/* Whether point (x, y) lies in the bounding box of filled shape |o|. */
static bool under(const cr_op *o, float x, float y)
{
    if (o->kind == CR_OP_RECT)
        return o->fill && x >= o->x && x <= o->x + o->w && y >= o->y && y <= o->y + o->h;
    if (o->kind != CR_OP_POLY || o->npoints == 0)
        return false;
    float x0 = o->pts[0].x, x1 = x0, y0 = o->pts[0].y, y1 = y0;
    for (size_t k = 1; k < o->npoints; k++) {
        x0 = fminf(x0, o->pts[k].x);
        x1 = fmaxf(x1, o->pts[k].x);
        y0 = fminf(y0, o->pts[k].y);
        y1 = fmaxf(y1, o->pts[k].y);
    }
    return x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

/* Checks every text op of |d|; returns how many were checked. */
static size_t check_display(const cr_display *d, const char *what)
{
    size_t page_start = 0, checked = 0;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind == CR_OP_PAGE)
            page_start = i;
        if (o->kind != CR_OP_TEXT || !o->text || !*o->text)
            continue;
        /* The middle of the text's x-height, just after its start. */
        float px = o->x + 1.0f, py = o->y - o->size * 0.3f;
        cr_rgb bg = {255, 255, 255};
        for (size_t j = page_start; j < i; j++)
            if (under(&d->ops[j], px, py))
                bg = d->ops[j].color;
        double need = large(o) ? 3.0 : 4.5, ratio = contrast(o->color, bg);
        if (ratio < need)
            fail_msg("%s, page %zu: \"%.40s\" (%.1f pt) #%02x%02x%02x on #%02x%02x%02x: %.2f:1, "
                     "needs %.1f:1",
                     what, op_page(d, i) + 1, o->text, (double)o->size, o->color.r, o->color.g,
                     o->color.b, bg.r, bg.g, bg.b, ratio, need);
        checked++;
    }
    return checked;
}

/* Every colour the layout file gives text: against the page and the panels' shade. */
static void test_palette(void **st)
{
    state *s = *st;
    const cr_layout_spec *sp = s->base.env.spec;
    cr_rgb text[3] = {sp->text, sp->muted, sp->accent};
    const char *names[3] = {"text", "muted", "accent"};
    cr_rgb bgs[2] = {{255, 255, 255}, sp->shade};
    for (int b = 0; b < 2; b++) {
        for (int k = 0; k < 3; k++)
            if (contrast(text[k], bgs[b]) < 4.5)
                fail_msg("palette %s on %s: %.2f:1", names[k], b ? "shade" : "white",
                         contrast(text[k], bgs[b]));
        for (size_t a = 0; a < sp->nareas; a++)
            if (contrast(sp->areas[a].color, bgs[b]) < 4.5)
                fail_msg("area %s colour on %s: %.2f:1 (area colours are used for small text)",
                         sp->areas[a].code, b ? "shade" : "white",
                         contrast(sp->areas[a].color, bgs[b]));
    }
    /* The check itself: the old Performance & Analytics colour fails it. */
    assert_true(contrast((cr_rgb){0xb7, 0x79, 0x1f}, (cr_rgb){255, 255, 255}) < 4.5);
    assert_true(contrast((cr_rgb){0x1f, 0x29, 0x33}, (cr_rgb){255, 255, 255}) > 4.5);
}

static void count_checked(const cr_display *d, const cr_assessment *a, const cr_strings *strings,
                          const char *what, void *data)
{
    (void)a;
    (void)strings;
    *(size_t *)data += check_display(d, what);
}

static void check_language(state *s, const char *lang)
{
    size_t checked = 0;
    lang_cohort_each(s->base.fx->schemas, &s->base.env, lang, count_checked, &checked);
    assert_true(checked > 1000); /* every report's text, not a few */
}

static void test_en(void **st)
{
    check_language(*st, "en");
}
static void test_fr(void **st)
{
    check_language(*st, "fr");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_palette),
        cmocka_unit_test(test_en),
        cmocka_unit_test(test_fr),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
