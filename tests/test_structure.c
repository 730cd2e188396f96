/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the logical structure the layouts put in the display list (BEGIN/END ops,
 * display.h), from which the PDF backend builds a tagged, accessible PDF.
 *
 * Every sample city's report and a cohort overview are laid out and their structure checked
 * against the rules of display.h and of an accessible document: one Document holding everything;
 * elements properly nested (TR in Table, TH/TD in TR, LI in L, Lbl/LBody in LI); nothing inside an
 * artifact (which may come anywhere else); every text in an element that reads it (a heading,
 * paragraph, cell, list body, link or figure), the running header and footer and the repeated table
 * headers in artifacts; every table's first row of header cells and its other rows of as many data
 * cells; every figure with an alternative text that states numbers; every link area in a Link
 * element with its text; one H1 per section, in the layout's section order, named like the
 * top-level bookmarks (the first page's visible title; an H1 with no content, only its alternative
 * text, only for the practice areas, a section that draws no heading). Laid out untagged, the same
 * report has no structure op and every other op identical. */
#include "testutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "layout_internal.h"
#include "layout_text.h"
#include "layouttest.h"

#define CREATED 1689336000LL
#define MAX_DEPTH 64
#define MAX_HEADS 64

static const char *const SAMPLES[] = {"gold-city",   "platinum-city", "sao-paulo",  "bogota",
                                      "montreal",    "hamilton",      "stale-city", "small-town",
                                      "guadalajara", "medellin",      "no-audit"};
#define NSAMPLES (sizeof SAMPLES / sizeof SAMPLES[0])

typedef struct state {
    layout_fixture base; /* first */
    cr_peers *peers;
    cr_assessment samples[NSAMPLES];
} state;

/* ---- the structure checker ---- */

typedef struct frame {
    cr_role role;
    size_t th, td;             /* TR: its cells */
    size_t rows, header_cells; /* Table: rows seen, cells of the header row */
    size_t links, texts;       /* Link: its annotations and text runs */
    char text[256];            /* H1, H2: the heading's text */
    const char *alt;           /* its alternative text */
} frame;

/* What a display list's structure holds, for the tests' own expectations. */
typedef struct outline {
    char h1[MAX_HEADS][256], h2[MAX_HEADS][256]; /* their texts, else alternative texts */
    size_t nh1, nh2;
    char marks[MAX_HEADS][256]; /* the top-level bookmarks */
    size_t nmarks;
    size_t tables, figures, links, artifacts;
    char alts[MAX_HEADS][600]; /* the figures' alternative texts */
} outline;

static bool has_digit(const char *s)
{
    for (; s && *s; s++)
        if (isdigit((unsigned char)*s))
            return true;
    return false;
}

/* Whether a text run may be the content of an element of |role| (the innermost). */
static bool reads_text(cr_role role)
{
    switch (role) {
    case CR_ROLE_H1:
    case CR_ROLE_H2:
    case CR_ROLE_H3:
    case CR_ROLE_P:
    case CR_ROLE_LBL:
    case CR_ROLE_LBODY:
    case CR_ROLE_TH:
    case CR_ROLE_TD:
    case CR_ROLE_FIGURE:
    case CR_ROLE_CAPTION:
    case CR_ROLE_LINK:
    case CR_ROLE_SPAN:
    case CR_ROLE_ARTIFACT:
        return true;
    default:
        return false;
    }
}

/* The role an element of |role| must be directly inside, or CR_ROLE_COUNT for any. */
static cr_role parent_of(cr_role role)
{
    switch (role) {
    case CR_ROLE_TR:
        return CR_ROLE_TABLE;
    case CR_ROLE_TH:
    case CR_ROLE_TD:
        return CR_ROLE_TR;
    case CR_ROLE_LI:
        return CR_ROLE_L;
    case CR_ROLE_LBL:
    case CR_ROLE_LBODY:
        return CR_ROLE_LI;
    default:
        return CR_ROLE_COUNT;
    }
}

static void append(char *buf, size_t size, const char *s)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%s", n ? " " : "", s);
}

/* Checks |d|'s structure (see the top of the file) and fills |out|. |sp|: its layout, for where
 * the running header and footer are. */
static void check_structure(const cr_display *d, const cr_layout_spec *sp, outline *out)
{
    memset(out, 0, sizeof *out);
    frame st[MAX_DEPTH];
    size_t depth = 0, docs = 0, in_artifact = 0;
    float header_y = sp->margin_top - 18, footer_y = sp->page_h - sp->margin_bottom + 24;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        frame *top = depth ? &st[depth - 1] : NULL;
        if (o->kind == CR_OP_PAGE)
            continue;
        if (o->kind == CR_OP_BEGIN) {
            assert_true(o->role >= 0 && o->role < CR_ROLE_COUNT);
            if (depth == 0) {
                if (o->role != CR_ROLE_DOCUMENT || docs++ != 0 || i != 1)
                    fail_msg("op %zu: <%s> is a second root (the Document opens at op 1)", i,
                             cr_role_name(o->role));
            } else if (o->role == CR_ROLE_DOCUMENT) {
                fail_msg("op %zu: a Document inside <%s>", i, cr_role_name(top->role));
            }
            if (in_artifact)
                fail_msg("op %zu: <%s> inside an Artifact", i, cr_role_name(o->role));
            if (top && top->role == CR_ROLE_FIGURE)
                fail_msg("op %zu: <%s> inside a Figure", i, cr_role_name(o->role));
            cr_role parent = parent_of(o->role);
            if (parent != CR_ROLE_COUNT && (!top || top->role != parent))
                fail_msg("op %zu: <%s> inside <%s>, not <%s>", i, cr_role_name(o->role),
                         top ? cr_role_name(top->role) : "(nothing)", cr_role_name(parent));
            /* Artifacts (a page's running header and footer, a table's repeated header) may
             * come anywhere: they are not in the structure. */
            bool artifact = o->role == CR_ROLE_ARTIFACT;
            if (!artifact && top &&
                (top->role == CR_ROLE_L || top->role == CR_ROLE_TR || top->role == CR_ROLE_LI) &&
                parent_of(o->role) != top->role)
                fail_msg("op %zu: <%s> directly inside <%s>", i, cr_role_name(o->role),
                         cr_role_name(top->role));
            if (!artifact && top && top->role == CR_ROLE_TABLE && o->role != CR_ROLE_TR)
                fail_msg("op %zu: <%s> directly inside a Table", i, cr_role_name(o->role));
            if (o->role == CR_ROLE_FIGURE) {
                if (!o->text || !has_digit(o->text))
                    fail_msg(
                        "op %zu: a Figure without an alternative text stating numbers (\"%s\")", i,
                        o->text ? o->text : "(none)");
                if (o->text && out->figures < MAX_HEADS)
                    snprintf(out->alts[out->figures], sizeof out->alts[0], "%s", o->text);
                out->figures++;
            }
            out->tables += o->role == CR_ROLE_TABLE;
            out->artifacts += o->role == CR_ROLE_ARTIFACT;
            in_artifact += o->role == CR_ROLE_ARTIFACT;
            assert_true(depth < MAX_DEPTH);
            if (o->role == CR_ROLE_H2 && out->nh1 == 0)
                fail_msg("op %zu: an H2 before the first H1", i);
            memset(&st[depth], 0, sizeof st[depth]);
            st[depth].alt = o->text;
            st[depth++].role = o->role;
            continue;
        }
        if (o->kind == CR_OP_END) {
            if (depth == 0)
                fail_msg("op %zu: an END with no open element", i);
            frame *f = &st[--depth];
            frame *parent = depth ? &st[depth - 1] : NULL;
            switch (f->role) {
            case CR_ROLE_TR:
                /* The first row: header cells only; then rows of as many data cells. */
                if (parent->rows == 0 && (f->td || !f->th))
                    fail_msg("op %zu: a Table's first row has %zu TH and %zu TD", i, f->th, f->td);
                if (parent->rows > 0 && (f->th || f->td != parent->header_cells))
                    fail_msg("op %zu: a body row has %zu TH and %zu TD (the header %zu)", i, f->th,
                             f->td, parent->header_cells);
                if (parent->rows++ == 0)
                    parent->header_cells = f->th;
                break;
            case CR_ROLE_TH:
            case CR_ROLE_TD:
                parent->th += f->role == CR_ROLE_TH;
                parent->td += f->role == CR_ROLE_TD;
                break;
            case CR_ROLE_TABLE:
                if (f->rows < 2)
                    fail_msg("op %zu: a Table of %zu rows", i, f->rows);
                break;
            case CR_ROLE_LINK:
                if (!f->links || !f->texts)
                    fail_msg("op %zu: a Link with %zu link areas and %zu texts", i, f->links,
                             f->texts);
                out->links++;
                break;
            case CR_ROLE_H1:
            case CR_ROLE_H2:
                /* A section that draws no heading has one with only its alternative text. */
                if (!f->text[0] && f->alt)
                    snprintf(f->text, sizeof f->text, "%s", f->alt);
                if (!f->text[0])
                    fail_msg("op %zu: an empty heading", i);
                if (f->role == CR_ROLE_H1 && out->nh1 < MAX_HEADS)
                    snprintf(out->h1[out->nh1++], sizeof out->h1[0], "%s", f->text);
                if (f->role == CR_ROLE_H2 && out->nh2 < MAX_HEADS)
                    snprintf(out->h2[out->nh2++], sizeof out->h2[0], "%s", f->text);
                break;
            case CR_ROLE_ARTIFACT:
                in_artifact--;
                break;
            case CR_ROLE_DOCUMENT:
                if (i + 1 != d->nops)
                    fail_msg("op %zu: the Document closes before the last op", i);
                break;
            default:
                break;
            }
            continue;
        }
        /* Every other op is inside the Document. */
        if (!top)
            fail_msg("op %zu (kind %d) is outside the Document", i, (int)o->kind);
        if (o->kind == CR_OP_BOOKMARK && o->level == 0 && out->nmarks < MAX_HEADS)
            snprintf(out->marks[out->nmarks++], sizeof out->marks[0], "%s", o->text);
        if (o->kind == CR_OP_TEXT) {
            if (!reads_text(top->role))
                fail_msg("op %zu: text \"%s\" directly in <%s>", i, o->text,
                         cr_role_name(top->role));
            bool running = o->y == header_y || o->y == footer_y || strstr(o->text, " (continued)");
            if (running && !in_artifact)
                fail_msg("op %zu: the running text \"%s\" is not an artifact", i, o->text);
            for (size_t k = depth; k-- > 0;) {
                if (st[k].role == CR_ROLE_H1 || st[k].role == CR_ROLE_H2)
                    append(st[k].text, sizeof st[k].text, o->text);
                if (st[k].role == CR_ROLE_LINK)
                    st[k].texts++;
            }
        }
        if (o->kind == CR_OP_LINK || o->kind == CR_OP_GOTO) {
            if (top->role != CR_ROLE_LINK)
                fail_msg("op %zu: a link area in <%s>, not in a Link", i, cr_role_name(top->role));
            if (!o->text || !o->text[0])
                fail_msg("op %zu: a link area without its text", i);
            top->links++;
        }
    }
    if (depth != 0 || docs != 1)
        fail_msg("%zu elements left open, %zu Documents", depth, docs);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_rgb(cr_rgb a, cr_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

static bool same_op(const cr_op *a, const cr_op *b)
{
    return a->kind == b->kind && a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h &&
           a->face == b->face && a->size == b->size && same_rgb(a->color, b->color) &&
           same_rgb(a->stroke_color, b->stroke_color) && a->line_width == b->line_width &&
           a->fill == b->fill && a->stroke == b->stroke && same_str(a->text, b->text) &&
           same_str(a->uri, b->uri) && a->target == b->target && a->level == b->level &&
           a->npoints == b->npoints &&
           (!a->npoints || memcmp(a->pts, b->pts, a->npoints * sizeof *a->pts) == 0);
}

/* |plain| (laid out untagged) has no structure op, and every op of |tagged| but the structure
 * ops, in the same order. */
static void same_drawing(const cr_display *tagged, const cr_display *plain)
{
    assert_int_equal(tagged->npages, plain->npages);
    assert_int_equal(tagged->nanchors, plain->nanchors);
    size_t j = 0;
    for (size_t i = 0; i < tagged->nops; i++) {
        const cr_op *o = &tagged->ops[i];
        if (o->kind == CR_OP_BEGIN || o->kind == CR_OP_END)
            continue;
        if (j >= plain->nops || !same_op(o, &plain->ops[j]))
            fail_msg("tagged op %zu (kind %d, \"%s\") differs from untagged op %zu", i,
                     (int)o->kind, o->text ? o->text : "", j);
        j++;
    }
    assert_int_equal(j, plain->nops);
}

/* ---- fixtures ---- */

static int setup(void **st)
{
    state *s = layout_fixture_new(sizeof *s);
    if (!s)
        return -1;
    *st = s;
    const cr_catalog *cat = s->base.fx->catalog;
    cr_error err;
    cr_error_init(&err);
    cr_cohort *c = cr_cohort_scan(CR_TEST_SAMPLES, &err);
    s->peers = c ? cr_cohort_stats(c, cat, s->base.fx->schemas, NULL, &err) : NULL;
    cr_cohort_free(c);
    for (size_t k = 0; s->peers && k < NSAMPLES; k++) {
        char sub[1024], aud[1024];
        sample_path(sub, sizeof sub, SAMPLES[k], ".submission.xml");
        sample_path(aud, sizeof aud, SAMPLES[k], ".audit.xml");
        bool audit = strcmp(SAMPLES[k], "no-audit") != 0;
        if (cr_assessment_load(&s->samples[k], sub, audit ? aud : NULL, cat, s->base.fx->schemas,
                               &err) != CR_OK)
            break;
    }
    if (err.code != CR_OK) {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "test_structure: %s\n", msg);
        return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    for (size_t k = 0; k < NSAMPLES; k++)
        if (s->samples[k].submission)
            cr_assessment_free(&s->samples[k]);
    cr_peers_free(s->peers);
    layout_fixture_free(s);
    return 0;
}

typedef struct report_env {
    const cr_catalog *cat;
    const cr_layout_spec *spec;
    const cr_strings *strings;
} report_env;

static cr_display *layout_report(state *s, const report_env *e, const cr_assessment *a,
                                 const cr_assessment *previous, bool untagged)
{
    cr_error err;
    cr_error_init(&err);
    cr_report_request req = {.catalog = e->cat,
                             .assessment = a,
                             .peers = s->peers,
                             .spec = e->spec,
                             .strings = e->strings,
                             .fonts = s->base.env.fonts,
                             .created = CREATED,
                             .previous = previous,
                             .untagged = untagged};
    cr_display *d = cr_layout_report(&req, &err);
    assert_no_error(&err);
    assert_non_null(d);
    return d;
}

static report_env english(const state *s)
{
    return (report_env){s->base.fx->catalog, s->base.env.spec, s->base.env.strings};
}

/* The H1 headings of a report in |e|'s section order: each section's title (the status page's is
 * the city's name, its visible title; the practice areas draw none: their H1 has only its
 * alternative text). */
static size_t expected_h1(const report_env *e, const char *city, const char **out)
{
    static const char *const keys[CR_SEC_COUNT] = {
        [CR_SEC_STATUS] = "section.status", [CR_SEC_PROCESS] = "section.process",
        [CR_SEC_FIELD] = "section.field",   [CR_SEC_MEASURE] = "section.measure",
        [CR_SEC_AREAS] = "section.areas",   [CR_SEC_OUTCOMES] = "section.outcomes",
        [CR_SEC_NEXT] = "section.next",     [CR_SEC_REQUIREMENTS] = "section.requirements"};
    size_t n = 0;
    for (size_t k = 0; k < e->spec->nsections; k++)
        out[n++] = e->spec->sections[k] == CR_SEC_STATUS
                       ? city
                       : cr_strings_get(e->strings, keys[e->spec->sections[k]]);
    return n;
}

/* The H1s are |want| (|n| of them), and the top-level bookmarks. */
static void check_h1(const outline *ol, const char *const *want, size_t n, const char *what)
{
    if (ol->nh1 != n || ol->nmarks != n)
        fail_msg("%s: %zu H1 headings and %zu top-level bookmarks, expected %zu", what, ol->nh1,
                 ol->nmarks, n);
    for (size_t k = 0; k < n; k++)
        if (strcmp(ol->h1[k], want[k]) != 0 || strcmp(ol->marks[k], want[k]) != 0)
            fail_msg("%s: H1 %zu is \"%s\" (bookmark \"%s\"), expected \"%s\"", what, k + 1,
                     ol->h1[k], ol->marks[k], want[k]);
}

/* Lays out |a| tagged and untagged and checks both; returns the tagged list's outline. */
static void check_report(state *s, const report_env *e, const cr_assessment *a,
                         const cr_assessment *previous, outline *ol)
{
    cr_display *d = layout_report(s, e, a, previous, false);
    cr_display *plain = layout_report(s, e, a, previous, true);
    check_structure(d, e->spec, ol);
    same_drawing(d, plain);
    const char *want[16];
    size_t n = expected_h1(e, a->submission->city.name, want);
    check_h1(ol, want, n, a->submission->id);
    /* The city's name, the title, is the status page's H1 (checked above) and no H2. */
    for (size_t k = 0; k < ol->nh2; k++)
        assert_string_not_equal(ol->h2[k], a->submission->city.name);
    cr_display_free(plain);
    cr_display_free(d);
}

/* ---- the tests ---- */

/* Every sample: the structure rules, the H1s in the section order (the top-level bookmarks), the
 * same drawing untagged;
 * per practice area a table and an H2 (in the measure section and in its own); the charts as
 * figures (the gauge, two peer charts, one per area); the status band's eight links. */
static void test_every_sample(void **st)
{
    state *s = *st;
    report_env e = english(s);
    const cr_catalog *cat = e.cat;
    for (size_t k = 0; k < NSAMPLES; k++) {
        outline ol;
        check_report(s, &e, &s->samples[k], NULL, &ol);
        /* the tiers (requirements), the areas' criteria, the outcomes */
        assert_int_equal(ol.tables, cat->nareas + 2);
        assert_int_equal(ol.figures, 3 + cat->nareas);
        /* the band's boxes, the resources, the outcomes' data sources for the city's region */
        size_t sources = 0;
        for (size_t o = 0; o < cat->noutcomes; o++)
            sources += cr_catalog_outcome_source(cat, o, s->samples[k].score.region) != NULL;
        assert_int_equal(ol.links, cat->nareas + 3 + sources);
        assert_true(ol.artifacts > 10);
        for (size_t a = 0; a < cat->nareas; a++) {
            size_t seen = 0;
            for (size_t h = 0; h < ol.nh2; h++)
                seen += strcmp(ol.h2[h], cat->areas[a].name) == 0;
            if (seen != 2)
                fail_msg("%s: the area \"%s\" is an H2 %zu times", SAMPLES[k], cat->areas[a].name,
                         seen);
        }
        /* The gauge in words: each tier's threshold and the city's share. */
        const char *gauge = ol.alts[0];
        assert_non_null(strstr(gauge, "Silver from 22 (51%)"));
        char you[48];
        snprintf(you, sizeof you, "Your city: %u (%u%%), ", s->samples[k].score.met,
                 s->samples[k].score.percent);
        assert_non_null(strstr(gauge, you));
    }
}

/* The status band's links say what their box says, with the change when there is one. */
static void test_band_links(void **st)
{
    state *s = *st;
    report_env e = english(s);
    cr_assessment previous;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_assessment_load(&previous,
                                        CR_TEST_DATA "/previous/gold-city.submission.xml", NULL,
                                        e.cat, s->base.fx->schemas, &err),
                     CR_OK);
    outline ol;
    check_report(s, &e, &s->samples[0], &previous, &ol);
    for (int with = 0; with < 2; with++) {
        cr_display *d = layout_report(s, &e, &s->samples[0], with ? &previous : NULL, false);
        size_t k = 0, status = (size_t)-1; /* the status page: the first link's */
        for (size_t i = 0; i < d->nops; i++) {
            const cr_op *o = &d->ops[i];
            if (o->kind != CR_OP_GOTO)
                continue;
            if (status == (size_t)-1)
                status = op_page(d, i);
            if (op_page(d, i) != status)
                break;
            assert_true(k < e.cat->nareas);
            char want[160];
            snprintf(want, sizeof want, "%s: %u%%%s", e.cat->areas[k].name,
                     s->samples[0].score.areas[k].percent, with ? " (" : "");
            assert_true(strncmp(o->text, want, strlen(want)) == 0);
            assert_true(!with || strstr(o->text, "since 2022)") || strstr(o->text, "(no change)"));
            assert_true(o->target >= 0 && o->target < d->nanchors);
            k++;
        }
        assert_int_equal(k, e.cat->nareas);
        cr_display_free(d);
    }
    cr_assessment_free(&previous);
}

/* A layout file with sections |names| (layout.xsd names) instead of the default's. */
static cr_layout_spec *spec_with(const state *s, const char *const *names, size_t n)
{
    cr_error err;
    cr_error_init(&err);
    size_t len;
    char *xml = cr_read_file(CR_TEST_ASSETS "/../layouts/default.xml", 1u << 20, &len, &err);
    assert_non_null(xml);
    char *open = strstr(xml, "<sections>"), *close = strstr(xml, "</sections>");
    assert_true(open && close);
    char *buf = malloc(len + 64 * n + 64);
    assert_non_null(buf);
    size_t w = (size_t)(open - xml) + strlen("<sections>");
    memcpy(buf, xml, w);
    for (size_t k = 0; k < n; k++)
        w += (size_t)sprintf(buf + w, "<section name=\"%s\"/>", names[k]);
    w += (size_t)sprintf(buf + w, "%s", close);
    cr_layout_spec *sp = cr_layout_spec_parse(buf, w, "sections.xml", CR_TEST_ASSETS "/../fonts",
                                              s->base.fx->schemas, &err);
    assert_no_error(&err);
    assert_non_null(sp);
    free(buf);
    free(xml);
    return sp;
}

/* The headings follow the layout's section order; without the area sections the status band's
 * boxes are no links; with them before the status page, the links still find them. */
static void test_section_order(void **st)
{
    state *s = *st;
    static const char *const reordered[] = {"next-steps", "outcomes", "status",
                                            "measure",    "field",    "process"};
    static const char *const areas_first[] = {"areas", "status", "next-steps"};
    const char *const *orders[] = {reordered, areas_first};
    size_t counts[] = {6, 3};
    for (size_t v = 0; v < 2; v++) {
        cr_layout_spec *sp = spec_with(s, orders[v], counts[v]);
        report_env e = {s->base.fx->catalog, sp, s->base.env.strings};
        outline ol;
        check_report(s, &e, &s->samples[4], NULL, &ol);
        size_t areas = v == 1 ? e.cat->nareas : 0;
        /* The resources (3) and, with the outcomes section, its data-source link (the
         * nomination form: this city is outside the United States). */
        assert_int_equal(ol.links, areas + 3 + (v == 0 ? 1 : 0));
        cr_display *d = layout_report(s, &e, &s->samples[4], NULL, false);
        size_t gotos = 0;
        for (size_t i = 0; i < d->nops; i++)
            if (d->ops[i].kind == CR_OP_GOTO) {
                assert_true(d->ops[i].target >= 0 && d->ops[i].target < d->nanchors);
                gotos++;
            }
        assert_int_equal(gotos, areas);
        cr_display_free(d);
        cr_layout_spec_free(sp);
    }
}

/* In Spanish and French, the figures are described in the language, with its percent style. */
static void test_languages(void **st)
{
    state *s = *st;
    static const char *const langs[] = {"es", "fr"};
    static const char *const english_words[] = {"Your city", " from ", "applicant", "Tiers by",
                                                " below "};
    for (size_t l = 0; l < 2; l++) {
        cr_error err;
        cr_error_init(&err);
        char path[1024];
        snprintf(path, sizeof path, "%s/strings/%s.xml", CR_TEST_ASSETS, langs[l]);
        cr_strings *strings = cr_strings_load(path, s->base.fx->schemas, &err);
        cr_catalog *cat =
            cr_catalog_load(CR_TEST_ASSETS "/catalog-2023.xml", s->base.fx->schemas, &err);
        assert_true(strings && cat);
        assert_true(cr_catalog_translation_path(CR_TEST_ASSETS "/catalog-2023.xml", langs[l], path,
                                                sizeof path));
        assert_int_equal(cr_catalog_translate(cat, path, s->base.fx->schemas, &err), CR_OK);
        assert_int_equal(cr_layout_check_texts(cat, strings, s->base.env.fonts, &err), CR_OK);
        report_env e = {cat, s->base.env.spec, strings};
        outline ol;
        check_report(s, &e, &s->samples[0], NULL, &ol);
        assert_int_equal(ol.figures, 3 + cat->nareas);
        /* The gauge: "not certified" and the first tier's threshold as the language writes them. */
        cr_arena *a = cr_arena_new();
        assert_non_null(a);
        char n[16];
        snprintf(n, sizeof n, "%u", cat->tiers[0].percent);
        cr_arg pa[] = {{"n", n}};
        const char *pct = cr_tpl(a, strings, "number.percent", pa, 1);
        assert_non_null(strstr(ol.alts[0], cr_strings_get(strings, "gauge.none")));
        if (!strstr(ol.alts[0], pct))
            fail_msg("%s: the gauge's alternative text \"%s\" lacks \"%s\"", langs[l], ol.alts[0],
                     pct);
        assert_non_null(strstr(ol.alts[0], cat->tiers[0].name));
        for (size_t f = 0; f < ol.figures; f++)
            for (size_t w = 0; w < sizeof english_words / sizeof *english_words; w++)
                if (strstr(ol.alts[f], english_words[w]))
                    fail_msg("%s: figure %zu is described in English: \"%s\"", langs[l], f + 1,
                             ol.alts[f]);
        /* The peer chart names the regions in the language. */
        assert_non_null(strstr(ol.alts[1], cat->regions[0].name));
        assert_non_null(strstr(ol.alts[1], cr_strings_get(strings, "field.regions")));
        cr_arena_free(a);
        cr_catalog_free(cat);
        cr_strings_free(strings);
    }
}

/* The cohort overview (the sample cohort's cities): the same rules; H1s: the four sections (the
 * first headed by the overview's visible title); three tables (the criteria one over several
 * pages), the tier chart a figure. */
static void test_overview(void **st)
{
    state *s = *st;
    const cr_catalog *cat = s->base.fx->catalog;
    cr_overview_city cities[NSAMPLES];
    unsigned area_met[NSAMPLES][CR_MAX_LIST];
    for (size_t k = 0; k < NSAMPLES; k++) {
        const cr_assessment *a = &s->samples[k];
        const cr_scorecard *sc = &a->score;
        for (size_t ar = 0; ar < cat->nareas; ar++)
            area_met[k][ar] = sc->areas[ar].met;
        cities[k] = (cr_overview_city){.id = a->submission->id,
                                       .name = a->submission->city.name,
                                       .country = a->submission->city.country,
                                       .region = sc->region,
                                       .band = sc->band,
                                       .met = sc->met,
                                       .total = sc->total,
                                       .percent = sc->percent,
                                       .area_met = area_met[k],
                                       .eligible = sc->tier,
                                       .awarded = sc->awarded,
                                       .outcomes_met = sc->outcomes_met};
    }
    cr_display *lists[2];
    for (int untagged = 0; untagged < 2; untagged++) {
        cr_error err;
        cr_error_init(&err);
        cr_overview_request req = {.catalog = cat,
                                   .peers = s->peers,
                                   .cities = cities,
                                   .ncities = NSAMPLES,
                                   .excluded = 1,
                                   .cycle = 2023,
                                   .spec = s->base.env.spec,
                                   .strings = s->base.env.strings,
                                   .fonts = s->base.env.fonts,
                                   .created = CREATED,
                                   .untagged = untagged};
        lists[untagged] = cr_layout_overview(&req, &err);
        assert_no_error(&err);
        assert_non_null(lists[untagged]);
    }
    outline ol;
    check_structure(lists[0], s->base.env.spec, &ol);
    same_drawing(lists[0], lists[1]);
    const cr_strings *str = s->base.env.strings;
    const char *want[] = {"Cohort overview 2023", cr_strings_get(str, "overview.section.areas"),
                          cr_strings_get(str, "overview.section.criteria"),
                          cr_strings_get(str, "overview.section.cities")};
    check_h1(&ol, want, 4, "overview");
    assert_string_not_equal(ol.h2[0], "Cohort overview 2023");
    assert_int_equal(ol.tables, 3);
    assert_int_equal(ol.figures, 1);
    assert_non_null(strstr(ol.alts[0], "Tier distribution: Platinum: "));
    assert_true(lists[0]->npages > 3); /* the criteria table continues: its header repeated */
    cr_display_free(lists[0]);
    cr_display_free(lists[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_sample),  cmocka_unit_test(test_band_links),
        cmocka_unit_test(test_section_order), cmocka_unit_test(test_languages),
        cmocka_unit_test(test_overview),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
