/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: every sample city scores as samples/cohort/EXPECTED.md says (those numbers
 * were worked out by hand and by an independent script, not by this program). */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

typedef struct expected {
    const char *id;
    bool has_audit;
    unsigned met;
    unsigned areas[8];
    const char *tier;    /* qualifying tier ("none" when not eligible) */
    const char *awarded; /* "none" when not certified */
    bool eligible;
    const char *changed; /* space-separated codes */
    const char *stale;
} expected;

static const expected cities[] = {
    {"gold-city",
     true,
     31,
     {8, 3, 6, 4, 4, 2, 2, 2},
     "gold",
     "gold",
     true,
     "DM8 RDC5 RDC6 SI1",
     ""},
    {"platinum-city", true, 39, {9, 3, 7, 4, 5, 3, 6, 2}, "platinum", "platinum", true, "RDC7", ""},
    {"sao-paulo", true, 24, {5, 1, 5, 3, 4, 2, 3, 1}, "silver", "silver", true, "OD4 RDC8", ""},
    {"bogota", true, 31, {8, 2, 5, 4, 4, 2, 4, 2}, "gold", "none", true, "BF3", ""},
    {"montreal", true, 26, {7, 1, 4, 4, 4, 2, 2, 2}, "none", "none", true, "LC1", ""},
    {"hamilton", true, 32, {7, 2, 6, 3, 4, 3, 5, 2}, "none", "none", true, "OD4", ""},
    {"stale-city", true, 25, {6, 0, 5, 2, 3, 2, 5, 2}, "silver", "none", true, "PA5", "OD2"},
    {"small-town", true, 23, {4, 0, 4, 3, 4, 2, 4, 2}, "none", "none", false, "", ""},
    {"guadalajara", true, 12, {4, 0, 2, 2, 2, 1, 0, 1}, "none", "none", true, "", ""},
    {"medellin", true, 37, {8, 3, 7, 4, 5, 3, 5, 2}, "gold", "gold", true, "RDC8", ""},
    {"no-audit", false, 22, {5, 0, 4, 3, 3, 2, 3, 2}, "silver", "none", true, "", ""},
};

static void codes_of(const cr_catalog *cat, const size_t *idx, size_t n, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? " " : "", cat->criteria[idx[i]].code);
    }
}

static void test_every_sample(void **state)
{
    fixture *f = *state;
    const cr_catalog *cat = f->catalog;
    for (size_t k = 0; k < sizeof cities / sizeof cities[0]; k++) {
        const expected *x = &cities[k];
        char sub[1024], aud[1024], got[512];
        cr_assessment a;
        cr_error err;
        cr_error_init(&err);
        sample_path(sub, sizeof sub, x->id, ".submission.xml");
        sample_path(aud, sizeof aud, x->id, ".audit.xml");
        assert_int_equal(
            cr_assessment_load(&a, sub, x->has_audit ? aud : NULL, cat, f->schemas, &err), CR_OK);
        assert_no_error(&err);
        const cr_scorecard *sc = &a.score;
        if (sc->met != x->met)
            fail_msg("%s: met %u, expected %u", x->id, sc->met, x->met);
        for (size_t ar = 0; ar < 8; ar++)
            if (sc->areas[ar].met != x->areas[ar])
                fail_msg("%s: area %s met %u, expected %u", x->id, cat->areas[ar].code,
                         sc->areas[ar].met, x->areas[ar]);
        const char *tier = sc->tier == CR_NONE ? "none" : cat->tiers[sc->tier].id;
        const char *awarded = sc->awarded == CR_NONE ? "none" : cat->tiers[sc->awarded].id;
        if (strcmp(tier, x->tier) != 0 || strcmp(awarded, x->awarded) != 0)
            fail_msg("%s: tier %s awarded %s, expected %s / %s", x->id, tier, awarded, x->tier,
                     x->awarded);
        assert_int_equal(sc->eligibility == CR_ELIGIBLE, x->eligible);
        codes_of(cat, sc->changed, sc->nchanged, got, sizeof got);
        if (strcmp(got, x->changed) != 0)
            fail_msg("%s: changed \"%s\", expected \"%s\"", x->id, got, x->changed);
        codes_of(cat, sc->stale, sc->nstale, got, sizeof got);
        if (strcmp(got, x->stale) != 0)
            fail_msg("%s: stale \"%s\", expected \"%s\"", x->id, got, x->stale);
        cr_assessment_free(&a);
    }
}

/* The reference report (a Gold city, 31 of 43) as the real document states it. */
static void test_reference_gold_city(void **state)
{
    fixture *f = *state;
    char sub[1024], aud[1024];
    cr_assessment a;
    cr_error err;
    cr_error_init(&err);
    sample_path(sub, sizeof sub, "gold-city", ".submission.xml");
    sample_path(aud, sizeof aud, "gold-city", ".audit.xml");
    assert_int_equal(cr_assessment_load(&a, sub, aud, f->catalog, f->schemas, &err), CR_OK);
    static const unsigned percents[8] = {89, 75, 86, 100, 80, 67, 25, 67};
    for (size_t ar = 0; ar < 8; ar++)
        assert_int_equal(a.score.areas[ar].percent, percents[ar]);
    assert_int_equal(a.score.met, 31);
    assert_int_equal(a.score.total, 43);
    assert_true(a.score.verification);
    assert_int_equal(a.score.ncore_missing, 0);
    /* The audited DM8 carries the reviewer's comment; DM1 the City Data Alliance note. */
    const cr_criterion_state *dm8 = &a.audited->criteria[cr_catalog_criterion(f->catalog, "DM8")];
    assert_int_equal(dm8->nnotes, 1);
    assert_non_null(strstr(dm8->notes[0]->comment, "IN PROGRESS"));
    const cr_criterion_state *dm1 = &a.audited->criteria[cr_catalog_criterion(f->catalog, "DM1")];
    assert_int_equal(dm1->nprograms, 1);
    assert_string_equal(a.submission->programs[dm1->programs[0]].name, "City Data Alliance");
    cr_assessment_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_sample),
        cmocka_unit_test(test_reference_gold_city),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
