/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: where the report's pages break. Every sample city's report in every language
 * that ships, laid out with the default layout, read back from the display list (its structure
 * says what is a heading, a table row, a list item):
 *
 * - each page's fill: the vertical extent of its content, from the top margin to the lowest op,
 *   over the content height (the running header and footer, outside the content box, do not
 *   count); no page but the last is under MIN_FILL;
 * - no heading (H1, H2) is the last text of its page;
 * - a table split across pages has at least keep-rows rows on each of its pages (so no page
 *   holds one row under a "continued" header, nor one row before the break);
 * - a table's legend is never the first text of a page (it stays with the last row);
 * - a list of at most keep-list items is on one page, and a longer one has at least keep-rows
 *   items on each page (the last page is never a single leftover item).
 *
 * - the reference city (gold-city, Tempe) fits in the real report's 11 pages in English, and in
 *   12 in the other languages (their words are longer).
 *
 * It prints the page count of each report (the README's table). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"
#include "layouttest.h"

#define MIN_FILL 0.40f
#define MAX_PAGES 64
#define REFERENCE_CITY "gold-city"
#define REFERENCE_PAGES 11       /* the real report of the reference city */
#define REFERENCE_PAGES_OTHER 12 /* the same in es, fr and pt */

/* A problem: printed, counted, and the test fails at the end of the report. */
#define PROBLEM(...) (print_error(__VA_ARGS__), print_error("\n"), (*problems)++)

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

/* The lowest point an op draws (text: its descenders). */
static float op_bottom(const cr_op *o)
{
    switch (o->kind) {
    case CR_OP_TEXT:
        return o->y + o->size * 0.25f;
    case CR_OP_RECT:
    case CR_OP_LINE:
        return o->y + (o->h > 0 ? o->h : 0);
    case CR_OP_POLY: {
        float b = 0;
        for (size_t k = 0; k < o->npoints; k++)
            if (o->pts[k].y > b)
                b = o->pts[k].y;
        return b;
    }
    default:
        return -1;
    }
}

/* The highest point an op draws. */
static float op_top(const cr_op *o)
{
    if (o->kind == CR_OP_TEXT)
        return o->y - o->size;
    if (o->kind == CR_OP_POLY) {
        float t = o->npoints ? o->pts[0].y : 0;
        for (size_t k = 0; k < o->npoints; k++)
            if (o->pts[k].y < t)
                t = o->pts[k].y;
        return t;
    }
    return o->y;
}

static bool is_legend(const cr_strings *st, const char *text)
{
    static const char *const keys[] = {"legend.core", "legend.changed", "legend.stale"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *v = cr_strings_get(st, keys[k]);
        if (v && strcmp(v, text) == 0)
            return true;
    }
    return false;
}

/* A table or list being read: its items (data rows, list items) per page. */
typedef struct block {
    cr_role role;
    size_t depth;              /* the stack depth of its element */
    size_t items[MAX_PAGES];   /* per page */
    size_t first, last, total; /* pages */
} block;

/* Checks one report; returns its page count. */
static size_t check_report(const cr_display *d, const layout_env *e, const cr_strings *st,
                           const char *what, size_t *problems)
{
    const cr_layout_spec *sp = e->spec;
    float top = sp->margin_top, bottom = sp->page_h - sp->margin_bottom, room = bottom - top;
    float lowest[MAX_PAGES] = {0};
    size_t npages = 0;
    cr_role stack[128];
    size_t depth = 0, artifact = 0; /* stack depth, and how many of its elements are artifacts */
    block blocks[16];
    size_t nblocks = 0;
    bool row_open = false; /* a TR whose first cell is not seen yet */
    const cr_op *last_text =
        NULL; /* the last content text of the page, and whether it is a heading */
    bool last_heading = false, page_text = false;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind == CR_OP_PAGE) {
            if (last_text && last_heading)
                PROBLEM("%s: page %zu ends with the heading \"%s\"", what, npages, last_text->text);
            npages++;
            assert_true(npages <= MAX_PAGES);
            lowest[npages - 1] = top;
            last_text = NULL;
            page_text = false;
            continue;
        }
        size_t p = npages - 1;
        if (o->kind == CR_OP_BEGIN) {
            assert_true(depth < sizeof stack / sizeof stack[0]);
            stack[depth++] = o->role;
            artifact += o->role == CR_ROLE_ARTIFACT;
            if (artifact)
                continue;
            if ((o->role == CR_ROLE_TABLE || o->role == CR_ROLE_L) && nblocks < 16) {
                block *b = &blocks[nblocks++];
                memset(b, 0, sizeof *b);
                b->role = o->role;
                b->depth = depth;
                b->first = p;
            } else if (o->role == CR_ROLE_TR) {
                row_open = true;
            } else if ((o->role == CR_ROLE_TD || o->role == CR_ROLE_TH) && row_open) {
                row_open = false;
                if (o->role == CR_ROLE_TD && nblocks && blocks[nblocks - 1].role == CR_ROLE_TABLE) {
                    block *b = &blocks[nblocks - 1];
                    b->items[p]++;
                    b->total++;
                    b->last = p;
                }
            } else if (o->role == CR_ROLE_LI && nblocks && blocks[nblocks - 1].role == CR_ROLE_L &&
                       blocks[nblocks - 1].depth + 1 == depth) {
                block *b = &blocks[nblocks - 1];
                b->items[p]++;
                b->total++;
                b->last = p;
            }
            continue;
        }
        if (o->kind == CR_OP_END) {
            assert_true(depth > 0);
            cr_role r = stack[--depth];
            if (r == CR_ROLE_ARTIFACT) {
                artifact--;
                continue;
            }
            if (artifact || !nblocks || blocks[nblocks - 1].depth != depth + 1)
                continue;
            /* A table or list closes: how its items lie on its pages. */
            block *b = &blocks[--nblocks];
            bool table = b->role == CR_ROLE_TABLE;
            if (b->first == b->last)
                continue;
            if (!table && b->total <= sp->keep_list)
                PROBLEM("%s: a list of %zu items is split over pages %zu-%zu", what, b->total,
                        b->first + 1, b->last + 1);
            for (size_t q = b->first; q <= b->last; q++)
                if (b->items[q] < sp->keep_rows && (table || q > b->first || b->items[q] == 0))
                    PROBLEM("%s: a %s over pages %zu-%zu has %zu %s on page %zu", what,
                            table ? "table" : "list", b->first + 1, b->last + 1, b->items[q],
                            table ? "row(s)" : "item(s)", q + 1);
            continue;
        }
        float ob = op_bottom(o), ot = op_top(o);
        if (ob < 0 || ob < top - 0.5f || ot > bottom + 0.5f)
            continue; /* no extent, or the running header or footer */
        if (ob > lowest[p])
            lowest[p] = ob;
        if (o->kind != CR_OP_TEXT || artifact)
            continue;
        if (!page_text && is_legend(st, o->text))
            PROBLEM("%s: page %zu starts with a table's legend \"%s\"", what, npages, o->text);
        page_text = true;
        last_text = o;
        last_heading = false;
        for (size_t k = 0; k < depth; k++)
            last_heading |= stack[k] == CR_ROLE_H1 || stack[k] == CR_ROLE_H2;
    }
    assert_int_equal(depth, 0);
    char fills[MAX_PAGES * 8] = "";
    for (size_t p = 0; p < npages; p++) {
        float fill = (lowest[p] - top) / room;
        char one[16];
        snprintf(one, sizeof one, "%s%.0f", p ? " " : "", fill * 100);
        strcat(fills, one);
        if (p + 1 < npages && fill < MIN_FILL)
            PROBLEM("%s: page %zu of %zu is %.0f%% full (under %.0f%%)", what, p + 1, npages,
                    fill * 100, MIN_FILL * 100);
    }
    printf("%-24s %2zu pages, %% full: %s\n", what, npages, fills);
    return npages;
}

typedef struct language_run {
    const layout_env *env;
    const char *lang;
    size_t nproblems;
} language_run;

static void check_one(const cr_display *d, const cr_assessment *a, const cr_strings *strings,
                      const char *what, void *data)
{
    language_run *run = data;
    size_t problems = 0;
    size_t pages = check_report(d, run->env, strings, what, &problems);
    assert_int_equal(pages, d->npages);
    size_t most = strcmp(run->lang, "en") == 0 ? REFERENCE_PAGES : REFERENCE_PAGES_OTHER;
    if (strcmp(a->submission->id, REFERENCE_CITY) == 0 && pages > most) {
        print_error("%s: %zu pages, more than %zu\n", what, pages, most);
        problems++;
    }
    run->nproblems += problems;
}

static void check_language(state *s, const char *lang)
{
    language_run run = {.env = &s->base.env, .lang = lang};
    lang_cohort_each(s->base.fx->schemas, &s->base.env, lang, check_one, &run);
    if (run.nproblems)
        fail_msg("%s: %zu page-break problems (above)", lang, run.nproblems);
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
