/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: progress since the previous cycle in the city report (cr_report_request's
 * `previous`).
 *
 * Tempe (samples/cohort/gold-city) against its 2022 assessment (tests/data/previous/gold-city,
 * see the comment there): DM 67% -> 89% with DM3 and DM7 newly met, EVAL 100% -> 75% with EVAL1
 * no longer met, BF 67% -> 67% with BF2 and BF3 swapped, RDC 13% -> 25%, the others unchanged. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "layouttest.h"

#define GOLDEN_EPOCH 1689336000LL /* what tests/report_test.sh gives the golden dumps */

typedef struct state {
    layout_fixture base; /* first */
    cr_peers *peers;
    cr_assessment current, previous;
} state;

static int setup(void **st)
{
    state *s = layout_fixture_new(sizeof *s);
    if (!s)
        return -1;
    *st = s;
    const cr_catalog *cat = s->base.fx->catalog;
    const cr_schemas *schemas = s->base.fx->schemas;
    cr_error err;
    cr_error_init(&err);
    char sub[600], aud[600];
    cr_cohort *c = cr_cohort_scan(CR_TEST_SAMPLES, &err);
    s->peers = c ? cr_cohort_stats(c, cat, schemas, NULL, &err) : NULL;
    cr_cohort_free(c);
    if (!s->peers ||
        cr_assessment_load(
            &s->current, sample_path(sub, sizeof sub, "gold-city", ".submission.xml"),
            sample_path(aud, sizeof aud, "gold-city", ".audit.xml"), cat, schemas, &err) != CR_OK ||
        cr_assessment_load(&s->previous, CR_TEST_DATA "/previous/gold-city.submission.xml", NULL,
                           cat, schemas, &err) != CR_OK) {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "test_progress: %s\n", msg);
        return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    cr_assessment_free(&s->current);
    cr_assessment_free(&s->previous);
    cr_peers_free(s->peers);
    layout_fixture_free(s);
    return 0;
}

static cr_report_request request(state *s, const cr_assessment *previous)
{
    cr_report_request req = {.catalog = s->base.fx->catalog,
                             .assessment = &s->current,
                             .peers = s->peers,
                             .spec = s->base.env.spec,
                             .strings = s->base.env.strings,
                             .fonts = s->base.env.fonts,
                             .created = GOLDEN_EPOCH,
                             .previous = previous};
    return req;
}

static cr_display *layout(state *s, const cr_assessment *previous)
{
    cr_error err;
    cr_error_init(&err);
    cr_report_request req = request(s, previous);
    cr_display *d = cr_layout_report(&req, &err);
    assert_no_error(&err);
    assert_non_null(d);
    return d;
}

/* Without a previous assessment the report is exactly the reviewed golden one (the peers of the
 * sample cohort computed here are the counts the golden's peers file holds). */
static void test_no_previous_is_unchanged(void **st)
{
    state *s = *st;
    cr_error err;
    cr_error_init(&err);
    cr_display *d = layout(s, NULL);
    char *dump = cr_display_dump(d, &err);
    assert_non_null(dump);
    size_t len;
    char *golden = cr_read_file(CR_TEST_DATA "/../golden/gold-city.dump", 1u << 24, &len, &err);
    assert_no_error(&err);
    assert_string_equal(dump, golden);
    char *text = page_text(d, (size_t)-1);
    assert_false(has_text(text, "since 2022"));
    assert_false(has_text(text, "Newly met"));
    free(text);
    free(golden);
    free(dump);
    cr_display_free(d);
}

/* Page 1, under each area's percentage: the change in points. */
static void test_band_deltas(void **st)
{
    state *s = *st;
    cr_display *d = layout(s, &s->previous);
    static const char *const expected[] = {"+22 since 2022", "-25 since 2022", "no change",
                                           "no change",      "no change",      "no change",
                                           "+12 since 2022", "no change"};
    size_t status = op_page(d, find_op(d, 0, "89%")); /* the status page */
    char *p1 = page_text(d, status);
    /* In area order: each one after the previous one's. */
    const char *at = p1;
    for (size_t k = 0; k < sizeof expected / sizeof expected[0]; k++) {
        const char *f = strstr(at, expected[k]);
        if (!f)
            fail_msg("area %zu: \"%s\" not on page 1 after the previous area's", k, expected[k]);
        at = f + strlen(expected[k]);
    }
    /* The percentages are still there, and each delta sits below its percentage inside its box. */
    size_t pct = find_op(d, 0, "89%"), delta = find_op(d, 0, "+22 since 2022");
    assert_true(pct != (size_t)-1 && delta != (size_t)-1);
    assert_int_equal(op_page(d, delta), status);
    assert_true(d->ops[delta].y > d->ops[pct].y + 5);
    assert_true(d->ops[delta].x == d->ops[pct].x);
    size_t name = find_op(d, delta, "Data");
    assert_true(name != (size_t)-1 && d->ops[name].y > d->ops[delta].y + 5);
    free(p1);
    cr_display_free(d);
}

/* The area's section, under "Your city has achieved N% of ..." and before the next area's (areas
 * share pages). */
static void expect_on_area_page(const cr_display *d, const char *achieved, const char *const *texts,
                                size_t n, const char *const *absent, size_t nabsent)
{
    size_t page = find_page(d, achieved);
    if (page == (size_t)-1)
        fail_msg("\"%s\" is on no page", achieved);
    char *t = page_text(d, page);
    char *after = strstr(t, achieved);
    assert_non_null(after);
    char *next = strstr(after + 1, "Your city has achieved");
    if (next)
        *next = '\0';
    for (size_t i = 0; i < n; i++)
        if (!has_text(after, texts[i]))
            fail_msg("page %zu: \"%s\" missing after \"%s\"", page + 1, texts[i], achieved);
    for (size_t i = 0; i < nabsent; i++)
        if (has_text(after, absent[i]))
            fail_msg("page %zu: \"%s\" should not be there", page + 1, absent[i]);
    free(t);
}

static void test_area_progress(void **st)
{
    state *s = *st;
    cr_display *d = layout(s, &s->previous);
    static const char *const dm[] = {
        "Up 22 points since the 2022 assessment (67%).",
        "Newly met: DM3 Sharing Data, DM7 Qualitative Data Practices."};
    static const char *const dm_absent[] = {"No longer met"};
    expect_on_area_page(d, "has achieved 89% of Data Management criteria", dm, 2, dm_absent, 1);
    static const char *const eval[] = {
        "Down 25 points since the 2022 assessment (100%).",
        "No longer met: EVAL1 Establishing City-Wide Evaluation Commitments."};
    static const char *const eval_absent[] = {"Newly met"};
    expect_on_area_page(d, "has achieved 75% of Rigorous Evaluations criteria", eval, 2,
                        eval_absent, 1);
    static const char *const bf[] = {"No change since the 2022 assessment (67%).",
                                     "Newly met: BF2 Data-Driven Budget and Financial Decisions.",
                                     "No longer met: BF3 Leveraging Funds for Outcomes."};
    expect_on_area_page(d, "has achieved 67% of Data-Driven Budget & Finance criteria", bf, 3, NULL,
                        0);
    static const char *const rdc[] = {"Up 12 points since the 2022 assessment (13%).",
                                      "Newly met: RDC1 Defining Goals for Key Procurements."};
    expect_on_area_page(d, "has achieved 25% of Results-Driven Contracting criteria", rdc, 2,
                        dm_absent, 1);
    static const char *const lc[] = {"No change since the 2022 assessment (86%)."};
    static const char *const lc_absent[] = {"Newly met", "No longer met"};
    expect_on_area_page(d, "has achieved 86% of Leadership & Capacity criteria", lc, 1, lc_absent,
                        2);
    /* DM8, RDC5, RDC6 and SI1 were not met in 2022 either: never listed (the DM and RDC lists
     * above end with their full stop). */
    static const char *const si[] = {"No change since the 2022 assessment (67%)."};
    expect_on_area_page(d, "has achieved 67% of Stakeholder Impact criteria", si, 1, lc_absent, 2);

    /* The same report otherwise (the progress lines may push it onto one more page), and the
     * PDF renders. */
    cr_display *plain = layout(s, NULL);
    assert_true(d->npages >= plain->npages && d->npages <= plain->npages + 1);
    assert_int_equal(d->nanchors, plain->nanchors);
    write_pdf(d, s->base.env.fonts, CR_TEST_TMP "/progress.pdf");
    cr_display_free(plain);
    cr_display_free(d);
}

/* Text ops stay inside the margins with the extra lines, none overlapping another. */
static void test_progress_geometry(void **st)
{
    state *s = *st;
    cr_display *d = layout(s, &s->previous);
    check_geometry(d, &s->base.env);
    cr_display_free(d);
}

/* A previous assessment of another city or of the same cycle is refused. */
static void test_previous_refused(void **st)
{
    state *s = *st;
    cr_error err;
    cr_error_init(&err);
    /* The current assessment as its own previous: cycle 2023 is not before 2023. */
    cr_report_request req = request(s, &s->current);
    assert_null(cr_layout_report(&req, &err));
    assert_input_error(&err, 0, "cycle 2023 is not before");

    cr_assessment other;
    char sub[600], aud[600];
    cr_error_init(&err);
    assert_int_equal(cr_assessment_load(&other,
                                        sample_path(sub, sizeof sub, "montreal", ".submission.xml"),
                                        sample_path(aud, sizeof aud, "montreal", ".audit.xml"),
                                        s->base.fx->catalog, s->base.fx->schemas, &err),
                     CR_OK);
    req = request(s, &other);
    assert_null(cr_layout_report(&req, &err));
    assert_input_error(&err, 0, "\"montreal\", not \"gold-city\"");
    cr_assessment_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_previous_is_unchanged),
        cmocka_unit_test(test_band_deltas),
        cmocka_unit_test(test_area_progress),
        cmocka_unit_test(test_progress_geometry),
        cmocka_unit_test(test_previous_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
