/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: every public function checks its arguments (issue #16). Each function
 * declared with CR_API in the installed headers has a case here that calls it with NULL for each
 * pointer argument in turn, and with out-of-range indices and enum values where it takes them:
 * it must return CR_EUSAGE with a message naming the function (or NULL, 0 or false, as its
 * header says), with and without an error record, and never crash or read out of bounds (the
 * test runs in the ASan build too). The list of declarations is read from the headers at run
 * time, as tests/symbols_test.sh reads it: a public function without a case here fails. */
#include "layouttest.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CR_TEST_INCLUDE
#error "CR_TEST_INCLUDE: the source tree's include/certreport"
#endif
#ifndef CR_TEST_BUILD_INCLUDE
#error "CR_TEST_BUILD_INCLUDE: the build tree's include/certreport (version.h)"
#endif

/* Everything the cases need that is valid, so the one argument made wrong is the only one. */
typedef struct world {
    layout_fixture lf; /* schemas, catalog, layout, strings, fonts */
    cr_assessment a;
    cr_peers *peers;
    cr_display *d;
    cr_install *in;
    cr_cohort *cohort;
} world;

static world *W;
#define SCH (W->lf.fx->schemas)
#define CAT (W->lf.fx->catalog)
#define ENV (W->lf.env)

static const char XML[] = "<x/>"; /* never parsed: the checks come first */

/* The case of function NAME is c_NAME; FN is NAME as a string (from __func__). */
#define CASE(name) static void c_##name(void **state)
#define FN (__func__ + 2)

static void expect_usage(const cr_error *e, const char *fn)
{
    if (e->code != CR_EUSAGE || strncmp(e->message, fn, strlen(fn)) != 0 ||
        e->message[strlen(fn)] != ':')
        fail_msg("%s: expected CR_EUSAGE \"%s: ...\", got %d \"%s\"", fn, fn, (int)e->code,
                 e->message);
}

/* |expr| (which passes ERR as its error record) returns CR_EUSAGE, naming the function; then the
 * same with ERR NULL. */
#define USAGE(expr)                                                                                \
    do {                                                                                           \
        cr_error E_;                                                                               \
        cr_error_init(&E_);                                                                        \
        {                                                                                          \
            cr_error *ERR = &E_;                                                                   \
            assert_int_equal((int)(expr), CR_EUSAGE);                                              \
        }                                                                                          \
        expect_usage(&E_, FN);                                                                     \
        {                                                                                          \
            cr_error *ERR = NULL;                                                                  \
            assert_int_equal((int)(expr), CR_EUSAGE);                                              \
        }                                                                                          \
    } while (0)

/* |expr| returns NULL (or the value |none|) with CR_EUSAGE naming the function; then with ERR
 * NULL. */
#define REFUSED_AS(expr, none)                                                                     \
    do {                                                                                           \
        cr_error E_;                                                                               \
        cr_error_init(&E_);                                                                        \
        {                                                                                          \
            cr_error *ERR = &E_;                                                                   \
            assert_true((expr) == (none));                                                         \
        }                                                                                          \
        expect_usage(&E_, FN);                                                                     \
        {                                                                                          \
            cr_error *ERR = NULL;                                                                  \
            assert_true((expr) == (none));                                                         \
        }                                                                                          \
    } while (0)
#define REFUSED(expr) REFUSED_AS(expr, NULL)

/* ---- api.h ---- */

CASE(cr_install_open)
{
    (void)state;
    cr_error e;
    cr_error_init(&e);
    assert_null(cr_install_open("/nonexistent/certreport", &e));
    assert_int_equal(e.code, CR_EIO);
    assert_null(cr_install_open("/nonexistent/certreport", NULL));
}

CASE(cr_install_close)
{
    (void)state;
    cr_install_close(NULL);
}

CASE(cr_install_preload)
{
    (void)state;
    USAGE(cr_install_preload(NULL, ERR));
}

CASE(cr_install_assets)
{
    (void)state;
    assert_null(cr_install_assets(NULL));
}

CASE(cr_install_catalog)
{
    (void)state;
    assert_null(cr_install_catalog(NULL));
}

CASE(cr_install_schemas)
{
    (void)state;
    assert_null(cr_install_schemas(NULL));
}

CASE(cr_render_city)
{
    (void)state;
    cr_buffer out = {0};
    cr_render_options bad = CR_RENDER_OPTIONS_INIT;
    USAGE(cr_render_city(NULL, "s", NULL, "p", NULL, &out, ERR));
    USAGE(cr_render_city(W->in, NULL, NULL, "p", NULL, &out, ERR));
    USAGE(cr_render_city(W->in, "s", NULL, NULL, NULL, &out, ERR));
    USAGE(cr_render_city(W->in, "s", NULL, "p", NULL, NULL, ERR));
    bad.format = (cr_output_format)7;
    USAGE(cr_render_city(W->in, "s", NULL, "p", &bad, &out, ERR));
    bad.format = CR_OUTPUT_PDF;
    bad.backend = (cr_backend)-1;
    USAGE(cr_render_city(W->in, "s", NULL, "p", &bad, &out, ERR));
    assert_null(out.data);
}

CASE(cr_render_city_buffers)
{
    (void)state;
    cr_buffer out = {0};
    cr_render_options bad = CR_RENDER_OPTIONS_INIT;
    USAGE(cr_render_city_buffers(NULL, XML, 4, NULL, 0, XML, 4, NULL, &out, ERR));
    USAGE(cr_render_city_buffers(W->in, NULL, 4, NULL, 0, XML, 4, NULL, &out, ERR));
    USAGE(cr_render_city_buffers(W->in, XML, 4, NULL, 0, NULL, 4, NULL, &out, ERR));
    USAGE(cr_render_city_buffers(W->in, XML, 4, NULL, 0, XML, 4, NULL, NULL, ERR));
    bad.format = (cr_output_format)3;
    USAGE(cr_render_city_buffers(W->in, XML, 4, NULL, 0, XML, 4, &bad, &out, ERR));
}

CASE(cr_render_city_file)
{
    (void)state;
    const char *path = CR_TEST_TMP "/api_args_never.pdf";
    cr_render_options bad = CR_RENDER_OPTIONS_INIT;
    USAGE(cr_render_city_file(NULL, "s", NULL, "p", NULL, path, ERR));
    USAGE(cr_render_city_file(W->in, NULL, NULL, "p", NULL, path, ERR));
    USAGE(cr_render_city_file(W->in, "s", NULL, NULL, NULL, path, ERR));
    USAGE(cr_render_city_file(W->in, "s", NULL, "p", NULL, NULL, ERR));
    bad.backend = (cr_backend)9;
    USAGE(cr_render_city_file(W->in, "s", NULL, "p", &bad, path, ERR));
}

/* ---- audit.h ---- */

CASE(cr_audit_apply)
{
    (void)state;
    REFUSED(cr_audit_apply(NULL, W->a.submission, NULL, ERR));
    REFUSED(cr_audit_apply(CAT, NULL, W->a.log, ERR));
}

CASE(cr_audited_free)
{
    (void)state;
    cr_audited_free(NULL);
}

/* ---- batch.h ---- */

static cr_batch_options batch_options(void)
{
    cr_batch_options o = {.cohort_dir = CR_TEST_SAMPLES,
                          .out_dir = CR_TEST_TMP "/api_args_never",
                          .format = CR_OUTPUT_PDF,
                          .backend = CR_BACKEND_HARU,
                          .catalog_path = CR_TEST_ASSETS "/catalog-2023.xml",
                          .layout_path = CR_TEST_ASSETS "/../layouts/default.xml",
                          .fonts_dir = CR_TEST_ASSETS "/../fonts",
                          .strings_dir = CR_TEST_ASSETS "/strings",
                          .date = -1,
                          .version = "test"};
    return o;
}

/* Each required member of the options NULL in turn (in the case's own |o|). */
#define EACH_OPTION(member, call)                                                                  \
    do {                                                                                           \
        o = batch_options();                                                                       \
        o.member = NULL;                                                                           \
        call;                                                                                      \
    } while (0)

CASE(cr_batch_overview)
{
    (void)state;
    cr_buffer out;
    size_t excluded;
    cr_batch_options o = batch_options();
    USAGE(cr_batch_overview(NULL, CAT, SCH, &out, &excluded, ERR));
    USAGE(cr_batch_overview(&o, NULL, SCH, &out, &excluded, ERR));
    USAGE(cr_batch_overview(&o, CAT, NULL, &out, &excluded, ERR));
    USAGE(cr_batch_overview(&o, CAT, SCH, NULL, &excluded, ERR));
    USAGE(cr_batch_overview(&o, CAT, SCH, &out, NULL, ERR));
    EACH_OPTION(cohort_dir, USAGE(cr_batch_overview(&o, CAT, SCH, &out, &excluded, ERR)));
    o.backend = (cr_backend)7;
    USAGE(cr_batch_overview(&o, CAT, SCH, &out, &excluded, ERR));
    o.backend = CR_BACKEND_HARU;
    EACH_OPTION(catalog_path, USAGE(cr_batch_overview(&o, CAT, SCH, &out, &excluded, ERR)));
    EACH_OPTION(layout_path, USAGE(cr_batch_overview(&o, CAT, SCH, &out, &excluded, ERR)));
    EACH_OPTION(fonts_dir, USAGE(cr_batch_overview(&o, CAT, SCH, &out, &excluded, ERR)));
    EACH_OPTION(strings_dir, USAGE(cr_batch_overview(&o, CAT, SCH, &out, &excluded, ERR)));
}

/* ---- catalog.h ---- */

CASE(cr_schemas_load)
{
    (void)state;
    REFUSED(cr_schemas_load(NULL, ERR));
}

CASE(cr_schemas_free)
{
    (void)state;
    cr_schemas_free(NULL);
}

CASE(cr_catalog_load)
{
    (void)state;
    REFUSED(cr_catalog_load(NULL, SCH, ERR));
    REFUSED(cr_catalog_load(CR_TEST_ASSETS "/catalog-2023.xml", NULL, ERR));
}

CASE(cr_catalog_parse)
{
    (void)state;
    REFUSED(cr_catalog_parse(NULL, 4, "n", SCH, ERR));
    REFUSED(cr_catalog_parse(XML, 4, NULL, SCH, ERR));
    REFUSED(cr_catalog_parse(XML, 4, "n", NULL, ERR));
}

CASE(cr_catalog_translate)
{
    (void)state;
    const char *es = CR_TEST_ASSETS "/catalog-2023.es.xml";
    USAGE(cr_catalog_translate(NULL, es, SCH, ERR));
    USAGE(cr_catalog_translate(CAT, NULL, SCH, ERR));
    USAGE(cr_catalog_translate(CAT, es, NULL, ERR));
}

CASE(cr_catalog_translation_path)
{
    (void)state;
    char out[64];
    assert_false(cr_catalog_translation_path(NULL, "es", out, sizeof out));
    assert_false(cr_catalog_translation_path("c.xml", NULL, out, sizeof out));
    assert_false(cr_catalog_translation_path("c.xml", "es", NULL, sizeof out));
    assert_false(cr_catalog_translation_path("c.xml", "es", out, 0));
    assert_true(cr_catalog_translation_path("c.xml", "es", out, sizeof out));
    assert_string_equal(out, "c.es.xml");
}

CASE(cr_catalog_free)
{
    (void)state;
    cr_catalog_free(NULL);
}

#define LOOKUP(fn, good)                                                                           \
    do {                                                                                           \
        assert_true(fn(NULL, good) == CR_NONE);                                                    \
        assert_true(fn(CAT, NULL) == CR_NONE);                                                     \
        assert_true(fn(CAT, "no-such-thing") == CR_NONE);                                          \
        assert_true(fn(CAT, good) != CR_NONE);                                                     \
    } while (0)

CASE(cr_catalog_criterion)
{
    (void)state;
    LOOKUP(cr_catalog_criterion, CAT->criteria[0].code);
}

CASE(cr_catalog_outcome)
{
    (void)state;
    LOOKUP(cr_catalog_outcome, CAT->outcomes[0].id);
}

CASE(cr_catalog_tier)
{
    (void)state;
    LOOKUP(cr_catalog_tier, CAT->tiers[0].id);
}

CASE(cr_catalog_band)
{
    (void)state;
    LOOKUP(cr_catalog_band, CAT->bands[0].id);
}

CASE(cr_catalog_region_by_id)
{
    (void)state;
    LOOKUP(cr_catalog_region_by_id, CAT->regions[0].id);
}

CASE(cr_catalog_region)
{
    (void)state;
    LOOKUP(cr_catalog_region, CAT->regions[0].countries[0]);
}

CASE(cr_catalog_band_of)
{
    (void)state;
    assert_true(cr_catalog_band_of(NULL, 100000) == CR_NONE);
}

CASE(cr_catalog_outcome_source)
{
    (void)state;
    assert_null(cr_catalog_outcome_source(NULL, 0, 0));
    assert_null(cr_catalog_outcome_source(CAT, CAT->noutcomes, 0));
    assert_null(cr_catalog_outcome_source(CAT, CR_NONE, 0));
    (void)cr_catalog_outcome_source(CAT, 0, CAT->nregions + 5); /* no region of its own: no read */
    (void)cr_catalog_outcome_source(CAT, 0, CR_NONE);
}

CASE(cr_answer_name)
{
    (void)state;
    assert_string_equal(cr_answer_name(CR_ANSWER_YES), "yes");
    assert_string_equal(cr_answer_name((cr_answer)3), "?");
    assert_string_equal(cr_answer_name((cr_answer)-1), "?");
}

/* ---- cohort.h ---- */

static const char *sample(char *buf, size_t size, const char *suffix)
{
    return sample_path(buf, size, "bogota", suffix);
}

CASE(cr_assessment_load)
{
    (void)state;
    char sub[4096];
    cr_assessment a;
    sample(sub, sizeof sub, ".submission.xml");
    USAGE(cr_assessment_load(NULL, sub, NULL, CAT, SCH, ERR));
    USAGE(cr_assessment_load(&a, NULL, NULL, CAT, SCH, ERR));
    USAGE(cr_assessment_load(&a, sub, NULL, NULL, SCH, ERR));
    USAGE(cr_assessment_load(&a, sub, NULL, CAT, NULL, ERR));
    assert_null(a.submission);
    cr_assessment_free(&a);
}

CASE(cr_assessment_free)
{
    (void)state;
    cr_assessment zero = {0};
    cr_assessment_free(NULL);
    cr_assessment_free(&zero);
    cr_assessment_free(&zero); /* twice: freed means zeroed */
}

CASE(cr_assessment_parse)
{
    (void)state;
    cr_assessment a;
    USAGE(cr_assessment_parse(NULL, XML, 4, "s", NULL, 0, NULL, CAT, SCH, ERR));
    USAGE(cr_assessment_parse(&a, NULL, 4, "s", NULL, 0, NULL, CAT, SCH, ERR));
    USAGE(cr_assessment_parse(&a, XML, 4, NULL, NULL, 0, NULL, CAT, SCH, ERR));
    USAGE(cr_assessment_parse(&a, XML, 4, "s", XML, 4, NULL, CAT, SCH, ERR));
    USAGE(cr_assessment_parse(&a, XML, 4, "s", NULL, 0, NULL, NULL, SCH, ERR));
    USAGE(cr_assessment_parse(&a, XML, 4, "s", NULL, 0, NULL, CAT, NULL, ERR));
}

CASE(cr_assessment_date)
{
    (void)state;
    cr_assessment zero = {0};
    assert_true(cr_assessment_date(NULL) == 0);
    assert_true(cr_assessment_date(&zero) == 0);
    assert_true(cr_assessment_date(&W->a) > 0);
}

CASE(cr_cohort_scan)
{
    (void)state;
    REFUSED(cr_cohort_scan(NULL, ERR));
}

CASE(cr_cohort_free)
{
    (void)state;
    cr_cohort_free(NULL);
}

CASE(cr_cohort_load)
{
    (void)state;
    cr_assessment a;
    const cr_cohort_entry *good = &W->cohort->entries[0];
    cr_cohort_entry no_id = *good, no_sub = *good;
    no_id.id = NULL;
    no_sub.submission = NULL;
    USAGE(cr_cohort_load(NULL, &a, CAT, SCH, ERR));
    USAGE(cr_cohort_load(good, NULL, CAT, SCH, ERR));
    USAGE(cr_cohort_load(&no_id, &a, CAT, SCH, ERR));
    USAGE(cr_cohort_load(&no_sub, &a, CAT, SCH, ERR));
    USAGE(cr_cohort_load(good, &a, NULL, SCH, ERR));
    USAGE(cr_cohort_load(good, &a, CAT, NULL, ERR));
    assert_null(a.submission);
}

CASE(cr_cohort_stats)
{
    (void)state;
    REFUSED(cr_cohort_stats(NULL, CAT, SCH, NULL, ERR));
    REFUSED(cr_cohort_stats(W->cohort, NULL, SCH, NULL, ERR));
    REFUSED(cr_cohort_stats(W->cohort, CAT, NULL, NULL, ERR));
}

CASE(cr_cohort_stats_parallel)
{
    (void)state;
    REFUSED(cr_cohort_stats_parallel(NULL, CAT, SCH, NULL, 2, ERR));
    REFUSED(cr_cohort_stats_parallel(W->cohort, NULL, SCH, NULL, 2, ERR));
    REFUSED(cr_cohort_stats_parallel(W->cohort, CAT, NULL, NULL, 2, ERR));
    REFUSED(cr_cohort_stats_parallel(W->cohort, CAT, SCH, NULL, 257, ERR));
}

CASE(cr_cohort_summary)
{
    (void)state;
    assert_null(cr_cohort_summary(NULL));
}

/* ---- display.h ---- */

CASE(cr_role_name)
{
    (void)state;
    assert_string_equal(cr_role_name(CR_ROLE_H1), "H1");
    assert_null(cr_role_name(CR_ROLE_COUNT));
    assert_null(cr_role_name((cr_role)-1));
}

CASE(cr_display_free)
{
    (void)state;
    cr_display_free(NULL);
}

CASE(cr_display_dump)
{
    (void)state;
    REFUSED(cr_display_dump(NULL, ERR));
    cr_display empty = {.page_w = 100, .page_h = 100, .nops = 3};
    REFUSED(cr_display_dump(&empty, ERR)); /* ops NULL, nops 3 */
    /* Out-of-range enums inside a hand-made list are printed, not looked up out of bounds. */
    cr_op ops[2] = {{.kind = CR_OP_TEXT, .face = (cr_face)42, .text = "x", .size = 10},
                    {.kind = CR_OP_BEGIN, .role = (cr_role)99}};
    cr_display d = {.page_w = 100, .page_h = 100, .ops = ops, .nops = 2};
    char *s = cr_display_dump(&d, NULL);
    assert_non_null(s);
    free(s);
}

/* ---- error.h ---- */

CASE(cr_error_init)
{
    (void)state;
    cr_error_init(NULL);
}

CASE(cr_error_set)
{
    (void)state;
    const char *volatile nofmt = NULL; /* not a literal: the format check cannot see it */
    cr_error e;
    cr_error_init(&e);
    assert_int_equal(cr_error_set(NULL, CR_EIO, NULL, 0, "x"), CR_EIO);
    assert_int_equal(cr_error_set(&e, CR_EIO, NULL, 0, nofmt, 0), CR_EIO);
    assert_string_equal(e.message, "(no message)");
}

CASE(cr_error_warn)
{
    (void)state;
    const char *volatile nofmt = NULL;
    cr_error e;
    cr_error_init(&e);
    cr_error_warn(NULL, NULL, 0, "x");
    cr_error_warn(&e, NULL, 0, nofmt, 0);
    assert_int_equal(e.warnings, 1);
}

CASE(cr_error_format)
{
    (void)state;
    char buf[16] = "junk";
    cr_error e;
    cr_error_init(&e);
    cr_error_format(NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
    cr_error_format(&e, NULL, 16);
    strcpy(buf, "junk");
    cr_error_format(&e, buf, 0);
    assert_string_equal(buf, "junk");
}

CASE(cr_escape)
{
    (void)state;
    char buf[8] = "junk";
    assert_int_equal(cr_escape(NULL, 8, "x"), 0);
    assert_int_equal(cr_escape(buf, 0, "x"), 0);
    assert_string_equal(buf, "junk");
    assert_int_equal(cr_escape(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "");
    cr_escape(buf, sizeof buf,
              "a\nb\x01"
              "cdefgh"); /* cut, never past the buffer */
    assert_true(strlen(buf) < sizeof buf);
}

CASE(cr_utf8_cut)
{
    (void)state;
    assert_int_equal(cr_utf8_cut(NULL, 10), 0);
    assert_int_equal(cr_utf8_cut("\xc3\xa9", 1), 0); /* never inside a character */
    assert_int_equal(cr_utf8_cut("ab", 0), 0);
}

/* ---- fonts.h ---- */

static const cr_face BAD_FACES[] = {CR_FACE_COUNT, (cr_face)-1, (cr_face)1000};
#define NBAD (sizeof BAD_FACES / sizeof *BAD_FACES)

CASE(cr_fonts_load)
{
    (void)state;
    const char *const *good = cr_layout_spec_fonts(ENV.spec);
    const char *paths[CR_FACE_COUNT];
    REFUSED(cr_fonts_load(NULL, ERR));
    for (int k = 0; k < CR_FACE_COUNT; k++) {
        memcpy(paths, good, sizeof paths);
        paths[k] = NULL;
        REFUSED(cr_fonts_load(paths, ERR));
    }
}

CASE(cr_fonts_load_chain)
{
    (void)state;
    const char *const *good = cr_layout_spec_fonts(ENV.spec);
    const char *paths[CR_FACE_COUNT];
    const char *fallbacks[CR_FONTS_MAX_FALLBACK + 1] = {NULL};
    REFUSED(cr_fonts_load_chain(NULL, NULL, 0, ERR));
    REFUSED(cr_fonts_load_chain(good, NULL, 1, ERR));
    REFUSED(cr_fonts_load_chain(good, fallbacks, 1, ERR)); /* fallbacks[0] NULL */
    for (size_t k = 0; k <= CR_FONTS_MAX_FALLBACK; k++)
        fallbacks[k] = good[0];
    REFUSED(cr_fonts_load_chain(good, fallbacks, CR_FONTS_MAX_FALLBACK + 1, ERR));
    REFUSED(cr_fonts_load_chain(good, fallbacks, (size_t)-1, ERR));
    for (int k = 0; k < CR_FACE_COUNT; k++) {
        memcpy(paths, good, sizeof paths);
        paths[k] = NULL;
        REFUSED(cr_fonts_load_chain(paths, NULL, 0, ERR));
    }
}

CASE(cr_fonts_free)
{
    (void)state;
    cr_fonts_free(NULL);
}

CASE(cr_fonts_fallback_count)
{
    (void)state;
    assert_int_equal(cr_fonts_fallback_count(NULL), 0);
}

CASE(cr_fonts_fallback_path)
{
    (void)state;
    assert_null(cr_fonts_fallback_path(NULL, 0));
    assert_null(cr_fonts_fallback_path(ENV.fonts, cr_fonts_fallback_count(ENV.fonts)));
    assert_null(cr_fonts_fallback_path(ENV.fonts, CR_NONE));
}

CASE(cr_fonts_fallback_data)
{
    (void)state;
    size_t len = 99;
    assert_null(cr_fonts_fallback_data(NULL, 0, &len));
    assert_int_equal(len, 0);
    len = 99;
    assert_null(cr_fonts_fallback_data(ENV.fonts, cr_fonts_fallback_count(ENV.fonts), &len));
    assert_int_equal(len, 0);
    assert_null(cr_fonts_fallback_data(ENV.fonts, CR_NONE, NULL));
    (void)cr_fonts_fallback_data(ENV.fonts, 0, NULL);
}

CASE(cr_fonts_ignorable)
{
    (void)state; /* no pointer, no index: every code point is an answer */
    assert_false(cr_fonts_ignorable(0xFFFFFFFFu));
}

CASE(cr_fonts_combining)
{
    (void)state;
    assert_false(cr_fonts_combining(0xFFFFFFFFu));
}

CASE(cr_fonts_pick)
{
    (void)state;
    assert_int_equal(cr_fonts_pick(NULL, CR_FACE_REGULAR, 'a'), CR_FONT_PLACEHOLDER);
    for (size_t k = 0; k < NBAD; k++)
        assert_int_equal(cr_fonts_pick(ENV.fonts, BAD_FACES[k], 'a'), CR_FONT_PLACEHOLDER);
    assert_int_equal(cr_fonts_pick(ENV.fonts, CR_FACE_REGULAR, 'a'), CR_FONT_FACE);
}

CASE(cr_fonts_run)
{
    (void)state;
    unsigned font = 7;
    assert_int_equal(cr_fonts_run(NULL, CR_FACE_REGULAR, "ab", 2, &font), 0);
    assert_int_equal(font, CR_FONT_FACE);
    assert_int_equal(cr_fonts_run(ENV.fonts, CR_FACE_REGULAR, NULL, 2, &font), 0);
    for (size_t k = 0; k < NBAD; k++)
        assert_int_equal(cr_fonts_run(ENV.fonts, BAD_FACES[k], "ab", 2, &font), 0);
    assert_int_equal(cr_fonts_run(ENV.fonts, CR_FACE_REGULAR, "ab", 2, NULL), 2);
}

CASE(cr_fonts_width)
{
    (void)state;
    assert_true(cr_fonts_width(NULL, CR_FACE_REGULAR, 10, "ab", 2) == 0);
    assert_true(cr_fonts_width(ENV.fonts, CR_FACE_REGULAR, 10, NULL, 2) == 0);
    for (size_t k = 0; k < NBAD; k++)
        assert_true(cr_fonts_width(ENV.fonts, BAD_FACES[k], 10, "ab", 2) == 0);
}

CASE(cr_fonts_has)
{
    (void)state;
    assert_false(cr_fonts_has(NULL, CR_FACE_REGULAR, 'a'));
    for (size_t k = 0; k < NBAD; k++)
        assert_false(cr_fonts_has(ENV.fonts, BAD_FACES[k], 'a'));
}

CASE(cr_fonts_covers)
{
    (void)state;
    assert_false(cr_fonts_covers(NULL, CR_FACE_REGULAR, 'a'));
    for (size_t k = 0; k < NBAD; k++)
        assert_false(cr_fonts_covers(ENV.fonts, BAD_FACES[k], 'a'));
}

CASE(cr_fonts_missing)
{
    (void)state;
    assert_int_equal(cr_fonts_missing(NULL, CR_FACE_REGULAR, "a"), 0);
    assert_int_equal(cr_fonts_missing(ENV.fonts, CR_FACE_REGULAR, NULL), 0);
    for (size_t k = 0; k < NBAD; k++)
        assert_int_equal(cr_fonts_missing(ENV.fonts, BAD_FACES[k], "a"), 0);
}

CASE(cr_fonts_ascent)
{
    (void)state;
    assert_true(cr_fonts_ascent(NULL, CR_FACE_REGULAR, 10) == 0);
    for (size_t k = 0; k < NBAD; k++)
        assert_true(cr_fonts_ascent(ENV.fonts, BAD_FACES[k], 10) == 0);
}

CASE(cr_fonts_descent)
{
    (void)state;
    assert_true(cr_fonts_descent(NULL, CR_FACE_REGULAR, 10) == 0);
    for (size_t k = 0; k < NBAD; k++)
        assert_true(cr_fonts_descent(ENV.fonts, BAD_FACES[k], 10) == 0);
}

CASE(cr_fonts_path)
{
    (void)state;
    assert_null(cr_fonts_path(NULL, CR_FACE_REGULAR));
    for (size_t k = 0; k < NBAD; k++)
        assert_null(cr_fonts_path(ENV.fonts, BAD_FACES[k]));
}

CASE(cr_fonts_data)
{
    (void)state;
    size_t len = 99;
    assert_null(cr_fonts_data(NULL, CR_FACE_REGULAR, &len));
    assert_int_equal(len, 0);
    for (size_t k = 0; k < NBAD; k++) {
        len = 99;
        assert_null(cr_fonts_data(ENV.fonts, BAD_FACES[k], &len));
        assert_int_equal(len, 0);
    }
    assert_non_null(cr_fonts_data(ENV.fonts, CR_FACE_BOLD, NULL));
}

/* ---- input.h ---- */

CASE(cr_submission_load)
{
    (void)state;
    char sub[4096];
    sample(sub, sizeof sub, ".submission.xml");
    REFUSED(cr_submission_load(NULL, CAT, SCH, ERR));
    REFUSED(cr_submission_load(sub, NULL, SCH, ERR));
    REFUSED(cr_submission_load(sub, CAT, NULL, ERR));
}

CASE(cr_submission_parse)
{
    (void)state;
    REFUSED(cr_submission_parse(NULL, 4, "n", CAT, SCH, ERR));
    REFUSED(cr_submission_parse(XML, 4, NULL, CAT, SCH, ERR));
    REFUSED(cr_submission_parse(XML, 4, "n", NULL, SCH, ERR));
    REFUSED(cr_submission_parse(XML, 4, "n", CAT, NULL, ERR));
}

CASE(cr_submission_free)
{
    (void)state;
    cr_submission_free(NULL);
}

CASE(cr_audit_load)
{
    (void)state;
    char aud[4096];
    sample(aud, sizeof aud, ".audit.xml");
    REFUSED(cr_audit_load(NULL, CAT, SCH, ERR));
    REFUSED(cr_audit_load(aud, NULL, SCH, ERR));
    REFUSED(cr_audit_load(aud, CAT, NULL, ERR));
}

CASE(cr_audit_parse)
{
    (void)state;
    REFUSED(cr_audit_parse(NULL, 4, "n", CAT, SCH, ERR));
    REFUSED(cr_audit_parse(XML, 4, NULL, CAT, SCH, ERR));
    REFUSED(cr_audit_parse(XML, 4, "n", NULL, SCH, ERR));
    REFUSED(cr_audit_parse(XML, 4, "n", CAT, NULL, ERR));
}

CASE(cr_audit_free)
{
    (void)state;
    cr_audit_free(NULL);
}

CASE(cr_input_kind)
{
    (void)state;
    REFUSED_AS(cr_input_kind(NULL, ERR), CR_KIND_UNKNOWN);
}

CASE(cr_step_name)
{
    (void)state;
    assert_string_equal(cr_step_name(CR_STEP_DEBRIEF), "debrief");
    assert_string_equal(cr_step_name(CR_STEP_COUNT), "?");
    assert_string_equal(cr_step_name((cr_step)-1), "?");
}

/* ---- json.h ---- */

CASE(cr_scorecard_json)
{
    (void)state;
    REFUSED(cr_scorecard_json(NULL, &W->a.score, ERR));
    REFUSED(cr_scorecard_json(W->a.audited, NULL, ERR));
}

CASE(cr_scorecard_json_peers)
{
    (void)state;
    REFUSED(cr_scorecard_json_peers(NULL, &W->a.score, W->peers, ERR));
    REFUSED(cr_scorecard_json_peers(W->a.audited, NULL, W->peers, ERR));
}

CASE(cr_peers_json)
{
    (void)state;
    REFUSED(cr_peers_json(NULL, ERR));
}

/* ---- layout.h ---- */

#define LAYOUT CR_TEST_ASSETS "/../layouts/default.xml"
#define FONTS CR_TEST_ASSETS "/../fonts"

CASE(cr_layout_spec_load)
{
    (void)state;
    REFUSED(cr_layout_spec_load(NULL, FONTS, SCH, ERR));
    REFUSED(cr_layout_spec_load(LAYOUT, NULL, SCH, ERR));
    REFUSED(cr_layout_spec_load(LAYOUT, FONTS, NULL, ERR));
}

CASE(cr_layout_spec_parse)
{
    (void)state;
    REFUSED(cr_layout_spec_parse(NULL, 4, "n", FONTS, SCH, ERR));
    REFUSED(cr_layout_spec_parse(XML, 4, NULL, FONTS, SCH, ERR));
    REFUSED(cr_layout_spec_parse(XML, 4, "n", NULL, SCH, ERR));
    REFUSED(cr_layout_spec_parse(XML, 4, "n", FONTS, NULL, ERR));
}

CASE(cr_layout_spec_free)
{
    (void)state;
    cr_layout_spec_free(NULL);
}

CASE(cr_layout_spec_fonts)
{
    (void)state;
    assert_null(cr_layout_spec_fonts(NULL));
}

CASE(cr_layout_spec_fallbacks)
{
    (void)state;
    size_t n = 99;
    assert_null(cr_layout_spec_fallbacks(NULL, &n));
    assert_int_equal(n, 0);
    assert_null(cr_layout_spec_fallbacks(ENV.spec, NULL));
}

CASE(cr_layout_spec_load_fonts)
{
    (void)state;
    REFUSED(cr_layout_spec_load_fonts(NULL, ERR));
}

CASE(cr_strings_load)
{
    (void)state;
    REFUSED(cr_strings_load(NULL, SCH, ERR));
    REFUSED(cr_strings_load(CR_TEST_ASSETS "/strings/en.xml", NULL, ERR));
}

CASE(cr_strings_free)
{
    (void)state;
    cr_strings_free(NULL);
}

CASE(cr_language_files)
{
    (void)state;
    char s[4096], c[4096];
    const char *missing = "junk";
    const char *dir = CR_TEST_ASSETS "/strings", *cp = CR_TEST_ASSETS "/catalog-2023.xml";
    assert_false(cr_language_files(NULL, cp, CAT, "es", s, c, sizeof s, &missing));
    assert_null(missing);
    assert_false(cr_language_files(dir, NULL, CAT, "es", s, c, sizeof s, NULL));
    assert_false(cr_language_files(dir, cp, NULL, "es", s, c, sizeof s, NULL));
    assert_false(cr_language_files(dir, cp, CAT, NULL, s, c, sizeof s, NULL));
    assert_false(cr_language_files(dir, cp, CAT, "es", NULL, c, sizeof s, NULL));
    assert_false(cr_language_files(dir, cp, CAT, "es", s, NULL, sizeof s, NULL));
    assert_false(cr_language_files(dir, cp, CAT, "es", s, c, 0, NULL));
    assert_true(cr_language_files(dir, cp, CAT, "es", s, c, sizeof s, NULL));
}

CASE(cr_language_choose)
{
    (void)state;
    char s[4096], c[4096];
    const char *dir = CR_TEST_ASSETS "/strings", *cp = CR_TEST_ASSETS "/catalog-2023.xml";
    REFUSED(cr_language_choose(NULL, cp, CAT, "es", NULL, s, c, sizeof s, ERR));
    REFUSED(cr_language_choose(dir, NULL, CAT, "es", NULL, s, c, sizeof s, ERR));
    REFUSED(cr_language_choose(dir, cp, NULL, "es", NULL, s, c, sizeof s, ERR));
    REFUSED(cr_language_choose(dir, cp, CAT, "es", NULL, NULL, c, sizeof s, ERR));
    REFUSED(cr_language_choose(dir, cp, CAT, "es", NULL, s, NULL, sizeof s, ERR));
    REFUSED(cr_language_choose(dir, cp, CAT, "es", NULL, s, c, 0, ERR));
    /* The rule: forced, else own when translated, else English; forced untranslated fails. */
    cr_error e;
    cr_error_init(&e);
    assert_string_equal(cr_language_choose(dir, cp, CAT, "es", "pt", s, c, sizeof s, &e), "es");
    assert_string_equal(cr_language_choose(dir, cp, CAT, NULL, "pt", s, c, sizeof s, &e), "pt");
    assert_string_equal(cr_language_choose(dir, cp, CAT, NULL, "xx", s, c, sizeof s, &e), "en");
    assert_string_equal(cr_language_choose(dir, cp, CAT, NULL, NULL, s, c, sizeof s, &e), "en");
    assert_int_equal(e.code, CR_OK);
    assert_null(cr_language_choose(dir, cp, CAT, "xx", "es", s, c, sizeof s, &e));
    assert_int_equal(e.code, CR_EINPUT);
    assert_non_null(strstr(e.message, "no xx translation"));
}

CASE(cr_strings_get)
{
    (void)state;
    assert_null(cr_strings_get(NULL, "section.field"));
    assert_null(cr_strings_get(ENV.strings, NULL));
}

static void count_missing(void *data, const char *key)
{
    (void)key;
    ++*(size_t *)data;
}

CASE(cr_strings_compare)
{
    (void)state;
    size_t n = 0;
    assert_int_equal(cr_strings_compare(NULL, ENV.strings, count_missing, &n), 0);
    assert_int_equal(n, 0);
    /* No table to compare with: every key of |ref| is missing from it. */
    assert_true(cr_strings_compare(ENV.strings, NULL, NULL, NULL) > 0);
}

CASE(cr_layout_check_texts)
{
    (void)state;
    USAGE(cr_layout_check_texts(NULL, ENV.strings, ENV.fonts, ERR));
    USAGE(cr_layout_check_texts(CAT, NULL, ENV.fonts, ERR));
    USAGE(cr_layout_check_texts(CAT, ENV.strings, NULL, ERR));
}

CASE(cr_fonts_check_inputs)
{
    (void)state;
    REFUSED_AS(cr_fonts_check_inputs(NULL, W->a.submission, W->a.log, ERR), (size_t)0);
}

static cr_report_request report_request(void)
{
    cr_report_request r = {.catalog = CAT,
                           .assessment = &W->a,
                           .peers = W->peers,
                           .spec = ENV.spec,
                           .strings = ENV.strings,
                           .fonts = ENV.fonts,
                           .created = 0};
    return r;
}

CASE(cr_layout_report)
{
    (void)state;
    cr_assessment zero = {0};
    cr_report_request r;
    REFUSED(cr_layout_report(NULL, ERR));
#define WITHOUT(member, value)                                                                     \
    r = report_request();                                                                          \
    r.member = value;                                                                              \
    REFUSED(cr_layout_report(&r, ERR))
    WITHOUT(catalog, NULL);
    WITHOUT(assessment, NULL);
    WITHOUT(assessment, &zero);
    WITHOUT(peers, NULL);
    WITHOUT(spec, NULL);
    WITHOUT(strings, NULL);
    WITHOUT(fonts, NULL);
    WITHOUT(previous, &zero);
#undef WITHOUT
}

CASE(cr_layout_cache_new)
{
    (void)state;
    REFUSED(cr_layout_cache_new(NULL, 0, ERR));
    /* A cache made for other fonts is refused by the layout. */
    cr_fonts *other = cr_layout_spec_load_fonts(ENV.spec, NULL);
    assert_non_null(other);
    cr_layout_cache *c = cr_layout_cache_new(other, 0, NULL);
    assert_non_null(c);
    cr_report_request r = report_request();
    r.cache = c;
    assert_null(cr_layout_report(&r, NULL));
    cr_error e;
    cr_error_init(&e);
    assert_null(cr_layout_report(&r, &e));
    assert_int_equal(e.code, CR_EUSAGE);
    cr_layout_cache_free(c);
    cr_fonts_free(other);
}

CASE(cr_layout_cache_free)
{
    (void)state;
    cr_layout_cache_free(NULL);
}

CASE(cr_layout_cache_get_stats)
{
    (void)state;
    cr_layout_cache_stats st;
    memset(&st, 0xff, sizeof st);
    cr_layout_cache_get_stats(NULL, &st);
    assert_true(st.hits == 0 && st.misses == 0 && st.entries == 0 && st.max_bytes == 0);
    cr_layout_cache *c = cr_layout_cache_new(ENV.fonts, 0, NULL);
    assert_non_null(c);
    cr_layout_cache_get_stats(c, NULL);
    cr_layout_cache_free(c);
}

CASE(cr_layout_overview)
{
    (void)state;
    cr_overview_request r;
    const cr_overview_request good = {.catalog = CAT,
                                      .peers = W->peers,
                                      .spec = ENV.spec,
                                      .strings = ENV.strings,
                                      .fonts = ENV.fonts,
                                      .cycle = 2023};
    REFUSED(cr_layout_overview(NULL, ERR));
#define WITHOUT(member, value)                                                                     \
    r = good;                                                                                      \
    r.member = value;                                                                              \
    REFUSED(cr_layout_overview(&r, ERR))
    WITHOUT(catalog, NULL);
    WITHOUT(peers, NULL);
    WITHOUT(spec, NULL);
    WITHOUT(strings, NULL);
    WITHOUT(fonts, NULL);
    WITHOUT(ncities, 3); /* cities NULL */
#undef WITHOUT
}

/* ---- peers.h ---- */

CASE(cr_peers_new)
{
    (void)state;
    REFUSED(cr_peers_new(NULL, ERR));
}

CASE(cr_peers_free)
{
    (void)state;
    cr_peers_free(NULL);
}

CASE(cr_peers_add)
{
    (void)state;
    cr_error e;
    cr_error_init(&e);
    cr_peers *p = cr_peers_new(CAT, &e);
    assert_non_null(p);
    cr_peers_add(NULL, W->a.audited, &W->a.score);
    cr_peers_add(p, NULL, &W->a.score);
    cr_peers_add(p, W->a.audited, NULL);
    cr_scorecard sc = W->a.score; /* indices of another catalog: not counted, not written */
    sc.eligibility = CR_ELIGIBLE;
    sc.region = CAT->nregions;
    sc.band = 0;
    cr_peers_add(p, W->a.audited, &sc);
    sc.region = 0;
    sc.band = CAT->nbands + 100;
    cr_peers_add(p, W->a.audited, &sc);
    assert_int_equal(p->applicants, 0);
    assert_int_equal(p->used, 0);
    cr_peers_free(p);
}

CASE(cr_peers_leave_out)
{
    (void)state;
    USAGE(cr_peers_leave_out(NULL, "x", ERR));
    USAGE(cr_peers_leave_out(W->peers, NULL, ERR));
}

CASE(cr_peers_average)
{
    (void)state;
    assert_true(cr_peers_average(NULL, &W->peers->regions[0]) == 0.0);
    assert_true(cr_peers_average(W->peers, NULL) == 0.0);
}

CASE(cr_peers_share)
{
    (void)state;
    assert_true(cr_peers_share(NULL, 0, CR_NONE) == 0.0);
    assert_true(cr_peers_share(W->peers, CAT->ncriteria, CR_NONE) == 0.0);
    assert_true(cr_peers_share(W->peers, CR_NONE, CR_NONE) == 0.0);
    assert_true(cr_peers_share(W->peers, 0, CAT->nbands) == 0.0);
    assert_true(cr_peers_share(W->peers, CAT->ncriteria - 1, CAT->nbands - 1) >= 0.0);
}

CASE(cr_peers_save)
{
    (void)state;
    USAGE(cr_peers_save(NULL, CR_TEST_TMP "/api_args_never.xml", ERR));
    USAGE(cr_peers_save(W->peers, NULL, ERR));
}

CASE(cr_peers_load)
{
    (void)state;
    REFUSED(cr_peers_load(NULL, CAT, SCH, ERR));
    REFUSED(cr_peers_load("p.xml", NULL, SCH, ERR));
    REFUSED(cr_peers_load("p.xml", CAT, NULL, ERR));
}

CASE(cr_peers_parse)
{
    (void)state;
    REFUSED(cr_peers_parse(NULL, 4, "n", CAT, SCH, ERR));
    REFUSED(cr_peers_parse(XML, 4, NULL, CAT, SCH, ERR));
    REFUSED(cr_peers_parse(XML, 4, "n", NULL, SCH, ERR));
    REFUSED(cr_peers_parse(XML, 4, "n", CAT, NULL, ERR));
}

/* ---- render.h ---- */

CASE(cr_render_pdf)
{
    (void)state;
    cr_buffer out;
    USAGE(cr_render_pdf(NULL, ENV.fonts, &out, ERR));
    USAGE(cr_render_pdf(W->d, NULL, &out, ERR));
    USAGE(cr_render_pdf(W->d, ENV.fonts, NULL, ERR));
}

CASE(cr_display_check)
{
    (void)state;
    size_t n;
    USAGE(cr_display_check(NULL, ENV.fonts, &n, ERR));
    USAGE(cr_display_check(W->d, NULL, &n, ERR));
    cr_display empty = {.page_w = 100, .page_h = 100, .nops = 3};
    USAGE(cr_display_check(&empty, ENV.fonts, NULL, ERR)); /* ops NULL, nops 3 */
}

CASE(cr_render)
{
    (void)state;
    cr_buffer out;
    cr_render_target t = CR_RENDER_TARGET_INIT;
    USAGE(cr_render(NULL, ENV.fonts, &t, NULL, &out, NULL, ERR));
    USAGE(cr_render(W->d, NULL, &t, NULL, &out, NULL, ERR));
    USAGE(cr_render(W->d, ENV.fonts, NULL, NULL, &out, NULL, ERR));
    USAGE(cr_render(W->d, ENV.fonts, &t, NULL, NULL, NULL, ERR));    /* neither */
    USAGE(cr_render(W->d, ENV.fonts, &t, "x.pdf", &out, NULL, ERR)); /* both */
    t.format = (cr_output_format)9;
    USAGE(cr_render(W->d, ENV.fonts, &t, NULL, &out, NULL, ERR));
    t.format = CR_OUTPUT_PDF;
    t.backend = (cr_backend)-1;
    USAGE(cr_render(W->d, ENV.fonts, &t, NULL, &out, NULL, ERR));
}

CASE(cr_render_cairo)
{
    (void)state;
    cr_buffer out;
    USAGE(cr_render_cairo(NULL, ENV.fonts, CR_CAIRO_PNG, 0, 96, &out, ERR));
    USAGE(cr_render_cairo(W->d, NULL, CR_CAIRO_PNG, 0, 96, &out, ERR));
    USAGE(cr_render_cairo(W->d, ENV.fonts, CR_CAIRO_PNG, 0, 96, NULL, ERR));
    USAGE(cr_render_cairo(W->d, ENV.fonts, (cr_cairo_format)9, 0, 96, &out, ERR));
    USAGE(cr_render_cairo(W->d, ENV.fonts, (cr_cairo_format)-1, 0, 96, &out, ERR));
    /* Page numbers: the one after the last, and CR_NONE. */
    cr_error e;
    cr_error_init(&e);
    assert_int_equal(cr_render_cairo(W->d, ENV.fonts, CR_CAIRO_PNG, W->d->npages, 96, &out, &e),
                     CR_EUSAGE);
    assert_int_equal(cr_render_cairo(W->d, ENV.fonts, CR_CAIRO_SVG, CR_NONE, 96, &out, NULL),
                     CR_EUSAGE);
    assert_null(out.data);
}

CASE(cr_buffer_free)
{
    (void)state;
    cr_buffer_free(NULL);
}

CASE(cr_write_file_atomic)
{
    (void)state;
    USAGE(cr_write_file_atomic(NULL, "x", 1, ERR));
    USAGE(cr_write_file_atomic(CR_TEST_TMP "/api_args_never.txt", NULL, 5, ERR));
}

/* ---- roadmap.h ---- */

CASE(cr_roadmap_build)
{
    (void)state;
    REFUSED(cr_roadmap_build(NULL, &W->a.score, W->peers, ERR));
    REFUSED(cr_roadmap_build(W->a.audited, NULL, W->peers, ERR));
}

CASE(cr_roadmap_free)
{
    (void)state;
    cr_roadmap_free(NULL);
}

CASE(cr_blocker_kind_name)
{
    (void)state;
    assert_string_equal(cr_blocker_kind_name(CR_BLOCKER_CORE), "core");
    assert_string_equal(cr_blocker_kind_name((cr_blocker_kind)99), "?");
    assert_string_equal(cr_blocker_kind_name((cr_blocker_kind)-1), "?");
}

/* ---- score.h ---- */

CASE(cr_percent)
{
    (void)state; /* no pointer, no index */
    assert_int_equal(cr_percent(5, 0), 0);
}

CASE(cr_outcome_meets)
{
    (void)state;
    assert_false(cr_outcome_meets(NULL, NULL, 1));
    assert_false(cr_outcome_meets(&CAT->outcomes[0], NULL, 0));
}

CASE(cr_tier_holds)
{
    (void)state;
    cr_answer answers[CR_MAX_LIST];
    bool met[CR_MAX_LIST];
    for (size_t i = 0; i < CR_MAX_LIST; i++) {
        answers[i] = CR_ANSWER_YES;
        met[i] = true;
    }
    assert_true(cr_tier_holds(CAT, 0, answers, met));
    assert_false(cr_tier_holds(NULL, 0, answers, met));
    assert_false(cr_tier_holds(CAT, CAT->ntiers, answers, met));
    assert_false(cr_tier_holds(CAT, CR_NONE, answers, met));
    assert_false(cr_tier_holds(CAT, 0, NULL, met));
    assert_false(cr_tier_holds(CAT, 0, answers, NULL));
}

CASE(cr_score)
{
    (void)state;
    cr_scorecard sc;
    cr_audited no_catalog = *W->a.audited;
    no_catalog.catalog = NULL;
    USAGE(cr_score(NULL, &sc, ERR));
    USAGE(cr_score(W->a.audited, NULL, ERR));
    USAGE(cr_score(&no_catalog, &sc, ERR));
}

CASE(cr_score_answers)
{
    (void)state;
    cr_scorecard sc;
    cr_answer answers[CR_MAX_LIST] = {0};
    bool met[CR_MAX_LIST] = {0};
    USAGE(cr_score_answers(NULL, answers, met, &sc, ERR));
    USAGE(cr_score_answers(CAT, NULL, met, &sc, ERR));
    USAGE(cr_score_answers(CAT, answers, NULL, &sc, ERR));
    USAGE(cr_score_answers(CAT, answers, met, NULL, ERR));
}

/* ---- version.h ---- */

CASE(cr_version)
{
    (void)state; /* no argument at all */
    assert_non_null(cr_version());
}

/* ---- the table, checked against the headers ---- */

#define C(name)                                                                                    \
    {                                                                                              \
#name, c_##name                                                                            \
    }
static const struct {
    const char *name;
    CMUnitTestFunction test;
} CASES[] = {
    C(cr_install_open),
    C(cr_install_close),
    C(cr_install_preload),
    C(cr_install_assets),
    C(cr_install_catalog),
    C(cr_install_schemas),
    C(cr_render_city),
    C(cr_render_city_buffers),
    C(cr_render_city_file),
    C(cr_audit_apply),
    C(cr_audited_free),
    C(cr_batch_overview),
    C(cr_schemas_load),
    C(cr_schemas_free),
    C(cr_catalog_load),
    C(cr_catalog_parse),
    C(cr_catalog_translate),
    C(cr_catalog_translation_path),
    C(cr_catalog_free),
    C(cr_catalog_criterion),
    C(cr_catalog_outcome),
    C(cr_catalog_tier),
    C(cr_catalog_band),
    C(cr_catalog_region_by_id),
    C(cr_catalog_region),
    C(cr_catalog_band_of),
    C(cr_catalog_outcome_source),
    C(cr_answer_name),
    C(cr_assessment_load),
    C(cr_assessment_free),
    C(cr_assessment_parse),
    C(cr_assessment_date),
    C(cr_cohort_scan),
    C(cr_cohort_free),
    C(cr_cohort_load),
    C(cr_cohort_stats),
    C(cr_cohort_stats_parallel),
    C(cr_cohort_summary),
    C(cr_role_name),
    C(cr_display_free),
    C(cr_display_dump),
    C(cr_error_init),
    C(cr_error_set),
    C(cr_error_warn),
    C(cr_error_format),
    C(cr_escape),
    C(cr_utf8_cut),
    C(cr_fonts_load),
    C(cr_fonts_load_chain),
    C(cr_fonts_free),
    C(cr_fonts_fallback_count),
    C(cr_fonts_fallback_path),
    C(cr_fonts_fallback_data),
    C(cr_fonts_ignorable),
    C(cr_fonts_combining),
    C(cr_fonts_pick),
    C(cr_fonts_run),
    C(cr_fonts_width),
    C(cr_fonts_has),
    C(cr_fonts_covers),
    C(cr_fonts_missing),
    C(cr_fonts_ascent),
    C(cr_fonts_descent),
    C(cr_fonts_path),
    C(cr_fonts_data),
    C(cr_submission_load),
    C(cr_submission_parse),
    C(cr_submission_free),
    C(cr_audit_load),
    C(cr_audit_parse),
    C(cr_audit_free),
    C(cr_input_kind),
    C(cr_step_name),
    C(cr_scorecard_json),
    C(cr_scorecard_json_peers),
    C(cr_peers_json),
    C(cr_layout_spec_load),
    C(cr_layout_cache_new),
    C(cr_layout_cache_free),
    C(cr_layout_cache_get_stats),
    C(cr_layout_spec_parse),
    C(cr_layout_spec_free),
    C(cr_layout_spec_fonts),
    C(cr_layout_spec_fallbacks),
    C(cr_layout_spec_load_fonts),
    C(cr_strings_load),
    C(cr_strings_free),
    C(cr_language_files),
    C(cr_language_choose),
    C(cr_strings_get),
    C(cr_strings_compare),
    C(cr_layout_check_texts),
    C(cr_fonts_check_inputs),
    C(cr_layout_report),
    C(cr_layout_overview),
    C(cr_peers_new),
    C(cr_peers_free),
    C(cr_peers_add),
    C(cr_peers_leave_out),
    C(cr_peers_average),
    C(cr_peers_share),
    C(cr_peers_save),
    C(cr_peers_load),
    C(cr_peers_parse),
    C(cr_render_pdf),
    C(cr_display_check),
    C(cr_render),
    C(cr_render_cairo),
    C(cr_buffer_free),
    C(cr_write_file_atomic),
    C(cr_roadmap_build),
    C(cr_roadmap_free),
    C(cr_blocker_kind_name),
    C(cr_percent),
    C(cr_outcome_meets),
    C(cr_tier_holds),
    C(cr_score),
    C(cr_score_answers),
    C(cr_version),
};
#define NCASES (sizeof CASES / sizeof *CASES)

/* Appends the text of |path| to |*all| (a growing string). */
static void slurp(const char *path, char **all, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        char *grown = realloc(*all, *len + n + 1);
        assert_non_null(grown);
        *all = grown;
        memcpy(*all + *len, chunk, n);
        *len += n;
        (*all)[*len] = '\0';
    }
    fclose(f);
}

/* The names the headers declare with CR_API, as tests/symbols_test.sh reads them: the headers
 * joined, then after each "CR_API " the last word before the next "(" (no ";" between). */
static size_t declared(char names[][64], size_t max)
{
    static const char *const headers[] = {
        "api.h",      "audit.h", "batch.h",  "catalog.h", "cohort.h", "display.h",
        "error.h",    "fonts.h", "input.h",  "io.h",      "json.h",   "layout.h",
        "overview.h", "peers.h", "render.h", "roadmap.h", "score.h"};
    char *all = NULL;
    size_t len = 0, n = 0;
    char path[4096];
    for (size_t k = 0; k < sizeof headers / sizeof *headers; k++) {
        snprintf(path, sizeof path, "%s/%s", CR_TEST_INCLUDE, headers[k]);
        slurp(path, &all, &len);
    }
    snprintf(path, sizeof path, "%s/version.h", CR_TEST_BUILD_INCLUDE);
    slurp(path, &all, &len);
    for (const char *p = all; (p = strstr(p, "CR_API ")) != NULL; p += 7) {
        const char *paren = p + 7;
        while (*paren && *paren != '(' && *paren != ';')
            paren++;
        if (*paren != '(')
            continue;
        const char *end = paren;
        while (end > p && (end[-1] == ' ' || end[-1] == '\n'))
            end--;
        const char *start = end;
        while (start > p && start[-1] != ' ' && start[-1] != '*' && start[-1] != '\n')
            start--;
        if (start == end || n == max || (size_t)(end - start) >= 64)
            continue;
        memcpy(names[n], start, (size_t)(end - start));
        names[n][end - start] = '\0';
        n++;
    }
    free(all);
    return n;
}

/* Every public function has a case, and every case is a public function. */
static void every_public_function_has_a_case(void **state)
{
    (void)state;
    static char names[256][64];
    size_t n = declared(names, 256);
    assert_true(n >= 100); /* the headers were read */
    size_t lacking = 0;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < NCASES && !found; k++)
            found = strcmp(names[i], CASES[k].name) == 0;
        if (!found) {
            fprintf(stderr, "no argument case for public function %s (tests/test_api_args.c)\n",
                    names[i]);
            lacking++;
        }
    }
    for (size_t k = 0; k < NCASES; k++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(names[i], CASES[k].name) == 0;
        if (!found) {
            fprintf(stderr, "case %s is not a public function\n", CASES[k].name);
            lacking++;
        }
    }
    assert_int_equal(lacking, 0);
    assert_int_equal(n, NCASES);
}

static int setup(void **state)
{
    world *w = layout_fixture_new(sizeof *w);
    if (!w)
        return -1;
    W = w;
    cr_error e;
    cr_error_init(&e);
    char sub[4096], aud[4096];
    cr_report_request r;
    if (cr_assessment_load(&w->a, sample(sub, sizeof sub, ".submission.xml"),
                           sample(aud, sizeof aud, ".audit.xml"), CAT, SCH, &e) != CR_OK)
        goto fail;
    if (!(w->peers = cr_peers_new(CAT, &e)))
        goto fail;
    cr_peers_add(w->peers, w->a.audited, &w->a.score);
    r = report_request();
    if (!(w->d = cr_layout_report(&r, &e)))
        goto fail;
    if (!(w->in = cr_install_open(CR_TEST_ASSETS, &e)))
        goto fail;
    if (!(w->cohort = cr_cohort_scan(CR_TEST_SAMPLES, &e)))
        goto fail;
    *state = w;
    return 0;
fail:;
    char msg[1200];
    cr_error_format(&e, msg, sizeof msg);
    fprintf(stderr, "setup: %s\n", msg);
    return -1;
}

static int teardown(void **state)
{
    world *w = *state;
    if (!w)
        return 0;
    cr_cohort_free(w->cohort);
    cr_install_close(w->in);
    cr_display_free(w->d);
    cr_peers_free(w->peers);
    cr_assessment_free(&w->a);
    layout_fixture_free(w);
    W = NULL;
    return 0;
}

int main(void)
{
    struct CMUnitTest tests[NCASES + 1];
    tests[0] = (struct CMUnitTest)cmocka_unit_test(every_public_function_has_a_case);
    for (size_t k = 0; k < NCASES; k++)
        tests[k + 1] = (struct CMUnitTest){CASES[k].name, CASES[k].test, NULL, NULL, NULL};
    return _cmocka_run_group_tests("api_args", tests, NCASES + 1, setup, teardown);
}
